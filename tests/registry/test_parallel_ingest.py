"""Ingesting one file with several processes stores exactly what one process stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from registry.mapping import Mapping
from registry.service import Registry
from tests.registry.conftest import HEADER, MARKET_MAPPING

ROWS = 3000


def _city(path: Path) -> Path:
    lines = [HEADER]
    for i in range(ROWS):
        rep = f"员工{i % 700}" if i % 5 else ""
        lines.append(f"C{i},杭州企业{i}有限公司,,西湖区文三路{i}号,{rep},,,,2020-01-01")
    lines.append("C7,杭州企业7有限公司,,西湖区文三路8号,员工7,,,,2020-01-01")  # a 2nd version
    lines.append("broken,row")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dump(store: Path) -> dict[str, object]:
    conn = sqlite3.connect(store / "registry.sqlite3")
    try:
        return {
            "records": sorted(conn.execute("SELECT source, record_id, version FROM records")),
            "versions": conn.execute("SELECT COUNT(*) FROM record_versions").fetchone(),
            "relationships": conn.execute("SELECT COUNT(*) FROM relationships").fetchone(),
            "events": conn.execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone(),
            "quarantine": conn.execute("SELECT line FROM quarantine").fetchall(),
            "c7": conn.execute(
                "SELECT doc FROM record_versions WHERE record_id='C7' ORDER BY version"
            ).fetchall(),
        }
    finally:
        conn.close()


def _counted(report: dict[str, Any]) -> dict[str, Any]:
    """A report with its resolution timings reduced to the subject types resolved: the
    seconds are measurements, and a record given twice in one file is resolved once or
    twice depending on whether its rows fall in one batch."""
    timings = report["resolution"].pop("timings")
    report["resolution"]["types"] = sorted(t for t in timings if t != "all")
    return report


def test_partitioned_ingest_matches_serial(tmp_path: Path) -> None:
    data = _city(tmp_path / "market.csv")
    mapping_path = tmp_path / "market.toml"
    mapping_path.write_text(MARKET_MAPPING, encoding="utf-8")
    mapping = Mapping.load(mapping_path)
    reports = {}
    for workers in (1, 2):
        reg = Registry(tmp_path / f"store{workers}")
        try:
            first = reg.ingest_file(data, "market", mapping, workers=workers)
            # again: only C7, given twice in the file, gets new versions (old row, new row)
            again = reg.ingest_file(data, "market", mapping, workers=workers)
            reports[workers] = (_counted(first.as_dict()), _counted(again.as_dict()))
        finally:
            reg.close()
    assert reports[2] == reports[1]
    assert reports[1][1]["records"] == {"created": 0, "updated": 2, "unchanged": 5400}
    a, b = _dump(tmp_path / "store1"), _dump(tmp_path / "store2")
    # the change feed is gapless in both; its length depends on how rows fell into batches
    for dump in (a, b):
        count, last = dump.pop("events")  # type: ignore[misc]
        assert count == last
    assert a == b
    # each ingest stored both C7 rows as versions, in file order: the later row is current
    assert len(b["c7"]) == 4 and "文三路8号" in b["c7"][3][0]  # type: ignore[index]
