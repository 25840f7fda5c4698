/**
 * API keys page (Pages/Admin/ApiKeys.cshtml), over /api/keys:
 *
 * - the list comes from #keys-data (rendered by the server) and is re-read from GET /api/keys after every change;
 * - create (POST /api/keys) and rotate (POST /api/keys/{id}/rotate) answer with the secret, which is shown once in the
 *   secret panel together with a signed-ingestion curl command filled in for the key — it exists only in this page's
 *   memory and is gone when the panel is closed or the page is left;
 * - revoke (POST /api/keys/{id}/revoke) and rotate ask for a second click in the row before they act.
 *
 * Failures are shown with the problem banner; field errors of the create form also next to their fields.
 */
import { getJson, postJson } from '../api.js';
import { showProblem, clearProblem, toProblem } from '../problem-banner.js';

const banner = document.getElementById('keys-problem');
const status = document.querySelector('[data-keys-status]');
const rows = document.querySelector('[data-keys-rows]');
const table = document.querySelector('[data-keys-table]');
const list = document.querySelector('[data-keys-list]');
const empty = document.querySelector('[data-keys-empty]');
const count = document.querySelector('[data-keys-count]');
const form = document.querySelector('[data-create-key]');
const panel = document.querySelector('[data-key-secret]');
const grace = table.dataset.grace;

let keys = JSON.parse(document.getElementById('keys-data').textContent);
render();

form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors();
    clearProblem(banner);
    const name = form.elements.name.value.trim();
    const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((box) => box.value);
    if (!name) {
        // One message, next to the field: no request, so no second copy of it in the banner.
        showFieldErrors({ name: ['Give the key a name, e.g. the agent or service that will use it.'] });
        form.elements.name.focus();
        return;
    }
    const button = form.querySelector('[data-create-button]');
    button.disabled = true;
    try {
        const created = await postJson('/api/keys', { name, scopes });
        showSecret(created, { title: `Key “${created.name}” created` });
        form.reset();
        await reload();
    } catch (error) {
        // Field errors are said once, next to their fields; the banner only for what has no field here.
        const problem = toProblem(error);
        if (!showFieldErrors(problem.errors ?? {})) {
            showProblem(banner, error);
        }
    } finally {
        button.disabled = false;
    }
});

document.querySelector('[data-focus-create]')?.addEventListener('click', () => {
    window.setTimeout(() => form.elements.name.focus(), 0);
});

panel.querySelector('[data-secret-done]').addEventListener('click', hideSecret);

rows.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!target) {
        return;
    }
    const row = target.closest('tr');
    const key = keys.find((k) => k.id === row.dataset.key);
    if (!key) {
        return;
    }
    switch (target.dataset.action) {
        case 'ask-revoke':
            confirmIn(row, key, 'revoke');
            break;
        case 'ask-rotate':
            confirmIn(row, key, 'rotate');
            break;
        case 'cancel':
            render();
            break;
        case 'revoke':
            await act(target, async () => {
                await postJson(`/api/keys/${encodeURIComponent(key.id)}/revoke`);
                say(`Key “${key.name}” (${key.id}) is revoked: requests with it are refused from now on.`);
            });
            break;
        case 'rotate':
            await act(target, async () => {
                const rotated = await postJson(`/api/keys/${encodeURIComponent(key.id)}/rotate`);
                showSecret(rotated, { title: `Key “${rotated.name}” has a new secret`, previousUntil: rotated.previous_secret_valid_until });
            });
            break;
        default:
            break;
    }
});

async function act(button, work) {
    clearProblem(banner);
    button.disabled = true;
    try {
        await work();
    } catch (error) {
        showProblem(banner, error);
    }
    await reload();
}

async function reload() {
    try {
        keys = await getJson('/api/keys');
    } catch (error) {
        showProblem(banner, error);
    }
    render();
}

function render() {
    count.textContent = String(keys.length);
    list.hidden = keys.length === 0;
    empty.hidden = keys.length > 0;
    rows.replaceChildren(...keys.map(rowFor));
}

function rowFor(key) {
    const row = document.createElement('tr');
    row.dataset.key = key.id;
    if (key.revoked_at) {
        row.classList.add('is-revoked');
    }
    const id = document.createElement('span');
    id.className = 'key-id';
    id.append(text('code', key.id), copyButton(key.id));
    const scopes = cell(...key.scopes.map((scope) => text('span', scope, 'badge badge-scope')));
    scopes.className = 'key-scopes';
    row.append(
        cell(text('strong', key.name), key.created_by ? text('span', ` by ${key.created_by}`, 'muted small') : ''),
        cell(id),
        scopes,
        cell(timeText(key.created_at)),
        cell(key.last_used_at ? timeText(key.last_used_at) : text('span', 'never', 'muted')),
        cell(statusOf(key)),
        actionsOf(key),
    );
    return row;
}

function statusOf(key) {
    if (key.revoked_at) {
        const wrap = document.createElement('span');
        wrap.append(text('span', 'Revoked', 'status status-error'), ' ', timeText(key.revoked_at, 'muted'));
        return wrap;
    }
    if (key.previous_secret_valid_until && new Date(key.previous_secret_valid_until) > new Date()) {
        const wrap = document.createElement('span');
        wrap.append(text('span', 'Rotated', 'status status-warning'), ' ',
            text('span', `old secret works until ${clock(key.previous_secret_valid_until)}`, 'muted small'));
        return wrap;
    }
    return text('span', 'Active', 'status status-ok');
}

function actionsOf(key) {
    const actions = cell();
    actions.className = 'num nowrap';
    if (!key.revoked_at) {
        actions.append(
            button('Rotate…', 'btn btn-ghost btn-sm', 'ask-rotate', `Give ${key.name} a new secret`),
            button('Revoke…', 'btn btn-ghost btn-sm btn-ghost-danger', 'ask-revoke', `Revoke ${key.name}`),
        );
    }
    return actions;
}

function confirmIn(row, key, action) {
    render();
    const target = rows.querySelector(`tr[data-key="${CSS.escape(key.id)}"]`) ?? row;
    const actions = target.lastElementChild;
    const question = action === 'revoke'
        ? 'Refuse this key from now on? This cannot be undone.'
        : `New secret now; the old one keeps working for ${grace}.`;
    actions.replaceChildren(
        text('span', question, 'confirm-question'),
        button(action === 'revoke' ? 'Revoke key' : 'Rotate secret', action === 'revoke' ? 'btn btn-danger btn-sm' : 'btn btn-primary btn-sm', action),
        button('Cancel', 'btn btn-ghost btn-sm', 'cancel'),
    );
    actions.querySelector(`[data-action="${action}"]`).focus();
}

function showSecret(key, { title, previousUntil = null }) {
    panel.querySelector('[data-secret-title]').textContent = title;
    panel.querySelector('[data-secret-subtitle]').textContent = `Scopes: ${key.scopes.join(', ')}`;
    panel.querySelector('[data-new-key-id]').textContent = key.id;
    panel.querySelector('[data-new-key-secret]').textContent = key.secret;
    const note = panel.querySelector('[data-rotation-note]');
    note.hidden = !previousUntil;
    note.textContent = previousUntil
        ? `The previous secret keeps working until ${clock(previousUntil)} (${grace}), so agents can switch to the new one without dropping data. After that only the new secret works.`
        : '';
    panel.querySelector('#new-key-send').textContent = fill(panel.dataset.sendTemplate, key);
    panel.querySelector('#new-key-read').textContent = fill(panel.dataset.readTemplate, key);
    panel.hidden = false;
    panel.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function hideSecret() {
    panel.hidden = true;
    panel.querySelector('[data-new-key-secret]').textContent = '';
    panel.querySelector('#new-key-send').textContent = '';
    panel.querySelector('#new-key-read').textContent = '';
}

/** The server's shell snippet with this key's id and secret in place of the placeholders. */
function fill(template, key) {
    return template
        .replace(/^KEY_ID='[^']*'.*$/m, `KEY_ID='${key.id}'`)
        .replace(/^ORG_SECRET='[^']*'.*$/m, `ORG_SECRET='${key.secret}'`)
        .replace(/\$KEY_ID\.\$ORG_SECRET/, `${key.id}.${key.secret}`);
}

function say(message) {
    const body = text('div', '', 'alert-body');
    body.append(text('p', message, 'alert-title'));
    status.replaceChildren(icon('success', 'alert-icon'), body);
    status.hidden = false;
}

/** Shows each error next to its field; true when there was at least one and every one had a place. */
function showFieldErrors(errors) {
    const entries = Object.entries(errors);
    let placed = 0;
    for (const [field, messages] of entries) {
        const place = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
        if (place) {
            place.textContent = (Array.isArray(messages) ? messages : [messages]).join(' ');
            place.hidden = false;
            placed++;
        }
    }
    return entries.length > 0 && placed === entries.length;
}

function clearFieldErrors() {
    for (const place of form.querySelectorAll('[data-error-for]')) {
        place.hidden = true;
        place.textContent = '';
    }
}

function cell(...children) {
    const td = document.createElement('td');
    td.append(...children);
    return td;
}

function text(tag, value, className) {
    const node = document.createElement(tag);
    node.textContent = value;
    if (className) {
        node.className = className;
    }
    return node;
}

function button(label, className, action, title) {
    const node = text('button', label, className);
    node.type = 'button';
    node.dataset.action = action;
    if (title) {
        node.setAttribute('aria-label', title);
    }
    return node;
}

/** The same button as the <copy-button> tag helper, icon only; site.js copies data-copy-text on click. */
function copyButton(value) {
    const label = text('span', 'Copy', 'visually-hidden');
    label.dataset.copyLabel = '';
    const node = text('button', '', 'btn btn-ghost btn-sm copy-button');
    node.type = 'button';
    node.dataset.copyText = value;
    node.title = 'Copy the key id';
    node.append(icon('copy'), label);
    return node;
}

/** An icon of the sprite in Pages/Shared/_Icons.cshtml. */
function icon(name, extraClass) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', extraClass ? `icon ${extraClass}` : 'icon');
    svg.setAttribute('aria-hidden', 'true');
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', `#i-${name}`);
    svg.append(use);
    return svg;
}

/** A <time> showing "5 min ago", with the exact UTC time as its title. */
function timeText(iso, className) {
    const node = text('time', ago(new Date(iso)), className);
    node.dateTime = iso;
    node.title = new Date(iso).toISOString();
    return node;
}

function ago(date) {
    const seconds = Math.round((Date.now() - date.getTime()) / 1000);
    const span = Math.abs(seconds);
    const amount = span < 5 ? '' : span < 60 ? `${span} s` : span < 3600 ? `${Math.floor(span / 60)} min`
        : span < 86400 ? `${Math.floor(span / 3600)} h` : `${Math.floor(span / 86400)} d`;
    if (!amount) {
        return 'just now';
    }
    return seconds < 0 ? `in ${amount}` : `${amount} ago`;
}

function clock(iso) {
    return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
