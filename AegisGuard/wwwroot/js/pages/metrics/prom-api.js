/**
 * The Prometheus HTTP API as the Metrics page uses it. Answers are Prometheus' own shapes
 * ({"status":"success","data":…} or {"status":"error","errorType":"bad_data","error":"…"}), not RFC 7807 problems, so
 * failures are turned into one PromError here: `kind` (errorType, or 'http'/'network'), `message`, and for a query that
 * does not parse the `line`/`column` the message names ("… at 1:14" or Prometheus' own "1:14: parse error: …").
 *
 *   const { result, warnings } = await queryRange({ query, start, end, step, signal });   // result: [{ metric, values: [[s, "v"], …] }]
 *   positionOf('unexpected "by" at 1:14, expected …') → { line: 1, column: 14 }
 */
import { apiFetch, ProblemError } from '../../api.js';

export class PromError extends Error {
    constructor({ kind, message, status = 0, line = null, column = null }) {
        super(message);
        this.name = 'PromError';
        this.kind = kind;
        this.status = status;
        this.line = line;
        this.column = column;
    }

    /** True when the error points at a place in the query text. */
    get positioned() {
        return this.line !== null && this.column !== null;
    }
}

/** Runs a range query; resolves to { result (the matrix), warnings }. Seconds since the epoch for start/end/step. */
export async function queryRange({ query, start, end, step, signal }) {
    const params = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
    const body = await call(`/api/v1/query_range?${params}`, signal);
    if (body?.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) {
        // A scalar or string expression is charted as one series without labels.
        if (body?.data?.resultType === 'scalar' || body?.data?.resultType === 'string') {
            const [t, v] = body.data.result;
            return { result: [{ metric: {}, values: [[t, v]] }], warnings: body.warnings ?? [] };
        }
        throw new PromError({ kind: 'unexpected', message: 'The server answered with something that is not a range query result.' });
    }
    return { result: body.data.result, warnings: body.warnings ?? [] };
}

async function call(url, signal) {
    try {
        const body = await apiFetch(url, { signal });
        if (body?.status === 'error') {
            throw fromBody(body, 200);
        }
        return body;
    } catch (error) {
        if (error?.name === 'AbortError' || error instanceof PromError) {
            throw error;
        }
        if (error instanceof ProblemError) {
            const problem = error.problem ?? {};
            if (typeof problem.error === 'string') {
                throw fromBody(problem, error.response?.status ?? 0);
            }
            const status = error.response?.status ?? (typeof problem.status === 'number' ? problem.status : 0);
            const message = problem.detail ? `${problem.title}: ${problem.detail}` : (problem.title || 'The query failed.');
            throw new PromError({ kind: status === 0 ? 'network' : 'http', message, status });
        }
        throw new PromError({ kind: 'network', message: String(error?.message ?? error) });
    }
}

function fromBody(body, status) {
    const message = stripParameterPrefix(String(body.error ?? 'The query failed.'));
    const position = body.errorType === 'bad_data' ? positionOf(message) : null;
    return new PromError({ kind: body.errorType ?? 'error', message, status, line: position?.line ?? null, column: position?.column ?? null });
}

/** Prometheus wraps parse errors as 'invalid parameter "query": …'; the part after it is what the reader needs. */
function stripParameterPrefix(message) {
    return message.replace(/^invalid parameter "query":\s*/, '');
}

/**
 * The line and column a parse error names: "… at 1:14 …" (AegisGuard's wording) or "1:14: parse error: …"
 * (Prometheus'). Null when the message names no position.
 */
export function positionOf(message) {
    const match = /\bat (\d+):(\d+)\b/.exec(message) ?? /(?:^|\s)(\d+):(\d+):\s*parse error/.exec(message);
    if (!match) {
        return null;
    }
    return { line: Number(match[1]), column: Number(match[2]) };
}

/** The 0-based index in `text` of 1-based `line`:`column` (clamped to the text's end). */
export function indexOf(text, line, column) {
    let index = 0;
    for (let current = 1; current < line; current++) {
        const next = text.indexOf('\n', index);
        if (next < 0) {
            return text.length;
        }
        index = next + 1;
    }
    return Math.min(index + column - 1, text.length);
}
