"""Graph answers as ``networkx`` multigraphs, for centrality, communities and shortest paths.

Every view is a :class:`networkx.MultiDiGraph`:

- a **node** is a subject, keyed by its registry id (``P-00000001``), with the attributes
  ``type`` (``person``, ``enterprise``, ``building``, ``parcel``), ``name`` (display name or
  None) and ``golden`` (the golden values, a dict; graded when read over HTTP);
- an **edge** runs in the relationship's direction (``from_id`` → ``to_id``; symmetric types
  such as SPOUSE_OF from the smaller id to the larger), keyed by its relationship type
  (``LEGAL_REPRESENTATIVE_OF``), with the attributes ``type`` (the same), ``sources`` (the
  declarations it was folded from, ``source/from_record->to_record``, sorted) and whichever
  other values of :class:`~registry.graph.model.GraphEdge` it has (``since``, ``until``,
  ``role``, ``share``, …);
- the **graph** attributes (``G.graph``) say which query it answers (``query``) and its
  parameters, and whether the answer was ``truncated`` by a limit.

Use ``G.to_undirected()`` or ``nx.Graph(G)`` for algorithms that want a simple undirected
graph. The same query gives the same graph on the embedded store and on Neo4j.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from graph_schema.relationships import RelationshipType
from graph_schema.subject_types import type_of_id
from registry.graph.model import (
    ControlNetwork,
    GraphEdge,
    GraphNode,
    Neighbourhood,
    ParcelContents,
    Paths,
)

R = RelationshipType
# the edge's values besides its ends, type and provenance: since, until, role, share, …
EDGE_VALUES = tuple(
    f for f in GraphEdge.model_fields if f not in ("type", "from_id", "to_id", "sources")
)
GraphAnswer = Neighbourhood | Paths | ParcelContents | ControlNetwork


def node_attributes(node: GraphNode) -> dict[str, Any]:
    """``type``, ``name`` and ``golden`` of a subject."""
    return {"type": node.type.value, "name": node.name, "golden": dict(node.golden)}


def edge_attributes(edge: GraphEdge) -> dict[str, Any]:
    """``type``, ``sources`` and whichever other values the edge has (since, until, role,
    share, …): None values are left out."""
    attrs: dict[str, Any] = {"type": edge.type.value}
    for name in EDGE_VALUES:
        value = getattr(edge, name)
        if value is not None:
            attrs[name] = value
    attrs["sources"] = list(edge.sources)
    return attrs


def add_nodes(graph: nx.MultiDiGraph, nodes: Iterable[GraphNode]) -> None:
    """Add subjects as nodes (attributes of a node already there are replaced)."""
    for node in nodes:
        graph.add_node(node.id, **node_attributes(node))


def add_edges(graph: nx.MultiDiGraph, edges: Iterable[GraphEdge]) -> None:
    """Add relationships as edges keyed by type; an end not yet in the graph is added with
    the type its id names, no name and no golden values."""
    for edge in edges:
        for end in (edge.from_id, edge.to_id):
            if end not in graph:
                kind = type_of_id(end)
                graph.add_node(end, type=kind and kind.value, name=None, golden={})
        graph.add_edge(edge.from_id, edge.to_id, key=edge.type.value, **edge_attributes(edge))


def neighbourhood_graph(found: Neighbourhood) -> nx.MultiDiGraph:
    """Subjects within the hops, each node with its ``distance`` (hops from the centre)."""
    graph = nx.MultiDiGraph(
        query="neighbourhood", center=found.center, hops=found.hops, truncated=found.truncated
    )
    add_nodes(graph, found.nodes)
    add_edges(graph, found.edges)
    for node_id, hop in found.distance.items():
        if node_id in graph:
            graph.nodes[node_id]["distance"] = hop
    return graph


def paths_graph(found: Paths) -> nx.MultiDiGraph:
    """The union of every shortest path; ``G.graph["paths"]`` lists each as node ids (a route
    appears once per choice among parallel relationships, as in :class:`Paths`)."""
    graph = nx.MultiDiGraph(
        query="paths",
        from_id=found.from_id,
        to_id=found.to_id,
        length=found.length,
        paths=[list(p.nodes) for p in found.paths],
        truncated=found.truncated,
    )
    add_nodes(graph, found.nodes)
    add_edges(graph, (e for p in found.paths for e in p.edges))
    return graph


def parcel_graph(found: ParcelContents) -> nx.MultiDiGraph:
    """The parcel, its holders (HOLDS), its buildings (LOCATED_ON) and each building's owners
    (OWNS), registered enterprises (REGISTERED_AT) and residents (RESIDES_AT).

    A parcel's contents list subjects, not the relationships' provenance, so these edges carry
    only ``type`` and empty ``sources``; ask for a neighbourhood for dates and sources."""
    parcel = found.parcel.id
    graph = nx.MultiDiGraph(query="parcel_contents", parcel=parcel, truncated=False)
    add_nodes(graph, [found.parcel, *found.holders])
    links: list[tuple[str, str, RelationshipType]] = [
        (h.id, parcel, R.HOLDS) for h in found.holders
    ]
    for b in found.buildings:
        building = b.building.id
        add_nodes(graph, [b.building, *b.owners, *b.enterprises, *b.residents])
        links.append((building, parcel, R.LOCATED_ON))
        for members, rel in (
            (b.owners, R.OWNS),
            (b.enterprises, R.REGISTERED_AT),
            (b.residents, R.RESIDES_AT),
        ):
            links.extend((m.id, building, rel) for m in members)
    for a, b_, rel in links:
        graph.add_edge(a, b_, key=rel.value, type=rel.value, sources=[])
    return graph


def control_graph(found: ControlNetwork) -> nx.MultiDiGraph:
    """The person, the enterprises they represent or hold, and what those hold in turn."""
    graph = nx.MultiDiGraph(
        query="control_network",
        person=found.person.id,
        depth=found.depth,
        truncated=found.truncated,
    )
    add_nodes(graph, [found.person, *found.nodes])
    add_edges(graph, found.edges)
    return graph


def to_networkx(found: GraphAnswer) -> nx.MultiDiGraph:
    """Any graph answer of the registry as a :class:`networkx.MultiDiGraph`."""
    if isinstance(found, Neighbourhood):
        return neighbourhood_graph(found)
    if isinstance(found, Paths):
        return paths_graph(found)
    if isinstance(found, ParcelContents):
        return parcel_graph(found)
    return control_graph(found)
