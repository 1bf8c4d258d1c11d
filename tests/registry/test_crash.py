"""A real kill -9 in the middle of an ingest leaves the store consistent; re-running completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from registry.mapping import Mapping
from registry.service import Registry
from tests.registry.conftest import HEADER, MARKET_MAPPING

ROWS = 12_000


def _write_city(path: Path) -> None:
    lines = [HEADER]
    for i in range(ROWS):
        lines.append(f"C{i},杭州企业{i}有限公司,,西湖区文三路{i}号,员工{i},,,,2020-01-01")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


SCRIPT = """
import sys
from pathlib import Path
from registry.mapping import Mapping
from registry.service import Registry
from registry.ingest import Ingestor
from registry.readers import read_rows
reg = Registry(Path(sys.argv[1]))
mapping = Mapping.load(Path(sys.argv[3]))
Ingestor(reg.store, "market", mapping, reg.resolver, batch_size=200).ingest(read_rows(Path(sys.argv[2])))
"""


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_kill_9_mid_ingest_then_rerun(tmp_path: Path) -> None:
    data = tmp_path / "market.csv"
    _write_city(data)
    mapping_path = tmp_path / "market.toml"
    mapping_path.write_text(MARKET_MAPPING, encoding="utf-8")
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(store), str(data), str(mapping_path)], env=env
    )
    db = store / "registry.sqlite3"
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                seen = _count(db, "SELECT COUNT(*) FROM records")
            except sqlite3.OperationalError:
                seen = 0
            if seen >= 2_000:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db, "SELECT COUNT(*) FROM records")
    assert 0 < partial < 2 * ROWS, "the kill must land mid-ingest"
    # whatever was committed is whole: every stored record has its version and its subject
    assert _count(db, "SELECT COUNT(*) FROM record_versions") == partial
    assert _count(db, "SELECT COUNT(*) FROM records WHERE entity_id IS NULL") == 0

    reg = Registry(store)
    try:
        report = reg.ingest_file(data, "market", Mapping.load(mapping_path))
        assert report.records_created == 2 * ROWS - partial
        assert report.records_unchanged == partial
        assert report.records_updated == 0
    finally:
        reg.close()
    assert _count(db, "SELECT COUNT(*) FROM records") == 2 * ROWS
    assert _count(db, "SELECT COUNT(*) FROM record_versions") == 2 * ROWS, "no duplicate version"
    assert _count(db, "SELECT COUNT(*) FROM relationships") == ROWS
    assert _count(db, "SELECT COUNT(*) FROM records WHERE entity_id IS NULL") == 0
    assert _count(db, "SELECT COUNT(DISTINCT entity_id) FROM records") == 2 * ROWS
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
