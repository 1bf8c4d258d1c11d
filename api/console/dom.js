// Building the page: `h` (HTML) and `s` (SVG) create an element with attributes (onX = a
// listener) and children, and every child that is not a node goes in as a text node, so
// nothing the API returns is ever parsed as HTML (no innerHTML anywhere in the console).
// Also the small pieces every view uses: numbers and times as text, values (shortened with
// the full text in a title), links to subjects, record references, type and reason tags,
// the error box and the toast.

import { SUBJECT_ID } from "./codes.js";
import { name } from "./i18n.js";
import { subjectHash } from "./routes.js";

const SVG_NS = "http://www.w3.org/2000/svg";

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
export function h(tag, attrs, ...children) {
  return appendAll(setAttrs(document.createElement(tag), attrs), children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return appendAll(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function fmt(x, digits = 2) {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

export function when(iso) {
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
export function valueText(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map(valueText).join("；");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${valueText(v)}`)
      .join("; ");
  }
  return String(value);
}

export function valueNode(value, max = 80) {
  const text = valueText(value);
  if (text.length <= max) return h("span", { class: "value" }, text);
  return h("span", { class: "value", title: text }, `${text.slice(0, max)}…`);
}

export function subjectLink(id, label) {
  if (!id) return h("span", { class: "muted" }, "—");
  return h("a", { href: subjectHash(id), class: "sid" }, label || id);
}

/** A reference: a subject id links to its page, a record is shown as code. */
export function refNode(ref) {
  if (!ref) return h("span", { class: "muted" }, "—");
  return SUBJECT_ID.test(ref) ? subjectLink(ref) : h("code", { class: "ref" }, ref);
}

export function typeTag(type) {
  return h("span", { class: `tag t-${type}` }, name("type", type));
}

export function reasonTag(reason) {
  return h("span", { class: `tag r-${reason}`, title: reason }, name("reason", reason));
}

export function errorBox(err) {
  const detail = err && err.detail ? err.detail : String(err);
  return h("p", { class: "error", role: "alert", "data-testid": "error" }, detail);
}

export function toast(message, kind = "ok") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    box.hidden = true;
  }, 8000);
}
