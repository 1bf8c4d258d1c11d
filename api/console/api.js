// The registry's JSON API as the console calls it, and what the tab remembers.
//
// The tab's storage: the API key and the purpose (sessionStorage, this tab only, cleared on
// log out), the decisions made here (for undo), the skipped items and the queue's last
// filters, all through `session`, which never throws when storage is refused. `request` sends
// a call with `Authorization: Bearer <key>` and `X-Purpose` (UTF-8 carried as Latin-1, as the
// API reads headers back) and turns a problem+json answer into an ApiError whose `detail` is
// shown; `api` does the same with the session's key and ends the session on a 401 (through
// the hook set with `onExpired`); `attempt` turns a failure into a value for parts of a page
// that may fail alone; `getProfile` fetches a subject's profile that way.

import { t } from "./i18n.js";

export const KEY = "registry.console.key";
export const PURPOSE = "registry.console.purpose";
export const MINE = "registry.console.decisions"; // decisions made in this tab, newest last
export const SKIPPED = "registry.console.skipped"; // review items skipped in this tab
export const FILTERS = "registry.console.filters"; // the queue's last filters, for "next item"

export const PAGE = 50; // items per page of the queue and of the decision log

/** sessionStorage that never throws (a refused write lasts as long as the page). */
export const session = {
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

export const enc = encodeURIComponent;

let expired = () => {}; // what a 401 on the session's key does (login.js ends the session)

/** Set what happens when the API refuses the session's key (the session ends). */
export function onExpired(fn) {
  expired = fn;
}

export class ApiError extends Error {
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

export function qs(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : "";
}

export async function request(path, options = {}) {
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
export async function api(path, options = {}) {
  try {
    return (await request(path, options)).data;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && !("key" in options)) expired(err);
    throw err;
  }
}

/** A failed call as a value (for parts of a page that may fail alone). */
export async function attempt(promise) {
  try {
    return { data: await promise };
  } catch (error) {
    return { error };
  }
}

/** A subject's profile as a value or an error (a 401 ends the session). */
export async function getProfile(id) {
  try {
    const { data } = await request(`/v1/subjects/${enc(id)}`);
    return { data };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) expired(error);
    return { error };
  }
}
