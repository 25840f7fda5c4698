/**
 * The metric catalog browser of the Metrics page: every metric of the org (GET /api/metrics/catalog) with its type,
 * series count and last-seen time; a metric's labels and their values fold out. Clicking a name calls
 * onPick(metricName), clicking a value onPick('name{label="value"}'), and the page puts that into the editor.
 *
 *   const browser = catalogBrowser({ list, search, summary, note, onPick });
 *   browser.render(catalog);
 */

export function catalogBrowser({ list, search, summary, note, onPick }) {
    let catalog = { metrics: [], series: 0, truncated: false };

    search.addEventListener('input', () => filter());
    list.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target.closest('[data-pick]') : null;
        if (target) {
            onPick(target.dataset.pick);
        }
    });

    function render(next) {
        catalog = next;
        const metrics = catalog.metrics ?? [];
        summary.textContent = metrics.length === 0
            ? 'No metrics yet'
            : `${count(metrics.length, 'metric')} · ${count(catalog.series, 'series', 'series')}`;
        note.hidden = !catalog.truncated;
        note.textContent = catalog.truncated ? `Only the first ${catalog.series.toLocaleString('en-US')} series are counted.` : '';
        list.replaceChildren(...metrics.map(item));
        filter();
    }

    function filter() {
        const text = search.value.trim().toLowerCase();
        for (const element of list.children) {
            element.hidden = text !== '' && !element.dataset.metric.toLowerCase().includes(text);
        }
    }

    return { render };
}

function item(metric) {
    const li = document.createElement('li');
    li.className = 'metrics-catalog-item';
    li.dataset.metric = metric.name;

    const head = document.createElement('div');
    head.className = 'metrics-catalog-row';
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'metrics-catalog-name';
    name.dataset.pick = metric.name;
    name.title = `Query ${metric.name}`;
    name.textContent = metric.name;
    const type = document.createElement('span');
    type.className = `badge metrics-type metrics-type-${metric.type || 'unknown'}`;
    type.dataset.type = metric.type;
    type.textContent = metric.type || 'unknown';
    head.append(name, type);

    const meta = document.createElement('p');
    meta.className = 'metrics-catalog-meta muted';
    const series = document.createElement('span');
    series.dataset.seriesCount = String(metric.series);
    series.textContent = count(metric.series, 'series', 'series');
    const seen = document.createElement('time');
    seen.dateTime = metric.last_seen;
    seen.dataset.lastSeen = metric.last_seen;
    seen.title = new Date(metric.last_seen).toLocaleString();
    seen.textContent = `last seen ${ago(new Date(metric.last_seen))}`;
    meta.append(series, ' · ', seen);

    li.append(head, meta);
    if (metric.labels?.length) {
        li.append(labels(metric));
    }
    return li;
}

function labels(metric) {
    const details = document.createElement('details');
    details.className = 'metrics-catalog-labels';
    const summary = document.createElement('summary');
    summary.textContent = count(metric.labels.length, 'label');
    const list = document.createElement('dl');
    for (const label of metric.labels) {
        const term = document.createElement('dt');
        term.textContent = label.name;
        const count = document.createElement('span');
        count.className = 'muted';
        count.textContent = ` ${label.value_count}`;
        term.append(count);
        const values = document.createElement('dd');
        for (const value of label.values) {
            const chip = document.createElement('button');
            chip.type = 'button';
            chip.className = 'metrics-catalog-value';
            chip.dataset.pick = `${metric.name}{${label.name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}`;
            chip.title = `Query ${chip.dataset.pick}`;
            chip.textContent = value;
            values.append(chip);
        }
        if (label.value_count > label.values.length) {
            const more = document.createElement('span');
            more.className = 'muted';
            more.textContent = `+${label.value_count - label.values.length} more`;
            values.append(more);
        }
        list.append(term, values);
    }
    details.append(summary, list);
    return details;
}

function count(n, one, many = `${one}s`) {
    return `${Number(n).toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function ago(date) {
    const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86_400)} d ago`;
}
