"""The four kinds of subject every department serves, and their registry id prefixes."""

from __future__ import annotations

from enum import StrEnum


class SubjectType(StrEnum):
    """Natural persons, legal persons, buildings and red-line land parcels."""

    PERSON = "person"
    ENTERPRISE = "enterprise"
    BUILDING = "building"
    PARCEL = "parcel"

    @property
    def label(self) -> str:
        """The Neo4j label for this type (``Person``, ``Enterprise``…)."""
        return self.value.capitalize()

    @property
    def id_prefix(self) -> str:
        """Registry ids read ``P-…``, ``E-…``, ``B-…`` and ``L-…`` (L for land)."""
        return _PREFIX[self]


_PREFIX = {
    SubjectType.PERSON: "P",
    SubjectType.ENTERPRISE: "E",
    SubjectType.BUILDING: "B",
    SubjectType.PARCEL: "L",
}


def parse_subject_type(value: str) -> SubjectType | None:
    """The type for a name such as ``person``/``Person``, or None when unknown."""
    try:
        return SubjectType(value.strip().lower())
    except ValueError:
        return None


_BY_PREFIX = {prefix: t for t, prefix in _PREFIX.items()}


def type_of_id(entity_id: str) -> SubjectType | None:
    """The subject type a registry id names by its prefix (``P-00000001`` → person)."""
    return _BY_PREFIX.get(entity_id[:1]) if entity_id[1:2] == "-" else None
