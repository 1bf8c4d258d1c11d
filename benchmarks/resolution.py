"""Resolution quality and speed on the demo city, side by side with Splink 5.

1. batch: every department ingested store-only, then ``registry resolve`` (EM training,
   scoring, constrained clustering); pairwise precision/recall/F1 per subject type against the
   generator's ground truth, blocking recall (true pairs that share a blocking key), wall time.
2. incremental: a fresh store fed one source at a time with resolution on (using the batch
   run's trained models, as a trained registry receiving new data would); same scores.
3. Splink 5 (DuckDB) on the same person records, set up as its docs recommend
   (``benchmarks/splink_peer.py``): F1 and wall time.

    .venv/bin/python benchmarks/resolution.py [--persons 20000] [--skip-incremental]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import peak_rss_mib, print_table, push_latency, write_results
from graph_schema.subject_types import SubjectType
from registry.demo import generate_city
from registry.mapping import Mapping
from registry.quality import pairwise_scores, read_truth
from registry.readers import read_rows
from registry.service import Registry
from resolution.blocking import block_of, blocking_keys, name_key


def scores(reg: Registry, truth: dict[tuple[str, str], tuple[str, str]]) -> dict[str, Any]:
    predicted = ((source, rid, entity) for source, rid, _, entity in reg.assignments())
    return {
        t: {"records": s.records, "precision": round(s.precision, 4),
            "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
        for t, s in pairwise_scores(predicted, truth).items()
    }  # fmt: skip


def blocking_recall(
    reg: Registry, truth: dict[tuple[str, str], tuple[str, str]], *, context: bool = False
) -> dict[str, float]:
    """Share of true matching pairs that share a block in a batch run (sampled per entity).

    ``context``: the keys the engine stored, which include those of person context (partner
    names, anchors, suspect id numbers); otherwise keys of the records' own values only."""
    out: dict[str, float] = {}
    for st in SubjectType:
        by_entity: dict[str, list[set[str]]] = defaultdict(list)
        records = list(reg.store.iter_records(st))
        stored = reg.store.match_keys_of(rv.key for rv in records) if context else {}
        for rv in records:
            t = truth.get((rv.key.source, rv.key.record_id))
            if t is not None:
                keys = stored.get(rv.key, []) if context else blocking_keys(st, rv.values)
                by_entity[t[1]].append(set(keys))
        found = total = 0
        for keysets in by_entity.values():
            for a, b in itertools.islice(itertools.combinations(keysets, 2), 50):
                total += 1
                found += bool({block_of(k) for k in a} & {block_of(k) for k in b})
        if total:
            out[st.value] = round(found / total, 4)
    return out


def ingest_all(reg: Registry, city: Path, manifest: dict[str, Any], resolve: bool) -> float:
    started = time.perf_counter()
    for src in manifest["sources"]:
        reg.ingest_file(city / src["file"], src["name"], Mapping.load(city / src["mapping"]),
                        resolve=resolve)  # fmt: skip
    return time.perf_counter() - started


def person_records(
    reg: Registry, truth: dict[tuple[str, str], tuple[str, str]]
) -> list[dict[str, Any]]:
    out = []
    for rv in reg.store.iter_records(SubjectType.PERSON):
        if rv.retracted or (rv.key.source, rv.key.record_id) not in truth:
            continue
        v = rv.values
        out.append({"source": rv.key.source, "record_id": rv.key.record_id,
                    **{k: v[k] for k in ("name", "id_number", "birth_date", "gender", "phone",
                                         "address") if isinstance(v.get(k), str)},
                    "pinyin": name_key(v["name"]) if v.get("name") else None})  # fmt: skip
    return out


def single_record_latency(
    reg: Registry, city: Path, manifest: dict[str, Any], samples: int = 400
) -> dict[str, float]:
    """Per-record latency of the incremental path in a populated store: ``samples`` rows of
    the social-insurance export come back one at a time with a new phone number, each a new
    version to store and re-resolve (one transaction per record, as the push API does)."""
    src = next(s for s in manifest["sources"] if s["name"] == "social_insurance")
    mapping = Mapping.load(city / src["mapping"])
    rows = []
    for item in read_rows(city / src["file"]):
        if item.row is not None:
            rows.append(item.row)
        if len(rows) >= samples:
            break
    return push_latency(reg, rows, src["name"], mapping, "139")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="resolution-bench-"))
    payload: dict[str, Any] = {"persons": args.persons}
    try:
        city = work / "city"
        generate_city(city, args.persons, args.seed)
        manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
        truth = read_truth(city / manifest["truth"])
        rules = Path(__file__).resolve().parents[1] / "registry" / "demo" / "survivorship.toml"

        batch_dir = work / "batch"
        batch_dir.mkdir()
        shutil.copy(rules, batch_dir / "survivorship.toml")
        reg = Registry(batch_dir)
        ingest_s = ingest_all(reg, city, manifest, resolve=False)
        started = time.perf_counter()
        report = reg.resolve()
        batch_s = time.perf_counter() - started
        payload["batch"] = {"ingest_seconds": round(ingest_s, 1),
                            "resolve_seconds": round(batch_s, 1),
                            "per_type": report.per_type, "quality": scores(reg, truth),
                            "blocking_recall": blocking_recall(reg, truth),
                            "blocking_recall_with_context": blocking_recall(
                                reg, truth, context=True),
                            "peak_rss_mib": peak_rss_mib()}  # fmt: skip
        persons = person_records(reg, truth)
        reg.close()

        if not args.skip_incremental:
            inc_dir = work / "incremental"
            inc_dir.mkdir()
            shutil.copy(rules, inc_dir / "survivorship.toml")
            shutil.copytree(batch_dir / "models", inc_dir / "models")
            reg = Registry(inc_dir)
            inc_s = ingest_all(reg, city, manifest, resolve=True)
            records = sum(1 for _ in reg.store.iter_records())
            payload["incremental"] = {"seconds": round(inc_s, 1), "records": records,
                                      "records_per_s": round(records / inc_s),
                                      "quality": scores(reg, truth)}  # fmt: skip
            payload["incremental"]["single_record_latency_ms"] = single_record_latency(
                reg, city, manifest
            )
            reg.close()

        if not args.skip_splink:
            from benchmarks.splink_peer import run_splink

            result = run_splink(persons)
            predicted = ((s, r, cid) for (s, r), cid in result.clusters.items())
            sp = pairwise_scores(predicted, truth)["person"]
            payload["splink"] = {"person_records": len(persons),
                                 "seconds": round(result.seconds, 1),
                                 "precision": round(sp.precision, 4),
                                 "recall": round(sp.recall, 4), "f1": round(sp.f1, 4),
                                 "pairs_scored": result.pairs_scored}  # fmt: skip

        rows = []
        for mode in ("batch", "incremental"):
            if mode not in payload:
                continue
            for st, q in payload[mode]["quality"].items():
                rows.append({"system": f"registry {mode}", "type": st, **q})
        if "splink" in payload:
            s = payload["splink"]
            rows.append({"system": "splink 5", "type": "person",
                         "records": s["person_records"], "precision": s["precision"],
                         "recall": s["recall"], "f1": s["f1"]})  # fmt: skip
        path = write_results(f"resolution-{args.persons}", payload)
        print_table(f"resolution quality, {args.persons:,}-person demo city", rows)
        times = [
            {"step": "batch resolve (all types)", "seconds": payload["batch"]["resolve_seconds"]}
        ]
        person = payload["batch"]["per_type"].get("person", {})
        times.append({"step": "batch resolve (persons only)", "seconds": person.get("seconds")})
        # Splink's time has no store in it: the same persons without writing the results
        phases = person.get("phases", {})
        writes = {k for k in phases if k.startswith("write_")} | {"commit"}
        computing = sum(v for k, v in phases.items() if k not in writes)
        times.append({"step": "  of which reading and computing (no writes)",
                      "seconds": round(computing, 2)})  # fmt: skip
        if "splink" in payload:
            times.append({"step": "splink 5 (persons)", "seconds": payload["splink"]["seconds"]})
        if "incremental" in payload:
            inc = payload["incremental"]
            times.append({"step": f"incremental ingest+resolve ({inc['records_per_s']} rec/s)",
                          "seconds": inc["seconds"]})  # fmt: skip
            lat = inc["single_record_latency_ms"]
            print(f"single-record incremental latency (ms): first (cold) {lat['first']}; "
                  f"then p50 {lat['p50']}, p99 {lat['p99']}, max {lat['max']} "
                  f"over {lat['samples'] - 1} records")  # fmt: skip
        print_table("wall time", times)
        print("blocking recall, own values:", payload["batch"]["blocking_recall"])
        print("blocking recall, keys the engine used:",
              payload["batch"]["blocking_recall_with_context"])  # fmt: skip
        print(f"written to {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
