"""Every request is in the hash-chained audit log, failures included; the chain verifies."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from registry.audit import AuditEntry, AuditLog
from registry.cli import app as cli_app
from tests.api.conftest import PURPOSE, City, assert_problem, auth, full_person


def newest(city: City, n: int = 1) -> list[AuditEntry]:
    with AuditLog(city.store) as log:
        return list(reversed(log.query(limit=n)))


def count(city: City) -> int:
    with AuditLog(city.store) as log:
        return log.head()[0]


def test_a_profile_read_records_who_why_what(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.dept3, PURPOSE))
    (entry,) = newest(city)
    assert (entry.client, entry.role, entry.department) == ("hukou-l3", "department", "hukou")
    assert entry.purpose == PURPOSE and entry.outcome == 200
    assert entry.route == "GET /v1/subjects/{subject_id}"
    assert entry.subjects[0] == person.entity_id
    for field in ("id_number", "birth_date", "phone", "address"):
        assert f"{person.entity_id}.{field}" in entry.fields
    api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.dept2, PURPOSE))
    (masked,) = newest(city)
    assert masked.client == "hukou-l2" and masked.fields == ()  # nothing sensitive in clear


def test_failures_are_recorded_too(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    before = count(city)
    calls = [
        (api.get(f"/v1/subjects/{person.entity_id}"), 401, "anonymous"),
        (api.get(f"/v1/subjects/{person.entity_id}", headers=auth("rk_wrong")), 401, "anonymous"),
        (api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.firms)), 403, "firms"),
        (api.get("/v1/audit", headers=auth(city.keys.dept2)), 403, "hukou-l2"),
        (api.get("/v1/subjects/P-99999999", headers=auth(city.keys.admin)), 404, "admin"),
        (api.get("/v1/search", params={"limit": 0}, headers=auth(city.keys.admin)), 422, "admin"),
        (api.get("/v1/no-such-route", headers=auth(city.keys.admin)), 404, "anonymous"),
    ]
    entries = newest(city, len(calls))
    assert count(city) == before + len(calls)
    for (response, status, client), entry in zip(calls, entries, strict=True):
        assert response.status_code == status
        assert (entry.outcome, entry.client) == (status, client)
    assert entries[0].role == "none" and entries[0].route == "GET /v1/subjects/{subject_id}"
    assert entries[-1].route == "GET (unmatched)"


def test_probes_and_metrics_are_not_recorded(api: TestClient, city: City) -> None:
    before = count(city)
    for path in ("/v1/health", "/v1/ready", "/metrics", "/openapi.json"):
        assert api.get(path).status_code == 200
    assert count(city) == before


def test_a_crash_is_a_500_problem_and_recorded(
    api: TestClient, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(api.app.state.api.registry, "profile", boom)  # type: ignore[attr-defined]
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.admin))
    body = assert_problem(r, 500)
    assert "reference" in body["detail"] and "passwd" not in r.text
    (entry,) = newest(city)
    assert entry.outcome == 500 and entry.client == "admin"


def test_no_answer_leaves_unless_it_was_recorded(
    api: TestClient, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(api.app.state.api.audit, "append", refuse)  # type: ignore[attr-defined]
    person = full_person(city.store)
    r = api.get(f"/v1/subjects/{person.entity_id}", headers=auth(city.keys.admin))
    assert_problem(r, 500)
    assert person.golden["name"] not in r.text
    metrics = api.get("/metrics").text
    assert "registry_audit_failures_total 1" in metrics


def test_chain_verifies_and_the_cli_catches_an_edited_entry(api: TestClient, city: City) -> None:
    person = full_person(city.store)
    for key in (city.keys.admin, city.keys.dept2, city.keys.steward):
        api.get(f"/v1/subjects/{person.entity_id}", headers=auth(key))
        api.get("/v1/search", params={"name": person.golden["name"]}, headers=auth(key))
    with AuditLog(city.store) as log:
        result = log.verify()
    assert result.ok and result.entries == count(city) > 10
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["audit", "verify", "--store", str(city.store)])
    assert ok.exit_code == 0 and "intact" in ok.stdout
    conn = sqlite3.connect(city.store / "audit.sqlite3")
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET client = 'someone-else' WHERE seq = 3")
    conn.commit()
    conn.close()
    broken = runner.invoke(cli_app, ["audit", "verify", "--store", str(city.store)])
    assert broken.exit_code == 1
    assert "entry 3" in broken.stderr and "altered" in broken.stderr
