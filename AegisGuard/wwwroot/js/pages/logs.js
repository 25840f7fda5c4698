/**
 * The Logs explorer (Pages/Logs/Index.cshtml). One query text drives everything: GET /api/logs/query (lines, or
 * series for a metric query), /api/logs/volume (the stacked histogram) and /api/logs/facets (the sidebar) are asked
 * in parallel for the query and the time range. Quick filters, facets and "filter by this value" only ever edit the
 * query text (js/pages/logs/query-text.js), so what runs is what the user reads.
 *
 * The URL holds the view — ?query=…&range=1h (or from/to) &refresh=10s &live=1 &columns=a,b &tz=utc — so it can be
 * shared and reloaded; a new query is a new history entry and back/forward restore the previous one. Saved views
 * (/api/views) keep query, range and columns.
 *
 * A query text is parsed by the server once: the first run of a new text asks for the lines alone and only when they
 * answer asks for volume and facets, so a broken query is ONE failing request and one error (what is still on
 * screen is dimmed: it answers the previous query).
 *
 * Auto-refresh (off, 5 s, 10 s, 30 s, 1 min) re-asks all three and merges newer lines on top of the list; on a fixed
 * (zoomed) range it re-runs that same window, and the page says so next to a button that follows "now" instead.
 * Live tail polls every 2 s: for a log query the lines newer than the newest shown, prepended (the reader's place is
 * kept when they have scrolled down, at most LIVE_CAP lines stay in the DOM), with volume, facets and level counts
 * re-asked whenever lines arrived (and every LIVE_OVERVIEW_EVERY ticks); for a metric query the whole chart. Both
 * pause while the tab is hidden.
 */
import { getJson, postJson, putJson, deleteJson } from '../api.js';
import { showProblem, clearProblem } from '../problem-banner.js';
import { initTimeRangePicker } from '../time-range.js';
import { histogramChart, timeSeriesChart, formatNumber, LEVEL_ORDER } from '../charts.js';
import {
    findSelector, isMetricQuery, isLabelName, lineFilterTerms, selectedLevels, setLevels, setMatcher, toggleMatcher, addLabelFilter, quote,
} from './logs/query-text.js';
import { queryEditor } from './logs/query-editor.js';
import { logList, timeOf } from './logs/log-list.js';
import { savedViews } from './logs/saved-views.js';
import { renderFacets } from './logs/facets.js';
import { formatPath } from '../json-viewer.js';

const PAGE_SIZE = 200;
const TAIL_PAGE = 500;
const LIVE_INTERVAL_MS = 2000;
const LIVE_CAP = 1000;
const LIVE_OVERVIEW_EVERY = 5;
const REFRESH_INTERVALS = new Map([['5s', 5000], ['10s', 10_000], ['30s', 30_000], ['1m', 60_000]]);
const ISO_MS = (ms) => new Date(ms).toISOString();
const LABEL_FACETS_TTL_MS = 30_000;
// Metric functions whose value is a count of lines (or bytes) in the window: no point in a step means 0 there.
const COUNTING = /\b(count_over_time|rate|bytes_over_time|bytes_rate)\s*\(/;
const NOT_COUNTING = /\b(topk|bottomk|avg|min|max|stddev|stdvar|quantile_over_time|avg_over_time|min_over_time|max_over_time|sum_over_time|first_over_time|last_over_time)\s*\(/;

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
    facetsPanel: $('logs-facets'),
    refreshNote: $('logs-refresh-note'),
    followNow: $('logs-follow-now'),
    tz: $('logs-tz'),
    columns: $('logs-columns'),
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
    parsed: new Set(),  // query texts the server has already accepted: their runs ask for all three at once
    columns: [],
    utc: false,
    lastVolume: null,
    lastMetric: null,
    labelFacets: null,  // { key, at, promise } facets of {} for the range: label names and values to complete
};

const editor = queryEditor({
    input: $('logs-query'),
    backdrop: $('logs-query-backdrop'),
    field: $('logs-query-field'),
    errorPanel: $('logs-query-error'),
    onRun: () => run({ push: true }),
    completion: { list: $('logs-completions'), suggest },
});

const list = logList({
    list: $('logs-list'),
    sentinel: $('logs-sentinel'),
    moreButton: $('logs-more'),
    endNote: $('logs-end'),
    onNeedMore: loadOlder,
    onFilter: filterByValue,
    onTraceLogs: showTrace,
    onAddColumn: (name) => setColumns([...state.columns.filter((c) => c !== name), name]),
});

savedViews({
    root: $('logs-views'),
    api: { get: (url) => getJson(url), post: postJson, put: putJson, del: deleteJson },
    current: () => {
        const range = picker.current();
        return {
            query: editor.value.trim() || state.defaultQuery,
            range: range.preset,
            from: range.preset ? null : range.from.toISOString(),
            to: range.preset ? null : range.to.toISOString(),
            columns: state.columns,
        };
    },
    onOpen: openView,
});

// Registered before the time-range picker: on back/forward the query is restored first, then the picker's own
// popstate handler reports its range and that runs the restored view.
window.addEventListener('popstate', () => {
    const params = new URLSearchParams(window.location.search);
    editor.setValue(params.get('query') || state.defaultQuery);
    readRefreshAndLive(params);
    readViewOptions(params);
});

const picker = initTimeRangePicker($('logs-range'), {
    onChange: () => {
        updateRefreshNote();
        run({ push: false });
    },
});

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
    updateRefreshNote();
    scheduleRefresh();
});

ui.followNow.addEventListener('click', () => {
    const range = picker.current();
    picker.setPreset(presetFor(range.to.getTime() - range.from.getTime()));
});

ui.tz.addEventListener('click', () => {
    setUtc(!state.utc);
    writeUrl(false);
});

ui.columns.addEventListener('click', (event) => {
    const remove = event.target instanceof Element ? event.target.closest('[data-remove-column]') : null;
    if (remove) {
        setColumns(state.columns.filter((c) => c !== remove.dataset.removeColumn));
    }
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
readViewOptions(new URLSearchParams(window.location.search));
updateRefreshNote();
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
    // Volume and facets parse the same text: ask them at once only for a text the server already accepted, else
    // after the lines answered, so a broken query is one failing request and one error, not three.
    const overview = () => Promise.allSettled([
        api('/api/logs/volume', params, controller.signal),
        api('/api/logs/facets', params, controller.signal),
    ]);
    let others = state.parsed.has(query) ? overview() : null;

    try {
        const answer = await lines;
        if (!current()) return;
        state.parsed.add(query);
        others ??= overview();
        state.ran = { query, from: range.from.getTime(), to: range.to.getTime(), metric: Boolean(answer.series) };
        setStale(false);
        if (answer.series) {
            showMetric(answer, query, range);
        } else {
            showLines(answer, query);
        }
        state.lastStats = answer.stats;
    } catch (error) {
        if (!current() || error?.name === 'AbortError') return;
        // Volume and facets of a text the server accepted before are left to settle unread (the `others` promise).
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
        setStale(false);
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
    if (!isLive() || state.busy || state.queryError || !state.ran) {
        scheduleLive(LIVE_INTERVAL_MS);
        return;
    }
    if (state.ran.metric) {
        await liveMetricTick();
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
        // The histogram, facets and level counts follow the tail: at once when lines arrived, else now and then.
        state.liveTicks += 1;
        root.dataset.liveTicks = String(state.liveTicks);
        if (added > 0 || state.liveTicks % LIVE_OVERVIEW_EVERY === 0) {
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

/** A live-tail tick of a metric query: the chart, volume and facets for the range as it is now. */
async function liveMetricTick() {
    const seq = state.seq;
    const query = state.ran.query;
    const range = picker.current();
    const params = { query, from: ISO_MS(range.from.getTime()), to: ISO_MS(range.to.getTime()) };
    try {
        const [answer, volume, facets] = await Promise.all([
            api('/api/logs/query', params, state.controller?.signal),
            api('/api/logs/volume', params, state.controller?.signal),
            api('/api/logs/facets', params, state.controller?.signal),
        ]);
        if (seq !== state.seq || !isLive()) return;
        state.liveTicks += 1;
        root.dataset.liveTicks = String(state.liveTicks);
        state.liveUpdated = Date.now();
        if (answer.series) {
            showMetric(answer, query, range);
        }
        state.lastStats = answer.stats;
        drawVolume(volume, range);
        showFacets(facets, query);
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
    state.lastMetric = { answer, query, range };
    const chart = timeSeriesChart(ui.metricCanvas, {
        series,
        type: 'line',
        stepMs,
        utc: state.utc,
        // A step without a point had no line: 0 for a count or rate, a gap for anything else — never a line
        // drawn across it.
        missing: countsLines(query) ? 'zero' : 'gap',
        range: { from: range.from.getTime(), to: range.to.getTime() },
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
    state.lastVolume = { volume, range };
    const chart = histogramChart(ui.volumeCanvas, {
        buckets,
        stepMs: volume.step * 1000,
        utc: state.utc,
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
        const text = ui.liveStatus.querySelector('[data-live-text]');
        if (state.ran?.metric) {
            text.textContent = state.liveUpdated
                ? `Live · chart updated ${new Date(state.liveUpdated).toLocaleTimeString('en-GB', state.utc ? { timeZone: 'UTC' } : {})}`
                : 'Live · updating the chart every 2 s';
        } else {
            text.textContent = state.liveAdded > 0
                ? `Live · ${state.liveAdded.toLocaleString('en-US')} new`
                : 'Live · waiting for new lines';
        }
    }
}

function failed(error) {
    const problem = error?.problem;
    // What is still on screen answers the previous query: say so by dimming it (list, chart, volume, facets, pickers).
    setStale(true);
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

/** Columns and the time zone of the URL (?columns=a,b&tz=utc). */
function readViewOptions(params) {
    const columns = (params.get('columns') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    applyColumns(columns);
    setUtc(params.get('tz') === 'utc');
}

function setColumns(columns) {
    applyColumns(columns);
    writeUrl(false);
}

/** Extra columns in the list and its header; each header cell has a button that removes it. */
function applyColumns(columns) {
    state.columns = [...new Set(columns)];
    list.setColumns(state.columns);
    ui.columns.querySelectorAll('[data-column]').forEach((cell) => cell.remove());
    const message = ui.columns.querySelector('[data-column-message]');
    for (const name of state.columns) {
        const cell = document.createElement('span');
        cell.className = 'logs-column-head';
        cell.dataset.column = name;
        const label = document.createElement('span');
        label.textContent = name;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'logs-column-remove';
        remove.dataset.removeColumn = name;
        remove.setAttribute('aria-label', `Remove column ${name}`);
        remove.textContent = '×';
        cell.append(label, remove);
        message.before(cell);
    }
    ui.table.style.setProperty('--logs-extra-cols', state.columns.length ? `repeat(${state.columns.length}, minmax(60px, 160px))` : '');
}

/** Times in UTC or the browser's zone; the button names the zone shown. */
function setUtc(on) {
    state.utc = Boolean(on);
    list.setUtc(state.utc);
    ui.tz.setAttribute('aria-pressed', String(state.utc));
    ui.tz.textContent = state.utc ? 'UTC' : `Local (${zoneName()})`;
    ui.tz.title = state.utc ? 'Times are in UTC: click for this browser\'s time zone' : 'Times are in this browser\'s time zone: click for UTC';
    if (state.lastVolume) {
        drawVolume(state.lastVolume.volume, state.lastVolume.range);
    }
    if (state.lastMetric && state.ran?.metric) {
        showMetric(state.lastMetric.answer, state.lastMetric.query, state.lastMetric.range);
    }
}

function zoneName() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local';
    const offset = -new Date().getTimezoneOffset();
    const sign = offset < 0 ? '−' : '+';
    const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
    return `${zone}, UTC${sign}${hours}:${minutes}`;
}

/** Says when auto-refresh runs on a fixed range (it re-runs the same window) and offers to follow now instead. */
function updateRefreshNote() {
    const fixed = Boolean(ui.refresh.value) && !picker.current().preset;
    ui.refreshNote.hidden = !fixed;
    if (fixed) {
        ui.refreshNote.querySelector('[data-refresh-note-text]').textContent =
            'Auto-refresh re-runs this fixed range: new lines after its end are not shown.';
    }
}

/** The shortest preset at least `ms` long (the longest when none is). */
function presetFor(ms) {
    const presets = [...document.querySelectorAll('#logs-range [data-range][data-ms]')]
        .map((button) => ({ key: button.dataset.range, ms: Number(button.dataset.ms) }))
        .sort((a, b) => a.ms - b.ms);
    return (presets.find((p) => p.ms >= ms) ?? presets[presets.length - 1]).key;
}

/**
 * "Show logs of this trace": the trace's lines over the last 30 days (newest and oldest, one line each), then the
 * range centred on them with a margin, so lines of the trace outside the current range are found too.
 */
async function showTrace(traceId) {
    const query = `{trace_id=${quote(traceId)}}`;
    const now = Date.now();
    const params = { query, from: ISO_MS(now - 30 * 86_400_000), to: ISO_MS(now + 60_000), limit: 1 };
    let first;
    let last;
    try {
        const [newest, oldest] = await Promise.all([
            api('/api/logs/query', params),
            api('/api/logs/query', { ...params, direction: 'forward' }),
        ]);
        last = newest.logs?.[0] ? timeOf(newest.logs[0]) : null;
        first = oldest.logs?.[0] ? timeOf(oldest.logs[0]) : null;
    } catch (error) {
        showProblem(ui.banner, error);
        return;
    }
    editor.setValue(query);
    if (!Number.isFinite(first) || !Number.isFinite(last)) {
        run({ push: true });
        return;
    }
    const span = Math.max(0, last - first);
    const margin = Math.max(60_000, span * 0.1);
    const centre = first + span / 2;
    const half = span / 2 + margin;
    writeUrl(true, query);
    // The picker writes the range and runs the query (its onChange).
    picker.setRange(new Date(centre - half), new Date(Math.min(centre + half, Math.max(now, last + margin))));
}

/** Opens a saved view: its query, columns and range (a new history entry). */
function openView(view) {
    editor.setValue(view.query);
    applyColumns(view.columns ?? []);
    writeUrl(true, view.query);
    if (view.range) {
        picker.setPreset(view.range);
    } else {
        picker.setRange(new Date(view.from), new Date(view.to));
    }
}

/** Dims what answers the previous query (and the pickers it filled) while the query bar shows an error. */
function setStale(stale) {
    ui.results.classList.toggle('is-stale', stale);
    ui.volume.classList.toggle('is-stale', stale);
    ui.facetsPanel.classList.toggle('is-stale', stale);
    ui.levels.classList.toggle('is-stale', stale);
    ui.service.classList.toggle('is-stale', stale);
    ui.service.disabled = stale;
}

/** Completions of the query editor: label names and values (facets of {} for the range), fields of the results. */
async function suggest(context) {
    if (context.kind === 'field') {
        return list.fieldNames();
    }
    const facets = await labelFacets();
    if (context.kind === 'label') {
        return ['service', 'level', 'host', 'trace_id', 'span_id', ...facets.attributes.map((a) => a.key)];
    }
    const values = {
        service: facets.services, level: facets.levels, host: facets.hosts,
    }[context.name] ?? facets.attributes.find((a) => a.key === context.name)?.values ?? [];
    return values.map((v) => String(v.value));
}

function labelFacets() {
    const range = picker.current();
    const key = range.preset ?? `${range.from.getTime()}-${range.to.getTime()}`;
    const cached = state.labelFacets;
    if (cached && cached.key === key && Date.now() - cached.at < LABEL_FACETS_TTL_MS) {
        return cached.promise;
    }
    const promise = api('/api/logs/facets', { query: '{}', from: ISO_MS(range.from.getTime()), to: ISO_MS(range.to.getTime()) })
        .catch(() => ({ services: [], levels: [], hosts: [], attributes: [] }));
    state.labelFacets = { key, at: Date.now(), promise };
    return promise;
}

function countsLines(query) {
    return COUNTING.test(query) && !NOT_COUNTING.test(query);
}

function setLive(on) {
    ui.live.setAttribute('aria-pressed', String(on));
    ui.live.classList.toggle('is-live', on);
    state.liveAdded = 0;
    state.liveUpdated = null;
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
    if (state.columns.length) {
        url.searchParams.set('columns', state.columns.join(','));
    } else {
        url.searchParams.delete('columns');
    }
    if (state.utc) {
        url.searchParams.set('tz', 'utc');
    } else {
        url.searchParams.delete('tz');
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
