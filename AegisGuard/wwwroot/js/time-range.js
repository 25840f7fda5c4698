/**
 * The time-range picker rendered by <time-range-picker id="range" default="1h" /> (TimeRangePickerTagHelper):
 * preset buttons (their durations come from the markup's data-ms) and a custom from/to popover.
 *
 * The range lives in the URL so a view can be shared and reloaded: ?range=1h for a preset (always "the last hour",
 * recomputed at every read), or ?from=…&to=… (ISO 8601 UTC) for a fixed range. Other query parameters are kept.
 *
 *   import { initTimeRangePicker } from '/js/time-range.js';
 *   const picker = initTimeRangePicker(document.getElementById('range'), {
 *       onChange: ({ from, to, preset }) => reload(from, to),   // also fired as a 'timerangechange' event
 *   });
 *   picker.current();              // { from: Date, to: Date, preset: '1h' | null }
 *   picker.setRange(from, to);     // e.g. after a click-drag zoom on a chart → a fixed range
 *   picker.setPreset('24h');
 */

const ISO_SECONDS = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Wires the picker in `element`; returns its controller. `syncUrl: false` leaves the address bar alone. */
export function initTimeRangePicker(element, { onChange, syncUrl = true } = {}) {
    const presets = new Map([...element.querySelectorAll('[data-range][data-ms]')]
        .map((button) => [button.dataset.range, Number(button.dataset.ms)]));
    const customButton = element.querySelector('[data-range="custom"]');
    const panel = element.querySelector('[data-custom]');
    const fromInput = panel.querySelector('input[name="from"]');
    const toInput = panel.querySelector('input[name="to"]');
    const error = panel.querySelector('[data-error]');
    const label = element.querySelector('[data-label]');

    let state = readUrl(presets, element.dataset.default);

    function current() {
        if (state.preset) {
            const to = new Date();
            return { from: new Date(to.getTime() - presets.get(state.preset)), to, preset: state.preset };
        }
        return { from: new Date(state.from), to: new Date(state.to), preset: null };
    }

    function render() {
        for (const button of element.querySelectorAll('[data-range]')) {
            const pressed = state.preset ? button.dataset.range === state.preset : button.dataset.range === 'custom';
            button.setAttribute('aria-pressed', String(pressed));
        }
        const range = current();
        label.textContent = state.preset
            ? element.querySelector(`[data-range="${state.preset}"]`)?.title ?? state.preset
            : `${formatLocal(range.from)} → ${formatLocal(range.to)}`;
    }

    function commit() {
        if (syncUrl) {
            writeUrl(state);
        }
        render();
        const detail = current();
        onChange?.(detail);
        element.dispatchEvent(new CustomEvent('timerangechange', { detail, bubbles: true }));
    }

    function openCustom(open) {
        panel.hidden = !open;
        customButton.setAttribute('aria-expanded', String(open));
        if (open) {
            const range = current();
            fromInput.value = toLocalInput(range.from);
            toInput.value = toLocalInput(range.to);
            error.hidden = true;
            fromInput.focus();
        }
    }

    element.addEventListener('click', (event) => {
        const button = event.target instanceof Element ? event.target.closest('[data-range]') : null;
        if (button?.dataset.range === 'custom') {
            openCustom(panel.hidden);
        } else if (button) {
            openCustom(false);
            state = { preset: button.dataset.range };
            commit();
        } else if (event.target instanceof Element && event.target.closest('[data-apply]')) {
            const from = fromLocalInput(fromInput.value);
            const to = fromLocalInput(toInput.value);
            if (!from || !to || from >= to) {
                error.textContent = !from || !to ? 'Enter both times.' : '"From" must be before "to".';
                error.hidden = false;
                return;
            }
            openCustom(false);
            state = { from: from.getTime(), to: to.getTime() };
            commit();
        }
    });
    document.addEventListener('click', (event) => {
        if (!panel.hidden && event.target instanceof Node && !element.contains(event.target)) {
            openCustom(false);
        }
    });
    element.addEventListener('keydown', (event) => {
        if (event.key === 'Escape' && !panel.hidden) {
            openCustom(false);
            customButton.focus();
        }
    });
    window.addEventListener('popstate', () => {
        state = readUrl(presets, element.dataset.default);
        render();
        const detail = current();
        onChange?.(detail);
        element.dispatchEvent(new CustomEvent('timerangechange', { detail, bubbles: true }));
    });

    render();
    const controller = {
        current,
        setRange(from, to) {
            state = { from: new Date(from).getTime(), to: new Date(to).getTime() };
            commit();
        },
        setPreset(key) {
            if (!presets.has(key)) {
                throw new Error(`unknown time-range preset ${key}`);
            }
            state = { preset: key };
            commit();
        },
    };
    element.timeRange = controller;
    return controller;
}

function readUrl(presets, fallback) {
    const params = new URLSearchParams(window.location.search);
    const range = params.get('range');
    if (range && presets.has(range)) {
        return { preset: range };
    }
    const from = Date.parse(params.get('from') ?? '');
    const to = Date.parse(params.get('to') ?? '');
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
        return { from, to };
    }
    return { preset: presets.has(fallback) ? fallback : presets.keys().next().value };
}

function writeUrl(state) {
    const url = new URL(window.location.href);
    url.searchParams.delete('range');
    url.searchParams.delete('from');
    url.searchParams.delete('to');
    if (state.preset) {
        url.searchParams.set('range', state.preset);
    } else {
        url.searchParams.set('from', ISO_SECONDS(new Date(state.from)));
        url.searchParams.set('to', ISO_SECONDS(new Date(state.to)));
    }
    if (url.href !== window.location.href) {
        window.history.pushState(null, '', url);
    }
}

const pad = (n) => String(n).padStart(2, '0');

/** A Date as the value of <input type="datetime-local"> (local time, seconds). */
function toLocalInput(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function fromLocalInput(value) {
    if (!value) {
        return null;
    }
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
}

function formatLocal(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
