// The stewards' console: one page over the registry's JSON API, no build step.
//
// Routes live in the URL's hash: #/queue?type=&source=&reason=&status=&offset=,
// #/compare/<left>/<right>?review=<id>, #/subject/<id>?hops=&review=<id>, #/decisions.
// The API key stays in sessionStorage (this tab only) and goes out as
// `Authorization: Bearer <key>` on every call; errors are problem+json and their `detail` is
// shown. Everything the API returns is put into the page as text, never as HTML.

import { applyStatic, getLang, name, setLang, t } from "./i18n.js";

const KEY = "registry.console.key";
const PURPOSE = "registry.console.purpose";
const MINE = "registry.console.decisions"; // decisions made in this tab, newest last
const SKIPPED = "registry.console.skipped"; // review items skipped in this tab
const FILTERS = "registry.console.filters"; // the queue's last filters, for "next item"
const PAGE = 50;
const TYPES = ["person", "enterprise", "building", "parcel"];
const REASONS = [
  "review_band",
  "conflicting_identifiers",
  "judgement_conflict",
  "ambiguous_record",
  "dispute",
];
const STATUSES = ["open", "decided", "unsure", "dismissed"];
const SOURCES = [
  "hukou",
  "social_insurance",
  "marriage",
  "market_registry",
  "shareholders",
  "tax",
  "real_estate",
  "housing_buildings",
  "planning_redlines",
];
const PAIR_KINDS = ["match", "no_match", "unsure"];
const SUBJECT_ID = /^[PEBL]-[0-9]{1,12}$/;
const SVG_NS = "http://www.w3.org/2000/svg";

const app = document.getElementById("app");
let renderSeq = 0; // a view mounts only if no newer render started meanwhile
let keyHandler = null; // the current view's shortcuts: (event) => handled?
let busy = false; // a decision is on its way

// -- storage ---------------------------------------------------------------------------------
const session = {
  get(key, fallback = null) {
    try {
      const value = sessionStorage.getItem(key);
      return value === null ? fallback : value;
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // storage refused: the value lasts as long as this page
    }
  },
  remove(key) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // nothing stored
    }
  },
  json(key, fallback) {
    try {
      return JSON.parse(sessionStorage.getItem(key)) ?? fallback;
    } catch {
      return fallback;
    }
  },
};

// -- DOM -------------------------------------------------------------------------------------
function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.setAttribute("class", value);
    } else if (key === "value" && "value" in el) {
      el.value = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  return el;
}

/** An HTML element with attributes (onX = listener) and children (text or nodes). */
function h(tag, attrs, ...children) {
  return appendAll(setAttrs(document.createElement(tag), attrs), children);
}

/** An SVG element. */
function s(tag, attrs, ...children) {
  return appendAll(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

function fmt(x, digits = 2) {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A value as text: objects as `key: value; …`, long text shortened (full text in a title). */
function valueText(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map(valueText).join("；");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${valueText(v)}`)
      .join("; ");
  }
  return String(value);
}

function valueNode(value, max = 80) {
  const text = valueText(value);
  if (text.length <= max) return h("span", { class: "value" }, text);
  return h("span", { class: "value", title: text }, `${text.slice(0, max)}…`);
}

function subjectLink(id, label) {
  if (!id) return h("span", { class: "muted" }, "—");
  return h("a", { href: subjectHash(id), class: "sid" }, label || id);
}

/** A reference: a subject id links to its page, a record is shown as code. */
function refNode(ref) {
  if (!ref) return h("span", { class: "muted" }, "—");
  return SUBJECT_ID.test(ref) ? subjectLink(ref) : h("code", { class: "ref" }, ref);
}

function typeTag(type) {
  return h("span", { class: `tag t-${type}` }, name("type", type));
}

function reasonTag(reason) {
  return h("span", { class: `tag r-${reason}`, title: reason }, name("reason", reason));
}

function errorBox(err) {
  const detail = err && err.detail ? err.detail : String(err);
  return h("p", { class: "error", role: "alert", "data-testid": "error" }, detail);
}

function toast(message, kind = "ok") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    box.hidden = true;
  }, 8000);
}

// -- the API ---------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.problem = problem;
  }
}

/** Header values are bytes: UTF-8 sent as Latin-1 characters, as the API reads them back. */
function headerText(value) {
  return String.fromCharCode(...new TextEncoder().encode(value));
}

function qs(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

async function request(path, options = {}) {
  const { method = "GET", body } = options;
  const key = "key" in options ? options.key : session.get(KEY);
  const purpose = "purpose" in options ? options.purpose : session.get(PURPOSE);
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (purpose) headers["X-Purpose"] = headerText(purpose);
  const init = { method, headers, cache: "no-store", redirect: "follow", credentials: "omit" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, t("error.network"), null);
  }
  const type = response.headers.get("content-type") || "";
  let data = null;
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const problem = data && typeof data === "object" ? data : null;
    let detail = (problem && (problem.detail || problem.title)) || `HTTP ${response.status}`;
    if (problem && Array.isArray(problem.errors) && problem.errors.length) {
      detail += ` (${problem.errors.map((e) => `${e.loc}: ${e.message}`).join("; ")})`;
    }
    throw new ApiError(response.status, detail, problem);
  }
  return { data, url: response.url };
}

/** The JSON of a call with the session's key; a 401 ends the session. */
async function api(path, options = {}) {
  try {
    return (await request(path, options)).data;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !("key" in options)) expire(err);
    throw err;
  }
}

/** A failed call as a value (for parts of a page that may fail alone). */
async function attempt(promise) {
  try {
    return { data: await promise };
  } catch (error) {
    return { error };
  }
}

// -- the count of what is left -----------------------------------------------------------------
function showLeft(total) {
  const badge = document.getElementById("left-badge");
  badge.dataset.total = String(total);
  badge.textContent = t("left.badge", { n: total });
  badge.hidden = !session.get(KEY);
}

async function refreshLeft() {
  try {
    const page = await api("/v1/review?status=open&limit=1");
    showLeft(page.total);
  } catch {
    // the badge keeps its last count
  }
}

// -- routing ---------------------------------------------------------------------------------
const enc = encodeURIComponent;

function parseHash() {
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

function compareHash(left, right, reviewId) {
  return `#/compare/${enc(left)}/${enc(right)}${qs({ review: reviewId })}`;
}

function subjectHash(id, params = {}) {
  return `#/subject/${enc(id)}${qs(params)}`;
}

function queueHash(filters = {}) {
  const f = { ...filters };
  if (f.status === "open") delete f.status;
  return `#/queue${qs(f)}`;
}

function itemHash(item) {
  if (item.left && item.right) return compareHash(item.left, item.right, item.id);
  if (item.left_subject && item.right_subject) {
    return compareHash(item.left_subject, item.right_subject, item.id);
  }
  return subjectHash(item.left_subject || item.right_subject, { review: item.id });
}

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function savedFilters() {
  const f = session.json(FILTERS, {});
  return { type: f.type || "", source: f.source || "", reason: f.reason || "", status: "open" };
}

function isDefaultFilters(f) {
  return !f.type && !f.source && !f.reason && (f.status || "open") === "open";
}

function showChrome(loggedIn) {
  document.getElementById("nav").hidden = !loggedIn;
  document.getElementById("logout").hidden = !loggedIn;
  document.getElementById("help-button").hidden = !loggedIn;
  if (!loggedIn) document.getElementById("left-badge").hidden = true;
}

function markNav(page) {
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function mount(seq, node) {
  if (seq !== renderSeq) return false;
  app.replaceChildren(node);
  app.dataset.view = location.hash; // what is on screen (tests wait for it)
  app.setAttribute("aria-busy", "false");
  app.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  return true;
}

async function render() {
  const seq = ++renderSeq;
  keyHandler = null;
  app.setAttribute("aria-busy", "true");
  if (!session.get(KEY)) {
    renderLogin();
    return;
  }
  showChrome(true);
  const { parts, params } = parseHash();
  const [page = "queue", first, second] = parts;
  markNav(page);
  try {
    if (page === "compare" && first && second) await viewCompare(seq, first, second, params);
    else if (page === "subject" && first) await viewSubject(seq, first, params);
    else if (page === "decisions") await viewDecisions(seq, params);
    else if (page === "item" && /^[0-9]+$/.test(first || "")) await viewItem(seq, first);
    else await viewQueue(seq, params);
  } catch (err) {
    if (seq !== renderSeq || (err instanceof ApiError && err.status === 401)) return;
    mount(seq, h("section", { class: "card" }, errorBox(err)));
  }
}

// -- login -----------------------------------------------------------------------------------
function expire(err) {
  session.remove(KEY);
  renderLogin(t("login.expired", { detail: err.detail }));
}

function logout() {
  for (const key of [KEY, PURPOSE, MINE, SKIPPED, FILTERS]) session.remove(key);
  renderLogin(t("login.logged_out"), "info");
}

function renderLogin(message = "", kind = "error") {
  renderSeq++;
  keyHandler = null;
  showChrome(false);
  const previous = {
    key: document.getElementById("login-key")?.value || "",
    purpose: document.getElementById("login-purpose")?.value ?? session.get(PURPOSE, ""),
  };
  const note = h(
    "p",
    { id: "login-error", class: kind, role: "alert", "data-testid": "login-error" },
    message,
  );
  const keyInput = h("input", {
    id: "login-key",
    name: "key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    value: previous.key,
  });
  const purposeInput = h("input", {
    id: "login-purpose",
    name: "purpose",
    autocomplete: "off",
    spellcheck: "false",
    value: previous.purpose,
  });
  const submit = h("button", { type: "submit", class: "primary" }, t("login.submit"));
  const onsubmit = async (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    const purpose = purposeInput.value.trim();
    note.className = "info";
    note.textContent = t("login.checking");
    submit.disabled = true;
    try {
      await request("/v1/review?limit=1", { key, purpose });
      session.set(KEY, key);
      if (purpose) session.set(PURPOSE, purpose);
      else session.remove(PURPOSE);
      const { parts } = parseHash();
      go(parts.length ? location.hash : "#/queue");
      refreshLeft();
    } catch (err) {
      const which =
        err.status === 401 ? "login.bad_key" : err.status === 403 ? "login.forbidden" : "login.failed";
      note.className = "error";
      note.textContent = t(which, { detail: err.detail });
      keyInput.focus();
      keyInput.select();
    } finally {
      submit.disabled = false;
    }
  };
  const form = h(
    "form",
    { class: "login-form", onsubmit, novalidate: true },
    h("label", { for: "login-key" }, t("login.key")),
    keyInput,
    h("label", { for: "login-purpose" }, t("login.purpose")),
    purposeInput,
    submit,
    note,
  );
  app.dataset.view = "login";
  app.setAttribute("aria-busy", "false");
  app.replaceChildren(
    h(
      "section",
      { class: "card login", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, t("login.title")),
      h("p", { class: "muted" }, t("login.intro")),
      form,
    ),
  );
  keyInput.focus();
}

// -- the queue -------------------------------------------------------------------------------
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

async function viewQueue(seq, params) {
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
  keyHandler = (event) => {
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
  };
}

// -- decisions -------------------------------------------------------------------------------
function commentText() {
  const box = document.getElementById("decide-comment");
  return box ? box.value.trim() : "";
}

function remember(decision, reviewId) {
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
async function decide(body, reviewId = null) {
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
async function act(fn) {
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
async function goNext(currentId) {
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

function skip(reviewId) {
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

async function undoDecision(d) {
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
function undoLast() {
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

// -- the comparison --------------------------------------------------------------------------
async function getProfile(id) {
  try {
    const { data } = await request(`/v1/subjects/${enc(id)}`);
    return { data };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) expire(error);
    return { error };
  }
}

function displayName(profile) {
  const attrs = profile.attributes || {};
  for (const key of ["name", "building_code", "parcel_code", "address"]) {
    if (attrs[key] && attrs[key].value) return valueText(attrs[key].value);
  }
  return profile.id;
}

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

function judgementList(judgements) {
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
function attributesTable(profile, compact = false) {
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

function relationshipsList(profile) {
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

async function viewCompare(seq, left, right, params) {
  const reviewParam = params.get("review");
  const reviewId = reviewParam && /^[0-9]+$/.test(reviewParam) ? Number(reviewParam) : null;
  const [itemResult, whyResult] = await Promise.all([
    reviewId !== null ? attempt(api(`/v1/review/${reviewId}`)) : Promise.resolve(null),
    attempt(api(`/v1/why${qs({ left, right })}`)),
  ]);
  if (seq !== renderSeq) return;
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
  if (seq !== renderSeq) return;
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
  keyHandler = (event) => {
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
  };
}

/** #/item/<id>: the page for a queue item, whatever its kind. */
async function viewItem(seq, id) {
  const item = await api(`/v1/review/${id}`);
  if (seq !== renderSeq) return;
  history.replaceState(null, "", itemHash(item));
  await render();
}

// -- the subject page ------------------------------------------------------------------------
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

function drawNeighbourhood(hood) {
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

function recordsPart(profile) {
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

function actionsPart(profile, item) {
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

async function viewSubject(seq, id, params) {
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
  if (seq !== renderSeq) return;

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

async function viewDecisions(seq, params) {
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

// -- keyboard, header and start ---------------------------------------------------------------
function openHelp() {
  const dialog = document.getElementById("help");
  if (!dialog.open) dialog.showModal();
}

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  const target = event.target;
  const tag = target && target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (!session.get(KEY) || document.getElementById("help").open) return;
  if (keyHandler && keyHandler(event)) {
    event.preventDefault();
    return;
  }
  switch (event.key) {
    case "?":
      openHelp();
      break;
    case "z":
      undoLast();
      break;
    case "g":
      go(queueHash(savedFilters()));
      break;
    default:
      return;
  }
  event.preventDefault();
}

function start() {
  applyStatic();
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(getLang() === "zh" ? "en" : "zh");
    const total = document.getElementById("left-badge").dataset.total;
    if (total !== undefined) showLeft(Number(total));
    if (session.get(KEY)) render();
    else renderLogin(document.getElementById("login-error")?.textContent || "");
  });
  document.getElementById("logout").addEventListener("click", logout);
  document.getElementById("help-button").addEventListener("click", openHelp);
  document.getElementById("help-close").addEventListener("click", () => document.getElementById("help").close());
  document.getElementById("goto").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("goto-id");
    const id = input.value.trim().toUpperCase();
    if (SUBJECT_ID.test(id)) {
      input.value = "";
      go(subjectHash(id));
    } else {
      input.focus();
      input.select();
    }
  });
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", render);
  if (session.get(KEY)) refreshLeft();
  render();
}

start();
