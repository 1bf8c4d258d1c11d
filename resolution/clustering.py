"""Clustering records into subjects under steward and identifier constraints.

Links are applied strongest first (steward matches, then decisive identifier matches, then
scores above the link threshold, best first), union–find style. A link that would put into
one cluster two records a steward ruled apart, or two different valid values of a national
identifier, is refused: because stronger links were applied first, a cluster that "would
hold" a conflict is split along its weakest links, and the refused link is reported so the
conflict can be queued for review instead of silently merged.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

STEWARD_MATCH = 1e9
DECISIVE_MATCH = 1e6


@dataclass(frozen=True, slots=True)
class Link(Generic[K]):
    """A candidate link between two records with its strength (match weight)."""

    a: K
    b: K
    weight: float
    reason: str = "score"  # score | identifier | steward


@dataclass(slots=True)
class Conflict(Generic[K]):
    """A link refused because it would join records that must stay apart."""

    link: Link[K]
    why: str


@dataclass(slots=True)
class Clustering(Generic[K]):
    """Clusters (lists of record keys) and the links that were refused."""

    clusters: list[list[K]]
    applied: list[Link[K]] = field(default_factory=list)
    conflicts: list[Conflict[K]] = field(default_factory=list)


def cluster(
    nodes: Iterable[K],
    links: Sequence[Link[K]],
    *,
    cannot_link: Iterable[tuple[K, K]] = (),
    identifiers: Mapping[K, str | frozenset[str]] | None = None,
) -> Clustering[K]:
    """Connected components of the links, strongest first, under the constraints.

    ``cannot_link`` holds steward not-match pairs; ``identifiers`` maps a record to its
    national identifier value (or to several: a record standing for a whole subject carries
    the values of all its records): a cluster never holds two different values.
    """
    parent: dict[K, K] = {}
    members: dict[K, list[K]] = {}
    ids: dict[K, set[str]] = {}
    apart: dict[K, set[K]] = {}
    for n in nodes:
        parent[n] = n
        members[n] = [n]
        ident = identifiers.get(n) if identifiers else None
        ids[n] = {ident} if isinstance(ident, str) else set(ident) if ident else set()
    for a, b in cannot_link:
        if a in parent and b in parent:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)

    def find(x: K) -> K:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    result: Clustering[K] = Clustering([])
    for link in sorted(links, key=lambda lk: -lk.weight):
        if link.a not in parent or link.b not in parent:
            continue
        ra, rb = find(link.a), find(link.b)
        if ra == rb:
            continue
        why = _incompatible(
            members[ra], members[rb], ids[ra], ids[rb], apart, link.reason != "steward"
        )
        if why is not None:
            result.conflicts.append(Conflict(link, why))
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
        ids[ra] |= ids.pop(rb)
        result.applied.append(link)
    result.clusters = [sorted(m, key=str) for r, m in members.items() if find(r) == r]
    result.clusters.sort(key=lambda c: str(c[0]))
    return result


def _incompatible(
    left: list[K],
    right: list[K],
    ids_l: set[str],
    ids_r: set[str],
    apart: dict[K, set[K]],
    check_ids: bool,
) -> str | None:
    if check_ids and ids_l and ids_r and not ids_l & ids_r:
        return "different national identifiers"
    if apart:
        small, big = (left, right) if len(left) <= len(right) else (right, left)
        big_set = set(big)
        for node in small:
            if apart.get(node, set()) & big_set:
                return "steward not-match"
    return None
