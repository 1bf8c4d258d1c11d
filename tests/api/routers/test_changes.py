"""GET /v1/changes (page, long-poll): filtered to granted types, values graded."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import PURPOSE, City, assert_problem, auth, leaked, person_secrets


def whole_feed(api: TestClient, key: str, purpose: str | None = None) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = api.get("/v1/changes", params={"after": after, "limit": 1000},
                       headers=auth(key, purpose)).json()  # fmt: skip
        events += page["events"]
        if page["next_after"] == after or page["next_after"] >= page["last_seq"]:
            return events
        after = page["next_after"]


def test_feed_values_are_graded(api: TestClient, city: City) -> None:
    events = whole_feed(api, city.keys.dept2)
    changed = [
        e for e in events if e["kind"] == "attributes_changed" and e["subject_type"] == "person"
    ]
    assert changed
    assert not leaked(events, person_secrets(city.store))
    masked = [c["new"] for e in changed for f, c in e["payload"]["changes"].items()
              if f == "id_number" and c.get("new")]  # fmt: skip
    assert masked and all("*" in v for v in masked)
    clear = whole_feed(api, city.keys.dept3, PURPOSE)
    assert leaked(clear, person_secrets(city.store))


def test_feed_shows_only_granted_types(api: TestClient, city: City) -> None:
    admin = whole_feed(api, city.keys.admin)
    assert {"person", "enterprise", None} <= {e["subject_type"] for e in admin}
    analyst = whole_feed(api, city.keys.analyst)
    assert analyst and {e["subject_type"] for e in analyst} <= {"enterprise", "building", "parcel"}
    assert all(not (e["subject_id"] or "").startswith("P-") for e in analyst)
    # events without a subject type: stewards and admins only
    steward = whole_feed(api, city.keys.steward)
    assert any(e["subject_type"] is None for e in steward)
    assert all(e["subject_type"] is not None for e in whole_feed(api, city.keys.dept2))


def test_cursor_skips_hidden_events(api: TestClient, city: City) -> None:
    page = api.get("/v1/changes", params={"limit": 5}, headers=auth(city.keys.firms)).json()
    assert len(page["events"]) == 5
    assert page["next_after"] == page["events"][-1]["seq"]
    assert page["next_after"] > 5  # hidden events before them were skipped
    nxt = api.get("/v1/changes", params={"after": page["next_after"], "limit": 5},
                  headers=auth(city.keys.firms)).json()  # fmt: skip
    assert nxt["events"][0]["seq"] > page["next_after"]


def test_long_poll_waits_for_the_next_event(api: TestClient, city: City) -> None:
    last = api.get("/v1/changes", params={"limit": 1}, headers=auth(city.keys.admin)).json()
    end = last["last_seq"]
    started = time.monotonic()
    empty = api.get("/v1/changes", params={"after": end, "wait": 0.6},
                    headers=auth(city.keys.admin)).json()  # fmt: skip
    assert empty["events"] == [] and empty["next_after"] == end
    assert time.monotonic() - started >= 0.5
    victim = next(e for e in whole_feed(api, city.keys.admin) if e["kind"] == "records_added")
    source, record_id = victim["payload"]["source"], victim["payload"]["items"][0][0]

    def retract_soon() -> None:
        time.sleep(0.4)
        api.delete(f"/v1/sources/{source}/records/{record_id}", headers=auth(city.keys.admin))

    worker = threading.Thread(target=retract_soon)
    worker.start()
    started = time.monotonic()
    page = api.get("/v1/changes", params={"after": end, "wait": 20},
                   headers=auth(city.keys.admin)).json()  # fmt: skip
    worker.join()
    assert page["events"] and page["events"][0]["seq"] > end
    assert time.monotonic() - started < 10


def test_feed_limits_are_validated(api: TestClient, city: City) -> None:
    for params in ({"limit": 0}, {"limit": 1001}, {"wait": 31}, {"after": -1}):
        body = assert_problem(
            api.get("/v1/changes", params=params, headers=auth(city.keys.admin)), 422
        )
        assert body["errors"][0]["loc"].startswith("query.")
