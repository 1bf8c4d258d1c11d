"""The stewards' routes over HTTP: the queue, decisions and their undo, disputes, the log,
judgement export/import, and who may do what."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from registry.clients import ClientRegistry
from registry.service import Registry
from registry.store.base import RecordKey
from registry.store.sqlite import SQLiteStore
from tests.api.conftest import assert_problem, auth
from tests.registry.conftest import ingest_persons

X = "11010519491231002X"
Z = "110101199003071234"


@dataclass(frozen=True)
class Keys:
    steward: str
    admin: str
    dept: str
    firms: str  # a steward granted enterprises only


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, Keys]]:
    """张伟 held together by an id number on three records, and one uncertain pair."""
    reg = Registry(tmp_path / "store")
    try:
        ingest_persons(reg, tmp_path, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
        ingest_persons(reg, tmp_path, "tax", [f"T1,张伟,{X},,1949-12-31"])
        ingest_persons(reg, tmp_path, "social", [f"S1,张伟,{X},13812345678,"])
        ingest_persons(reg, tmp_path, "hukou", [f"H2,欧阳娜娜,{Z},,1990-03-07"])
        ingest_persons(reg, tmp_path, "marriage", ["M2,欧阳娜娜,,13700000000,1990-03-07"])
    finally:
        reg.close()
    with ClientRegistry(tmp_path / "store") as clients:
        keys = Keys(
            steward=clients.add("s1", "steward", "L3", "person,enterprise")[1],
            admin=clients.add("root", "admin", "L4", None)[1],
            dept=clients.add("hukou-sys", "department", "L2", "person", "hukou")[1],
            firms=clients.add("s2", "steward", "L3", "enterprise")[1],
        )
    with TestClient(create_app(tmp_path / "store")) as client:
        yield client, keys


def subject_of(api: TestClient, key: str, ref: str) -> str:
    """The subject a record belongs to now, read from the store (the answer is not graded)."""
    store = SQLiteStore(api.app.state.api.registry.directory)  # type: ignore[attr-defined]
    try:
        source, _, record_id = ref.partition("/")
        rec = store.get_record(RecordKey(source, record_id))
        assert rec is not None and rec.entity_id is not None
        return rec.entity_id
    finally:
        store.close()


def test_queue_decide_undo_and_the_audit(setup: tuple[TestClient, Keys]) -> None:
    api, keys = setup
    page = api.get("/v1/review", headers=auth(keys.steward)).json()
    assert page["total"] == 1 and page["open_by_reason"] == {"review_band": 1}
    item = page["items"][0]
    assert {item["left"], item["right"]} == {"hukou/H2", "marriage/M2"}
    assert item["left_subject"] != item["right_subject"]
    assert item["priority"] == pytest.approx(item["impact"] * item["uncertainty"], rel=1e-3)
    assert api.get(f"/v1/review/{item['id']}", headers=auth(keys.steward)).json() == item

    made = api.post(
        "/v1/decisions",
        json={"kind": "match", "left": "hukou/H2", "right": "marriage/M2",
              "comment": "same phone on file", "review_id": item["id"]},
        headers=auth(keys.steward),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    d = made.json()
    assert d["kind"] == "match" and d["steward"] == "s1" and len(d["subjects"]) == 1
    assert api.get("/v1/review", headers=auth(keys.steward)).json()["total"] == 0
    merged = api.get(f"/v1/subjects/{d['subjects'][0]}", headers=auth(keys.steward)).json()
    held = {r["record_id"] for recs in merged["records"].values() for r in recs}
    assert held >= {"H2", "M2"}

    undone = api.post(f"/v1/decisions/{d['id']}/undo", json={}, headers=auth(keys.steward))
    assert undone.status_code == 201 and undone.json()["undoes"] == d["id"]
    assert len(undone.json()["subjects"]) == 2
    assert api.get("/v1/review", headers=auth(keys.steward)).json()["total"] == 1
    log = api.get("/v1/decisions", headers=auth(keys.steward)).json()
    assert [x["kind"] for x in log["decisions"]] == ["undo", "match"]
    assert log["decisions"][1]["undone_by"] == log["decisions"][0]["id"]
    again = api.post(f"/v1/decisions/{d['id']}/undo", json={}, headers=auth(keys.steward))
    assert "decision_id" in assert_problem(again, 422)["detail"]

    audit = api.get("/v1/audit", params={"limit": 50}, headers=auth(keys.admin)).json()
    routes = [(e["client"], e["route"]) for e in audit["entries"]]
    assert ("s1", "POST /v1/decisions") in routes
    assert ("s1", "POST /v1/decisions/{decision_id}/undo") in routes
    feed = api.get("/v1/changes", params={"after": 0, "limit": 1000}, headers=auth(keys.admin))
    kinds = [e["kind"] for e in feed.json()["events"]]
    assert "decision" in kinds and "decision_undone" in kinds


def test_move_dissolve_and_merge(setup: tuple[TestClient, Keys]) -> None:
    api, keys = setup
    held = subject_of(api, keys.steward, "hukou/H1")
    moved = api.post("/v1/decisions", json={"kind": "move", "record": "social/S1"},
                     headers=auth(keys.steward))  # fmt: skip
    assert moved.status_code == 201, moved.text
    assert subject_of(api, keys.steward, "social/S1") != held
    other = subject_of(api, keys.steward, "social/S1")
    merged = api.post("/v1/decisions", json={"kind": "merge", "left": held, "right": other},
                      headers=auth(keys.steward))  # fmt: skip
    assert merged.status_code == 201
    assert subject_of(api, keys.steward, "social/S1") == subject_of(api, keys.steward, "hukou/H1")
    target = subject_of(api, keys.steward, "hukou/H1")
    gone = api.post("/v1/decisions", json={"kind": "dissolve", "subject": target},
                    headers=auth(keys.steward))  # fmt: skip
    assert gone.status_code == 201 and len(gone.json()["subjects"]) == 3


def test_refusals_name_the_field(setup: tuple[TestClient, Keys]) -> None:
    api, keys = setup
    single = subject_of(api, keys.steward, "marriage/M2")
    bad = api.post("/v1/decisions", json={"kind": "dissolve", "subject": single},
                   headers=auth(keys.steward))  # fmt: skip
    body = assert_problem(bad, 422)
    assert body["errors"][0]["loc"] == "body.subject"
    missing = api.post("/v1/decisions", json={"kind": "match", "left": "hukou/H1",
                       "right": "tax/NONE"}, headers=auth(keys.steward))  # fmt: skip
    assert "right" in assert_problem(missing, 404)["detail"]
    unknown_kind = api.post("/v1/decisions", json={"kind": "approve"}, headers=auth(keys.steward))
    assert_problem(unknown_kind, 422)
    # departments dispute but do not decide; a steward sees only granted types
    denied = api.post("/v1/decisions", json={"kind": "match", "left": "hukou/H1",
                      "right": "tax/T1"}, headers=auth(keys.dept))  # fmt: skip
    assert "steward" in assert_problem(denied, 403)["detail"]
    assert api.get("/v1/review", headers=auth(keys.firms)).json()["total"] == 0
    assert_problem(api.get("/v1/review", params={"type": "person"}, headers=auth(keys.firms)), 403)


def test_a_department_dispute_reaches_the_queue(setup: tuple[TestClient, Keys]) -> None:
    api, keys = setup
    sid = subject_of(api, keys.steward, "hukou/H1")
    raised = api.post(f"/v1/subjects/{sid}/disputes", json={"comment": "两人被合并"},
                      headers=auth(keys.dept))  # fmt: skip
    assert raised.status_code == 201, raised.text
    item = raised.json()
    assert item["reason"] == "dispute" and item["left_subject"] == sid
    assert item["raised_by"] == "hukou" and item["comment"] == "两人被合并"
    queue = api.get("/v1/review", params={"reason": "dispute"}, headers=auth(keys.steward))
    assert [i["id"] for i in queue.json()["items"]] == [item["id"]]
    dismissed = api.post(f"/v1/review/{item['id']}/dismiss", json={"comment": "one person"},
                         headers=auth(keys.steward))  # fmt: skip
    assert dismissed.status_code == 201 and dismissed.json()["kind"] == "dismiss"
    assert api.get("/v1/review", params={"reason": "dispute"},
                   headers=auth(keys.steward)).json()["total"] == 0  # fmt: skip
    empty = api.post(f"/v1/subjects/{sid}/disputes", json={"comment": ""}, headers=auth(keys.dept))
    assert_problem(empty, 422)


def test_judgements_export_and_import(setup: tuple[TestClient, Keys], tmp_path: Path) -> None:
    api, keys = setup
    api.post("/v1/decisions", json={"kind": "no_match", "left": "hukou/H1", "right": "tax/T1"},
             headers=auth(keys.steward))  # fmt: skip
    exported = api.get("/v1/judgements/export", headers=auth(keys.steward))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    lines = exported.text.splitlines()
    assert len(lines) == 1 and '"no_match"' in lines[0]
    steward_import = api.post("/v1/judgements/import", content=exported.content,
                              headers=auth(keys.steward))  # fmt: skip
    assert_problem(steward_import, 403)
    again = api.post("/v1/judgements/import", content=exported.content, headers=auth(keys.admin))
    assert again.json() == {"imported": 0, "already_present": 1}
    broken = api.post("/v1/judgements/import", content=b'{"jid": 1}\n', headers=auth(keys.admin))
    assert "line 1" in assert_problem(broken, 422)["detail"]


def test_the_reasons_agree_across_store_api_and_console() -> None:
    from typing import get_args

    from api.models_review import ReviewItemOut
    from registry.store.base import REVIEW_REASONS, REVIEW_STATUSES

    fields = ReviewItemOut.model_fields
    assert set(get_args(fields["reason"].annotation)) == set(REVIEW_REASONS)
    assert set(get_args(fields["status"].annotation)) == set(REVIEW_STATUSES)
    codes = (Path(__file__).parents[3] / "api" / "console" / "codes.js").read_text("utf-8")
    labels = (Path(__file__).parents[3] / "api" / "console" / "i18n.js").read_text("utf-8")
    for reason in REVIEW_REASONS:
        assert f'"{reason}"' in codes and labels.count(f'"reason.{reason}"') == 2, reason
