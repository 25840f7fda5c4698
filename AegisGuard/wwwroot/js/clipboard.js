/**
 * Copy text to the clipboard.
 *
 * navigator.clipboard only exists in secure contexts (HTTPS or localhost); an appliance reached over plain HTTP on
 * its LAN address is not one, so this falls back to selecting a hidden textarea and execCommand('copy').
 *
 *   import { copyText, flashDone } from '/js/clipboard.js';
 *   if (await copyText(value)) flashDone(button);
 */

/** Copies `text`; resolves to true when it reached the clipboard. */
export async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            // Permission denied or document not focused: try the fallback.
        }
    }
    const buffer = document.createElement('textarea');
    buffer.className = 'clipboard-buffer';
    buffer.value = text;
    buffer.setAttribute('readonly', '');
    document.body.append(buffer);
    buffer.select();
    let copied = false;
    try {
        copied = document.execCommand('copy');
    } catch {
        copied = false;
    }
    buffer.remove();
    return copied;
}

/**
 * Shows "Copied" on a button for a moment. The button's label is the element marked [data-copy-label] inside it,
 * or its whole text when there is none.
 */
export function flashDone(button, doneText = 'Copied') {
    const label = button.querySelector('[data-copy-label]') ?? button;
    if (!button.dataset.originalLabel) {
        button.dataset.originalLabel = label.textContent;
    }
    label.textContent = doneText;
    button.classList.add('is-done');
    clearTimeout(Number(button.dataset.flashTimer));
    button.dataset.flashTimer = String(setTimeout(() => {
        label.textContent = button.dataset.originalLabel;
        button.classList.remove('is-done');
    }, 1500));
}
