"""POST/DELETE /v1/sources/{source}/records: department pushes with `registry ingest` semantics."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.limits import MAX_BATCH_ROWS
from tests.api.conftest import City, assert_problem, auth

NEW_ROWS: list[dict[str, Any]] = [
    {
        "个人编号": f"API{i:05d}", "姓名": name, "身份证号码": idn, "性别": "女",
        "手机号码": f"1390000{i:04d}", "参保单位编号": "DW99", "参保单位名称": "杭州测试科技有限公司",
        "统一社会信用代码": None, "参保日期": "2024-01-01", "参保状态": "参保缴费",
        "险种类型": "城镇职工基本养老保险",
    }
    for i, (name, idn) in enumerate(
        [("林小雨", "330106199001011229"), ("周静", "330106198502022246")], start=1
    )
]  # fmt: skip


def city_rows(city: City, source: str) -> list[dict[str, str]]:
    with (city.city / "sources" / f"{source}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_push_creates_then_is_idempotent(api: TestClient, city: City) -> None:
    url = "/v1/sources/social_insurance/records"
    r = api.post(url, json={"rows": NEW_ROWS}, headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "social_insurance" and body["mapping"] == "social_insurance"
    assert body["rows_read"] == 2 and body["records"]["created"] >= 2
    assert body["quarantined"] == 0 and body["resolution"]["created"] >= 1
    again = api.post(url, json={"rows": NEW_ROWS}, headers=auth(city.keys.dept2)).json()
    assert again["records"]["created"] == 0 and again["records"]["updated"] == 0
    assert again["records"]["unchanged"] == body["records"]["created"]
    changed = [dict(NEW_ROWS[0], 手机号码="13900009999")]
    third = api.post(url, json={"rows": changed}, headers=auth(city.keys.dept2)).json()
    assert third["records"]["updated"] == 1  # a new version


def test_bad_rows_are_quarantined_with_reasons(api: TestClient, city: City) -> None:
    rows = [dict(NEW_ROWS[1], 个人编号=""), dict(NEW_ROWS[1], 个人编号="API09999")]
    r = api.post("/v1/sources/social_insurance/records", json={"rows": rows},
                 headers=auth(city.keys.admin))  # fmt: skip
    body = r.json()
    assert r.status_code == 200 and body["quarantined"] == 1
    (reason,) = body["quarantine_reasons"]
    assert reason["line"] == 1 and reason["reasons"]


def test_mapping_named_in_the_body(api: TestClient, city: City) -> None:
    rows = city_rows(city, "hukou")[:3]
    r = api.post("/v1/sources/hukou-api/records", json={"mapping": "hukou", "rows": rows},
                 headers=auth(city.keys.dept2))  # fmt: skip
    assert r.status_code == 200 and r.json()["mapping"] == "hukou"
    assert r.json()["source"] == "hukou-api" and r.json()["records"]["created"] > 0
    r = api.post("/v1/sources/hukou/records", json={"mapping": "missing", "rows": rows},
                 headers=auth(city.keys.dept2))  # fmt: skip
    assert assert_problem(r, 422)["errors"][0]["loc"] == "body.mapping"
    r = api.post("/v1/sources/nowhere/records", json={"rows": rows}, headers=auth(city.keys.dept2))
    assert "nowhere" in assert_problem(r, 404)["detail"]


def test_only_departments_and_admins_push(api: TestClient, city: City) -> None:
    for key in (city.keys.analyst, city.keys.steward):
        r = api.post("/v1/sources/hukou/records", json={"rows": []}, headers=auth(key))
        assert "department or admin" in assert_problem(r, 403)["detail"]
        r = api.delete("/v1/sources/hukou/records/X", headers=auth(key))
        assert_problem(r, 403)
    assert_problem(api.post("/v1/sources/hukou/records", json={"rows": []}), 401)


def test_malformed_batches_are_422_with_the_field_path(api: TestClient, city: City) -> None:
    cases: list[tuple[Any, str]] = [
        ({"rows": [{"a": {"nested": 1}}]}, "body.rows[0].a"),
        ({"rows": "x"}, "body.rows"),
        ({}, "body.rows"),
        ({"rows": [], "extra": 1}, "body.extra"),
    ]
    for payload, loc in cases:
        r = api.post("/v1/sources/hukou/records", json=payload, headers=auth(city.keys.admin))
        body = assert_problem(r, 422)
        assert any(e["loc"].startswith(loc) for e in body["errors"]), body
    r = api.post("/v1/sources/hukou/records", content=b"{not json",
                 headers={**auth(city.keys.admin), "Content-Type": "application/json"})  # fmt: skip
    assert assert_problem(r, 422)["errors"][0]["loc"].startswith("body")


def test_too_many_rows_is_413(api: TestClient, city: City) -> None:
    rows = [{"个人编号": str(i)} for i in range(MAX_BATCH_ROWS + 1)]
    r = api.post("/v1/sources/hukou/records", json={"rows": rows}, headers=auth(city.keys.admin))
    assert "5,000" in assert_problem(r, 413)["detail"]


@pytest.fixture(scope="module")
def small_body_api(city: City) -> Iterator[TestClient]:
    with TestClient(create_app(city.store, max_body_bytes=2_000)) as client:
        yield client


def test_too_large_a_body_is_413(small_body_api: TestClient, city: City) -> None:
    rows = city_rows(city, "hukou")[:20]
    r = small_body_api.post("/v1/sources/hukou/records", json={"rows": rows},
                            headers=auth(city.keys.admin))  # fmt: skip
    assert "2,000 bytes" in assert_problem(r, 413)["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"rows": ['
        for _ in range(100):
            yield b'{"a": "' + b"x" * 50 + b'"},'
        yield b'{"a": "x"}]}'

    r = small_body_api.post("/v1/sources/hukou/records", content=chunks(),
                            headers={**auth(city.keys.admin), "Content-Type": "application/json"})  # fmt: skip
    assert_problem(r, 413)


def test_retract(api: TestClient, city: City) -> None:
    source, record_id = "hukou", city_rows(city, "hukou")[5]["人员编号"]
    r = api.delete(f"/v1/sources/{source}/records/{record_id}", headers=auth(city.keys.dept2))
    assert r.status_code == 200, r.text
    assert r.json()["record_id"] == record_id and r.json()["subjects"]
    again = api.delete(f"/v1/sources/{source}/records/{record_id}", headers=auth(city.keys.dept2))
    assert record_id in assert_problem(again, 404)["detail"]
