"""Relationship types between subjects, their allowed endpoints and attributes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_schema.problems import Problem, problem
from graph_schema.subject_types import SubjectType

P, E, B, L = SubjectType.PERSON, SubjectType.ENTERPRISE, SubjectType.BUILDING, SubjectType.PARCEL

RELATIONSHIP_ATTRIBUTES = ("since", "until", "role", "share")


class RelationshipType(StrEnum):
    """The relationships the registry holds between subjects."""

    LEGAL_REPRESENTATIVE_OF = "LEGAL_REPRESENTATIVE_OF"
    SHAREHOLDER_OF = "SHAREHOLDER_OF"
    EMPLOYED_BY = "EMPLOYED_BY"
    SPOUSE_OF = "SPOUSE_OF"
    PARENT_OF = "PARENT_OF"
    RESIDES_AT = "RESIDES_AT"
    REGISTERED_AT = "REGISTERED_AT"
    OWNS = "OWNS"
    LOCATED_ON = "LOCATED_ON"
    HOLDS = "HOLDS"


@dataclass(frozen=True, slots=True)
class RelationshipSpec:
    """Allowed endpoint types of one relationship type; symmetric ones have no direction."""

    type: RelationshipType
    sources: frozenset[SubjectType]
    targets: frozenset[SubjectType]
    symmetric: bool = False
    description: str = ""


def _spec(
    t: RelationshipType,
    sources: set[SubjectType],
    targets: set[SubjectType],
    description: str,
    *,
    symmetric: bool = False,
) -> RelationshipSpec:
    return RelationshipSpec(t, frozenset(sources), frozenset(targets), symmetric, description)


R = RelationshipType
RELATIONSHIP_SPECS: dict[RelationshipType, RelationshipSpec] = {
    s.type: s
    for s in (
        _spec(R.LEGAL_REPRESENTATIVE_OF, {P}, {E}, "legal representative (法定代表人)"),
        _spec(R.SHAREHOLDER_OF, {P, E}, {E}, "holds shares; `share` is the fraction held"),
        _spec(R.EMPLOYED_BY, {P}, {E}, "employment, e.g. from social insurance"),
        _spec(R.SPOUSE_OF, {P}, {P}, "marriage registered by civil affairs", symmetric=True),
        _spec(R.PARENT_OF, {P}, {P}, "parent to child"),
        _spec(R.RESIDES_AT, {P}, {B}, "registered or actual residence"),
        _spec(R.REGISTERED_AT, {E}, {B}, "registered business address"),
        _spec(R.OWNS, {P, E}, {B}, "real-estate ownership"),
        _spec(R.LOCATED_ON, {B}, {L}, "building stands on the parcel"),
        _spec(R.HOLDS, {P, E}, {L}, "land-use right holder"),
    )
}


def allowed_types_text() -> str:
    return ", ".join(t.value for t in RelationshipType)


def parse_relationship_type(value: str, field: str = "type") -> RelationshipType | Problem:
    """The relationship type for ``value``, or a problem listing the allowed ones."""
    try:
        return RelationshipType(value.strip().upper())
    except ValueError:
        return problem(
            field,
            "unknown_relationship_type",
            value,
            f"unknown relationship type {value!r}; allowed: {allowed_types_text()}",
        )


def check_endpoints(
    rel: RelationshipType, source: SubjectType, target: SubjectType, field: str = "type"
) -> Problem | None:
    """A problem when ``source -[rel]-> target`` is not allowed by the standard, else None."""
    spec = RELATIONSHIP_SPECS[rel]
    if source in spec.sources and target in spec.targets:
        return None
    allowed = f"{'|'.join(sorted(spec.sources))} → {'|'.join(sorted(spec.targets))}"
    return problem(
        field,
        "relationship_endpoints",
        f"{source}->{target}",
        f"{rel.value} goes {allowed}, not {source} → {target}",
    )
