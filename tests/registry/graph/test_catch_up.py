"""Neo4j stops in the middle of an ingest: the registry keeps every record, and when Neo4j is
back the graph catches up from the last change it applied, with nothing lost or duplicated."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.cli import app
from registry.demo import generate_city
from registry.graph.base import GraphUnavailable
from registry.graph.check import check
from registry.mapping import Mapping
from registry.service import Registry
from tests.neo4j_server import OwnNeo4j
from tests.registry.graph.test_sync import assert_in_step

pytestmark = pytest.mark.neo4j


def test_graph_catches_up_after_neo4j_dies_mid_ingest(
    neo4j_settings: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # neo4j_settings: only to skip (or fail under CI) where the tests run without Neo4j
    city = tmp_path / "city"
    generate_city(city, 2500, 5)
    sources = {s["name"]: s for s in json.loads((city / "manifest.json").read_text())["sources"]}

    def ingest(reg: Registry, name: str, **kw: object) -> int:
        src = sources[name]
        report = reg.ingest_file(
            city / src["file"], name, Mapping.load(city / src["mapping"]), **kw
        )  # type: ignore[arg-type]
        return report.rows_read

    server = OwnNeo4j(tmp_path)
    server.start()
    reg = Registry(tmp_path / "store", neo4j=server.settings, graph_sync_interval=0)
    try:
        ingest(reg, "housing_buildings")
        ingest(reg, "planning_redlines")
        assert_in_step(reg)
        applied_before = reg.store.last_seq()

        batches = []

        def kill_after_first_batch(n: int) -> None:
            batches.append(n)
            if len(batches) == 1:
                server.kill()

        started = time.monotonic()
        rows = ingest(reg, "hukou", progress=kill_after_first_batch, workers=1)
        assert len(batches) >= 2 and rows == sources["hukou"]["rows"]
        assert reg.graph_error is not None and "unreachable" in reg.graph_error
        ingest(reg, "social_insurance")
        ingest(reg, "marriage")
        # one failed attempt, not one per batch: writes do not wait on a dead server
        assert time.monotonic() - started < 60
        with pytest.raises(GraphUnavailable):
            reg.graph.neighbourhood("P-00000001")
        # nothing was lost on the registry side while the graph was away
        stored = sum(1 for _ in reg.store.iter_records())
        assert stored > sources["hukou"]["rows"]

        server.start()  # same data directory, port and password
        assert reg.projector is not None
        applied, _ = reg.projector.applied()
        assert applied is not None and applied_before <= applied < reg.store.last_seq()
        report = reg.sync_graph(force=True)
        assert report is not None and report.mode == "incremental" and report.from_seq == applied
        assert_in_step(reg)
        assert check(reg.projector).graph["records"] == stored - sum(
            1 for r in reg.store.iter_records() if r.retracted or r.entity_id is None
        )

        s = server.settings
        monkeypatch.setenv("REGISTRY_NEO4J_URI", s.uri)
        monkeypatch.setenv("REGISTRY_NEO4J_PASSWORD", s.password.get_secret_value())
        result = CliRunner().invoke(app, ["graph", "check", "--store", str(tmp_path / "store")])
        assert result.exit_code == 0, result.output
        assert "differences: 0" in result.output
    finally:
        reg.close()
        server.stop()
