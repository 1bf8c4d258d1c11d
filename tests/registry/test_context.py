"""Context for matching: a name-only record finds its person through the building or company
it is tied to; a suspect id number through the valid number one slip away."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.context import (
    ANCHOR_FIELDS,
    batch_person_context,
    co_residents_from_store,
    partners_from_store,
    person_context,
    stored_context,
    with_context,
)
from registry.demo.codes import make_id_number, parcel_code, unit_code
from registry.mapping import Mapping
from registry.service import Registry
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.blocking import name_key, partner_key
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD
from resolution.suspects import SUSPECT_ID
from tests.registry.conftest import demo_registry

P1 = parcel_code("330106", 1, 1, 1)

RESIDENTS = Mapping.from_toml(
    """
[[subjects]]
role = "r"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
id_number = "{身份证}"
birth_date = "{出生}"
[[subjects]]
role = "home"
type = "building"
record_id = "{编号}:home"
[subjects.fields]
building_code = "{房屋编码}"
[[relationships]]
type = "RESIDES_AT"
from = "r"
to = "home"
""",
    "residents.toml",
)
OWNERS = Mapping.from_toml(
    """
[[subjects]]
role = "o"
type = "person"
record_id = "{编号}:owner"
[subjects.fields]
name = "{权利人}"
[[subjects]]
role = "unit"
type = "building"
record_id = "{编号}"
[subjects.fields]
building_code = "{单元号}"
[[relationships]]
type = "OWNS"
from = "o"
to = "unit"
""",
    "owners.toml",
)


def subject(reg: Registry, source: str, record_id: str) -> str | None:
    rec = reg.store.get_record(RecordKey(source, record_id))
    return None if rec is None else rec.entity_id


def test_name_only_owners_join_the_residents_of_their_buildings(tmp_path: Path) -> None:
    surnames, given = "王李张刘陈杨赵黄", ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋")
    names = [s + g for s in surnames for g in given]  # 64 people, each in a flat of their own
    residents = ["编号,姓名,身份证,出生,房屋编码"]
    owners = ["编号,权利人,单元号"]
    for i, name in enumerate(names):
        birth = f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}"
        ident = make_id_number("330106", dt.date.fromisoformat(birth), i)
        residents.append(f"H{i},{name},{ident},{birth},{unit_code(P1, 1 + i % 12, 100 + i)}")
        owners.append(f"BDC{i},{name},{unit_code(P1, 1 + i % 12, 100 + i)}")
    # namesakes owning flats in a building none of them lives in
    owners += [f"OTHER{i},{names[i]},{unit_code(P1, 40, i)}" for i in range(8)]
    (tmp_path / "h.csv").write_text("\n".join(residents) + "\n", encoding="utf-8")
    (tmp_path / "o.csv").write_text("\n".join(owners) + "\n", encoding="utf-8")
    reg = Registry(tmp_path / "store")
    try:
        reg.ingest_file(tmp_path / "h.csv", "hukou", RESIDENTS)
        reg.ingest_file(tmp_path / "o.csv", "real_estate", OWNERS)
        reg.resolve()
        joined = sum(
            subject(reg, "real_estate", f"BDC{i}:owner") == subject(reg, "hukou", f"H{i}")
            for i in range(len(names))
        )
        assert joined == len(names), "same name, same building: the same person"
        for i in range(8):
            assert subject(reg, "real_estate", f"OTHER{i}:owner") != subject(reg, "hukou", f"H{i}")
        why = reg.why("hukou/H0", "real_estate/BDC0:owner")
        assert why is not None
        assert {f["feature"]: f["level"] for f in why["features"]}["anchor"] == "shared"
    finally:
        reg.close()


def test_housemates_are_partners_and_an_earlier_resident_learns_of_a_later_one(
    tmp_path: Path,
) -> None:
    """A household register names husband and wife as residents of one flat: each is the
    other's partner for matching (a 1970s marriage record names them as spouses, without
    ids). The wife's row arrives in a later file than the husband's; his blocking keys are
    refreshed then, so a marriage record can find him, as a batch run would."""
    flat, elsewhere = unit_code(P1, 3, 101), unit_code(P1, 3, 102)
    born = dt.date(1948, 1, 10)
    husband = f"H1,马华,{make_id_number('330106', born, 1)},,{flat}"
    wife = f"W1,宋金凤,{make_id_number('330106', born, 51)},,{flat}"
    neighbour = f"N1,李娜,{make_id_number('330106', born, 71)},,{elsewhere}"
    (tmp_path / "h1.csv").write_text(
        f"编号,姓名,身份证,出生,房屋编码\n{husband}\n", encoding="utf-8"
    )
    (tmp_path / "h2.csv").write_text(
        f"编号,姓名,身份证,出生,房屋编码\n{wife}\n{neighbour}\n", encoding="utf-8"
    )
    reg = Registry(tmp_path / "store")
    try:
        reg.ingest_file(tmp_path / "h1.csv", "hukou", RESIDENTS)
        reg.ingest_file(tmp_path / "h2.csv", "hukou", RESIDENTS)
        keys = [RecordKey("hukou", "H1"), RecordKey("hukou", "W1"), RecordKey("hukou", "N1")]
        mates = co_residents_from_store(reg.store, keys)
        assert mates == {keys[0]: {keys[1]}, keys[1]: {keys[0]}}, "the neighbour is not family"
        assert partners_from_store(reg.store, keys[:1]) == {keys[0]: (partner_key("宋金凤"),)}
        # the husband was resolved before his wife arrived; his stored keys now know her
        found = reg.store.records_by_match_keys(
            [f"np:{name_key('马华')}|{name_key('Song Jinfeng')}"]
        )
        assert keys[0] in {k for members in found.values() for k in members}
    finally:
        reg.close()


BORN = dt.date(1948, 1, 10)


def _resident(record_id: str, name: str, serial: int, flat: str) -> str:
    return f"{record_id},{name},{make_id_number('330106', BORN, serial)},,{flat}"


def _household(tmp_path: Path, rows: list[str], owner: str | None = None) -> Registry:
    """A resolved store holding these household-register rows and, if given, one owner of
    ``owner`` (a unit code) named 马华."""
    (tmp_path / "h.csv").write_text("编号,姓名,身份证,出生,房屋编码\n" + "\n".join(rows) + "\n")
    reg = Registry(tmp_path / "store")
    reg.ingest_file(tmp_path / "h.csv", "hukou", RESIDENTS)
    if owner is not None:
        (tmp_path / "o.csv").write_text(
            f"编号,权利人,单元号\nBDC1,马华,{owner}\n", encoding="utf-8"
        )
        reg.ingest_file(tmp_path / "o.csv", "real_estate", OWNERS)
    return reg


def _contexts(reg: Registry) -> tuple[dict[RecordKey, Any], dict[RecordKey, Any]]:
    """Every person record's values with context, as a batch run and as an incremental run
    work them out."""
    people = [rv for rv in reg.store.iter_records(SubjectType.PERSON, with_raw=False)]
    batch = {rv.key: rv.values for rv in batch_person_context(reg.store, people)}
    single = {rv.key: rv.values for rv in person_context(reg.store, people)[0]}
    return batch, single


def test_a_batch_run_sees_the_context_an_incremental_run_sees(tmp_path: Path) -> None:
    """Batch runs build every person's context from one pass over all relationships,
    incremental runs from each record's own: the same records, the same values."""
    flat = unit_code(P1, 3, 101)
    rows = [
        _resident("H1", "马华", 1, flat),
        _resident("W1", "宋金凤", 51, flat),
        _resident("N1", "李娜", 71, unit_code(P1, 3, 102)),
    ]
    # resolved: an incremental run finds flats through the buildings' stored unit keys
    reg = _household(tmp_path, rows, owner=flat)
    try:
        batch, single = _contexts(reg)
        assert batch == single
        assert batch[RecordKey("hukou", "H1")][PARTNERS_FIELD] == (partner_key("宋金凤"),)
        assert ANCHORS_FIELD in batch[RecordKey("real_estate", "BDC1:owner")]
    finally:
        reg.close()


def test_a_withdrawn_home_no_longer_makes_housemates(tmp_path: Path) -> None:
    """Housemates are found through the flats' building records; once the wife's home record
    is retracted she no longer lives there, for batch and incremental context alike."""
    flat = unit_code(P1, 3, 101)
    reg = _household(
        tmp_path, [_resident("H1", "马华", 1, flat), _resident("W1", "宋金凤", 51, flat)]
    )
    try:
        husband, wife = RecordKey("hukou", "H1"), RecordKey("hukou", "W1")
        assert co_residents_from_store(reg.store, [husband]) == {husband: {wife}}
        assert reg.retract("hukou", "W1:home") is not None
        assert co_residents_from_store(reg.store, [husband]) == {}
        batch, single = _contexts(reg)
        assert batch == single
        assert PARTNERS_FIELD not in batch[husband]
    finally:
        reg.close()


def test_links_to_gives_the_endpoints_the_full_read_gives(tmp_path: Path) -> None:
    """The store's lean read of who resides at a flat answers as filtering every relationship
    of the flat's records would (the Store default), without withdrawn ones."""
    flat = unit_code(P1, 3, 101)
    rows = [
        _resident("H1", "马华", 1, flat),
        _resident("W1", "宋金凤", 51, flat),
        _resident("S1", "马明", 91, flat),
    ]
    reg = _household(tmp_path, rows, owner=flat)
    try:
        reg.retract("hukou", "S1")
        homes = [RecordKey("hukou", f"{p}:home") for p in ("H1", "W1", "S1")]
        units = [*homes, RecordKey("real_estate", "BDC1"), RecordKey("hukou", "nowhere")]
        lean = reg.store.links_to(units, "RESIDES_AT")
        assert sorted(lean) == sorted(Store.links_to(reg.store, units, "RESIDES_AT"))
        assert sorted(lean) == [
            (RecordKey("hukou", "H1"), homes[0]),
            (RecordKey("hukou", "W1"), homes[1]),
        ]
        owner, unit = RecordKey("real_estate", "BDC1:owner"), RecordKey("real_estate", "BDC1")
        assert reg.store.links_to(units, "OWNS") == [(owner, unit)]
    finally:
        reg.close()


def test_values_of_records_reads_what_the_whole_records_hold(tmp_path: Path) -> None:
    """The lean read of a few fields answers as the whole records would (the Store
    default): current records only, missing fields left out, one field or several."""
    flat = unit_code(P1, 3, 101)
    reg = _household(
        tmp_path, [_resident("H1", "马华", 1, flat), _resident("W1", "宋金凤", 51, flat)]
    )
    try:
        reg.retract("hukou", "W1:home")
        keys = [
            RecordKey("hukou", "H1:home"),
            RecordKey("hukou", "W1:home"),
            RecordKey("hukou", "H1"),
            RecordKey("hukou", "nowhere"),
        ]
        for fields in (("building_code",), ANCHOR_FIELDS, ("name", "id_number", "uscc")):
            lean = reg.store.values_of_records(keys, fields)
            assert lean == Store.values_of_records(reg.store, keys, fields)
        assert reg.store.values_of_records(keys, ANCHOR_FIELDS) == {
            keys[0]: (SubjectType.BUILDING, {"building_code": flat}),
            keys[2]: (SubjectType.PERSON, {}),
        }
    finally:
        reg.close()


def _person(record_id: str, values: dict[str, Any], problems: list[Any]) -> RecordVersion:
    return RecordVersion(
        RecordKey("s", record_id), 2, SubjectType.PERSON, "hash", {"姓名": "张婷"}, values,
        problems, {"name": "fmt"}, "file.csv", "2026-11-23", 7, False, "P-00000001", "{}",
    )  # fmt: skip


def test_with_context_adds_partners_anchors_and_a_suspect_id_once() -> None:
    """Each person record is copied once with all its context; a record with none is
    handed back as it is, and a valid id number leaves no room for a suspect one."""
    suspect = "330103200000639748"  # a transposition: fails the check
    slip = [{"field": "id_number", "rule": "checksum", "value": suspect}]
    plain = _person("a", {"name": "张婷"}, [])
    slipped = _person("b", {"name": "张婷"}, slip)
    valid = _person("c", {"name": "张婷", "id_number": "330103200006039748"}, slip)
    home = RecordVersion(RecordKey("s", "h"), 1, SubjectType.BUILDING, "h", {}, {}, [])
    out = with_context(
        [plain, slipped, valid, home],
        {slipped.key: ("李强",), home.key: ("x",)},
        {slipped.key: ("B:1",)},
    )
    assert out[0] is plain and out[3] is home
    context = {PARTNERS_FIELD: ("李强",), ANCHORS_FIELD: ("B:1",), SUSPECT_ID: suspect}
    # every other field of the record is kept as it was
    assert out[1] == dataclasses.replace(slipped, values={"name": "张婷", **context})
    assert slipped.values == {"name": "张婷"}, "the stored record is left as it was"
    assert out[2] is valid, "a valid number wins over a suspect one"


def test_stored_context_gives_back_the_context_the_keys_were_made_with(tmp_path: Path) -> None:
    """After a demo city is fed source by source, every person record's stored match keys
    give back the partners and anchors a fresh read of the store works out (what an
    incremental run compares settled records with), and a batch run's keys do too."""
    reg = demo_registry(tmp_path, 300, 5)
    try:
        for _ in range(2):  # incremental keys, then a batch run's
            people = [rv for rv in reg.store.iter_records(SubjectType.PERSON) if not rv.retracted]
            fresh = {rv.key: rv.values for rv in person_context(reg.store, people)[0]}
            stored = {rv.key: rv.values for rv in stored_context(reg.store, people)}
            contextual = [k for k, v in fresh.items() if PARTNERS_FIELD in v or ANCHORS_FIELD in v]
            assert len(contextual) > 100, "setup: partners and anchors"
            named = [k for k in fresh if fresh[k].get("name")]
            assert {k: stored[k] for k in named} == {k: fresh[k] for k in named}
            reg.resolve()
    finally:
        reg.close()
