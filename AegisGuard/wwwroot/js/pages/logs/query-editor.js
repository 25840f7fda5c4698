/**
 * The query bar of the Logs page: a textarea that grows with its text, runs on Enter (Shift+Enter adds a line,
 * Ctrl/Cmd+Enter also runs), and shows a query error where it is — the server's 400 problem names a 1-based
 * `column`: the character there is underlined in place (a backdrop layer under the transparent textarea mirrors the
 * text), the caret is moved to it, and a snippet with a ^ under the column repeats the message below the bar.
 *
 * Autocompletion (optional `completion: { list, suggest }`): while typing, the word at the caret is completed from
 * `suggest(context)` (label names and values in a selector, field names after | json / | logfmt; see
 * completions.js) in a listbox under the bar. Keyboard: ↓/↑ choose, Enter or Tab take the choice (Tab takes the
 * first when none is chosen), Esc closes; Enter with nothing chosen still runs the query.
 *
 *   const editor = queryEditor({ input, backdrop, field, errorPanel, onRun: (text) => …, completion });
 *   editor.value / editor.setValue(text) / editor.showError(problem) / editor.clearError()
 */
import { applyCompletion, completionContext } from './completions.js';
import { caretSnippet, queryMirror } from '../../query-field.js';

const MAX_SUGGESTIONS = 12;

export function queryEditor({ input, backdrop, field, errorPanel, onRun, completion = null }) {
    let error = null;
    const complete = completion ? completer(input, completion, () => {
        autosize();
        paint();
    }) : null;

    const mirror = queryMirror(input, backdrop);
    const autosize = mirror.autosize;
    const paint = () => mirror.paint(error);

    input.addEventListener('input', () => {
        if (error && input.value !== error.text) {
            // The text changed: the marked column no longer points at the problem.
            field.classList.remove('has-error');
            input.removeAttribute('aria-invalid');
        }
        autosize();
        paint();
        complete?.update();
    });
    input.addEventListener('keydown', (event) => {
        if (complete?.handleKey(event)) {
            return;
        }
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            onRun(input.value);
        }
    });

    function showError(problem) {
        const text = typeof problem.query === 'string' ? problem.query : input.value;
        const column = Number.isInteger(problem.column) && problem.column > 0 ? problem.column : null;
        error = column === null ? null : { text, index: column - 1 };
        field.classList.toggle('has-error', column !== null);
        input.setAttribute('aria-invalid', 'true');
        errorPanel.querySelector('[data-error-title]').textContent = problem.title || 'Invalid query';
        errorPanel.querySelector('[data-error-column]').textContent = column === null ? '' : `at column ${column}`;
        errorPanel.querySelector('[data-error-message]').textContent = problem.detail || '';
        const snippet = errorPanel.querySelector('[data-error-snippet]');
        snippet.replaceChildren();
        if (column !== null) {
            snippet.append(...caretSnippet(text, column - 1));
            snippet.hidden = false;
        } else {
            snippet.hidden = true;
        }
        errorPanel.hidden = false;
        paint();
        if (column !== null && input.value === text) {
            input.focus();
            const at = Math.min(column - 1, text.length);
            input.setSelectionRange(at, at);
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
            complete?.close();
            autosize();
            paint();
        },
        showError,
        clearError,
        focus() {
            input.focus();
        },
    };
}

/** The completion listbox of the query bar (see the module comment). */
function completer(input, { list, suggest }, changed) {
    let items = [];
    let active = -1;
    let context = null;
    let asked = 0;

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');
    list.setAttribute('role', 'listbox');
    list.hidden = true;

    list.addEventListener('mousedown', (event) => event.preventDefault()); // keep the focus in the bar
    list.addEventListener('click', (event) => {
        const option = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
        if (option) {
            accept(Number(option.dataset.index));
        }
    });
    input.addEventListener('blur', () => close());

    async function update() {
        const caret = input.selectionStart ?? input.value.length;
        if (caret !== input.selectionEnd) {
            close();
            return;
        }
        const found = completionContext(input.value.slice(0, caret));
        const ticket = ++asked;
        if (!found) {
            close();
            return;
        }
        let names;
        try {
            names = await suggest(found);
        } catch {
            names = [];
        }
        if (ticket !== asked || document.activeElement !== input) {
            return;
        }
        const prefix = found.prefix.toLowerCase();
        const starts = names.filter((n) => n.toLowerCase().startsWith(prefix));
        const contains = names.filter((n) => !n.toLowerCase().startsWith(prefix) && n.toLowerCase().includes(prefix));
        const chosen = [...new Set([...starts, ...contains])].filter((n) => n !== found.prefix).slice(0, MAX_SUGGESTIONS);
        context = found;
        show(chosen);
    }

    function show(names) {
        items = names;
        active = -1;
        list.replaceChildren(...names.map((name, index) => {
            const option = document.createElement('li');
            option.id = `${list.id}-${index}`;
            option.className = 'logs-completion';
            option.setAttribute('role', 'option');
            option.setAttribute('aria-selected', 'false');
            option.dataset.index = String(index);
            option.textContent = name;
            return option;
        }));
        const open = names.length > 0;
        list.hidden = !open;
        list.dataset.kind = context?.kind ?? '';
        input.setAttribute('aria-expanded', String(open));
        input.removeAttribute('aria-activedescendant');
    }

    function move(by) {
        // -1 is "nothing chosen" (Enter runs the query); ↓ past the last wraps to the first, ↑ from none to the last.
        active += by;
        if (active >= items.length) {
            active = 0;
        } else if (active < -1) {
            active = items.length - 1;
        }
        for (const option of list.children) {
            const on = Number(option.dataset.index) === active;
            option.setAttribute('aria-selected', String(on));
            option.classList.toggle('is-active', on);
            if (on) {
                option.scrollIntoView({ block: 'nearest' });
            }
        }
        if (active >= 0) {
            input.setAttribute('aria-activedescendant', `${list.id}-${active}`);
        } else {
            input.removeAttribute('aria-activedescendant');
        }
    }

    function accept(index) {
        if (!context || index < 0 || index >= items.length) {
            return;
        }
        const caret = input.selectionStart ?? input.value.length;
        const next = applyCompletion(input.value, caret, context, items[index]);
        input.value = next.text;
        input.setSelectionRange(next.caret, next.caret);
        close();
        changed();
        update();
    }

    function close() {
        asked++;
        items = [];
        active = -1;
        context = null;
        list.hidden = true;
        list.replaceChildren();
        input.setAttribute('aria-expanded', 'false');
        input.removeAttribute('aria-activedescendant');
    }

    /** True when the key was the completion's (and must not run the query). */
    function handleKey(event) {
        if (list.hidden || items.length === 0 || event.isComposing) {
            return false;
        }
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            move(event.key === 'ArrowDown' ? 1 : -1);
            return true;
        }
        if (event.key === 'Escape') {
            event.preventDefault();
            close();
            return true;
        }
        if (event.key === 'Tab' && !event.shiftKey) {
            event.preventDefault();
            accept(active >= 0 ? active : 0);
            return true;
        }
        if (event.key === 'Enter' && !event.shiftKey && active >= 0) {
            event.preventDefault();
            accept(active);
            return true;
        }
        if (event.key === 'Enter') {
            close();
        }
        return false;
    }

    return { update, close, handleKey };
}
