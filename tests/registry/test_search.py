"""Searching subjects: exact identifiers and phones, fuzzy names and addresses, active only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema.identifiers import convert_15_to_18, id_check_char
from graph_schema.subject_types import SubjectType
from registry.mapping import Mapping
from registry.search import SearchHit
from registry.search_index import refresh_search_index
from registry.service import Registry
from registry.store.base import Entity
from tests.registry.conftest import ROWS, ingest_persons, write_csv
from tests.registry.graph.conftest import ingest_demo_city

P, E = SubjectType.PERSON, SubjectType.ENTERPRISE


def id_number(seq: int, birth: str = "19800101") -> str:
    body = f"330106{birth}{seq:03d}"
    return body + id_check_char(body)


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


def subject_of(reg: Registry, ref: str) -> str:
    records = reg.records_for(ref)
    assert records and records[0].entity_id is not None
    return records[0].entity_id


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A resolved 400-person demo city (every department's records)."""
    tmp = tmp_path_factory.mktemp("search-city")
    reg = Registry(tmp / "store")
    ingest_demo_city(reg, tmp / "city", 400, seed=7)
    yield reg
    reg.close()


def people(reg: Registry, field: str, n: int = 25) -> list[Entity]:
    """Person subjects that have ``field``, in id order."""
    found = [e for e in reg.store.iter_entities(P) if e.golden.get(field)]
    assert len(found) >= n
    return found[:n]


# -- identifiers and phones ----------------------------------------------------------------
def test_an_id_number_finds_its_subject_first(city: Registry) -> None:
    for person in people(city, "id_number"):
        hits = city.search(identifier=person.golden["id_number"])
        assert ids(hits) == [person.entity_id]
        assert hits[0].score == 1.0 and hits[0].matched == ["identifier"]
        assert hits[0].type is P and hits[0].name == person.golden.get("name")


def test_the_legacy_15_digit_form_finds_the_same_subject(city: Registry) -> None:
    person = next(e for e in people(city, "id_number") if e.golden["id_number"][6:8] == "19")
    full = person.golden["id_number"]
    legacy = full[:6] + full[8:17]
    assert convert_15_to_18(legacy) == full
    assert ids(city.search(identifier=legacy)) == [person.entity_id]
    spaced = f" {full[:6]} {full[6:14]} {full[14:].lower()} "
    assert ids(city.search(identifier=spaced)) == [person.entity_id]


def test_building_and_parcel_codes_find_their_subjects(city: Registry) -> None:
    for subject_type, field in ((SubjectType.BUILDING, "building_code"),
                                (SubjectType.PARCEL, "parcel_code")):  # fmt: skip
        entity = next(e for e in city.store.iter_entities(subject_type) if e.golden.get(field))
        hits = city.search(identifier=entity.golden[field])
        assert entity.entity_id in ids(hits)
        assert {h.type for h in hits} == {subject_type}


def test_a_phone_finds_its_subject_however_it_is_typed(city: Registry) -> None:
    person = next(e for e in people(city, "phone") if len(e.golden["phone"]) == 11)
    phone = person.golden["phone"]
    typed = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    hits = city.search(phone=typed, limit=100)
    assert person.entity_id in ids(hits)
    assert all(h.matched == ["phone"] and h.score == 1.0 for h in hits)


def test_an_unreadable_phone_is_refused_naming_the_rule(city: Registry) -> None:
    with pytest.raises(ValueError, match="phone"):
        city.search(phone="12345")


# -- names -----------------------------------------------------------------------------------
@pytest.fixture
def namesakes(registry: Registry, tmp_path: Path) -> dict[str, str]:
    """Five different people (different id numbers) named like 张伟明: record id -> subject."""
    rows = ["X1,张伟明", "X2,张伟民", "X3,張偉明", "X4,Zhang Weiming", "X5,章伟明", "X6,李娜"]
    ingest_persons(
        registry, tmp_path, "hukou",
        [f"{row},{id_number(i)},,1980-01-01" for i, row in enumerate(rows, start=1)],
    )  # fmt: skip
    return {f"X{i}": subject_of(registry, f"hukou/X{i}") for i in range(1, 7)}


def test_near_miss_names_rank_below_the_exact_one(
    registry: Registry, namesakes: dict[str, str]
) -> None:
    hits = registry.search(name="张伟明")
    # exact, traditional form, pinyin, homophone, one character off; never 李娜
    assert ids(hits) == [namesakes[x] for x in ("X1", "X3", "X4", "X5", "X2")]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    assert len(set(scores)) == len(scores)
    assert all(h.matched == ["name"] for h in hits)


def test_zhang_wei_finds_its_homophone_traditional_and_pinyin_forms_below_itself(
    registry: Registry, tmp_path: Path
) -> None:
    rows = ["W1,张伟", "W2,张玮", "W3,張偉", "W4,Zhang Wei", "W5,王伟"]
    ingest_persons(
        registry, tmp_path, "hukou",
        [f"{row},{id_number(20 + i)},,1980-01-01" for i, row in enumerate(rows, start=1)],
    )  # fmt: skip
    hits = registry.search(name="张伟")
    expected = [subject_of(registry, f"hukou/W{i}") for i in (1, 3, 4, 2)]
    assert ids(hits) == expected  # exact, traditional, pinyin, homophone; not 王伟
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score == 1.0 > hits[1].score


def test_a_name_in_pinyin_or_traditional_script_finds_the_same_people(
    registry: Registry, namesakes: dict[str, str]
) -> None:
    by_pinyin = registry.search(name="ZHANG Weiming")
    assert set(ids(by_pinyin)) >= {namesakes[x] for x in ("X1", "X3", "X4", "X5")}
    assert by_pinyin[0].id == namesakes["X4"]  # the one written that way
    by_traditional = registry.search(name="張偉明")
    assert ids(by_traditional)[:2] == [namesakes["X3"], namesakes["X1"]]


def test_enterprise_names_match_without_place_and_legal_form(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    registry.ingest_file(write_csv(tmp_path / "m.csv", ROWS), "market", mapping)
    company = subject_of(registry, "market/M1")  # 杭州西湖茶叶有限公司
    for typed in ("杭州西湖茶叶有限公司", "西湖茶叶有限责任公司", "西湖茶叶(杭州)有限公司"):
        hits = registry.search(name=typed, types=[E])
        assert ids(hits)[:1] == [company], typed
    assert registry.search(name="杭州西湖茶叶有限公司")[0].score == 1.0
    assert registry.search(name="西湖茶叶有限责任公司")[0].score < 1.0


# -- filters, retired and retracted subjects -------------------------------------------------
def test_type_filters_restrict_the_hits(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    registry.ingest_file(write_csv(tmp_path / "m.csv", ROWS), "market", mapping)
    rep = subject_of(registry, "market/M1:rep")  # 张伟, 11010519491231002X
    company = subject_of(registry, "market/M1")
    assert ids(registry.search(identifier="91350100M000100Y43")) == [company]
    assert registry.search(identifier="91350100M000100Y43", types=[P]) == []
    assert ids(registry.search(identifier="110105491231002", types=[P, E])) == [rep]
    assert registry.search(name="张伟", types=[]) == []
    for subject_type in SubjectType:
        assert {h.type for h in registry.search(name="张伟", types=[subject_type])} <= {
            subject_type
        }


def test_other_identifiers_are_found_whatever_their_scheme(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    registry.ingest_file(write_csv(tmp_path / "m.csv", ROWS), "market", mapping)
    rep = subject_of(registry, "market/M3:rep")  # 李娜, passport E12345678
    assert ids(registry.search(identifier="e1234-5678")) == [rep]
    assert registry.search(identifier="E12345678", types=[E]) == []


def test_a_retired_subject_is_never_returned(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ["H1,欧阳娜娜,,13812345678,1990-02-03"])
    ingest_persons(registry, tmp_path, "social", [f"S1,欧阳娜娜,{id_number(7)},,1980-01-01"])
    a, b = subject_of(registry, "hukou/H1"), subject_of(registry, "social/S1")
    assert a != b and set(ids(registry.search(name="欧阳娜娜"))) == {a, b}
    registry.judge("match", a, b, user="steward1", reason="same person")
    survivor = registry.current_id(a)
    retired = b if survivor == a else a
    entity = registry.store.get_entity(retired)
    assert survivor in (a, b) and entity is not None and entity.status == "retired"
    every = registry.search(name="欧阳娜娜", phone="13812345678", identifier=id_number(7))
    for hits in (
        registry.search(name="欧阳娜娜"),
        registry.search(identifier=id_number(7)),
        registry.search(phone="13812345678"),
        every,
    ):
        assert ids(hits) == [survivor]
    assert every[0].matched == ["name", "identifier", "phone"] and every[0].score == 1.0


def test_new_and_retracted_records_show_at_once(registry: Registry, tmp_path: Path) -> None:
    assert registry.search(name="诸葛亮") == []  # builds the (empty) index
    ingest_persons(registry, tmp_path, "hukou", [f"H9,诸葛亮,{id_number(9)},,1980-01-01"])
    found = registry.search(name="诸葛亮")
    assert ids(found) == [subject_of(registry, "hukou/H9")]
    registry.retract("hukou", "H9")
    assert registry.search(name="诸葛亮") == []
    assert registry.search(identifier=id_number(9)) == []


def test_a_changed_record_is_found_by_its_new_values_only(
    registry: Registry, tmp_path: Path
) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H7,张三,{id_number(17)},13812345670,"])
    subject = subject_of(registry, "hukou/H7")
    assert ids(registry.search(name="张三")) == [subject]
    ingest_persons(registry, tmp_path, "hukou", [f"H7,李四,{id_number(17)},13812345671,"])
    assert registry.search(name="张三") == [] and registry.search(phone="13812345670") == []
    assert ids(registry.search(name="李四", phone="13812345671")) == [subject]
    # the superseded version's keys are gone from the index, not merely filtered out
    stale = registry.store._conn.execute(
        "SELECT COUNT(*) FROM search_keys WHERE skey IN ('pn:sanzhang', 'ph:13812345670')"
    ).fetchone()[0]
    assert stale == 0


def test_an_index_made_by_other_key_rules_is_rebuilt(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_persons(registry, tmp_path, "hukou", [f"H8,司马光,{id_number(8)},,1980-01-01"])
    assert len(registry.search(name="司马光")) == 1
    monkeypatch.setattr("registry.search_index.KEYS_VERSION", 2)
    assert refresh_search_index(registry.store) > 0  # everything read again
    assert len(registry.search(name="司马光")) == 1
    assert refresh_search_index(registry.store) == 0


# -- several criteria, addresses ---------------------------------------------------------------
def test_a_subject_matching_every_criterion_ranks_first(city: Registry) -> None:
    person = next(e for e in people(city, "phone") if e.golden.get("name"))
    hits = city.search(name=person.golden["name"], phone=person.golden["phone"])
    assert hits[0].id == person.entity_id
    assert hits[0].matched == ["name", "phone"] and hits[0].score == 1.0
    assert all(h.score <= 0.5 for h in hits[1:])


RESIDENTS = Mapping.from_toml(
    """
[source]
default_city = "杭州市"

[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
id_number = "{身份证}"
address = "{住址}"
""",
    "residents.toml",
)


def test_a_road_with_many_doors_still_scores_every_criterion(
    registry: Registry, tmp_path: Path
) -> None:
    """More doors on the road than the address lookup ranks in full: a subject found by its
    name still gets its address scored, so matching both criteria puts it first."""
    rows = [f"R{n},住户{n}号,{id_number(100 + n)},西湖区文三路{n}号" for n in range(1, 61)]
    rows += [
        f"Z1,张伟,{id_number(200)},西湖区文三路59号",
        f"Z2,张伟,{id_number(201)},上城区解放路1号",
    ]
    path = tmp_path / "residents.csv"
    path.write_text("编号,姓名,身份证,住址\n" + "\n".join(rows) + "\n", encoding="utf-8")
    registry.ingest_file(path, "hukou", RESIDENTS)
    hits = registry.search(name="张伟", address="西湖区文三路", limit=5)
    assert hits[0].id == subject_of(registry, "hukou/Z1")
    assert hits[0].matched == ["name", "address"]
    assert hits[1].id == subject_of(registry, "hukou/Z2") and hits[1].matched == ["name"]
    assert hits[0].score > hits[1].score == 0.5


def test_an_address_finds_who_lives_there(city: Registry) -> None:
    for person in people(city, "address", 10):
        hits = city.search(address=person.golden["address"], limit=100)
        assert person.entity_id in ids(hits)
        best = next(h for h in hits if h.id == person.entity_id)
        assert best.score == hits[0].score == 1.0 and best.matched == ["address"]
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_an_address_typed_otherwise_still_finds_the_door(city: Registry) -> None:
    person = next(e for e in people(city, "address") if "区" in e.golden["address"])
    full = person.golden["address"]
    short = full[full.index("区") - 2 :]  # without province and city: 西湖区文三路…
    hits = city.search(address=short, types=[P], limit=100)
    assert person.entity_id in ids(hits)


# -- arguments ---------------------------------------------------------------------------------
def test_criteria_and_limit_are_checked(city: Registry) -> None:
    with pytest.raises(ValueError, match="at least one criterion"):
        city.search()
    with pytest.raises(ValueError, match="at least one criterion"):
        city.search(name="  ", phone="")
    for limit in (0, 101):
        with pytest.raises(ValueError, match="limit"):
            city.search(name="张伟", limit=limit)
    assert len(city.search(name="王", limit=1)) <= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40), limit=st.integers(1, 100))
def test_any_name_or_identifier_text_is_answered_within_the_limit(
    city: Registry, text: str, limit: int
) -> None:
    if not text.strip():
        return
    for hits in (city.search(name=text, limit=limit), city.search(identifier=text, limit=limit)):
        assert len(hits) <= limit
        assert len(set(ids(hits))) == len(hits)
        assert all(0.0 <= h.score <= 1.0 for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(["张伟", "王芳", "李娜", "陈", "Wang Fang", "刘洋"]))
def test_hits_are_active_subjects_sorted_by_score_then_id(city: Registry, name: str) -> None:
    hits = city.search(name=name, limit=100)
    entities = city.store.get_entities(ids(hits))
    assert all(entities[h.id].status == "active" for h in hits)
    assert hits == sorted(hits, key=lambda h: (-h.score, h.id))
