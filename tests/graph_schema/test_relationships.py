import pytest

from graph_schema.problems import Problem
from graph_schema.relationships import (
    RELATIONSHIP_SPECS,
    RelationshipType,
    check_endpoints,
    parse_relationship_type,
)
from graph_schema.subject_types import SubjectType

P, E, B, L = SubjectType.PERSON, SubjectType.ENTERPRISE, SubjectType.BUILDING, SubjectType.PARCEL


def test_every_type_has_a_spec() -> None:
    assert set(RELATIONSHIP_SPECS) == set(RelationshipType)
    assert RELATIONSHIP_SPECS[RelationshipType.SPOUSE_OF].symmetric


@pytest.mark.parametrize(
    ("rel", "source", "target", "ok"),
    [
        ("LEGAL_REPRESENTATIVE_OF", P, E, True),
        ("LEGAL_REPRESENTATIVE_OF", E, E, False),
        ("SHAREHOLDER_OF", E, E, True),
        ("SHAREHOLDER_OF", P, E, True),
        ("LOCATED_ON", B, L, True),
        ("LOCATED_ON", L, B, False),
        ("HOLDS", E, L, True),
        ("RESIDES_AT", P, B, True),
        ("REGISTERED_AT", P, B, False),
        ("OWNS", E, B, True),
        ("PARENT_OF", P, P, True),
    ],
)
def test_endpoints(rel: str, source: SubjectType, target: SubjectType, ok: bool) -> None:
    parsed = parse_relationship_type(rel)
    assert isinstance(parsed, RelationshipType)
    assert (check_endpoints(parsed, source, target) is None) is ok


def test_unknown_type_lists_allowed() -> None:
    result = parse_relationship_type("FRIEND_OF")
    assert isinstance(result, Problem)
    assert result.rule == "unknown_relationship_type"
    assert "LEGAL_REPRESENTATIVE_OF" in result.message and "HOLDS" in result.message


def test_lower_case_accepted() -> None:
    assert parse_relationship_type("owns") is RelationshipType.OWNS
