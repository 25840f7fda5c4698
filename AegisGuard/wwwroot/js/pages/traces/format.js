/**
 * What the trace pages share: numbers and durations as people read them, one colour per service (the same service
 * has the same colour on every page and every load), a tiny DOM builder and the API call with query parameters.
 *
 *   import { formatDuration, serviceColor, el, api } from './traces/format.js';
 */

import { getJson } from '../../api.js';

// Distinct, readable on white, and none of them the error red (errors are marked in red separately).
const SERVICE_PALETTE = [
    '#3e7bfa', '#12a594', '#8e4ec6', '#e5793b', '#0091ff', '#d6409f', '#46a758', '#6e56cf',
    '#b8860b', '#00a2c7', '#a15c38', '#5b6b8c', '#7c9a2d', '#c2298a', '#2f7d6d', '#9a6fb0',
];

/** A stable colour for a service name (FNV-1a of the name picks a palette entry). */
export function serviceColor(name) {
    let hash = 0x811c9dc5;
    for (const char of String(name)) {
        hash ^= char.codePointAt(0);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return SERVICE_PALETTE[hash % SERVICE_PALETTE.length];
}

/** 0.042 → "42µs", 12.34 → "12.3ms", 1534 → "1.53s", 125000 → "2m 5s". */
export function formatDuration(ms) {
    if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
    if (ms < 1) return `${Math.round(ms * 1000)}µs`;
    if (ms < 10) return `${trim(ms, 2)}ms`;
    if (ms < 1000) return `${trim(ms, ms < 100 ? 1 : 0)}ms`;
    if (ms < 60_000) return `${trim(ms / 1000, ms < 10_000 ? 2 : 1)}s`;
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return minutes < 60 ? `${minutes}m ${seconds}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function trim(value, digits) {
    return Number(value.toFixed(digits)).toString();
}

/** "250ms", "1.5s", "2m", "42µs"/"42us", or a bare number of ms → milliseconds; null when empty; NaN when unreadable. */
export function parseDuration(text) {
    const value = String(text ?? '').trim().toLowerCase();
    if (!value) return null;
    const match = /^(\d+(?:\.\d+)?)\s*(µs|us|ms|s|m|h)?$/.exec(value);
    if (!match) return Number.NaN;
    const number = Number(match[1]);
    const unit = match[2] ?? 'ms';
    const factor = { 'µs': 0.001, us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
    return number * factor;
}

/** 0.0123 → "1.23 %", 0 → "0 %". */
export function formatPercent(ratio) {
    if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
    const percent = ratio * 100;
    if (percent === 0) return '0 %';
    return `${percent < 0.1 ? '<0.1' : trim(percent, percent < 10 ? 2 : 1)} %`;
}

/** Requests per second as a short figure: 0.0167 → "0.017/s", 1234 → "1.2k/s". */
export function formatRate(perSecond) {
    if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
    if (perSecond === 0) return '0/s';
    if (perSecond >= 1e4) return `${trim(perSecond / 1e3, 1)}k/s`;
    if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
    if (perSecond >= 1) return `${trim(perSecond, 2)}/s`;
    return `${Number(perSecond.toPrecision(2))}/s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** An RFC 3339 time (fractions of any length) → epoch ms with the millisecond fraction kept. */
export function parseTime(iso) {
    return Date.parse(String(iso ?? '').replace(/(\.\d{3})\d+/, '$1'));
}

/** An RFC 3339 time as local date and time, with milliseconds. */
export function formatTime(iso) {
    const ms = parseTime(iso);
    if (!Number.isFinite(ms)) return String(iso ?? '');
    return `${timeFormat.format(ms)}.${String(ms % 1000).padStart(3, '0')}`;
}

/** "3 min ago", "2 h ago", or the date for older times. */
export function formatAgo(iso, now = Date.now()) {
    const ms = parseTime(iso);
    const seconds = Math.round((now - ms) / 1000);
    if (!Number.isFinite(seconds)) return '';
    if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
    return formatTime(iso);
}

/**
 * Builds an element: el('a', { class: 'x', href: '/', dataset: { id: 1 } }, 'text', child, …). Attributes with
 * null/undefined/false values are left out; children may be strings, nodes, null or arrays of them.
 */
export function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
        if (value === null || value === undefined || value === false) continue;
        if (name === 'dataset') {
            Object.assign(element.dataset, value);
        } else if (name === 'class') {
            element.className = value;
        } else {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    }
    append(element, children);
    return element;
}

function append(element, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        if (Array.isArray(child)) append(element, child);
        else element.append(child instanceof Node ? child : String(child));
    }
}

/** An SVG element with attributes. */
export function svg(tag, attributes = {}, ...children) {
    const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === null || value === undefined || value === false) continue;
        if (name === 'dataset') Object.assign(element.dataset, value);
        else element.setAttribute(name, String(value));
    }
    for (const child of children) {
        if (child !== null && child !== undefined) element.append(child instanceof Node ? child : String(child));
    }
    return element;
}

/**
 * GET path?params (params: an object; arrays become repeated parameters; null/'' values are left out) with the
 * session; rejects with the API's ProblemError.
 */
export function api(path, params = {}, signal = undefined) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        for (const item of Array.isArray(value) ? value : [value]) {
            if (item !== null && item !== undefined && item !== '') query.append(key, String(item));
        }
    }
    const text = query.toString();
    return getJson(text ? `${path}?${text}` : path, { signal });
}

/** A range as the API takes it: RFC 3339 UTC. */
export function rangeParams({ from, to }) {
    return { from: from.toISOString(), to: to.toISOString() };
}

/** The link to one trace. */
export function traceHref(traceId) {
    return `/traces/${encodeURIComponent(traceId)}`;
}

/** A coloured service badge. */
export function serviceBadge(name) {
    const badge = el('span', { class: 'svc-badge', dataset: { service: name } }, el('span', { class: 'svc-dot', 'aria-hidden': 'true' }), name);
    badge.firstChild.style.backgroundColor = serviceColor(name);
    return badge;
}
