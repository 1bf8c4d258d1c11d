"""`registry graph …` on the embedded store (the Neo4j side is covered in tests/registry/graph)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from registry.cli import app
from registry.service import Registry
from tests.registry.graph.city import build_city

runner = CliRunner()


def test_graph_queries_from_the_command_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    reg = Registry(store)
    ids = build_city(reg, tmp_path)
    reg.close()
    base = ["--store", str(store)]

    out = runner.invoke(
        app, ["graph", "neighbours", ids["carol"], "--hops", "2", "--type", "person", *base]
    )
    assert out.exit_code == 0, out.output
    found = {n["id"] for n in json.loads(out.output)["nodes"]}
    assert found == {ids["carol"], ids["alice"], ids["bob"]}

    path = runner.invoke(
        app,
        [
            "graph",
            "path",
            ids["alice"],
            ids["b2"],
            "--rel",
            "parent_of",
            "--rel",
            "RESIDES_AT",
            *base,
        ],
    )
    assert path.exit_code == 0 and json.loads(path.output)["length"] == 2

    parcel = runner.invoke(app, ["graph", "parcel", ids["l1"], *base])
    assert parcel.exit_code == 0 and len(json.loads(parcel.output)["buildings"]) == 2

    control = runner.invoke(app, ["graph", "control", ids["alice"], "--depth", "1", *base])
    assert control.exit_code == 0 and len(json.loads(control.output)["nodes"]) == 2


def test_graph_command_errors_are_one_clear_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    reg = Registry(store)
    ids = build_city(reg, tmp_path)
    reg.close()
    base = ["--store", str(store)]
    wrong = runner.invoke(app, ["graph", "parcel", ids["alice"], *base])
    assert wrong.exit_code == 2 and "is a person, not a parcel" in wrong.output
    unknown = runner.invoke(app, ["graph", "neighbours", "P-99999999", *base])
    assert unknown.exit_code == 1 and "no subject P-99999999" in unknown.output
    bad_rel = runner.invoke(app, ["graph", "neighbours", ids["alice"], "--rel", "FRIEND_OF", *base])
    assert bad_rel.exit_code == 2 and "unknown relationship type 'FRIEND_OF'" in bad_rel.output
    hops = runner.invoke(app, ["graph", "neighbours", ids["alice"], "--hops", "7", *base])
    assert hops.exit_code == 2 and "hops must be between 1 and 4" in hops.output
    no_neo4j = runner.invoke(app, ["graph", "check", *base])
    assert no_neo4j.exit_code == 2 and "no Neo4j configured" in no_neo4j.output
