"""Identifiers that failed their check, kept as evidence (never as identity).

A department's id number with a wrong check character is flagged and left out of the
record's values: it must never link or separate anything by itself. It is still what the
clerk typed, one slip away from the real number, so for matching the record carries it as
``id_number_suspect``: blocking reaches the records holding the valid numbers one slip away
(:func:`graph_schema.identifiers.id_number.checksum_corrections`), and the
``id_number_suspect`` feature scores the slip (one_typo / transposition) with weights
learned like any other. It is never decisive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_schema.identifiers.id_number import fold_identifier

SUSPECT_ID = "id_number_suspect"


def suspect_id_number(problems: Iterable[Mapping[str, Any]]) -> str | None:
    """The folded id number of a ``checksum`` problem on ``id_number``, if any."""
    for p in problems:
        if p.get("field") == "id_number" and p.get("rule") == "checksum":
            value = p.get("value")
            if isinstance(value, str):
                code = fold_identifier(value)
                if len(code) == 18:
                    return code
    return None
