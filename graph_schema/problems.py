"""Structured data-quality problems.

Every validator and normaliser in the standard returns either a normalised value or a
:class:`Problem`; none raises on bad input. A problem names the field, the rule it broke,
the raw value as received and a human message, so the registry can keep the raw value,
flag it and leave it out of matching without losing anything.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Problem(BaseModel):
    """One value that broke one rule of the unified standard."""

    model_config = ConfigDict(frozen=True)

    field: str
    rule: str
    value: str
    message: str


def problem(field: str, rule: str, value: object, message: str) -> Problem:
    """Build a problem, rendering the raw value as text whatever its type."""
    return Problem(
        field=field, rule=rule, value="" if value is None else str(value), message=message
    )
