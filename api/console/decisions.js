// Decisions: sending one (with the comment box's text and the review item it settles),
// remembering it in the tab so that z undoes the newest of this tab, undoing (and then
// showing the pair or subject it was about), skipping an item and going on to the next open
// item of the queue with its last filters. `act` runs a button's work with every action
// button disabled (body.busy) and shows a failure as a toast instead of throwing. Also the
// decision log page (#/decisions), newest first, with an undo button per decision.

import { ApiError, MINE, PAGE, SKIPPED, api, qs, session } from "./api.js";
import { h, refNode, subjectLink, toast, valueText, when } from "./dom.js";
import { refreshLeft, showLeft } from "./header.js";
import { name, t } from "./i18n.js";
import {
  compareHash,
  go,
  isDefaultFilters,
  itemHash,
  mount,
  queueHash,
  savedFilters,
  subjectHash,
} from "./routes.js";

// -- making and undoing decisions -------------------------------------------------------------
const PAIR_KINDS = ["match", "no_match", "unsure"];
let busy = false; // a decision is on its way

export function commentText() {
  const box = document.getElementById("decide-comment");
  return box ? box.value.trim() : "";
}

export function remember(decision, reviewId) {
  const mine = session.json(MINE, []);
  mine.push({ id: decision.id, kind: decision.kind, args: decision.args || {}, review: reviewId ?? null });
  session.set(MINE, JSON.stringify(mine.slice(-200)));
}

function forget(decisionId) {
  const mine = session.json(MINE, []).filter((d) => d.id !== decisionId);
  session.set(MINE, JSON.stringify(mine));
}

function setBusy(value) {
  busy = value;
  for (const el of document.querySelectorAll("[data-action]")) el.disabled = value;
  document.body.classList.toggle("busy", value);
}

/** Send a decision; on success remember it (for undo) and say so. */
export async function decide(body, reviewId = null) {
  const payload = { ...body, comment: commentText() };
  if (reviewId !== null && reviewId !== undefined) payload.review_id = reviewId;
  const decision = await api("/v1/decisions", { method: "POST", body: payload });
  remember(decision, reviewId);
  toast(
    t("decide.done", {
      id: decision.id,
      kind: name("kind", decision.kind),
      subjects: (decision.subjects || []).join(", ") || "—",
    }),
  );
  refreshLeft();
  return decision;
}

/** Run an action with the buttons disabled; failures are shown, never thrown. */
export async function act(fn) {
  if (busy) return;
  setBusy(true);
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      toast(t("decide.failed", { detail: err.detail || String(err) }), "error");
    }
  } finally {
    setBusy(false);
  }
}

/** The next open item of the queue (with its last filters) that is not this one. */
export async function goNext(currentId) {
  const filters = savedFilters();
  const skipped = new Set(session.json(SKIPPED, []));
  const page = await api(`/v1/review${qs({ ...filters, limit: PAGE })}`);
  if (isDefaultFilters(filters)) showLeft(page.total);
  const next = (page.items || []).find((i) => i.id !== currentId && !skipped.has(i.id));
  if (next) {
    go(itemHash(next));
  } else {
    toast(t("queue.done"));
    go(queueHash(filters));
  }
}

export function skip(reviewId) {
  return act(async () => {
    if (reviewId !== null) {
      const skipped = session.json(SKIPPED, []);
      if (!skipped.includes(reviewId)) skipped.push(reviewId);
      session.set(SKIPPED, JSON.stringify(skipped.slice(-500)));
    }
    await goNext(reviewId);
  });
}

/** Where to look after undoing a decision: the pair or subject it was about. */
function afterUndo(d) {
  const args = d.args || {};
  const review = d.review ?? d.review_id ?? null;
  if ((PAIR_KINDS.includes(d.kind) || d.kind === "merge") && args.left && args.right) {
    return compareHash(args.left, args.right, review);
  }
  if (d.kind === "move" && args.from) return subjectHash(args.from);
  if (d.kind === "dismiss" && review !== null) return `#/item/${review}`;
  if (d.kind === "dissolve" && args.subject) return subjectHash(args.subject);
  return null;
}

export async function undoDecision(d) {
  const undo = await api(`/v1/decisions/${d.id}/undo`, {
    method: "POST",
    body: { comment: commentText() },
  });
  forget(d.id);
  toast(t("decide.undone", { id: d.id, undo: undo.id }));
  refreshLeft();
  go(afterUndo(d) || location.hash);
}

/** Undo the newest decision of this tab (or, with confirmation, the newest one at all). */
export function undoLast() {
  return act(async () => {
    const mine = session.json(MINE, []);
    let target = mine.length ? mine[mine.length - 1] : null;
    if (target === null) {
      const list = await api("/v1/decisions?limit=20");
      const found = (list.decisions || []).find((d) => d.kind !== "undo" && d.undone_by == null);
      if (!found) {
        toast(t("decide.nothing_to_undo"), "info");
        return;
      }
      const question = t("decide.undo_confirm", {
        id: found.id,
        kind: name("kind", found.kind),
        steward: found.steward,
        at: when(found.at),
      });
      if (!window.confirm(question)) return;
      target = found;
    }
    try {
      await undoDecision(target);
    } catch (err) {
      // undone elsewhere already, or gone: drop it so the next undo reaches the one before
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401) {
        forget(target.id);
      }
      throw err;
    }
  });
}

// -- the decision log ------------------------------------------------------------------------
function argsNode(d) {
  const a = d.args || {};
  if (a.left || a.right) return [refNode(a.left), " ⇄ ", refNode(a.right)];
  if (a.record) return [refNode(a.record), " ", refNode(a.from), " → ", a.to ? refNode(a.to) : "∅"];
  if (a.subject) return refNode(a.subject);
  if (a.decision) return `#${a.decision}`;
  if (a.review_id) return h("a", { href: `#/item/${a.review_id}` }, t("compare.item", { id: a.review_id }));
  return valueText(a);
}

export async function viewDecisions(seq, params) {
  const offset = Math.max(0, Number.parseInt(params.get("offset") || "0", 10) || 0);
  const page = await api(`/v1/decisions${qs({ limit: PAGE, offset })}`);
  const decisions = page.decisions || [];
  const rows = decisions.map((d) =>
    h(
      "tr",
      { "data-id": d.id, "data-kind": d.kind },
      h("td", { class: "num" }, `#${d.id}`),
      h("td", {}, h("span", { class: `tag k-${d.kind}` }, name("kind", d.kind))),
      h("td", {}, d.steward),
      h("td", {}, when(d.at)),
      h("td", {}, argsNode(d)),
      h("td", {}, (d.subjects || []).map((x) => [subjectLink(x), " "])),
      h("td", {}, d.comment || d.reason || ""),
      h(
        "td",
        {},
        d.undone_by != null
          ? h("span", { class: "muted" }, t("decisions.undone_by", { id: d.undone_by }))
          : d.undoes != null
            ? h("span", { class: "muted" }, t("decisions.undoes", { id: d.undoes }))
            : d.kind !== "undo"
              ? h(
                  "button",
                  {
                    type: "button",
                    class: "ghost small",
                    "data-action": "undo",
                    onclick: () => act(async () => {
                      await undoDecision(d);
                    }),
                  },
                  t("decisions.undo"),
                )
              : null,
      ),
    ),
  );
  const to = offset + decisions.length;
  const view = h(
    "section",
    { class: "decisions-view", "aria-labelledby": "decisions-title" },
    h("h1", { id: "decisions-title" }, t("decisions.title")),
    decisions.length
      ? h(
          "table",
          { class: "decisions", "data-testid": "decisions-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["id", "kind", "steward", "at", "args", "subjects", "comment", "state"].map((c) =>
                h("th", { scope: "col" }, t(`decisions.col.${c}`)),
              ),
            ),
          ),
          h("tbody", {}, rows),
        )
      : h("p", { class: "empty" }, t("decisions.empty")),
    h(
      "nav",
      { class: "pager" },
      h("span", { class: "muted" }, t("queue.range", { from: decisions.length ? offset + 1 : 0, to, total: page.total })),
      offset > 0 ? h("a", { class: "button ghost", href: `#/decisions${qs({ offset: Math.max(0, offset - PAGE) || null })}` }, t("queue.prev")) : null,
      to < page.total ? h("a", { class: "button ghost", href: `#/decisions${qs({ offset: to })}` }, t("queue.next")) : null,
    ),
  );
  mount(seq, view);
}
