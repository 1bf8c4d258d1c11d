// The drawing of a subject's neighbourhood on the subject page, as SVG built element by
// element (labels as text nodes). `layout` places the subject in the middle, the subjects one
// hop away on an inner ring and those two hops away on an outer ring in the sector of the
// subject they were reached from; `drawNeighbourhood` draws the edges (parallel ones merged,
// labelled when there are few nodes) and the nodes as links to their own pages.

import { s } from "./dom.js";
import { name, t } from "./i18n.js";
import { subjectHash } from "./routes.js";

/**
 * A radial tree: the subject in the middle, the subjects one hop away on an inner ring, those
 * two hops away on an outer ring inside the sector of the inner subject they were reached
 * from (each sector as wide as its share of the outer ring), so edges rarely cross.
 */
function layout(hood) {
  const W = 860;
  const H = 600;
  const cx = W / 2;
  const cy = H / 2;
  const stretch = 1.4; // the drawing is wider than tall
  const dist = hood.distance || {};
  const pos = new Map();
  pos.set(hood.center, { x: cx, y: cy, ring: 0 });
  const byName = (a, b) =>
    a.type.localeCompare(b.type) || String(a.name || a.id).localeCompare(String(b.name || b.id));
  const inner = hood.nodes.filter((n) => dist[n.id] === 1).sort(byName);
  const outer = hood.nodes.filter((n) => (dist[n.id] ?? 0) >= 2).sort(byName);
  const innerIds = new Set(inner.map((n) => n.id));
  const parent = new Map();
  for (const e of hood.edges) {
    for (const [a, b] of [
      [e.from_id, e.to_id],
      [e.to_id, e.from_id],
    ]) {
      if ((dist[a] ?? 0) >= 2 && innerIds.has(b) && !parent.has(a)) parent.set(a, b);
    }
  }
  const children = new Map(inner.map((n) => [n.id, []]));
  const orphans = [];
  for (const n of outer) {
    const p = parent.get(n.id);
    if (p) children.get(p).push(n);
    else orphans.push(n);
  }
  const r1 = outer.length ? 140 : 200;
  const r2 = 240;
  const place = (n, angle, r, ring) =>
    pos.set(n.id, { x: cx + r * stretch * Math.cos(angle), y: cy + r * Math.sin(angle), ring });
  const slots = [...inner.map((n) => [n, children.get(n.id)]), ...orphans.map((n) => [null, [n]])];
  const total = slots.reduce((sum, [, kids]) => sum + Math.max(1, kids.length), 0) || 1;
  let from = -Math.PI / 2 - Math.PI / Math.max(total, 1);
  let k = 0;
  for (const [node, kids] of slots) {
    const sector = (2 * Math.PI * Math.max(1, kids.length)) / total;
    if (node) place(node, from + sector / 2, r1, 1);
    kids.forEach((kid, i) => {
      // alternate the radius a little so that neighbouring labels do not sit on each other
      const r = kids.length > 8 || outer.length > 16 ? r2 + (k % 2 ? 22 : -6) : r2;
      place(kid, from + (sector * (i + 0.5)) / kids.length, r, 2);
      k += 1;
    });
    from += sector;
  }
  return { W, H, pos, crowded: outer.length > 24 };
}

export function drawNeighbourhood(hood) {
  const { W, H, pos, crowded } = layout(hood);
  const showEdgeLabels = hood.nodes.length <= 16;
  const pairs = new Map();
  for (const e of hood.edges) {
    if (!pos.has(e.from_id) || !pos.has(e.to_id)) continue;
    const key = [e.from_id, e.to_id].sort().join("|");
    if (!pairs.has(key)) pairs.set(key, { a: e.from_id, b: e.to_id, types: [] });
    pairs.get(key).types.push(e.type);
  }
  const edges = [...pairs.values()].map(({ a, b, types }) => {
    const p = pos.get(a);
    const q = pos.get(b);
    const label = [...new Set(types)].map((x) => name("rel", x)).join(" · ");
    return s(
      "g",
      { class: "edge" },
      s("line", { x1: p.x, y1: p.y, x2: q.x, y2: q.y }, s("title", {}, `${a} — ${label} — ${b}`)),
      showEdgeLabels
        ? s("text", { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 - 4, "text-anchor": "middle" }, label)
        : null,
    );
  });
  const nodes = hood.nodes
    .filter((n) => pos.has(n.id))
    .map((n) => {
      const p = pos.get(n.id);
      const centre = n.id === hood.center;
      const r = centre ? 20 : p.ring === 1 ? 13 : 9;
      const label = String(n.name || n.id);
      return s(
        "a",
        {
          href: subjectHash(n.id),
          class: `node t-${n.type}${centre ? " centre" : ""} ring${p.ring}${crowded ? " crowded" : ""}`,
          "data-id": n.id,
          "aria-label": `${label} (${n.id}, ${name("type", n.type)})`,
        },
        s("title", {}, `${label} · ${n.id} · ${name("type", n.type)}`),
        s("circle", { cx: p.x, cy: p.y, r }),
        s(
          "text",
          { x: p.x, y: p.y + r + 13, "text-anchor": "middle" },
          label.length > 10 ? `${label.slice(0, 9)}…` : label,
        ),
      );
    });
  return s(
    "svg",
    {
      class: "neighbourhood",
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": t("subject.graph.label", { id: hood.center, hops: hood.hops, n: hood.nodes.length }),
      "data-testid": "neighbourhood",
      "data-nodes": hood.nodes.length,
    },
    s("g", { class: "edges" }, edges),
    s("g", { class: "nodes" }, nodes),
  );
}
