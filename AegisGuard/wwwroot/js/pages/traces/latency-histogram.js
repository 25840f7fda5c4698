/**
 * The latency distribution of /traces as an SVG bar chart: one bar per log-spaced bucket of
 * /api/traces/durations (equal widths, so a log axis without a chart library), the p50/p95/p99 marked, and the
 * selected duration range shaded. A click on a bar selects that bucket, a drag across bars selects from the first
 * to the last; either calls onSelect(lowerMs, upperMs). Bars are <rect data-bucket> for tests and keyboard users
 * get the same through Enter on a focused bar.
 *
 *   const chart = latencyHistogram(container, { onSelect: (min, max) => … });
 *   chart.draw(answer, { minMs, maxMs });   // answer = { histogram: [{ lowerMs, upperMs, count }], percentiles }
 */

import { formatDuration, svg } from './format.js';

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 8, right: 8, top: 14, bottom: 26 };

export function latencyHistogram(container, { onSelect }) {
    let buckets = [];
    let dragStart = null;
    let dragEnd = null;
    const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'lat-svg', preserveAspectRatio: 'none' });
    container.replaceChildren(root);

    function indexAt(event) {
        const target = event.target instanceof Element ? event.target.closest('[data-bucket]') : null;
        if (target) return Number(target.dataset.bucket);
        const box = root.getBoundingClientRect();
        if (!buckets.length || box.width === 0) return null;
        const x = ((event.clientX - box.left) / box.width) * WIDTH;
        const i = Math.floor((x - PAD.left) / ((WIDTH - PAD.left - PAD.right) / buckets.length));
        return Math.min(buckets.length - 1, Math.max(0, i));
    }

    function shade() {
        for (const bar of root.querySelectorAll('[data-bucket]')) {
            const i = Number(bar.dataset.bucket);
            const inDrag = dragStart !== null && i >= Math.min(dragStart, dragEnd) && i <= Math.max(dragStart, dragEnd);
            bar.classList.toggle('is-dragging', inDrag);
        }
    }

    root.addEventListener('mousedown', (event) => {
        const i = indexAt(event);
        if (i === null) return;
        event.preventDefault();
        dragStart = i;
        dragEnd = i;
        shade();
    });
    root.addEventListener('mousemove', (event) => {
        if (dragStart === null) return;
        const i = indexAt(event);
        if (i !== null && i !== dragEnd) {
            dragEnd = i;
            shade();
        }
    });
    const finish = () => {
        if (dragStart === null) return;
        const first = Math.min(dragStart, dragEnd);
        const last = Math.max(dragStart, dragEnd);
        dragStart = null;
        dragEnd = null;
        shade();
        if (buckets[first] && buckets[last]) onSelect(buckets[first].lowerMs, buckets[last].upperMs);
    };
    root.addEventListener('mouseup', finish);
    root.addEventListener('mouseleave', finish);
    root.addEventListener('keydown', (event) => {
        const bar = event.target instanceof Element ? event.target.closest('[data-bucket]') : null;
        if (bar && (event.key === 'Enter' || event.key === ' ')) {
            event.preventDefault();
            const bucket = buckets[Number(bar.dataset.bucket)];
            onSelect(bucket.lowerMs, bucket.upperMs);
        }
    });

    function draw(answer, { minMs = null, maxMs = null } = {}) {
        buckets = answer?.histogram ?? [];
        root.replaceChildren();
        if (!buckets.length) {
            return;
        }
        const plotWidth = WIDTH - PAD.left - PAD.right;
        const plotHeight = HEIGHT - PAD.top - PAD.bottom;
        const step = plotWidth / buckets.length;
        const highest = Math.max(1, ...buckets.map((b) => b.count));
        // A square-root scale keeps a long tail of single slow traces visible next to a tall mode.
        const heightOf = (count) => (count === 0 ? 0 : Math.max(2, Math.sqrt(count / highest) * plotHeight));
        root.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + plotHeight + 0.5, y2: PAD.top + plotHeight + 0.5, class: 'lat-baseline' }));
        buckets.forEach((bucket, i) => {
            const x = PAD.left + i * step;
            const h = heightOf(bucket.count);
            const selected = (minMs !== null || maxMs !== null) && overlaps(bucket, minMs ?? 0, maxMs ?? Infinity);
            const group = svg('g', {
                class: `lat-bucket${selected ? ' is-selected' : ''}`,
                dataset: { bucket: i, lower: bucket.lowerMs, upper: bucket.upperMs, count: bucket.count },
                tabindex: 0,
                role: 'button',
                'aria-label': `${bucket.count} traces from ${formatDuration(bucket.lowerMs)} to ${formatDuration(bucket.upperMs)}`,
            });
            // A full-height transparent hit area: thin buckets stay easy to click.
            group.append(
                svg('rect', { x, y: PAD.top, width: step, height: plotHeight, class: 'lat-hit' }),
                svg('rect', { x: x + 1, y: PAD.top + plotHeight - h, width: Math.max(1, step - 2), height: h, class: 'lat-bar', rx: 1.5 }),
                svg('title', {}, `${formatDuration(bucket.lowerMs)} – ${formatDuration(bucket.upperMs)}: ${bucket.count}`),
            );
            root.append(group);
        });
        const labelEvery = Math.max(1, Math.ceil(buckets.length / 6));
        buckets.forEach((bucket, i) => {
            if (i % labelEvery === 0) {
                root.append(svg('text', { x: PAD.left + i * step, y: HEIGHT - 8, class: 'lat-tick' }, formatDuration(bucket.lowerMs)));
            }
        });
        const last = buckets[buckets.length - 1];
        root.append(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 8, class: 'lat-tick lat-tick-end' }, formatDuration(last.upperMs)));

        // Labels are staggered so equal percentiles (a single trace, a narrow distribution) stay readable.
        for (const [row, key] of ['p50', 'p95', 'p99'].entries()) {
            const value = answer.percentiles?.[key];
            const i = buckets.findIndex((b) => value >= b.lowerMs && value <= b.upperMs);
            if (value === null || value === undefined || i < 0) continue;
            const bucket = buckets[i];
            // Place the marker inside its bucket on the log scale the buckets are spaced on.
            const within = bucket.upperMs > bucket.lowerMs && bucket.lowerMs > 0
                ? Math.log(value / bucket.lowerMs) / Math.log(bucket.upperMs / bucket.lowerMs)
                : 0.5;
            const x = PAD.left + (i + Math.min(1, Math.max(0, within))) * step;
            root.append(
                svg('line', { x1: x, x2: x, y1: PAD.top - 4, y2: PAD.top + plotHeight, class: `lat-marker lat-marker-${key}` }),
                svg('text', { x: x + 3, y: PAD.top + 4 + row * 11, class: 'lat-marker-label' }, key),
            );
        }
    }

    return { draw };
}

/**
 * Whether a bucket is inside the chosen range [min, max]. Ranges that merely touch at an edge do not count, except
 * where one of them is a single value (one distinct duration gives a bucket with lowerMs = upperMs).
 */
function overlaps(bucket, min, max) {
    if (bucket.lowerMs === bucket.upperMs) return bucket.lowerMs >= min && bucket.lowerMs <= max;
    if (min === max) return min >= bucket.lowerMs && min < bucket.upperMs;
    return bucket.lowerMs < max && bucket.upperMs > min;
}
