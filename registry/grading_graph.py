"""Graph answers graded for one client: hidden subject types removed, values masked.

Traversals are asked to stay within the client's visible types in the first place (the
backends' ``subject_types`` filter: a hidden subject is neither returned nor passed through),
so a hidden subject's existence does not show as a gap. These functions then drop whatever
hidden subject an answer still names (a parcel's buildings, a control network's holdings)
together with every edge touching it, and grade the values of the rest.
"""

from __future__ import annotations

from registry.grading import Grader
from registry.graph.model import (
    BuildingOnParcel,
    ControlNetwork,
    GraphNode,
    Neighbourhood,
    ParcelContents,
    Paths,
)


def _nodes(grader: Grader, nodes: list[GraphNode]) -> list[GraphNode]:
    return [grader.node(n) for n in nodes if grader.can_see(n.type)]


def neighbourhood(grader: Grader, found: Neighbourhood) -> Neighbourhood:
    """Only visible subjects, and only edges between two of them."""
    nodes = _nodes(grader, found.nodes)
    keep = {n.id for n in nodes}
    return Neighbourhood(
        center=found.center,
        hops=found.hops,
        nodes=nodes,
        distance={k: v for k, v in found.distance.items() if k in keep},
        edges=[e for e in found.edges if e.from_id in keep and e.to_id in keep],
        truncated=found.truncated,
    )


def paths(grader: Grader, found: Paths) -> Paths:
    """Only paths every subject of which is visible (the search already avoided hidden ones)."""
    visible = {n.id for n in found.nodes if grader.can_see(n.type)}
    kept = [p for p in found.paths if all(i in visible for i in p.nodes)]
    on_path = {i for p in kept for i in p.nodes}
    return Paths(
        from_id=found.from_id,
        to_id=found.to_id,
        length=found.length if kept else None,
        paths=kept,
        nodes=[grader.node(n) for n in found.nodes if n.id in on_path],
        truncated=found.truncated,
    )


def parcel_contents(grader: Grader, found: ParcelContents) -> ParcelContents:
    """Holders and buildings the client may see; a hidden building hides what is in it."""
    buildings = [
        BuildingOnParcel(
            building=grader.node(b.building),
            owners=_nodes(grader, b.owners),
            enterprises=_nodes(grader, b.enterprises),
            residents=_nodes(grader, b.residents),
        )
        for b in found.buildings
        if grader.can_see(b.building.type)
    ]
    return ParcelContents(
        parcel=grader.node(found.parcel), holders=_nodes(grader, found.holders), buildings=buildings
    )


def control_network(grader: Grader, found: ControlNetwork) -> ControlNetwork:
    """Visible subjects still reachable from the person through visible subjects only."""
    visible = {n.id for n in found.nodes if grader.can_see(n.type)}
    visible.add(found.person.id)
    edges = [e for e in found.edges if e.from_id in visible and e.to_id in visible]
    reached = {found.person.id}
    frontier = [found.person.id]
    while frontier:
        step = {e.to_id for e in edges if e.from_id in frontier} - reached
        reached |= step
        frontier = sorted(step)
    return ControlNetwork(
        person=grader.node(found.person),
        depth=found.depth,
        nodes=[grader.node(n) for n in found.nodes if n.id in reached],
        edges=[e for e in edges if e.from_id in reached and e.to_id in reached],
        truncated=found.truncated,
    )
