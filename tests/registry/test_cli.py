"""The `registry` command line as a user runs it: exit codes, one-line reasons, summaries."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from registry.cli import app
from tests.registry.conftest import MARKET_MAPPING, ROWS, write_csv
from tests.registry.test_cli_steward import build as build_persons

runner = CliRunner()


def _setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = write_csv(tmp_path / "market.csv", ROWS)
    mapping = tmp_path / "market.toml"
    mapping.write_text(MARKET_MAPPING, encoding="utf-8")
    return data, mapping, tmp_path / "store"


def test_ingest_prints_a_summary_and_is_idempotent(tmp_path: Path) -> None:
    data, mapping, store = _setup(tmp_path)
    args = [
        "ingest",
        str(data),
        "--source",
        "market",
        "--mapping",
        str(mapping),
        "--store",
        str(store),
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "rows read" in first.output and "5 / 0 / 0" in first.output
    # where resolution's time went, per subject type the rows gave
    assert "resolution time" in first.output
    assert "enterprise" in first.output and "golden values" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0
    assert "0 / 0 / 5" in second.output
    assert "resolution time" not in second.output  # nothing changed, nothing resolved


def test_bad_mapping_exits_non_zero_naming_the_key(tmp_path: Path) -> None:
    data, mapping, store = _setup(tmp_path)
    mapping.write_text(MARKET_MAPPING.replace('name = "{企业名称}"', 'nmae = "{企业名称}"'))
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", "ingest", str(data), "--source", "m",
         "--mapping", str(mapping), "--store", str(store)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "nmae" in lines[0]


def test_unreadable_file_exits_non_zero(tmp_path: Path) -> None:
    _, mapping, store = _setup(tmp_path)
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "missing.csv"), "--source", "m", "--mapping", str(mapping),
              "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_quarantine_show_changes_and_exports(tmp_path: Path) -> None:
    data, mapping, store = _setup(tmp_path)
    data.write_text(data.read_text(encoding="utf-8") + "broken,row\n", encoding="utf-8")
    base = ["--store", str(store)]
    assert runner.invoke(app, ["ingest", str(data), "--source", "market", "--mapping",
                               str(mapping), *base]).exit_code == 0  # fmt: skip
    listed = runner.invoke(app, ["quarantine", "list", "--json", *base])
    entries = [json.loads(line) for line in listed.output.splitlines()]
    assert len(entries) == 1 and entries[0]["line"] == 5
    assert "fields but the header has" in entries[0]["reasons"][0]["message"]

    out = tmp_path / "clusters.csv"
    assert runner.invoke(app, ["export", "clusters", "--out", str(out), *base]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and all(r["entity_id"] for r in rows)
    entity = next(r["entity_id"] for r in rows if r["record_id"] == "M1")

    shown = runner.invoke(app, ["show", entity, *base])
    assert shown.exit_code == 0
    profile = json.loads(shown.output)
    assert profile["attributes"]["name"]["value"] == "杭州西湖茶叶有限公司"
    assert profile["relationships"][0]["type"] == "LEGAL_REPRESENTATIVE_OF"

    past = runner.invoke(app, ["show", entity, "--as-of", "2000-01-01", *base])
    assert past.exit_code == 1 and "as of 2000-01-01" in past.output

    feed = runner.invoke(app, ["changes", "--after", "0", "--limit", "3", *base])
    seqs = [json.loads(line)["seq"] for line in feed.output.splitlines()]
    assert seqs == [1, 2, 3]

    graph_dir = tmp_path / "graph"
    assert runner.invoke(app, ["export", "graph", "--out", str(graph_dir), *base]).exit_code == 0
    edges = [json.loads(line) for line in (graph_dir / "relationships.jsonl").open()]
    assert {e["type"] for e in edges} == {"LEGAL_REPRESENTATIVE_OF"} and len(edges) == 2


def test_retract_unknown_record(tmp_path: Path) -> None:
    result = runner.invoke(app, ["retract", "--source", "x", "--record-id", "y", "--store",
                                 str(tmp_path / "s")])  # fmt: skip
    assert result.exit_code == 1 and "no active record x/y" in result.output


def test_derive_reports_links_by_method(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_persons(store, tmp_path)
    done = runner.invoke(app, ["derive", "--store", str(store)])
    assert done.exit_code == 0, done.output
    assert "derived links: 0" in done.output and "0 added or changed, 0 removed" in done.output


def test_resolve_reports_each_type_and_where_its_time_went(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_persons(store, tmp_path)
    done = runner.invoke(app, ["resolve", "--store", str(store)], env={"COLUMNS": "250"})
    assert done.exit_code == 0, done.output
    assert "batch resolution" in done.output and "person" in done.output
    assert "where the time went" in done.output
    for phase in ("read", "context", "blocking", "compare", "cluster", "write golden"):
        assert phase in done.output, phase
    assert "{" not in done.output  # no raw dictionaries in the tables
