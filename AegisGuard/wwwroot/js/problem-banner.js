/**
 * Shows errors of fetch() calls in a banner: an RFC 7807 problem's title, detail, per-field errors (`errors`, as
 * ASP.NET's ValidationProblem sends them: { "logs[3].timestamp": ["…"] }) and status. Same markup and look as the
 * server-rendered <alert-banner kind="error">. Put a <problem-banner id="…" /> in the page and:
 *
 *   import { showProblem, clearProblem } from '/js/problem-banner.js';
 *   showProblem(document.getElementById('keys-problem'), error);   // ProblemError, problem object or any Error
 *   clearProblem(banner);
 *
 * All text goes in with textContent: a problem's text can never inject markup.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** Renders `error` into `banner` and shows it. Returns the problem that was shown. */
export function showProblem(banner, error) {
    const problem = toProblem(error);
    banner.replaceChildren(
        icon('error', 'alert-icon'),
        body(problem),
        closeButton(),
    );
    banner.classList.add('alert', 'alert-error');
    banner.setAttribute('role', 'alert');
    banner.hidden = false;
    return problem;
}

/** Hides and empties the banner. */
export function clearProblem(banner) {
    banner.hidden = true;
    banner.replaceChildren();
}

/** The problem inside a ProblemError, a problem object as is, or one made from any other error. */
export function toProblem(error) {
    if (error && typeof error === 'object' && error.problem) {
        return error.problem;
    }
    if (error && typeof error === 'object' && 'title' in error && !(error instanceof Error)) {
        return error;
    }
    return { title: 'Something went wrong', detail: String(error?.message ?? error ?? 'unknown error') };
}

function body(problem) {
    const container = element('div', 'alert-body');
    container.append(element('p', 'alert-title', problem.title || 'Request failed'));
    if (problem.detail) {
        container.append(element('div', 'alert-detail', problem.detail));
    }
    const fields = Object.entries(problem.errors ?? {});
    if (fields.length > 0) {
        const list = element('ul', 'alert-fields');
        for (const [field, messages] of fields) {
            for (const message of Array.isArray(messages) ? messages : [messages]) {
                const item = element('li');
                if (field) {
                    item.append(element('code', null, field), ': ');
                }
                item.append(String(message));
                item.dataset.field = field;
                list.append(item);
            }
        }
        container.append(list);
    }
    const meta = [problem.status ? `HTTP ${problem.status}` : null, problem.traceId ? `trace ${problem.traceId}` : null].filter(Boolean);
    if (meta.length > 0) {
        container.append(element('p', 'alert-meta', meta.join(' · ')));
    }
    return container;
}

function closeButton() {
    const button = element('button', 'alert-close');
    button.type = 'button';
    button.dataset.dismiss = 'alert';
    button.setAttribute('aria-label', 'Dismiss');
    button.append(icon('close'));
    return button;
}

function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    if (text !== undefined) {
        node.textContent = text;
    }
    return node;
}

function icon(name, extraClass) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', extraClass ? `icon ${extraClass}` : 'icon');
    svg.setAttribute('aria-hidden', 'true');
    const use = document.createElementNS(SVG, 'use');
    use.setAttribute('href', `#i-${name}`);
    svg.append(use);
    return svg;
}
