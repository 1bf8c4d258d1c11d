// Pieces of a subject's profile shared by the comparison and the subject page: the name to
// show, the golden values with their source and the alternatives that differ (agreeing ones
// counted), the relationships with their attributes and source, and the list of earlier
// judgements of a pair.

import { h, subjectLink, typeTag, valueNode, valueText, when } from "./dom.js";
import { name, t } from "./i18n.js";

export function displayName(profile) {
  const attrs = profile.attributes || {};
  for (const key of ["name", "building_code", "parcel_code", "address"]) {
    if (attrs[key] && attrs[key].value) return valueText(attrs[key].value);
  }
  return profile.id;
}

export function judgementList(judgements) {
  if (!judgements || !judgements.length) return null;
  return h(
    "div",
    { class: "judgements" },
    h("h3", {}, t("compare.judgements")),
    h(
      "ul",
      {},
      judgements.map((j) =>
        h(
          "li",
          {},
          h("span", { class: `tag k-${j.kind}` }, name("kind", j.kind)),
          " ",
          h("code", { class: "ref" }, j.left),
          " ⇄ ",
          h("code", { class: "ref" }, j.right),
          " · ",
          j.user || "",
          " · ",
          when(j.at),
          j.comment ? ` · ${j.comment}` : "",
        ),
      ),
    ),
  );
}

/** Golden values with their source; alternatives that differ are listed, agreeing ones counted. */
export function attributesTable(profile, compact = false) {
  const entries = Object.entries(profile.attributes || {});
  entries.sort(([a], [b]) => (a === "name" ? -1 : b === "name" ? 1 : a.localeCompare(b)));
  const alternatives = (attr) => {
    const all = attr.alternatives || [];
    const golden = valueText(attr.value);
    const differ = all.filter((alt) => valueText(alt.value) !== golden);
    const agree = all.filter((alt) => valueText(alt.value) === golden);
    if (!all.length) return h("span", { class: "muted" }, "—");
    return h(
      "ul",
      {},
      differ.map((alt) =>
        h(
          "li",
          { class: "differs" },
          valueNode(alt.value, 40),
          " ",
          h("small", { class: "muted", title: when(alt.at) }, sourceRef(alt)),
        ),
      ),
      agree.length
        ? h(
            "li",
            { class: "same", title: agree.map(sourceRef).join("\n") },
            t("subject.agree", { n: agree.length }),
          )
        : null,
    );
  };
  return h(
    "table",
    { class: `golden${compact ? " compact" : ""}` },
    h("caption", { class: "visually-hidden" }, t("subject.golden")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("subject.field")),
        h("th", { scope: "col" }, t("subject.value"), compact ? null : ` · ${t("subject.source")}`),
        h("th", { scope: "col", class: "num" }, t("subject.support")),
        h("th", { scope: "col" }, t("subject.alternatives")),
      ),
    ),
    h(
      "tbody",
      {},
      entries.map(([field, attr]) =>
        h(
          "tr",
          { "data-field": field },
          h("th", { scope: "row" }, name("field", field), h("small", { class: "code" }, field)),
          h(
            "td",
            {},
            valueNode(attr.value),
            compact
              ? null
              : h(
                  "small",
                  { class: "source", title: when(attr.source && attr.source.at) },
                  sourceRef(attr.source),
                ),
          ),
          h("td", { class: "num" }, String(attr.support ?? "")),
          h("td", { class: "alternatives" }, alternatives(attr)),
        ),
      ),
    ),
  );
}

function sourceRef(vs) {
  if (!vs) return "—";
  return `${name("source", vs.source)} · ${vs.record_id}${vs.version > 1 ? ` v${vs.version}` : ""}`;
}

export function relationshipsList(profile) {
  const rels = profile.relationships || [];
  if (!rels.length) return h("p", { class: "muted" }, t("subject.no_relationships"));
  return h(
    "ul",
    { class: "relationships" },
    rels.map((r) =>
      h(
        "li",
        { "data-rel": r.type },
        h("span", { class: "rel" }, r.direction === "in" ? "← " : "→ ", name("rel", r.type)),
        " ",
        r.other_type ? typeTag(r.other_type) : null,
        " ",
        r.other_id ? subjectLink(r.other_id, r.other_name ? `${r.other_name} (${r.other_id})` : r.other_id) : h("span", { class: "muted" }, "—"),
        relAttrs(r.attrs),
        h("small", { class: "muted" }, ` · ${name("source", r.source)}`),
      ),
    ),
  );
}

function relAttrs(attrs) {
  const parts = Object.entries(attrs || {})
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k} ${valueText(v)}`);
  return parts.length ? h("small", {}, ` (${parts.join(", ")})`) : null;
}
