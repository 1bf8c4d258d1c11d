"""The judgement log as JSON lines, so stewards' decisions survive a rebuild of the store.

Judgements are made on record keys (source and the source's own record id), which a rebuild
from the same department exports reproduces; subject ids are not used, so they need not be
stable. Export writes every entry, undos included, oldest first. Import appends entries
that are not already in the log (same kind, pair, steward and time), renumbering the undo
references, then re-resolves the records that exist; judgements on records not yet
ingested wait for them and bind when they arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from registry.store.base import Judgement, RecordKey, Store

REF_PATTERN = r"^[^/\s]{1,64}/\S.{0,255}$"


class JudgementLine(BaseModel):
    """One exported judgement."""

    model_config = ConfigDict(extra="forbid")

    jid: int = Field(ge=1, le=2**53)
    kind: Literal["match", "no_match", "unsure", "undo"]
    left: str = Field(pattern=REF_PATTERN, description="source/record_id")
    right: str = Field(pattern=REF_PATTERN, description="source/record_id")
    user: str = Field(min_length=1, max_length=200)
    at: str = Field(min_length=1, max_length=64)
    reason: str = ""
    comment: str = ""
    undoes: int | None = Field(None, ge=1, le=2**53)


class JudgementImportError(ValueError):
    """A line that cannot be imported; nothing of the file was imported."""


def _ref(key: RecordKey) -> str:
    return f"{key.source}/{key.record_id}"


def _key(ref: str) -> RecordKey:
    source, _, record_id = ref.partition("/")
    return RecordKey(source, record_id)


def export_lines(store: Store) -> Iterator[bytes]:
    """The whole log, one JSON object per line (newline included)."""
    for j in store.judgements():
        line = JudgementLine(
            jid=j.jid, kind=j.kind, left=_ref(j.left), right=_ref(j.right),
            user=j.user, at=j.at, reason=j.reason, comment=j.comment, undoes=j.undoes,
        )  # fmt: skip
        yield orjson.dumps(line.model_dump()) + b"\n"


def parse_lines(lines: Iterable[bytes | str]) -> list[JudgementLine]:
    """Validate every line first; the error names the line number and the field."""
    out: list[JudgementLine] = []
    seen: set[int] = set()
    for n, raw in enumerate(lines, 1):
        try:
            text = raw.decode() if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            raise JudgementImportError(f"line {n}: not UTF-8") from None
        if not text.strip():
            continue
        try:
            line = JudgementLine.model_validate(orjson.loads(text))
        except orjson.JSONDecodeError as exc:
            raise JudgementImportError(f"line {n}: not JSON ({exc})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise JudgementImportError(f"line {n}: {where}: {first['msg']}") from None
        if line.kind == "undo" and (line.undoes is None or line.undoes not in seen):
            raise JudgementImportError(
                f"line {n}: undoes: must name a judgement on an earlier line"
            )
        seen.add(line.jid)
        out.append(line)
    return out


def import_lines(store: Store, lines: Iterable[bytes | str]) -> tuple[int, int, list[RecordKey]]:
    """Append what is new: (imported, already present, record keys touched). Call inside a
    transaction and re-resolve the keys that exist."""
    parsed = parse_lines(lines)
    present = {(j.kind, j.left, j.right, j.user, j.at): j.jid for j in store.judgements()}
    renumbered: dict[int, int] = {}
    imported = skipped = 0
    touched: dict[RecordKey, None] = {}
    for line in parsed:
        left, right = _key(line.left), _key(line.right)
        existing = present.get((line.kind, left, right, line.user, line.at))
        if existing is not None:
            renumbered[line.jid] = existing
            skipped += 1
            continue
        undoes = None if line.undoes is None else renumbered[line.undoes]
        j = Judgement(
            line.kind, left, right, line.user, reason=line.reason, comment=line.comment,
            at=line.at, undoes=undoes,
        )  # fmt: skip
        renumbered[line.jid] = store.append_judgement(j)
        imported += 1
        touched[left] = touched[right] = None
    return imported, skipped, list(touched)
