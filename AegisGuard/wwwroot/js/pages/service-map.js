/**
 * The service map (Pages/Services/Map.cshtml). GET /api/services/map over the picked range gives nodes and
 * caller → callee edges; js/pages/traces/map-layout.js places them in layers by call depth and this module draws the
 * SVG: circles sized by requests per second, coloured by error rate, curved edges with arrowheads labelled with
 * calls per second and p95. A click on a node opens its RED charts (/api/services/{s}/red, drawn with /js/charts.js)
 * and top operations (/api/services/{s}/operations); a click on an edge its calls (/api/services/map/edge).
 * Nodes are <g data-node="service">, edges <g data-edge="caller→callee">; both take Enter like a click.
 */

import { timeSeriesChart } from '../charts.js';
import { showProblem, clearProblem } from '../problem-banner.js';
import { initTimeRangePicker } from '../time-range.js';
import {
    api, el, formatAgo, formatDuration, formatPercent, formatRate, rangeParams, serviceBadge, svg, traceHref,
} from './traces/format.js';
import { layeredLayout } from './traces/map-layout.js';

const TOP_OPERATIONS = 10;

const ui = {
    explorer: document.getElementById('map-explorer'),
    canvas: document.getElementById('map-canvas'),
    empty: document.getElementById('map-empty'),
    summary: document.getElementById('map-summary'),
    problem: document.getElementById('map-problem'),
    panel: document.getElementById('map-panel'),
    panelTitle: document.getElementById('map-panel-title'),
    panelBody: document.getElementById('map-panel-body'),
};

let graph = null;
let controller = null;
let panelController = null;
const picker = initTimeRangePicker(document.getElementById('map-range'), { onChange: () => load() });
document.getElementById('map-panel-close').addEventListener('click', closePanel);

if (!ui.explorer.hidden) load();

export function errorClass(rate) {
    if (rate >= 0.05) return 'is-bad';
    if (rate >= 0.01) return 'is-warn';
    return 'is-ok';
}

async function load() {
    controller?.abort();
    controller = new AbortController();
    clearProblem(ui.problem);
    try {
        graph = await api('/api/services/map', rangeParams(picker.current()), controller.signal);
        draw();
        const open = ui.panel.hidden ? null : ui.panel.dataset;
        if (open?.service && graph.nodes.some((n) => n.service === open.service)) openNode(open.service);
        else if (open?.caller && graph.edges.some((e) => e.caller === open.caller && e.callee === open.callee)) openEdge(open.caller, open.callee);
        else closePanel();
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    }
}

function draw() {
    const { nodes, edges } = graph;
    ui.empty.hidden = nodes.length !== 0;
    ui.summary.textContent = nodes.length
        ? `${nodes.length} service${nodes.length === 1 ? '' : 's'}, ${edges.length} dependenc${edges.length === 1 ? 'y' : 'ies'}` +
          // Over large ranges the server answers from per-minute aggregates: exact counts, percentiles within ±1 %.
          (graph.source === 'aggregates'
              ? ` · from per-minute aggregates: percentiles approximate (±${Math.round(graph.percentileError * 100)} %)`
              : '')
        : '';
    if (!nodes.length) {
        ui.canvas.replaceChildren();
        return;
    }
    const layout = layeredLayout(nodes, edges, { weight: (n) => n.requestRate || n.spanCount / 1e6 });
    const root = svg('svg', {
        viewBox: `0 0 ${layout.width} ${layout.height}`, class: 'map-svg', role: 'group', 'aria-label': 'Service dependency graph',
        dataset: { layers: layout.layers },
    });
    root.style.maxHeight = `${Math.max(320, layout.height)}px`;
    root.append(svg('defs', {},
        ...['is-ok', 'is-warn', 'is-bad'].map((kind) => svg('marker', {
            id: `map-arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
            class: `map-arrow ${kind}`,
        }, svg('path', { d: 'M0,0 L10,5 L0,10 z' })))));

    const highestRate = Math.max(1e-9, ...edges.map((e) => e.ratePerSecond));
    const edgeLayer = svg('g', { class: 'map-edges' });
    const labelLayer = svg('g', { class: 'map-edge-labels' });
    for (const edge of edges) {
        const from = layout.nodes.get(edge.caller);
        const to = layout.nodes.get(edge.callee);
        if (!from || !to) continue;
        const kind = errorClass(edge.errorRate);
        const { d, mid } = edgePath(from, to);
        const group = svg('g', {
            class: `map-edge ${kind}`, tabindex: 0, role: 'button', dataset: { edge: `${edge.caller}→${edge.callee}`, caller: edge.caller, callee: edge.callee },
            'aria-label': `${edge.caller} calls ${edge.callee}: ${formatRate(edge.ratePerSecond)}, p95 ${formatDuration(edge.p95Ms)}, ${formatPercent(edge.errorRate)} errors`,
        });
        const width = 1.5 + 3.5 * Math.sqrt(edge.ratePerSecond / highestRate);
        group.append(
            svg('path', { d, class: 'map-edge-hit' }),
            svg('path', { d, class: 'map-edge-line', 'stroke-width': width.toFixed(2), 'marker-end': `url(#map-arrow-${kind})` }),
            svg('title', {}, `${edge.caller} → ${edge.callee}: ${edge.callCount} calls`),
        );
        edgeLayer.append(group);
        const text = `${formatRate(edge.ratePerSecond)} · p95 ${formatDuration(edge.p95Ms)}`;
        const label = svg('g', { class: 'map-edge-label', dataset: { edgeLabel: `${edge.caller}→${edge.callee}` } },
            svg('rect', { x: mid.x - text.length * 3.4 - 6, y: mid.y - 10, width: text.length * 6.8 + 12, height: 20, rx: 10 }),
            svg('text', { x: mid.x, y: mid.y + 4 }, text));
        labelLayer.append(label);
        const open = () => openEdge(edge.caller, edge.callee);
        group.addEventListener('click', open);
        label.addEventListener('click', open);
        group.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(); });
    }

    const nodeLayer = svg('g', { class: 'map-nodes' });
    for (const node of nodes) {
        const place = layout.nodes.get(node.service);
        const group = svg('g', {
            class: `map-node ${errorClass(node.errorRate)}`, tabindex: 0, role: 'button', dataset: { node: node.service, layer: place.layer },
            transform: `translate(${place.x.toFixed(1)} ${place.y.toFixed(1)})`,
            'aria-label': `${node.service}: ${formatRate(node.requestRate)}, ${formatPercent(node.errorRate)} errors, p95 ${formatDuration(node.p95Ms)}`,
        });
        group.append(
            svg('circle', { r: place.r.toFixed(1), class: 'map-node-circle' }),
            svg('text', { y: 4, class: 'map-node-rate' }, formatRate(node.requestRate)),
            svg('text', { y: place.r + 16, class: 'map-node-name' }, node.service),
            svg('text', { y: place.r + 30, class: 'map-node-errors' }, `${formatPercent(node.errorRate)} err · p95 ${formatDuration(node.p95Ms)}`),
        );
        group.addEventListener('click', () => openNode(node.service));
        group.addEventListener('keydown', (event) => { if (event.key === 'Enter') openNode(node.service); });
        nodeLayer.append(group);
    }
    root.append(edgeLayer, nodeLayer, labelLayer);
    ui.canvas.replaceChildren(root);
    markSelection();
}

/** A curve from the right of the caller to the left of the callee; an edge going back (a cycle) bows below. */
function edgePath(from, to) {
    if (to.x > from.x) {
        const x1 = from.x + from.r;
        const x2 = to.x - to.r - 2;
        const bend = (x2 - x1) / 2;
        const p = [{ x: x1, y: from.y }, { x: x1 + bend, y: from.y }, { x: x2 - bend, y: to.y }, { x: x2, y: to.y }];
        return { d: `M${p[0].x},${p[0].y} C${p[1].x},${p[1].y} ${p[2].x},${p[2].y} ${p[3].x},${p[3].y}`, mid: bezierMid(p) };
    }
    const x1 = from.x;
    const x2 = to.x;
    const y1 = from.y + from.r;
    const y2 = to.y + to.r + 2;
    const depth = Math.max(60, Math.abs(x1 - x2) / 3);
    const p = [{ x: x1, y: y1 }, { x: x1, y: y1 + depth }, { x: x2, y: y2 + depth }, { x: x2, y: y2 }];
    return { d: `M${p[0].x},${p[0].y} C${p[1].x},${p[1].y} ${p[2].x},${p[2].y} ${p[3].x},${p[3].y}`, mid: bezierMid(p) };
}

function bezierMid(p) {
    return { x: (p[0].x + 3 * p[1].x + 3 * p[2].x + p[3].x) / 8, y: (p[0].y + 3 * p[1].y + 3 * p[2].y + p[3].y) / 8 };
}

function markSelection() {
    const { service, caller, callee } = ui.panel.hidden ? {} : ui.panel.dataset;
    for (const node of ui.canvas.querySelectorAll('[data-node]')) node.classList.toggle('is-selected', node.dataset.node === service);
    for (const edge of ui.canvas.querySelectorAll('[data-edge]')) edge.classList.toggle('is-selected', edge.dataset.caller === caller && edge.dataset.callee === callee);
}

function showPanel(kind, data, title) {
    ui.panel.hidden = false;
    for (const key of ['service', 'caller', 'callee']) delete ui.panel.dataset[key];
    Object.assign(ui.panel.dataset, data, { kind });
    ui.panelTitle.replaceChildren(...title);
    markSelection();
    panelController?.abort();
    panelController = new AbortController();
    return panelController.signal;
}

async function openNode(service) {
    const node = graph.nodes.find((n) => n.service === service);
    const signal = showPanel('node', { service }, [serviceBadge(service)]);
    const charts = el('div', { class: 'map-charts' },
        chartBox('Requests/s', 'rate'), chartBox('Errors/s', 'errors'), chartBox('Latency', 'latency'));
    const operations = el('div', { class: 'map-operations' }, el('p', { class: 'muted' }, 'Loading operations…'));
    ui.panelBody.replaceChildren(
        figures([
            ['Requests/s', formatRate(node.requestRate), 'rate'],
            ['Errors', formatPercent(node.errorRate), 'errors'],
            ['p50', formatDuration(node.p50Ms), 'p50'],
            ['p95', formatDuration(node.p95Ms), 'p95'],
            ['p99', formatDuration(node.p99Ms), 'p99'],
        ]),
        charts,
        el('h3', { class: 'span-section-title' }, 'Top operations'),
        operations,
        el('p', {}, el('a', { href: `/traces?service=${encodeURIComponent(service)}`, class: 'btn btn-secondary btn-sm' }, `Traces through ${service}`)));
    const range = rangeParams(picker.current());
    try {
        const [red, ops] = await Promise.all([
            api(`/api/services/${encodeURIComponent(service)}/red`, range, signal),
            api(`/api/services/${encodeURIComponent(service)}/operations`, range, signal),
        ]);
        timeSeriesChart(charts.querySelector('[data-chart="rate"] canvas'), { series: [{ label: 'requests/s', points: red.rate, color: '#3e7bfa' }], stepMs: red.stepMs, formatValue: shortNumber });
        timeSeriesChart(charts.querySelector('[data-chart="errors"] canvas'), { series: [{ label: 'errors/s', points: red.errors, color: '#e5484d' }], stepMs: red.stepMs, formatValue: shortNumber });
        timeSeriesChart(charts.querySelector('[data-chart="latency"] canvas'), {
            series: [
                { label: 'p50', points: red.p50, color: '#12a594' },
                { label: 'p95', points: red.p95, color: '#f5a524' },
                { label: 'p99', points: red.p99, color: '#e5484d' },
            ],
            stepMs: red.stepMs,
            formatValue: (v) => formatDuration(v),
        });
        charts.dataset.loaded = 'true';
        const top = [...ops.operations].sort((a, b) => b.spanCount - a.spanCount).slice(0, TOP_OPERATIONS);
        operations.replaceChildren(top.length ? table(['Operation', 'Spans', 'Req/s', 'Errors', 'p95'], top.map((op) => [
            el('a', { href: `/traces?service=${encodeURIComponent(service)}&operation=${encodeURIComponent(op.name)}` }, op.name),
            String(op.spanCount), formatRate(op.requestRate), formatPercent(op.errorRate), formatDuration(op.p95Ms),
        ])) : el('p', { class: 'muted' }, 'No operations in this range.'));
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    }
}

async function openEdge(caller, callee) {
    const edge = graph.edges.find((e) => e.caller === caller && e.callee === callee);
    const signal = showPanel('edge', { caller, callee }, [serviceBadge(caller), ' → ', serviceBadge(callee)]);
    const operations = el('div', { class: 'map-edge-operations' }, el('p', { class: 'muted' }, 'Loading calls…'));
    const traces = el('div', { class: 'map-edge-traces' });
    ui.panelBody.replaceChildren(
        figures([
            ['Calls', String(edge.callCount), 'calls'],
            ['Calls/s', formatRate(edge.ratePerSecond), 'rate'],
            ['Errors', formatPercent(edge.errorRate), 'errors'],
            ['p50', formatDuration(edge.p50Ms), 'p50'],
            ['p95', formatDuration(edge.p95Ms), 'p95'],
            ['p99', formatDuration(edge.p99Ms), 'p99'],
        ]),
        el('h3', { class: 'span-section-title' }, 'Calls by operation'),
        operations,
        el('h3', { class: 'span-section-title' }, 'Newest traces with this call'),
        traces);
    try {
        const answer = await api('/api/services/map/edge', { caller, callee, ...rangeParams(picker.current()) }, signal);
        operations.replaceChildren(answer.operations.length ? table(['Caller operation', 'Callee operation', 'Calls', 'Errors', 'p95'], answer.operations.map((op) => [
            op.callerOperation, op.calleeOperation, String(op.callCount), String(op.errorCount), formatDuration(op.p95Ms),
        ])) : el('p', { class: 'muted' }, 'No calls in this range.'));
        traces.replaceChildren(answer.traces.length ? el('ul', { class: 'map-trace-list' }, answer.traces.map((trace) => el('li', { dataset: { traceId: trace.traceId } },
            el('a', { href: traceHref(trace.traceId) }, `${trace.rootService ?? '?'}: ${trace.rootOperation ?? ''}`),
            el('span', { class: 'muted' }, ` ${formatDuration(trace.durationMs)} · ${trace.spanCount} spans · ${formatAgo(trace.start)}`),
            trace.errorCount > 0 ? el('span', { class: 'badge badge-error' }, `${trace.errorCount} err`) : null)))
            : el('p', { class: 'muted' }, 'No traces in this range.'));
    } catch (error) {
        if (error?.name !== 'AbortError') showProblem(ui.problem, error);
    }
}

function closePanel() {
    ui.panel.hidden = true;
    panelController?.abort();
    for (const key of ['service', 'caller', 'callee', 'kind']) delete ui.panel.dataset[key];
    markSelection();
}

function chartBox(title, key) {
    return el('figure', { class: 'map-chart', dataset: { chart: key } },
        el('figcaption', {}, title),
        el('div', { class: 'chart-box chart-box-sm' }, el('canvas', { role: 'img', 'aria-label': `${title} over time` })));
}

function figures(items) {
    return el('dl', { class: 'trace-figures map-figures' }, items.map(([label, value, key]) =>
        el('div', { class: 'trace-figure', dataset: { figure: key } }, el('dt', {}, label), el('dd', {}, value))));
}

function table(headers, rows) {
    return el('table', { class: 'data-table data-table-compact' },
        el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', class: i > 0 && i >= headers.length - 3 ? 'num' : null }, h)))),
        el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell, i) => el('td', { class: i > 0 && i >= headers.length - 3 ? 'num' : null }, cell))))));
}

function shortNumber(value) {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}
