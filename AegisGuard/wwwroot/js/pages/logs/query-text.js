/**
 * Editing LogQL-lite text the way a person would: the quick filters, facets and "filter by this value" actions of the
 * Logs page write into the query the user sees (never into hidden state), so the query bar is always the whole truth
 * and a copied URL reproduces the view. Pure functions over strings; the server's parser stays the authority (this
 * module only needs to find the stream selector and its matchers, and to quote values).
 *
 *   import { setMatcher, toggleMatcher, addLabelFilter, quote } from './query-text.js';
 *   setMatcher('{service="api"} |= "x"', 'level', '=', 'error')  → '{service="api", level="error"} |= "x"'
 *   toggleMatcher('{}', 'host', '=', 'a1')                        → '{host="a1"}'
 *   addLabelFilter('{}', 'status', '>=', 500)                     → '{} | json | status >= 500'
 *
 * Edits return null when the text has no stream selector they can read (a half-typed query): the caller says so
 * instead of guessing.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const MATCH_OPS = ['=~', '!~', '!=', '='];

/** True when `name` can be written as a label name in a query (letters, digits, _ and . — not starting with a digit). */
export function isLabelName(name) {
    return typeof name === 'string' && NAME.test(name);
}

/** A Go-style double-quoted string literal, as the LogQL-lite lexer reads it. */
export function quote(value) {
    let out = '"';
    for (const ch of String(value)) {
        const code = ch.codePointAt(0);
        if (ch === '"' || ch === '\\') {
            out += `\\${ch}`;
        } else if (ch === '\n') {
            out += '\\n';
        } else if (ch === '\r') {
            out += '\\r';
        } else if (ch === '\t') {
            out += '\\t';
        } else if (code < 0x20 || code === 0x7f) {
            out += `\\u${code.toString(16).padStart(4, '0')}`;
        } else {
            out += ch;
        }
    }
    return `${out}"`;
}

/** A regular expression that matches `value` literally (RE2 metacharacters escaped). */
export function escapeRegex(value) {
    return String(value).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** True when the text is a metric query (it starts with a function or aggregation, not with a stream selector). */
export function isMetricQuery(text) {
    const trimmed = String(text ?? '').trimStart();
    return trimmed.length > 0 && trimmed[0] !== '{';
}

/**
 * The stream selector of `text`: { start, end (index after "}"), matchers: [{ name, op, value, raw }] }, or null when
 * there is none or it cannot be read. `raw` is the value's literal as written (kept when the selector is rewritten).
 */
export function findSelector(text) {
    const source = String(text ?? '');
    let i = 0;
    while (i < source.length) {
        const ch = source[i];
        if (ch === '"' || ch === '`') {
            const end = stringEnd(source, i);
            if (end < 0) {
                return null;
            }
            i = end;
            continue;
        }
        if (ch === '{') {
            return readSelector(source, i);
        }
        i++;
    }
    return null;
}

/** The matchers of the selector for label `name` (empty when none, or when there is no readable selector). */
export function matchersFor(text, name) {
    return findSelector(text)?.matchers.filter((m) => m.name === name) ?? [];
}

/**
 * Sets label `name` to exactly one matcher `op value` (other matchers of that name are removed). With `value` null
 * every matcher of `name` is removed. An empty text becomes a selector of its own.
 */
export function setMatcher(text, name, op, value) {
    return edit(text, (matchers) => {
        const kept = matchers.filter((m) => m.name !== name);
        return value === null || value === undefined ? kept : [...kept, matcher(name, op, value)];
    });
}

/** Removes every matcher of label `name`. */
export function removeMatchers(text, name) {
    return setMatcher(text, name, '=', null);
}

/**
 * A facet click: `name = value` narrows to that value (replacing other "=" / "=~" matchers of the name) and a second
 * click on the same value removes it; `name != value` excludes the value (alongside other exclusions) and a second
 * click removes that exclusion.
 */
export function toggleMatcher(text, name, op, value) {
    const wanted = String(value);
    return edit(text, (matchers) => {
        const same = matchers.find((m) => m.name === name && m.op === op && m.value === wanted);
        if (same) {
            return matchers.filter((m) => m !== same);
        }
        const kept = op === '='
            ? matchers.filter((m) => !(m.name === name && (m.op === '=' || m.op === '=~')))
            : matchers.filter((m) => !(m.name === name && m.op === '=' && m.value === wanted));
        return [...kept, matcher(name, op, wanted)];
    });
}

/**
 * Levels chosen in the selector: `level="error"` → ['error'], `level=~"error|warn"` → ['error', 'warn'];
 * [] when there is no level matcher, null when the level matchers are something the level picker cannot show.
 */
export function selectedLevels(text) {
    const levels = matchersFor(text, 'level');
    if (levels.length === 0) {
        return [];
    }
    if (levels.length === 1 && levels[0].op === '=') {
        return [levels[0].value];
    }
    if (levels.length === 1 && levels[0].op === '=~' && /^[a-z]+(\|[a-z]+)*$/i.test(levels[0].value)) {
        return levels[0].value.toLowerCase().split('|');
    }
    return null;
}

/** Writes the level picker's choice: none → no level matcher, one → `level="x"`, several → `level=~"x|y"`. */
export function setLevels(text, levels) {
    if (levels.length === 0) {
        return removeMatchers(text, 'level');
    }
    return levels.length === 1
        ? setMatcher(text, 'level', '=', levels[0])
        : setMatcher(text, 'level', '=~', levels.join('|'));
}

/**
 * Appends a label filter on a field of the message, `| json | field op literal` (the `| json` stage only when the
 * query has no parser yet). Numbers are compared as numbers; everything else as text. Null for metric queries and
 * for field names a query cannot spell.
 */
export function addLabelFilter(text, field, op, value) {
    const source = String(text ?? '').trim();
    if (!isLabelName(field) || isMetricQuery(source)) {
        return null;
    }
    const base = source.length === 0 ? '{}' : source;
    if (!findSelector(base)) {
        return null;
    }
    const literal = typeof value === 'number' && Number.isFinite(value) ? String(value) : quote(value === null ? '' : String(value));
    const parser = hasParser(base) ? '' : ' | json';
    return `${base}${parser} | ${field} ${op} ${literal}`;
}

/** True when the query already has a `| json` or `| logfmt` stage. */
export function hasParser(text) {
    return /\|\s*(json|logfmt)\b/.test(stripStrings(String(text ?? '')));
}

/** The plain substrings a query's `|= "…"` filters look for, for highlighting: [{ text, ignoreCase }]. */
export function lineFilterTerms(text) {
    const source = String(text ?? '');
    const terms = [];
    const pattern = /\|=\s*(i?)("(?:[^"\\]|\\.)*"|`[^`]*`)/g;
    let match;
    while ((match = pattern.exec(source)) !== null) {
        const value = unquote(match[2]);
        if (value) {
            terms.push({ text: value, ignoreCase: match[1] === 'i' });
        }
    }
    return terms;
}

function matcher(name, op, value) {
    const text = String(value);
    return { name, op, value: text, raw: quote(text) };
}

function edit(text, change) {
    const source = String(text ?? '');
    if (source.trim().length === 0) {
        return render(change([]));
    }
    const selector = findSelector(source);
    if (!selector) {
        return null;
    }
    return source.slice(0, selector.start) + render(change(selector.matchers)) + source.slice(selector.end);
}

function render(matchers) {
    return `{${matchers.map((m) => `${m.name}${m.op}${m.raw}`).join(', ')}}`;
}

function readSelector(source, open) {
    const matchers = [];
    let i = skipSpace(source, open + 1);
    if (source[i] === '}') {
        return { start: open, end: i + 1, matchers };
    }
    while (i < source.length) {
        const nameMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i));
        if (!nameMatch) {
            return null;
        }
        const name = nameMatch[0];
        i = skipSpace(source, i + name.length);
        const op = MATCH_OPS.find((candidate) => source.startsWith(candidate, i));
        if (!op) {
            return null;
        }
        i = skipSpace(source, i + op.length);
        if (source[i] !== '"' && source[i] !== '`') {
            return null;
        }
        const end = stringEnd(source, i);
        if (end < 0) {
            return null;
        }
        const raw = source.slice(i, end);
        matchers.push({ name, op, value: unquote(raw), raw });
        i = skipSpace(source, end);
        if (source[i] === ',') {
            i = skipSpace(source, i + 1);
            continue;
        }
        if (source[i] === '}') {
            return { start: open, end: i + 1, matchers };
        }
        return null;
    }
    return null;
}

function skipSpace(source, i) {
    while (i < source.length && /\s/.test(source[i])) {
        i++;
    }
    return i;
}

/** Index after the closing quote of the string starting at `start`, or -1 when it is not closed. */
function stringEnd(source, start) {
    const quoteChar = source[start];
    let i = start + 1;
    while (i < source.length) {
        const ch = source[i];
        if (ch === '\\' && quoteChar === '"') {
            i += 2;
            continue;
        }
        if (ch === quoteChar) {
            return i + 1;
        }
        i++;
    }
    return -1;
}

function unquote(raw) {
    if (raw.startsWith('`')) {
        return raw.slice(1, -1);
    }
    let out = '';
    for (let i = 1; i < raw.length - 1; i++) {
        const ch = raw[i];
        if (ch !== '\\') {
            out += ch;
            continue;
        }
        const next = raw[++i];
        if (next === 'n') out += '\n';
        else if (next === 'r') out += '\r';
        else if (next === 't') out += '\t';
        else if (next === 'u') {
            out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
            i += 4;
        } else out += next;
    }
    return out;
}

function stripStrings(source) {
    return source.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""');
}
