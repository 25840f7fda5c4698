/**
 * One trace (Pages/Traces/Trace.cshtml): GET /api/traces/{traceId} draws the figures, the service legend, warnings
 * (orphans, clock skew, duplicates, truncation), the waterfall (js/pages/traces/waterfall.js) and, on a click, the span
 * panel. The trace's logs come from the Logs API the Logs page uses — GET /api/logs/query with
 * {trace_id="…"} over the trace's time ± 15 minutes — and "View in Logs" opens that query on /logs. ?span=<id> in the
 * URL selects a span (so a link can point at one), and a 404 from the API shows the "not found" section.
 */

import { renderJson } from '../json-viewer.js';
import { showProblem } from '../problem-banner.js';
import {
    api, el, formatDuration, formatTime, parseTime, serviceBadge, serviceColor, traceHref,
} from './traces/format.js';
import { waterfall } from './traces/waterfall.js';

const LOG_MARGIN_MS = 15 * 60_000;
const LOG_LIMIT = 200;

const view = document.getElementById('trace-view');
const traceId = view.dataset.traceId;
const ui = {
    problem: document.getElementById('trace-problem'),
    notFound: document.getElementById('trace-not-found'),
    body: document.getElementById('trace-body'),
    figures: document.getElementById('trace-figures'),
    legend: document.getElementById('trace-legend'),
    warnings: document.getElementById('trace-warnings'),
    viewport: document.getElementById('wf-viewport'),
    spacer: document.getElementById('wf-spacer'),
    axis: document.getElementById('wf-axis'),
    rowCount: document.getElementById('trace-row-count'),
    panel: document.getElementById('span-panel'),
    panelTitle: document.getElementById('span-panel-title'),
    panelBody: document.getElementById('span-panel-body'),
    logList: document.getElementById('trace-log-list'),
    logsSummary: document.getElementById('trace-logs-summary'),
    logsEmpty: document.getElementById('trace-logs-empty'),
    logsLink: document.getElementById('trace-logs-link'),
};

let wf = null;
let trace = null;

load();

async function load() {
    try {
        trace = await api(`/api/traces/${encodeURIComponent(traceId)}`);
    } catch (error) {
        if (error?.status === 404) {
            ui.notFound.hidden = false;
            view.dataset.state = 'not-found';
            document.title = 'Trace not found · AegisGuard';
        } else {
            showProblem(ui.problem, error);
        }
        return;
    }
    ui.body.hidden = false;
    view.dataset.state = 'loaded';
    renderSummary();
    wf = waterfall({
        viewport: ui.viewport,
        spacer: ui.spacer,
        axis: ui.axis,
        spans: trace.spans,
        durationMs: trace.durationMs,
        onSelect: openPanel,
        onRows: (shown, total) => {
            ui.rowCount.textContent = shown === total ? `${total} span${total === 1 ? '' : 's'}` : `${shown} of ${total} spans shown`;
        },
    });
    document.getElementById('trace-expand-all').addEventListener('click', () => wf.expandAll());
    document.getElementById('trace-collapse-all').addEventListener('click', () => wf.collapseAll());
    document.getElementById('span-panel-close').addEventListener('click', closePanel);
    const wanted = new URLSearchParams(window.location.search).get('span');
    if (wanted) wf.select(wanted);
    loadLogs();
}

function renderSummary() {
    const figure = (label, value, key) => el('div', { class: 'trace-figure', dataset: { figure: key } }, el('dt', {}, label), el('dd', {}, value));
    ui.figures.replaceChildren(
        figure('Duration', formatDuration(trace.durationMs), 'duration'),
        figure('Spans', String(trace.spanCount), 'spans'),
        figure('Services', String(trace.services.length), 'services'),
        figure('Errors', String(trace.errorCount), 'errors'),
        figure('Start', formatTime(trace.start), 'start'),
    );
    if (trace.errorCount > 0) ui.figures.querySelector('[data-figure="errors"]').classList.add('is-error');
    ui.legend.replaceChildren(...trace.services.map((service) => el('li', { class: 'trace-legend-item', dataset: { service: service.name } },
        serviceBadge(service.name),
        el('span', { class: 'muted' }, `${service.spanCount} span${service.spanCount === 1 ? '' : 's'}`),
        service.errorCount > 0 ? el('span', { class: 'badge badge-error' }, `${service.errorCount} error${service.errorCount === 1 ? '' : 's'}`) : null)));

    const orphans = trace.spans.filter((s) => s.orphan).length;
    const skewed = trace.spans.filter((s) => s.outsideParent).length;
    const duplicates = trace.spans.reduce((sum, s) => sum + (s.duplicateCount ?? 0), 0);
    const notes = [];
    if (orphans) notes.push(['orphans', `${orphans} span${orphans === 1 ? ' has a parent' : 's have parents'} not in this trace (yet): listed at the top level, marked "orphan".`]);
    if (skewed) notes.push(['skew', `${skewed} span${skewed === 1 ? ' starts' : 's start'} before or end${skewed === 1 ? 's' : ''} after ${skewed === 1 ? 'its' : 'their'} parent: the clocks of the hosts disagree ("clock skew").`]);
    if (duplicates) notes.push(['duplicates', `${duplicates} duplicate span${duplicates === 1 ? ' was' : 's were'} dropped (the same span id sent more than once).`]);
    if (trace.truncated) notes.push(['truncated', `Only the first ${trace.spans.length} spans are shown: the trace is larger than the server returns at once.`]);
    for (const warning of trace.warnings ?? []) notes.push(['server', warning.message ?? String(warning)]);
    ui.warnings.replaceChildren(...notes.map(([key, text]) => el('li', { class: 'trace-warning', dataset: { warning: key } }, text)));
}

function openPanel(span) {
    ui.panel.hidden = false;
    ui.panel.dataset.spanId = span.spanId;
    ui.panelTitle.replaceChildren(serviceBadge(span.service), ' ', span.name);
    const url = new URL(window.location.href);
    url.searchParams.set('span', span.spanId);
    window.history.replaceState(null, '', url);

    const kv = (rows) => el('table', { class: 'data-table data-table-kv span-kv' },
        el('tbody', {}, rows.filter(Boolean).map(([label, value, key]) =>
            el('tr', { dataset: { field: key ?? label } }, el('th', { scope: 'row' }, label), el('td', {}, value)))));
    const status = el('span', { class: `span-status span-status-${span.status}` }, span.status);
    const parent = span.parentSpanId
        ? (span.orphan ? el('span', {}, el('code', {}, span.parentSpanId), ' (not in this trace)') : parentButton(span.parentSpanId))
        : el('span', { class: 'muted' }, 'none (root)');
    const flags = [
        span.criticalPath ? 'on the critical path' : null,
        span.orphan ? 'orphan' : null,
        span.outsideParent ? 'clock skew: outside its parent' : null,
        span.duplicateCount ? `${span.duplicateCount} duplicate${span.duplicateCount === 1 ? '' : 's'} dropped` : null,
    ].filter(Boolean);

    const body = [
        kv([
            ['Service', span.service, 'service'],
            ['Operation', span.name, 'operation'],
            ['Kind', span.kind, 'kind'],
            ['Status', span.statusMessage ? el('span', {}, status, ' ', span.statusMessage) : status, 'status'],
            ['Duration', formatDuration(span.durationMs), 'duration'],
            ['Starts at', `+${formatDuration(span.offsetMs)} · ${formatTime(span.start)}`, 'start'],
            ['Span id', el('code', {}, span.spanId), 'span-id'],
            ['Parent', parent, 'parent'],
            flags.length ? ['Notes', flags.join(', '), 'notes'] : null,
        ]),
        section('Attributes', 'attributes', mapTable(span.attributes)),
        section('Events', 'events', span.events?.length
            ? el('ol', { class: 'span-events' }, span.events.map((event) => el('li', { class: 'span-event', dataset: { name: event.name } },
                el('span', { class: 'span-event-time' }, `+${formatDuration(parseTime(event.time) - parseTime(span.start))}`),
                el('strong', {}, event.name),
                Object.keys(event.attributes ?? {}).length ? mapTable(event.attributes) : null)))
            : null),
        section('Links', 'links', span.links?.length
            ? el('ul', { class: 'span-links' }, span.links.map((link) => el('li', { class: 'span-link', dataset: { traceId: link.traceId, spanId: link.spanId } },
                linkTarget(link),
                Object.keys(link.attributes ?? {}).length ? mapTable(link.attributes) : null)))
            : null),
        section('Resource', 'resource', mapTable(span.resource)),
        section('Raw', 'raw', null, (container) => renderJson(container, span, { expandDepth: 0 })),
    ];
    ui.panelBody.replaceChildren(...body);
}

/**
 * A link opens the linked trace (at the linked span) only when the API says this org stores it (traceStored); a trace
 * of another system or org, or one already deleted, is shown as text so the click does not land on "not found".
 */
function linkTarget(link) {
    const label = el('code', {}, `${link.traceId} / ${link.spanId}`);
    if (link.traceStored) {
        return el('a', { href: `${traceHref(link.traceId)}?span=${encodeURIComponent(link.spanId)}` }, label);
    }
    return el('span', {}, label, el('span', { class: 'muted' }, ' (trace not stored here)'));
}

/**
 * The LogQL selector of this trace's log lines. Spans of a 64-bit (16-digit) trace id are stored widened to 32 digits
 * with leading zeros, while log lines keep the id as sent: a widened id asks for both forms.
 */
function traceLogQuery(id) {
    return /^0{16}[0-9a-f]{16}$/.test(id) ? `{trace_id=~"${id}|${id.slice(16)}"}` : `{trace_id="${id}"}`;
}

function parentButton(parentSpanId) {
    const button = el('button', { type: 'button', class: 'link-button' }, el('code', {}, parentSpanId));
    button.addEventListener('click', () => wf.select(parentSpanId));
    return button;
}

function section(title, key, content, fill = null) {
    const wrapper = el('section', { class: 'span-section', dataset: { section: key } }, el('h3', { class: 'span-section-title' }, title));
    if (fill) {
        const container = el('div');
        wrapper.append(container);
        fill(container);
    } else {
        wrapper.append(content ?? el('p', { class: 'muted span-none' }, 'none'));
    }
    return wrapper;
}

function mapTable(map) {
    const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (!entries.length) return null;
    return el('table', { class: 'data-table data-table-kv span-kv' }, el('tbody', {}, entries.map(([key, value]) =>
        el('tr', { dataset: { key } }, el('th', { scope: 'row' }, key), el('td', {}, typeof value === 'string' ? value : JSON.stringify(value))))));
}

function closePanel() {
    ui.panel.hidden = true;
    wf?.clearSelection();
    const url = new URL(window.location.href);
    url.searchParams.delete('span');
    window.history.replaceState(null, '', url);
}

async function loadLogs() {
    const query = traceLogQuery(trace.traceId);
    const from = new Date(parseTime(trace.start) - LOG_MARGIN_MS);
    const to = new Date(parseTime(trace.end) + LOG_MARGIN_MS);
    const href = new URL('/logs', window.location.origin);
    href.searchParams.set('query', query);
    href.searchParams.set('from', from.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    href.searchParams.set('to', to.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    ui.logsLink.href = href.pathname + href.search;
    try {
        const answer = await api('/api/logs/query', { query, from: from.toISOString(), to: to.toISOString(), limit: LOG_LIMIT });
        const lines = [...(answer.logs ?? [])].sort((a, b) => parseTime(a.timestamp) - parseTime(b.timestamp));
        ui.logsEmpty.hidden = lines.length !== 0;
        ui.logsSummary.textContent = lines.length === 0 ? '' : `${lines.length}${lines.length >= LOG_LIMIT ? '+' : ''} line${lines.length === 1 ? '' : 's'}, oldest first`;
        const start = parseTime(trace.start);
        ui.logList.replaceChildren(...lines.map((line) => {
            const level = String(line.level ?? 'info');
            const spanLink = line.span_id && trace.spans.some((s) => s.spanId === line.span_id)
                ? el('button', { type: 'button', class: 'link-button trace-log-span', title: 'Show this span in the waterfall' }, 'span')
                : null;
            spanLink?.addEventListener('click', () => wf.select(line.span_id));
            const dot = el('span', { class: 'svc-dot', 'aria-hidden': 'true' });
            dot.style.backgroundColor = serviceColor(line.service ?? '');
            return el('li', { class: 'trace-log', dataset: { level } },
                el('span', { class: 'trace-log-offset', title: formatTime(line.timestamp) }, offsetText(parseTime(line.timestamp) - start)),
                el('span', { class: `trace-log-level level-${level}` }, level),
                el('span', { class: 'trace-log-service' }, dot, line.service ?? ''),
                el('span', { class: 'trace-log-message' }, line.message ?? ''),
                spanLink);
        }));
    } catch (error) {
        showProblem(ui.problem, error);
    }
}

function offsetText(ms) {
    return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`;
}
