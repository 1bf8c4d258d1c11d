"""Relational evidence: who a person is married to or has children with, and which buildings
and companies a person record is tied to.

A marriage registered before 1986 names the husband and wife without id numbers; the
household register names the same couple as a child's father and mother, with ids. Neither
record alone identifies the person, but the pair of names does: two records with the same
name whose partners (spouse, or the other parent of a child) share a name are strong
evidence of one person. The engine puts the partners' names under :data:`PARTNERS_FIELD`
before comparing, as script-free name keys (:func:`resolution.blocking.partner_key`: 宋金凤
and Song Jinfeng are one partner); they are context, never stored as a value of the subject.

Anchors work the same way for records that name a person and nothing else: a property
register names an owner beside the unit owned, a shareholder list names a shareholder beside
the company. The engine puts the national keys of the buildings a person record owns or lives
in, and of the companies it holds, represents or works for, under :data:`ANCHORS_FIELD`; two
records with the same name tied to the same building or company are strong evidence.
"""

from __future__ import annotations

from typing import Any

PARTNERS_FIELD = "_partners"
PARTNER_LEVELS = ("shared", "different")
ANCHORS_FIELD = "_anchors"
ANCHOR_LEVELS = ("shared", "different")


def partner_level(a: Any, b: Any) -> str:
    """``shared`` when the partners' name keys intersect, else ``different``."""
    return "shared" if set(a) & set(b) else "different"


def anchor_level(a: Any, b: Any) -> str:
    """``shared`` when the two records are tied to a common building or company."""
    return "shared" if set(a) & set(b) else "different"
