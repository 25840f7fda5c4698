/**
 * A small SVG line of a series of [epoch ms, value] points (the shape of /api/services/{s}/red), for table cells.
 * Nulls break the line; the area under it is tinted. No axes: it shows a trend, the table cell next to it the figure.
 */

import { svg } from './format.js';

export function sparkline(points, { width = 120, height = 28, color = '#3e7bfa', label = '' } = {}) {
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'sparkline', role: 'img', 'aria-label': label, preserveAspectRatio: 'none' });
    const values = points.filter(([, v]) => v !== null && Number.isFinite(v));
    if (points.length < 2 || values.length === 0) {
        return root;
    }
    const first = points[0][0];
    const last = points[points.length - 1][0];
    const highest = Math.max(...values.map(([, v]) => v), 0);
    const x = (t) => (last === first ? 0 : ((t - first) / (last - first)) * width);
    const y = (v) => (highest === 0 ? height - 1 : height - 1 - (v / highest) * (height - 3));
    let line = '';
    let open = false;
    for (const [t, v] of points) {
        if (v === null || !Number.isFinite(v)) {
            open = false;
            continue;
        }
        line += `${open ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        open = true;
    }
    const area = `${line}L${width},${height}L0,${height}Z`;
    const fill = svg('path', { d: area, class: 'sparkline-area' });
    const stroke = svg('path', { d: line, class: 'sparkline-line' });
    fill.style.fill = color;
    stroke.style.stroke = color;
    root.append(fill, stroke);
    root.dataset.points = String(points.length);
    return root;
}
