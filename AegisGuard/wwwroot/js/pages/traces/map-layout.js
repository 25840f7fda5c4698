/**
 * A layered (Sugiyama-style) layout of the service graph, computed once per answer, no library:
 *   1. cycles are broken by a depth-first search from the busiest entry services (edges back to a service on the
 *      current path are treated as reversed for ranking only: they are still drawn as they are, caller → callee);
 *   2. each service's layer is its longest call depth from an entry (so callers sit left of their callees);
 *   3. services are ordered inside their layer by the barycentre of their neighbours in the layers around them,
 *      sweeping left-to-right and right-to-left a few times, which removes most edge crossings;
 *   4. layers become columns, order becomes rows, centred vertically.
 *
 *   const { nodes, width, height } = layeredLayout(services, edges, { weight: (node) => node.requestRate });
 *   // nodes: Map service → { x, y, r, layer, order }
 */

const LAYER_GAP = 240;
const ROW_GAP = 130;
const MARGIN = 70;
const MIN_RADIUS = 16;
const MAX_RADIUS = 40;
const SWEEPS = 6;

export function layeredLayout(nodes, edges, { weight }) {
    const names = nodes.map((n) => n.service);
    const out = new Map(names.map((n) => [n, []]));
    const incoming = new Map(names.map((n) => [n, []]));
    for (const edge of edges) {
        if (!out.has(edge.caller) || !out.has(edge.callee) || edge.caller === edge.callee) continue;
        out.get(edge.caller).push(edge.callee);
        incoming.get(edge.callee).push(edge.caller);
    }
    const byWeight = [...nodes].sort((a, b) => (weight(b) - weight(a)) || a.service.localeCompare(b.service));

    // 1. Forward edges of a DFS forest; edges to a node on the stack close a cycle and are left out of ranking.
    const forward = new Map(names.map((n) => [n, []]));
    const visitState = new Map();
    const visit = (name) => {
        visitState.set(name, 1);
        for (const next of [...out.get(name)].sort()) {
            const seen = visitState.get(next);
            if (seen === 1) continue;
            forward.get(name).push(next);
            if (!seen) visit(next);
        }
        visitState.set(name, 2);
    };
    for (const node of byWeight.filter((n) => incoming.get(n.service).length === 0)) {
        if (!visitState.has(node.service)) visit(node.service);
    }
    for (const node of byWeight) {
        if (!visitState.has(node.service)) visit(node.service);
    }

    // 2. Longest path layering over the (now acyclic) forward edges, in topological order.
    const indegree = new Map(names.map((n) => [n, 0]));
    for (const targets of forward.values()) for (const t of targets) indegree.set(t, indegree.get(t) + 1);
    const layer = new Map(names.map((n) => [n, 0]));
    const queue = names.filter((n) => indegree.get(n) === 0).sort();
    while (queue.length) {
        const name = queue.shift();
        for (const next of forward.get(name)) {
            layer.set(next, Math.max(layer.get(next), layer.get(name) + 1));
            indegree.set(next, indegree.get(next) - 1);
            if (indegree.get(next) === 0) queue.push(next);
        }
    }

    // 3. Order within layers by barycentre sweeps.
    const layerCount = Math.max(0, ...layer.values()) + 1;
    const layers = Array.from({ length: layerCount }, () => []);
    for (const node of byWeight) layers[layer.get(node.service)].push(node.service);
    const position = new Map();
    const reindex = () => layers.forEach((members) => members.forEach((name, i) => position.set(name, i)));
    reindex();
    const neighbours = (name, side) => (side < 0 ? incoming.get(name) : out.get(name))
        .filter((other) => side < 0 ? layer.get(other) < layer.get(name) : layer.get(other) > layer.get(name));
    for (let sweep = 0; sweep < SWEEPS; sweep++) {
        const down = sweep % 2 === 0;
        const order = down ? layers.keys() : [...layers.keys()].reverse();
        for (const l of order) {
            const members = layers[l];
            const centre = new Map(members.map((name) => {
                const around = neighbours(name, down ? -1 : 1);
                return [name, around.length ? around.reduce((sum, other) => sum + position.get(other), 0) / around.length : position.get(name)];
            }));
            members.sort((a, b) => (centre.get(a) - centre.get(b)) || (position.get(a) - position.get(b)));
            reindex();
        }
    }

    // 4. Coordinates.
    const highest = Math.max(1e-9, ...nodes.map(weight));
    const tallest = Math.max(1, ...layers.map((m) => m.length));
    const height = MARGIN * 2 + (tallest - 1) * ROW_GAP;
    const width = MARGIN * 2 + (layerCount - 1) * LAYER_GAP;
    const placed = new Map();
    layers.forEach((members, l) => {
        const offset = (height - (members.length - 1) * ROW_GAP) / 2;
        members.forEach((name, i) => {
            const node = nodes.find((n) => n.service === name);
            const share = Math.sqrt(Math.max(0, weight(node)) / highest);
            placed.set(name, { x: MARGIN + l * LAYER_GAP, y: offset + i * ROW_GAP, r: MIN_RADIUS + share * (MAX_RADIUS - MIN_RADIUS), layer: l, order: i });
        });
    });
    return { nodes: placed, width: Math.max(width, 2 * MARGIN), height: Math.max(height, 2 * MARGIN), layers: layerCount };
}
