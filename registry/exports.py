"""Exports for other tools: record-to-subject assignments and the subject graph as files.

Plain functions over the store (the :class:`registry.service.Registry` methods of the same
names delegate here): clusters as CSV, and subjects and folded relationships as JSON lines
with CSV twins.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from registry.graph.folding import EDGE_ATTRS, fold_edges
from registry.store.graph_rows import GraphStore


def export_clusters(store: GraphStore, out: Path) -> int:
    """``source,record_id,subject_type,entity_id`` for every stored record."""
    n = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "subject_type", "entity_id"])
        for source, record_id, subject_type, entity_id in assignments(store):
            writer.writerow([source, record_id, subject_type, entity_id])
            n += 1
    return n


def assignments(store: GraphStore) -> Iterator[tuple[str, str, str, str]]:
    """(source, record_id, subject_type, entity_id) of every record; a retracted record
    belongs to no subject (empty id)."""
    for rv in store.iter_records():
        entity_id = "" if rv.retracted else rv.entity_id or ""
        yield rv.key.source, rv.key.record_id, rv.subject_type.value, entity_id


def graph_edges(store: GraphStore) -> Iterator[dict[str, Any]]:
    """Subject-level relationships, folded as the graph holds them, with provenance."""
    for e in fold_edges(store.iter_entity_edges()):
        attrs = {k: v for k in EDGE_ATTRS if (v := getattr(e, k)) is not None}
        yield {
            "type": e.type.value,
            "from": e.from_id,
            "to": e.to_id,
            "attrs": attrs,
            "sources": list(e.sources),
        }


def export_graph(store: GraphStore, out_dir: Path) -> tuple[int, int]:
    """``subjects.jsonl`` and ``relationships.jsonl`` (plus CSV twins) for other tools."""
    out_dir.mkdir(parents=True, exist_ok=True)
    n_subjects = n_edges = 0
    with (
        (out_dir / "subjects.jsonl").open("w", encoding="utf-8") as js,
        (out_dir / "subjects.csv").open("w", newline="", encoding="utf-8") as cs,
    ):
        writer = csv.writer(cs)
        writer.writerow(["id", "type", "name", "golden"])
        for e in store.iter_entities():
            row = {"id": e.entity_id, "type": e.subject_type.value, "golden": e.golden}
            js.write(json.dumps(row, ensure_ascii=False) + "\n")
            writer.writerow(
                [
                    e.entity_id,
                    e.subject_type.value,
                    e.golden.get("name", ""),
                    json.dumps(e.golden, ensure_ascii=False),
                ]
            )
            n_subjects += 1
    with (
        (out_dir / "relationships.jsonl").open("w", encoding="utf-8") as js,
        (out_dir / "relationships.csv").open("w", newline="", encoding="utf-8") as cs,
    ):
        writer = csv.writer(cs)
        writer.writerow(["type", "from", "to", "attrs", "sources"])
        for edge in graph_edges(store):
            js.write(json.dumps(edge, ensure_ascii=False) + "\n")
            writer.writerow(
                [
                    edge["type"],
                    edge["from"],
                    edge["to"],
                    json.dumps(edge["attrs"], ensure_ascii=False),
                    ";".join(edge["sources"]),
                ]
            )
            n_edges += 1
    return n_subjects, n_edges
