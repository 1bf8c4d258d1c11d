// The stewards' console: one page over the registry's JSON API, no build step. This is the
// entry module that index.html loads (<script type="module">): the router, which draws the
// view the URL's hash names (the login form while no key is kept), and the start-up, which
// wires the header (language, log out, help, "open subject") and the keyboard. The views and
// their helpers are ES modules next to it, loaded from the same origin (the page's CSP allows
// no other scripts): api.js (key storage and calls), dom.js (text-only element building),
// routes.js (addresses and mounting), header.js, keys.js, login.js, queue.js, compare.js,
// profile.js, subject.js, subject_actions.js, graph_svg.js, decisions.js, codes.js and
// i18n.js (labels). Everything the API returns is put into the page as text, never as HTML.

import { ApiError, KEY, api, onExpired, session } from "./api.js";
import { SUBJECT_ID } from "./codes.js";
import { viewCompare } from "./compare.js";
import { viewDecisions } from "./decisions.js";
import { errorBox, h } from "./dom.js";
import { markNav, refreshLeft, showChrome, showLeft } from "./header.js";
import { applyStatic, getLang, setLang } from "./i18n.js";
import { onKey, openHelp, setKeyHandler } from "./keys.js";
import { expire, logout, renderLogin } from "./login.js";
import { viewQueue } from "./queue.js";
import {
  app,
  go,
  isCurrent,
  itemHash,
  mount,
  nextRender,
  parseHash,
  render,
  setRenderer,
  subjectHash,
} from "./routes.js";
import { viewSubject } from "./subject.js";

/** The router: the view the hash names, or the login form while no key is kept. */
async function route() {
  const seq = nextRender();
  setKeyHandler(null);
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
    if (!isCurrent(seq) || (err instanceof ApiError && err.status === 401)) return;
    mount(seq, h("section", { class: "card" }, errorBox(err)));
  }
}

/** #/item/<id>: the page for a queue item, whatever its kind. */
async function viewItem(seq, id) {
  const item = await api(`/v1/review/${id}`);
  if (!isCurrent(seq)) return;
  history.replaceState(null, "", itemHash(item));
  await render();
}

/** Wire the header and the keyboard, then draw the first view. */
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

setRenderer(route);
onExpired(expire);
start();
