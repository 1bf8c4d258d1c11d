// The top bar around the views: the navigation, log-out and help buttons shown only when
// logged in, the navigation link of the current page marked, and the badge with the count of
// open review items left (refreshed after every decision; it keeps its last count when the
// call fails).

import { KEY, api, session } from "./api.js";
import { t } from "./i18n.js";

export function showLeft(total) {
  const badge = document.getElementById("left-badge");
  badge.dataset.total = String(total);
  badge.textContent = t("left.badge", { n: total });
  badge.hidden = !session.get(KEY);
}

export async function refreshLeft() {
  try {
    const page = await api("/v1/review?status=open&limit=1");
    showLeft(page.total);
  } catch {
    // the badge keeps its last count
  }
}

export function showChrome(loggedIn) {
  document.getElementById("nav").hidden = !loggedIn;
  document.getElementById("logout").hidden = !loggedIn;
  document.getElementById("help-button").hidden = !loggedIn;
  if (!loggedIn) document.getElementById("left-badge").hidden = true;
}

export function markNav(page) {
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
