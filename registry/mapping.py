"""The source-mapping contract: how one department row becomes subjects and relationships.

A mapping file (TOML) names the subjects one source row holds (``[[subjects]]``: a role, a
type, a record-id template and field templates) and the relationships between them
(``[[relationships]]``: a type, ``from``/``to`` roles and attribute templates). It is a
public contract, documented rule by rule in ``docs/mapping.md``; the template syntax lives
in :mod:`registry.templates`.

Every mistake is caught when the mapping loads and raised as one :class:`MappingError`
whose text names the file and the bad key: ``enterprises.toml: subjects[1].fields.nmae:
unknown field for person; allowed: name, …``. Rendering a row never raises: a subject
without data is left out, one without a record id is reported in
:attr:`RenderedRow.missing_record_id`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from pydantic import BaseModel, ConfigDict

from graph_schema.fields import FIELDS_BY_NAME, SUBJECT_FIELDS, FieldKind
from graph_schema.relationships import (
    RELATIONSHIP_ATTRIBUTES,
    RELATIONSHIP_SPECS,
    RelationshipType,
    check_endpoints,
    parse_relationship_type,
)
from graph_schema.subject_types import SubjectType, parse_subject_type
from registry.templates import (
    TABLE_KEYS,
    EntryError,
    RenderedRelationship,
    RenderedRow,
    RenderedSubject,
    Renderer,
    Row,
    check_template,
    compile_template,
    known_keys,
    new_relationship,
    new_row,
    new_subject,
    optional_string,
    required_string,
    table_of,
    tables_of,
    template_entry,
    text_of,
)

__all__ = [
    "FieldTemplate",
    "Mapping",
    "MappingError",
    "RelationshipMapping",
    "RenderedRelationship",
    "RenderedRow",
    "RenderedSubject",
    "SubjectMapping",
]

TOP_KEYS = ("source", "subjects", "relationships")
SOURCE_KEYS = ("default_city", "description")
SUBJECT_KEYS = ("role", "type", "record_id", "fields")
RELATIONSHIP_KEYS = ("type", "from", "to", "fields")
RELATIONSHIP_DATE_FIELDS = ("since", "until")
ROLE_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
SCHEME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


class MappingError(ValueError):
    """A broken mapping; ``str()`` is one line: ``<file>: <key path>: <rule message>``."""

    def __init__(self, source: str, key: str, message: str) -> None:
        super().__init__(f"{source}: {key}: {message}")
        self.source, self.key, self.message = source, key, message


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldTemplate(_Model):
    """One field's template and, for date fields, an explicit ``strptime`` format."""

    template: str
    format: str | None = None


class SubjectMapping(_Model):
    """One ``[[subjects]]`` table; ``fields`` keys are flat (``identifiers.passport``)."""

    role: str
    type: SubjectType
    record_id: str
    fields: dict[str, FieldTemplate]


class RelationshipMapping(_Model):
    """One ``[[relationships]]`` table."""

    type: RelationshipType
    from_role: str
    to_role: str
    fields: dict[str, FieldTemplate]


_Split: TypeAlias = tuple[
    tuple[tuple[str, str], ...], tuple[tuple[str, Renderer], ...], dict[str, str], dict[str, str]
]


@dataclass(frozen=True, slots=True)
class _Subject:
    role: str
    subject_type: SubjectType
    record_id: Renderer
    bare: tuple[tuple[str, str], ...]  # (field, column) of templates that are just "{column}"
    data: tuple[tuple[str, Renderer], ...]  # the other templates that reference columns
    constants: dict[str, str]
    formats: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Link:
    type: RelationshipType
    role: str
    to_role: str
    data: tuple[tuple[str, Renderer], ...]
    constants: dict[str, str]
    formats: dict[str, str]


class Mapping:
    """A loaded, validated and compiled mapping; :meth:`render` turns one row into subjects."""

    __slots__ = (
        "_compiled",
        "_fingerprint",
        "_links",
        "_raw",
        "_references",
        "default_city",
        "description",
        "name",
        "path",
        "relationships",
        "subjects",
    )

    def __init__(self, raw: dict[str, Any], name: str, path: Path | None = None) -> None:
        self.name, self.path, self._raw = name, path, raw
        try:
            self._parse(raw)
        except EntryError as e:
            raise MappingError(name, e.key, e.message) from None
        self._compile()

    @classmethod
    def load(cls, path: Path) -> Mapping:
        """Load a mapping file (UTF-8, BOM tolerated); errors name the path as given."""
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise MappingError(str(path), "file", f"cannot read: {e}") from None
        return cls._from_text(text, str(path), Path(path))

    @classmethod
    def from_toml(cls, text: str, name: str = "<mapping>") -> Mapping:
        """Parse mapping text; ``name`` prefixes error messages."""
        return cls._from_text(text, name, None)

    @classmethod
    def _from_text(cls, text: str, name: str, path: Path | None) -> Mapping:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise MappingError(name, "toml", f"invalid TOML: {e}") from None
        return cls(raw, name, path)

    def __reduce__(self) -> tuple[type[Mapping], tuple[dict[str, Any], str, Path | None]]:
        """Pickled as its parsed TOML, recompiled on load (ingest workers run in processes)."""
        return (Mapping, (self._raw, self.name, self.path))

    def columns(self) -> set[str]:
        """Every column any template of this mapping references."""
        return {column for _, column in self._references}

    def check_columns(self, columns: Sequence[str]) -> list[str]:
        """One error line per referenced column absent from ``columns`` (a CSV header)."""
        header, seen, errors = set(columns), set[str](), []
        for key, column in self._references:
            if column in header or column in seen:
                continue
            seen.add(column)
            close = difflib.get_close_matches(column, list(columns), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            errors.append(f"{self.name}: {key}: column {column!r} is not in the header{hint}")
        return errors

    def fingerprint(self) -> str:
        """sha256 (hex) of the canonical mapping: everything but ``description`` and names."""
        return self._fingerprint

    def render(self, row: Row) -> RenderedRow:
        """The subjects and relationships of one row (CSV dict or JSON Lines object)."""
        get = row.get
        subjects: list[RenderedSubject] = []
        ids: dict[str, str] = {}
        missing: list[str] = []
        for s in self._compiled:
            values: dict[str, str] = {}
            for name, column in s.bare:  # inlined renderer of a bare "{column}"
                value = get(column)
                if value is None:
                    continue
                text = value if isinstance(value, str) else text_of(value)
                if not text.isalnum():  # alnum: no whitespace to collapse
                    text = " ".join(text.split())
                if text:
                    values[name] = text
            for name, render in s.data:
                text = render(row)
                if text:
                    values[name] = text
            if not values:
                continue
            if s.constants:
                values.update(s.constants)
            record_id = s.record_id(row) or None
            if record_id is None:
                missing.append(s.role)
            else:
                ids[s.role] = record_id
            formats = {k: f for k, f in s.formats.items() if k in values} if s.formats else {}
            subjects.append(new_subject(s.role, s.subject_type, record_id, values, formats))
        relationships: list[RenderedRelationship] = []
        for r in self._links:
            source = ids.get(r.role)
            target = ids.get(r.to_role)
            if source is None or target is None:
                continue
            values = {}
            for name, render in r.data:
                text = render(row)
                if text:
                    values[name] = text
            if r.constants:
                values.update(r.constants)
            formats = {k: f for k, f in r.formats.items() if k in values} if r.formats else {}
            relationships.append(
                new_relationship(r.type, r.role, r.to_role, source, target, values, formats)
            )
        return new_row(subjects, relationships, missing)

    # -- loading ---------------------------------------------------------------------------

    def _parse(self, raw: dict[str, Any]) -> None:
        known_keys(raw, "", TOP_KEYS)
        source = table_of(raw.get("source", {}), "source")
        known_keys(source, "source", SOURCE_KEYS)
        self.default_city = optional_string(source, "source", "default_city")
        self.description = optional_string(source, "source", "description")
        tables = tables_of(raw.get("subjects"), "subjects", required=True)
        subjects: list[SubjectMapping] = []
        roles: dict[str, int] = {}
        for i, table in enumerate(tables):
            subject = _subject(table, f"subjects[{i}]", roles)
            roles[subject.role] = i
            subjects.append(subject)
        self.subjects = tuple(subjects)
        by_role = {s.role: s.type for s in subjects}
        tables = tables_of(raw.get("relationships", []), "relationships", required=False)
        self.relationships = tuple(
            _relationship(table, f"relationships[{i}]", by_role) for i, table in enumerate(tables)
        )

    def _compile(self) -> None:
        references: list[tuple[str, str]] = []

        def split(prefix: str, fields: dict[str, FieldTemplate], inline: bool) -> _Split:
            templates = {name: compile_template(f.template) for name, f in fields.items()}
            references.extend((f"{prefix}.{n}", c) for n, t in templates.items() for c in t.columns)
            bare = tuple((n, t.columns[0]) for n, t in templates.items() if inline and t.is_bare)
            data = tuple(
                (n, t.render)
                for n, t in templates.items()
                if t.columns and not (inline and t.is_bare)
            )
            constants = {n: t.constant for n, t in templates.items() if not t.columns}
            formats = {n: f.format for n, f in fields.items() if f.format is not None}
            return bare, data, constants, formats

        subjects = []
        for i, s in enumerate(self.subjects):
            record_id = compile_template(s.record_id)
            references.extend((f"subjects[{i}].record_id", c) for c in record_id.columns)
            bare, data, constants, formats = split(f"subjects[{i}].fields", s.fields, True)
            subjects.append(
                _Subject(s.role, s.type, record_id.render, bare, data, constants, formats)
            )
        links = []
        for i, r in enumerate(self.relationships):
            _, data, constants, formats = split(f"relationships[{i}].fields", r.fields, False)
            links.append(_Link(r.type, r.from_role, r.to_role, data, constants, formats))
        self._compiled, self._links, self._references = tuple(subjects), tuple(links), references
        canonical = {
            "default_city": self.default_city,
            "subjects": [s.model_dump(mode="json") for s in self.subjects],
            "relationships": [r.model_dump(mode="json") for r in self.relationships],
        }
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        self._fingerprint = hashlib.sha256(text.encode()).hexdigest()


def _subject(table: dict[str, Any], key: str, roles: dict[str, int]) -> SubjectMapping:
    known_keys(table, key, SUBJECT_KEYS)
    role = _role(table, key)
    if role in roles:
        raise EntryError(f"{key}.role", f"duplicate role {role!r} (also subjects[{roles[role]}])")
    allowed = ", ".join(SubjectType)
    type_text = required_string(table, key, "type", f"one of {allowed}")
    subject_type = parse_subject_type(type_text)
    if subject_type is None:
        raise EntryError(f"{key}.type", f"unknown subject type {type_text!r}; allowed: {allowed}")
    record_id = required_string(table, key, "record_id", 'a template such as "{编号}"')
    if check_template(record_id, f"{key}.record_id").is_constant:
        raise EntryError(f"{key}.record_id", "must reference at least one column, e.g. '{编号}'")
    fields = _subject_fields(table.get("fields"), f"{key}.fields", subject_type)
    if all(check_template(f.template, "").is_constant for f in fields.values()):
        raise EntryError(f"{key}.fields", "no field references a column, so no row creates it")
    return SubjectMapping(role=role, type=subject_type, record_id=record_id, fields=fields)


def _subject_fields(raw: object, key: str, subject_type: SubjectType) -> dict[str, FieldTemplate]:
    if raw is None:
        raise EntryError(key, "required: a table of field templates")
    table = table_of(raw, key)
    specs = FIELDS_BY_NAME[subject_type]
    dates = [s.name for s in SUBJECT_FIELDS[subject_type] if s.kind is FieldKind.DATE]
    out: dict[str, FieldTemplate] = {}
    for name, value in table.items():
        base, dot, scheme = name.partition(".")
        spec = specs.get(base)
        if spec is None or (dot and spec.kind is not FieldKind.IDENTIFIERS):
            allowed = ", ".join(
                f"{n}.<scheme>" if s.kind is FieldKind.IDENTIFIERS else n for n, s in specs.items()
            )
            raise EntryError(
                f"{key}.{name}", f"unknown field for {subject_type}; allowed: {allowed}"
            )
        if spec.kind is not FieldKind.IDENTIFIERS:
            out[name] = _field(value, f"{key}.{name}", name in dates, dates)
            continue
        if dot:
            items = [(scheme, value)]
        elif isinstance(value, dict) and value and not value.keys() & set(TABLE_KEYS):
            items = list(value.items())
        else:
            raise EntryError(f"{key}.{name}", 'give a scheme: identifiers.<scheme> = "{column}"')
        for scheme, template in items:
            flat = f"identifiers.{scheme}"
            if not SCHEME_PATTERN.match(scheme) or scheme in TABLE_KEYS:
                message = "scheme must be a lowercase word (a-z, 0-9, _), not template or format"
                raise EntryError(f"{key}.{flat}", message)
            if flat in out:
                raise EntryError(f"{key}.{flat}", "given twice")
            out[flat] = _field(template, f"{key}.{flat}", False, dates)
    if not out:
        raise EntryError(key, "at least one field is required")
    return out


def _relationship(
    table: dict[str, Any], key: str, roles: dict[str, SubjectType]
) -> RelationshipMapping:
    known_keys(table, key, RELATIONSHIP_KEYS)
    rel_type = parse_relationship_type(required_string(table, key, "type", "a relationship type"))
    if not isinstance(rel_type, RelationshipType):
        raise EntryError(f"{key}.type", rel_type.message)
    ends = []
    for end in ("from", "to"):
        role = required_string(table, key, end, "a role of [[subjects]]")
        if role not in roles:
            raise EntryError(f"{key}.{end}", f"unknown role {role!r}; roles: {', '.join(roles)}")
        ends.append(role)
    source, target = ends
    if source == target:
        raise EntryError(f"{key}.to", f"same role as from ({source!r})")
    problem = check_endpoints(rel_type, roles[source], roles[target])
    if problem is not None:
        bad = "to" if roles[source] in RELATIONSHIP_SPECS[rel_type].sources else "from"
        raise EntryError(f"{key}.{bad}", f"{problem.message} ({source} → {target})")
    raw = table.get("fields", {})
    fields: dict[str, FieldTemplate] = {}
    for name, value in table_of(raw, f"{key}.fields").items():
        if name not in RELATIONSHIP_ATTRIBUTES:
            allowed = ", ".join(RELATIONSHIP_ATTRIBUTES)
            raise EntryError(
                f"{key}.fields.{name}", f"unknown relationship field; allowed: {allowed}"
            )
        dates = list(RELATIONSHIP_DATE_FIELDS)
        fields[name] = _field(value, f"{key}.fields.{name}", name in dates, dates)
    return RelationshipMapping(type=rel_type, from_role=source, to_role=target, fields=fields)


def _role(table: dict[str, Any], key: str) -> str:
    role = required_string(table, key, "role", "a word naming the subject in [[relationships]]")
    if not ROLE_PATTERN.match(role):
        raise EntryError(f"{key}.role", f"role {role!r} must be a word (letters, digits, _)")
    return role


def _field(value: object, key: str, is_date: bool, dates: list[str]) -> FieldTemplate:
    template, fmt = template_entry(value, key, is_date, dates)
    return FieldTemplate(template=template, format=fmt)
