"""Ingest throughput into the embedded store, store-only and with resolution.

Generates a demo city (default 100k persons), ingests every department's export into a fresh
store and reports records/s and peak RSS. Store-only runs normalisation, versioning and the
change feed but no resolution; "with resolution" also links records to subjects.
Target (issue 3): >= 20,000 records/s store-only, memory bounded whatever the file size.

    .venv/bin/python benchmarks/ingest.py [--persons 100000] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import peak_rss_mib, print_table, write_results
from registry.demo import generate_city
from registry.mapping import Mapping
from registry.service import Registry


def run_once(city: Path, store: Path, resolve: bool, workers: int | None) -> dict[str, object]:
    """One ingest of the whole city in this process (called in a child for a clean RSS)."""
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    reg = Registry(store)
    records = rows = 0
    started = time.perf_counter()
    try:
        for src in manifest["sources"]:
            report = reg.ingest_file(
                city / src["file"], src["name"], Mapping.load(city / src["mapping"]),
                resolve=resolve, workers=workers,
            )  # fmt: skip
            records += report.records_created + report.records_updated
            rows += report.rows_read
    finally:
        reg.close()
    elapsed = time.perf_counter() - started
    return {
        "mode": "with resolution" if resolve else "store-only",
        "rows": rows,
        "records": records,
        "seconds": round(elapsed, 2),
        "records_per_s": round(records / elapsed),
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="row-preparation processes")
    parser.add_argument(
        "--modes", default="store,resolve", help="store and/or resolve (comma separated)"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        city, store, mode = args.child
        print(json.dumps(run_once(Path(city), Path(store), mode == "resolve", args.workers)))
        return
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        city = work / "city"
        started = time.perf_counter()
        manifest = generate_city(city, args.persons, args.seed)
        generated = time.perf_counter() - started
        size_mb = sum(f.stat().st_size for f in (city / "sources").iterdir()) / 1e6
        rows = []
        for mode in args.modes.split(","):
            store = work / f"store-{mode}"
            cmd = [sys.executable, __file__, "--child", str(city), str(store), mode]
            if args.workers is not None:
                cmd += ["--workers", str(args.workers)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
        payload = {
            "persons": args.persons,
            "sources": len(manifest.sources),
            "input_mb": round(size_mb, 1),
            "generate_seconds": round(generated, 1),
            "target_store_only_records_per_s": 20_000,
            "results": rows,
        }
        path = write_results(f"ingest-{args.persons}", payload)
        print_table(f"ingest of a {args.persons:,}-person city ({size_mb:.0f} MB)", rows)
        print(f"written to {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
