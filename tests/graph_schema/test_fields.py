import pytest

from graph_schema.classification import Level
from graph_schema.fields import SUBJECT_FIELDS, field_level, national_id_field
from graph_schema.subject_types import SubjectType
from graph_schema.subjects import MODELS


def test_models_and_field_specs_agree() -> None:
    for subject_type, specs in SUBJECT_FIELDS.items():
        assert set(MODELS[subject_type].model_fields) == {s.name for s in specs}


def test_levels_follow_the_standard() -> None:
    assert field_level(SubjectType.ENTERPRISE, "name") is Level.L1
    assert field_level(SubjectType.ENTERPRISE, "uscc") is Level.L1
    assert field_level(SubjectType.PERSON, "name") is Level.L2
    for f in ("id_number", "birth_date", "phone", "address"):
        assert field_level(SubjectType.PERSON, f) is Level.L3
    assert field_level(SubjectType.PERSON, "identifiers.passport") is Level.L4
    assert field_level(SubjectType.PERSON, "no_such_field") is Level.L4


def test_national_identifiers() -> None:
    assert national_id_field(SubjectType.PERSON) == "id_number"
    assert national_id_field(SubjectType.ENTERPRISE) == "uscc"
    assert national_id_field(SubjectType.BUILDING) == "building_code"
    assert national_id_field(SubjectType.PARCEL) == "parcel_code"


def test_level_parse() -> None:
    assert Level.parse("l3") is Level.L3
    assert Level.parse("2") is Level.L2
    with pytest.raises(ValueError, match="allowed: L1, L2, L3, L4"):
        Level.parse("L5")


def test_id_prefixes() -> None:
    assert [t.id_prefix for t in SubjectType] == ["P", "E", "B", "L"]
