// Addresses inside the page and putting a view on screen. Routes live in the URL's hash:
// #/queue?type=&source=&reason=&status=&offset=, #/compare/<left>/<right>?review=<id>,
// #/subject/<id>?hops=&review=<id>, #/decisions?offset=, #/item/<id>; this module parses the
// hash, builds those addresses, remembers the queue's last filters (for "next item") and
// mounts a view into <main> unless a newer render started while it was loading (each render
// takes a number from `nextRender`). Which view a hash shows is decided in app.js, which
// registers itself with `setRenderer`.

import { FILTERS, enc, qs, session } from "./api.js";

export const app = document.getElementById("app");
let renderSeq = 0; // a view mounts only if no newer render started meanwhile

let renderer = () => {}; // draws the view the hash names (set by app.js)

/** Set the function that draws the current view (app.js's router). */
export function setRenderer(fn) {
  renderer = fn;
}

/** Draw the view the hash names again. */
export function render() {
  return renderer();
}

/** Start a new render: views of earlier ones will not mount. */
export function nextRender() {
  return ++renderSeq;
}

/** Whether no newer render started since `seq`. */
export function isCurrent(seq) {
  return seq === renderSeq;
}

export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const at = raw.indexOf("?");
  const path = at < 0 ? raw : raw.slice(0, at);
  const params = new URLSearchParams(at < 0 ? "" : raw.slice(at + 1));
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, params };
}

export function compareHash(left, right, reviewId) {
  return `#/compare/${enc(left)}/${enc(right)}${qs({ review: reviewId })}`;
}

export function subjectHash(id, params = {}) {
  return `#/subject/${enc(id)}${qs(params)}`;
}

export function queueHash(filters = {}) {
  const f = { ...filters };
  if (f.status === "open") delete f.status;
  return `#/queue${qs(f)}`;
}

export function itemHash(item) {
  if (item.left && item.right) return compareHash(item.left, item.right, item.id);
  if (item.left_subject && item.right_subject) {
    return compareHash(item.left_subject, item.right_subject, item.id);
  }
  return subjectHash(item.left_subject || item.right_subject, { review: item.id });
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

export function savedFilters() {
  const f = session.json(FILTERS, {});
  return { type: f.type || "", source: f.source || "", reason: f.reason || "", status: "open" };
}

export function isDefaultFilters(f) {
  return !f.type && !f.source && !f.reason && (f.status || "open") === "open";
}

export function mount(seq, node) {
  if (seq !== renderSeq) return false;
  app.replaceChildren(node);
  app.dataset.view = location.hash; // what is on screen (tests wait for it)
  app.setAttribute("aria-busy", "false");
  app.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return true;
}
