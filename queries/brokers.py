"""Who can introduce two actors: the intermediaries on the simple paths between them.

The meaning is API_CONTRACT.md's: every simple path between ``source`` and ``target`` of at most
``max_hops`` relationships on U; each node on those paths other than the endpoints, of one of
``types``, is an intermediary; it is ranked by the number of those paths through it (descending),
then the length of the shortest of them, then its id.

Enumeration runs length by length (all paths of 1 relationship, then of 2, ...), each by a
depth-first search in id order that only enters a node from which the target is still reachable
within the hops left (distances to the target come from one breadth-first search that avoids the
source). So every step of the search lies on the way to some path, and when the work cap stops
it, the counts are complete for every length below the one being enumerated.

The **work cap** (``work_cap``, default :data:`WORK_CAP`) bounds the neighbour entries the search
scans, which bounds its time (about a second per million on one core). Past it the search stops
and the answer says ``truncated``.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphsvc.stores.contract import Store
from queries import deadline
from queries.errors import (
    MAX_EVIDENCE,
    MAX_HOPS,
    MAX_LIMIT,
    BadRequest,
    check_node_types,
    check_range,
)
from queries.projection import projection
from queries.results import Intermediaries, Intermediary

WORK_CAP = 1_000_000
"""Default bound on the neighbour entries an intermediaries search scans before it stops."""


class _CapReached(Exception):
    """The search has scanned as many neighbour entries as allowed."""


def intermediaries(
    store: Store,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    types: Sequence[str] | None = None,
    limit: int = 10,
    evidence: int = 3,
    work_cap: int = WORK_CAP,
    as_of: str | None = None,
) -> Intermediaries:
    """The nodes on the simple paths between ``source`` and ``target``, ranked.

    Parameters
    ----------
    store : Store
        The graph store.
    source, target : str
        Node ids.
    max_hops : int, default 4
        Longest path counted, in relationships, 0 to 8.
    types : sequence of str, optional
        Node types (``"Broker"`` or ``"BROKER"``) an intermediary must have; paths still run
        through nodes of every type. All types when omitted.
    limit : int, default 10
        Most intermediaries returned, 0 to 5000.
    evidence : int, default 3
        Paths kept per intermediary as evidence (shortest first, then in id order), 0 to 50.
    work_cap : int, default WORK_CAP
        Most neighbour entries scanned before the search stops (``truncated`` is then true).

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    Intermediaries
        ``items`` ordered by ``path_count`` descending, then ``shortest_hops``, then id;
        ``paths_examined`` the number of paths counted; ``truncated`` whether the cap stopped it.

    Raises
    ------
    NotFound
        When ``source`` or ``target`` is not in the graph.
    BadRequest
        When a bound is out of range or a type is unknown.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = intermediaries(store, "lab-a", "ent-b", max_hops=4)
    >>> [(i.node, i.path_count, i.shortest_hops) for i in found.items]
    [('ach-battery', 2, 3), ('broker-east', 1, 3), ('demand-b', 1, 3)]
    >>> found.paths_examined, found.truncated
    (2, False)
    >>> brokers = intermediaries(store, "lab-a", "ent-b", types=["BROKER"])
    >>> [r.type for r in brokers.items[0].paths[0].relationships]
    ['DEVELOPED', 'BROKERED', 'SERVES']
    >>> store.close()
    """
    check_range("max_hops", max_hops, maximum=MAX_HOPS)
    check_range("limit", limit, maximum=MAX_LIMIT)
    check_range("evidence", evidence, maximum=MAX_EVIDENCE)
    if isinstance(work_cap, bool) or not isinstance(work_cap, int) or work_cap < 1:
        raise BadRequest(f"work_cap must be a positive integer, got {work_cap!r}")
    wanted = check_node_types(types)
    graph = projection(store, as_of=as_of)
    s, t = graph.node_index(source), graph.node_index(target)
    if s == t:
        return Intermediaries([], False, 0)
    counted = graph.node_mask(types=wanted).tolist() if wanted is not None else None
    search = _PathSearch(graph.adjacency, s, t, max_hops, counted, evidence, work_cap)
    truncated = search.run()
    ranked = sorted(search.count, key=lambda x: (-search.count[x], search.shortest[x], x))[:limit]
    routes = [route for x in ranked for route in search.evidence[x]]
    paths = iter(graph.paths(routes))
    items = [
        Intermediary(
            graph.ids[x],
            search.count[x],
            search.shortest[x],
            [next(paths) for _ in search.evidence[x]],
        )
        for x in ranked
    ]
    return Intermediaries(items, truncated, search.paths)


class _PathSearch:
    """Counts, per node, the simple source-target paths through it, length by length."""

    def __init__(
        self,
        adjacency: Sequence[list[int]],
        source: int,
        target: int,
        max_hops: int,
        counted: list[bool] | None,
        evidence: int,
        work_cap: int,
    ):
        self.adjacency = adjacency
        self.source, self.target = source, target
        self.max_hops = max_hops
        self.counted = counted
        self.evidence_size = evidence
        self.budget = work_cap
        self.next_check = work_cap - deadline.EVERY
        self.count: dict[int, int] = {}
        self.shortest: dict[int, int] = {}
        self.evidence: dict[int, list[list[int]]] = {}
        self.paths = 0
        self.distance = self._distances_to_target()
        self.near_target = set(adjacency[target])

    def _distances_to_target(self) -> dict[int, int]:
        """Hops from each node to the target avoiding the source, up to ``max_hops - 1``."""
        distance = {self.target: 0}
        frontier = [self.target]
        for depth in range(1, self.max_hops):
            deadline.check()
            grown = []
            for u in frontier:
                for w in self.adjacency[u]:
                    if w not in distance and w != self.source:
                        distance[w] = depth
                        grown.append(w)
            frontier = grown
        return distance

    def run(self) -> bool:
        """Enumerate every length up to ``max_hops``; True when the work cap stopped it."""
        try:
            for length in range(1, self.max_hops + 1):
                self._extend([self.source], {self.source}, length)
        except _CapReached:
            return True
        return False

    def _spend(self, work: int) -> None:
        self.budget -= work
        if self.budget < 0:
            raise _CapReached
        if self.budget < self.next_check:
            self.next_check = self.budget - deadline.EVERY
            deadline.check()

    def _extend(self, route: list[int], on_route: set[int], length: int) -> None:
        u = route[-1]
        remaining = length - len(route) + 1
        if remaining == 1:
            self._spend(1)
            if u in self.near_target:
                self._record([*route, self.target])
            return
        row = self.adjacency[u]
        self._spend(len(row))
        if remaining == 2:
            near = self.near_target
            for w in [w for w in row if w in near]:
                if w not in on_route and w != self.target:
                    self._record([*route, w, self.target])
            return
        distance = self.distance
        limit = remaining - 1
        for w in row:
            if distance.get(w, limit + 1) <= limit and w not in on_route and w != self.target:
                route.append(w)
                on_route.add(w)
                self._extend(route, on_route, length)
                on_route.discard(w)
                route.pop()

    def _record(self, route: list[int]) -> None:
        self.paths += 1
        hops = len(route) - 1
        for x in route[1:-1]:
            if self.counted is not None and not self.counted[x]:
                continue
            if x in self.count:
                self.count[x] += 1
            else:
                self.count[x] = 1
                self.shortest[x] = hops
                self.evidence[x] = []
            if len(self.evidence[x]) < self.evidence_size:
                self.evidence[x].append(route)
