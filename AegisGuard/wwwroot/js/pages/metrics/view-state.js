/**
 * The Metrics page's view in the URL, so it can be shared and reloaded: ?q=<query>&legend=<format> once per query row
 * (in order; an empty legend keeps its place), &step=<duration> when overridden, &view=table for the table, next to the
 * time-range picker's own ?range=1h (or from/to). Also the step arithmetic: what a duration means and which step a
 * range gets when none is given.
 */

const UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** Prometheus keeps a range query under 11,000 points per series. */
export const MAX_POINTS = 11_000;

/** Points the derived step aims at across the chart (as Prometheus' own UI does). */
export const TARGET_POINTS = 250;

/** "15", "0.5", "30s", "5m", "1h30m" → seconds; null for anything else. */
export function parseDuration(text) {
    const value = String(text ?? '').trim();
    if (/^\d+(\.\d+)?$/.test(value)) {
        const seconds = Number(value);
        return seconds > 0 ? seconds : null;
    }
    if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(value)) {
        return null;
    }
    let seconds = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
        seconds += Number(amount) * UNITS[unit];
    }
    return seconds > 0 ? seconds : null;
}

/** 15 → "15s", 300 → "5m", 5400 → "1h30m". */
export function formatDuration(seconds) {
    if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
    let rest = Math.round(seconds);
    let text = '';
    for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]]) {
        if (rest >= size) {
            text += `${Math.floor(rest / size)}${unit}`;
            rest %= size;
        }
    }
    return text || '0s';
}

/** The step for a range of `rangeSeconds`: the smallest round step giving at most TARGET_POINTS points. */
export function autoStep(rangeSeconds) {
    const wanted = rangeSeconds / TARGET_POINTS;
    return NICE_STEPS.find((step) => step >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** The queries, legends, step and view of the current URL. */
export function readView(search = window.location.search) {
    const params = new URLSearchParams(search);
    const queries = params.getAll('q');
    const legends = params.getAll('legend');
    return {
        rows: queries.map((query, index) => ({ query, legend: legends[index] ?? '' })),
        step: params.get('step') ?? '',
        view: params.get('view') === 'table' ? 'table' : 'graph',
    };
}

/** Writes the view into the URL (keeping the picker's range); `push` makes it a new history entry. */
export function writeView({ rows, step, view }, push) {
    const url = new URL(window.location.href);
    url.searchParams.delete('q');
    url.searchParams.delete('legend');
    url.searchParams.delete('step');
    url.searchParams.delete('view');
    for (const row of rows) {
        url.searchParams.append('q', row.query);
        url.searchParams.append('legend', row.legend);
    }
    if (step) url.searchParams.set('step', step);
    if (view === 'table') url.searchParams.set('view', 'table');
    if (url.href === window.location.href) return;
    if (push) {
        window.history.pushState(null, '', url);
    } else {
        window.history.replaceState(null, '', url);
    }
}
