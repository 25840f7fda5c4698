/**
 * A JSON viewer for log attributes and API answers: a tree with expand/collapse per object or array, "Expand all" /
 * "Collapse all", a copy button on every value and optional actions per value (the Logs page adds "Filter by this
 * value" / "Exclude this value"). No framework, text only through textContent.
 *
 *   import { renderJson } from '/js/json-viewer.js';
 *   renderJson(container, { service: 'api', http: { status: 502 } }, {
 *       expandDepth: 1,             // nested levels open at first below the root (default 1; 0: only the root)
 *       actions: [{ label: 'Filter', title: 'Filter by this value', onClick: (path, value) => … }],
 *   });
 *
 * Paths are given to actions as arrays of keys/indexes (['http', 'status']) and shown as http.status.
 */
import { copyText, flashDone } from './clipboard.js';

/** Renders `value` into `container` (replacing its content). Returns the root element. */
export function renderJson(container, value, { expandDepth = 1, actions = [], toolbar = true } = {}) {
    const root = document.createElement('div');
    root.className = 'json-viewer';
    if (toolbar && isContainer(value)) {
        root.append(toolbarFor(root));
    }
    const tree = document.createElement('ul');
    tree.className = 'json-tree';
    tree.append(node(null, value, [], 0, expandDepth, actions));
    root.append(tree);
    container.replaceChildren(root);
    return root;
}

/** Opens or closes every node under `root`. */
export function setAllExpanded(root, expanded) {
    for (const toggle of root.querySelectorAll('.json-toggle')) {
        setExpanded(toggle, expanded);
    }
}

/** The dotted form of a path: ['http','status'] → http.status, ['items',0,'id'] → items[0].id. */
export function formatPath(path) {
    return path.reduce((text, part) => typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : String(part), '');
}

function toolbarFor(root) {
    const bar = document.createElement('div');
    bar.className = 'json-toolbar';
    bar.append(
        button('Expand all', 'btn btn-ghost btn-sm', () => setAllExpanded(root, true)),
        button('Collapse all', 'btn btn-ghost btn-sm', () => setAllExpanded(root, false)),
    );
    return bar;
}

function node(key, value, path, depth, expandDepth, actions) {
    const item = document.createElement('li');
    const row = document.createElement('div');
    row.className = 'json-row';
    item.append(row);

    if (isContainer(value)) {
        const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
        const toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.className = 'json-toggle';
        if (key !== null) {
            toggle.append(keyLabel(key));
        }
        const summary = document.createElement('span');
        summary.className = 'json-summary';
        summary.textContent = Array.isArray(value)
            ? `[${entries.length} ${entries.length === 1 ? 'item' : 'items'}]`
            : `{${entries.length} ${entries.length === 1 ? 'key' : 'keys'}}`;
        toggle.append(summary);
        row.append(toggle, actionsFor(path, value, []));

        const children = document.createElement('ul');
        for (const [childKey, childValue] of entries) {
            children.append(node(childKey, childValue, [...path, childKey], depth + 1, expandDepth, actions));
        }
        item.append(children);
        toggle.addEventListener('click', () => setExpanded(toggle, toggle.getAttribute('aria-expanded') !== 'true'));
        setExpanded(toggle, depth <= expandDepth);
    } else {
        if (key !== null) {
            row.append(keyLabel(key));
        }
        row.append(scalar(value), actionsFor(path, value, actions));
    }
    return item;
}

function setExpanded(toggle, expanded) {
    toggle.setAttribute('aria-expanded', String(expanded));
    const children = toggle.closest('li')?.querySelector(':scope > ul');
    if (children) {
        children.hidden = !expanded;
    }
}

function keyLabel(key) {
    const label = document.createElement('span');
    label.className = 'json-key';
    label.textContent = typeof key === 'number' ? `${key}:` : `${key}:`;
    return label;
}

function scalar(value) {
    const span = document.createElement('span');
    if (value === null || value === undefined) {
        span.className = 'json-null';
        span.textContent = 'null';
    } else if (typeof value === 'string') {
        span.className = 'json-string';
        span.textContent = JSON.stringify(value);
    } else {
        span.className = `json-${typeof value}`;
        span.textContent = String(value);
    }
    return span;
}

function actionsFor(path, value, actions) {
    const group = document.createElement('span');
    group.className = 'json-actions';
    const copy = button('Copy', 'json-action', async () => {
        const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
        flashDone(copy, (await copyText(text)) ? 'Copied' : 'Press Ctrl+C');
    });
    copy.title = path.length ? `Copy the value of ${formatPath(path)}` : 'Copy the value';
    group.append(copy);
    for (const action of actions) {
        const extra = button(action.label, 'json-action', () => action.onClick(path, value));
        extra.title = action.title ?? action.label;
        group.append(extra);
    }
    return group;
}

function button(text, className, onClick) {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = className;
    element.textContent = text;
    element.addEventListener('click', (event) => {
        event.stopPropagation();
        onClick(event);
    });
    return element;
}

function isContainer(value) {
    return value !== null && typeof value === 'object';
}
