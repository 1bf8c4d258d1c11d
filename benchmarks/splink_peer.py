"""Splink 5 (DuckDB) as the batch peer: run it the way its docs recommend on person records.

:func:`run_splink` takes person records as the registry stores them (normalised values, absent
fields left out), trains a Splink ``dedupe_only`` model on them (probability two random records
match from deterministic rules, u by random sampling, m by expectation maximisation on three
blocking rules), predicts and clusters at a threshold, and returns the clusters with the wall
time of training + prediction + clustering (building and registering the table is not timed).

As a script it scores a JSONL file of records that carry their true entity in ``"truth"``:

    .venv/bin/python benchmarks/splink_peer.py RECORDS.jsonl [--threshold 0.9] [--save]
    .venv/bin/python benchmarks/splink_peer.py --make-synthetic 3000 RECORDS.jsonl

Pairwise precision/recall/F1 are computed from cluster sizes (sum of C(n, 2) over true
clusters, predicted clusters and their intersections), never by enumerating pairs.

Notes on fitting Splink to Chinese person data (the choices a careful Splink user would make):
DuckDB's ``levenshtein`` and ``jaro_winkler_similarity`` work on UTF-8 bytes, so one changed
Han character is a Levenshtein distance of 3 and Jaro-Winkler ranks 王建华/王建国 above
王建华/王建桦. The fuzzy name levels therefore run on the pinyin key, and the Han name only
gets an exact level. Partial birth dates ("1990-05", "1990") are passed as null to
``DateOfBirthComparison`` and kept as ``birth_year`` for blocking.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import splink
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import peak_rss_mib, print_table, write_results

RecordKey = tuple[str, str]

# Columns handed to Splink; all strings (an explicit schema keeps all-null columns typed).
COLUMNS = (
    "unique_id",
    "name",
    "pinyin",
    "name_first_char",
    "id_number",
    "birth_date",
    "birth_year",
    "gender",
    "phone",
    "address",
    "address_district",
    "address_road",
)
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ADDRESS = re.compile(
    r"(?:[^省]{2,7}?省)?(?:[^市]{2,7}?市)?"
    r"(?P<district>[^区县市]{1,7}?[区县市])?"
    r"(?P<road>[^路街道巷弄]{1,10}?(?:大道|大街|路|街|巷|弄))?"
)


@dataclass
class SplinkResult:
    """Splink's clusters and how long it took."""

    clusters: dict[RecordKey, str]  # (source, record_id) → cluster id
    seconds: float  # training + predict + cluster (not building/registering the table)
    train_seconds: float
    predict_seconds: float
    pairs_scored: int  # candidate pairs the prediction blocking rules generate (all scored)
    settings: dict[str, Any]  # the trained Splink model (settings with m/u), for the report
    cluster_seconds: float = 0.0
    pairs_matched: int = 0  # scored pairs at or above the threshold
    stage_seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Data preparation (not timed)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def splink_row(record: Mapping[str, Any]) -> dict[str, str | None]:
    """One registry person record as a Splink input row, with the derived columns."""
    name = _text(record.get("name"))
    birth = _text(record.get("birth_date"))
    address = _text(record.get("address"))
    pinyin = _text(record.get("pinyin"))
    district = road = None
    if address is not None:
        parts = _ADDRESS.match(address)
        if parts is not None:
            district = parts["district"]
            if parts["road"] is not None:
                road = f"{district or ''}{parts['road']}"
    return {
        "unique_id": f"{record['source']}|{record['record_id']}",
        "name": name,
        "pinyin": pinyin.lower().replace(" ", "") if pinyin else None,
        "name_first_char": name[0] if name else None,
        "id_number": _text(record.get("id_number")),
        "birth_date": birth if birth and _FULL_DATE.fullmatch(birth) else None,
        "birth_year": birth[:4] if birth and len(birth) >= 4 else None,
        "gender": _text(record.get("gender")),
        "phone": _text(record.get("phone")),
        "address": address,
        "address_district": district,
        "address_road": road,
    }


def records_table(records: Iterable[Mapping[str, Any]]) -> tuple[pa.Table, dict[str, RecordKey]]:
    """The Splink input table and unique_id → (source, record_id)."""
    columns: dict[str, list[str | None]] = {c: [] for c in COLUMNS}
    keys: dict[str, RecordKey] = {}
    for record in records:
        row = splink_row(record)
        uid = row["unique_id"]
        assert uid is not None
        if uid in keys:
            raise ValueError(f"duplicate record {uid!r}")
        keys[uid] = (str(record["source"]), str(record["record_id"]))
        for c in COLUMNS:
            columns[c].append(row[c])
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    return pa.Table.from_pydict(columns, schema=schema), keys


# ---------------------------------------------------------------------------------------------
# The Splink model


def name_comparison() -> cl.CustomComparison:
    """NameComparison adapted to Han names: exact name, exact pinyin, Jaro-Winkler on pinyin."""
    return cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("pinyin", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("pinyin", 0.92),
            cll.JaroWinklerLevel("pinyin", 0.80),
            cll.ElseLevel(),
        ],
        output_column_name="name",
        comparison_description="name: exact, pinyin exact, pinyin Jaro-Winkler 0.92 / 0.80",
    )


def address_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("address", 0.97),
            cll.ExactMatchLevel("address_road"),
            cll.ExactMatchLevel("address_district"),
            cll.ElseLevel(),
        ],
        output_column_name="address",
        comparison_description="address: exact, Jaro-Winkler >= 0.97, same road, same district",
    )


PREDICTION_RULES = (
    block_on("id_number"),
    block_on("phone"),
    block_on("pinyin", "birth_year"),
    block_on("name_first_char", "birth_date"),
    block_on("name", "address_district"),
)
DETERMINISTIC_RULES = (block_on("id_number"), block_on("name", "birth_date"))
DETERMINISTIC_RECALL = 0.8  # a user's guess, not tuned on the truth
EM_RULES = (block_on("id_number"), block_on("phone"), block_on("pinyin", "birth_year"))


def settings_creator() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            name_comparison(),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.LevenshteinAtThresholds("id_number", 2).configure(term_frequency_adjustments=True),
            cl.ExactMatch("gender"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
            address_comparison(),
        ],
        blocking_rules_to_generate_predictions=list(PREDICTION_RULES),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def quiet_splink() -> None:
    """Splink logs every SQL step at INFO and warns about untrained levels: keep it to errors."""
    for name in ("splink", "duckdb"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_splink(
    records: list[dict[str, Any]],
    *,
    threshold: float = 0.9,
    seed: int = 1,
    max_pairs_u: float = 1e6,
) -> SplinkResult:
    """Train, predict and cluster with Splink; every record gets a cluster (singletons too)."""
    quiet_splink()
    table, keys = records_table(records)
    db_api = DuckDBAPI()
    db_api.duckdb_con.execute("SET enable_progress_bar = false")
    sdf = db_api.register(table)
    stages: dict[str, float] = {}

    started = time.perf_counter()
    linker = Linker(sdf, settings_creator(), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    stages["probability_two_random_records_match"] = time.perf_counter() - started
    mark = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    stages["u_random_sampling"] = time.perf_counter() - mark
    for rule in EM_RULES:
        mark = time.perf_counter()
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
        stages[f"em {rule.get_blocking_rule('duckdb').blocking_rule_sql}"] = (
            time.perf_counter() - mark
        )
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    predicted = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    cluster_rows = clustered.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    finished = time.perf_counter()

    clusters = {keys[uid]: str(cluster) for uid, cluster in cluster_rows}
    for uid, key in keys.items():  # Splink returns singletons too; be sure anyway
        clusters.setdefault(key, uid)
    matched = predictions.as_duckdbpyrelation().count("*").fetchall()[0][0]
    scored = count_comparisons_from_blocking_rules(
        sdf,
        blocking_rules=list(PREDICTION_RULES),
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )[-1]["cumulative_comparison_count"]
    return SplinkResult(
        clusters=clusters,
        seconds=finished - started,
        train_seconds=trained - started,
        predict_seconds=predicted - trained,
        cluster_seconds=finished - predicted,
        pairs_scored=int(scored),
        pairs_matched=int(matched),
        settings=linker.misc.save_model_to_json(),
        stage_seconds={k: round(v, 3) for k, v in stages.items()},
    )


# ---------------------------------------------------------------------------------------------
# Scoring against the truth


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(
    truth: Mapping[RecordKey, str], predicted: Mapping[RecordKey, str]
) -> dict[str, float]:
    """Pairwise precision, recall and F1 from cluster sizes (no pair enumeration)."""
    keys = truth.keys() & predicted.keys()
    true_pairs = sum(_pairs(n) for n in Counter(truth[k] for k in keys).values())
    pred_pairs = sum(_pairs(n) for n in Counter(predicted[k] for k in keys).values())
    both = sum(_pairs(n) for n in Counter((truth[k], predicted[k]) for k in keys).values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "correct_pairs": both,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


# ---------------------------------------------------------------------------------------------
# A synthetic person set with the truth (uses the demo city's name and code generators)

_SOURCES = ("hukou", "social_security", "medical_insurance", "civil_affairs", "housing_fund")
_TYPO_CHARS = "建志国文俊晓明永海宇华强伟军平东峰涛辉杰丽秀美玉春雪静芳娜敏婷"


def synthetic_people(
    persons: int, *, seed: int = 7, keep_invalid_ids: bool = False
) -> list[dict[str, Any]]:
    """``persons`` people in households, 2–4 noisy records each, with ``"truth"``.

    Noise per record: homophone (5%) or other (1.5%) typo of a given-name character, name in
    pinyin (2%), id number missing (12%) or with one digit typo'd (3%; dropped like the
    registry drops ids failing the check, unless ``keep_invalid_ids``), birth date missing
    (4%), partial (4%) or wrong by a day/month (1.5%), phone mobile/landline/missing, a
    second mobile, an old address (20% of people), address missing (8%).
    """
    import datetime as dt

    from graph_schema.person_names import PersonName, cross_script_key, normalize_person_name
    from registry.demo import addresses as da
    from registry.demo import codes, names

    rng = random.Random(seed)
    people: list[dict[str, Any]] = []

    def new_address() -> str:
        division = rng.choice(da.DIVISIONS)
        return (
            f"{da.PROVINCE}{da.CITY}{division.name}{rng.choice(division.roads)}"
            f"{rng.randint(1, 400)}号{da.estate_name(rng, '住宅')}{rng.randint(1, 30)}幢"
            f"{rng.randint(1, 4)}单元{da.room_label(rng.randint(1, 30) * 100 + rng.randint(1, 4))}"
        )

    while len(people) < persons:
        address = new_address()
        landline = da.landline(rng) if rng.random() < 0.4 else None
        surname = names.draw_surname(rng)
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            gender = rng.choice("MF")
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 68))
            family = surname if rng.random() < 0.75 else names.draw_surname(rng)
            area = rng.choice(codes.MIGRANT_AREA_CODES + tuple(d.code for d in da.DIVISIONS))
            seq = rng.randrange(0, 1000)
            seq = seq | 1 if gender == "M" else seq & ~1
            people.append(
                {
                    "truth": f"P{len(people):07d}",
                    "surname": family,
                    "given": names.draw_given(rng, gender, birth.year),
                    "gender": gender,
                    "birth": birth,
                    "id": codes.make_id_number(area, birth, seq),
                    "mobile": da.mobile(rng) if rng.random() < 0.85 else None,
                    "mobile2": da.mobile(rng) if rng.random() < 0.05 else None,
                    "landline": landline,
                    "address": address,
                    "old_address": new_address() if rng.random() < 0.2 else None,
                }
            )
    people = people[:persons]

    records: list[dict[str, Any]] = []
    counters: Counter[str] = Counter()
    for p in people:
        for _ in range(rng.randint(2, 4)):
            source = rng.choice(_SOURCES)
            counters[source] += 1
            given, r = p["given"], rng.random()
            if r < 0.05:
                given = names.homophone_typo(rng, given)
            elif r < 0.065:
                i = rng.randrange(len(given))
                given = given[:i] + rng.choice(_TYPO_CHARS) + given[i + 1 :]
            if rng.random() < 0.02:
                name = " ".join(
                    w.capitalize() for w in names.pinyin_name(rng, p["surname"], given).split()
                )
            else:
                name = p["surname"] + given
            rec: dict[str, Any] = {
                "source": source,
                "record_id": f"{source[:2].upper()}{counters[source]:08d}",
                "truth": p["truth"],
                "name": name,
                "gender": p["gender"],
            }
            if isinstance(parsed := normalize_person_name(name), PersonName):
                rec["pinyin"] = cross_script_key(parsed)
            r = rng.random()
            if r >= 0.15:
                rec["id_number"] = p["id"]
            elif r >= 0.12 and keep_invalid_ids:
                rec["id_number"] = codes.typo_id(rng, p["id"])
            birth, r = p["birth"], rng.random()
            if r < 0.04:
                pass
            elif r < 0.06:
                rec["birth_date"] = f"{birth:%Y-%m}"
            elif r < 0.08:
                rec["birth_date"] = f"{birth:%Y}"
            elif r < 0.095:
                rec["birth_date"] = (
                    birth + dt.timedelta(days=rng.choice((-1, 1, 30, -31)))
                ).isoformat()
            else:
                rec["birth_date"] = birth.isoformat()
            if rng.random() < 0.01:
                del rec["gender"]
            r = rng.random()
            mobile = p["mobile2"] if p["mobile2"] and rng.random() < 0.5 else p["mobile"]
            if r < 0.6 and mobile:
                rec["phone"] = mobile
            elif r < 0.75 and p["landline"]:
                rec["phone"] = p["landline"]
            r = rng.random()
            if r < 0.08:
                pass
            elif p["old_address"] and r < 0.4:
                rec["address"] = p["old_address"]
            else:
                rec["address"] = p["address"]
            records.append(rec)
    rng.shuffle(records)
    return records


# ---------------------------------------------------------------------------------------------
# Command line


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, help="JSONL of person records with a 'truth' key")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-pairs-u", type=float, default=1e6)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/*.json")
    parser.add_argument(
        "--make-synthetic", type=int, metavar="PERSONS", help="write a synthetic set and exit"
    )
    parser.add_argument("--keep-invalid-ids", action="store_true", help="with --make-synthetic")
    args = parser.parse_args(argv)

    if args.make_synthetic:
        records = synthetic_people(args.make_synthetic, keep_invalid_ids=args.keep_invalid_ids)
        with args.records.open("w", encoding="utf-8") as handle:
            for rec in records:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(
            f"wrote {len(records):,} records of {args.make_synthetic:,} persons to {args.records}"
        )
        return 0

    records = _read_jsonl(args.records)
    truth = {(str(r["source"]), str(r["record_id"])): str(r["truth"]) for r in records}
    result = run_splink(
        records, threshold=args.threshold, seed=args.seed, max_pairs_u=args.max_pairs_u
    )
    scores = pairwise_scores(truth, result.clusters)
    summary: dict[str, Any] = {
        "records": len(records),
        "true entities": len(set(truth.values())),
        "splink clusters": len(set(result.clusters.values())),
        "pairs scored": result.pairs_scored,
        "pairs >= threshold": result.pairs_matched,
        "precision": round(scores["precision"], 4),
        "recall": round(scores["recall"], 4),
        "F1": round(scores["f1"], 4),
        "train s": round(result.train_seconds, 2),
        "predict s": round(result.predict_seconds, 2),
        "cluster s": round(result.cluster_seconds, 2),
        "total s": round(result.seconds, 2),
        "records/s": round(len(records) / result.seconds) if result.seconds else math.inf,
        "peak RSS MiB": peak_rss_mib(),
    }
    print_table(
        f"Splink {splink.__version__} (DuckDB), threshold {args.threshold}",
        [{"metric": k, "value": v} for k, v in summary.items()],
    )
    print_table("training stages", [{"stage": k, "s": v} for k, v in result.stage_seconds.items()])
    if args.save:
        path = write_results(
            f"splink_peer-{len(records)}",
            {
                "summary": summary,
                "scores": scores,
                "stage_seconds": result.stage_seconds,
                "settings": result.settings,
            },
        )
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
