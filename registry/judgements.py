"""Steward judgements: an append-only log from which binding constraints are derived.

A judgement is made on a pair of records or of subjects; on subjects it is recorded on
records (for a not-match, every record of one against every record of the other; for a
match, one record of each), so it stays meaningful whatever later merges or splits do. An
undo is a new entry pointing at the one it cancels; nothing is ever rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from registry.store.base import Judgement, RecordKey, Store

KINDS = ("match", "no_match", "unsure")


@dataclass(slots=True)
class Constraints:
    """The effective judgements among some records."""

    matches: list[tuple[RecordKey, RecordKey]] = field(default_factory=list)
    not_matches: list[tuple[RecordKey, RecordKey]] = field(default_factory=list)
    unsure: list[tuple[RecordKey, RecordKey]] = field(default_factory=list)


def effective(log: Iterable[Judgement]) -> list[Judgement]:
    """Judgements not undone, the latest per pair winning."""
    entries = list(log)
    undone = {j.undoes for j in entries if j.kind == "undo" and j.undoes is not None}
    latest: dict[frozenset[RecordKey], Judgement] = {}
    for j in entries:
        if j.kind == "undo" or j.jid in undone:
            continue
        latest[frozenset((j.left, j.right))] = j
    return sorted(latest.values(), key=lambda j: j.jid)


def constraints_for(store: Store, keys: Iterable[RecordKey] | None = None) -> Constraints:
    """Binding constraints touching ``keys`` (all when None)."""
    out = Constraints()
    for j in effective(store.judgements(keys)):
        pair = (j.left, j.right)
        if j.kind == "match":
            out.matches.append(pair)
        elif j.kind == "no_match":
            out.not_matches.append(pair)
        else:
            out.unsure.append(pair)
    return out
