"""The stewards' commands: queue, decide, log, undo, and the judgement log across a rebuild."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from registry.cli import app
from registry.service import Registry
from registry.store.base import RecordKey
from tests.registry.conftest import ingest_persons

runner = CliRunner()
X = "11010519491231002X"


def build(store: Path, tmp: Path) -> None:
    reg = Registry(store)
    try:
        ingest_persons(reg, tmp, "hukou", [f"H1,张伟,{X},13812345678,1949-12-31"])
        ingest_persons(reg, tmp, "tax", [f"T1,张伟,{X},,1949-12-31"])
        ingest_persons(reg, tmp, "hukou", ["H2,欧阳娜娜,,,1990-03-07"])
        ingest_persons(reg, tmp, "marriage", ["M2,欧阳娜娜,,13700000000,1990-03-07"])
    finally:
        reg.close()


def subject(store: Path, ref: str) -> str | None:
    reg = Registry(store)
    try:
        rec = reg.store.get_record(RecordKey(*ref.split("/")))
        return None if rec is None else rec.entity_id
    finally:
        reg.close()


def test_queue_decide_undo_and_carry_judgements_to_a_rebuild(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build(store, tmp_path)
    queue = runner.invoke(app, ["review", "--store", str(store)])
    assert queue.exit_code == 0, queue.output
    assert "review_band" in queue.output and "open: review_band 1" in queue.output
    args = ["--user", "s1", "--store", str(store)]
    made = runner.invoke(
        app, ["decide", "no_match", "--left", "hukou/H1", "--right", "tax/T1", *args]
    )
    assert made.exit_code == 0, made.output
    assert "decision 1 (no_match) applied" in made.output
    assert subject(store, "hukou/H1") != subject(store, "tax/T1")
    log = runner.invoke(app, ["decisions", "--store", str(store)])
    assert "no_match" in log.output
    out = tmp_path / "judgements.jsonl"
    assert (
        runner.invoke(app, ["judgements", "export", str(out), "--store", str(store)]).exit_code == 0
    )
    rebuilt = tmp_path / "rebuilt"
    imported = runner.invoke(app, ["judgements", "import", str(out), "--store", str(rebuilt)])
    assert "1 judgement(s) imported" in imported.output
    (tmp_path / "again").mkdir()
    build(rebuilt, tmp_path / "again")
    assert subject(rebuilt, "hukou/H1") != subject(rebuilt, "tax/T1"), "binding after rebuild"
    undone = runner.invoke(app, ["undo-decision", "1", *args])
    assert undone.exit_code == 0 and subject(store, "hukou/H1") == subject(store, "tax/T1")
    refused = runner.invoke(app, ["decide", "dissolve", "--subject", "P-99999999", *args])
    assert refused.exit_code == 1 and "subject: no active subject" in refused.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"jid": 1}\n', encoding="utf-8")
    broken = runner.invoke(app, ["judgements", "import", str(bad), "--store", str(store)])
    assert broken.exit_code == 1 and "line 1" in broken.output
