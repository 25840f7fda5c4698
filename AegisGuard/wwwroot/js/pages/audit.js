/**
 * Audit log page (Pages/Admin/Audit.cshtml): the "Details" button of an entry opens the row below it and shows the
 * entry's details (a JSON object the server put into data-audit-details) in the JSON viewer, rendered on first open.
 */
import { renderJson } from '../json-viewer.js';

document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-audit-toggle]') : null;
    if (!button) {
        return;
    }
    const row = document.getElementById(button.getAttribute('aria-controls'));
    if (!row) {
        return;
    }
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide' : 'Details';
    row.hidden = !open;
    const host = row.querySelector('[data-audit-details]');
    if (open && host && !host.dataset.rendered) {
        let details;
        try {
            details = JSON.parse(host.dataset.auditDetails || '{}');
        } catch {
            details = host.dataset.auditDetails;
        }
        if (details && typeof details === 'object' && Object.keys(details).length === 0) {
            host.textContent = 'No further details.';
            host.classList.add('muted');
        } else {
            renderJson(host, details, { expandDepth: 2 });
        }
        host.dataset.rendered = 'true';
    }
});
