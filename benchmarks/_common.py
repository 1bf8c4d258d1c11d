"""Shared helpers for the benchmark scripts: machine facts, JSON output, a printed table."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registry.mapping import Mapping
from registry.service import Registry

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    mem_kb = 0
    try:
        with open("/proc/meminfo") as handle:
            mem_kb = int(handle.readline().split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process, or of its largest finished child process
    (ingest workers) if that was larger."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, ensure_ascii=False))
    return path


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    """A plain aligned table (benchmarks must not depend on a terminal)."""
    if not rows:
        return
    cols = list(rows[0])
    widths = {c: max(len(c), *(len(_fmt(r[c])) for r in rows)) for c in cols}
    print(title)
    print("  ".join(c.ljust(widths[c]) for c in cols))
    print("  ".join("-" * widths[c] for c in cols))
    for r in rows:
        print("  ".join(_fmt(r[c]).ljust(widths[c]) for c in cols))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def push_latency(
    reg: Registry, rows: list[dict[str, Any]], source: str, mapping: Mapping, phone_prefix: str
) -> dict[str, float]:
    """Per-record latency of the incremental path: each row comes back alone with a new
    phone number (``phone_prefix`` + its index), a new version to store and re-resolve in
    its own transaction, as the push API does. Milliseconds: the first push alone (cold:
    the model, the mapping and the store's pages are loaded then), then p50, p99 and max
    of the others. The max is usually the push whose commit runs SQLite's WAL checkpoint
    (every 20,000 pages written: about every 900 one-row pushes)."""
    phone_column = next(c for c in rows[0] if "手机" in c or "电话" in c)
    latencies = []
    for n, row in enumerate(rows):
        changed = {**row, phone_column: f"{phone_prefix}{n:08d}"}
        started = time.perf_counter()
        reg.ingest_rows([changed], source, mapping, origin="latency-probe")
        latencies.append((time.perf_counter() - started) * 1000)
    first, warm = latencies[0], sorted(latencies[1:] or latencies)
    return {
        "samples": len(latencies),
        "first": round(first, 2),
        "p50": round(warm[len(warm) // 2], 2),
        "p99": round(warm[max(0, int(len(warm) * 0.99) - 1)], 2),
        "max": round(warm[-1], 2),
    }
