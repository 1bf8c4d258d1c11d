// The review queue (#/queue): open items by priority with filters by type, source, reason
// and status, the count left per reason and per type, paging, and the selection moved with
// j/k or the arrows and opened with Enter (remembered per address while the tab lives). The
// open queue's filters are saved so that "next item" after a decision follows them.

import { FILTERS, PAGE, api, qs, session } from "./api.js";
import { REASONS, SOURCES, STATUSES, TYPES } from "./codes.js";
import { fmt, h, reasonTag, refNode, subjectLink, typeTag } from "./dom.js";
import { refreshLeft, showLeft } from "./header.js";
import { name, t } from "./i18n.js";
import { setKeyHandler } from "./keys.js";
import { go, isDefaultFilters, itemHash, mount, queueHash } from "./routes.js";

let queueSelection = { hash: "", index: 0 };

function select(field, label, options, current) {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    h(
      "select",
      { name: field },
      options.map(([value, text]) =>
        h("option", { value, selected: value === current ? true : null }, text),
      ),
    ),
  );
}

export async function viewQueue(seq, params) {
  const filters = {
    type: params.get("type") || "",
    source: params.get("source") || "",
    reason: params.get("reason") || "",
    status: params.get("status") || "open",
  };
  const offset = Math.max(0, Number.parseInt(params.get("offset") || "0", 10) || 0);
  const page = await api(`/v1/review${qs({ ...filters, limit: PAGE, offset })}`);
  if (filters.status === "open") session.set(FILTERS, JSON.stringify(filters));
  if (isDefaultFilters(filters)) showLeft(page.total);
  else refreshLeft();

  const items = page.items || [];
  const hash = location.hash;
  let selected = queueSelection.hash === hash ? Math.min(queueSelection.index, items.length - 1) : 0;
  selected = Math.max(selected, 0);

  const any = ["", t("queue.any")];
  const form = h(
    "form",
    {
      class: "filters",
      "aria-label": t("queue.filters"),
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        go(queueHash(Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v).trim()]))));
      },
      onchange: (event) => {
        if (event.target.tagName === "SELECT") event.currentTarget.requestSubmit();
      },
    },
    select("type", t("queue.type"), [any, ...TYPES.map((x) => [x, name("type", x)])], filters.type),
    h(
      "label",
      { class: "field" },
      h("span", {}, t("queue.source")),
      h("input", {
        name: "source",
        list: "sources",
        value: filters.source,
        autocomplete: "off",
        spellcheck: "false",
      }),
      h(
        "datalist",
        { id: "sources" },
        SOURCES.map((x) => h("option", { value: x }, name("source", x))),
      ),
    ),
    select(
      "reason",
      t("queue.reason"),
      [any, ...REASONS.map((x) => [x, name("reason", x)])],
      filters.reason,
    ),
    select(
      "status",
      t("queue.status"),
      STATUSES.map((x) => [x, name("status", x)]),
      filters.status,
    ),
    h("button", { type: "submit" }, t("queue.apply")),
    h("a", { href: "#/queue", class: "button ghost" }, t("queue.reset")),
  );

  const counts = (title, entries, group, param) =>
    h(
      "div",
      { class: "counts" },
      h("span", { class: "muted" }, title),
      entries.length
        ? entries.map(([code, n]) =>
            h(
              "a",
              {
                class: `chip ${group === "reason" ? `r-${code}` : `t-${code}`}`,
                href: queueHash({ ...filters, [param]: code, offset: "" }),
                "data-count": n,
              },
              name(group, code),
              h("b", {}, String(n)),
            ),
          )
        : h("span", { class: "muted" }, "0"),
    );
  const summary = h(
    "div",
    { class: "summary" },
    h(
      "p",
      { class: "left-total" },
      h("span", { class: "muted" }, t("queue.left.label")),
      h(
        "strong",
        { "data-testid": "queue-left", "data-total": page.total },
        filters.status === "open" ? t("queue.left", { n: page.total }) : String(page.total),
      ),
    ),
    counts(t("queue.by_reason"), Object.entries(page.open_by_reason || {}), "reason", "reason"),
    counts(t("queue.by_type"), Object.entries(page.open_by_type || {}), "type", "type"),
  );

  const rows = items.map((item, i) =>
    h(
      "tr",
      {
        class: i === selected ? "selected" : null,
        "aria-selected": i === selected ? "true" : "false",
        "data-id": item.id,
        onclick: (event) => {
          if (event.target.closest("a")) return;
          go(itemHash(item));
        },
      },
      h("td", {}, h("a", { href: itemHash(item), class: "open" }, `#${item.id}`)),
      h("td", {}, reasonTag(item.reason)),
      h("td", {}, typeTag(item.subject_type)),
      h("td", { class: "side" }, refNode(item.left), " ", item.left_subject ? subjectLink(item.left_subject) : null),
      h(
        "td",
        { class: "side" },
        item.right || item.right_subject
          ? [refNode(item.right), " ", item.right_subject ? subjectLink(item.right_subject) : null]
          : h("span", { class: "muted comment" }, item.comment || "—"),
      ),
      h("td", { class: "num" }, fmt(item.weight)),
      h("td", { class: "num" }, fmt(item.uncertainty)),
      h("td", { class: "num" }, String(item.impact ?? "—")),
      h("td", { class: "num" }, fmt(item.priority)),
      filters.status === "open" ? null : h("td", {}, name("status", item.status)),
    ),
  );
  const head = [
    "id",
    "reason",
    "type",
    "left",
    "right",
    "weight",
    "uncertainty",
    "impact",
    "priority",
    ...(filters.status === "open" ? [] : ["status"]),
  ];
  const table = items.length
    ? h(
        "table",
        { class: "queue", "data-testid": "queue-table" },
        h("caption", { class: "visually-hidden" }, t("queue.title")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            head.map((c) => h("th", { scope: "col" }, t(`queue.col.${c}`))),
          ),
        ),
        h("tbody", {}, rows),
      )
    : h("p", { class: "empty", "data-testid": "queue-empty" }, t("queue.empty"));

  const to = offset + items.length;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": "pages" },
    h(
      "span",
      { class: "muted" },
      t("queue.range", { from: items.length ? offset + 1 : 0, to, total: page.total }),
    ),
    offset > 0
      ? h("a", { class: "button ghost", href: queueHash({ ...filters, offset: Math.max(0, offset - PAGE) || "" }) }, t("queue.prev"))
      : null,
    to < page.total
      ? h("a", { class: "button ghost", href: queueHash({ ...filters, offset: to }) }, t("queue.next"))
      : null,
  );

  const view = h(
    "section",
    { class: "queue-view", "aria-labelledby": "queue-title" },
    h("h1", { id: "queue-title" }, t("queue.title")),
    summary,
    form,
    table,
    pager,
    h("p", { class: "hint muted" }, t("queue.hint")),
  );
  if (!mount(seq, view)) return;

  const move = (delta) => {
    if (!items.length) return;
    rows[selected].classList.remove("selected");
    rows[selected].setAttribute("aria-selected", "false");
    selected = Math.min(items.length - 1, Math.max(0, selected + delta));
    rows[selected].classList.add("selected");
    rows[selected].setAttribute("aria-selected", "true");
    rows[selected].scrollIntoView({ block: "nearest" });
    queueSelection = { hash, index: selected };
  };
  setKeyHandler((event) => {
    switch (event.key) {
      case "j":
      case "ArrowDown":
        move(1);
        return true;
      case "k":
      case "ArrowUp":
        move(-1);
        return true;
      case "Enter":
        if (event.target.closest && event.target.closest("a, button")) return false;
        if (items[selected]) {
          queueSelection = { hash, index: selected };
          go(itemHash(items[selected]));
        }
        return true;
      default:
        return false;
    }
  });
}
