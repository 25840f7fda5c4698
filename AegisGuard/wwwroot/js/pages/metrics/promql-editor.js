/**
 * One PromQL query field of the Metrics page: a textarea that grows with its text, runs on Enter (Shift+Enter adds a
 * line), suggests metric names, label names and values from the catalog as you type (Ctrl+Space asks explicitly),
 * and shows a parse error where it is — the position the API names (line:column) is underlined in place (a backdrop
 * layer under the transparent textarea mirrors the text), the caret is moved to it, and a snippet with a ^ under it
 * repeats the message below the field.
 *
 * The suggestion list is one listbox shared by every field (suggestionBox); the textarea is its combobox
 * (aria-expanded, aria-activedescendant), so it works from the keyboard: ↑/↓ choose, Enter or Tab accept, Esc closes.
 *
 *   const box = suggestionBox(listbox, container);
 *   const editor = promqlEditor({ input, backdrop, field, errorPanel, box, catalog: () => catalog, onRun });
 *   editor.value / setValue(text) / showError(promError) / clearError() / focus()
 */
import { completionContext, suggestions, applySuggestion } from './promql-complete.js';
import { indexOf } from './prom-api.js';
import { caretSnippet, queryMirror } from '../../query-field.js';

let optionIds = 0;

/** The shared suggestion listbox, positioned under whichever field asks. */
export function suggestionBox(listbox, container) {
    let owner = null;
    let items = [];
    let active = 0;
    let onPick = null;

    function render() {
        listbox.replaceChildren(...items.map((item, index) => {
            const option = document.createElement('li');
            option.id = `metrics-suggestion-${optionIds++}`;
            option.className = 'metrics-suggestion';
            option.setAttribute('role', 'option');
            option.setAttribute('aria-selected', String(index === active));
            const label = document.createElement('span');
            label.className = 'metrics-suggestion-label';
            label.textContent = item.label;
            const detail = document.createElement('span');
            detail.className = 'metrics-suggestion-detail';
            detail.textContent = item.detail ?? '';
            option.append(label, detail);
            option.addEventListener('mousedown', (event) => {
                // Keeps the focus in the textarea, so the pick lands where the caret is.
                event.preventDefault();
                active = index;
                pick();
            });
            return option;
        }));
        const current = listbox.children[active];
        owner?.setAttribute('aria-activedescendant', current?.id ?? '');
        current?.scrollIntoView({ block: 'nearest' });
    }

    function place(input) {
        const box = container.getBoundingClientRect();
        const field = input.getBoundingClientRect();
        listbox.style.setProperty('--suggest-left', `${field.left - box.left}px`);
        listbox.style.setProperty('--suggest-top', `${field.bottom - box.top + 4}px`);
        listbox.style.setProperty('--suggest-width', `${Math.min(field.width, 520)}px`);
    }

    function pick() {
        const item = items[active];
        const callback = onPick;
        close();
        if (item && callback) {
            callback(item);
        }
    }

    function close() {
        listbox.hidden = true;
        listbox.replaceChildren();
        owner?.setAttribute('aria-expanded', 'false');
        owner?.removeAttribute('aria-activedescendant');
        owner = null;
        items = [];
        onPick = null;
    }

    return {
        open(input, list, picked) {
            if (owner && owner !== input) {
                close();
            }
            owner = input;
            items = list;
            active = 0;
            onPick = picked;
            place(input);
            listbox.hidden = false;
            input.setAttribute('aria-expanded', 'true');
            render();
        },
        close,
        isOpenFor: (input) => owner === input && !listbox.hidden,
        move(delta) {
            if (items.length) {
                active = (active + delta + items.length) % items.length;
                render();
            }
        },
        pick,
    };
}

export function promqlEditor({ input, backdrop, field, errorPanel, box, catalog, onRun, onChange }) {
    let error = null;

    const mirror = queryMirror(input, backdrop);
    const autosize = mirror.autosize;
    const paint = () => mirror.paint(error);

    function suggest(forced) {
        const context = completionContext(input.value, input.selectionStart, forced);
        const list = input.selectionStart === input.selectionEnd ? suggestions(context, catalog()) : [];
        if (!list.length) {
            if (box.isOpenFor(input)) box.close();
            return;
        }
        box.open(input, list, (item) => {
            const { text, caret } = applySuggestion(input.value, context, item);
            input.value = text;
            input.setSelectionRange(caret, caret);
            afterEdit();
            // Choosing a function or a label opens what comes next (its argument, or "=" then a value).
            if (item.insert.endsWith('(')) suggest(true);
        });
    }

    function afterEdit() {
        if (error && input.value !== error.text) {
            // The text changed: the marked position no longer points at the problem.
            field.classList.remove('has-error');
            input.removeAttribute('aria-invalid');
        }
        autosize();
        paint();
        onChange?.(input.value);
    }

    input.addEventListener('input', (event) => {
        afterEdit();
        if (event.inputType?.startsWith('delete') && !box.isOpenFor(input)) {
            return;
        }
        suggest(false);
    });
    input.addEventListener('blur', () => {
        if (box.isOpenFor(input)) box.close();
    });
    input.addEventListener('click', () => {
        if (box.isOpenFor(input)) suggest(false);
    });
    input.addEventListener('keydown', (event) => {
        const open = box.isOpenFor(input);
        if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
            event.preventDefault();
            box.move(event.key === 'ArrowDown' ? 1 : -1);
        } else if (open && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
            event.preventDefault();
            box.pick();
        } else if (open && event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            box.close();
        } else if (event.key === ' ' && event.ctrlKey) {
            event.preventDefault();
            suggest(true);
        } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            onRun(input.value);
        }
    });

    /** Shows a PromError; a positioned one is marked in the text. */
    function showError(failure) {
        const text = input.value;
        const index = failure.positioned ? indexOf(text, failure.line, failure.column) : null;
        error = index === null ? null : { text, index };
        field.classList.toggle('has-error', index !== null);
        input.setAttribute('aria-invalid', 'true');
        errorPanel.querySelector('[data-error-position]').textContent = index === null ? '' : `at line ${failure.line}, column ${failure.column}`;
        errorPanel.querySelector('[data-error-message]').textContent = failure.message;
        const snippet = errorPanel.querySelector('[data-error-snippet]');
        snippet.replaceChildren();
        snippet.hidden = index === null;
        if (index !== null) {
            snippet.append(...caretSnippet(text, index));
        }
        errorPanel.hidden = false;
        paint();
    }

    /** Puts the caret at the marked error (after a run, for the first failing query only). */
    function focusError() {
        if (error && input.value === error.text) {
            input.focus();
            input.setSelectionRange(error.index, error.index);
        }
    }

    function clearError() {
        error = null;
        field.classList.remove('has-error');
        input.removeAttribute('aria-invalid');
        errorPanel.hidden = true;
        paint();
    }

    autosize();
    paint();
    return {
        get value() {
            return input.value;
        },
        setValue(text) {
            input.value = text;
            autosize();
            paint();
        },
        showError,
        focusError,
        clearError,
        focus() {
            input.focus();
            input.setSelectionRange(input.value.length, input.value.length);
        },
    };
}
