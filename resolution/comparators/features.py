"""The features of each subject type and :func:`compare_records`, the engine's entry point."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph_schema.subject_types import SubjectType
from resolution.comparators.addresses import ADDRESS_LEVELS, address_level
from resolution.comparators.base import (
    MISSING,
    TEXT_LEVELS,
    Feature,
    LevelFn,
    field_compare,
    text_level,
    typo_level,
)
from resolution.comparators.contact import (
    EMAIL_LEVELS,
    GENDER_LEVELS,
    PHONE_LEVELS,
    email_level,
    gender_level,
    phone_level,
)
from resolution.comparators.dates import DATE_LEVELS, date_level
from resolution.comparators.enterprise_names import ENTERPRISE_NAME_LEVELS, enterprise_name_level
from resolution.comparators.geometry import (
    LOCATION_LEVELS,
    POLYGON_LEVELS,
    location_level,
    polygon_level,
)
from resolution.comparators.identifiers import (
    BUILDING_CODE_LEVELS,
    ID_NUMBER_LEVELS,
    IDENTIFIER_LEVELS,
    SCHEME_LEVELS,
    building_code_level,
    id_number_level,
    identifier_level,
    identifiers_level,
)
from resolution.comparators.names import NAME_LEVELS, name_level
from resolution.comparators.relations import (
    ANCHOR_LEVELS,
    ANCHORS_FIELD,
    PARTNER_LEVELS,
    PARTNERS_FIELD,
    anchor_level,
    partner_level,
)
from resolution.suspects import SUSPECT_ID


def _feature(
    name: str,
    levels: tuple[str, ...],
    level_fn: LevelFn,
    *,
    field: str | None = None,
    decisive_match: frozenset[str] = frozenset(),
    decisive_nonmatch: frozenset[str] = frozenset(),
    tf: bool = False,
) -> Feature:
    key = field or name
    return Feature(
        name=name,
        fields=(key,),
        levels=levels,
        compare=field_compare(key, levels, level_fn),
        decisive_match=decisive_match,
        decisive_nonmatch=decisive_nonmatch,
        tf_field=key if tf else None,
    )


SUSPECT_LEVELS = ("exact", "one_typo", "transposition", "different")


def _suspect_compare(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, Any, Any]:
    """An id number that failed its check against the other record's id number (valid or
    suspect): MISSING unless at least one side is a suspect."""
    xs, ys = a.get(SUSPECT_ID), b.get(SUSPECT_ID)
    if not xs and not ys:
        return MISSING, None, None
    x, y = xs or a.get("id_number"), ys or b.get("id_number")
    if not isinstance(x, str) or not isinstance(y, str) or not x or not y:
        return MISSING, x, y
    return typo_level(x, y), x, y


_SAME = frozenset({"exact"})
_DIFFERENT = frozenset({"different"})

FEATURES: dict[SubjectType, tuple[Feature, ...]] = {
    SubjectType.PERSON: (
        _feature("id_number", ID_NUMBER_LEVELS, id_number_level,
                 decisive_match=frozenset({"exact", "legacy_equal"}), decisive_nonmatch=_DIFFERENT),
        Feature("id_number_suspect", (SUSPECT_ID, "id_number"), SUSPECT_LEVELS, _suspect_compare),
        _feature("name", NAME_LEVELS, name_level, tf=True),
        _feature("birth_date", DATE_LEVELS, date_level),
        _feature("gender", GENDER_LEVELS, gender_level),
        _feature("phone", PHONE_LEVELS, phone_level, tf=True),
        _feature("email", EMAIL_LEVELS, email_level, tf=True),
        _feature("address", ADDRESS_LEVELS, address_level, tf=True),
        _feature("identifiers", SCHEME_LEVELS, identifiers_level),
        _feature("partner", PARTNER_LEVELS, partner_level, field=PARTNERS_FIELD),
        _feature("anchor", ANCHOR_LEVELS, anchor_level, field=ANCHORS_FIELD),
    ),
    SubjectType.ENTERPRISE: (
        _feature("uscc", IDENTIFIER_LEVELS, identifier_level,
                 decisive_match=_SAME, decisive_nonmatch=_DIFFERENT),
        _feature("name", ENTERPRISE_NAME_LEVELS, enterprise_name_level, tf=True),
        _feature("legal_rep_name", NAME_LEVELS, name_level, tf=True),
        _feature("legal_rep_id_number", ID_NUMBER_LEVELS, id_number_level),
        _feature("address", ADDRESS_LEVELS, address_level, tf=True),
        _feature("phone", PHONE_LEVELS, phone_level, tf=True),
        _feature("identifiers", SCHEME_LEVELS, identifiers_level),
    ),
    SubjectType.BUILDING: (
        _feature("building_code", BUILDING_CODE_LEVELS, building_code_level,
                 decisive_match=_SAME, decisive_nonmatch=_DIFFERENT),
        _feature("address", ADDRESS_LEVELS, address_level, tf=True),
        _feature("name", TEXT_LEVELS, text_level, tf=True),
        _feature("location", LOCATION_LEVELS, location_level),
    ),
    SubjectType.PARCEL: (
        _feature("parcel_code", IDENTIFIER_LEVELS, identifier_level,
                 decisive_match=_SAME, decisive_nonmatch=_DIFFERENT),
        _feature("geometry", POLYGON_LEVELS, polygon_level),
        _feature("approval_no", IDENTIFIER_LEVELS, identifier_level),
    ),
}  # fmt: skip

FEATURES_BY_NAME: dict[SubjectType, dict[str, Feature]] = {
    t: {f.name: f for f in features} for t, features in FEATURES.items()
}

_BY_TYPE_NAME: dict[str, tuple[Feature, ...]] = {str(t): f for t, f in FEATURES.items()}


def compare_records(
    subject_type: SubjectType | str, a: Mapping[str, Any], b: Mapping[str, Any]
) -> list[tuple[str, str, Any, Any]]:
    """(feature name, level, left value, right value) for every feature of the subject type,
    in :data:`FEATURES` order; the level is MISSING when either record lacks the value."""
    out: list[tuple[str, str, Any, Any]] = []
    for feature in _BY_TYPE_NAME[subject_type]:
        level, left, right = feature.compare(a, b)
        out.append((feature.name, level, left, right))
    return out
