"""Record-level normalisation: one department's raw field values → the unified standard.

Each field is folded by the normaliser its kind calls for. A value that breaks a rule is
left out of ``values`` and reported in ``problems`` (the raw text stays with the record in the
registry); nothing here raises on bad input. Cross-field checks (birth date and gender
against the id number) are reported the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_schema.addresses import normalize_address
from graph_schema.contact import normalize_email, normalize_gender, normalize_phone
from graph_schema.dates import normalize_date
from graph_schema.enterprise_names import normalize_enterprise_name
from graph_schema.fields import FIELDS_BY_NAME, FieldKind, FieldSpec
from graph_schema.geometry import normalize_point, normalize_polygon
from graph_schema.identifiers import (
    IdNumber,
    normalize_id_number,
    normalize_parcel_code,
    normalize_unit_code,
    normalize_uscc,
)
from graph_schema.person_names import join_person_name, normalize_person_name
from graph_schema.problems import Problem, problem
from graph_schema.subject_types import SubjectType
from graph_schema.subjects import MODELS, SubjectModel
from graph_schema.text import clean, nfkc

# Fields of which at least one must be present (raw) for a record to identify a subject.
IDENTIFYING_FIELDS: dict[SubjectType, tuple[str, ...]] = {
    SubjectType.PERSON: ("name", "family_name", "given_name", "id_number", "identifiers"),
    SubjectType.ENTERPRISE: ("name", "uscc"),
    SubjectType.BUILDING: ("building_code", "address"),
    SubjectType.PARCEL: ("parcel_code", "geometry"),
}


@dataclass(slots=True)
class NormalizedRecord:
    """The normalised values of one source record, and what was wrong with the rest."""

    subject_type: SubjectType
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def to_model(self) -> SubjectModel:
        """The pydantic model of the subject type, built from the normalised values."""
        return MODELS[self.subject_type].model_validate(self.values)


def identifies_subject(subject_type: SubjectType, raw: Mapping[str, str]) -> bool:
    """True when the raw fields hold something to identify a subject by."""
    for name in IDENTIFYING_FIELDS[subject_type]:
        for key, value in raw.items():
            if (key == name or key.startswith(name + ".")) and value.strip():
                return True
    return False


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AREA_UNITS = {"平方米": 1.0, "㎡": 1.0, "m2": 1.0, "m²": 1.0, "亩": 666.6667, "公顷": 10_000.0}


def _integer(raw: str, name: str) -> int | Problem:
    text = nfkc(raw).strip().removesuffix("层").removesuffix("floors").strip()
    if not text.isdigit():
        return problem(name, "integer", raw, "expected a whole number")
    return int(text)


def _area(raw: str, name: str) -> float | Problem:
    text = nfkc(raw).strip().replace(",", "")
    factor = 1.0
    for unit, f in _AREA_UNITS.items():
        if text.endswith(unit):
            text, factor = text.removesuffix(unit).strip(), f
            break
    if not _NUMBER.fullmatch(text) or float(text) < 0:
        return problem(name, "area", raw, "expected a non-negative number of square metres")
    return round(float(text) * factor, 2)


def _identifier(raw: str, name: str) -> str | Problem:
    text = re.sub(r"[\s\-]", "", nfkc(raw)).upper()
    if not text:
        return problem(name, "empty", raw, "identifier is empty")
    return text


_Normaliser = Callable[[str, str], Any]
_SIMPLE: dict[FieldKind, _Normaliser] = {
    FieldKind.PERSON_NAME: lambda r, n: _value(normalize_person_name(r, n)),
    FieldKind.ENTERPRISE_NAME: lambda r, n: _value(normalize_enterprise_name(r, n)),
    FieldKind.USCC: lambda r, n: _value(normalize_uscc(r, n)),
    FieldKind.UNIT_CODE: lambda r, n: _value(normalize_unit_code(r, n)),
    FieldKind.PARCEL_CODE: lambda r, n: _value(normalize_parcel_code(r, n)),
    FieldKind.GENDER: normalize_gender,
    FieldKind.PHONE: normalize_phone,
    FieldKind.EMAIL: normalize_email,
    FieldKind.TEXT: lambda r, n: clean(r),
    FieldKind.INTEGER: _integer,
    FieldKind.AREA: _area,
    FieldKind.POINT: lambda r, n: _attr(normalize_point(r, n), "wkt"),
    FieldKind.POLYGON: lambda r, n: _attr(normalize_polygon(r, n), "wkt"),
    FieldKind.IDENTIFIERS: _identifier,
}


def _value(result: Any) -> Any:
    return result if isinstance(result, Problem) else result.value


def _attr(result: Any, attr: str) -> Any:
    return result if isinstance(result, Problem) else getattr(result, attr)


def _dated(raw: str, name: str, fmt: str | None, city: str | None) -> Any:
    return _attr(normalize_date(raw, name, fmt=fmt), "iso")


def _addressed(raw: str, name: str, fmt: str | None, city: str | None) -> Any:
    return _value(normalize_address(raw, name, default_city=city))


def _id_number(raw: str, name: str, fmt: str | None, city: str | None) -> Any:
    return normalize_id_number(raw, name)


_Full = Callable[[str, str, str | None, str | None], Any]


def _simple(fn: _Normaliser) -> _Full:
    return lambda raw, name, fmt, city: fn(raw, name)


_DISPATCH: dict[FieldKind, _Full] = {
    **{kind: _simple(fn) for kind, fn in _SIMPLE.items()},
    FieldKind.DATE: _dated,
    FieldKind.ADDRESS: _addressed,
    FieldKind.ID_NUMBER: _id_number,
}


def normalize_value(
    spec: FieldSpec,
    raw: str,
    name: str,
    *,
    fmt: str | None = None,
    default_city: str | None = None,
) -> Any:
    """Normalise one raw value of a field; returns the canonical value or a Problem."""
    return _DISPATCH[spec.kind](raw, name, fmt, default_city)


_NO_FORMATS: Mapping[str, str] = {}


def normalize_fields(
    subject_type: SubjectType,
    raw: Mapping[str, str],
    *,
    formats: Mapping[str, str] | None = None,
    default_city: str | None = None,
) -> NormalizedRecord:
    """Normalise a record's raw fields (``identifiers.passport`` style keys allowed)."""
    out = NormalizedRecord(subject_type)
    values, problems = out.values, out.problems
    specs = FIELDS_BY_NAME[subject_type]
    formats = formats or _NO_FORMATS
    id_parsed: IdNumber | None = None
    identifiers: dict[str, str] = {}
    for name, raw_value in raw.items():
        if raw_value is None:
            continue
        text = raw_value if isinstance(raw_value, str) else str(raw_value)
        if not text or text.isspace():
            continue
        spec = specs.get(name)
        scheme = ""
        if spec is None:
            base, _, scheme = name.partition(".")
            spec = specs.get(base)
            if spec is None or spec.kind is not FieldKind.IDENTIFIERS:
                problems.append(
                    problem(name, "unknown_field", text, f"{subject_type} has no field {name!r}")
                )
                continue
        result = _DISPATCH[spec.kind](text, name, formats.get(name), default_city)
        if isinstance(result, Problem):
            problems.append(result)
        elif spec.kind is FieldKind.IDENTIFIERS:
            identifiers[(scheme or "other").strip().lower()] = result
        elif isinstance(result, IdNumber):
            values[name] = result.value
            if name == "id_number":
                id_parsed = result
        else:
            values[name] = result
    if identifiers:
        values["identifiers"] = identifiers
    if subject_type is SubjectType.PERSON:
        _person_cross_checks(out, id_parsed)
    return out


def _person_cross_checks(out: NormalizedRecord, id_parsed: IdNumber | None) -> None:
    values = out.values
    if "name" not in values and "family_name" in values and "given_name" in values:
        values["name"] = join_person_name(values["family_name"], values["given_name"])
    if id_parsed is None:
        return
    birth = values.get("birth_date")
    id_birth = id_parsed.birth_date.isoformat()
    if isinstance(birth, str) and not id_birth.startswith(birth):
        out.problems.append(
            problem(
                "birth_date",
                "inconsistent_with_id_number",
                birth,
                f"birth date {birth} disagrees with the id number's {id_birth}",
            )
        )
    gender = values.get("gender")
    if gender is not None and gender != id_parsed.gender:
        out.problems.append(
            problem(
                "gender",
                "inconsistent_with_id_number",
                gender,
                f"gender {gender} disagrees with the id number's {id_parsed.gender}",
            )
        )
