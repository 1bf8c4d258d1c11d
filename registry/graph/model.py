"""What graph queries return: subjects, edges between them, paths, and composed views.

Both backends return these same models, sorted the same way, so "identical results" can be
checked with ``==`` and the API can serialise them as they are.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import SubjectType


class GraphNode(BaseModel):
    """A subject as the graph holds it: id, type, display name and golden values."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: SubjectType
    name: str | None = None
    golden: dict[str, Any] = Field(default_factory=dict)


class GraphEdge(BaseModel):
    """A subject-level relationship, folded from every record that declared it; a link the
    registry derived (``sources`` ``derived:<method>/…``) carries its ``confidence``."""

    model_config = ConfigDict(frozen=True)

    type: RelationshipType
    from_id: str
    to_id: str
    since: str | None = None
    until: str | None = None
    role: str | None = None
    share: float | None = None
    sources: tuple[str, ...] = ()  # "source/from_record->to_record", sorted
    confidence: float | None = None  # derived links only: how sure the derivation is

    @property
    def key(self) -> str:
        return f"{self.type.value}:{self.from_id}->{self.to_id}"

    def other(self, node_id: str) -> str:
        return self.to_id if self.from_id == node_id else self.from_id

    def sort_key(self) -> tuple[str, str, str]:
        return (self.type.value, self.from_id, self.to_id)


class Neighbour(BaseModel):
    """One relationship of a subject with the subject at its other end."""

    edge: GraphEdge
    direction: str  # "out" | "in"
    other: GraphNode


class SubjectView(BaseModel):
    """A subject with its relationships and the subjects at their other ends."""

    node: GraphNode
    relationships: list[Neighbour]


class Neighbourhood(BaseModel):
    """Subjects within ``hops`` of a centre, with the hop at which each was reached."""

    center: str
    hops: int
    nodes: list[GraphNode]
    distance: dict[str, int]
    edges: list[GraphEdge]
    truncated: bool = False


class GraphPath(BaseModel):
    """One path: ``nodes[i]`` and ``nodes[i+1]`` are joined by ``edges[i]``."""

    nodes: list[str]
    edges: list[GraphEdge]


class Paths(BaseModel):
    """All shortest paths between two subjects (empty when none within ``max_hops``)."""

    from_id: str
    to_id: str
    length: int | None
    paths: list[GraphPath]
    nodes: list[GraphNode]
    truncated: bool = False


class BuildingOnParcel(BaseModel):
    """A building on a parcel and who owns it, is registered in it, and lives in it."""

    building: GraphNode
    owners: list[GraphNode]
    enterprises: list[GraphNode]
    residents: list[GraphNode]


class ParcelContents(BaseModel):
    """Everything on a red-line parcel."""

    parcel: GraphNode
    holders: list[GraphNode]
    buildings: list[BuildingOnParcel]


class ControlNetwork(BaseModel):
    """Companies a person represents or holds, and what those companies hold in turn."""

    person: GraphNode
    depth: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = False
