"""Bulk load into Neo4j and 2-hop neighbourhood latency on both graph backends.

Loads (``registry graph rebuild``) a resolved store into the Neo4j named by
``REGISTRY_NEO4J_*`` and reports graph elements (nodes + relationships) written per second,
then times 2-hop neighbourhood queries of randomly chosen subjects on Neo4j and on the
embedded store (p50/p99 after a warm-up). Run it through the launcher, e.g.:

    NEO4J_HEAP=2g scripts/with-neo4j.sh .venv/bin/python benchmarks/neo4j_load.py \
        --store /tmp/st100k      # a store made by `registry demo run --persons 100000`

Without ``--store`` it builds a city of ``--persons`` first (``registry demo run``).
Targets on the 2-core reference machine: >= 20,000 elements/s; 2-hop p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import print_table, write_results
from registry.graph.base import GraphBackend
from registry.graph.embedded import EmbeddedGraph
from registry.graph.neo4j_conn import Neo4jSettings
from registry.service import Registry


def build_store(persons: int, city: Path, store: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_NEO4J_")}
    cmd = [sys.executable, "-m", "registry.cli", "demo", "run", "--city", str(city),
           "--store", str(store), "--persons", str(persons)]  # fmt: skip
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def latencies(graph: GraphBackend, ids: list[str], hops: int, warmup: int) -> dict[str, float]:
    for subject in ids[:warmup]:
        graph.neighbourhood(subject, hops)
    times, sizes = [], []
    for subject in ids[warmup:]:
        t = time.perf_counter()
        result = graph.neighbourhood(subject, hops)
        times.append((time.perf_counter() - t) * 1000)
        sizes.append(len(result.nodes) if result else 0)
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
        "median_nodes": statistics.median(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a resolved store (else one is built)")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--city", type=Path, default=Path("/tmp/bench-city"))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    settings = Neo4jSettings.from_env()
    if settings is None:
        sys.exit("REGISTRY_NEO4J_URI is not set: run through scripts/with-neo4j.sh (see docstring)")
    store = args.store
    if store is None:
        store = Path(f"/tmp/bench-store-{args.persons}")
        print(f"building a {args.persons:,}-person city into {store} ...", flush=True)
        build_store(args.persons, args.city, store)

    reg = Registry(store, neo4j=settings)
    assert reg.projector is not None
    stages: dict[str, list[float]] = {}
    last = [time.perf_counter()]

    def tick(stage: str, n: int) -> None:
        now = time.perf_counter()
        s = stages.setdefault(stage, [0, 0.0])
        s[0] += n
        s[1] += now - last[0]
        last[0] = now

    t0 = time.perf_counter()
    reg.projector.clear()
    last[0] = time.perf_counter()
    report = reg.projector.rebuild(tick)
    load_s = time.perf_counter() - t0
    rows = [
        {"stage": k, "elements": int(n), "seconds": round(sec, 1), "per_s": round(n / sec)}
        for k, (n, sec) in stages.items()
    ]
    total = {"stage": "total (incl. clear, schema, reads)", "elements": report.elements}
    total.update(seconds=round(load_s, 1), per_s=round(report.elements / load_s))
    rows.append(total)
    print_table(f"bulk load into Neo4j ({report.subjects:,} subjects)", rows)

    ids = [e.entity_id for e in reg.store.iter_entities()]
    sample = random.Random(7).sample(ids, min(len(ids), args.queries + args.warmup))
    lat = [
        {"backend": "neo4j", **latencies(reg.graph, sample, 2, args.warmup)},
        {"backend": "embedded", **latencies(EmbeddedGraph(reg.store), sample, 2, args.warmup)},
    ]
    print_table("2-hop neighbourhood of a random subject", lat)
    counts = reg.counts()
    reg.close()
    path = write_results(
        "neo4j_load",
        {
            "store": str(store),
            "subjects": counts,
            "load": {
                "elements": report.elements,
                "seconds": round(load_s, 1),
                "elements_per_s": round(report.elements / load_s),
                "stages": rows,
            },
            "two_hop": lat,
            "targets": {"elements_per_s": 20_000, "two_hop_p99_ms": 20},
        },
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
