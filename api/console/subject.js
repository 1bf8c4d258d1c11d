// The subject page (#/subject/<id>?hops=1|2&review=<id>): the golden values and quality
// notes, the neighbourhood drawing (one or two hops), the records with their actions, the
// relationships, and the history (links, judgements and events, newest first). A merged
// subject's old id is replaced in the address by the one it lives on as.

import { api, attempt, enc, getProfile, qs } from "./api.js";
import { TYPES } from "./codes.js";
import { errorBox, fmt, h, typeTag, valueNode, valueText, when } from "./dom.js";
import { drawNeighbourhood } from "./graph_svg.js";
import { name, t } from "./i18n.js";
import { attributesTable, displayName, judgementList, relationshipsList } from "./profile.js";
import { isCurrent, mount, queueHash, savedFilters, subjectHash } from "./routes.js";
import { actionsPart, recordsPart } from "./subject_actions.js";

function historyPart(how) {
  const links = how.links || [];
  const judgements = how.judgements || [];
  const events = [...(how.history || [])].reverse();
  const details = (e) => {
    if (e.kind === "attributes_changed" && e.changes) {
      return h(
        "ul",
        { class: "changes" },
        Object.entries(e.changes).map(([field, c]) =>
          h("li", {}, name("field", field), ": ", valueNode(c.old, 40), " → ", valueNode(c.new, 40)),
        ),
      );
    }
    const rest = Object.entries(e).filter(([k]) => !["seq", "at", "kind"].includes(k));
    return rest.length
      ? h("span", { class: "muted" }, rest.map(([k, v]) => `${k}: ${valueText(v)}`).join(" · "))
      : null;
  };
  return [
    links.length
      ? [
          h("h3", {}, t("subject.links")),
          h(
            "ul",
            { class: "links" },
            links.map((l) =>
              h(
                "li",
                {},
                h("code", { class: "ref" }, l.left),
                " — ",
                h("code", { class: "ref" }, l.right),
                h("small", { class: "muted" }, ` ${l.reason}${l.weight == null ? "" : ` ${fmt(l.weight)}`}`),
              ),
            ),
          ),
        ]
      : null,
    judgements.length ? judgementList(judgements) : null,
    h("h3", {}, t("subject.events")),
    h(
      "ol",
      { class: "events", reversed: true },
      events.map((e) =>
        h(
          "li",
          { "data-kind": e.kind },
          h("span", { class: "when" }, when(e.at)),
          " ",
          h("strong", {}, name("event", e.kind)),
          " ",
          details(e),
        ),
      ),
    ),
  ];
}

export async function viewSubject(seq, id, params) {
  const hops = params.get("hops") === "2" ? 2 : 1;
  const reviewParam = params.get("review");
  const reviewId = reviewParam && /^[0-9]+$/.test(reviewParam) ? Number(reviewParam) : null;
  const { data: profile, error } = await getProfile(id);
  if (error) throw error;
  const sid = profile.id;
  const extra = { hops: hops === 2 ? 2 : null, review: reviewId };
  if (sid !== id) history.replaceState(null, "", subjectHash(sid, extra));
  const [how, hood, itemResult] = await Promise.all([
    attempt(api(`/v1/subjects/${enc(sid)}/how`)),
    attempt(api(`/v1/subjects/${enc(sid)}/neighbourhood${qs({ hops, limit: hops === 2 ? 80 : 60 })}`)),
    reviewId !== null ? attempt(api(`/v1/review/${reviewId}`)) : Promise.resolve(null),
  ]);
  if (!isCurrent(seq)) return;

  let graph;
  if (hood.error) {
    graph = hood.error.status === 404 ? h("p", { class: "muted" }, t("subject.graph.none")) : errorBox(hood.error);
  } else {
    graph = [
      drawNeighbourhood(hood.data),
      hood.data.truncated ? h("p", { class: "muted" }, t("subject.graph.truncated")) : null,
      h(
        "ul",
        { class: "legend" },
        TYPES.map((x) => h("li", { class: `t-${x}` }, h("span", { class: "dot" }), name("type", x))),
      ),
    ];
  }
  const hopsNav = h(
    "div",
    { class: "hops", role: "group", "aria-label": t("subject.graph.hops") },
    h("span", { class: "muted" }, t("subject.graph.hops")),
    [1, 2].map((n) =>
      h(
        "a",
        {
          class: `button small ${n === hops ? "" : "ghost"}`,
          href: subjectHash(sid, { hops: n === 2 ? 2 : null, review: reviewId }),
          "aria-current": n === hops ? "true" : null,
        },
        String(n),
      ),
    ),
  );

  const quality = profile.quality || [];
  const view = h(
    "section",
    { class: "subject-view", "aria-labelledby": "subject-title", "data-subject": sid },
    h("nav", { class: "crumbs" }, h("a", { href: queueHash(savedFilters()) }, "← ", t("compare.back"))),
    h(
      "h1",
      { id: "subject-title" },
      displayName(profile),
      " ",
      h("small", {}, sid),
      " ",
      typeTag(profile.type),
      " ",
      h("span", { class: `tag s-${profile.status}` }, name("status", profile.status)),
    ),
    sid !== id ? h("p", { class: "info" }, t("subject.merged", { old: id, id: sid })) : null,
    itemResult && itemResult.error ? errorBox(itemResult.error) : null,
    actionsPart(profile, itemResult && itemResult.data ? itemResult.data : null),
    h(
      "div",
      { class: "subject-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "golden-title" },
        h("h2", { id: "golden-title" }, t("subject.golden")),
        attributesTable(profile),
        quality.length
          ? [
              h("h3", {}, t("subject.quality")),
              h(
                "ul",
                { class: "quality" },
                quality.map((q) => h("li", {}, valueText(q))),
              ),
            ]
          : null,
      ),
      h(
        "section",
        { class: "card graph", "aria-labelledby": "graph-title" },
        h("h2", { id: "graph-title" }, t("subject.graph")),
        hopsNav,
        graph,
      ),
    ),
    h(
      "section",
      { class: "card records-card", "aria-labelledby": "records-title" },
      h("h2", { id: "records-title" }, t("subject.records")),
      recordsPart(profile),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "rels-title" },
      h("h2", { id: "rels-title" }, t("subject.relationships")),
      relationshipsList(profile),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "history-title" },
      h("h2", { id: "history-title" }, t("subject.history")),
      how.error ? errorBox(how.error) : historyPart(how.data),
    ),
  );
  mount(seq, view);
}
