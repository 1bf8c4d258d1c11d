"""Search and match latency on a resolved store, over random real subjects.

Times ``Registry.search`` by name, identifier, phone and address and ``Registry.match`` of an
applicant's data (a person's golden values with one digit of the phone changed; an
enterprise's name and address), p50/p99 after a warm-up, as the HTTP API calls them. The
first search builds the search index inside the store (a write), so run it on a copy:

    cp -r /tmp/st100k /tmp/st100k-search        # a store made by `registry demo run`
    .venv/bin/python benchmarks/search_match.py --store /tmp/st100k-search

Target on the 2-core reference machine: search p99 <= 30 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import peak_rss_mib, print_table, write_results
from graph_schema.subject_types import SubjectType
from registry.search_index import refresh_search_index
from registry.service import Registry
from registry.store.base import Entity

P, E = SubjectType.PERSON, SubjectType.ENTERPRISE
APPLICANT = ("name", "birth_date", "gender", "address", "phone")


def typo(phone: str) -> str:
    return phone[:-1] + ("1" if phone[-1] != "1" else "2")


def timed(
    label: str, query: Callable[[Entity], list[str]], subjects: list[Entity], warmup: int
) -> dict[str, Any]:
    """p50/p99 of ``query`` over the subjects after ``warmup`` of them; ``found``: how often
    the subject a query was made from came back."""
    for subject in subjects[:warmup]:
        query(subject)
    times: list[float] = []
    found = sizes = 0
    for subject in subjects[warmup:]:
        t = time.perf_counter()
        ids = query(subject)
        times.append((time.perf_counter() - t) * 1000)
        found += subject.entity_id in ids
        sizes += len(ids)
    times.sort()
    n = len(times)
    return {
        "query": label,
        "queries": n,
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[int(0.99 * (n - 1))], 2),
        "max_ms": round(times[-1], 2),
        "mean_hits": round(sizes / n, 1),
        "found": round(found / n, 3),
    }


def sample(reg: Registry, subject_type: SubjectType, need: tuple[str, ...], n: int) -> list[Entity]:
    pool = [e for e in reg.store.iter_entities(subject_type) if all(e.golden.get(f) for f in need)]
    return random.Random(11).sample(pool, min(n, len(pool)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a resolved store (a copy)")
    parser.add_argument("--queries", type=int, default=1000, help="timed queries per kind")
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    reg = Registry(args.store)
    t0 = time.perf_counter()
    indexed = refresh_search_index(reg.store)
    build_s = time.perf_counter() - t0
    print(f"search index: {indexed:,} record versions indexed in {build_s:.1f} s")

    n = args.queries + args.warmup
    persons = sample(reg, P, APPLICANT, n)
    with_id = sample(reg, P, ("id_number",), n)
    firms = sample(reg, E, ("name", "address"), n)
    s, m = reg.search, reg.match

    def ids(hits: list[Any]) -> list[str]:
        return [h.id for h in hits]

    def applicant(e: Entity) -> dict[str, Any]:
        return {f: e.golden[f] for f in APPLICANT} | {"phone": typo(e.golden["phone"])}

    kinds: list[tuple[str, Callable[[Entity], list[str]], list[Entity]]] = [
        ("search name (person)", lambda e: ids(s(name=e.golden["name"])), persons),
        ("search name (enterprise)", lambda e: ids(s(name=e.golden["name"])), firms),
        ("search identifier", lambda e: ids(s(identifier=e.golden["id_number"])), with_id),
        ("search phone", lambda e: ids(s(phone=e.golden["phone"])), persons),
        ("search address", lambda e: ids(s(address=e.golden["address"])), persons),
        ("search name + phone",
         lambda e: ids(s(name=e.golden["name"], phone=e.golden["phone"])), persons),
        ("match person (phone mistyped)", lambda e: ids(m(P, applicant(e)).candidates), persons),
        ("match enterprise (name, address)",
         lambda e: ids(m(E, {f: e.golden[f] for f in ("name", "address")}).candidates), firms),
    ]  # fmt: skip
    rows = [
        timed(label, query, subjects, min(args.warmup, len(subjects) // 10))
        for label, query, subjects in kinds
    ]
    counts = reg.counts()
    print_table(f"search and match latency ({sum(counts.values()):,} subjects)", rows)
    reg.close()
    path = write_results(
        "search_match",
        {
            "store": str(args.store),
            "subjects": counts,
            "index_build": {"record_versions": indexed, "seconds": round(build_s, 1)},
            "latency": rows,
            "peak_rss_mib": peak_rss_mib(),
            "targets": {"search_p99_ms": 30},
        },
    )
    print(f"results: {path}")


if __name__ == "__main__":
    main()
