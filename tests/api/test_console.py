"""The stewards' console end to end: a real uvicorn on a free port, driven by a real headless
Chromium (Debian's, through Playwright; no browser is downloaded), checked through the API.

The demo city resolves without anything left for review, so the module first pushes, over
HTTP as a department would, a few household records that share a person's name and birth
date but not the phone: each lands in the review band against that person's records.

Screenshots of the queue and of a comparison go to ``artifacts/console/`` under the repository
root (``$REGISTRY_ARTIFACTS/console/`` when that is set).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from graph_schema.subject_types import SubjectType
from tests.api.conftest import City, auth, entities
from tests.serving import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 15_000
SEEDED = 6  # near-duplicate records pushed; each should open one review item


def artifacts_dir() -> Path:
    base = os.environ.get("REGISTRY_ARTIFACTS")
    folder = (Path(base) if base else ROOT / "artifacts") / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_until(
    check: Callable[[], Any],
    what: str,
    context: Callable[[], str] | None = None,
    timeout: float = 15.0,
) -> Any:
    """Poll ``check`` until it returns something truthy (``context`` says what the page showed
    when it did not)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            seen = f" ({context()})" if context is not None else ""
            raise AssertionError(f"timed out waiting for {what}{seen}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Console:
    base: str  # http://127.0.0.1:port
    city: City
    http: httpx.Client

    def get(self, path: str, key: str, **params: Any) -> Any:
        response = self.http.get(path, params=params, headers=auth(key))
        assert response.status_code == 200, response.text
        return response.json()

    def item(self, item_id: int) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/v1/review/{item_id}", self.city.keys.admin)
        return found

    def decisions(self) -> dict[str, Any]:
        found: dict[str, Any] = self.get("/v1/decisions", self.city.keys.admin, limit=5)
        return found


def near_duplicates(store: Path, n: int) -> list[dict[str, str]]:
    """Household rows repeating the name and birth date of ``n`` people with a new phone."""
    rows = []
    for e in entities(store, SubjectType.PERSON):
        g = e.golden
        birth = str(g.get("birth_date", ""))
        if not (g.get("name") and g.get("phone") and g.get("gender") in ("M", "F")):
            continue
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", birth):
            continue
        i = len(rows) + 1
        rows.append(
            {
                "人员编号": f"HJ9{i:08d}",
                "姓名": str(g["name"]),
                "性别": "男" if g["gender"] == "M" else "女",
                "出生日期": birth.replace("-", ""),
                "联系电话": f"1390000{i:04d}",
            }
        )
        if len(rows) == n:
            break
    return rows


@pytest.fixture(scope="module")
def console(city: City) -> Iterator[Console]:
    """A real server over this module's store, with review items pushed in over HTTP."""
    rows = near_duplicates(city.store, SEEDED)
    with serve(city.store) as base, httpx.Client(base_url=base, timeout=30) as http:
        pushed = http.post(
            "/v1/sources/hukou/records", json={"rows": rows}, headers=auth(city.keys.admin)
        )
        assert pushed.status_code == 200, pushed.text
        yield Console(base, city, http)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure-chromium.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


PAGE_ERRORS: dict[int, list[str]] = {}  # id(page) -> uncaught script errors in it


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    errors = PAGE_ERRORS.setdefault(id(page), [])
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def show(page: Page, console: Console, view: str) -> None:
    """Open a view of the console (``#/…``) and wait until it is on screen: the previous view
    stays up, inputs and all, while the next one loads."""
    page.goto(f"{console.base}/console{view}")
    expect(page.locator(f"main[data-view='{view}'][aria-busy=false]")).to_be_attached()


def log_in(page: Page, console: Console, key: str) -> None:
    page.goto(f"{console.base}/console")
    page.fill("#login-key", key)
    page.click(".login-form button[type=submit]")


@pytest.fixture(scope="module")
def steward(browser: Browser, console: Console) -> Iterator[Page]:
    """One logged-in steward's tab for the module."""
    page = new_page(browser)
    log_in(page, console, console.city.keys.steward)
    expect(page.get_by_test_id("queue-left")).to_be_visible()
    yield page
    assert not PAGE_ERRORS.pop(id(page)), "uncaught errors in the console's scripts"
    page.close()


def test_console_is_static_served_without_key_and_not_audited(console: Console) -> None:
    http = console.http
    page = http.get("/console")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/console/static/app.js">' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert http.get("/console/").status_code == 200
    for name, kind in (("app.js", "javascript"), ("i18n.js", "javascript"),
                       ("api.js", "javascript"), ("codes.js", "javascript"),
                       ("compare.js", "javascript"), ("decisions.js", "javascript"),
                       ("dom.js", "javascript"), ("graph_svg.js", "javascript"),
                       ("header.js", "javascript"), ("keys.js", "javascript"),
                       ("login.js", "javascript"), ("profile.js", "javascript"),
                       ("queue.js", "javascript"), ("routes.js", "javascript"),
                       ("subject.js", "javascript"), ("subject_actions.js", "javascript"),
                       ("style.css", "text/css")):  # fmt: skip
        asset = http.get(f"/console/static/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"], name
    assert http.get("/console/static/%2e%2e/routers/console.py").status_code == 404
    assert http.get("/console/static/nothing.js").status_code == 404
    assert not [p for p in http.get("/openapi.json").json()["paths"] if "console" in p]
    audit = console.get("/v1/audit", console.city.keys.admin, limit=1000)["entries"]
    assert audit, "the API calls themselves are audited"
    assert not [e for e in audit if "console" in e["route"]]


def test_login_rejects_a_bad_key_and_shows_the_queue(browser: Browser, console: Console) -> None:
    page = new_page(browser)
    try:
        log_in(page, console, "rk_not-a-key")
        expect(page.get_by_test_id("login-error")).to_contain_text("密钥无效")
        log_in(page, console, console.city.keys.dept2)  # a department may not review
        expect(page.get_by_test_id("login-error")).to_contain_text("无权审核")
        page.fill("#login-key", console.city.keys.steward)
        page.click(".login-form button[type=submit]")
        left = page.get_by_test_id("queue-left")
        expect(left).to_contain_text("剩余")
        total = console.get("/v1/review", console.city.keys.steward, limit=1)["total"]
        assert total >= 2, "the pushed records should have opened review items"
        expect(left).to_have_attribute("data-total", str(total))
        expect(page.get_by_test_id("left-badge")).to_contain_text(str(total))
        page.click("#logout")
        expect(page.locator("#login-key")).to_be_visible()
        assert page.evaluate("sessionStorage.length") == 0
        assert not PAGE_ERRORS.pop(id(page)), "uncaught errors in the console's scripts"
    finally:
        page.close()


def open_compare(page: Page, item: dict[str, Any]) -> None:
    """Wait until the comparison of ``item`` is on screen."""
    expect(page).to_have_url(re.compile(rf"#/compare/.*\?review={item['id']}$"))
    expect(page.get_by_test_id("review-item")).to_contain_text(f"#{item['id']}")
    expect(page.get_by_test_id("why-table")).to_be_visible()
    expect(page.locator("[data-action=match]")).to_be_enabled()
    # a decision or undo still on its way ignores keys: wait until the console is idle
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bbusy\b"))


def test_review_decide_undo_and_audit(steward: Page, console: Console) -> None:
    keys = console.city.keys
    page = steward
    show(page, console, "#/queue")
    rows = page.locator("[data-testid=queue-table] tbody tr")
    expect(rows.first).to_be_visible()
    queue = console.get("/v1/review", keys.steward, limit=50)
    assert rows.count() == len(queue["items"]) >= 2
    first = queue["items"][0]
    assert first["left"] and first["right"] and first["left_subject"] != first["right_subject"]
    page.screenshot(path=str(artifacts_dir() / "queue.png"), full_page=True)

    # keyboard: down, up, Enter opens the first pair
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    open_compare(page, first)
    expect(page.get_by_test_id("relation")).to_have_attribute("data-same", "false")
    expect(page.get_by_test_id("side-left")).to_contain_text(first["left_subject"])
    expect(page.get_by_test_id("side-right")).to_contain_text(first["right_subject"])
    assert page.locator("[data-testid=why-table] tbody tr").count() >= 3
    page.screenshot(path=str(artifacts_dir() / "compare.png"), full_page=True)

    # m: match; the two records are one subject now, and the audit log says who did it
    before = console.decisions()["total"]
    page.fill("#decide-comment", "同名同生日，电话为新号")
    page.locator("main").focus()
    page.keyboard.press("m")
    wait_until(lambda: console.decisions()["total"] == before + 1, "the match decision")
    made = console.decisions()["decisions"][0]
    assert made["kind"] == "match" and made["steward"] == "steward"
    assert made["comment"] == "同名同生日，电话为新号" and made["review_id"] == first["id"]
    after = console.item(first["id"])
    assert after["status"] == "decided"
    assert after["left_subject"] == after["right_subject"] is not None
    audit = console.get("/v1/audit", keys.admin, client="steward", limit=200)["entries"]
    assert any(e["route"] == "POST /v1/decisions" and e["outcome"] == 201 for e in audit)
    # the console went on to the next open item
    expect(page).to_have_url(re.compile(rf"#/compare/.*\?review=(?!{first['id']}$)[0-9]+$"))
    expect(page.get_by_test_id("why-table")).to_be_visible()

    # z: undo; apart again, the item open again, and the console back on that pair
    page.locator("main").focus()
    page.keyboard.press("z")
    wait_until(lambda: console.decisions()["total"] == before + 2, "the undo")
    undo = console.decisions()["decisions"][0]
    assert undo["kind"] == "undo" and undo["undoes"] == made["id"]
    reopened = console.item(first["id"])
    assert reopened["status"] == "open"
    assert reopened["left_subject"] != reopened["right_subject"]
    open_compare(page, first)
    expect(page.get_by_test_id("relation")).to_have_attribute("data-same", "false")

    # n: not a match; still apart, the item decided, the decision logged
    page.locator("main").focus()
    page.keyboard.press("n")
    wait_until(
        lambda: console.decisions()["total"] == before + 3,
        "the no-match decision",
        lambda: f"url {page.url}; toast {page.locator('#toast').text_content()!r}",
    )
    refused = console.decisions()["decisions"][0]
    assert refused["kind"] == "no_match" and refused["review_id"] == first["id"]
    closed = console.item(first["id"])
    assert closed["status"] == "decided"
    assert closed["left_subject"] != closed["right_subject"]
    audit = console.get("/v1/audit", keys.admin, client="steward", limit=200)["entries"]
    routes = [e["route"] for e in audit]
    assert routes.count("POST /v1/decisions") >= 2
    assert "POST /v1/decisions/{decision_id}/undo" in routes
    expect(page.get_by_test_id("left-badge")).to_have_attribute(
        "data-total", str(console.get("/v1/review", keys.steward, limit=1)["total"])
    )


def test_language_toggle(steward: Page, console: Console) -> None:
    page = steward
    show(page, console, "#/queue")
    queue_link = page.locator("[data-nav=queue]")
    expect(queue_link).to_have_text("待审队列")
    expect(page.locator("#queue-title")).to_have_text("待审队列")
    page.click("#lang-toggle")
    expect(queue_link).to_have_text("Review queue")
    expect(page.locator("#queue-title")).to_have_text("Review queue")
    expect(page.get_by_test_id("queue-left")).to_contain_text("left")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()  # the choice is remembered
    expect(page.locator("#queue-title")).to_have_text("Review queue")
    page.click("#lang-toggle")
    expect(page.locator("#queue-title")).to_have_text("待审队列")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_subject_page_draws_the_neighbourhood(steward: Page, console: Console) -> None:
    keys = console.city.keys

    def with_neighbours() -> str | None:
        for e in entities(console.city.store, SubjectType.PERSON)[:50]:
            hood = console.get(f"/v1/subjects/{e.entity_id}/neighbourhood", keys.steward, hops=1)
            if len(hood["nodes"]) >= 3:
                return e.entity_id
        return None

    sid = with_neighbours()
    assert sid is not None
    page = steward
    show(page, console, f"#/subject/{sid}")
    svg = page.get_by_test_id("neighbourhood")
    expect(svg).to_be_visible()
    nodes = svg.locator(".node")
    assert nodes.count() > 1
    assert nodes.count() == int(svg.get_attribute("data-nodes") or 0)
    expect(svg.locator(".node.centre")).to_have_attribute("data-id", sid)
    expect(page.locator("table.golden")).to_be_visible()
    expect(page.locator("ol.events li").first).to_be_visible()
    # a neighbour's node opens its own page
    other = svg.locator(".node:not(.centre)").first
    other_id = other.get_attribute("data-id")
    other.click()
    expect(page.locator("[data-subject]")).to_have_attribute("data-subject", str(other_id))


def settled(page: Page) -> None:
    """Wait until the console has finished what a button started (it ignores clicks meanwhile)."""
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bbusy\b"))


def records_by_subject(console: Console, subjects: list[str]) -> dict[str, str]:
    """source/record_id -> subject, over the given subjects' profiles."""
    out = {}
    for sid in subjects:
        profile = console.get(f"/v1/subjects/{sid}", console.city.keys.admin)
        for source, records in profile["records"].items():
            for r in records:
                out[f"{source}/{r['record_id']}"] = profile["id"]
    return out


def test_subject_page_dispute_merge_move_and_undo(steward: Page, console: Console) -> None:
    keys = console.city.keys
    page = steward
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of merge and move
    items = console.get("/v1/review", keys.steward, limit=50, reason="review_band")["items"]
    pair = next(i for i in items if i["left_subject"] != i["right_subject"])
    held, newcomer = pair["left_subject"], pair["right_subject"]

    # a dispute raised from the subject page, then dismissed from its banner
    show(page, console, f"#/subject/{held}")
    page.fill("#dispute-comment", "地址有误")
    page.click("[data-action=dispute]")
    expect(page).to_have_url(re.compile(r"\?review=[0-9]+$"))
    item_id = int(page.url.rsplit("=", 1)[1])
    disputed = console.item(item_id)
    assert disputed["reason"] == "dispute" and disputed["left_subject"] == held
    assert disputed["comment"] == "地址有误" and disputed["status"] == "open"
    expect(page.get_by_test_id("review-item")).to_contain_text(f"#{item_id}")
    page.click("[data-action=dismiss]")
    wait_until(lambda: console.item(item_id)["status"] == "dismissed", "the dismissal")
    settled(page)

    # merge the pair's two subjects from the page, then undo with z
    before = console.decisions()["total"]
    show(page, console, f"#/subject/{held}")
    page.fill("#merge-with", newcomer)
    page.click("[data-action=merge]")
    wait_until(lambda: console.decisions()["total"] == before + 1, "the merge")
    merge = console.decisions()["decisions"][0]
    assert merge["kind"] == "merge" and merge["args"] == {"left": held, "right": newcomer}
    joined = console.item(pair["id"])
    assert joined["left_subject"] == joined["right_subject"]
    expect(page.locator("[data-subject]")).to_have_attribute("data-subject", merge["subjects"][0])
    page.locator("main").focus()
    page.keyboard.press("z")
    wait_until(lambda: console.decisions()["total"] == before + 2, "the undo of the merge")
    apart = console.item(pair["id"])
    assert apart["left_subject"] != apart["right_subject"]
    settled(page)

    # move a record out of its subject, then undo it from the decision log
    show(page, console, f"#/subject/{held}")
    first = page.locator("[data-action=move-out]").first
    moved = first.locator("xpath=ancestor::tr").get_attribute("data-ref")
    assert moved is not None
    mates = set(records_by_subject(console, [held])) - {moved}
    assert mates, "the subject should hold more than one record"
    first.click()
    wait_until(lambda: console.decisions()["total"] == before + 3, "the move")
    move = console.decisions()["decisions"][0]
    assert move["kind"] == "move" and move["args"]["record"] == moved
    where = records_by_subject(console, move["subjects"])
    assert all(where[m] != where[moved] for m in mates)
    settled(page)
    show(page, console, "#/decisions")
    row = page.locator(f"[data-testid=decisions-table] tr[data-id='{move['id']}']")
    row.locator("[data-action=undo]").click()
    wait_until(lambda: console.decisions()["total"] == before + 4, "the undo of the move")
    assert console.decisions()["decisions"][0]["undoes"] == move["id"]
    where = records_by_subject(console, [held])
    assert where.get(moved) == held and mates <= set(where)
