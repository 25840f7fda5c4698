/**
 * What the query editor can complete at the caret, from the text before it (no full parse: the text is usually
 * half-typed). Three places:
 *   - a label name inside a stream selector:      {serv|        {service="api", le|
 *   - a label value after a matcher's quote:      {service="a|  {level=~"err|
 *   - a field name after | json or | logfmt:      {} | json | sta|
 * `completionContext(text)` → { kind: 'label' | 'value' | 'field', name?, prefix, start } or null; `start` is where
 * the replaced word begins. `applyCompletion(text, caret, context, item)` → { text, caret } (a label becomes
 * name="" with the caret between the quotes, a value gets its closing quote).
 */

export function completionContext(before) {
    const open = openSelector(before);
    if (open !== null) {
        const inside = before.slice(open + 1);
        const value = /([A-Za-z_][A-Za-z0-9_.]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/.exec(inside);
        if (value) {
            return { kind: 'value', name: value[1], prefix: value[3], start: before.length - value[3].length };
        }
        const label = /(?:^|,)\s*([A-Za-z_][A-Za-z0-9_.]*)?$/.exec(inside);
        if (label) {
            const prefix = label[1] ?? '';
            return { kind: 'label', prefix, start: before.length - prefix.length };
        }
        return null;
    }
    // A pipeline stage after a parser: "| json | sta", "| logfmt | " (not inside a quoted string).
    if (!/\|\s*(json|logfmt)\b/.test(before) || insideString(before)) {
        return null;
    }
    const field = /\|\s*([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
    if (field && !/\|\s*(json|logfmt)$/.test(before)) {
        const prefix = field[1] ?? '';
        return { kind: 'field', prefix, start: before.length - prefix.length };
    }
    return null;
}

/** The replaced text and the caret after it: a label gets `="` after it, a value its closing quote. */
export function applyCompletion(text, caret, context, item) {
    const after = text.slice(caret);
    // The rest of the word being replaced goes too (a value: up to and with its closing quote, if it has one).
    const rest = after.replace(context.kind === 'value' ? /^[^"\\,}]*"?/ : IDENT_START, '');
    if (context.kind === 'label') {
        // name="" with the caret between the quotes: the value completion opens there next.
        return { text: `${text.slice(0, context.start)}${item}=""${rest}`, caret: context.start + item.length + 2 };
    }
    const insert = context.kind === 'value' ? `${escapeValue(item)}"` : item;
    return { text: text.slice(0, context.start) + insert + rest, caret: context.start + insert.length };
}

const IDENT_START = /^[A-Za-z0-9_.]*/;

function escapeValue(value) {
    return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** Index of the "{" of a stream selector still open at the end of `text`, or null. */
function openSelector(text) {
    let open = null;
    let quote = null;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === '\\' && quote === '"') {
                i++;
            } else if (c === quote) {
                quote = null;
            }
        } else if (c === '"' || c === '`') {
            quote = c;
        } else if (c === '{') {
            open = i;
        } else if (c === '}') {
            open = null;
        }
    }
    return open;
}

function insideString(text) {
    let quote = null;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === '\\' && quote === '"') {
                i++;
            } else if (c === quote) {
                quote = null;
            }
        } else if (c === '"' || c === '`') {
            quote = c;
        }
    }
    return quote !== null;
}
