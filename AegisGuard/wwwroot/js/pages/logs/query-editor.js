/**
 * The query bar of the Logs page: a textarea that grows with its text, runs on Enter (Shift+Enter adds a line,
 * Ctrl/Cmd+Enter also runs), and shows a query error where it is — the server's 400 problem names a 1-based
 * `column`: the character there is underlined in place (a backdrop layer under the transparent textarea mirrors the
 * text), the caret is moved to it, and a snippet with a ^ under the column repeats the message below the bar.
 *
 *   const editor = queryEditor({ input, backdrop, field, errorPanel, onRun: (text) => … });
 *   editor.value / editor.setValue(text) / editor.showError(problem) / editor.clearError()
 */

export function queryEditor({ input, backdrop, field, errorPanel, onRun }) {
    let error = null;

    function autosize() {
        input.style.height = 'auto';
        input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
        backdrop.style.height = input.style.height;
    }

    function paint() {
        backdrop.replaceChildren();
        const text = input.value;
        if (error && error.index <= text.length && text === error.text) {
            const at = Math.min(error.index, Math.max(0, text.length - 1));
            const mark = document.createElement('mark');
            mark.className = 'logs-query-mark';
            // A position past the end (a missing "}" or string end) is shown as a marked space after the text.
            mark.textContent = error.index >= text.length ? ' ' : text[at];
            backdrop.append(text.slice(0, error.index >= text.length ? text.length : at), mark,
                error.index >= text.length ? '' : text.slice(at + 1));
        } else {
            backdrop.append(text);
        }
        // A trailing newline needs a character after it to take up its line in the mirror.
        backdrop.append('\u200b');
        backdrop.scrollTop = input.scrollTop;
    }

    input.addEventListener('input', () => {
        if (error && input.value !== error.text) {
            // The text changed: the marked column no longer points at the problem.
            field.classList.remove('has-error');
            input.removeAttribute('aria-invalid');
        }
        autosize();
        paint();
    });
    input.addEventListener('scroll', () => {
        backdrop.scrollTop = input.scrollTop;
    });
    input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            onRun(input.value);
        }
    });
    window.addEventListener('resize', autosize);

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

/**
 * The line of `text` holding character `index` and a line with "^" under it: two text nodes and a marked caret,
 * so the message reads like a compiler's. Long lines are cut to ±60 characters around the column.
 */
function caretSnippet(text, index) {
    const lineStart = text.lastIndexOf('\n', index - 1) + 1;
    const lineEndAt = text.indexOf('\n', index);
    const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
    let from = lineStart;
    let to = lineEnd;
    let prefix = '';
    let suffix = '';
    if (index - from > 60) {
        from = index - 60;
        prefix = '…';
    }
    if (to - index > 60) {
        to = index + 60;
        suffix = '…';
    }
    const line = prefix + text.slice(from, to) + suffix;
    const pad = ' '.repeat(prefix.length + index - from);
    const caret = document.createElement('span');
    caret.className = 'logs-query-caret';
    caret.textContent = `${pad}^`;
    return [document.createTextNode(`${line}\n`), caret];
}
