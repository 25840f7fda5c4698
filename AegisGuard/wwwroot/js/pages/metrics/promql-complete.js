/**
 * What to suggest at the caret of a PromQL text, from the metric catalog (GET /api/metrics/catalog). Pure functions,
 * no DOM: completionContext() reads the text up to the caret the way PromQL's lexer would (strings, {…} selectors,
 * […] ranges, by/without/on/ignoring/group_left/group_right (…) label lists) and says what kind of word is being typed;
 * suggestions() turns that into a ranked list.
 *
 *   const context = completionContext('rate(http_requests_total{serv', 30);
 *   // { kind: 'label', metric: 'http_requests_total', prefix: 'serv', start: 26, end: 30 }
 *   const items = suggestions(context, catalog);   // [{ label, insert, detail, caretOffset? }]
 *   applySuggestion(text, context, item) → { text, caret }
 */

export const FUNCTIONS = [
    'abs', 'absent', 'absent_over_time', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min',
    'count_over_time', 'delta', 'deriv', 'floor', 'histogram_quantile', 'idelta', 'increase', 'irate', 'label_join',
    'label_replace', 'last_over_time', 'max_over_time', 'min_over_time', 'quantile_over_time', 'rate', 'resets', 'round',
    'scalar', 'sort', 'sort_desc', 'stddev_over_time', 'sum_over_time', 'time', 'timestamp', 'vector',
];

export const AGGREGATIONS = ['avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'stddev', 'sum', 'topk'];

const GROUPING_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const MAX_SUGGESTIONS = 50;

/**
 * The word being typed at `caret`, or null where nothing is suggested (inside a range [5m], a number, a comment).
 * `forced` (Ctrl+Space) also answers for an empty word.
 */
export function completionContext(text, caret, forced = false) {
    const scan = scanTo(text, caret);
    if (scan.inComment || scan.inRange) {
        return null;
    }
    if (scan.string) {
        if (!scan.selector) {
            return null;
        }
        const before = text.slice(scan.selector.open + 1, scan.string.open);
        const matcher = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*$/.exec(before);
        if (!matcher) {
            return null;
        }
        const closing = text[caret] === scan.string.quote ? caret + 1 : caret;
        return {
            kind: 'value', metric: scan.selector.metric, label: matcher[1], quoted: true, quote: scan.string.quote,
            prefix: unescape(text.slice(scan.string.open + 1, caret)), start: scan.string.open, end: closing,
        };
    }

    const word = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(text.slice(0, caret));
    const prefix = word ? word[0] : '';
    const start = caret - prefix.length;
    if (start > 0 && /[0-9.]/.test(text[start - 1]) && prefix !== '') {
        return null; // the unit of a number or duration: 5m, 1e3
    }
    if (scan.selector && !prefix) {
        // Right after an operator a value is what comes next, typed or not.
        const matcher = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*$/.exec(text.slice(scan.selector.open + 1, caret));
        if (matcher) {
            return { kind: 'value', metric: scan.selector.metric, label: matcher[1], quoted: false, quote: '"', prefix: '', start: caret, end: caret };
        }
    }
    if (!prefix && !forced) {
        return null;
    }
    const end = start + prefix.length + (/^[a-zA-Z0-9_:]*/.exec(text.slice(caret))?.[0].length ?? 0);

    if (scan.selector) {
        const before = text.slice(scan.selector.open + 1, start).trimEnd();
        if (before === '' || before.endsWith(',')) {
            return { kind: 'label', metric: scan.selector.metric, used: usedLabels(text.slice(scan.selector.open + 1, start)), prefix, start, end };
        }
        return null;
    }
    if (scan.grouping) {
        return { kind: 'label', metric: null, metrics: metricsIn(text), used: [], prefix, start, end };
    }
    return { kind: 'metric', prefix, start, end };
}

/** Ranked suggestions for a context: names starting with the prefix first, then names containing it. */
export function suggestions(context, catalog) {
    if (!context) {
        return [];
    }
    const metrics = catalog?.metrics ?? [];
    let items;
    if (context.kind === 'metric') {
        items = [
            ...metrics.map((m) => ({ label: m.name, insert: m.name, detail: m.type || 'metric' })),
            ...AGGREGATIONS.map((name) => ({ label: name, insert: `${name}(`, detail: 'aggregation' })),
            ...FUNCTIONS.map((name) => ({ label: name, insert: `${name}(`, detail: 'function' })),
        ];
    } else if (context.kind === 'label') {
        const names = new Map();
        const scope = context.metric ? [context.metric] : (context.metrics?.length ? context.metrics : null);
        for (const metric of metrics) {
            if (scope && !scope.includes(metric.name)) {
                continue;
            }
            for (const label of metric.labels ?? []) {
                names.set(label.name, (names.get(label.name) ?? 0) + label.value_count);
            }
        }
        const used = new Set(context.used ?? []);
        items = [...names.entries()]
            .filter(([name]) => !used.has(name))
            .map(([name, count]) => ({ label: name, insert: name, detail: `${count} value${count === 1 ? '' : 's'}` }));
        if (!scope) {
            items.unshift({ label: '__name__', insert: '__name__', detail: 'metric name' });
        }
    } else {
        const values = new Set();
        for (const metric of metrics) {
            if (context.metric && metric.name !== context.metric) {
                continue;
            }
            if (context.label === '__name__') {
                values.add(metric.name);
                continue;
            }
            for (const label of metric.labels ?? []) {
                if (label.name === context.label) {
                    label.values.forEach((value) => values.add(value));
                }
            }
        }
        const quote = context.quote ?? '"';
        items = [...values].sort().map((value) => ({ label: value, insert: `${quote}${escape(value, quote)}${quote}`, detail: context.label }));
    }
    return rank(items, context.prefix);
}

/** The text with the suggestion in place of the word, and where the caret goes. */
export function applySuggestion(text, context, item) {
    const next = text.slice(0, context.start) + item.insert + text.slice(context.end);
    return { text: next, caret: context.start + item.insert.length };
}

function rank(items, prefix) {
    const seen = new Set();
    const unique = items.filter((item) => !seen.has(item.label) && seen.add(item.label));
    if (!prefix) {
        return unique.slice(0, MAX_SUGGESTIONS);
    }
    const lower = prefix.toLowerCase();
    const starts = unique.filter((item) => item.label.toLowerCase().startsWith(lower) && item.label !== prefix);
    const contains = unique.filter((item) => !item.label.toLowerCase().startsWith(lower) && item.label.toLowerCase().includes(lower));
    return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
}

/** Where the caret stands: in a string, a {…} selector (and of which metric), a […] range, a grouping (…) list. */
function scanTo(text, caret) {
    let string = null;
    let selector = null;
    let inRange = false;
    let inComment = false;
    const parens = [];
    for (let i = 0; i < caret; i++) {
        const c = text[i];
        if (inComment) {
            if (c === '\n') inComment = false;
            continue;
        }
        if (string) {
            if (c === '\\' && string.quote !== '`') {
                i++;
            } else if (c === string.quote) {
                string = null;
            }
            continue;
        }
        if (c === '"' || c === "'" || c === '`') {
            string = { quote: c, open: i };
        } else if (c === '#') {
            inComment = true;
        } else if (c === '{') {
            selector = { open: i, metric: metricBefore(text, i) };
        } else if (c === '}') {
            selector = null;
        } else if (c === '[') {
            inRange = true;
        } else if (c === ']') {
            inRange = false;
        } else if (c === '(') {
            const word = /([a-zA-Z_]+)\s*$/.exec(text.slice(0, i))?.[1];
            parens.push(GROUPING_WORDS.has(word));
        } else if (c === ')') {
            parens.pop();
        }
    }
    return { string, selector, inRange, inComment, grouping: parens.length > 0 && parens[parens.length - 1] };
}

function metricBefore(text, brace) {
    const match = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(text.slice(0, brace));
    return match && !GROUPING_WORDS.has(match[1]) ? match[1] : null;
}

function usedLabels(inside) {
    return [...inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]);
}

/** Metric names written in the query (words followed by { or a range, or standing alone), for label suggestions in by (…). */
function metricsIn(text) {
    const words = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""').match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
    return words.filter((w) => !GROUPING_WORDS.has(w) && !FUNCTIONS.includes(w) && !AGGREGATIONS.includes(w)
        && !['and', 'or', 'unless', 'bool', 'offset'].includes(w));
}

function escape(value, quote) {
    return quote === '`' ? value : value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
}

function unescape(value) {
    return value.replace(/\\(.)/g, '$1');
}
