// The comparison (#/compare/<left>/<right>?review=<id>): two records or subjects side by
// side, each with its subject's golden values, records (the compared one marked) and
// relationships; the review item's banner; whether the two are one subject now; the `why`
// table (each feature's level, both values, its weight against the largest, the total and the
// thresholds) with earlier judgements; and the decision buttons with their keys (m, n, u, s,
// z, d, Esc) and the comment box. After a decision it goes on to the next open item.

import { api, attempt, getProfile, qs } from "./api.js";
import { SUBJECT_ID } from "./codes.js";
import { act, commentText, decide, goNext, remember, skip, undoLast } from "./decisions.js";
import { errorBox, fmt, h, reasonTag, refNode, subjectLink, toast, typeTag, valueNode } from "./dom.js";
import { refreshLeft } from "./header.js";
import { name, t } from "./i18n.js";
import { setKeyHandler } from "./keys.js";
import { attributesTable, displayName, judgementList, relationshipsList } from "./profile.js";
import { go, isCurrent, mount, queueHash, savedFilters } from "./routes.js";

function levelClass(weight) {
  if (weight > 0.0001) return "agree";
  if (weight < -0.0001) return "disagree";
  return "neutral";
}

function whyTable(why) {
  const maxWeight = Math.max(1, ...why.features.map((f) => Math.abs(f.weight + (f.tf_adjustment || 0))));
  const rows = why.features.map((f) => {
    const weight = f.weight + (f.tf_adjustment || 0);
    const width = `${Math.round((Math.abs(weight) / maxWeight) * 100)}%`;
    const bar = h("span", { class: `bar ${levelClass(weight)}` });
    bar.style.width = width;
    return h(
      "tr",
      { class: levelClass(weight), "data-feature": f.feature },
      h("th", { scope: "row" }, name("field", f.feature), h("small", { class: "code" }, f.feature)),
      h("td", {}, h("span", { class: `level ${levelClass(weight)}`, title: f.level }, name("level", f.level))),
      h("td", {}, valueNode(f.left)),
      h("td", {}, valueNode(f.right)),
      h(
        "td",
        { class: "num weight" },
        h("span", { class: "bar-track" }, bar),
        fmt(weight),
        f.tf_adjustment ? h("small", { class: "muted", title: "term-frequency adjustment" }, ` (tf ${fmt(f.tf_adjustment)})`) : null,
      ),
    );
  });
  const foot = h(
    "tfoot",
    {},
    h("tr", {}, h("th", { scope: "row", colspan: 4 }, t("compare.prior")), h("td", { class: "num" }, fmt(why.prior_weight))),
    h(
      "tr",
      { class: "total" },
      h("th", { scope: "row", colspan: 4 }, t("compare.total")),
      h("td", { class: "num", "data-testid": "why-total" }, fmt(why.total)),
    ),
  );
  return h(
    "table",
    { class: "why", "data-testid": "why-table" },
    h("caption", { class: "visually-hidden" }, t("compare.why")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["feature", "level", "left_value", "right_value", "weight"].map((c) =>
          h("th", { scope: "col" }, t(`compare.${c}`)),
        ),
      ),
    ),
    h("tbody", {}, rows),
    foot,
  );
}

function recordsList(profile, focusRef) {
  const bySource = Object.entries(profile.records || {});
  return h(
    "ul",
    { class: "records" },
    bySource.map(([source, records]) =>
      records.map((r) => {
        const ref = `${source}/${r.record_id}`;
        return h(
          "li",
          { class: ref === focusRef ? "focus" : null, "data-ref": ref },
          h("span", { class: "dept" }, name("source", source)),
          " ",
          h("code", { class: "ref" }, r.record_id),
          ref === focusRef ? h("span", { class: "tag focus-tag" }, t("compare.record")) : null,
        );
      }),
    ),
  );
}

function sidePanel(which, ref, subjectId, profileResult) {
  const heading = h(
    "h2",
    {},
    t(`compare.${which}`),
    " ",
    refNode(ref),
  );
  const parts = [heading];
  if (!subjectId) {
    parts.push(h("p", { class: "muted" }, t("compare.no_subject")));
  } else if (profileResult && profileResult.error) {
    parts.push(h("p", {}, t("compare.subject"), " ", subjectLink(subjectId)), errorBox(profileResult.error));
  } else if (profileResult) {
    const p = profileResult.data;
    parts.push(
      h(
        "p",
        { class: "subject-line" },
        typeTag(p.type),
        " ",
        subjectLink(p.id, `${displayName(p)} (${p.id})`),
        " ",
        h("span", { class: "muted" }, name("status", p.status)),
      ),
      attributesTable(p, true),
      h("h3", {}, t("subject.records")),
      recordsList(p, SUBJECT_ID.test(ref) ? null : ref),
      h("h3", {}, t("subject.relationships")),
      relationshipsList(p),
    );
  }
  return h("article", { class: `card side-panel ${which}`, "data-testid": `side-${which}` }, parts);
}

function decisionBar(buttons) {
  return h(
    "div",
    { class: "card decide", role: "group", "aria-labelledby": "decide-title" },
    h("h2", { id: "decide-title", class: "visually-hidden" }, t("decide.group")),
    h(
      "div",
      { class: "buttons" },
      buttons.map(([action, key, cls, handler]) =>
        h(
          "button",
          {
            type: "button",
            class: cls,
            "data-action": action,
            "aria-keyshortcuts": key,
            onclick: handler,
          },
          t(`decide.${action}`),
          h("kbd", {}, key),
        ),
      ),
    ),
    h(
      "label",
      { class: "comment", for: "decide-comment" },
      t("decide.comment"),
    ),
    h("textarea", {
      id: "decide-comment",
      rows: 2,
      maxlength: 2000,
      placeholder: t("decide.comment.placeholder"),
    }),
  );
}

export async function viewCompare(seq, left, right, params) {
  const reviewParam = params.get("review");
  const reviewId = reviewParam && /^[0-9]+$/.test(reviewParam) ? Number(reviewParam) : null;
  const [itemResult, whyResult] = await Promise.all([
    reviewId !== null ? attempt(api(`/v1/review/${reviewId}`)) : Promise.resolve(null),
    attempt(api(`/v1/why${qs({ left, right })}`)),
  ]);
  if (!isCurrent(seq)) return;
  const item = itemResult && itemResult.data ? itemResult.data : null;
  const subjectFor = (ref, side) => {
    if (SUBJECT_ID.test(ref)) return ref;
    if (item && item.left === ref) return item.left_subject;
    if (item && item.right === ref) return item.right_subject;
    return side === "left" ? item && item.left_subject : item && item.right_subject;
  };
  const leftSid = subjectFor(left, "left");
  const rightSid = subjectFor(right, "right");
  const ids = [...new Set([leftSid, rightSid].filter(Boolean))];
  const profiles = new Map(await Promise.all(ids.map(async (id) => [id, await getProfile(id)])));
  if (!isCurrent(seq)) return;
  const current = (id) => {
    const p = profiles.get(id);
    return p && p.data ? p.data.id : id;
  };
  const open = item && item.status === "open";

  const banner = [];
  if (itemResult && itemResult.error) banner.push(errorBox(itemResult.error));
  if (item) {
    banner.push(
      h(
        "div",
        { class: "card item-banner", "data-testid": "review-item", "data-status": item.status },
        h("strong", {}, t("compare.item", { id: item.id })),
        " ",
        reasonTag(item.reason),
        " ",
        typeTag(item.subject_type),
        " ",
        h("span", { class: `tag s-${item.status}` }, name("status", item.status)),
        h(
          "span",
          { class: "metrics" },
          `${t("queue.col.weight")} ${fmt(item.weight)} · ${t("queue.col.uncertainty")} ${fmt(item.uncertainty)} · ` +
            `${t("queue.col.impact")} ${item.impact} · ${t("queue.col.priority")} ${fmt(item.priority)}`,
        ),
        item.comment ? h("p", { class: "comment" }, item.comment) : null,
        item.raised_by ? h("p", { class: "muted" }, `${t("compare.raised_by")}: ${item.raised_by}`) : null,
        open ? null : h("p", { class: "info" }, t("decide.closed", { status: name("status", item.status) })),
      ),
    );
  }
  if (leftSid && rightSid) {
    const same = current(leftSid) === current(rightSid);
    banner.push(
      h(
        "p",
        { class: `relation ${same ? "same" : "apart"}`, "data-testid": "relation", "data-same": same ? "true" : "false" },
        same ? t("compare.same_subject", { id: current(leftSid) }) : t("compare.apart"),
      ),
    );
  }

  const actions = {
    match: () => act(async () => {
      await decide({ kind: "match", left, right }, open ? reviewId : null);
      await goNext(reviewId);
    }),
    no_match: () => act(async () => {
      await decide({ kind: "no_match", left, right }, open ? reviewId : null);
      await goNext(reviewId);
    }),
    unsure: () => act(async () => {
      await decide({ kind: "unsure", left, right }, open ? reviewId : null);
      await goNext(reviewId);
    }),
    skip: () => skip(reviewId),
    undo: () => undoLast(),
    dismiss: () => act(async () => {
      const d = await api(`/v1/review/${reviewId}/dismiss`, { method: "POST", body: { comment: commentText() } });
      remember(d, reviewId);
      toast(t("decide.dismissed", { id: reviewId }));
      refreshLeft();
      await goNext(reviewId);
    }),
  };
  const buttons = [
    ["match", "m", "primary ok", actions.match],
    ["no_match", "n", "primary bad", actions.no_match],
    ["unsure", "u", "", actions.unsure],
    ["skip", "s", "ghost", actions.skip],
    ["undo", "z", "ghost", actions.undo],
    ...(open ? [["dismiss", "d", "ghost", actions.dismiss]] : []),
  ];

  let whyPart;
  if (whyResult.error) {
    whyPart = h("p", { class: "error", role: "alert" }, t("compare.no_why", { detail: whyResult.error.detail }));
  } else {
    const why = whyResult.data;
    whyPart = [
      h(
        "p",
        { class: "why-summary" },
        h("span", {}, t("compare.pair", { left: why.left, right: why.right })),
        h(
          "span",
          {},
          `${t("compare.probability")} ${fmt(why.probability * 100, 1)}% · ${t("compare.engine")}: `,
          h("strong", { class: `decision d-${why.decision}` }, name("decision", why.decision)),
          why.decisive ? ` · ${t("compare.decisive", { d: why.decisive })}` : "",
        ),
        h(
          "span",
          { class: "muted" },
          t("compare.thresholds", { link: fmt(why.link_threshold), review: fmt(why.review_threshold) }),
        ),
      ),
      whyTable(why),
      judgementList(why.judgements),
    ];
  }

  const view = h(
    "section",
    { class: "compare-view", "aria-labelledby": "compare-title" },
    h(
      "nav",
      { class: "crumbs" },
      h("a", { href: queueHash(savedFilters()) }, "← ", t("compare.back")),
    ),
    h(
      "h1",
      { id: "compare-title" },
      t("compare.title"),
      " ",
      refNode(left),
      h("span", { class: "vs", "aria-hidden": "true" }, " ⇄ "),
      refNode(right),
    ),
    banner,
    decisionBar(buttons),
    h(
      "section",
      { class: "card why-card", "aria-labelledby": "why-title" },
      h("h2", { id: "why-title" }, t("compare.why")),
      whyPart,
    ),
    h(
      "div",
      { class: "sides" },
      sidePanel("left", left, leftSid, leftSid ? profiles.get(leftSid) : null),
      sidePanel("right", right, rightSid, rightSid ? profiles.get(rightSid) : null),
    ),
  );
  if (!mount(seq, view)) return;
  setKeyHandler((event) => {
    const map = { m: "match", n: "no_match", u: "unsure", s: "skip", z: "undo" };
    if (open) map.d = "dismiss";
    if (event.key === "Escape") {
      go(queueHash(savedFilters()));
      return true;
    }
    const action = map[event.key];
    if (!action) return false;
    actions[action]();
    return true;
  });
}
