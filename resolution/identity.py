"""National identifiers as cluster constraints: a subject never holds two different values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_schema.subject_types import SubjectType

# the value field each type's national identifier is read from (see national_key)
NATIONAL_FIELDS = {
    SubjectType.PERSON: "id_number",
    SubjectType.ENTERPRISE: "uscc",
    SubjectType.BUILDING: "building_code",
    SubjectType.PARCEL: "parcel_code",
}


def national_key(subject_type: SubjectType, values: Mapping[str, Any]) -> str | None:
    """The value of the record's national identifier that identifies its subject.

    For buildings that is the building part of the real-estate unit code (parcel code +
    F + building number): every unit of one building shares it.
    """
    if subject_type is SubjectType.PERSON:
        return values.get("id_number")
    if subject_type is SubjectType.ENTERPRISE:
        return values.get("uscc")
    if subject_type is SubjectType.BUILDING:
        code = values.get("building_code")
        if isinstance(code, str) and len(code) == 28 and code[19] == "F":
            return code[:24]
        return None
    return values.get("parcel_code")


def national_keys(subject_type: SubjectType, values: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The national identifiers (:func:`national_key`) a subject's records hold."""
    return frozenset(k for v in values if (k := national_key(subject_type, v)) is not None)
