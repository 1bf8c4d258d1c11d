"""Row preparation: one source row → normalised record versions and relationships.

Pure and picklable (a mapping pickles as its parsed TOML), so it runs unchanged in the
processes of :mod:`registry.parallel_ingest`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from graph_schema.normalize import identifies_subject, normalize_fields
from graph_schema.subject_types import SubjectType
from registry.mapping import Mapping, RenderedRow
from registry.readers import RowItem
from registry.relationship_values import normalize_relationship_fields
from registry.store.base import RecordKey, RecordVersion, RelationshipVersion


def content_hash(payload: Any) -> str:
    """A stable hash of a JSON-able payload."""
    return hashlib.blake2b(
        orjson.dumps(payload, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).hexdigest()


@dataclass(slots=True)
class Prepared:
    """What one row yields: record versions and the relationships between them."""

    line: int
    versions: list[RecordVersion]
    relationships: list[RelationshipVersion]


_IDENTIFY_BY = {
    SubjectType.PERSON: "a name or an identifier",
    SubjectType.ENTERPRISE: "a name or USCC",
    SubjectType.BUILDING: "a building code or an address",
    SubjectType.PARCEL: "a parcel code or a geometry",
}


def _quarantine_reasons(subject_type: SubjectType, role: str, fields: dict[str, str]) -> str | None:
    if not identifies_subject(subject_type, fields):
        return (
            f"subject {role!r} has nothing to identify it by (needs {_IDENTIFY_BY[subject_type]})"
        )
    return None


class RowPreparer:
    """Renders rows through a mapping and normalises every subject they yield."""

    def __init__(self, source: str, mapping: Mapping, origin: str = "") -> None:
        self.source = source
        self.mapping = mapping
        self.origin = origin

    def prepare(self, item: RowItem) -> Prepared | list[dict[str, str]]:
        """The records and relationships of a row, or the reasons to quarantine it."""
        if item.row is None:
            return [{"rule": "malformed_line", "message": item.error or "unreadable line"}]
        rendered: RenderedRow = self.mapping.render(item.row)
        reasons: list[dict[str, str]] = [
            {"rule": "missing_record_id", "message": f"subject {role!r} has no record id"}
            for role in rendered.missing_record_id
        ]
        if not rendered.subjects and not reasons:
            reasons.append({"rule": "no_subject", "message": "row yields no subject"})
        versions: list[RecordVersion] = []
        for subj in rendered.subjects:
            if subj.record_id is None:
                continue  # already a reason: missing_record_id
            why = _quarantine_reasons(subj.subject_type, subj.role, subj.fields)
            if why:
                reasons.append({"rule": "unidentifiable", "message": why})
                continue
            norm = normalize_fields(
                subj.subject_type,
                subj.fields,
                formats=subj.formats,
                default_city=self.mapping.default_city,
            )
            rv = RecordVersion(
                key=RecordKey(self.source, subj.record_id),
                version=1,
                subject_type=subj.subject_type,
                content_hash=content_hash([subj.subject_type.value, subj.fields, subj.formats]),
                raw=dict(subj.fields),
                values=norm.values,
                problems=[p.model_dump() for p in norm.problems],
                formats=dict(subj.formats),
                origin=f"{self.origin}:{item.line}" if self.origin else str(item.line),
            )
            # serialised here, outside the store's write transaction (which other ingest
            # processes may be waiting for)
            rv.document = orjson.dumps(rv.as_document(), option=orjson.OPT_SORT_KEYS).decode()
            versions.append(rv)
        if reasons:
            return reasons
        rels: list[RelationshipVersion] = []
        for rel in rendered.relationships:
            attrs, problems = normalize_relationship_fields(rel.fields, rel.formats)
            payload = {"attrs": attrs, "raw": rel.fields}
            rels.append(
                RelationshipVersion(
                    source=self.source,
                    type=rel.type.value,
                    from_record_id=rel.from_record_id,
                    to_record_id=rel.to_record_id,
                    attrs={**attrs, **({"problems": problems} if problems else {})},
                    content_hash=content_hash(payload),
                    origin=str(item.line),
                )
            )
        return Prepared(item.line, versions, rels)

    def prepare_all(self, items: Sequence[RowItem]) -> list[Prepared | list[dict[str, str]]]:
        return [self.prepare(item) for item in items]


def prepare_batches(
    preparer: RowPreparer, batches: Iterable[list[RowItem]]
) -> Iterator[tuple[list[RowItem], list[Prepared | list[dict[str, str]]]]]:
    """Each batch with its prepared rows, in input order."""
    for batch in batches:
        yield batch, preparer.prepare_all(batch)
