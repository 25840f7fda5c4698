/**
 * The parts of a query field shared by the Logs and Metrics editors: a textarea that grows with its text (up to
 * 240 px) over a backdrop that mirrors the text, so an error position can be underlined in place
 * (`.query-mark`), and the caret snippet of the error panel (the line with a "^" under the position, like a
 * compiler's message). Styles: `.query-*` in site.css.
 *
 *   const mirror = queryMirror(input, backdrop);
 *   mirror.autosize(); mirror.paint(error)   // error: { text, index } or null; marked only while the text is unchanged
 *   snippet.append(...caretSnippet(text, index));
 */
export function queryMirror(input, backdrop) {
    function autosize() {
        input.style.height = 'auto';
        input.style.height = `${Math.min(input.scrollHeight, 240)}px`;
        backdrop.style.height = input.style.height;
    }

    function paint(error) {
        backdrop.replaceChildren();
        const text = input.value;
        if (error && error.index <= text.length && text === error.text) {
            const past = error.index >= text.length;
            const mark = document.createElement('mark');
            mark.className = 'query-mark';
            // A position past the end (a missing "}", ")" or string end) is shown as a marked space after the text.
            mark.textContent = past ? ' ' : text[error.index];
            backdrop.append(text.slice(0, past ? text.length : error.index), mark, past ? '' : text.slice(error.index + 1));
        } else {
            backdrop.append(text);
        }
        // A trailing newline needs a character after it to take up its line in the mirror.
        backdrop.append('\u200b');
        backdrop.scrollTop = input.scrollTop;
    }

    input.addEventListener('scroll', () => {
        backdrop.scrollTop = input.scrollTop;
    });
    window.addEventListener('resize', autosize);
    return { autosize, paint };
}

/** The line of `text` holding character `index` and a line with "^" under it; long lines are cut to ±60 characters. */
export function caretSnippet(text, index) {
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
    const caret = document.createElement('span');
    caret.className = 'query-caret';
    caret.textContent = `${' '.repeat(prefix.length + index - from)}^`;
    return [document.createTextNode(`${prefix}${text.slice(from, to)}${suffix}\n`), caret];
}
