"""What the stewards' review queue holds on the demo city, against the generator's truth.

Generates a city (or reads one made by ``registry demo run``), ingests and batch-resolves it
into a fresh store, then classifies every open queue item: its subject type and reason,
whether its two records are truly one entity (a missed link the steward should make) or two
(a near miss the engine rightly kept apart), and which planted hard case it belongs to
(twins, branches, typo'd identifiers, common names, shared phones). Also counts how many of
each kind of hard case reach the queue. Writes ``results/review_queue.json``.

    .venv/bin/python benchmarks/review_queue.py --persons 20000
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, write_results
from registry.service import Registry
from registry.store.base import RecordKey
from tests.registry.graph.conftest import ingest_demo_city

# a pair planted as several cases (twins also share their family's phone) counts as the
# most specific one
PRIORITY = ("twins", "id_typo", "branch", "common_name", "shared_phone")


def _more_specific(new: str, held: str | None) -> bool:
    rank = {k: i for i, k in enumerate(PRIORITY)}
    return held is None or rank.get(new, 99) < rank.get(held, 99)


def hard_cases(city: Path) -> tuple[dict[frozenset[str], str], dict[str, str], Counter[str]]:
    """Pairs of entity keys in one planted case → kind; single-entity cases → kind."""
    pairs: dict[frozenset[str], str] = {}
    single: dict[str, str] = {}
    planted: Counter[str] = Counter()
    with (city / "hard_cases.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            keys = row["entity_keys"].split(";")
            planted[row["kind"]] += 1
            if len(keys) == 1 and _more_specific(row["kind"], single.get(keys[0])):
                single[keys[0]] = row["kind"]
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    pair = frozenset((a, b))
                    if _more_specific(row["kind"], pairs.get(pair)):
                        pairs[pair] = row["kind"]
    return pairs, single, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="directory (default: a temp one)")
    parser.add_argument(
        "--reuse", action="store_true", help="classify the store already in --work, as it is"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="review-queue-"))
    reused = args.reuse and (work / "store" / "registry.sqlite3").exists()
    reg = Registry(work / "store")
    t0 = time.perf_counter()
    if not reused:
        ingest_demo_city(reg, work / "city", args.persons, args.seed)
    built = time.perf_counter() - t0
    truth: dict[RecordKey, str] = {}
    with (work / "city" / "truth.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[RecordKey(row["source"], row["record_id"])] = row["entity_key"]
    pairs, single, planted = hard_cases(work / "city")
    items = reg.store.review_items(limit=1_000_000)
    composition: Counter[tuple[str, str, str, str]] = Counter()
    reached: dict[str, set[str]] = {}
    for item in items:
        if item.left is None or item.right is None:
            continue
        a, b = truth.get(item.left, "?"), truth.get(item.right, "?")
        same = "same entity" if a == b else "two entities"
        kind = pairs.get(frozenset((a, b))) or single.get(a) or single.get(b) or "-"
        composition[(item.subject_type.value, item.reason, same, kind)] += 1
        if kind != "-":
            reached.setdefault(kind, set()).add(f"{min(a, b)}|{max(a, b)}")
    rows = [
        {"type": t, "reason": r, "truth": s, "hard case": k, "items": n}
        for (t, r, s, k), n in sorted(composition.items(), key=lambda kv: -kv[1])
    ]
    cases = [
        {"hard case": k, "planted": planted[k], "in queue": len(reached.get(k, ()))}
        for k in sorted(planted)
    ]
    counts = reg.counts()
    reg.close()
    print_table(f"review queue: {len(items)} open items, {args.persons:,} persons", rows)
    print()
    print_table("planted hard cases reaching the queue", cases)
    path = write_results(
        "review_queue",
        {
            "persons": args.persons, "seed": args.seed, "build_seconds": round(built, 1),
            "subjects": counts, "open_items": len(items), "composition": rows,
            "hard_cases": cases,
        },
    )  # fmt: skip
    print(f"results: {path}")


if __name__ == "__main__":
    main()


__all__: list[Any] = []
