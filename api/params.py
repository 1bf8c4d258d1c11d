"""Path and query parameters shared by several routers, with their validation rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType

SUBJECT_ID_PATTERN = r"^[PEBL]-[0-9]{1,12}$"
AS_OF_PATTERN = (
    r"^(seq:[0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}[0-9:.+\-Z]{0,30})?)$"
)

SubjectId = Annotated[
    str, Path(description="registry id: P-/E-/B-/L- and digits", pattern=SUBJECT_ID_PATTERN)
]
ParcelId = Annotated[str, Path(description="a parcel's registry id", pattern=r"^L-[0-9]{1,12}$")]
PersonId = Annotated[str, Path(description="a person's registry id", pattern=r"^P-[0-9]{1,12}$")]
AsOf = Annotated[
    str | None,
    Query(
        description="a past point: ISO date (end of that day, UTC), ISO date-time, or seq:N",
        pattern=AS_OF_PATTERN,
    ),
]
TypesFilter = Annotated[
    list[SubjectType] | None,
    Query(alias="type", description="subject types to keep (repeatable); default: all granted"),
]
RelFilter = Annotated[
    list[RelationshipType] | None,
    Query(description="relationship types to follow (repeatable); default: all"),
]
