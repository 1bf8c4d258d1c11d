// Logging in and out. The login form checks a key (and the optional purpose) with one call
// before keeping them in the tab's sessionStorage, and says why a key is refused (invalid,
// not allowed to review, or another failure). `expire` ends the session when the API refuses
// the key later; `logout` forgets everything the tab kept.

import { FILTERS, KEY, MINE, PURPOSE, SKIPPED, request, session } from "./api.js";
import { h } from "./dom.js";
import { refreshLeft, showChrome } from "./header.js";
import { t } from "./i18n.js";
import { setKeyHandler } from "./keys.js";
import { app, go, nextRender, parseHash } from "./routes.js";

export function expire(err) {
  session.remove(KEY);
  renderLogin(t("login.expired", { detail: err.detail }));
}

export function logout() {
  for (const key of [KEY, PURPOSE, MINE, SKIPPED, FILTERS]) session.remove(key);
  renderLogin(t("login.logged_out"), "info");
}

export function renderLogin(message = "", kind = "error") {
  nextRender();
  setKeyHandler(null);
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
