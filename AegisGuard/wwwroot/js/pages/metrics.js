/**
 * The Metrics explorer (Pages/Metrics/Index.cshtml). Query rows (A, B, …), each a PromQL text and a legend format,
 * are run as Prometheus range queries (/api/v1/query_range) over the picker's range at one step (derived from the
 * range unless overridden) and drawn on one chart with a legend that toggles series, or shown as a table of last values.
 * The catalog (GET /api/metrics/catalog) feeds both the browser on the right and the editor's suggestions, and tells
 * whether the org has any metrics at all (if not, the page leads with a signed curl for a first sample).
 *
 * The URL holds the view (js/pages/metrics/view-state.js): a run with new queries is a new history entry, and back/
 * forward restore the previous view.
 */
import { getJson } from '../api.js';
import { showProblem, clearProblem } from '../problem-banner.js';
import { initTimeRangePicker } from '../time-range.js';
import { queryRange, PromError } from './metrics/prom-api.js';
import { promqlEditor, suggestionBox } from './metrics/promql-editor.js';
import { resultView, toSeries } from './metrics/result-view.js';
import { catalogBrowser } from './metrics/catalog.js';
import { readView, writeView, parseDuration, formatDuration, autoStep, MAX_POINTS } from './metrics/view-state.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MAX_ROWS = 10;

const $ = (id) => document.getElementById(id);
const ui = {
    root: $('metrics-explorer'),
    form: $('metrics-form'),
    rows: $('metrics-queries'),
    template: $('metrics-query-template'),
    add: $('metrics-add-query'),
    step: $('metrics-step'),
    stepHint: $('metrics-step-hint'),
    banner: $('metrics-problem'),
    noData: $('metrics-no-data'),
    body: $('metrics-body'),
    results: $('metrics-results'),
    summary: $('metrics-summary'),
    status: $('metrics-status'),
    progress: $('metrics-progress'),
    graph: $('metrics-graph'),
    tableView: $('metrics-table-view'),
    views: document.querySelectorAll('[data-view]'),
};

const state = {
    rows: [],
    activeRow: null,
    catalog: null,
    view: 'graph',
    controller: null,
    seq: 0,
};

const box = suggestionBox($('metrics-suggestions'), ui.root);
const result = resultView({
    canvas: $('metrics-chart'),
    legend: $('metrics-legend'),
    table: $('metrics-last-table'),
    onZoom: (from, to) => picker.setRange(from, to),
});
const catalog = catalogBrowser({
    list: $('metrics-catalog-list'),
    search: $('metrics-catalog-search'),
    summary: $('metrics-catalog-summary'),
    note: $('metrics-catalog-note'),
    onPick: pickMetric,
});

// Registered before the time-range picker: on back/forward the queries are restored first, then the picker's own
// popstate handler reports its range and that runs the restored view.
window.addEventListener('popstate', () => restore(readView()));

const picker = initTimeRangePicker($('metrics-range'), { onChange: () => run({ push: false }) });

ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    run({ push: true });
});
ui.add.addEventListener('click', () => {
    const row = addRow({ query: '', legend: '' });
    row.editor.focus();
});
ui.step.addEventListener('input', () => showStepHint());
ui.step.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
        event.preventDefault();
        run({ push: true });
    }
});
for (const button of ui.views) {
    button.addEventListener('click', () => {
        setView(button.dataset.view);
        writeView(currentView(), false);
    });
}

restore(readView());
run({ push: false });

// ---------------------------------------------------------------------------------------------------------------

function restore(view) {
    for (const row of state.rows) row.element.remove();
    state.rows = [];
    const rows = view.rows.length ? view.rows : [{ query: '', legend: '' }];
    rows.slice(0, MAX_ROWS).forEach(addRow);
    ui.step.value = view.step;
    setView(view.view);
    showStepHint();
}

function addRow({ query, legend }) {
    if (state.rows.length >= MAX_ROWS) {
        return state.rows[state.rows.length - 1];
    }
    const element = ui.template.content.firstElementChild.cloneNode(true);
    const input = element.querySelector('[data-input]');
    const legendInput = element.querySelector('[data-legend]');
    const row = {
        element,
        legendInput,
        editor: promqlEditor({
            input,
            backdrop: element.querySelector('[data-backdrop]'),
            field: element.querySelector('[data-field]'),
            errorPanel: element.querySelector('[data-error]'),
            box,
            catalog: () => state.catalog,
            onRun: () => run({ push: true }),
        }),
    };
    legendInput.value = legend;
    legendInput.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
            event.preventDefault();
            run({ push: true });
        }
    });
    input.addEventListener('focus', () => {
        state.activeRow = row;
    });
    element.querySelector('[data-remove]').addEventListener('click', () => removeRow(row));
    ui.rows.append(element);
    state.rows.push(row);
    row.editor.setValue(query);
    relabel();
    return row;
}

function removeRow(row) {
    row.element.remove();
    state.rows = state.rows.filter((r) => r !== row);
    if (state.activeRow === row) state.activeRow = null;
    if (state.rows.length === 0) addRow({ query: '', legend: '' });
    relabel();
    run({ push: true });
}

function relabel() {
    state.rows.forEach((row, index) => {
        const letter = LETTERS[index];
        row.letter = letter;
        row.element.dataset.letter = letter;
        row.element.querySelector('[data-letter]').textContent = letter;
        row.element.querySelector('[data-input]').setAttribute('aria-label', `Query ${letter} (PromQL)`);
        row.legendInput.setAttribute('aria-label', `Legend format of query ${letter}`);
        row.element.querySelector('[data-remove]').setAttribute('aria-label', `Remove query ${letter}`);
        row.element.querySelector('[data-remove]').hidden = state.rows.length === 1;
    });
    ui.add.disabled = state.rows.length >= MAX_ROWS;
}

function currentView() {
    return {
        rows: state.rows.map((row) => ({ query: row.editor.value, legend: row.legendInput.value })),
        step: ui.step.value.trim(),
        view: state.view,
    };
}

function setView(view) {
    state.view = view === 'table' ? 'table' : 'graph';
    for (const button of ui.views) {
        button.setAttribute('aria-pressed', String(button.dataset.view === state.view));
    }
    ui.graph.hidden = state.view !== 'graph';
    ui.tableView.hidden = state.view !== 'table';
}

/** The step in seconds: the field's, or derived from the range; with an error text when the field is unusable. */
function stepFor(range) {
    const rangeSeconds = Math.max(1, (range.to - range.from) / 1000);
    const auto = autoStep(rangeSeconds);
    const text = ui.step.value.trim();
    if (!text) {
        return { seconds: auto, auto: true };
    }
    const seconds = parseDuration(text);
    if (seconds === null) {
        return { seconds: auto, auto: true, error: `"${text}" is not a step: write seconds or a duration such as 30s or 5m.` };
    }
    if (rangeSeconds / seconds > MAX_POINTS) {
        return {
            seconds: auto, auto: true,
            error: `A step of ${text} gives more than ${MAX_POINTS.toLocaleString('en-US')} points over this range; use ${formatDuration(Math.ceil(rangeSeconds / MAX_POINTS))} or more.`,
        };
    }
    return { seconds, auto: false };
}

function showStepHint() {
    const step = stepFor(picker.current());
    ui.step.placeholder = `auto (${formatDuration(step.seconds)})`;
    ui.step.toggleAttribute('aria-invalid', Boolean(step.error));
    ui.stepHint.textContent = step.error ?? '';
    return step;
}

async function loadCatalog() {
    try {
        state.catalog = await getJson('/api/metrics/catalog');
        catalog.render(state.catalog);
        $('metrics-catalog').setAttribute('aria-busy', 'false');
    } catch (error) {
        state.catalog = null;
        $('metrics-catalog-summary').textContent = 'The catalog could not be read';
        $('metrics-catalog').setAttribute('aria-busy', 'false');
        throw error;
    }
}

function pickMetric(text) {
    const row = state.activeRow && state.rows.includes(state.activeRow) ? state.activeRow : state.rows[0];
    row.editor.setValue(text);
    row.editor.clearError();
    row.editor.focus();
    run({ push: true });
}

/** Runs every non-empty query row over the picker's range and shows the result. */
async function run({ push }) {
    const seq = ++state.seq;
    state.controller?.abort();
    const controller = new AbortController();
    state.controller = controller;
    writeView(currentView(), push);
    box.close();

    const range = picker.current();
    const step = showStepHint();
    const stepMs = step.seconds * 1000;
    // Evaluated up to the end of the range (so a sample that just arrived shows), a whole number of steps back.
    const endMs = range.to.getTime();
    const startMs = endMs - Math.floor((endMs - range.from.getTime()) / stepMs) * stepMs;
    const rows = state.rows.filter((row) => row.editor.value.trim() !== '');
    state.rows.forEach((row) => row.editor.clearError());

    setBusy(true);
    clearProblem(ui.banner);
    try {
        // The catalog is read again on every run: a fresh org leaves its empty state as soon as a first sample lands.
        const catalogRead = loadCatalog().catch((error) => error);
        const answers = await Promise.allSettled(rows.map((row) => queryRange({
            query: row.editor.value.trim(),
            start: startMs / 1000,
            end: endMs / 1000,
            step: step.seconds,
            signal: controller.signal,
        })));
        const catalogError = await catalogRead;
        if (seq !== state.seq) {
            return;
        }

        const noMetrics = !catalogError && (state.catalog?.metrics?.length ?? 0) === 0;
        ui.noData.hidden = !noMetrics;
        ui.body.hidden = noMetrics && rows.length === 0;

        const failures = [];
        const empty = [];
        const series = [];
        const warnings = [];
        answers.forEach((answer, index) => {
            const row = rows[index];
            if (answer.status === 'rejected') {
                if (answer.reason?.name === 'AbortError') return;
                const error = answer.reason instanceof PromError ? answer.reason : new PromError({ kind: 'error', message: String(answer.reason) });
                if (error.kind === 'bad_data') {
                    row.editor.showError(error);
                } else {
                    failures.push({ row, error });
                }
                return;
            }
            warnings.push(...answer.value.warnings);
            const found = toSeries(answer.value.result, { letter: row.letter, query: row.editor.value.trim(), legendFormat: row.legendInput.value });
            if (found.length === 0) empty.push(row.letter);
            series.push(...found);
        });
        rows.find((row) => row.element.querySelector('[data-error]').hidden === false)?.editor.focusError();

        if (failures.length || catalogError) {
            const first = failures[0];
            showProblem(ui.banner, first
                ? {
                    title: `Query ${first.row.letter} failed`,
                    detail: first.error.message + (failures.length > 1 ? ` (and ${failures.length - 1} more quer${failures.length === 2 ? 'y' : 'ies'} failed)` : ''),
                }
                : { title: 'The metric catalog could not be read', detail: catalogError.problem?.detail ?? catalogError.message });
        }

        if (series.length) {
            result.render(series, { startMs, endMs, stepMs });
        } else {
            result.clear();
        }
        const ran = rows.length - failures.length - rows.filter((row) => row.element.querySelector('[data-error]').hidden === false).length;
        showStatus({ rows, ran, series, empty, warnings, step });
        // Tests (and anyone curious) can tell a finished run from a pending one.
        ui.root.dataset.runs = String(Number(ui.root.dataset.runs ?? 0) + 1);
    } finally {
        if (seq === state.seq) setBusy(false);
    }
}

function showStatus({ rows, ran, series, empty, warnings, step }) {
    const notes = [];
    if (rows.length === 0) {
        notes.push('Type a PromQL query, or pick a metric from the catalog.');
    } else if (ran > 0 && series.length === 0) {
        notes.push(ran === 1 ? 'No series: the query matched nothing in this time range.' : 'No series: the queries matched nothing in this time range.');
    } else if (empty.length) {
        notes.push(`Query ${empty.join(', ')} returned no series in this time range.`);
    }
    notes.push(...warnings);
    ui.status.textContent = notes.join(' ');
    ui.status.hidden = notes.length === 0;
    ui.graph.classList.toggle('is-empty', series.length === 0);
    ui.summary.textContent = series.length
        ? `${series.length.toLocaleString('en-US')} series · step ${formatDuration(step.seconds)}`
        : '';
    ui.results.dataset.series = String(series.length);
}

function setBusy(busy) {
    ui.results.setAttribute('aria-busy', String(busy));
    ui.results.classList.toggle('is-loading', busy);
    ui.progress.hidden = !busy;
    if (busy) ui.summary.textContent = 'Running…';
}
