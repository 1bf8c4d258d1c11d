// What a steward can do from a subject's page: each record by department with its values and
// problems and the buttons to move it out (to a new subject) or to another subject; compare
// with and merge with another subject, dissolve, undo, raise a dispute; and, when the page
// was opened for a review item (a dispute), the item's banner with a dismiss button. Moving a
// record out, merging and dissolving ask for confirmation first.

import { ApiError, api, enc } from "./api.js";
import { SUBJECT_ID } from "./codes.js";
import { act, commentText, decide, goNext, remember, undoLast } from "./decisions.js";
import { h, reasonTag, toast, valueNode, valueText, when } from "./dom.js";
import { refreshLeft } from "./header.js";
import { name, t } from "./i18n.js";
import { compareHash, go, render, subjectHash } from "./routes.js";

export function recordsPart(profile) {
  const sid = profile.id;
  return Object.entries(profile.records || {}).map(([source, records]) =>
    h(
      "div",
      { class: "dept-records" },
      h("h3", {}, name("source", source), " ", h("small", { class: "code" }, source)),
      h(
        "table",
        { class: "records-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["record", "version", "ingested", "values", "problems"].map((c) =>
              h("th", { scope: "col" }, t(`subject.${c}`)),
            ),
            h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("subject.actions"))),
          ),
        ),
        h(
          "tbody",
          {},
          records.map((r) => {
            const ref = `${source}/${r.record_id}`;
            const target = h("input", {
              class: "short",
              placeholder: t("subject.move_target"),
              "aria-label": `${t("subject.move_to")} (${ref})`,
              pattern: "[PEBL]-[0-9]{1,12}",
              spellcheck: "false",
            });
            return h(
              "tr",
              { "data-ref": ref },
              h("td", {}, h("code", { class: "ref" }, r.record_id)),
              h("td", { class: "num" }, String(r.version)),
              h("td", {}, when(r.ingested_at)),
              h(
                "td",
                {},
                h(
                  "dl",
                  { class: "values" },
                  Object.entries(r.values || {}).map(([k, v]) => [
                    h("dt", {}, name("field", k)),
                    h("dd", {}, valueNode(v, 48)),
                  ]),
                ),
              ),
              h(
                "td",
                {},
                (r.problems || []).map((p) => h("div", { class: "problem" }, valueText(p))),
              ),
              h(
                "td",
                { class: "record-actions" },
                h(
                  "button",
                  {
                    type: "button",
                    class: "ghost small",
                    "data-action": "move-out",
                    onclick: () =>
                      act(async () => {
                        if (!window.confirm(t("subject.move_confirm", { record: ref, id: sid }))) return;
                        await decide({ kind: "move", record: ref, to: null });
                        render();
                      }),
                  },
                  t("subject.move_out"),
                ),
                h(
                  "span",
                  { class: "move-to" },
                  target,
                  h(
                    "button",
                    {
                      type: "button",
                      class: "ghost small",
                      "data-action": "move-to",
                      onclick: () =>
                        act(async () => {
                          const to = target.value.trim().toUpperCase();
                          if (!SUBJECT_ID.test(to)) {
                            target.focus();
                            throw new ApiError(422, `${t("subject.move_target")}: P-/E-/B-/L-…`, null);
                          }
                          const d = await decide({ kind: "move", record: ref, to });
                          go(subjectHash((d.subjects || []).includes(to) ? to : sid));
                        }),
                    },
                    t("subject.move_to"),
                  ),
                ),
              ),
            );
          }),
        ),
      ),
    ),
  );
}

export function actionsPart(profile, item) {
  const sid = profile.id;
  const other = (id) =>
    h("input", {
      id,
      class: "short",
      placeholder: "P-00000001",
      pattern: "[PEBL]-[0-9]{1,12}",
      spellcheck: "false",
      autocomplete: "off",
    });
  const compareInput = other("compare-with");
  const mergeInput = other("merge-with");
  const readOther = (input) => {
    const id = input.value.trim().toUpperCase();
    if (!SUBJECT_ID.test(id)) {
      input.focus();
      throw new ApiError(422, `${t("subject.other_id")}: P-/E-/B-/L-…`, null);
    }
    return id;
  };
  const disputeBox = h("input", { id: "dispute-comment", class: "wide", autocomplete: "off" });
  return h(
    "section",
    { class: "card actions", "aria-labelledby": "actions-title" },
    h("h2", { id: "actions-title" }, t("subject.actions")),
    item
      ? h(
          "div",
          { class: "item-banner", "data-testid": "review-item", "data-status": item.status },
          h("strong", {}, t("compare.item", { id: item.id })),
          " ",
          reasonTag(item.reason),
          " ",
          h("span", { class: `tag s-${item.status}` }, name("status", item.status)),
          item.comment ? h("p", { class: "comment" }, item.comment) : null,
          item.raised_by ? h("p", { class: "muted" }, `${t("compare.raised_by")}: ${item.raised_by}`) : null,
          item.status === "open"
            ? h(
                "button",
                {
                  type: "button",
                  class: "ghost",
                  "data-action": "dismiss",
                  onclick: () =>
                    act(async () => {
                      const d = await api(`/v1/review/${item.id}/dismiss`, { method: "POST", body: { comment: commentText() } });
                      remember(d, item.id);
                      toast(t("decide.dismissed", { id: item.id }));
                      refreshLeft();
                      await goNext(item.id);
                    }),
                },
                t("decide.dismiss"),
              )
            : null,
        )
      : null,
    h(
      "div",
      { class: "action-grid" },
      h(
        "form",
        {
          class: "inline",
          onsubmit: (event) => {
            event.preventDefault();
            act(async () => go(compareHash(sid, readOther(compareInput))));
          },
        },
        h("label", { for: "compare-with" }, t("subject.compare_with")),
        compareInput,
        h("button", { type: "submit", "data-action": "compare" }, t("subject.compare")),
      ),
      h(
        "form",
        {
          class: "inline",
          onsubmit: (event) => {
            event.preventDefault();
            act(async () => {
              const id = readOther(mergeInput);
              if (!window.confirm(t("subject.merge_confirm", { other: id, id: sid }))) return;
              const d = await decide({ kind: "merge", left: sid, right: id });
              go(subjectHash((d.subjects || [sid])[0] || sid));
            });
          },
        },
        h("label", { for: "merge-with" }, t("subject.merge_with")),
        mergeInput,
        h("button", { type: "submit", "data-action": "merge" }, t("subject.merge")),
      ),
      h(
        "div",
        { class: "inline" },
        h(
          "button",
          {
            type: "button",
            class: "bad",
            "data-action": "dissolve",
            onclick: () =>
              act(async () => {
                if (!window.confirm(t("subject.dissolve_confirm", { id: sid }))) return;
                await decide({ kind: "dissolve", subject: sid });
                render();
              }),
          },
          t("subject.dissolve"),
        ),
        h(
          "button",
          { type: "button", class: "ghost", "data-action": "undo", "aria-keyshortcuts": "z", onclick: () => undoLast() },
          t("decide.undo"),
          h("kbd", {}, "z"),
        ),
      ),
      h(
        "form",
        {
          class: "inline",
          onsubmit: (event) => {
            event.preventDefault();
            act(async () => {
              const found = await api(`/v1/subjects/${enc(sid)}/disputes`, {
                method: "POST",
                body: { comment: disputeBox.value.trim() },
              });
              toast(t("subject.disputed", { id: found.id }));
              refreshLeft();
              go(subjectHash(sid, { review: found.id }));
            });
          },
        },
        h("label", { for: "dispute-comment" }, t("subject.dispute_comment")),
        disputeBox,
        h("button", { type: "submit", "data-action": "dispute" }, t("subject.dispute")),
      ),
    ),
    h("label", { class: "comment", for: "decide-comment" }, t("decide.comment")),
    h("textarea", { id: "decide-comment", rows: 2, maxlength: 2000, placeholder: t("decide.comment.placeholder") }),
  );
}
