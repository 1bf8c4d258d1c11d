"""Incremental resolution into a large, already-resolved store (issue 4's scale targets).

A demo city is split row by row: most of every department's export (the base) is ingested
store-only and batch-resolved, so the store holds its subjects the way a registry in service
does; the rest (the held-out rows, ``--holdout`` of each file) then arrive as new data with
resolution on, source by source. Reported: the base's subjects, batch time and peak memory,
the held-out records/s (target >= 2,000), single-record latency over rows pushed one at a
time (target p99 <= 25 ms), and pairwise quality against the ground truth at the end.

    .venv/bin/python benchmarks/incremental_scale.py --persons 300000 [--work DIR] [--reuse]
        [--repeat N]

``--work`` keeps the split city and the resolved base store; ``--reuse`` starts from a copy
of that base instead of building it again. ``--repeat`` ingests the held-out rows N times,
each time into a fresh copy of the base, and reports every run and their median: runs of
one code into the 880k city differ by about 5%, so one run cannot tell a change of that
size. Each run's time is also given per source.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import peak_rss_mib, print_table, push_latency, write_results
from registry.demo import generate_city
from registry.mapping import Mapping
from registry.quality import pairwise_scores, read_truth
from registry.readers import read_rows
from registry.service import Registry

RULES = Path(__file__).resolve().parents[1] / "registry" / "demo" / "survivorship.toml"


def _held_out(line: str, share: float) -> bool:
    return zlib.crc32(line.encode()) % 10_000 < share * 10_000


def split_city(city: Path, out: Path, share: float) -> dict[str, Any]:
    """Copies ``city`` into ``out/base`` and ``out/new`` (same mappings and manifest), each
    source's data lines divided by a hash of the line."""
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    for part in ("base", "new"):
        shutil.copytree(city, out / part, ignore=shutil.ignore_patterns("sources"))
        (out / part / "sources").mkdir()
    for src in manifest["sources"]:
        rel = src["file"]
        with (
            open(city / rel, encoding="utf-8", newline="") as handle,
            open(out / "base" / rel, "w", encoding="utf-8", newline="") as base,
            open(out / "new" / rel, "w", encoding="utf-8", newline="") as new,
        ):
            if rel.endswith(".csv"):
                header = handle.readline()
                base.write(header)
                new.write(header)
            for line in handle:
                (new if _held_out(line, share) else base).write(line)
    return manifest


def build_base(split: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    store = split / "base-store"
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir()
    shutil.copy(RULES, store / "survivorship.toml")
    reg = Registry(store)
    try:
        started = time.perf_counter()
        for src in manifest["sources"]:
            mapping = Mapping.load(split / "base" / src["mapping"])
            reg.ingest_file(split / "base" / src["file"], src["name"], mapping, resolve=False)
        ingested = time.perf_counter()
        report = reg.resolve()
        resolved = time.perf_counter()
        return {
            "ingest_seconds": round(ingested - started, 1),
            "batch_seconds": round(resolved - ingested, 1),
            "batch_per_type": report.per_type,
            "batch_peak_rss_mib": peak_rss_mib(),
        }
    finally:
        reg.close()


def single_record_latency(
    reg: Registry, split: Path, manifest: dict[str, Any], samples: int
) -> dict[str, float]:
    """Held-out social-insurance rows pushed back one at a time with a new phone number:
    each is a new version to store and re-resolve in its own transaction, as the push API
    does."""
    src = next(s for s in manifest["sources"] if s["name"] == "social_insurance")
    mapping = Mapping.load(split / "new" / src["mapping"])
    rows = [i.row for i in read_rows(split / "new" / src["file"]) if i.row is not None]
    rows = rows[:: max(1, len(rows) // samples)][:samples]
    return push_latency(reg, rows, src["name"], mapping, "138")


def fresh_copy(base: Path, store: Path) -> Registry:
    """A registry on a new copy of the resolved base store."""
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(base, store)
    # the copy's gigabytes of dirty pages are written back before the clock starts, not
    # during the timed ingest (unsynced, runs of one code took 38.6 to 42.5 s)
    os.sync()
    return Registry(store)


def ingest_held_out(reg: Registry, split: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The held-out rows ingested with resolution, source by source: records/s in all and
    per source, with where each source's resolution time went (per subject type and step)."""
    per_source: dict[str, dict[str, Any]] = {}
    for src in manifest["sources"]:
        started = time.perf_counter()
        report = reg.ingest_file(split / "new" / src["file"], src["name"],
                                 Mapping.load(split / "new" / src["mapping"]),
                                 resolve=True)  # fmt: skip
        seconds = time.perf_counter() - started
        records = report.records_created + report.records_updated
        per_source[src["name"]] = {"records": records, "seconds": round(seconds, 2),
                                   "records_per_s": round(records / seconds),
                                   "resolution": report.resolution.timings()}  # fmt: skip
    records = sum(p["records"] for p in per_source.values())
    seconds = sum(p["seconds"] for p in per_source.values())
    return {"records": records, "seconds": round(seconds, 1),
            "records_per_s": round(records / seconds), "per_source": per_source}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--holdout", type=float, default=0.02, help="share of rows held out")
    parser.add_argument("--samples", type=int, default=400, help="single-record pushes")
    parser.add_argument("--work", type=Path, default=None, help="keep the city and base here")
    parser.add_argument("--reuse", action="store_true", help="reuse --work's resolved base")
    parser.add_argument("--repeat", type=int, default=1, help="held-out runs, each on a fresh copy")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="incremental-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {"persons": args.persons, "holdout": args.holdout}
    try:
        split = work / "split"
        if not (args.reuse and (split / "base-store" / "registry.sqlite3").exists()):
            shutil.rmtree(split, ignore_errors=True)
            city = work / "city"
            if not (city / "manifest.json").exists():
                generate_city(city, args.persons, args.seed)
            manifest = split_city(city, split, args.holdout)
            payload["base"] = build_base(split, manifest)
            (split / "base.json").write_text(json.dumps(payload["base"], indent=2))
        else:
            manifest = json.loads((split / "base" / "manifest.json").read_text("utf-8"))
            payload["base"] = json.loads((split / "base.json").read_text("utf-8"))
        store = work / "run-store"
        runs: list[dict[str, Any]] = []
        reg: Registry | None = None
        try:
            for _ in range(args.repeat):
                if reg is not None:
                    reg.close()  # the last run's store goes on to the latency and quality
                reg = fresh_copy(split / "base-store", store)
                payload["subjects_before"] = sum(reg.counts().values())
                runs.append(ingest_held_out(reg, split, manifest))
            assert reg is not None  # --repeat is at least 1
            payload["runs"] = runs
            median = round(statistics.median(r["records_per_s"] for r in runs))
            payload["incremental"] = {**runs[-1], "median_records_per_s": median}
            payload["latency_ms"] = single_record_latency(reg, split, manifest, args.samples)
            truth = read_truth(split / "base" / manifest["truth"])
            predicted = ((s, r, e) for s, r, _, e in reg.assignments())
            payload["quality"] = {
                t: {"precision": round(q.precision, 4), "recall": round(q.recall, 4),
                    "f1": round(q.f1, 4)}
                for t, q in pairwise_scores(predicted, truth).items()
            }  # fmt: skip
            payload["peak_rss_mib"] = peak_rss_mib()
        finally:
            if reg is not None:
                reg.close()
        path = write_results(f"incremental-scale-{args.persons}", payload)
        base, inc, lat = payload["base"], payload["incremental"], payload["latency_ms"]
        person = base["batch_per_type"].get("person", {})
        print_table(
            f"incremental resolution into a resolved {args.persons:,}-person city",
            [
                {"figure": "subjects already in the store", "value": payload["subjects_before"]},
                {"figure": "base batch resolve, all types (s)", "value": base["batch_seconds"]},
                {"figure": "  of which persons (s)", "value": person.get("seconds")},
                {"figure": "  person records", "value": person.get("records")},
                {"figure": "  batch peak RSS (MiB)", "value": base["batch_peak_rss_mib"]},
                {"figure": "held-out records resolved", "value": inc["records"]},
                {
                    "figure": "incremental records/s, each run",
                    "value": ", ".join(str(r["records_per_s"]) for r in payload["runs"]),
                },
                {"figure": "incremental records/s, median", "value": inc["median_records_per_s"]},
                {"figure": "single-record first, cold (ms)", "value": lat["first"]},
                {"figure": "single-record p50 (ms)", "value": lat["p50"]},
                {"figure": "single-record p99 (ms)", "value": lat["p99"]},
                {"figure": "single-record max (ms)", "value": lat["max"]},
            ],
        )
        print_table(
            "held-out ingest per source (records/s), each run",
            [
                {"source": name, "records": inc["per_source"][name]["records"],
                 **{f"run {i + 1}": r["per_source"][name]["records_per_s"]
                    for i, r in enumerate(payload["runs"])}}
                for name in inc["per_source"]
            ],
        )  # fmt: skip
        print_table("quality at the end", [{"type": t, **q} for t, q in payload["quality"].items()])
        print(f"written to {path}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
