/**
 * The "Views" menu of the Logs page: saved views from /api/views (the user's own and the org's shared ones), each
 * opened with a click, deleted with its Delete button (when the role has views.write: data-can-write on the menu), and
 * a form that saves the current query, range and columns under a name, private or shared with the org.
 *
 *   savedViews({ root, api: { get, post, put, del }, current: () => ({ query, range, from, to, columns }), onOpen });
 */
export function savedViews({ root, api, current, onOpen }) {
    const list = root.querySelector('#logs-views-list');
    const empty = root.querySelector('#logs-views-empty');
    const form = root.querySelector('#logs-view-form');
    const error = root.querySelector('#logs-view-error');
    const canWrite = root.dataset.canWrite === 'true';
    let views = [];

    root.addEventListener('toggle', () => {
        if (root.open) {
            load();
        }
    });

    list.addEventListener('click', async (event) => {
        const target = event.target instanceof Element ? event.target : null;
        const item = target?.closest('[data-view-id]');
        const view = views.find((v) => v.id === item?.dataset.viewId);
        if (!view) {
            return;
        }
        if (target.closest('[data-delete-view]')) {
            try {
                await api.del(`/api/views/${encodeURIComponent(view.id)}`);
                await load();
            } catch (problem) {
                showError(problem);
            }
            return;
        }
        if (target.closest('[data-open-view]')) {
            root.open = false;
            onOpen(view);
        }
    });

    form?.addEventListener('submit', async (event) => {
        event.preventDefault();
        const name = form.elements.name.value.trim();
        const body = { ...current(), name, shared: form.elements.shared.checked };
        // A view of the same name of one's own is replaced rather than duplicated.
        const existing = views.find((v) => v.name === name && v.mine);
        try {
            if (existing) {
                await api.put(`/api/views/${encodeURIComponent(existing.id)}`, body);
            } else {
                await api.post('/api/views', body);
            }
            form.reset();
            error.hidden = true;
            await load();
        } catch (problem) {
            showError(problem);
        }
    });

    async function load() {
        try {
            views = await api.get('/api/views');
        } catch (problem) {
            showError(problem);
            return;
        }
        list.replaceChildren(...views.map(item));
        empty.hidden = views.length > 0;
        root.dataset.views = String(views.length);
    }

    function item(view) {
        const li = document.createElement('li');
        li.className = 'logs-view';
        li.dataset.viewId = view.id;
        const open = document.createElement('button');
        open.type = 'button';
        open.className = 'menu-item logs-view-open';
        open.dataset.openView = '';
        const name = document.createElement('span');
        name.className = 'logs-view-name';
        name.textContent = view.name;
        const meta = document.createElement('span');
        meta.className = 'muted logs-view-meta';
        meta.textContent = `${view.range ? `last ${view.range}` : 'fixed range'}${view.shared ? ' · shared' : ' · private'}${view.mine ? '' : ` · by ${view.owner}`}`;
        open.append(name, meta);
        li.append(open);
        if (canWrite) {
            const remove = document.createElement('button');
            remove.type = 'button';
            remove.className = 'btn btn-ghost btn-sm logs-view-delete';
            remove.dataset.deleteView = '';
            remove.textContent = 'Delete';
            remove.setAttribute('aria-label', `Delete view ${view.name}`);
            li.append(remove);
        }
        return li;
    }

    function showError(problem) {
        const detail = problem?.problem?.detail ?? problem?.message ?? 'The view could not be saved.';
        if (error) {
            error.textContent = detail;
            error.hidden = false;
        }
    }
}
