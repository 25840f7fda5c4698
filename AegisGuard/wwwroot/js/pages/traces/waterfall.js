/**
 * The waterfall of one trace: a row per span, nested by parent (indent = depth), bars on the trace's time axis
 * (offsetMs / durationMs of /api/traces/{id}), subtrees collapsible. Rows are virtualised: only the rows in view (plus
 * a margin) exist in the DOM, absolutely placed over a spacer as tall as all visible rows, so a 5,000-span trace
 * scrolls like a 50-span one. The spans must come in display order (depth-first, as the API answers), which makes a
 * subtree the run of following spans deeper than its root.
 *
 *   const wf = waterfall({ viewport, spacer, axis, spans, durationMs, onSelect: (span) => …, onRows: (shown, total) => … });
 *   wf.collapseAll(); wf.expandAll(); wf.toggle(spanId); wf.select(spanId);
 *
 * Each row is .wf-row[data-span-id][data-depth] with role=treeitem and aria-expanded for spans with children.
 * Keyboard: ↑/↓ move the selection, ← collapses (or goes to the parent), → expands, Enter opens the span panel.
 */

import { el, formatDuration, serviceColor } from './format.js';

export const ROW_HEIGHT = 28;
const OVERSCAN = 12;
const INDENT = 14;

export function waterfall({ viewport, spacer, axis, spans, durationMs, onSelect, onRows }) {
    const total = spans.length;
    const subtreeEnd = new Int32Array(total);
    const parentIndex = new Int32Array(total).fill(-1);
    const stack = [];
    spans.forEach((span, i) => {
        while (stack.length && spans[stack[stack.length - 1]].depth >= span.depth) {
            subtreeEnd[stack.pop()] = i;
        }
        if (stack.length && span.depth > 0) parentIndex[i] = stack[stack.length - 1];
        stack.push(i);
    });
    while (stack.length) subtreeEnd[stack.pop()] = total;
    const indexOf = new Map(spans.map((span, i) => [span.spanId, i]));
    const hasChildren = (i) => subtreeEnd[i] > i + 1;

    const collapsed = new Set();
    let visible = [];
    let selected = -1;
    let frame = 0;
    const layer = el('div', { class: 'wf-rows' });
    spacer.replaceChildren(layer);
    const scale = Math.max(durationMs, 1e-6);

    drawAxis(axis, durationMs);

    function computeVisible() {
        visible = [];
        for (let i = 0; i < total;) {
            visible.push(i);
            i = collapsed.has(i) ? subtreeEnd[i] : i + 1;
        }
        spacer.style.height = `${visible.length * ROW_HEIGHT}px`;
        onRows?.(visible.length, total);
    }

    function render() {
        frame = 0;
        const top = viewport.scrollTop;
        const height = viewport.clientHeight || 600;
        const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
        const last = Math.min(visible.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
        const rows = [];
        for (let k = first; k < last; k++) rows.push(row(visible[k], k));
        layer.replaceChildren(...rows);
    }

    function schedule() {
        if (!frame) frame = requestAnimationFrame(render);
    }

    function row(i, position) {
        const span = spans[i];
        const classes = ['wf-row'];
        if (span.status === 'error') classes.push('is-error');
        if (span.criticalPath) classes.push('is-critical');
        if (i === selected) classes.push('is-selected');
        const open = hasChildren(i) && !collapsed.has(i);
        const item = el('div', {
            class: classes.join(' '),
            role: 'treeitem',
            'aria-level': span.depth + 1,
            'aria-expanded': hasChildren(i) ? String(open) : null,
            'aria-selected': String(i === selected),
            dataset: { spanId: span.spanId, depth: span.depth, index: i },
        });
        item.style.transform = `translateY(${position * ROW_HEIGHT}px)`;

        const name = el('div', { class: 'wf-name' });
        name.style.paddingLeft = `${6 + span.depth * INDENT}px`;
        if (hasChildren(i)) {
            const toggle = el('button', {
                type: 'button', class: 'wf-toggle', 'aria-label': `${open ? 'Collapse' : 'Expand'} ${span.name}`, dataset: { toggle: '' },
                title: `${open ? 'Collapse' : 'Expand'} ${subtreeEnd[i] - i - 1} span${subtreeEnd[i] - i - 1 === 1 ? '' : 's'} below`,
            }, open ? '▾' : '▸');
            name.append(toggle);
        } else {
            name.append(el('span', { class: 'wf-toggle-space', 'aria-hidden': 'true' }));
        }
        const dot = el('span', { class: 'svc-dot', 'aria-hidden': 'true' });
        dot.style.backgroundColor = serviceColor(span.service);
        name.append(dot, el('span', { class: 'wf-service' }, span.service), el('span', { class: 'wf-op' }, span.name));
        if (!open && hasChildren(i)) name.append(el('span', { class: 'wf-hidden-count' }, `+${subtreeEnd[i] - i - 1}`));
        if (span.status === 'error') name.append(el('span', { class: 'wf-flag wf-flag-error', title: span.statusMessage ?? 'error' }, 'error'));
        if (span.orphan) name.append(el('span', { class: 'wf-flag wf-flag-orphan', title: `Parent span ${span.parentSpanId} is not in this trace` }, 'orphan'));
        if (span.outsideParent) name.append(el('span', { class: 'wf-flag wf-flag-skew', title: 'Starts before or ends after its parent: clocks of the two hosts disagree' }, 'clock skew'));
        if (span.duplicateCount > 0) name.append(el('span', { class: 'wf-flag', title: `${span.duplicateCount} more cop${span.duplicateCount === 1 ? 'y' : 'ies'} of this span id were dropped` }, `×${span.duplicateCount + 1}`));

        const timeline = el('div', { class: 'wf-timeline' });
        const bar = el('span', { class: 'wf-bar' });
        const left = Math.min(100, Math.max(0, (span.offsetMs / scale) * 100));
        const width = Math.max(0, Math.min(100 - left, (span.durationMs / scale) * 100));
        bar.style.left = `${left}%`;
        bar.style.width = `max(2px, ${width}%)`;
        bar.style.backgroundColor = serviceColor(span.service);
        const label = el('span', { class: 'wf-duration' }, formatDuration(span.durationMs));
        // The label sits right of the bar, or left of it when the bar reaches the end of the axis.
        if (left + width > 80) {
            label.classList.add('is-left');
            label.style.right = `${100 - left}%`;
        } else {
            label.style.left = `${left + width}%`;
        }
        timeline.append(bar, label);
        item.append(name, timeline);
        return item;
    }

    function toggleAt(i, open = collapsed.has(i)) {
        if (!hasChildren(i)) return;
        if (open) collapsed.delete(i);
        else collapsed.add(i);
        computeVisible();
        render();
    }

    function selectAt(i, { notify = true, reveal = false } = {}) {
        if (i < 0 || i >= total) return;
        if (reveal) {
            // Open every collapsed ancestor so the selected row can be shown.
            for (let p = parentIndex[i]; p >= 0; p = parentIndex[p]) collapsed.delete(p);
            computeVisible();
        }
        selected = i;
        const position = visible.indexOf(i);
        if (position >= 0) {
            const top = position * ROW_HEIGHT;
            if (top < viewport.scrollTop) viewport.scrollTop = top;
            else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
        }
        render();
        if (notify) onSelect?.(spans[i]);
    }

    viewport.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    viewport.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target : null;
        const rowElement = target?.closest('.wf-row');
        if (!rowElement) return;
        const i = Number(rowElement.dataset.index);
        if (target.closest('[data-toggle]')) {
            toggleAt(i);
            return;
        }
        selectAt(i);
    });
    viewport.addEventListener('keydown', (event) => {
        const position = visible.indexOf(selected);
        const move = (delta) => {
            const next = visible[Math.min(visible.length - 1, Math.max(0, (position < 0 ? -1 : position) + delta))];
            if (next !== undefined) selectAt(next);
        };
        if (event.key === 'ArrowDown') move(1);
        else if (event.key === 'ArrowUp') move(-1);
        else if (event.key === 'ArrowLeft' && selected >= 0) {
            if (hasChildren(selected) && !collapsed.has(selected)) toggleAt(selected, false);
            else if (parentIndex[selected] >= 0) selectAt(parentIndex[selected]);
        } else if (event.key === 'ArrowRight' && selected >= 0) {
            if (collapsed.has(selected)) toggleAt(selected, true);
        } else if (event.key === 'Enter' && selected >= 0) onSelect?.(spans[selected]);
        else return;
        event.preventDefault();
    });

    computeVisible();
    render();

    return {
        expandAll() {
            collapsed.clear();
            computeVisible();
            render();
        },
        collapseAll() {
            for (let i = 0; i < total; i++) if (hasChildren(i)) collapsed.add(i);
            computeVisible();
            viewport.scrollTop = 0;
            render();
        },
        toggle(spanId) {
            const i = indexOf.get(spanId);
            if (i !== undefined) toggleAt(i);
        },
        select(spanId, options) {
            const i = indexOf.get(spanId);
            if (i !== undefined) selectAt(i, { reveal: true, ...options });
        },
        clearSelection() {
            selected = -1;
            render();
        },
    };
}

function drawAxis(axis, durationMs) {
    axis.replaceChildren();
    const ticks = 5;
    for (let k = 0; k < ticks; k++) {
        const fraction = k / (ticks - 1);
        const tick = el('span', { class: `wf-tick${k === ticks - 1 ? ' is-last' : ''}` }, formatDuration(durationMs * fraction));
        tick.style.left = `${fraction * 100}%`;
        axis.append(tick);
    }
}
