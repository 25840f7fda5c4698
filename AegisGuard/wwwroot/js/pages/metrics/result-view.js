/**
 * The result of the Metrics page's queries: one Chart.js time-series chart for all of them (via /js/charts.js), an
 * HTML legend whose entries hide and show their series (Shift+click shows only that one; a second Shift+click shows
 * all again), and a table of each series' last value. Points missing from a range query's answer (no sample within
 * the lookback) are drawn as gaps, not bridged.
 *
 *   const view = resultView({ canvas, legend, table, onZoom });
 *   view.render(series, { startMs, endMs, stepMs });   // series from toSeries()
 *   view.clear();
 */
import { timeSeriesChart, formatNumber } from '../../charts.js';

// The palette of charts.js, so each series has the same colour in the chart and in the legend.
const PALETTE = ['#3e7bfa', '#12a594', '#8e4ec6', '#e5793b', '#e5484d', '#f5a524', '#0091ff', '#d6409f', '#46a758', '#6e56cf'];

/** A Prometheus sample value ("1.5", "NaN", "+Inf") as a number. */
export function sampleValue(text) {
    if (text === '+Inf' || text === 'Inf') return Infinity;
    if (text === '-Inf') return -Infinity;
    return Number(text);
}

/**
 * The series of one query's matrix, named by its legend format ("{{service}} {{status}}"; empty: the labels as
 * Prometheus prints them) and keyed by query and labels.
 */
export function toSeries(result, { letter, query, legendFormat }) {
    return result.map((entry) => {
        const labels = entry.metric ?? {};
        return {
            key: `${letter}|${JSON.stringify(Object.entries(labels).sort())}`,
            letter,
            labels,
            name: legendName(labels, legendFormat, query),
            samples: (entry.values ?? []).map(([t, v]) => [Math.round(Number(t) * 1000), v]),
        };
    });
}

export function legendName(labels, format, query) {
    if (format && format.trim()) {
        return format.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name) => labels[name] ?? '');
    }
    const { __name__: name = '', ...rest } = labels;
    const pairs = Object.keys(rest).sort().map((key) => `${key}="${rest[key]}"`);
    if (!name && pairs.length === 0) {
        return query;
    }
    return pairs.length ? `${name}{${pairs.join(', ')}}` : name;
}

export function resultView({ canvas, legend, table, onZoom }) {
    const hidden = new Set();
    let chart = null;
    let shown = [];

    function applyVisibility() {
        if (!chart) return;
        shown.forEach((series, index) => chart.setDatasetVisibility(index, !hidden.has(series.key)));
        chart.update('none');
        for (const item of legend.querySelectorAll('[data-series-key]')) {
            item.setAttribute('aria-pressed', String(!hidden.has(item.dataset.seriesKey)));
        }
    }

    legend.addEventListener('click', (event) => {
        const button = event.target instanceof Element ? event.target.closest('[data-series-key]') : null;
        if (!button) return;
        const key = button.dataset.seriesKey;
        if (event.shiftKey || event.metaKey || event.ctrlKey) {
            const onlyThis = shown.every((s) => (s.key === key) !== hidden.has(s.key));
            hidden.clear();
            if (!onlyThis) {
                shown.forEach((s) => s.key !== key && hidden.add(s.key));
            }
        } else if (hidden.has(key)) {
            hidden.delete(key);
        } else {
            hidden.add(key);
        }
        applyVisibility();
    });

    function render(series, { startMs, endMs, stepMs }) {
        shown = series.map((s, index) => ({ ...s, color: PALETTE[index % PALETTE.length] }));
        chart = timeSeriesChart(canvas, {
            series: shown.map((s) => ({ label: s.name, color: s.color, points: withGaps(s.samples, startMs, endMs, stepMs) })),
            type: 'line',
            stepMs,
            legend: false,
            onZoom,
        });
        // The axis spans the asked range even where the series start late or stop early.
        chart.options.scales.x.min = startMs;
        chart.options.scales.x.max = endMs;
        renderLegend();
        renderTable();
        applyVisibility();
    }

    function renderLegend() {
        legend.replaceChildren(...shown.map((s) => {
            const item = document.createElement('li');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'metrics-legend-item';
            button.dataset.seriesKey = s.key;
            button.setAttribute('aria-pressed', 'true');
            button.title = 'Click to hide or show · Shift+click to show only this series';
            const swatch = document.createElement('span');
            swatch.className = 'metrics-legend-swatch';
            swatch.setAttribute('aria-hidden', 'true');
            swatch.style.setProperty('--swatch', s.color);
            const letter = document.createElement('span');
            letter.className = 'metrics-legend-letter';
            letter.textContent = s.letter;
            const name = document.createElement('span');
            name.className = 'metrics-legend-name';
            name.textContent = s.name;
            const last = document.createElement('span');
            last.className = 'metrics-legend-last';
            const lastSample = lastOf(s.samples);
            last.textContent = lastSample ? formatValue(sampleValue(lastSample[1])) : '';
            button.append(swatch, letter, name, last);
            item.append(button);
            return item;
        }));
    }

    function renderTable() {
        const body = table.tBodies[0];
        body.replaceChildren(...shown.map((s) => {
            const row = document.createElement('tr');
            row.dataset.seriesKey = s.key;
            const lastSample = lastOf(s.samples);
            row.append(
                cell(s.letter),
                cell(s.name, 'metrics-series-name'),
                cell(lastSample ? lastSample[1] : '—', 'num metrics-last-value'),
                cell(lastSample ? new Date(lastSample[0]).toISOString().replace('.000Z', 'Z') : '—', 'muted nowrap'),
            );
            return row;
        }));
    }

    function clear() {
        chart?.destroy();
        chart = null;
        shown = [];
        legend.replaceChildren();
        table.tBodies[0].replaceChildren();
    }

    return { render, clear, get series() { return shown; } };
}

/** Every step of the range as a point; steps without a sample (and NaN/±Inf, which a chart cannot place) are gaps. */
function withGaps(samples, startMs, endMs, stepMs) {
    const byTime = new Map(samples.map(([t, v]) => [t, sampleValue(v)]));
    if (!stepMs || (endMs - startMs) / stepMs > 20_000) {
        return samples.map(([t, v]) => [t, finite(sampleValue(v))]);
    }
    const points = [];
    for (let t = startMs; t <= endMs; t += stepMs) {
        points.push([t, byTime.has(t) ? finite(byTime.get(t)) : null]);
    }
    // A sample off the step grid (a scalar at "now") still shows.
    for (const [t, v] of byTime) {
        if ((t - startMs) % stepMs !== 0) points.push([t, finite(v)]);
    }
    return points.sort((a, b) => a[0] - b[0]);
}

function finite(value) {
    return Number.isFinite(value) ? value : null;
}

function lastOf(samples) {
    return samples.length ? samples[samples.length - 1] : null;
}

function formatValue(value) {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
    return formatNumber(value);
}

function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
}
