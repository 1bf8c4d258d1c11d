"""Every field of the unified standard, with its kind and classification level, in one place.

The kind says which normaliser folds the field and which comparator matches it; the level
says who may see it unmasked; ``national_id`` marks the national identifiers whose agreement
is decisive evidence in entity resolution; ``indexed`` fields get a graph index.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_schema.classification import Level
from graph_schema.subject_types import SubjectType


class FieldKind(StrEnum):
    """What a field holds, which decides its normaliser and comparator."""

    PERSON_NAME = "person_name"
    ENTERPRISE_NAME = "enterprise_name"
    ID_NUMBER = "id_number"
    USCC = "uscc"
    UNIT_CODE = "unit_code"
    PARCEL_CODE = "parcel_code"
    GENDER = "gender"
    DATE = "date"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    TEXT = "text"
    INTEGER = "integer"
    AREA = "area"
    POINT = "point"
    POLYGON = "polygon"
    IDENTIFIERS = "identifiers"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of one subject type."""

    name: str
    kind: FieldKind
    level: Level
    description: str
    national_id: bool = False
    indexed: bool = False


def _f(name: str, kind: FieldKind, level: Level, description: str, **kw: bool) -> FieldSpec:
    return FieldSpec(name, kind, level, description, **kw)


K, L = FieldKind, Level

SUBJECT_FIELDS: dict[SubjectType, tuple[FieldSpec, ...]] = {
    SubjectType.PERSON: (
        _f("name", K.PERSON_NAME, L.L2, "full name, simplified Han or Latin", indexed=True),
        _f("family_name", K.PERSON_NAME, L.L2, "surname when given separately"),
        _f("given_name", K.PERSON_NAME, L.L2, "given name when given separately"),
        _f("id_number", K.ID_NUMBER, L.L3, "resident identity number, GB 11643",
           national_id=True, indexed=True),
        _f("gender", K.GENDER, L.L2, "M or F (GB/T 2261.1 1/2)"),
        _f("birth_date", K.DATE, L.L3, "ISO date, possibly partial"),
        _f("phone", K.PHONE, L.L3, "mobile or landline", indexed=True),
        _f("email", K.EMAIL, L.L3, "e-mail address"),
        _f("address", K.ADDRESS, L.L3, "home address"),
        _f("nationality", K.TEXT, L.L2, "nationality or citizenship"),
        _f("identifiers", K.IDENTIFIERS, L.L4, "other schemes: passport, social security…"),
    ),
    SubjectType.ENTERPRISE: (
        _f("name", K.ENTERPRISE_NAME, L.L1, "registered name", indexed=True),
        _f("uscc", K.USCC, L.L1, "unified social credit code, GB 32100",
           national_id=True, indexed=True),
        _f("legal_rep_name", K.PERSON_NAME, L.L1, "legal representative's name"),
        _f("legal_rep_id_number", K.ID_NUMBER, L.L3, "legal representative's id number"),
        _f("address", K.ADDRESS, L.L1, "registered address"),
        _f("phone", K.PHONE, L.L2, "contact phone", indexed=True),
        _f("email", K.EMAIL, L.L2, "contact e-mail"),
        _f("registration_date", K.DATE, L.L1, "date of establishment"),
        _f("status", K.TEXT, L.L1, "registration status (存续, 注销…)"),
        _f("industry", K.TEXT, L.L1, "industry classification"),
        _f("identifiers", K.IDENTIFIERS, L.L2, "other schemes: tax number, licence…"),
    ),
    SubjectType.BUILDING: (
        _f("building_code", K.UNIT_CODE, L.L1, "real-estate unit code, GB/T 37346",
           national_id=True, indexed=True),
        _f("address", K.ADDRESS, L.L1, "building address"),
        _f("name", K.TEXT, L.L1, "building or estate name"),
        _f("floors", K.INTEGER, L.L1, "number of floors above ground"),
        _f("use", K.TEXT, L.L1, "use: residential, commercial…"),
        _f("location", K.POINT, L.L1, "WKT point, CGCS2000 lon/lat"),
        _f("identifiers", K.IDENTIFIERS, L.L2, "other schemes"),
    ),
    SubjectType.PARCEL: (
        _f("parcel_code", K.PARCEL_CODE, L.L1, "19-character parcel code (宗地代码)",
           national_id=True, indexed=True),
        _f("geometry", K.POLYGON, L.L1, "red-line polygon, WKT, CGCS2000 lon/lat"),
        _f("land_use", K.TEXT, L.L1, "land use class"),
        _f("area", K.AREA, L.L1, "area in square metres"),
        _f("approval_no", K.TEXT, L.L1, "planning approval number", indexed=True),
        _f("identifiers", K.IDENTIFIERS, L.L2, "other schemes"),
    ),
}  # fmt: skip

FIELDS_BY_NAME: dict[SubjectType, dict[str, FieldSpec]] = {
    t: {spec.name: spec for spec in specs} for t, specs in SUBJECT_FIELDS.items()
}


def field_spec(subject_type: SubjectType, name: str) -> FieldSpec | None:
    """The spec of ``name`` (``identifiers.passport`` → the ``identifiers`` spec), or None."""
    base = name.split(".", 1)[0]
    return FIELDS_BY_NAME[subject_type].get(base)


def field_level(subject_type: SubjectType, name: str) -> Level:
    """The classification level of a field; unknown fields are treated as restricted (L4)."""
    spec = field_spec(subject_type, name)
    return spec.level if spec is not None else Level.L4


def national_id_field(subject_type: SubjectType) -> str:
    """The national identifier field of a subject type (id_number, uscc, building_code…)."""
    for spec in SUBJECT_FIELDS[subject_type]:
        if spec.national_id:
            return spec.name
    raise LookupError(subject_type)  # pragma: no cover - every type has one
