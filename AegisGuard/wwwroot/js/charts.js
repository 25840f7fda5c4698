/**
 * Charts with one shared look, drawn by Chart.js. The page loads Chart.js itself with <partial name="_ChartJs" /> in
 * its Scripts section (that defines window.Chart) and then imports this module:
 *
 *   import { timeSeriesChart, histogramChart, setSeries } from '/js/charts.js';
 *
 *   // Lines (or bars) over time; points are [epoch ms, value].
 *   const chart = timeSeriesChart(canvas, {
 *       series: [{ label: 'api', points: [[1730368800000, 12], …], color: '#3e7bfa' }],   // color optional
 *       type: 'line',            // or 'bar'
 *       stacked: false,
 *       stepMs: 60_000,          // spacing of the points, used for tooltips and bar widths
 *       utc: false,              // label times in UTC instead of the browser's zone
 *       formatValue: (v) => …,   // y axis and tooltip numbers (default: 1.2k, 3.4M; axis ticks get the decimals
 *                                //  their spacing needs, so 0.005 / 0.01 / 0.015 never all read "0.01")
 *       missing: 'gap',          // steps without a point (needs stepMs): 'gap' (a break in the line, default),
 *                                //  'zero' (a count with nothing in the step is 0), or 'connect' (old behaviour)
 *       range: { from, to },     // optional (Dates or ms): fill missing steps out to the range's ends too
 *       onZoom: (from, to) => …, // click-drag across the plot selects a range (Dates); omit to disable
 *   });
 *   setSeries(chart, newSeries);   // redraw with new data (e.g. auto-refresh)
 *
 *   // Lines never join across steps without data: a null y is a gap (spanGaps: false). fillSteps() is the same
 *   // filling on its own, for pages that build their own datasets:
 *   fillSteps(points, { stepMs, value: 0 | null, from, to });
 *
 *   // The Logs volume histogram: stacked bars per level, level colours fixed (LEVEL_COLORS).
 *   histogramChart(canvas, { buckets: [{ time: ms, counts: { error: 3, info: 40 } }], stepMs: 60_000, onZoom });
 *
 * The x axis is a linear axis of epoch milliseconds with ticks placed on round times (no date adapter needed).
 * The canvas should sit in a .chart-box (fixed height; the chart fills it).
 */

export const LEVEL_COLORS = {
    fatal: '#b42318',
    error: '#e5484d',
    warn: '#f5a524',
    info: '#3e7bfa',
    debug: '#8b93a7',
    trace: '#c2c7d3',
};

/** Levels from most to least severe: the stacking order of the histogram (most severe at the bottom). */
export const LEVEL_ORDER = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export const SIGNAL_COLORS = { logs: '#3e7bfa', metrics: '#12a594', traces: '#8e4ec6', rum: '#e5793b' };

const PALETTE = ['#3e7bfa', '#12a594', '#8e4ec6', '#e5793b', '#e5484d', '#f5a524', '#0091ff', '#d6409f', '#46a758', '#6e56cf'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TICK_STEPS = [
    1000, 5000, 15_000, 30_000, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
];

let themed = false;

/** window.Chart, with the shared theme applied once. */
function chartLibrary() {
    const Chart = window.Chart;
    if (!Chart) {
        throw new Error('Chart.js is not loaded: add <partial name="_ChartJs" /> to the page\'s Scripts section.');
    }
    if (!themed) {
        Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
        Chart.defaults.font.size = 12;
        Chart.defaults.color = '#636b7e';
        Chart.defaults.borderColor = '#eceef3';
        Chart.defaults.animation.duration = 250;
        themed = true;
    }
    return Chart;
}

/** 950 → 950, 12 345 → 12.3k, 4 200 000 → 4.2M. */
export function formatNumber(value) {
    const abs = Math.abs(value);
    if (abs >= 1e9) return `${trim(value / 1e9)}B`;
    if (abs >= 1e6) return `${trim(value / 1e6)}M`;
    if (abs >= 1e4) return `${trim(value / 1e3)}k`;
    return Number.isInteger(value) ? value.toLocaleString('en-US') : trim(value);
}

function trim(value) {
    return Number(value.toFixed(Math.abs(value) < 10 ? 2 : 1)).toString();
}

/**
 * An axis label for `value` on ticks `step` apart: as formatNumber, but with as many decimals as the spacing needs
 * (ticks 0.001 apart read 0.001, 0.002 — formatNumber's two decimals would print "0" three times).
 */
export function formatTick(value, step) {
    if (!Number.isFinite(step) || step <= 0 || Math.abs(value) >= 1e4 || step >= 1) {
        return formatNumber(value);
    }
    const decimals = Math.min(12, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)) + (isRound(step) ? 0 : 1));
    return Number(value.toFixed(decimals)).toLocaleString('en-US', { maximumFractionDigits: decimals });
}

function isRound(step) {
    const digits = step / 10 ** Math.floor(Math.log10(step));
    return Math.abs(digits - Math.round(digits)) < 1e-9;
}

/**
 * Points [x, y] sorted by x, with every step of `stepMs` that has no point given `value` (0 for a count, null for a
 * gap), from `from` (default: the first point) to `to` (default: the last). Points off the step grid are kept.
 */
export function fillSteps(points, { stepMs, value = null, from = null, to = null }) {
    const sorted = [...points].sort((a, b) => a[0] - b[0]);
    if (!stepMs || stepMs <= 0) {
        return sorted;
    }
    const known = new Map(sorted.map(([x, y]) => [x, y]));
    const anchor = sorted.length ? sorted[0][0] : Number(from);
    if (!Number.isFinite(anchor)) {
        return sorted;
    }
    const start = from === null ? anchor : anchor - Math.floor((anchor - Number(from)) / stepMs) * stepMs;
    const end = to === null ? (sorted.length ? sorted[sorted.length - 1][0] : anchor) : Number(to);
    if ((end - start) / stepMs > 20_000) {
        return sorted; // A grid that fine would not be readable anyway; keep the chart cheap.
    }
    for (let x = start; x <= end; x += stepMs) {
        if (!known.has(x)) {
            known.set(x, value);
        }
    }
    return [...known.entries()].sort((a, b) => a[0] - b[0]);
}

/** A line or bar chart over time. Returns the Chart.js instance. */
export function timeSeriesChart(canvas, options) {
    const Chart = chartLibrary();
    Chart.getChart(canvas)?.destroy();
    const {
        series = [], type = 'line', stacked = false, stepMs = null, utc = false,
        formatValue = formatNumber, onZoom = null, legend = true, missing = 'gap', range = null,
    } = options;
    const filled = prepareSeries(series, { stepMs, missing, range });
    const plugins = [];
    if (onZoom) {
        plugins.push(dragZoom(onZoom));
        canvas.classList.add('is-zoomable');
    }
    const formatTime = timeFormatter(utc);
    const chart = new Chart(canvas, {
        type,
        data: { datasets: toDatasets(filled, type, stacked, missing) },
        plugins,
        options: {
            responsive: true,
            maintainAspectRatio: false,
            normalized: true,
            events: ['mousedown', 'mouseup', 'mousemove', 'mouseout', 'click', 'touchstart', 'touchmove', 'touchend'],
            interaction: { mode: 'index', intersect: false, axis: 'x' },
            layout: { padding: { top: 4, right: 8 } },
            scales: {
                x: {
                    type: 'linear',
                    stacked,
                    offset: type === 'bar',
                    grid: { display: false },
                    border: { color: '#d9dde6' },
                    ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 16, callback: (value, index, ticks) => formatTime(value, ticks) },
                    afterBuildTicks: (scale) => {
                        scale.ticks = roundTicks(scale.min, scale.max, utc, scale.width);
                    },
                },
                y: {
                    stacked,
                    beginAtZero: true,
                    border: { display: false },
                    grid: { color: '#eef0f4' },
                    ticks: {
                        maxTicksLimit: 6,
                        callback: (value, index, ticks) => (formatValue === formatNumber ? formatTick(value, tickStep(ticks)) : formatValue(value)),
                    },
                    // A custom formatValue may still round two ticks to one label: keep the first of each label only.
                    afterTickToLabelConversion: (scale) => {
                        const seen = new Set();
                        scale.ticks = scale.ticks.filter((tick) => !seen.has(tick.label) && seen.add(tick.label));
                    },
                },
            },
            plugins: {
                legend: {
                    display: legend && series.length > 1,
                    position: 'top',
                    align: 'end',
                    labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true, pointStyle: 'rectRounded', padding: 14 },
                },
                tooltip: {
                    backgroundColor: '#0c0e14',
                    padding: 10,
                    boxPadding: 4,
                    usePointStyle: true,
                    filter: (item) => item.parsed.y !== 0 || type === 'line',
                    callbacks: {
                        title: (items) => items.length ? tooltipTime(items[0].parsed.x, stepMs, utc) : '',
                        label: (item) => ` ${item.dataset.label}: ${item.parsed.y === null ? 'no data' : formatValue(item.parsed.y)}`,
                    },
                },
            },
        },
    });
    chart.$aegis = { type, stacked, stepMs, missing, range };
    return chart;
}

/** Replaces the chart's series and redraws it. */
export function setSeries(chart, series) {
    const { type, stacked, stepMs, missing, range } = chart.$aegis;
    chart.data.datasets = toDatasets(prepareSeries(series, { stepMs, missing, range }), type, stacked, missing);
    chart.options.plugins.legend.display = series.length > 1;
    chart.update();
}

/** The log volume histogram: buckets of counts per level, stacked with the most severe level at the bottom. */
export function histogramChart(canvas, { buckets, stepMs, onZoom = null, utc = false }) {
    return timeSeriesChart(canvas, {
        series: levelSeries(buckets),
        type: 'bar',
        stacked: true,
        stepMs,
        utc,
        onZoom,
    });
}

/** Histogram buckets → one series per level present, in LEVEL_ORDER (unknown levels last, grey). */
export function levelSeries(buckets) {
    const levels = new Set();
    for (const bucket of buckets) {
        Object.keys(bucket.counts ?? {}).forEach((level) => levels.add(level));
    }
    const ordered = [...levels].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    return ordered.map((level) => ({
        label: level,
        color: LEVEL_COLORS[level] ?? '#b7bdca',
        points: buckets.map((bucket) => [bucket.time, bucket.counts?.[level] ?? 0]),
    }));
}

function rank(level) {
    const index = LEVEL_ORDER.indexOf(level);
    return index < 0 ? LEVEL_ORDER.length : index;
}

function tickStep(ticks) {
    return ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : NaN;
}

/** Series with the steps that have no point filled in as `missing` says (lines only; bars have zeros or nothing). */
function prepareSeries(series, { stepMs, missing, range }) {
    if (!stepMs || missing === 'connect') {
        return series;
    }
    const value = missing === 'zero' ? 0 : null;
    const from = range?.from != null ? Number(range.from) : null;
    const to = range?.to != null ? Number(range.to) : null;
    return series.map((s) => ({ ...s, points: fillSteps(s.points, { stepMs, value, from, to }) }));
}

function toDatasets(series, type, stacked, missing = 'gap') {
    return series.map((s, index) => {
        const color = s.color ?? SIGNAL_COLORS[s.key] ?? LEVEL_COLORS[s.key] ?? PALETTE[index % PALETTE.length];
        const data = s.points.map(([x, y]) => ({ x, y }));
        return type === 'bar'
            ? { label: s.label, data, backgroundColor: color, hoverBackgroundColor: color, borderRadius: 2, maxBarThickness: 56, categoryPercentage: 0.9, barPercentage: 0.9 }
            : {
                label: s.label, data, borderColor: color, backgroundColor: `${color}22`, borderWidth: 2,
                pointHoverRadius: 4, tension: 0.2, fill: stacked ? (index === 0 ? 'origin' : '-1') : false,
                // Never draw a line across a step without data: a null is a gap ('connect' keeps the old behaviour).
                spanGaps: missing === 'connect',
                // A lone point between gaps would be invisible with pointRadius 0.
                pointRadius: (context) => (isIsolated(context.dataset.data, context.dataIndex) ? 2.5 : 0),
            };
    });
}

function isIsolated(data, index) {
    const here = data[index]?.y;
    return here !== null && here !== undefined && (data[index - 1]?.y ?? null) === null && (data[index + 1]?.y ?? null) === null;
}

/** Ticks on round times (every 5 min, hour, day, …) between min and max, about one per 90 px. */
function roundTicks(min, max, utc, width) {
    if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min) {
        return [];
    }
    const wanted = Math.max(2, Math.floor((width || 600) / 90));
    const step = TICK_STEPS.find((s) => (max - min) / s <= wanted) ?? TICK_STEPS[TICK_STEPS.length - 1];
    const offset = utc || step < HOUR ? 0 : new Date(min).getTimezoneOffset() * MINUTE;
    const first = Math.ceil((min - offset) / step) * step + offset;
    const ticks = [];
    for (let value = first; value <= max; value += step) {
        ticks.push({ value });
    }
    return ticks;
}

function timeFormatter(utc) {
    const zone = utc ? { timeZone: 'UTC' } : {};
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone });
    const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', ...zone });
    const dayTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone });
    return (value, ticks) => {
        const span = ticks.length > 1 ? ticks[ticks.length - 1].value - ticks[0].value : 0;
        const step = ticks.length > 1 ? ticks[1].value - ticks[0].value : 0;
        if (step >= DAY) return day.format(value);
        return span > DAY ? dayTime.format(value) : time.format(value);
    };
}

function tooltipTime(value, stepMs, utc) {
    const zone = utc ? { timeZone: 'UTC', timeZoneName: 'short' } : {};
    if (stepMs && stepMs >= DAY) {
        return new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', ...zone }).format(value);
    }
    return new Intl.DateTimeFormat(undefined, {
        month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
        second: stepMs && stepMs < MINUTE ? '2-digit' : undefined, hourCycle: 'h23', ...zone,
    }).format(value);
}

/** Click-drag across the plot area to select a time range; calls onZoom(from, to) with Dates. */
function dragZoom(onZoom) {
    let start = null;
    let end = null;
    return {
        id: 'aegisDragZoom',
        afterEvent(chart, args) {
            const event = args.event;
            const area = chart.chartArea;
            const x = Math.min(Math.max(event.x, area.left), area.right);
            if (event.type === 'mousedown' && args.inChartArea) {
                start = x;
                end = x;
            } else if (event.type === 'mousemove' && start !== null) {
                end = x;
                args.changed = true;
            } else if (event.type === 'mouseup' && start !== null) {
                const left = Math.min(start, end);
                const right = Math.max(start, end);
                start = null;
                end = null;
                args.changed = true;
                if (right - left >= 5) {
                    const scale = chart.scales.x;
                    onZoom(new Date(scale.getValueForPixel(left)), new Date(scale.getValueForPixel(right)));
                }
            } else if (event.type === 'mouseout' && start !== null) {
                start = null;
                end = null;
                args.changed = true;
            }
        },
        afterDatasetsDraw(chart) {
            if (start === null || end === null || start === end) {
                return;
            }
            const { ctx, chartArea: area } = chart;
            ctx.save();
            ctx.fillStyle = 'rgba(124, 92, 255, 0.14)';
            ctx.strokeStyle = 'rgba(98, 66, 245, 0.7)';
            ctx.lineWidth = 1;
            const left = Math.min(start, end);
            ctx.fillRect(left, area.top, Math.abs(end - start), area.bottom - area.top);
            ctx.strokeRect(left + 0.5, area.top + 0.5, Math.abs(end - start) - 1, area.bottom - area.top - 1);
            ctx.restore();
        },
    };
}
