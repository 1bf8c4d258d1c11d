"""Templates of the source-mapping contract: literal text with ``{column}`` references.

A template is compiled once, when its mapping loads, into a renderer specialised for its
shape (a constant, one bare column, one column with literal text around it, or several
columns), so rendering a row costs a dictionary lookup and a whitespace collapse per
column, never a regular expression. The rules, also in ``docs/mapping.md``:

* ``{column}`` is replaced by that column's value: the text between the braces, verbatim,
  looked up as a key of the row (a CSV header cell, a JSON Lines top-level key);
* ``{{`` and ``}}`` are a literal ``{`` and ``}``; any other lone brace is an error;
* a missing or null value is empty; other non-string JSON values render with ``str()``
  (``12`` → ``"12"``, ``true`` → ``"True"``), arrays and objects as compact JSON;
* after substitution every run of Unicode whitespace (full-width U+3000 included)
  becomes one space and the ends are trimmed;
* a template that references columns renders empty when every one of them is empty
  (missing, null or only whitespace), so ``"杭州市{地址}"`` is absent, not ``"杭州市"``,
  for a row without an address; a template without columns (a constant) always renders
  its text.

Below the templates: what a row renders to (:class:`RenderedRow` and its parts, re-exported
by :mod:`registry.mapping`, with fast constructors for the per-row path), then the checks of
a mapping file's entries (a template string or a ``{template, format}`` table, the shapes of
its tables), which raise :class:`EntryError` with the key path for
:mod:`registry.mapping` to turn into a ``MappingError``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType

Row: TypeAlias = abc.Mapping[str, object]
Renderer: TypeAlias = Callable[[Row], str]


_LITERAL = " (write '{{' or '}}' for a literal brace)"


class TemplateError(ValueError):
    """A template that breaks the syntax: unbalanced braces or an empty column reference."""


def text_of(value: object) -> str:
    """A row value as text: None → ``""``, str as is, arrays/objects as JSON, else ``str()``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def collapse(text: str) -> str:
    """Runs of whitespace to one space, ends trimmed."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template: ``literals[0] {columns[0]} literals[1] … literals[-1]``."""

    text: str
    literals: tuple[str, ...]
    columns: tuple[str, ...]
    render: Renderer

    @property
    def is_bare(self) -> bool:
        """True when the template is exactly one ``{column}`` and nothing else."""
        return len(self.columns) == 1 and not any(self.literals)

    @property
    def is_constant(self) -> bool:
        """True when the template references no column."""
        return not self.columns

    @property
    def constant(self) -> str:
        """The rendered text of a template without columns (collapsed)."""
        return collapse("".join(self.literals))


def parse_template(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split ``text`` into literal parts and column names; raise TemplateError when broken."""
    literals: list[str] = []
    columns: list[str] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            if text.startswith("{", i + 1):
                buf.append("{")
                i += 2
                continue
            end = text.find("}", i + 1)
            opening = text.find("{", i + 1)
            if end < 0:
                raise TemplateError(f"unbalanced '{{' at character {i + 1}, never closed{_LITERAL}")
            if 0 <= opening < end:
                raise TemplateError(f"'{{' at character {opening + 1} inside a column reference")
            if end == i + 1:
                raise TemplateError(f"empty column reference '{{}}' at character {i + 1}")
            literals.append("".join(buf))
            buf.clear()
            columns.append(text[i + 1 : end])
            i = end + 1
        elif c == "}":
            if not text.startswith("}", i + 1):
                raise TemplateError(f"unbalanced '}}' at character {i + 1}{_LITERAL}")
            buf.append("}")
            i += 2
        else:
            buf.append(c)
            i += 1
    literals.append("".join(buf))
    return tuple(literals), tuple(columns)


def compile_template(text: str) -> Template:
    """Compile ``text`` once into a :class:`Template` with a specialised renderer."""
    literals, columns = parse_template(text)
    return Template(text, literals, columns, _renderer(literals, columns))


def _renderer(literals: tuple[str, ...], columns: tuple[str, ...]) -> Renderer:
    if not columns:
        constant = collapse("".join(literals))
        return lambda row: constant
    if len(columns) == 1:
        column, (prefix, suffix) = columns[0], literals
        if not prefix and not suffix:
            return _bare(column)
        return _wrapped(column, prefix, suffix)
    return _general(literals, columns)


def _bare(column: str) -> Renderer:
    def render(row: Row) -> str:
        value = row.get(column)
        text = value if isinstance(value, str) else text_of(value)
        return text if text.isalnum() else " ".join(text.split())

    return render


def _wrapped(column: str, prefix: str, suffix: str) -> Renderer:
    def render(row: Row) -> str:
        value = row.get(column)
        text = value if isinstance(value, str) else text_of(value)
        if not text or text.isspace():
            return ""
        return " ".join(f"{prefix}{text}{suffix}".split())

    return render


def _general(literals: tuple[str, ...], columns: tuple[str, ...]) -> Renderer:
    escaped = [lit.replace("{", "{{").replace("}", "}}") for lit in literals]
    pattern = "".join(f"{lit}{{{i}}}" for i, lit in enumerate(escaped[:-1])) + escaped[-1]

    def render(row: Row) -> str:
        get = row.get
        values = [text_of(get(column)) for column in columns]
        for text in values:
            if text and not text.isspace():
                return " ".join(pattern.format(*values).split())
        return ""

    return render


# -- what a row renders to --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedSubject:
    """One subject of one row: flat raw fields, plus the formats of date fields that had one."""

    role: str
    subject_type: SubjectType
    record_id: str | None
    fields: dict[str, str]
    formats: dict[str, str]


@dataclass(frozen=True, slots=True)
class RenderedRelationship:
    """One relationship of one row, between two rendered subjects' record ids."""

    type: RelationshipType
    from_role: str
    to_role: str
    from_record_id: str
    to_record_id: str
    fields: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RenderedRow:
    """What one row became; ``missing_record_id`` lists roles with data but no record id."""

    subjects: list[RenderedSubject]
    relationships: list[RenderedRelationship]
    missing_record_id: list[str]


# A frozen dataclass's __init__ pays object.__setattr__ per field (≈0.8 µs an instance, half
# of a row's render time); the new_* constructors fill the slots directly instead: the same
# instances (equal, hashable, frozen), about twice as fast. Unpacking the setters fails at
# import if a field is added without updating them.
_new = object.__new__


def _slot_setters(cls: type) -> tuple[Callable[[object, object], None], ...]:
    return tuple(getattr(cls, f.name).__set__ for f in dataclasses.fields(cls))


_s_role, _s_type, _s_id, _s_fields, _s_formats = _slot_setters(RenderedSubject)
_r_type, _r_from, _r_to, _r_from_id, _r_to_id, _r_fields, _r_formats = _slot_setters(
    RenderedRelationship
)
_row_subjects, _row_relationships, _row_missing = _slot_setters(RenderedRow)


def new_subject(
    role: str, subject_type: SubjectType, record_id: str | None, fields: dict[str, str],
    formats: dict[str, str],
) -> RenderedSubject:  # fmt: skip
    out: RenderedSubject = _new(RenderedSubject)
    _s_role(out, role)
    _s_type(out, subject_type)
    _s_id(out, record_id)
    _s_fields(out, fields)
    _s_formats(out, formats)
    return out


def new_relationship(
    rel_type: RelationshipType, from_role: str, to_role: str, from_id: str, to_id: str,
    fields: dict[str, str], formats: dict[str, str],
) -> RenderedRelationship:  # fmt: skip
    out: RenderedRelationship = _new(RenderedRelationship)
    _r_type(out, rel_type)
    _r_from(out, from_role)
    _r_to(out, to_role)
    _r_from_id(out, from_id)
    _r_to_id(out, to_id)
    _r_fields(out, fields)
    _r_formats(out, formats)
    return out


def new_row(
    subjects: list[RenderedSubject], relationships: list[RenderedRelationship], missing: list[str]
) -> RenderedRow:
    out: RenderedRow = _new(RenderedRow)
    _row_subjects(out, subjects)
    _row_relationships(out, relationships)
    _row_missing(out, missing)
    return out


# -- checking the entries of a mapping file --------------------------------------------------

TABLE_KEYS = ("template", "format")
TOML_TYPES = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array"}


class EntryError(Exception):
    """A bad entry of a mapping file: the key path and the rule it broke."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key, self.message = key, message


def template_entry(
    value: object, key: str, is_date: bool, dates: Sequence[str]
) -> tuple[str, str | None]:
    """A field entry: a template string or a ``{template, format}`` table (format on dates)."""
    fmt: str | None = None
    if isinstance(value, str):
        template = value
    elif isinstance(value, dict):
        known_keys(value, key, TABLE_KEYS)
        template = required_string(value, key, "template", "the template text")
        fmt = optional_string(value, key, "format")
        if fmt is not None and not is_date:
            where = f"date fields: {', '.join(dates)}" if dates else "this type has no date field"
            raise EntryError(f"{key}.format", f"format is only allowed on date fields ({where})")
        if fmt is not None:
            check_format(fmt, f"{key}.format")
    else:
        expected = "expected a template string or a {template, format} table"
        raise EntryError(key, f"{expected}, got {toml_type(value)}")
    check_template(template, f"{key}.template" if isinstance(value, dict) else key)
    return template, fmt


def check_format(fmt: str, key: str) -> None:
    """A ``strptime`` pattern with at least one directive that parses what it formats."""
    if "%" not in fmt.replace("%%", ""):
        raise EntryError(key, f"{fmt!r} has no strptime directive such as %Y, %m or %d")
    try:
        sample = dt.datetime(2001, 2, 3, 4, 5, 6).strftime(fmt)
        dt.datetime.strptime(sample, fmt)
    except (ValueError, re.error) as e:
        raise EntryError(key, f"{fmt!r} is not a valid strptime format: {e}") from None


def check_template(text: str, key: str) -> Template:
    """The compiled template of a non-blank, well-formed template text."""
    if not text.strip():
        raise EntryError(key, "empty template")
    try:
        return compile_template(text)
    except TemplateError as e:
        raise EntryError(key, f"bad template {text!r}: {e}") from None


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    if isinstance(value, dict):
        return "table"
    if isinstance(value, dt.date | dt.time):
        return "date/time"
    return TOML_TYPES.get(type(value), type(value).__name__)


def known_keys(table: dict[str, Any], prefix: str, allowed: Sequence[str]) -> None:
    """Reject the first key of ``table`` not in ``allowed``."""
    for name in table:
        if name not in allowed:
            where = f"{prefix}.{name}" if prefix else name
            raise EntryError(where, f"unknown key; allowed: {', '.join(allowed)}")


def table_of(value: object, key: str) -> dict[str, Any]:
    """``value`` when it is a table."""
    if not isinstance(value, dict):
        raise EntryError(key, f"expected a table, got {toml_type(value)}")
    return value


def tables_of(value: object, key: str, *, required: bool) -> list[dict[str, Any]]:
    """``value`` when it is an array of tables (``[[key]]``), non-empty when ``required``."""
    if value is None or value == []:
        if required:
            raise EntryError(key, f"at least one [[{key}]] table is required")
        return []
    if not isinstance(value, list):
        raise EntryError(key, f"expected an array of tables ([[{key}]]), got {toml_type(value)}")
    return [table_of(item, f"{key}[{i}]") for i, item in enumerate(value)]


def required_string(table: dict[str, Any], prefix: str, name: str, hint: str) -> str:
    """``table[name]``, which must be present and a string (``hint`` says what it holds)."""
    if name not in table:
        raise EntryError(f"{prefix}.{name}", f"required: {hint}")
    value = table[name]
    if not isinstance(value, str):
        raise EntryError(f"{prefix}.{name}", f"expected a string, got {toml_type(value)}")
    return value


def optional_string(table: dict[str, Any], prefix: str, name: str) -> str | None:
    """``table[name]`` when present (then it must be a string), else None."""
    return required_string(table, prefix, name, "") if name in table else None
