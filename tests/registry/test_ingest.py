"""Ingestion through the mapping contract: idempotence, versions, retraction, quarantine."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from registry.ingest import Ingestor
from registry.mapping import Mapping
from registry.readers import read_rows
from registry.service import Registry
from registry.store.base import RecordKey
from tests.registry.conftest import ROWS, write_csv


def test_csv_with_chinese_headers_creates_subjects_and_relationships(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    report = registry.ingest_file(write_csv(tmp_path / "m.csv", ROWS), "market", mapping)
    assert report.rows_read == 3
    # M2 has no legal representative: that subject (and its relationship) is not created
    assert report.records_created == 5
    assert report.relationships_created == 2
    assert registry.store.get_record(RecordKey("market", "M2:rep")) is None
    rep = registry.store.get_record(RecordKey("market", "M3:rep"))
    assert rep is not None
    assert rep.values["identifiers"] == {"passport": "E12345678"}
    assert rep.values["gender"] == "M"  # constant template
    assert rep.values["birth_date"] == "1880-01-01"  # explicit mapping format
    assert rep.raw["birth_date"] == "01/01/1880"


def test_reingest_is_idempotent_and_changes_make_versions(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "m.csv", ROWS)
    registry.ingest_file(path, "market", mapping)
    seq = registry.store.last_seq()
    again = registry.ingest_file(path, "market", mapping)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 5)
    assert again.relationships_unchanged == 2
    assert registry.store.last_seq() == seq, "an unchanged re-ingest must write no event"

    changed = [ROWS[0].replace("文三路90号", "文三路100号"), *ROWS[1:]]
    report = registry.ingest_file(write_csv(tmp_path / "m2.csv", changed), "market", mapping)
    assert (report.records_updated, report.records_unchanged) == (1, 4)
    versions = registry.store.record_versions(RecordKey("market", "M1"))
    assert [v.version for v in versions] == [1, 2]
    assert "文三路90号" in versions[0].values["address"]
    assert "文三路100号" in versions[1].values["address"]


def test_jsonl_rows_and_malformed_lines(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    path = tmp_path / "m.jsonl"
    lines = [
        json.dumps({"内部编号": "J1", "企业名称": "杭州甲公司", "统一社会信用代码": None}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"内部编号": "J2", "企业名称": "杭州乙有限公司", "法定代表人": "王芳"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = registry.ingest_file(path, "market", mapping)
    assert report.rows_read == 4
    assert report.records_created == 3
    assert report.quarantined == 2
    lines_quarantined = sorted(e.line or 0 for e in registry.store.quarantined("market"))
    assert lines_quarantined == [2, 3]


def test_invalid_values_are_kept_raw_and_flagged(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    bad = (
        "M9,杭州丙有限公司,91350100M000100Y44,西湖区文三路1号,赵六,110105194912310021,13/45/1990,,"
    )
    report = registry.ingest_file(write_csv(tmp_path / "m.csv", [bad]), "market", mapping)
    assert report.records_created == 2 and report.quarantined == 0
    assert report.flagged[("uscc", "checksum")] == 1
    assert report.flagged[("id_number", "checksum")] == 1
    assert report.flagged[("birth_date", "format")] == 1
    ent = registry.store.get_record(RecordKey("market", "M9"))
    assert ent is not None and "uscc" not in ent.values
    assert ent.raw["uscc"] == "91350100M000100Y44"
    assert ent.entity_id is not None, "a record with a bad value is still resolved"


def test_quarantine_and_resubmission(registry: Registry, tmp_path: Path) -> None:
    broken = Mapping.from_toml(
        """
[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
phone = "{电话}"
""",
        "persons.toml",
    )
    path = tmp_path / "p.csv"
    path.write_text(
        "编号,姓名,电话,证件\nA1,张三,13812345678,\n,李四,,\nA3,,13900000000,110105491231002\n"
    )
    report = registry.ingest_file(path, "hukou", broken)
    assert report.records_created == 1 and report.quarantined == 2
    reasons = {q.line: q.reasons[0]["rule"] for q in registry.store.quarantined("hukou")}
    assert reasons == {3: "missing_record_id", 4: "unidentifiable"}

    fixed = Mapping.from_toml(
        """
[[subjects]]
role = "p"
type = "person"
record_id = "{编号}"
[subjects.fields]
name = "{姓名}"
phone = "{电话}"
id_number = "{证件}"
""",
        "persons-fixed.toml",
    )
    accepted, rejected = registry.resubmit_quarantine(fixed, "hukou")
    assert (accepted, rejected) == (1, 1)
    rec = registry.store.get_record(RecordKey("hukou", "A3"))
    assert rec is not None and rec.values["id_number"] == "11010519491231002X"
    assert [q.line for q in registry.store.quarantined("hukou")] == [3]


def test_retraction_keeps_history(registry: Registry, mapping: Mapping, tmp_path: Path) -> None:
    registry.ingest_file(write_csv(tmp_path / "m.csv", ROWS), "market", mapping)
    rec = registry.store.get_record(RecordKey("market", "M1:rep"))
    assert rec is not None and rec.entity_id is not None
    entity_id = rec.entity_id
    seq_before = registry.store.last_seq()
    assert registry.retract("market", "M1:rep") is not None
    assert registry.retract("market", "M1:rep") is None, "retracting twice is reported"
    now = registry.profile(entity_id)
    assert now is not None and now.records == {} and now.attributes == {}
    past = registry.profile(entity_id, f"seq:{seq_before}")
    assert past is not None and past.attributes["name"].value == "张伟"
    assert registry.store.get_record(RecordKey("market", "M1:rep")).retracted  # type: ignore[union-attr]
    # the relationship it declared no longer shows on the enterprise
    ent = registry.store.get_record(RecordKey("market", "M1"))
    assert ent is not None and ent.entity_id is not None
    profile = registry.profile(ent.entity_id)
    assert profile is not None and profile.relationships == []


def test_header_mismatch_is_a_one_line_error(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    import pytest

    from registry.readers import UnreadableFile

    path = write_csv(tmp_path / "m.csv", ["X1,甲"], header="内部编号,企业")
    with pytest.raises(UnreadableFile, match="header does not fit the mapping"):
        registry.ingest_file(path, "market", mapping)
    assert registry.store.last_seq() == 0


def test_a_record_never_changes_subject_type(tmp_path: Path) -> None:
    """Reusing a record id for another kind of subject is refused with a reason, and the
    stored record is left as it was."""
    as_person = Mapping.from_toml(
        '[[subjects]]\nrole = "x"\ntype = "person"\nrecord_id = "{id}"\n'
        '[subjects.fields]\nname = "{name}"\n',
        "p.toml",
    )
    as_enterprise = Mapping.from_toml(
        '[[subjects]]\nrole = "x"\ntype = "enterprise"\nrecord_id = "{id}"\n'
        '[subjects.fields]\nname = "{name}"\n',
        "e.toml",
    )
    reg = Registry(tmp_path / "s")
    try:
        first = tmp_path / "a.csv"
        first.write_text("id,name\nR1,张伟\n", encoding="utf-8")
        reg.ingest_file(first, "dept", as_person)
        second = tmp_path / "b.csv"
        second.write_text("id,name\nR1,杭州某某有限公司\nR2,杭州另一有限公司\n", encoding="utf-8")
        report = reg.ingest_file(second, "dept", as_enterprise)
        assert report.quarantined == 1 and report.records_created == 1
        reason = report.quarantine_reasons[0]["reasons"][0]
        assert reason["rule"] == "record_type_changed" and reason["field"] == "record_id"
        kept = reg.store.get_record(RecordKey("dept", "R1"))
        assert kept is not None and kept.subject_type.value == "person" and kept.version == 1
        assert kept.values["name"] == "张伟"
    finally:
        reg.close()


def test_a_resolving_ingest_reports_where_its_resolution_time_went(
    registry: Registry, mapping: Mapping, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "m.csv", ROWS)
    ingestor = Ingestor(registry.store, "market", mapping, registry.resolver, batch_size=2)
    report = ingestor.ingest(read_rows(path))  # two batches: the timings are summed
    timings = report.as_dict()["resolution"]["timings"]
    created = Counter(rv.subject_type.value for rv in registry.store.iter_records(with_raw=False))
    # every record resolved is counted under its type, once
    assert {t: row["records"] for t, row in timings.items() if t != "all"} == dict(created)
    for subject_type in created:
        steps = set(timings[subject_type]) - {"records"}
        assert steps <= {"context", "candidates", "scoring", "clustering"}
        assert "candidates" in steps
        assert all(timings[subject_type][s] >= 0 for s in steps)
    assert set(timings["all"]) == {"read", "golden values"}

    # an ingest that stores only, or that changes nothing, resolves nothing and says so
    again = registry.ingest_file(path, "market", mapping)
    assert again.as_dict()["resolution"]["timings"] == {}
    quiet = registry.ingest_file(
        write_csv(tmp_path / "n.csv", ROWS), "other", mapping, resolve=False
    )
    assert quiet.as_dict()["resolution"]["timings"] == {}
