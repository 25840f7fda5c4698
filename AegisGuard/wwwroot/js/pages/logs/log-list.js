/**
 * The result list of the Logs page: newest first, one row per line (time, level, service, message), coloured by
 * level, each row expandable into the full message, trace correlation and a JSON viewer of every field with
 * copy / filter / exclude actions.
 *
 * Smooth with thousands of lines: rows are created in chunks of CHUNK only as the end of the list scrolls into view
 * (an IntersectionObserver on a sentinel); when every fetched line is on screen the owner is asked for the next page
 * (`onNeedMore`, which fetches with next_cursor). Rows also use `content-visibility: auto` (logs.css), so the ones
 * off screen cost no layout. Details are built on first expansion only.
 *
 * A message that is a JSON object with a `msg` or `message` string is shown as that text, its other fields as
 * key=value chips after it (as Datadog does); the detail panel keeps the raw message. Fields can be added as columns
 * (`setColumns`, the JSON viewer's "Column" action calls `onAddColumn(name)`); a column's value is looked up in the
 * line's own fields, then the JSON message's, then the attributes (dotted names reach nested values).
 *
 *   const list = logList({ list, sentinel, moreButton, endNote, onNeedMore, onFilter, onTraceLogs, onAddColumn });
 *   list.reset(lines, { hasMore, terms })    list.append(lines, hasMore)    list.prepend(lines) → added
 *   list.cap(max) → dropped                  list.newest()                  list.count
 *   list.setColumns(names)                   list.setUtc(bool)              list.fieldNames() → names seen
 */
import { renderJson } from '../../json-viewer.js';
import { copyText, flashDone } from '../../clipboard.js';

export const CHUNK = 100;

const TIME_PARTS = { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23' };
const localFormat = new Intl.DateTimeFormat(undefined, TIME_PARTS);
const utcFormat = new Intl.DateTimeFormat(undefined, { ...TIME_PARTS, timeZone: 'UTC' });
const INLINE_FIELDS = 8;

/** A JSON message's display: the text of msg/message and the other fields, or null for any other message. */
export function messageParts(message) {
    const parsed = parseObject(message);
    if (!parsed) {
        return null;
    }
    const key = typeof parsed.msg === 'string' ? 'msg' : typeof parsed.message === 'string' ? 'message' : null;
    if (!key) {
        return null;
    }
    const fields = Object.entries(parsed).filter(([name]) => name !== key);
    return { text: parsed[key], fields, object: parsed };
}

/** The value of field `name` of a line for a column: the line's own fields, the JSON message's, then the attributes. */
export function fieldValue(line, name) {
    if (['service', 'level', 'host', 'trace_id', 'span_id'].includes(name)) {
        return line[name] ?? undefined;
    }
    const fromMessage = lookup(parseObject(line.message), name);
    return fromMessage !== undefined ? fromMessage : lookup(line.attributes, name);
}

function lookup(object, name) {
    if (!object || typeof object !== 'object') {
        return undefined;
    }
    if (Object.hasOwn(object, name)) {
        return object[name];
    }
    let value = object;
    for (const part of name.split('.')) {
        if (!value || typeof value !== 'object' || !Object.hasOwn(value, part)) {
            return undefined;
        }
        value = value[part];
    }
    return value;
}

function display(value) {
    if (value === undefined) return '';
    if (value === null) return 'null';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Epoch ms of an API timestamp (ISO 8601 with up to 7 fraction digits). */
export function timeOf(line) {
    const iso = String(line.timestamp ?? '').replace(/(\.\d{3})\d+/, '$1');
    return Date.parse(iso);
}

export function logList({ list, sentinel, moreButton, endNote, onNeedMore, onFilter, onTraceLogs, onAddColumn = null }) {
    let lines = [];
    let columns = [];
    let utc = false;
    let ids = new Set();
    let rendered = 0;
    let hasMore = false;
    let loading = false;
    let capped = false;
    let terms = [];

    const observer = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
            more();
        }
    }, { rootMargin: '600px 0px' });
    observer.observe(sentinel);
    moreButton.addEventListener('click', () => more(true));

    list.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target : null;
        if (!target || target.closest('a, .log-detail')) {
            return;
        }
        const row = target.closest('.log-row');
        if (row && (target.closest('.log-toggle') || target.closest('.log-summary')) && !hasSelection(row)) {
            toggle(row);
        }
    });

    /** Renders the next chunk, or asks for the next page when every fetched line is shown. */
    async function more(explicit = false) {
        if (rendered < lines.length) {
            renderChunk();
            return;
        }
        if (!hasMore || loading || capped || (!explicit && !isNearView(sentinel))) {
            return;
        }
        loading = true;
        moreButton.disabled = true;
        moreButton.textContent = 'Loading…';
        try {
            await onNeedMore();
        } finally {
            loading = false;
            moreButton.disabled = false;
            moreButton.textContent = 'Load more';
            footer();
        }
    }

    function renderChunk() {
        const fragment = document.createDocumentFragment();
        const until = Math.min(lines.length, rendered + CHUNK);
        for (let i = rendered; i < until; i++) {
            fragment.append(row(lines[i]));
        }
        list.append(fragment);
        rendered = until;
        footer();
        // Still room on screen (a tall window, a short chunk)? Keep filling after this frame.
        if (rendered < lines.length || hasMore) {
            requestAnimationFrame(() => {
                if (isNearView(sentinel)) {
                    more();
                }
            });
        }
    }

    function footer() {
        moreButton.hidden = !(hasMore && !capped) && rendered >= lines.length;
        endNote.hidden = lines.length === 0 || hasMore || rendered < lines.length;
        endNote.textContent = capped
            ? `Live tail keeps the newest ${lines.length.toLocaleString('en-US')} lines`
            : 'End of results';
    }

    function row(line) {
        const item = document.createElement('li');
        item.className = 'log-row';
        item.dataset.id = line.id;
        item.dataset.level = line.level;
        item.$line = line;

        const summary = document.createElement('div');
        summary.className = 'log-summary';

        const toggleButton = document.createElement('button');
        toggleButton.type = 'button';
        toggleButton.className = 'log-toggle';
        toggleButton.setAttribute('aria-expanded', 'false');
        toggleButton.setAttribute('aria-label', 'Show details');

        const ms = timeOf(line);
        const time = document.createElement('time');
        time.className = 'log-time';
        time.dateTime = line.timestamp;
        time.title = Number.isFinite(ms) ? new Date(ms).toISOString() : line.timestamp;
        time.textContent = Number.isFinite(ms) ? (utc ? utcFormat : localFormat).format(ms) : line.timestamp;

        const level = text('span', 'log-level', line.level);
        const service = text('span', 'log-service', line.service);
        service.title = line.host ? `${line.service} on ${line.host}` : line.service;
        const extra = columnCells(line);
        const message = document.createElement('span');
        message.className = 'log-message';
        const parts = messageParts(line.message);
        highlight(message, parts ? parts.text : line.message, terms);
        const body = document.createElement('span');
        body.className = 'log-body';
        body.append(message);
        if (parts && parts.fields.length) {
            const fields = document.createElement('span');
            fields.className = 'log-fields';
            for (const [name, value] of parts.fields.slice(0, INLINE_FIELDS)) {
                const chip = document.createElement('span');
                chip.className = 'log-field';
                chip.dataset.field = name;
                chip.append(text('span', 'log-field-name', name), '=', text('span', 'log-field-value', display(value)));
                fields.append(chip);
            }
            if (parts.fields.length > INLINE_FIELDS) {
                fields.append(text('span', 'log-field log-field-more', `+${parts.fields.length - INLINE_FIELDS}`));
            }
            body.append(fields);
        }

        summary.append(toggleButton, time, level, service, ...extra, body);
        if (line.trace_id) {
            const chip = document.createElement('a');
            chip.className = 'log-trace-chip';
            chip.href = traceHref(line.trace_id);
            chip.textContent = 'trace';
            chip.title = `Trace ${line.trace_id}`;
            summary.append(chip);
        }
        item.append(summary);
        return item;
    }

    function columnCells(line) {
        return columns.map((name) => {
            const value = display(fieldValue(line, name));
            const cell = text('span', 'log-column', value);
            cell.dataset.column = name;
            cell.title = `${name}: ${value || '(not set)'}`;
            return cell;
        });
    }

    function toggle(item) {
        const button = item.querySelector('.log-toggle');
        const open = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', String(open));
        button.setAttribute('aria-label', open ? 'Hide details' : 'Show details');
        item.classList.toggle('is-expanded', open);
        let detail = item.querySelector(':scope > .log-detail');
        if (open && !detail) {
            detail = details(item.$line);
            item.append(detail);
        }
        if (detail) {
            detail.hidden = !open;
        }
    }

    function details(line) {
        const panel = document.createElement('div');
        panel.className = 'log-detail';

        const actions = document.createElement('div');
        actions.className = 'log-detail-actions';
        actions.append(
            actionButton('Copy message', async (button) => flashDone(button, (await copyText(line.message)) ? 'Copied' : 'Press Ctrl+C')),
            actionButton('Copy as JSON', async (button) => flashDone(button, (await copyText(JSON.stringify(line, null, 2))) ? 'Copied' : 'Press Ctrl+C')),
        );
        if (line.trace_id) {
            const link = document.createElement('a');
            link.className = 'btn btn-secondary btn-sm log-trace-link';
            link.href = traceHref(line.trace_id);
            link.dataset.traceLink = '';
            link.append('View trace ', text('code', null, line.trace_id));
            actions.append(link, actionButton('Show logs of this trace', () => onTraceLogs(line.trace_id), 'log-trace-logs'));
        }
        panel.append(actions);

        const message = document.createElement('pre');
        message.className = 'log-detail-message';
        highlight(message, line.message, terms);
        panel.append(message);

        const viewer = document.createElement('div');
        viewer.className = 'log-detail-fields';
        panel.append(viewer);
        renderJson(viewer, document_(line), {
            expandDepth: 2,
            actions: [
                { label: 'Filter', title: 'Filter by this value', onClick: (path, value) => onFilter(path, value, false, line) },
                { label: 'Exclude', title: 'Exclude this value', onClick: (path, value) => onFilter(path, value, true, line) },
                ...(onAddColumn ? [{ label: 'Column', title: 'Show this field as a column', onClick: (path) => onAddColumn(columnName(path)) }] : []),
            ],
        });
        return panel;
    }

    function actionButton(label, onClick, extraClass) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `btn btn-ghost btn-sm${extraClass ? ` ${extraClass}` : ''}`;
        button.textContent = label;
        button.addEventListener('click', () => onClick(button));
        return button;
    }

    function firstRowOnScreen() {
        for (const item of list.children) {
            if (item.getBoundingClientRect().bottom > 0) {
                return item;
            }
        }
        return null;
    }

    function clearRows() {
        list.replaceChildren();
        rendered = 0;
    }

    return {
        get count() {
            return lines.length;
        },
        get hasMore() {
            return hasMore && !capped;
        },
        /** Replaces every line (a new query or range). */
        reset(newLines, options = {}) {
            lines = [...newLines];
            ids = new Set(lines.map((l) => l.id));
            hasMore = Boolean(options.hasMore);
            terms = options.terms ?? [];
            capped = false;
            clearRows();
            renderChunk();
        },
        /** Adds an older page below. */
        append(older, more) {
            for (const line of older) {
                if (!ids.has(line.id)) {
                    ids.add(line.id);
                    lines.push(line);
                }
            }
            hasMore = Boolean(more);
            renderChunk();
        },
        /**
         * Adds newer lines on top (newest first), keeping what the reader looks at in place when they have scrolled
         * into the list. Returns how many were new.
         */
        prepend(newer) {
            const fresh = newer.filter((line) => !ids.has(line.id));
            if (fresh.length === 0) {
                return 0;
            }
            // The first row on screen is the reader's place: measured before and after, the difference is scrolled
            // away (logs.css turns the browser's own scroll anchoring off, so this is the only correction).
            const scroller = document.scrollingElement;
            const anchor = list.getBoundingClientRect().top < 0 ? firstRowOnScreen() : null;
            const before = anchor?.getBoundingClientRect().top ?? 0;
            fresh.forEach((line) => ids.add(line.id));
            lines = [...fresh, ...lines];
            const fragment = document.createDocumentFragment();
            fresh.forEach((line) => fragment.append(row(line)));
            list.prepend(fragment);
            rendered += fresh.length;
            for (const item of list.querySelectorAll(':scope > .log-row.is-new')) {
                item.classList.remove('is-new');
            }
            fresh.forEach((_, i) => list.children[i]?.classList.add('is-new'));
            if (anchor && scroller) {
                scroller.scrollTop += anchor.getBoundingClientRect().top - before;
            }
            footer();
            return fresh.length;
        },
        /** Keeps at most `max` lines (the newest); the oldest rows leave the DOM. Returns how many were dropped. */
        cap(max) {
            if (lines.length <= max) {
                return 0;
            }
            const dropped = lines.splice(max);
            dropped.forEach((line) => ids.delete(line.id));
            while (list.children.length > max) {
                list.lastElementChild.remove();
            }
            rendered = Math.min(rendered, lines.length);
            capped = true;
            footer();
            return dropped.length;
        },
        /** The newest line shown (null when none). */
        newest() {
            return lines[0] ?? null;
        },
        setTerms(newTerms) {
            terms = newTerms;
        },
        /** Shows these fields as extra columns (re-renders the rows on screen). */
        setColumns(names) {
            columns = [...names];
            rerender();
        },
        /** Times in UTC (true) or the browser's zone. */
        setUtc(on) {
            utc = Boolean(on);
            for (const time of list.querySelectorAll('time.log-time')) {
                const ms = timeOf({ timestamp: time.dateTime });
                if (Number.isFinite(ms)) {
                    time.textContent = (utc ? utcFormat : localFormat).format(ms);
                }
            }
        },
        /** Field names of the JSON and logfmt messages fetched (for autocompletion after | json or | logfmt). */
        fieldNames() {
            const names = new Set();
            for (const line of lines.slice(0, 500)) {
                const parsed = parseObject(line.message);
                if (parsed) {
                    Object.keys(parsed).forEach((key) => names.add(key.replace(/[^A-Za-z0-9_]/g, '_')));
                } else if (typeof line.message === 'string') {
                    for (const match of line.message.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) {
                        names.add(match[1]);
                    }
                }
            }
            return [...names].sort();
        },
    };

    /** New column cells in the rows on screen, in place: an expanded row stays expanded. */
    function rerender() {
        for (const item of list.children) {
            const summary = item.querySelector(':scope > .log-summary');
            summary.querySelectorAll(':scope > .log-column').forEach((cell) => cell.remove());
            summary.querySelector(':scope > .log-body').before(...columnCells(item.$line));
        }
    }
}

/** The column name of a JSON viewer path: attributes.x and message.x are named x (dotted when nested). */
function columnName(path) {
    const [head, ...rest] = path;
    if ((head === 'attributes' || head === 'message') && rest.length) {
        return rest.map(String).join('.');
    }
    return path.map(String).join('.');
}

/** The trace view of a trace id. */
export function traceHref(traceId) {
    return `/traces/${encodeURIComponent(traceId)}`;
}

/**
 * What the JSON viewer of a line shows: the line's fields, its attributes, and — when the message is a JSON object —
 * the message's fields under "message" (the paths the Logs page turns into `| json` filters).
 */
function document_(line) {
    const doc = { timestamp: line.timestamp, service: line.service, level: line.level };
    if (line.host) doc.host = line.host;
    if (line.trace_id) doc.trace_id = line.trace_id;
    if (line.span_id) doc.span_id = line.span_id;
    doc.attributes = line.attributes ?? {};
    const parsed = parseObject(line.message);
    if (parsed) {
        doc.message = parsed;
    }
    doc.received_at = line.received_at;
    doc.id = line.id;
    return doc;
}

function parseObject(message) {
    if (typeof message !== 'string' || !message.trimStart().startsWith('{')) {
        return null;
    }
    try {
        const value = JSON.parse(message);
        return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch {
        return null;
    }
}

/** Writes `value` into `element` with every occurrence of the `terms` marked (text nodes only, never markup). */
function highlight(element, value, terms) {
    const textValue = String(value ?? '');
    if (!terms.length || !textValue) {
        element.textContent = textValue;
        return;
    }
    const ranges = [];
    for (const term of terms) {
        const haystack = term.ignoreCase ? textValue.toLowerCase() : textValue;
        const needle = term.ignoreCase ? term.text.toLowerCase() : term.text;
        let from = 0;
        let at;
        while (needle && (at = haystack.indexOf(needle, from)) >= 0 && ranges.length < 50) {
            ranges.push([at, at + needle.length]);
            from = at + needle.length;
        }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    let cursor = 0;
    const parts = [];
    for (const [start, end] of ranges) {
        if (start < cursor) {
            continue;
        }
        parts.push(textValue.slice(cursor, start), text('mark', 'log-match', textValue.slice(start, end)));
        cursor = end;
    }
    parts.push(textValue.slice(cursor));
    element.replaceChildren(...parts);
}

function text(tag, className, value) {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    node.textContent = value ?? '';
    return node;
}

function hasSelection(row) {
    const selection = window.getSelection();
    return selection && !selection.isCollapsed && row.contains(selection.anchorNode);
}

function isNearView(element) {
    const box = element.getBoundingClientRect();
    return box.top < window.innerHeight + 600 && box.bottom > -600;
}

