/**
 * fetch() for pages calling the AegisGuard JSON APIs.
 *
 * - Same-origin cookies are sent (the browser session), and every unsafe method (POST, PUT, PATCH, DELETE) carries
 *   the antiforgery token as X-CSRF-TOKEN, read from <meta name="csrf-token"> that the layout renders. Without it
 *   cookie-authenticated unsafe requests are refused with 403.
 * - Objects passed as `body` are sent as JSON.
 * - Any non-2xx answer becomes a thrown ProblemError carrying the RFC 7807 problem (title, detail, status, per-field
 *   `errors`), ready for showProblem() of problem-banner.js. A network failure becomes a ProblemError with status 0.
 * - The session's access token lives 5 minutes (<meta name="session-lifetime">, with the current token's expiry) and
 *   /api never refreshes it by itself, so this module renews it with POST /api/auth/refresh shortly before it expires
 *   (a fifth of the lifetime, at most a minute, before; at once when a hidden tab comes back late). A 401 that still
 *   happens on a cookie-authenticated call (no Authorization header) makes one refresh and the call is repeated once.
 *
 *   import { getJson, postJson } from '/js/api.js';
 *   import { showProblem, clearProblem } from '/js/problem-banner.js';
 *   try { const keys = await getJson('/api/keys'); clearProblem(banner); }
 *   catch (error) { showProblem(banner, error); }
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const REFRESH_URL = '/api/auth/refresh';
let refreshing = null;
let renewTimer = 0;
let renewAt = Infinity;
let lifetimeMs = 0;

/** A failed API call: `problem` is the server's RFC 7807 body (or one made up from the status). */
export class ProblemError extends Error {
    constructor(problem, response = null) {
        super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
        this.name = 'ProblemError';
        this.problem = problem;
        this.status = problem.status ?? 0;
        this.response = response;
    }
}

/** The antiforgery request token of this page ('' when the page has none). */
export function csrfToken() {
    return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

/**
 * Calls `url` and resolves to the parsed JSON (or text; null for 204). Options: method, body, headers, signal.
 * Rejects with ProblemError for non-2xx answers and network failures; an abort rejects with the AbortError itself.
 */
export async function apiFetch(url, { method = 'GET', body, headers, signal } = {}) {
    const verb = method.toUpperCase();
    const sent = new Headers(headers);
    if (!sent.has('Accept')) {
        sent.set('Accept', 'application/json, application/problem+json');
    }
    if (!SAFE_METHODS.has(verb)) {
        sent.set('X-CSRF-TOKEN', csrfToken());
    }

    let payload = body;
    if (body !== undefined && body !== null && !(body instanceof FormData) && !(body instanceof Blob)
        && !(body instanceof URLSearchParams) && typeof body !== 'string') {
        sent.set('Content-Type', 'application/json');
        payload = JSON.stringify(body);
    }

    let response;
    try {
        response = await fetch(url, { method: verb, headers: sent, body: payload, credentials: 'same-origin', signal });
        if (response.status === 401 && !sent.has('Authorization') && !String(url).startsWith('/api/auth/') && await refreshSession()) {
            if (!SAFE_METHODS.has(verb)) {
                sent.set('X-CSRF-TOKEN', csrfToken());
            }
            response = await fetch(url, { method: verb, headers: sent, body: payload, credentials: 'same-origin', signal });
        }
    } catch (error) {
        if (error?.name === 'AbortError') {
            throw error;
        }
        throw new ProblemError({ title: 'The server could not be reached', detail: String(error?.message ?? error), status: 0 });
    }

    if (!response.ok) {
        throw new ProblemError(await readProblem(response), response);
    }
    if (response.status === 204 || verb === 'HEAD') {
        return null;
    }
    const type = response.headers.get('Content-Type') ?? '';
    return type.includes('json') ? response.json() : response.text();
}

/**
 * Renews the browser session with its refresh cookie (one request at a time for all callers); resolves to true when it
 * worked. The answer's antiforgery token replaces the page's, so the repeated call carries a valid X-CSRF-TOKEN.
 */
function refreshSession() {
    refreshing ??= (async () => {
        try {
            const response = await fetch(REFRESH_URL, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
            if (!response.ok) {
                return false;
            }
            const session = await response.json().catch(() => null);
            const meta = document.querySelector('meta[name="csrf-token"]');
            if (meta && session?.csrf_token) {
                meta.setAttribute('content', session.csrf_token);
            }
            planRenewal(Date.now() + lifetimeMs);
            return true;
        } catch {
            return false;
        } finally {
            setTimeout(() => { refreshing = null; }, 0);
        }
    })();
    return refreshing;
}

/** When to renew a token expiring at `expiresMs` (ms since the epoch) of a session whose tokens live `lifetime` ms. */
export function renewalTime(expiresMs, lifetime) {
    return expiresMs - Math.min(60_000, lifetime / 5);
}

function planRenewal(expiresMs) {
    if (!(lifetimeMs > 0)) {
        return;
    }
    renewAt = renewalTime(expiresMs, lifetimeMs);
    clearTimeout(renewTimer);
    renewTimer = setTimeout(() => refreshSession(), Math.max(1_000, renewAt - Date.now()));
}

function startRenewal() {
    const meta = typeof document === 'undefined' ? null : document.querySelector('meta[name="session-lifetime"]');
    lifetimeMs = Number(meta?.getAttribute('content') ?? 0) * 1000;
    if (!(lifetimeMs > 0)) {
        return;
    }
    const expires = Number(meta.dataset.expires) * 1000;
    planRenewal(expires > 0 ? expires : Date.now() + lifetimeMs);
    // Timers of hidden tabs are throttled: a tab that comes back after the planned time renews at once.
    document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible' && Date.now() >= renewAt) {
            refreshSession();
        }
    });
}

startRenewal();

export const getJson = (url, options = {}) => apiFetch(url, { ...options, method: 'GET' });
export const postJson = (url, body, options = {}) => apiFetch(url, { ...options, method: 'POST', body });
export const putJson = (url, body, options = {}) => apiFetch(url, { ...options, method: 'PUT', body });
export const deleteJson = (url, options = {}) => apiFetch(url, { ...options, method: 'DELETE' });

/**
 * The problem of a failed response: its problem+json body when it has one, otherwise a problem made from the status
 * line (and the body text, shortened, as detail).
 */
export async function readProblem(response) {
    const type = response.headers.get('Content-Type') ?? '';
    let text = '';
    try {
        text = await response.text();
    } catch {
        text = '';
    }
    if (type.includes('json') && text) {
        try {
            const parsed = JSON.parse(text);
            if (parsed && typeof parsed === 'object') {
                return {
                    ...parsed,
                    title: parsed.title || response.statusText || `HTTP ${response.status}`,
                    status: parsed.status ?? response.status,
                };
            }
        } catch {
            // Not JSON after all: fall through.
        }
    }
    return {
        title: response.statusText || `HTTP ${response.status}`,
        status: response.status,
        detail: text && !type.includes('html') ? text.slice(0, 300) : undefined,
    };
}
