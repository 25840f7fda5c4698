/**
 * The Logs explorer (Pages/Logs/Index.cshtml). One query text drives everything: GET /api/logs/query (lines, or
 * series for a metric query), /api/logs/volume (the stacked histogram) and /api/logs/facets (the sidebar) are asked
 * in parallel for the query and the time range. Quick filters, facets and "filter by this value" only ever edit the
 * query text (js/pages/logs/query-text.js), so what runs is what the user reads.
 *
 * The URL holds the view — ?query=…&range=1h (or from/to) &refresh=10s &live=1 — so it can be shared and reloaded;
 * a new query is a new history entry and back/forward restore the previous one.
 *
 * Auto-refresh (off, 5 s, 10 s, 30 s, 1 min) re-asks all three and merges newer lines on top of the list; live tail
 * polls every 2 s for lines newer than the newest shown, prepends them (the reader's place is kept when they have
 * scrolled down) and keeps at most LIVE_CAP lines in the DOM. Both pause while the tab is hidden.
 */
import { getJson } from '../api.js';
import { showProblem, clearProblem } from '../problem-banner.js';
import { initTimeRangePicker } from '../time-range.js';
import { histogramChart, timeSeriesChart, formatNumber, LEVEL_ORDER } from '../charts.js';
import {
    findSelector, isMetricQuery, isLabelName, lineFilterTerms, selectedLevels, setLevels, setMatcher, toggleMatcher, addLabelFilter, quote,
} from './logs/query-text.js';
import { queryEditor } from './logs/query-editor.js';
import { logList, timeOf } from './logs/log-list.js';
import { renderFacets } from './logs/facets.js';
import { formatPath } from '../json-viewer.js';

const PAGE_SIZE = 200;
const TAIL_PAGE = 500;
const LIVE_INTERVAL_MS = 2000;
const LIVE_CAP = 1000;
const LIVE_OVERVIEW_EVERY = 5;
const REFRESH_INTERVALS = new Map([['5s', 5000], ['10s', 10_000], ['30s', 30_000], ['1m', 60_000]]);
const ISO_MS = (ms) => new Date(ms).toISOString();

const root = document.getElementById('logs-explorer');
const $ = (id) => document.getElementById(id);
const ui = {
    form: $('logs-form'),
    service: $('logs-service'),
    levels: $('logs-levels'),
    refresh: $('logs-refresh'),
    live: $('logs-live'),
    liveStatus: $('logs-live-status'),
    banner: $('logs-problem'),
    hint: $('logs-hint'),
    noData: $('logs-no-data'),
    noMatch: $('logs-no-match'),
    volume: $('logs-volume'),
    volumeCanvas: $('logs-volume-chart'),
    volumeSummary: $('logs-volume-summary'),
    volumeEmpty: $('logs-volume-empty'),
    body: $('logs-body'),
    facets: $('logs-facet-groups'),
    facetsNote: $('logs-facets-note'),
    results: $('logs-results'),
    summary: $('logs-summary'),
    stats: $('logs-stats'),
    progress: $('logs-progress'),
    table: $('logs-table'),
    metric: $('logs-metric'),
    metricCanvas: $('logs-metric-chart'),
    seriesTable: $('logs-series-table'),
};

const state = {
    hasLogs: root.dataset.hasLogs === 'true',
    defaultQuery: root.dataset.defaultQuery || '{}',
    ran: null,          // { query, from, to, metric } of the last completed run
    cursor: null,       // next_cursor of the last page of lines
    total: null,        // exact matching lines (facets)
    queryError: false,
    controller: null,
    seq: 0,
    busy: false,
    knownServices: new Map(),
    refreshTimer: null,
    liveTimer: null,
    liveAdded: 0,
    liveTicks: 0,
};

const editor = queryEditor({
    input: $('logs-query'),
    backdrop: $('logs-query-backdrop'),
    field: $('logs-query-field'),
    errorPanel: $('logs-query-error'),
    onRun: () => run({ push: true }),
});

const list = logList({
    list: $('logs-list'),
    sentinel: $('logs-sentinel'),
    moreButton: $('logs-more'),
    endNote: $('logs-end'),
    onNeedMore: loadOlder,
    onFilter: filterByValue,
    onTraceLogs: (traceId) => applyQuery(`{trace_id=${quote(traceId)}}`),
});

// Registered before the time-range picker: on back/forward the query is restored first, then the picker's own
// popstate handler reports its range and that runs the restored view.
window.addEventListener('popstate', () => {
    const params = new URLSearchParams(window.location.search);
    editor.setValue(params.get('query') || state.defaultQuery);
    readRefreshAndLive(params);
});

const picker = initTimeRangePicker($('logs-range'), { onChange: () => run({ push: false }) });

ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    run({ push: true });
});

ui.service.addEventListener('change', () => {
    const value = ui.service.value;
    if (value === '__custom') {
        return;
    }
    edit((text) => setMatcher(text, 'service', '=', value === '' ? null : value));
});

ui.levels.addEventListener('click', (event) => {
    const chip = event.target instanceof Element ? event.target.closest('[data-level]') : null;
    if (!chip) {
        return;
    }
    edit((text) => {
        const chosen = new Set(selectedLevels(text) ?? []);
        if (chosen.has(chip.dataset.level)) {
            chosen.delete(chip.dataset.level);
        } else {
            chosen.add(chip.dataset.level);
        }
        return setLevels(text, LEVEL_ORDER.filter((level) => chosen.has(level)));
    });
});

document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const example = target?.closest('[data-example]');
    if (example) {
        example.closest('details')?.removeAttribute('open');
        applyQuery(example.dataset.example);
        return;
    }
    const widen = target?.closest('[data-widen]');
    if (widen) {
        picker.setPreset(widen.dataset.widen);
        return;
    }
    if (target?.closest('[data-clear-query]')) {
        applyQuery('{}');
    }
});

document.addEventListener('keydown', (event) => {
    const typing = event.target instanceof Element && event.target.closest('input, textarea, select, [contenteditable]');
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        editor.focus();
    }
});

ui.refresh.addEventListener('change', () => {
    writeUrl(false);
    scheduleRefresh();
});

ui.live.addEventListener('click', () => {
    const on = ui.live.getAttribute('aria-pressed') !== 'true';
    setLive(on);
    writeUrl(false);
    if (on && !picker.current().preset) {
        // Live tail follows "now": a fixed range in the past becomes the last 15 minutes.
        picker.setPreset('15m');
    }
});

document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
        stopTimers();
    } else {
        scheduleRefresh();
        scheduleLive(0);
    }
});

readRefreshAndLive(new URLSearchParams(window.location.search));
run({ push: false });

// ---------------------------------------------------------------------------------------------------------------

/** Runs the query bar's text for the picker's range: lines (or series), volume and facets. */
async function run({ push }) {
    const query = editor.value.trim() || state.defaultQuery;
    const range = picker.current();
    writeUrl(push, query);
    state.controller?.abort();
    const controller = new AbortController();
    state.controller = controller;
    const seq = ++state.seq;
    const current = () => seq === state.seq;

    editor.clearError();
    clearProblem(ui.banner);
    hideHint();
    state.queryError = false;
    setBusy(true);
    const metric = isMetricQuery(query);
    const params = { query, from: ISO_MS(range.from.getTime()), to: ISO_MS(range.to.getTime()) };
    const lines = api('/api/logs/query', metric ? params : { ...params, limit: PAGE_SIZE }, controller.signal);
    // Settled together up front, so a failure of either is handled even when the lines already failed.
    const others = Promise.allSettled([
        api('/api/logs/volume', params, controller.signal),
        api('/api/logs/facets', params, controller.signal),
    ]);

    try {
        const answer = await lines;
        if (!current()) return;
        state.ran = { query, from: range.from.getTime(), to: range.to.getTime(), metric: Boolean(answer.series) };
        ui.results.classList.remove('is-stale');
        if (answer.series) {
            showMetric(answer, query, range);
        } else {
            showLines(answer, query);
        }
        state.lastStats = answer.stats;
    } catch (error) {
        if (!current() || error?.name === 'AbortError') return;
        // The volume and facets answers of a failed query are left to settle unread (the `others` promise).
        failed(error);
        setBusy(false);
        countRun();
        // A refused query waits for the user; anything else (a restart, a full disk) is tried again on the next tick.
        scheduleRefresh();
        scheduleLive(LIVE_INTERVAL_MS);
        return;
    }

    const [volumeResult, facetsResult] = await others;
    if (!current()) return;
    if (volumeResult.status === 'fulfilled') {
        drawVolume(volumeResult.value, range);
    } else if (volumeResult.reason?.name !== 'AbortError') {
        showProblem(ui.banner, volumeResult.reason);
    }
    if (facetsResult.status === 'fulfilled') {
        showFacets(facetsResult.value, query);
    } else if (facetsResult.reason?.name !== 'AbortError') {
        showProblem(ui.banner, facetsResult.reason);
    }
    await showEmptyStates(controller.signal);
    if (!current()) return;
    summarise();
    setBusy(false);
    countRun();
    scheduleRefresh();
    scheduleLive(LIVE_INTERVAL_MS);
}

/** Completed runs, on the root element: a hook for tests and tooling to wait on, harmless otherwise. */
function countRun() {
    root.dataset.runs = String(Number(root.dataset.runs ?? 0) + 1);
}

/**
 * An auto-refresh tick: the same query for the range as it is now, lines merged on top (a full reset only when the
 * new first page does not reach the lines already shown), volume and facets redrawn.
 */
async function refreshTick() {
    if (state.busy || state.queryError) {
        scheduleRefresh();
        return;
    }
    if (!state.ran) {
        // Nothing has answered yet (the first run failed): try the whole run again.
        run({ push: false });
        return;
    }
    const query = state.ran.query;
    const range = picker.current();
    const seq = state.seq;
    const params = { query, from: ISO_MS(range.from.getTime()), to: ISO_MS(range.to.getTime()) };
    const controller = new AbortController();
    state.controller = controller;
    try {
        const [answer, volume, facets] = await Promise.all([
            api('/api/logs/query', state.ran.metric ? params : { ...params, limit: PAGE_SIZE }, controller.signal),
            api('/api/logs/volume', params, controller.signal),
            api('/api/logs/facets', params, controller.signal),
        ]);
        if (seq !== state.seq) return;
        clearProblem(ui.banner);
        ui.results.classList.remove('is-stale');
        if (answer.series) {
            showMetric(answer, query, range);
        } else if (list.count === 0 || !mergeNewer(answer.logs, Boolean(answer.next_cursor))) {
            showLines(answer, query);
        }
        state.lastStats = answer.stats;
        drawVolume(volume, range);
        showFacets(facets, query);
        await showEmptyStates(controller.signal);
        summarise();
    } catch (error) {
        if (error?.name !== 'AbortError' && seq === state.seq) {
            showProblem(ui.banner, error);
        }
    } finally {
        if (seq === state.seq) {
            scheduleRefresh();
        }
    }
}

/** A live-tail tick: lines newer than the newest shown, on top; the DOM keeps the newest LIVE_CAP. */
async function liveTick() {
    if (!isLive() || state.busy || state.queryError || !state.ran || state.ran.metric) {
        scheduleLive(LIVE_INTERVAL_MS);
        return;
    }
    const seq = state.seq;
    const newest = list.newest();
    const from = newest ? timeOf(newest) : picker.current().from.getTime();
    const params = {
        query: state.ran.query,
        from: ISO_MS(from),
        // Event time is the sender's clock: a little beyond "now" keeps lines of a slightly fast clock.
        to: ISO_MS(Date.now() + 60_000),
        limit: TAIL_PAGE,
    };
    try {
        const answer = await api('/api/logs/query', params, state.controller?.signal);
        if (seq !== state.seq || !isLive()) return;
        const added = list.prepend(answer.logs ?? []);
        list.cap(LIVE_CAP);
        if (added > 0) {
            ui.table.classList.remove('is-empty');
        }
        state.liveAdded += added;
        if (added > 0 && state.total !== null) {
            state.total += added;
        }
        if (list.count > 0) {
            markHasLogs();
        }
        // The histogram and facets follow the tail too, at a gentler pace than the lines.
        state.liveTicks += 1;
        if (state.liveTicks % LIVE_OVERVIEW_EVERY === 0) {
            const range = picker.current();
            const overview = { query: state.ran.query, from: ISO_MS(range.from.getTime()), to: ISO_MS(range.to.getTime()) };
            const [volume, facets] = await Promise.all([
                api('/api/logs/volume', overview, state.controller?.signal),
                api('/api/logs/facets', overview, state.controller?.signal),
            ]);
            if (seq !== state.seq) return;
            drawVolume(volume, range);
            showFacets(facets, state.ran.query);
        }
        summarise();
    } catch (error) {
        if (error?.name !== 'AbortError' && seq === state.seq) {
            showProblem(ui.banner, error);
        }
    } finally {
        if (seq === state.seq) {
            scheduleLive(LIVE_INTERVAL_MS);
        }
    }
}

/** Adds the lines of a fresh first page that are newer than the list's newest. False when they do not connect. */
function mergeNewer(lines, pageIsFull) {
    const newest = list.newest();
    if (!newest) {
        return false;
    }
    const newestMs = timeOf(newest);
    const newer = lines.filter((line) => timeOf(line) >= newestMs);
    if (pageIsFull && newer.length === lines.length && !lines.some((line) => line.id === newest.id)) {
        return false;
    }
    const added = list.prepend(newer);
    if (added > 0) {
        markHasLogs();
    }
    return true;
}

/** The next (older) page, with the cursor of the last one. */
async function loadOlder() {
    if (!state.cursor || !state.ran || state.ran.metric) {
        return;
    }
    const seq = state.seq;
    const params = { query: state.ran.query, from: ISO_MS(state.ran.from), to: ISO_MS(state.ran.to), limit: PAGE_SIZE, cursor: state.cursor };
    try {
        const answer = await api('/api/logs/query', params, state.controller?.signal);
        if (seq !== state.seq) return;
        state.cursor = answer.next_cursor ?? null;
        list.append(answer.logs, Boolean(state.cursor));
        summarise();
    } catch (error) {
        if (error?.name !== 'AbortError' && seq === state.seq) {
            showProblem(ui.banner, error);
        }
    }
}

function showLines(answer, query) {
    ui.metric.hidden = true;
    ui.table.hidden = false;
    state.cursor = answer.next_cursor ?? null;
    state.liveAdded = 0;
    list.reset(answer.logs, { hasMore: Boolean(state.cursor), terms: lineFilterTerms(query) });
    ui.table.classList.toggle('is-empty', answer.logs.length === 0);
    if (answer.logs.length > 0) {
        markHasLogs();
    }
}

function showMetric(answer, query, range) {
    ui.table.hidden = true;
    list.reset([], { hasMore: false });
    state.cursor = null;
    ui.metric.hidden = answer.series.length === 0;
    const stepMs = answer.step * 1000;
    const series = answer.series.map((s) => ({
        label: labelText(s.labels, query),
        points: s.points.map(([t, v]) => [t * 1000, v]),
    })).sort((a, b) => a.label.localeCompare(b.label));
    const chart = timeSeriesChart(ui.metricCanvas, {
        series,
        type: 'line',
        stepMs,
        onZoom: (from, to) => picker.setRange(from, to),
    });
    fitToRange(chart, range);
    const body = ui.seriesTable.tBodies[0];
    body.replaceChildren(...series.map((s) => {
        const row = document.createElement('tr');
        const values = s.points.map(([, v]) => v);
        const name = document.createElement('td');
        const code = document.createElement('code');
        code.textContent = s.label;
        name.append(code);
        row.append(name,
            cell(values.length ? formatNumber(values[values.length - 1]) : '—'),
            cell(values.length ? formatNumber(Math.max(...values)) : '—'),
            cell(String(values.length)));
        return row;
    }));
    ui.seriesTable.dataset.series = String(series.length);
    state.metricSeries = series.length;
    state.metricStep = answer.step;
}

function drawVolume(volume, range) {
    const byTime = new Map();
    let total = 0;
    for (const series of volume.series) {
        const level = series.labels.level ?? 'unknown';
        for (const [t, count] of series.points) {
            const bucket = byTime.get(t) ?? { time: t * 1000, counts: {} };
            bucket.counts[level] = count;
            byTime.set(t, bucket);
            total += count;
        }
    }
    let buckets = [...byTime.values()].sort((a, b) => a.time - b.time);
    if (buckets.length === 0) {
        // Nothing matched: still draw the range's empty buckets, so the axis shows the time range searched.
        const count = Math.min(1000, Math.floor((volume.end - volume.start) / volume.step) + 1);
        buckets = Array.from({ length: Math.max(0, count) }, (_, i) => ({ time: (volume.start + i * volume.step) * 1000, counts: { info: 0 } }));
    }
    const chart = histogramChart(ui.volumeCanvas, {
        buckets,
        stepMs: volume.step * 1000,
        onZoom: (from, to) => picker.setRange(from, to),
    });
    // Lines are whole: no 0.4 and 0.8 ticks on the count axis.
    chart.options.scales.y.ticks.precision = 0;
    // A bar is centred on its bucket's start: leave half a bucket at either end so the outer bars are not cut.
    const half = (volume.step * 1000) / 2;
    fitToRange(chart, {
        from: new Date(Math.min(range.from.getTime(), buckets[0] ? buckets[0].time - half : Infinity)),
        to: new Date(Math.max(range.to.getTime(), buckets.length ? buckets[buckets.length - 1].time + half : -Infinity)),
    });
    ui.volumeEmpty.hidden = total > 0;
    ui.volumeSummary.textContent = `${total.toLocaleString('en-US')} ${total === 1 ? 'line' : 'lines'} · ${duration(volume.step)} buckets`;
    ui.volume.dataset.total = String(total);
}

function showFacets(facets, query) {
    state.total = facets.total;
    const selector = findSelector(query);
    const matchers = selector?.matchers ?? [];
    renderFacets(ui.facets, ui.facetsNote, facets, { matchers, onPick: pickFacet });
    updateServicePicker(facets.services, matchers);
    updateLevelChips(facets.levels, query);
}

function updateServicePicker(services, matchers) {
    for (const { value, count } of services) {
        state.knownServices.set(value, count);
    }
    for (const m of matchers) {
        if (m.name === 'service' && m.op === '=' && !state.knownServices.has(m.value)) {
            state.knownServices.set(m.value, 0);
        }
    }
    const counts = new Map(services.map((s) => [s.value, s.count]));
    const serviceMatchers = matchers.filter((m) => m.name === 'service');
    const selected = serviceMatchers.length === 0 ? '' : serviceMatchers.length === 1 && serviceMatchers[0].op === '=' ? serviceMatchers[0].value : '__custom';
    const names = [...state.knownServices.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b));
    const options = [new Option('All services', '')];
    if (selected === '__custom') {
        options.push(new Option('Custom (see the query)', '__custom'));
    }
    for (const name of names) {
        const count = counts.get(name);
        options.push(new Option(count === undefined ? name : `${name} (${formatNumber(count)})`, name));
    }
    ui.service.replaceChildren(...options);
    ui.service.value = selected;
}

function updateLevelChips(levels, query) {
    const counts = new Map(levels.map((l) => [l.value, l.count]));
    const chosen = new Set(selectedLevels(query) ?? []);
    for (const chip of ui.levels.querySelectorAll('[data-level]')) {
        const count = counts.get(chip.dataset.level) ?? 0;
        chip.querySelector('[data-count]').textContent = formatNumber(count);
        chip.classList.toggle('is-empty', count === 0);
        chip.setAttribute('aria-pressed', String(chosen.has(chip.dataset.level)));
    }
}

/** Which empty state (if any) the results deserve: nothing stored at all for the org, or nothing matched. */
async function showEmptyStates(signal) {
    const metric = state.ran?.metric;
    const empty = metric ? state.metricSeries === 0 : list.count === 0;
    if (!empty) {
        markHasLogs();
        return;
    }
    if (!state.hasLogs) {
        try {
            const stats = await api('/api/logs/stats', {}, signal);
            state.hasLogs = stats.rows > 0;
        } catch {
            // Keep what the page knew; the main answers already reported any failure.
        }
    }
    ui.noData.hidden = state.hasLogs;
    ui.volume.hidden = !state.hasLogs;
    ui.body.hidden = !state.hasLogs;
    ui.noMatch.hidden = !state.hasLogs;
    ui.noMatch.querySelector('[data-no-match-text]').textContent = metric
        ? 'The metric query returned no series: no line matched it in the selected time range. Widen the range or remove filters.'
        : 'Logs exist, but none match this query in the selected time range. Widen the range or remove filters.';
}

function markHasLogs() {
    if (!state.hasLogs || !ui.noData.hidden) {
        state.hasLogs = true;
        ui.noData.hidden = true;
        ui.volume.hidden = false;
        ui.body.hidden = false;
    }
    ui.noMatch.hidden = true;
}

function summarise() {
    const stats = state.lastStats;
    if (!state.ran) {
        ui.summary.textContent = '';
    } else if (state.ran.metric) {
        ui.summary.textContent = `${state.metricSeries} ${state.metricSeries === 1 ? 'series' : 'series'} · step ${duration(state.metricStep)}`;
    } else {
        const shown = list.count;
        const total = state.total;
        ui.summary.textContent = total !== null && total > shown
            ? `Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} lines`
            : `${shown.toLocaleString('en-US')} ${shown === 1 ? 'line' : 'lines'}`;
    }
    ui.stats.textContent = stats
        ? `${stats.elapsed_ms.toFixed(stats.elapsed_ms < 10 ? 1 : 0)} ms · ${stats.files_read} ${stats.files_read === 1 ? 'file' : 'files'} · ${formatNumber(stats.rows_scanned)} rows scanned`
        : '';
    const live = isLive();
    ui.liveStatus.hidden = !live;
    if (live) {
        ui.liveStatus.querySelector('[data-live-text]').textContent = state.liveAdded > 0
            ? `Live · ${state.liveAdded.toLocaleString('en-US')} new`
            : 'Live · waiting for new lines';
    }
}

function failed(error) {
    const problem = error?.problem;
    // What is still on screen answers the previous query: say so by dimming it.
    ui.results.classList.add('is-stale');
    if (error?.status === 400 && problem && (problem.field === 'query' || Number.isInteger(problem.column))) {
        state.queryError = true;
        editor.showError(problem);
        return;
    }
    if (error?.status === 401) {
        showProblem(ui.banner, {
            title: 'Your session has ended',
            detail: 'Sign in again to keep exploring logs; this view is kept in the address bar.',
            status: 401,
        });
        return;
    }
    showProblem(ui.banner, error);
}

/** A facet value: narrow to it, exclude it, or take the same filter back out. */
function pickFacet(name, value, exclude) {
    edit((text) => toggleMatcher(text, name, exclude ? '!=' : '=', value));
}

/** "Filter by this value" / "Exclude this value" of the JSON viewer of a line. */
function filterByValue(path, value, exclude) {
    const [head, ...rest] = path;
    const op = exclude ? '!=' : '=';
    if (['service', 'level', 'host', 'trace_id', 'span_id'].includes(head) && rest.length === 0) {
        edit((text) => toggleMatcher(text, head, op, String(value)));
        return;
    }
    const dotted = rest.every((part) => typeof part === 'string') ? rest.join('.') : null;
    if (head === 'attributes' && dotted && isLabelName(dotted)) {
        edit((text) => toggleMatcher(text, dotted, op, value === null ? '' : String(value)));
        return;
    }
    if (head === 'message' && dotted && isLabelName(dotted)) {
        const changed = addLabelFilter(editor.value.trim() || state.defaultQuery, dotted, op, value);
        if (changed) {
            applyQuery(changed);
            return;
        }
    }
    showHint(head === 'timestamp' || head === 'received_at'
        ? `${formatPath(path)} is a time: narrow the time range instead (drag across the volume chart).`
        : `${formatPath(path)} cannot be used as a filter in LogQL-lite.`);
}

/** Applies an edit of the query text and runs it as a new history entry. */
function edit(change) {
    const current = editor.value.trim() || state.defaultQuery;
    const changed = change(current);
    if (changed === null) {
        showHint('The query has no stream selector this filter could be added to: fix or clear the query first.');
        return;
    }
    applyQuery(changed);
}

function applyQuery(text) {
    editor.setValue(text);
    run({ push: true });
}

function showHint(text) {
    ui.hint.textContent = text;
    ui.hint.hidden = false;
}

function hideHint() {
    ui.hint.hidden = true;
}

// ---------------------------------------------------------------------------------------------------------------
// Timers, URL

function readRefreshAndLive(params) {
    const refresh = params.get('refresh');
    ui.refresh.value = REFRESH_INTERVALS.has(refresh) ? refresh : '';
    setLive(params.get('live') === '1');
}

function setLive(on) {
    ui.live.setAttribute('aria-pressed', String(on));
    ui.live.classList.toggle('is-live', on);
    state.liveAdded = 0;
    if (on) {
        scheduleLive(0);
    } else {
        clearTimeout(state.liveTimer);
        state.liveTimer = null;
    }
    summarise();
}

function isLive() {
    return ui.live.getAttribute('aria-pressed') === 'true';
}

function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = null;
    const interval = REFRESH_INTERVALS.get(ui.refresh.value);
    if (interval && !document.hidden) {
        state.refreshTimer = setTimeout(refreshTick, interval);
    }
}

function scheduleLive(delay) {
    clearTimeout(state.liveTimer);
    state.liveTimer = null;
    if (isLive() && !document.hidden) {
        state.liveTimer = setTimeout(liveTick, delay);
    }
}

function stopTimers() {
    clearTimeout(state.refreshTimer);
    clearTimeout(state.liveTimer);
    state.refreshTimer = null;
    state.liveTimer = null;
}

/** Writes query, refresh and live into the URL (the picker writes the range): a new entry when `push`. */
function writeUrl(push, query = state.ran?.query ?? (editor.value.trim() || state.defaultQuery)) {
    const url = new URL(window.location.href);
    url.searchParams.set('query', query);
    if (ui.refresh.value) {
        url.searchParams.set('refresh', ui.refresh.value);
    } else {
        url.searchParams.delete('refresh');
    }
    if (isLive()) {
        url.searchParams.set('live', '1');
    } else {
        url.searchParams.delete('live');
    }
    if (url.href === window.location.href) {
        return;
    }
    if (push) {
        window.history.pushState(null, '', url);
    } else {
        window.history.replaceState(null, '', url);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** GET `path` with `params` (the session cookie; api.js renews an expired access token once by itself). */
function api(path, params, signal) {
    return getJson(`${path}?${new URLSearchParams(params)}`, { signal });
}

function setBusy(busy) {
    state.busy = busy;
    ui.results.setAttribute('aria-busy', String(busy));
    ui.results.classList.toggle('is-loading', busy);
    ui.progress.hidden = !busy;
    root.classList.toggle('is-loading', busy);
}

function labelText(labels, query) {
    const entries = Object.entries(labels ?? {});
    if (entries.length === 0) {
        const fn = /^\s*([a-z_]+)/.exec(query)?.[1];
        return fn ? `${fn}(…)` : 'value';
    }
    return `{${entries.map(([k, v]) => `${k}=${quote(v)}`).join(', ')}}`;
}

/**
 * The x axis spans exactly the time range searched (Chart.js would round a linear axis out to "nice" values, so the
 * chart would show — and a drag-to-zoom would select — times outside the range). No animation: the charts are
 * redrawn on every run and refresh, and bars growing from zero each time would only distract.
 */
function fitToRange(chart, range) {
    chart.stop();
    chart.options.animation = false;
    chart.options.scales.x.min = range.from.getTime();
    chart.options.scales.x.max = range.to.getTime();
    chart.options.scales.x.offset = false;
    chart.update('none');
}

function duration(seconds) {
    if (seconds % 86400 === 0) return `${seconds / 86400} d`;
    if (seconds % 3600 === 0) return `${seconds / 3600} h`;
    if (seconds % 60 === 0) return `${seconds / 60} min`;
    return `${seconds} s`;
}

function cell(text) {
    const td = document.createElement('td');
    td.className = 'num';
    td.textContent = text;
    return td;
}
