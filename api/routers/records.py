"""Department pushes: a batch of rows for one source, and retractions.

A push has the semantics of ``registry ingest``: idempotent (an unchanged row stores
nothing), versioned (a changed row is a new version), rows that cannot become records are
quarantined with their reasons, and the new records are resolved at once. The rows go through
the mapping installed as ``<store>/mappings/<name>.toml``, where ``name`` is the batch's
``mapping`` or else the source's own name; a client never sends mapping text. Only department
and admin clients may push or retract.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from api.audit import audit_context
from api.deps import PusherDep, StateDep
from api.errors import ApiError, invalid, problem_responses
from api.models import IngestSummary, RecordBatch, Retraction
from api.responses import respond
from registry.ingest import IngestReport
from registry.mapping import MappingError
from registry.source_mappings import UnknownMapping

router = APIRouter(prefix="/v1/sources", tags=["records"])

SOURCE_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$"
Source = Annotated[str, Path(description="source name, e.g. hukou", pattern=SOURCE_PATTERN)]
RecordId = Annotated[str, Path(description="the record's id in that source", max_length=200)]


def _summary(report: IngestReport, mapping: str) -> IngestSummary:
    payload: dict[str, Any] = report.as_dict()
    payload["mapping"] = mapping
    payload["quarantine_reasons"] = report.quarantine_reasons
    return IngestSummary.model_validate(payload)


@router.post(
    "/{source}/records",
    response_model=IngestSummary,
    summary="Push a batch of rows for one source",
    responses=problem_responses(401, 403, 404, 413, 422),
)
def push_records(
    source: Source, batch: RecordBatch, client: PusherDep, state: StateDep
) -> Response:
    """Ingest rows in the department's own column names through the source's mapping.

    A mapping named in the body that is not installed is a 422 (`body.mapping`); a source
    without a mapping of its own name is a 404. More than 5,000 rows, or a body over 10 MB,
    is a 413."""
    if len(batch.rows) > state.max_batch_rows:
        raise ApiError(
            413, f"batch of {len(batch.rows):,} rows; at most {state.max_batch_rows:,} per push"
        )
    name = batch.mapping or source
    try:
        mapping = state.mappings.get(name)
    except UnknownMapping as exc:
        if batch.mapping is not None:
            raise invalid("body.mapping", "unknown_mapping", str(exc)) from None
        raise ApiError(404, f"source {source!r} has no mapping installed ({exc})") from None
    except ValueError as exc:  # MappingError is a ValueError: the installed file is broken
        if isinstance(exc, MappingError):
            raise ApiError(500, f"the installed mapping {name!r} is broken") from exc
        loc = "body.mapping" if batch.mapping is not None else "path.source"
        raise invalid(loc, "mapping_name", str(exc)) from None
    origin = f"api:{client.name}"
    with state.write_lock:
        report = state.registry.ingest_rows(batch.rows, source, mapping, origin=origin)
    return respond(_summary(report, name))


@router.delete(
    "/{source}/records/{record_id}",
    response_model=Retraction,
    summary="Retract one record",
    responses=problem_responses(401, 403, 404, 422),
)
def retract_record(
    request: Request, source: Source, record_id: RecordId, client: PusherDep, state: StateDep
) -> Response:
    """Withdraw a record: kept in history, no longer part of its subject (404 if unknown or
    already retracted)."""
    with state.write_lock:
        counts = state.registry.retract(source, record_id)
    if counts is None:
        raise ApiError(404, f"no active record {source}/{record_id}")
    ctx = audit_context(request.scope)
    for subject_id in sorted(counts.touched):
        if ctx is not None:
            ctx.disclosure.touch(subject_id)
    return respond(Retraction(source=source, record_id=record_id, subjects=sorted(counts.touched)))
