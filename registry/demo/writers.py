"""Streaming writers for the departments' exports, the ground truth and the manifest."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel

TRUTH_COLUMNS = ("source", "record_id", "subject_type", "entity_key")


class SourceEntry(BaseModel):
    """One department export: its data file and the mapping that reads it."""

    name: str
    department: str
    file: str
    mapping: str
    format: Literal["csv", "jsonl"]
    rows: int


class CityManifest(BaseModel):
    """What ``generate_city`` wrote (out_dir/manifest.json); paths relative to out_dir."""

    city: str
    seed: int
    persons: int
    as_of: str
    sources: list[SourceEntry]
    truth: str
    hard_cases: str
    counts: dict[str, int]
    noise: dict[str, float]
    common_names: list[tuple[str, int]]


class TruthWriter:
    """truth.csv: one row per subject record a mapping creates."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, lineterminator="\n")
        self._writer.writerow(TRUTH_COLUMNS)
        self.rows = 0

    def write(self, source: str, record_id: str, subject_type: str, key: str) -> None:
        self._writer.writerow((source, record_id, subject_type, key))
        self.rows += 1


class SourceWriter:
    """One department's export file (CSV with a header row, or JSON Lines)."""

    def __init__(
        self,
        out_dir: Path,
        name: str,
        department: str,
        fmt: Literal["csv", "jsonl"],
        columns: tuple[str, ...],
        truth: TruthWriter,
    ) -> None:
        self.name = name
        self.department = department
        self.format: Literal["csv", "jsonl"] = fmt
        self.columns = columns
        self.file = f"sources/{name}.{fmt}"
        self.mapping = f"mappings/{name}.toml"
        self.rows = 0
        self._truth = truth
        self._handle = (out_dir / self.file).open("w", encoding="utf-8", newline="")
        if fmt == "csv":
            self._csv = csv.writer(self._handle, lineterminator="\n")
            self._csv.writerow(columns)

    def row(self, values: list[Any]) -> None:
        """Write one row; ``values`` follow ``columns``; "" / None are empty."""
        if len(values) != len(self.columns):  # pragma: no cover - programming error
            raise ValueError(f"{self.name}: {len(values)} values for {len(self.columns)} columns")
        if self.format == "csv":
            self._csv.writerow(["" if v is None else v for v in values])
        else:
            obj = {c: (None if v == "" else v) for c, v in zip(self.columns, values, strict=True)}
            self._handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.rows += 1

    def truth(self, record_id: str, subject_type: str, key: str) -> None:
        self._truth.write(self.name, record_id, subject_type, key)

    def close(self) -> SourceEntry:
        self._handle.close()
        return SourceEntry(
            name=self.name,
            department=self.department,
            file=self.file,
            mapping=self.mapping,
            format=self.format,
            rows=self.rows,
        )
