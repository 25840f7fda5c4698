/**
 * Trace search (Pages/Traces/Index.cshtml). The form, the time range and the chosen duration range live in the URL
 * (?service=&operation=&status=&min=&max=&attr=k=v&traceId=&sort=&range=|from=&to=), so a search can be shared and
 * the back button works. One search asks, in parallel:
 *   GET /api/traces            the results (cursor paging: "Load more" sends nextCursor)
 *   GET /api/traces/durations  the latency histogram of the service/operation (not narrowed by the duration range,
 *                              so the whole distribution stays visible while a slice of it is listed)
 *   GET /api/services          the services table; each row's sparkline from /api/services/{s}/red
 */

import { showProblem, clearProblem } from '../problem-banner.js';
import { initTimeRangePicker } from '../time-range.js';
import {
    api, el, formatAgo, formatDuration, formatPercent, formatRate, formatTime, parseDuration, rangeParams, serviceBadge,
    serviceColor, traceHref,
} from './traces/format.js';
import { latencyHistogram } from './traces/latency-histogram.js';
import { sparkline } from './traces/sparkline.js';

const PAGE_SIZE = 20;
const SPARKLINE_SERVICES = 25;

const root = document.getElementById('traces-explorer');
const ui = {
    form: document.getElementById('traces-form'),
    service: document.getElementById('traces-service'),
    operation: document.getElementById('traces-operation'),
    status: document.getElementById('traces-status'),
    min: document.getElementById('traces-min'),
    max: document.getElementById('traces-max'),
    attrs: document.getElementById('traces-attrs'),
    traceId: document.getElementById('traces-id'),
    sort: document.getElementById('traces-sort'),
    reset: document.getElementById('traces-reset'),
    formError: document.getElementById('traces-form-error'),
    problem: document.getElementById('traces-problem'),
    list: document.getElementById('traces-list'),
    summary: document.getElementById('traces-summary'),
    more: document.getElementById('traces-more'),
    noMatch: document.getElementById('traces-no-match'),
    results: document.getElementById('traces-results'),
    latencySummary: document.getElementById('traces-latency-summary'),
    percentiles: document.getElementById('traces-percentiles'),
    servicesTable: document.querySelector('#traces-services-table tbody'),
    servicesEmpty: document.getElementById('traces-services-empty'),
};

const state = { controller: null, cursor: null, traces: [], knownServices: new Set() };

const histogram = latencyHistogram(document.getElementById('traces-histogram'), {
    onSelect: (lower, upper) => {
        ui.min.value = formatDuration(lower).replace('µs', 'us');
        ui.max.value = formatDuration(upper).replace('µs', 'us');
        // The exact bucket edges go to the API; the fields show them rounded for reading.
        search({ min: lower, max: upper });
    },
});

const picker = initTimeRangePicker(document.getElementById('traces-range'), { onChange: () => search() });

if (root && !root.hidden) {
    readUrlIntoForm();
    search({ fromUrl: true });
}

ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
});
ui.service.addEventListener('change', () => {
    loadOperations(ui.service.value, '');
    search();
});
ui.operation.addEventListener('change', () => search());
ui.status.addEventListener('change', () => search());
ui.sort.addEventListener('change', () => search());
ui.reset.addEventListener('click', () => {
    clearFilters();
    search();
});
ui.more.addEventListener('click', () => loadMore());
document.querySelector('[data-widen="24h"]')?.addEventListener('click', () => picker.setPreset('24h'));
document.querySelector('[data-clear]')?.addEventListener('click', () => {
    clearFilters();
    search();
});
window.addEventListener('popstate', () => {
    readUrlIntoForm();
    search({ fromUrl: true, push: false });
});

function clearFilters() {
    for (const input of [ui.min, ui.max, ui.attrs, ui.traceId]) input.value = '';
    ui.service.value = '';
    ui.status.value = '';
    loadOperations('', '');
}

/** The search as the form holds it; `exact` overrides the min/max fields with exact bucket edges. */
function readForm(exact = {}) {
    const errors = [];
    const min = exact.min ?? parseDuration(ui.min.value);
    const max = exact.max ?? parseDuration(ui.max.value);
    if (Number.isNaN(min)) errors.push('Min duration: write a number of ms or a duration such as 250ms, 1.5s, 2m.');
    if (Number.isNaN(max)) errors.push('Max duration: write a number of ms or a duration such as 250ms, 1.5s, 2m.');
    if (Number.isFinite(min) && Number.isFinite(max) && min > max) errors.push('Min duration is above max duration.');
    const attrs = ui.attrs.value.trim() ? ui.attrs.value.trim().split(/\s+/) : [];
    for (const attr of attrs) {
        if (!/^[^=\s]+=.*$/.test(attr)) errors.push(`Attribute "${attr}": write key=value.`);
    }
    const traceId = ui.traceId.value.trim().toLowerCase();
    if (traceId && !/^([0-9a-f]{16}|[0-9a-f]{32})$/.test(traceId)) errors.push('Trace id: 16 or 32 hex digits.');
    return {
        errors,
        filters: {
            service: ui.service.value,
            operation: ui.operation.value,
            status: ui.status.value,
            minDurationMs: Number.isFinite(min) ? min : null,
            maxDurationMs: Number.isFinite(max) ? max : null,
            attr: attrs,
            traceId,
            sort: ui.sort.value === 'duration' ? 'duration' : 'time',
        },
    };
}

function readUrlIntoForm() {
    const params = new URLSearchParams(window.location.search);
    const service = params.get('service') ?? '';
    ensureOption(ui.service, service);
    ui.service.value = service;
    loadOperations(service, params.get('operation') ?? '');
    ui.status.value = ['error', 'ok'].includes(params.get('status')) ? params.get('status') : '';
    ui.min.value = params.get('min') ?? '';
    ui.max.value = params.get('max') ?? '';
    ui.attrs.value = params.getAll('attr').join(' ');
    ui.traceId.value = params.get('traceId') ?? '';
    ui.sort.value = params.get('sort') === 'duration' ? 'duration' : 'time';
}

function writeUrl(filters, push) {
    const url = new URL(window.location.href);
    for (const key of ['service', 'operation', 'status', 'min', 'max', 'attr', 'traceId', 'sort']) url.searchParams.delete(key);
    const set = (key, value) => { if (value) url.searchParams.set(key, value); };
    set('service', filters.service);
    set('operation', filters.operation);
    set('status', filters.status);
    set('min', filters.minDurationMs !== null ? `${filters.minDurationMs}ms` : '');
    set('max', filters.maxDurationMs !== null ? `${filters.maxDurationMs}ms` : '');
    for (const attr of filters.attr) url.searchParams.append('attr', attr);
    set('traceId', filters.traceId);
    if (filters.sort !== 'time') url.searchParams.set('sort', filters.sort);
    if (url.href !== window.location.href) {
        if (push) window.history.pushState(null, '', url);
        else window.history.replaceState(null, '', url);
    }
}

function ensureOption(select, value) {
    if (value && ![...select.options].some((o) => o.value === value)) {
        select.append(el('option', { value }, value));
    }
}

async function search({ min, max, fromUrl = false, push = true } = {}) {
    const { errors, filters } = readForm({ min, max });
    ui.formError.hidden = errors.length === 0;
    ui.formError.textContent = errors.join(' ');
    if (errors.length) return;
    // A search the user starts is a new history entry; one read from the URL (load, back button) only tidies it.
    writeUrl(filters, push && !fromUrl);

    state.controller?.abort();
    const controller = new AbortController();
    state.controller = controller;
    const range = rangeParams(picker.current());
    setBusy(true);
    clearProblem(ui.problem);
    try {
        const [traces, durations, services] = await Promise.all([
            api('/api/traces', { ...range, ...filters, limit: PAGE_SIZE }, controller.signal),
            api('/api/traces/durations', { ...range, service: filters.service, operation: filters.operation }, controller.signal),
            api('/api/services', range, controller.signal),
        ]);
        if (controller.signal.aborted) return;
        state.traces = traces.traces;
        state.cursor = traces.nextCursor;
        renderTraces(traces, false);
        histogram.draw(durations, { minMs: filters.minDurationMs, maxMs: filters.maxDurationMs });
        renderDurations(durations, filters);
        renderServices(services.services, range, controller.signal);
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    } finally {
        if (state.controller === controller) setBusy(false);
    }
}

async function loadMore() {
    if (!state.cursor) return;
    const { filters } = readForm();
    const range = rangeParams(picker.current());
    ui.more.disabled = true;
    try {
        const answer = await api('/api/traces', { ...range, ...filters, limit: PAGE_SIZE, cursor: state.cursor }, state.controller?.signal);
        state.traces = state.traces.concat(answer.traces);
        state.cursor = answer.nextCursor;
        renderTraces(answer, true);
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    } finally {
        ui.more.disabled = false;
    }
}

function renderTraces(answer, appended) {
    const longest = Math.max(1e-6, ...state.traces.map((t) => t.durationMs));
    if (!appended) ui.list.replaceChildren();
    else {
        // Bars are relative to the longest listed trace: a longer one on the new page rescales the earlier ones.
        for (const bar of ui.list.querySelectorAll('.trace-bar-fill')) {
            bar.style.width = `${Math.max(0.5, (Number(bar.dataset.duration) / longest) * 100)}%`;
        }
    }
    for (const trace of answer.traces) {
        ui.list.append(traceRow(trace, longest));
    }
    const count = state.traces.length;
    ui.summary.textContent = count === 0 ? '' : `${count} trace${count === 1 ? '' : 's'}${state.cursor ? ', more available' : ''}`;
    for (const warning of answer.warnings ?? []) {
        ui.summary.append(el('span', { class: 'traces-warning' }, ` · ${warning.message ?? warning}`));
    }
    ui.noMatch.hidden = count !== 0;
    ui.more.hidden = !state.cursor;
}

function traceRow(trace, longest) {
    const fill = el('span', { class: 'trace-bar-fill', dataset: { duration: trace.durationMs } });
    fill.style.width = `${Math.max(0.5, (trace.durationMs / longest) * 100)}%`;
    if (trace.errorCount > 0) fill.classList.add('has-error');
    fill.style.backgroundColor = trace.errorCount > 0 ? '' : serviceColor(trace.rootService ?? '');
    const title = trace.rootMissing
        ? el('span', { class: 'trace-root' }, el('span', { class: 'trace-flag', title: 'The root span of this trace has not arrived (yet)' }, 'root missing'), ' ', trace.rootOperation ?? '')
        : el('span', { class: 'trace-root' }, el('strong', {}, trace.rootService ?? ''), ': ', trace.rootOperation ?? '');
    return el('li', { class: 'trace-row', dataset: { traceId: trace.traceId } },
        el('a', { class: 'trace-link', href: traceHref(trace.traceId) },
            el('span', { class: 'trace-row-head' },
                title,
                el('span', { class: 'trace-duration' }, formatDuration(trace.durationMs))),
            el('span', { class: 'trace-bar' }, fill),
            el('span', { class: 'trace-row-meta' },
                el('span', { class: 'trace-spans' }, `${trace.spanCount} span${trace.spanCount === 1 ? '' : 's'}`),
                trace.errorCount > 0 ? el('span', { class: 'badge badge-error trace-errors' }, `${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}`) : null,
                el('span', { class: 'trace-services' }, (trace.services ?? []).map(serviceBadge)),
                el('time', { class: 'trace-start muted', datetime: trace.start, title: formatTime(trace.start) }, formatAgo(trace.start)),
                el('code', { class: 'trace-id muted' }, trace.traceId.slice(0, 12)))));
}

function renderDurations(answer, filters) {
    const noun = filters.service ? (answer.count === 1 ? 'span' : 'spans') : (answer.count === 1 ? 'trace' : 'traces');
    const of = filters.operation ? ` of ${filters.service} ${filters.operation}` : filters.service ? ` of ${filters.service}` : '';
    ui.latencySummary.textContent = `${answer.count} ${noun}${of}`;
    ui.percentiles.replaceChildren();
    for (const key of ['p50', 'p75', 'p90', 'p95', 'p99']) {
        ui.percentiles.append(el('div', { class: 'traces-percentile', dataset: { percentile: key } },
            el('dt', {}, key), el('dd', {}, formatDuration(answer.percentiles?.[key]))));
    }
}

async function renderServices(services, range, signal) {
    ui.servicesEmpty.hidden = services.length !== 0;
    ui.servicesTable.replaceChildren();
    const rows = new Map();
    for (const service of services) {
        if (!state.knownServices.has(service.name)) {
            state.knownServices.add(service.name);
            ensureOption(ui.service, service.name);
        }
        const filter = el('button', { type: 'button', class: 'link-button', title: `Only traces through ${service.name}` }, serviceBadge(service.name));
        filter.addEventListener('click', () => {
            ui.service.value = service.name;
            loadOperations(service.name, '');
            search();
        });
        const spark = el('td', { class: 'traces-spark' });
        const row = el('tr', { dataset: { service: service.name } },
            el('th', { scope: 'row' }, filter),
            el('td', { class: 'num', dataset: { figure: 'rate' } }, formatRate(service.requestRate)),
            spark,
            el('td', { class: `num${service.errorRate > 0 ? ' is-error' : ''}`, dataset: { figure: 'errors' } }, formatPercent(service.errorRate)),
            el('td', { class: 'num', dataset: { figure: 'p50' } }, formatDuration(service.p50Ms)),
            el('td', { class: 'num', dataset: { figure: 'p95' } }, formatDuration(service.p95Ms)),
            el('td', { class: 'num', dataset: { figure: 'p99' } }, formatDuration(service.p99Ms)),
            el('td', { class: 'num' }, String(service.operations ?? '')));
        rows.set(service.name, spark);
        ui.servicesTable.append(row);
    }
    // Sparklines are a nicety: one request per service, the first few only, and a failure leaves the cell empty.
    await Promise.all(services.slice(0, SPARKLINE_SERVICES).map(async (service) => {
        try {
            const red = await api(`/api/services/${encodeURIComponent(service.name)}/red`, range, signal);
            rows.get(service.name)?.replaceChildren(sparkline(red.rate, { color: serviceColor(service.name), label: `Requests per second of ${service.name}` }));
        } catch (error) {
            if (error?.name !== 'AbortError') rows.get(service.name)?.replaceChildren(el('span', { class: 'muted' }, '–'));
        }
    }));
}

async function loadOperations(service, selected) {
    ui.operation.replaceChildren(el('option', { value: '' }, 'All operations'));
    ui.operation.disabled = !service;
    if (!service) return;
    ensureOption(ui.operation, selected);
    ui.operation.value = selected;
    try {
        const answer = await api(`/api/services/${encodeURIComponent(service)}/operations`, rangeParams(picker.current()));
        if (ui.service.value !== service) return;
        const current = ui.operation.value;
        for (const op of answer.operations) ensureOption(ui.operation, op.name);
        ui.operation.value = current;
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    }
}

function setBusy(busy) {
    ui.results.setAttribute('aria-busy', String(busy));
    root.classList.toggle('is-loading', busy);
}
