// Keyboard shortcuts. The current view registers its own keys with `setKeyHandler` (the
// queue: j/k/arrows and Enter; the comparison: m, n, u, s, z, d and Esc); `onKey` hands a
// key to the view first, then handles those that work anywhere (z undo, g the queue, ? the
// help dialog). Keys are ignored while typing in a field (Esc leaves it), with a modifier,
// while composing text, when logged out and while the help dialog is open.

import { KEY, session } from "./api.js";
import { undoLast } from "./decisions.js";
import { go, queueHash, savedFilters } from "./routes.js";

let keyHandler = null; // the current view's shortcuts: (event) => handled?

/** Set the current view's shortcuts (null: none; a new render clears them). */
export function setKeyHandler(fn) {
  keyHandler = fn;
}

export function openHelp() {
  const dialog = document.getElementById("help");
  if (!dialog.open) dialog.showModal();
}

export function onKey(event) {
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
