/**
 * The facet sidebar of the Logs page, drawn from GET /api/logs/facets: services, levels and hosts (exact counts for
 * the query and range), then the most frequent attribute keys with their top values (counted over a sample of the
 * newest matching lines — the sidebar says so when it is one). A click on a value narrows the query to it, Alt+click
 * or the "−" button excludes it; clicking an active value again takes the filter back out. Values the query already
 * excludes are listed too (they have no count: they are filtered out), so an exclusion can be undone here.
 *
 *   renderFacets(container, note, facets, { matchers, onPick: (name, value, exclude) => … });
 */
import { formatNumber } from '../../charts.js';
import { isLabelName } from './query-text.js';

const OPEN_ATTRIBUTES = 4;

export function renderFacets(container, note, facets, { matchers, onPick }) {
    const groups = [
        { name: 'service', title: 'Service', values: facets.services },
        { name: 'level', title: 'Level', values: facets.levels },
        { name: 'host', title: 'Host', values: facets.hosts },
        ...facets.attributes.map((attribute, index) => ({
            name: attribute.key,
            title: attribute.key,
            values: attribute.values,
            attribute,
            open: index < OPEN_ATTRIBUTES,
        })),
    ];
    const fragment = document.createDocumentFragment();
    for (const group of groups) {
        const excluded = matchers.filter((m) => m.name === group.name && m.op === '!=').map((m) => m.value);
        if (group.values.length === 0 && excluded.length === 0) {
            continue;
        }
        fragment.append(groupElement(group, facets.total, matchers, excluded, onPick));
    }
    container.replaceChildren(fragment);
    if (!container.children.length) {
        const empty = document.createElement('p');
        empty.className = 'muted logs-facets-empty';
        empty.textContent = 'No values to show for this query and range.';
        container.append(empty);
    }

    note.hidden = facets.attributes.length === 0;
    note.textContent = facets.sampled
        ? `Attribute counts come from the newest ${facets.attribute_sample.toLocaleString('en-US')} of ${facets.total.toLocaleString('en-US')} matching lines (sampled); service, level and host counts are exact.`
        : `Attribute counts cover all ${facets.attribute_sample.toLocaleString('en-US')} matching lines.`;
    note.classList.toggle('is-sampled', Boolean(facets.sampled));
}

function groupElement(group, total, matchers, excluded, onPick) {
    const details = document.createElement('details');
    details.className = 'logs-facet-group';
    details.dataset.facet = group.name;
    details.open = group.attribute ? group.open : true;

    const summary = document.createElement('summary');
    summary.className = 'logs-facet-title';
    const title = document.createElement('span');
    title.textContent = group.title;
    summary.append(title);
    if (group.attribute) {
        const count = document.createElement('span');
        count.className = 'logs-facet-key-count';
        count.textContent = formatNumber(group.attribute.count);
        count.title = `${group.attribute.count} sampled lines carry ${group.attribute.key}`;
        summary.append(count);
    }
    details.append(summary);

    const writable = isLabelName(group.name);
    const list = document.createElement('ul');
    list.className = 'logs-facet-values';
    const included = new Set(matchers.filter((m) => m.name === group.name && m.op === '=').map((m) => m.value));
    const max = Math.max(1, ...group.values.map((v) => v.count));
    for (const value of group.values) {
        list.append(valueElement(group.name, value.value, value.count, max, total, included.has(value.value), false, writable, onPick));
    }
    for (const value of excluded) {
        if (!group.values.some((v) => v.value === value)) {
            list.append(valueElement(group.name, value, null, max, total, false, true, writable, onPick));
        }
    }
    details.append(list);
    return details;
}

function valueElement(name, value, count, max, total, isIncluded, isExcluded, writable, onPick) {
    const item = document.createElement('li');
    item.className = 'logs-facet-value';
    item.classList.toggle('is-included', isIncluded);
    item.classList.toggle('is-excluded', isExcluded);
    item.dataset.value = value;

    const label = value === '' ? '(empty)' : value;
    const include = document.createElement('button');
    include.type = 'button';
    include.className = 'logs-facet-include';
    include.setAttribute('aria-pressed', String(isIncluded));
    include.disabled = !writable;
    include.title = !writable
        ? `"${name}" cannot be written in a LogQL-lite selector (names are letters, digits, _ and .)`
        : isIncluded ? `Remove the filter ${name}="${value}"` : `Only lines with ${name}="${value}" (Alt+click: exclude them)`;

    const text = document.createElement('span');
    text.className = 'logs-facet-label';
    text.textContent = label;
    const number = document.createElement('span');
    number.className = 'logs-facet-count';
    number.textContent = count === null ? 'excluded' : formatNumber(count);
    if (count !== null && total > 0) {
        number.title = `${count.toLocaleString('en-US')} lines (${((100 * count) / total).toFixed(1)} %)`;
    }
    const bar = document.createElement('span');
    bar.className = 'logs-facet-bar';
    const fill = document.createElement('span');
    fill.style.width = count === null ? '0%' : `${Math.max(2, (100 * count) / max)}%`;
    bar.append(fill);
    include.append(text, number, bar);
    include.addEventListener('click', (event) => onPick(name, value, event.altKey));

    const exclude = document.createElement('button');
    exclude.type = 'button';
    exclude.className = 'logs-facet-exclude';
    exclude.textContent = '−';
    exclude.disabled = !writable;
    exclude.setAttribute('aria-pressed', String(isExcluded));
    exclude.setAttribute('aria-label', isExcluded ? `Stop excluding ${name} ${label}` : `Exclude ${name} ${label}`);
    exclude.title = isExcluded ? `Stop excluding ${name}="${value}"` : `Exclude lines with ${name}="${value}"`;
    exclude.addEventListener('click', () => onPick(name, value, true));

    item.append(include, exclude);
    return item;
}
