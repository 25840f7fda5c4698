/**
 * Behaviour every page shares, loaded by the layout (Pages/Shared/_Layout.cshtml) as a module. Everything is wired by
 * event delegation on data-* attributes, so server-rendered markup needs no inline script (the CSP forbids it):
 *
 *   [data-copy-target="#css-selector"]  button copies that element's text      (<copy-button>, <code-block>)
 *   [data-copy-text="literal"]          button copies the literal
 *   [data-dismiss="alert"]              button hides its closest .alert         (<alert-banner dismissible>)
 *   [data-tooltip="text"]               shows a tooltip on hover and keyboard focus
 *   <details class="menu">              closes on Escape and on a click outside
 *   <a href="#id"> to a <details>       opens it
 */
import { copyText, flashDone } from './clipboard.js';

document.addEventListener('click', async (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
        return;
    }

    const copy = target.closest('[data-copy-target], [data-copy-text]');
    if (copy) {
        event.preventDefault();
        const source = copy.dataset.copyTarget ? document.querySelector(copy.dataset.copyTarget) : null;
        const text = source ? source.textContent : copy.dataset.copyText ?? '';
        if (await copyText(text)) {
            flashDone(copy);
        } else {
            flashDone(copy, 'Press Ctrl+C');
        }
        return;
    }

    const dismiss = target.closest('[data-dismiss="alert"]');
    if (dismiss) {
        dismiss.closest('.alert')?.setAttribute('hidden', '');
        return;
    }

    const anchor = target.closest('a[href^="#"]');
    if (anchor && anchor.getAttribute('href').length > 1) {
        const destination = document.getElementById(anchor.getAttribute('href').slice(1));
        if (destination instanceof HTMLDetailsElement) {
            destination.open = true;
        }
    }

    for (const menu of document.querySelectorAll('details.menu[open]')) {
        if (!menu.contains(target)) {
            menu.open = false;
        }
    }
});

document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
        for (const menu of document.querySelectorAll('details.menu[open]')) {
            menu.open = false;
            menu.querySelector('summary')?.focus();
        }
        hideTooltip();
    }
});

// One tooltip element for the page, fixed-positioned so it is not clipped by scrolling containers (the sidebar).
let tooltip = null;

function showTooltip(anchor) {
    const text = anchor.dataset.tooltip;
    if (!text) {
        return;
    }
    tooltip ??= Object.assign(document.createElement('div'), { className: 'tooltip', role: 'tooltip', id: 'aegis-tooltip' });
    tooltip.textContent = text;
    tooltip.hidden = false;
    document.body.append(tooltip);
    anchor.setAttribute('aria-describedby', tooltip.id);
    const box = anchor.getBoundingClientRect();
    const tip = tooltip.getBoundingClientRect();
    const roomRight = window.innerWidth - box.right;
    let left = roomRight > tip.width + 16 ? box.right + 8 : Math.max(8, box.left);
    let top = roomRight > tip.width + 16 ? box.top + (box.height - tip.height) / 2 : box.bottom + 6;
    left = Math.min(left, window.innerWidth - tip.width - 8);
    top = Math.max(8, Math.min(top, window.innerHeight - tip.height - 8));
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${top}px`;
}

function hideTooltip() {
    if (tooltip) {
        tooltip.hidden = true;
    }
}

for (const type of ['mouseover', 'focusin']) {
    document.addEventListener(type, (event) => {
        const anchor = event.target instanceof Element ? event.target.closest('[data-tooltip]') : null;
        if (anchor) {
            showTooltip(anchor);
        }
    });
}
for (const type of ['mouseout', 'focusout']) {
    document.addEventListener(type, (event) => {
        const anchor = event.target instanceof Element ? event.target.closest('[data-tooltip]') : null;
        if (anchor && !(event.relatedTarget instanceof Node && anchor.contains(event.relatedTarget))) {
            hideTooltip();
        }
    });
}
window.addEventListener('scroll', hideTooltip, { passive: true, capture: true });
