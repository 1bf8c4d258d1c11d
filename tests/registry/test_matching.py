"""Matching a probe record: the known subject with explanations, nothing for strangers, no
writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema.subject_types import SubjectType
from registry.matching import MatchResult
from registry.service import Registry
from registry.store.base import Entity, RecordKey
from tests.registry.graph.conftest import ingest_demo_city

P, E = SubjectType.PERSON, SubjectType.ENTERPRISE
PROBE_FIELDS = ("name", "birth_date", "gender", "address", "phone")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A resolved 400-person demo city with trained models."""
    tmp = tmp_path_factory.mktemp("match-city")
    reg = Registry(tmp / "store")
    ingest_demo_city(reg, tmp / "city", 400, seed=5)
    yield reg
    reg.close()


def known_people(reg: Registry, n: int = 10) -> list[Entity]:
    """Persons with everything a probe carries and a mobile phone."""
    found = [
        e
        for e in reg.store.iter_entities(P)
        if all(e.golden.get(f) for f in PROBE_FIELDS) and len(e.golden["phone"]) == 11
    ]
    assert len(found) >= n
    return found[:n]


def typo(phone: str) -> str:
    """The phone with its last digit changed: one substitution."""
    return phone[:-1] + ("1" if phone[-1] != "1" else "2")


def snapshot(reg: Registry) -> tuple[int, int, int, int]:
    conn = reg.store._conn
    return (
        reg.store.last_seq(),
        sum(1 for _ in reg.store.iter_records()),
        conn.execute("SELECT COUNT(*) FROM match_keys").fetchone()[0],
        conn.execute("SELECT COUNT(*) FROM record_versions").fetchone()[0],
    )


def test_a_known_person_with_a_mistyped_phone_is_a_match(city: Registry) -> None:
    for person in known_people(city):
        fields = {f: person.golden[f] for f in PROBE_FIELDS}
        fields["phone"] = typo(fields["phone"])
        result = city.match(P, fields)
        assert result.candidates, fields
        best = result.candidates[0]
        assert best.id == person.entity_id and best.decision == "match"
        assert best.type is P and best.name == person.golden["name"]
        assert best.probability >= 0.5 and best.weight > 0
        source, _, record_id = best.record.partition("/")
        record = city.store.get_record(RecordKey(source, record_id))
        assert record is not None and record.entity_id == person.entity_id


def test_the_explanation_names_each_feature_level_weight_and_values(city: Registry) -> None:
    person = known_people(city, 1)[0]
    fields = {f: person.golden[f] for f in PROBE_FIELDS} | {"phone": typo(person.golden["phone"])}
    best = city.match(P, fields).candidates[0]
    features = {f.feature: f for f in best.features}
    assert features["name"].level == "exact" and features["name"].weight > 0
    assert features["phone"].level == "one_typo"
    assert features["phone"].left == fields["phone"] != features["phone"].right
    assert features["id_number"].level == "missing" and features["id_number"].weight == 0
    # the explanation is the engine's own: the same as `registry why` gives for the pair
    # weight, tf adjustment and contribution are each rounded to 3 places
    assert all(
        f.contribution == pytest.approx(f.weight + f.tf_adjustment, abs=0.0015)
        for f in best.features
    )
    total = sum(f.contribution for f in best.features)
    model = city.models.get(P)
    assert best.weight == pytest.approx(model.prior_weight + total, abs=0.01)


def test_an_unknown_person_has_no_candidate_above_the_threshold(city: Registry) -> None:
    result = city.match(
        P,
        {"name": "司马未知", "birth_date": "1931-07-19", "gender": "女",
         "phone": "13000000007", "address": "上城区不存在路999号"},
    )  # fmt: skip
    assert result.candidates == []
    assert result.problems == []


def test_an_invalid_id_number_is_reported_and_left_out(city: Registry) -> None:
    person = next(e for e in known_people(city) if e.golden.get("id_number"))
    bad = person.golden["id_number"][:-1] + ("0" if person.golden["id_number"][-1] != "0" else "1")
    fields = {f: person.golden[f] for f in PROBE_FIELDS} | {"id_number": bad}
    result = city.match(P, fields)
    assert [(p["field"], p["rule"], p["value"]) for p in result.problems] == [
        ("id_number", "checksum", bad)
    ]
    assert "id_number" not in result.probe
    assert result.candidates[0].id == person.entity_id
    features = {f.feature: f for f in result.candidates[0].features}
    assert features["id_number"].level == "missing"


def test_the_probe_is_normalised_as_ingestion_does(city: Registry) -> None:
    result = city.match(
        P,
        {"name": "張 偉", "gender": "男", "phone": "+86 138-1234-5678",
         "birth_date": "1980/01/02", "identifiers": {"passport": "e 1234 5678"}},
    )  # fmt: skip
    assert result.subject_type is P
    assert result.probe == {
        "name": "张伟", "gender": "M", "phone": "13812345678", "birth_date": "1980-01-02",
        "identifiers": {"passport": "E12345678"},
    }  # fmt: skip


def test_unknown_fields_are_refused_naming_the_allowed_ones(city: Registry) -> None:
    with pytest.raises(ValueError, match=r"'nmae'.*allowed: name, family_name"):
        city.match(P, {"nmae": "张伟"})
    with pytest.raises(ValueError, match="'uscc'"):
        city.match(P, {"uscc": "91350100M000100Y43"})
    with pytest.raises(ValueError, match="limit"):
        city.match(P, {"name": "张伟"}, limit=0)
    with pytest.raises(ValueError, match="threshold"):
        city.match(P, {"name": "张伟"}, threshold=1.5)


def test_an_enterprise_is_matched_by_its_uscc(city: Registry) -> None:
    company = next(e for e in city.store.iter_entities(E) if e.golden.get("uscc"))
    result = city.match(E, {"uscc": company.golden["uscc"].lower()})
    assert result.candidates[0].id == company.entity_id
    assert result.candidates[0].decision == "match"


def test_candidates_respect_limit_threshold_and_order(city: Registry) -> None:
    person = known_people(city, 1)[0]
    fields = {"name": person.golden["name"], "birth_date": person.golden["birth_date"][:4]}
    loose = city.match(P, fields, limit=100, threshold=0.0)
    assert loose.candidates == sorted(loose.candidates, key=lambda c: (-c.probability, c.id))
    assert len({c.id for c in loose.candidates}) == len(loose.candidates)
    strict = city.match(P, fields, limit=2, threshold=0.3)
    assert len(strict.candidates) <= 2
    assert all(c.probability >= 0.3 for c in strict.candidates)
    assert [c.id for c in strict.candidates] == [
        c.id for c in loose.candidates if c.probability >= 0.3
    ][:2]


def test_match_writes_nothing(city: Registry) -> None:
    before = snapshot(city)
    person = known_people(city, 1)[0]
    city.match(P, {f: person.golden[f] for f in PROBE_FIELDS})
    city.match(P, {"name": "无此人", "id_number": "not a number"})
    city.match(E, {"name": "杭州西湖茶叶有限公司", "phone": "0571-87654321"})
    assert snapshot(city) == before


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.dictionaries(
        st.sampled_from(["name", "id_number", "phone", "birth_date", "address", "email"]),
        st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.integers())),
    )
)
def test_any_values_give_a_result_with_their_problems(
    city: Registry, fields: dict[str, Any]
) -> None:
    result = city.match(P, fields)
    assert isinstance(result, MatchResult)
    assert set(result.probe) <= set(fields)
    assert {p["field"] for p in result.problems} <= set(fields)
    assert all(c.probability >= 0.5 for c in result.candidates)
