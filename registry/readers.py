"""Streaming readers for departments' exports: CSV (UTF-8, header row) and JSON Lines.

Rows are yielded one at a time with their line numbers, so files of any size are read in
bounded memory. A malformed line (wrong number of CSV fields, invalid JSON, bytes that are
not UTF-8) is yielded as an error item to be quarantined, never raised.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class UnreadableFile(Exception):
    """The file cannot be read at all (missing, a directory, no header, unknown format)."""


@dataclass(frozen=True, slots=True)
class RowItem:
    """One input row, or the reason it could not be read."""

    line: int
    row: dict[str, Any] | None
    error: str | None = None
    text: str = ""


def file_format(path: Path) -> str:
    """``csv`` or ``jsonl`` by extension."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise UnreadableFile(f"{path}: unknown file type {suffix!r}; expected .csv or .jsonl")


def _decoded_lines(path: Path, bad: dict[int, str]) -> Iterator[str]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad[number] = f"line is not valid UTF-8 (byte {exc.start})"
                yield raw.decode("utf-8", errors="replace")


def _open_check(path: Path) -> None:
    if not path.exists():
        raise UnreadableFile(f"{path}: no such file")
    if not path.is_file():
        raise UnreadableFile(f"{path}: not a regular file")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror})") from exc


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file."""
    _open_check(path)
    bad: dict[int, str] = {}
    reader = csv.reader(_decoded_lines(path, bad))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise UnreadableFile(f"{path}: empty file, expected a header row") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"{path}: header row is not valid CSV ({exc})") from exc
    if bad.get(1) or not any(h.strip() for h in header):
        raise UnreadableFile(f"{path}: header row is missing or not UTF-8")
    return [h.strip() for h in header]


Select = Callable[[Sequence[str] | None, int], bool]


def read_csv(path: Path, select: Select | None = None) -> Iterator[RowItem]:
    """Rows of a CSV file as dicts keyed by the header; short/long rows are errors.

    ``select(fields, line)`` (fields None for a malformed line) picks the rows to yield
    before any dictionary is built: parallel ingest reads a file once per process.
    """
    _open_check(path)
    bad: dict[int, str] = {}
    reader = csv.reader(_decoded_lines(path, bad))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise UnreadableFile(f"{path}: missing or invalid header row") from exc
    width = len(header)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowItem(start, None, f"malformed CSV: {exc}")
            continue
        end = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        problem = (
            next((bad.pop(n) for n in range(start, end + 1) if n in bad), None) if bad else None
        )
        if problem or len(fields) != width:
            if select is not None and not select(None, start):
                continue
            why = problem or f"row has {len(fields)} fields but the header has {width}"
            yield RowItem(start, None, why, ",".join(fields))
        elif select is None or select(fields, start):
            yield RowItem(start, dict(zip(header, fields, strict=True)))


def read_jsonl(path: Path) -> Iterator[RowItem]:
    """Objects of a JSON Lines file; lines that are not a JSON object are errors."""
    _open_check(path)
    bad: dict[int, str] = {}
    for number, line in enumerate(_decoded_lines(path, bad), start=1):
        if not line.strip():
            continue
        if number in bad:
            yield RowItem(number, None, bad.pop(number), line.rstrip("\n"))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowItem(
                number, None, f"invalid JSON: {exc.msg} at column {exc.colno}", line.rstrip("\n")
            )
            continue
        if not isinstance(obj, dict):
            yield RowItem(number, None, "line is JSON but not an object", line.rstrip("\n"))
            continue
        yield RowItem(number, obj)


def read_rows(path: Path) -> Iterator[RowItem]:
    """Rows of a CSV or JSONL file, chosen by extension."""
    return read_csv(path) if file_format(path) == "csv" else read_jsonl(path)
