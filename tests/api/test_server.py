"""The API on a real uvicorn server on a free loopback port: HTTP/1.1 over TCP, SSE."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from registry.access import mask_id_number
from tests.api.conftest import PURPOSE, City, auth, full_person, leaked, person_secrets
from tests.serving import serve


@pytest.fixture(scope="module")
def base_url(city: City) -> Iterator[str]:
    with serve(city.store) as url:
        yield url


def test_profile_over_tcp_is_graded(base_url: str, city: City) -> None:
    person = full_person(city.store)
    with httpx.Client(base_url=base_url, timeout=10) as http:
        masked = http.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.dept2))
        clear = http.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.dept3, PURPOSE))
        missing = http.get(f"/v1/subjects/{person.entity_id}")
    assert masked.status_code == 200
    got = masked.json()["attributes"]["id_number"]["value"]
    assert got == mask_id_number(person.golden["id_number"])
    assert not leaked(masked.json(), person_secrets(city.store))
    assert clear.json()["attributes"]["id_number"]["value"] == person.golden["id_number"]
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"


def test_concurrent_reads(base_url: str, city: City) -> None:
    person = full_person(city.store)

    def read(_: int) -> int:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            return http.get(
                f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.admin)
            ).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(read, range(40))) == {200}


def sse_events(response: httpx.Response, n: int) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in current:
                events.append(current)
                if len(events) == n:
                    break
            current = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(": ")
        current[name] = value
    return events


def test_sse_stream_graded_filtered_and_resumable(base_url: str, city: City) -> None:
    with httpx.Client(base_url=base_url, timeout=20) as http:
        with http.stream("GET", "/v1/changes/stream", params={"limit": 300},
                         headers=auth(city.keys.dept2)) as r:  # fmt: skip
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            events = sse_events(r, 300)
        assert len(events) == 300
        seqs = [int(e["id"]) for e in events]
        assert seqs == sorted(seqs)
        payloads = [json.loads(e["data"]) for e in events]
        assert all(p["seq"] == s for p, s in zip(payloads, seqs, strict=True))
        assert all(p["subject_type"] is not None for p in payloads)  # untyped: stewards only
        assert not leaked(payloads, person_secrets(city.store))
        # resume after the 100th with Last-Event-ID
        with http.stream("GET", "/v1/changes/stream", params={"limit": 5},
                         headers={**auth(city.keys.dept2), "Last-Event-ID": str(seqs[99])}) as r:  # fmt: skip
            resumed = [int(e["id"]) for e in sse_events(r, 5)]
        assert resumed == seqs[100:105]
        # a client without person grants sees no person event
        with http.stream("GET", "/v1/changes/stream", params={"limit": 50},
                         headers=auth(city.keys.analyst)) as r:  # fmt: skip
            hidden = [json.loads(e["data"]) for e in sse_events(r, 50)]
        assert hidden and all(p["subject_type"] != "person" for p in hidden)


def test_sse_batches_are_audited(base_url: str, city: City) -> None:
    from registry.audit import AuditLog

    with httpx.Client(base_url=base_url, timeout=20) as http:
        last = http.get("/v1/changes", params={"limit": 1}, headers=auth(city.keys.steward))
        after = max(0, last.json()["last_seq"] - 200)  # stewards see every event: 200 remain
        with http.stream("GET", "/v1/changes/stream", params={"limit": 20, "after": after},
                         headers=auth(city.keys.steward)) as r:  # fmt: skip
            assert len(sse_events(r, 20)) == 20
    time.sleep(0.2)
    with AuditLog(city.store) as log:
        entries = [e for e in log.query(client="steward", limit=10) if "stream" in e.route]
    assert len(entries) >= 2  # the opening, then one entry per batch sent
    assert any(e.subjects for e in entries)
