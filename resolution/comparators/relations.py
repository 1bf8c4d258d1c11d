"""Relational evidence: who a person is married to or has children with.

A marriage registered before 1986 names the husband and wife without id numbers; the
household register names the same couple as a child's father and mother, with ids. Neither
record alone identifies the person, but the pair of names does: two records with the same
name whose partners (spouse, or the other parent of a child) share a name are strong
evidence of one person. The engine puts the partners' names under :data:`PARTNERS_FIELD`
before comparing; they are context, never stored as a value of the subject.
"""

from __future__ import annotations

from typing import Any

PARTNERS_FIELD = "_partners"
PARTNER_LEVELS = ("shared", "different")


def partner_level(a: Any, b: Any) -> str:
    """``shared`` when the partner-name collections intersect, else ``different``."""
    return "shared" if set(a) & set(b) else "different"
