"""Grading and masking (分级分类): what a client may see of a subject, and in which form.

Every field has a level (:func:`graph_schema.fields.field_level`; fields missing from the
table count as L4, and a nested member such as ``identifiers.passport`` takes its parent's
level). A field is released **in clear** when its level is within the client's clearance and,
for L3 and L4, the request also names a configured purpose (the ``X-Purpose`` header).
Otherwise it is **masked**, by the form of its kind, or **omitted** when no masked form says
anything useful. Role plays no part here: only clearance, subject types and purpose do.

Mask forms (also in :data:`MASK_FORMS`, for the API's documentation):

======================  =====================================  ===========================
kind                    rule                                   example
======================  =====================================  ===========================
id_number               first 6 and last 4 kept (≥15 chars)    ``330106********1234``
phone (mobile)          first 3 and last 4 kept                ``138****4149``
phone (landline)        area code and last 4 kept, ext dropped ``0571-****5627``
person_name             first character kept; compound         ``张*``, ``欧阳**``
                        surname (欧阳…) kept when 3+ chars
address                 divisions down to the district kept,   ``浙江省杭州市西湖区****``
                        the rest ``****``; never the whole
date                    year kept                              ``1947-**-**``
identifiers             each member as a string                ``E*******8``
any other string        first and last character kept          ``z********n``
======================  =====================================  ===========================

Every ``*`` stands for one hidden character, except the address's fixed ``****``. Other
strings of 2 characters or fewer are all ``*``; an id number or phone too short for its form
falls back to the generic form; a year-only date is ``****``. Integers, areas, geometry and
any other non-string value are omitted, and so is a value that its mask would leave unchanged
(it was already masked at the source). Level, not field name, picks the rule; kind picks the
form, so a new field of an existing kind is masked correctly without touching this module.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from graph_schema.addresses import Address, normalize_address
from graph_schema.classification import Level
from graph_schema.fields import FieldKind, field_level, field_spec
from graph_schema.person_names import COMPOUND_SURNAMES
from graph_schema.subject_types import SubjectType
from registry.clients import Client

PURPOSES_FILE = "purposes.toml"
PURPOSE_HEADER = "X-Purpose"
MAX_PURPOSE_LENGTH = 200
DEFAULT_PURPOSES: dict[str, str] = {
    "service:hukou-transfer": "户籍迁移办理",
    "service:social-insurance-enrolment": "社保参保登记",
    "service:business-registration": "企业设立登记",
}
DEFAULT_PATTERNS: dict[str, str] = {"case": r"^case:[A-Z0-9-]{4,40}$"}
SENSITIVE = Level.L3  # from this level on, clear values also need a valid purpose


class MaskForm(NamedTuple):
    """How one kind of value is masked, for documentation."""

    kind: str
    rule: str
    example: str


MASK_FORMS: tuple[MaskForm, ...] = (
    MaskForm("id_number", "first 6 and last 4 characters kept", "330106********1234"),
    MaskForm("phone", "mobile: first 3 and last 4 kept", "138****4149"),
    MaskForm("phone", "landline: area code and last 4 kept, extension dropped", "0571-****5627"),
    MaskForm("person_name", "first character kept; a compound surname when 3+ chars", "欧阳**"),
    MaskForm("address", "divisions down to the district kept, rest ****", "浙江省杭州市西湖区****"),
    MaskForm("date", "year kept; a year-only date is ****", "1947-**-**"),
    MaskForm("identifiers", "each member masked as any other string", "E*******8"),
    MaskForm("text", "first and last character kept; 2 chars or fewer all *", "z********n"),
    MaskForm("integer, area, point, polygon", "omitted", ""),
)


# -- mask forms -------------------------------------------------------------------------
def mask_text(value: str) -> str:
    """First and last character kept, one ``*`` per character between; ≤2 characters all ``*``."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_id_number(value: str) -> str:
    """``330106********1234``: first 6 and last 4 kept when the value has 15 or more characters."""
    if len(value) < 15:
        return mask_text(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


_MOBILE = re.compile(r"1[0-9]{10}")
_LANDLINE = re.compile(r"(0[0-9]{2,3})-([0-9]{7,8})(?:-[0-9]{1,6})?")


def mask_phone(value: str) -> str:
    """``138****4149``; ``0571-****5627`` (extension dropped); others keep only the last 4."""
    if _MOBILE.fullmatch(value):
        return value[:3] + "****" + value[-4:]
    m = _LANDLINE.fullmatch(value)
    if m:
        local = m.group(2)
        return f"{m.group(1)}-" + "*" * (len(local) - 4) + local[-4:]
    if len(value) >= 8:
        return "*" * (len(value) - 4) + value[-4:]
    return mask_text(value)


def mask_person_name(value: str) -> str:
    """``张*``, ``欧阳**``: the surname's first character (both of a compound one) kept."""
    if len(value) <= 1:
        return "*" * len(value)
    keep = 2 if len(value) >= 3 and value[:2] in COMPOUND_SURNAMES else 1
    return value[:keep] + "*" * (len(value) - keep)


def mask_address(value: str) -> str:
    """Province, city and district kept when the address starts with them, then ``****``."""
    parsed = normalize_address(value)
    kept = 0
    if isinstance(parsed, Address):
        pos = 0
        for part in (parsed.province, parsed.city, parsed.district):
            if part and value.startswith(part, pos):
                pos += len(part)
                if pos < len(value):  # never the whole address
                    kept = pos
    return value[:kept] + "****"


_ISO_DATE = re.compile(r"([0-9]{4})(-[0-9]{2})?(-[0-9]{2})?")


def mask_date(value: str) -> str:
    """``1947-**-**``: the year of an ISO date kept; a year alone is ``****``."""
    m = _ISO_DATE.fullmatch(value)
    if m is None:
        return mask_text(value)
    if m.group(2) is None:
        return "****"
    return m.group(1) + ("-**" if m.group(3) is None else "-**-**")


_MASKS: dict[FieldKind, Callable[[str], str]] = {
    FieldKind.ID_NUMBER: mask_id_number,
    FieldKind.PHONE: mask_phone,
    FieldKind.PERSON_NAME: mask_person_name,
    FieldKind.ADDRESS: mask_address,
    FieldKind.DATE: mask_date,
}
_OMITTED = frozenset({FieldKind.INTEGER, FieldKind.AREA, FieldKind.POINT, FieldKind.POLYGON})


def mask_value(kind: FieldKind | None, value: object) -> str | None:
    """The masked form of a value of ``kind`` (None: unknown field), or None to omit it."""
    if not isinstance(value, str) or kind in _OMITTED:
        return None
    masked = _MASKS.get(kind, mask_text) if kind is not None else mask_text
    out = masked(value)
    return None if out == value and value else out


# -- purposes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Purposes:
    """The purposes a request may state for L3+ values: listed names, or ``prefix:reference``."""

    listed: Mapping[str, str]
    patterns: Mapping[str, re.Pattern[str]]

    @classmethod
    def defaults(cls) -> Purposes:
        return cls(dict(DEFAULT_PURPOSES), {k: re.compile(v) for k, v in DEFAULT_PATTERNS.items()})

    @classmethod
    def load(cls, path: Path) -> Purposes:
        """Read ``[purposes]`` (name = label) and ``[patterns]`` (prefix = regex) from TOML.

        The defaults apply when the file is absent; a broken file raises ValueError naming it.
        """
        if not path.exists():
            return cls.defaults()
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{path}: {exc}") from exc
        listed, raw_patterns = doc.get("purposes", {}), doc.get("patterns", {})
        if not isinstance(listed, dict) or not isinstance(raw_patterns, dict):
            raise ValueError(f"{path}: [purposes] and [patterns] must be tables")
        patterns: dict[str, re.Pattern[str]] = {}
        for prefix, regex in raw_patterns.items():
            if not re.fullmatch(r"[a-z][a-z0-9_-]*", prefix) or not isinstance(regex, str):
                raise ValueError(f'{path}: patterns.{prefix} must be lower-case = "regex"')
            try:
                patterns[prefix] = re.compile(regex)
            except re.error as exc:
                raise ValueError(
                    f"{path}: patterns.{prefix}: bad regular expression: {exc}"
                ) from exc
        return cls({str(k): str(v) for k, v in listed.items()}, patterns)

    @classmethod
    def for_store(cls, directory: Path | str) -> Purposes:
        return cls.load(Path(directory) / PURPOSES_FILE)

    def check(self, text: str | None) -> str | None:
        """None when ``text`` is a valid purpose, otherwise the reason it is not."""
        if text is None or not text.strip():
            return f"no purpose given ({PURPOSE_HEADER} header)"
        if len(text) > MAX_PURPOSE_LENGTH:
            return f"purpose is longer than {MAX_PURPOSE_LENGTH} characters"
        if text in self.listed:
            return None
        prefix = text.split(":", 1)[0]
        pattern = self.patterns.get(prefix)
        if pattern is not None:
            if pattern.fullmatch(text):
                return None
            return f"purpose {text!r} does not match the {prefix}: pattern {pattern.pattern}"
        known = ", ".join([*sorted(self.listed), *(f"{p}:<ref>" for p in sorted(self.patterns))])
        return f"purpose {text!r} is not configured; allowed: {known}"


# -- the policy -------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    """What a client gets of one subject, and what the audit log must record about it."""

    values: dict[str, Any]
    clear_sensitive: tuple[str, ...]  # L3+ fields released in clear (nested: identifiers.x)
    masked: tuple[str, ...]
    omitted: tuple[str, ...]
    purpose_problem: str | None  # why the stated purpose did not count, if it did not

    def audit_fields(self, subject_id: str) -> list[str]:
        """``subject_id.field`` for each L3+ field released in clear, for the audit entry."""
        return [f"{subject_id}.{name}" for name in self.clear_sensitive]


class AccessDenied(PermissionError):
    """The client may not read subjects of this type at all."""


def can_see_type(client: Client, subject_type: SubjectType) -> bool:
    """Whether an active client may read subjects of this type at all."""
    return client.active and subject_type in client.types


def in_clear(client: Client, level: Level, purpose_ok: bool) -> bool:
    """Within clearance, and for L3+ also a valid purpose."""
    return level <= client.clearance and (level < SENSITIVE or purpose_ok)


class AccessPolicy:
    """Grades and masks golden values for one client and request; pure apart from loading."""

    def __init__(self, purposes: Purposes | None = None) -> None:
        self.purposes = purposes if purposes is not None else Purposes.defaults()

    @classmethod
    def for_store(cls, directory: Path | str) -> AccessPolicy:
        return cls(Purposes.for_store(directory))

    def can_see_type(self, client: Client, subject_type: SubjectType) -> bool:
        return can_see_type(client, subject_type)

    def release(
        self,
        client: Client,
        subject_type: SubjectType,
        values: Mapping[str, Any],
        purpose: str | None = None,
    ) -> Release:
        """The values ``client`` may see, masked where it may not; AccessDenied for the type."""
        if not can_see_type(client, subject_type):
            raise AccessDenied(f"client {client.name!r} may not read {subject_type.value} subjects")
        problem = self.purposes.check(purpose)
        purpose_ok = problem is None
        out: dict[str, Any] = {}
        clear: list[str] = []
        masked: list[str] = []
        omitted: list[str] = []
        for name, value in values.items():
            spec = field_spec(subject_type, name)
            level = field_level(subject_type, name)
            kind = spec.kind if spec is not None else None
            if in_clear(client, level, purpose_ok):
                out[name] = value
                if level >= SENSITIVE:
                    clear.extend(_member_names(name, value))
            elif isinstance(value, Mapping):
                # members of a nested field share its level and are masked one by one
                inner: dict[str, str] = {}
                for key, member in value.items():
                    hidden = mask_value(FieldKind.TEXT, member)
                    if hidden is None:
                        omitted.append(f"{name}.{key}")
                    else:
                        inner[key] = hidden
                        masked.append(f"{name}.{key}")
                if inner:
                    out[name] = inner
            else:
                hidden = mask_value(kind, value)
                if hidden is None:
                    omitted.append(name)
                else:
                    out[name] = hidden
                    masked.append(name)
        return Release(out, tuple(clear), tuple(masked), tuple(omitted), problem)


def _member_names(name: str, value: object) -> list[str]:
    if isinstance(value, Mapping) and value:
        return [f"{name}.{key}" for key in value]
    return [name]
