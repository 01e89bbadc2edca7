"""Unsolved demands and the achievements a broker could bring to them.

A demand is **unsolved** when no SOLVES relationship touches it. Its **field** is matched with
achievements' fields case-insensitively (surrounding spaces ignored). Its **candidates** are the
achievements of its field that are

- within ``max_hops`` relationships of it on U, transferred or not (distance 2 is one step from
  the enterprise that posted it: the poster developed it or received it; distance 3 one step
  further: a collaborator's achievement, one brokered by the poster's broker, ...), or
- not yet transferred, at any distance (still on offer: no TRANSFERRED_TO relationship and a
  status other than transferred, licensed, equity or spun_off),

ranked by distance (unreachable last), then not yet transferred first, then id. Each carries its
distance and one shortest path on U from the demand (its relationships say how they connect).
Demands are ranked by the distance of their nearest candidate (none last), then id: the ones a
broker can act on first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from graphsvc.model import NODE_TYPE_BY_NAME
from graphsvc.stores.contract import Store
from queries.errors import MAX_HOPS, MAX_LIMIT, BadRequest, check_range
from queries.projection import BoolArray, Projection, projection
from queries.reach import adjacency_matrix
from queries.results import Path
from queries.timeline import day_text

TRANSFERRED_STATUSES: Final = ("transferred", "licensed", "equity", "spun_off")
"""Achievement statuses that mean it has been transferred."""
DEMAND_STATUSES: Final = next(
    p.choices for p in NODE_TYPE_BY_NAME["Demand"].properties if p.name == "status"
)
"""The statuses a demand may have."""
MAX_CANDIDATES: Final = 50
"""Most candidates listed per demand."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An achievement of the demand's field: its ``distance`` from the demand on U (None when
    unreachable), whether it was ``transferred`` and one shortest ``path`` from the demand."""

    achievement: str
    distance: int | None
    transferred: bool
    path: Path | None


@dataclass(frozen=True, slots=True)
class UnsolvedDemand:
    """A demand with no solver: its field and status (a demand without status is open), who
    posted it (RAISED), the distance of its nearest candidate, and its candidates."""

    demand: str
    field: str | None
    status: str
    posters: list[str]
    nearest: int | None
    candidates: list[Candidate]


@dataclass(frozen=True, slots=True)
class UnsolvedDemands:
    """``total`` unsolved demands match; ``items`` the first ``limit`` of them in rank order."""

    total: int
    max_hops: int
    items: list[UnsolvedDemand]


def _key(field: str | None) -> str:
    return (field or "").strip().casefold()


def unsolved_demands(
    store: Store,
    *,
    field: str | None = None,
    statuses: Sequence[str] | None = ("open", "matched"),
    max_hops: int = 3,
    candidates: int = 5,
    limit: int = 20,
    as_of: str | None = None,
) -> UnsolvedDemands:
    """Demands (in ``field``) with no solver yet, and the achievements a broker could bring.

    Parameters
    ----------
    store : Store
        The graph store.
    field : str, optional
        A case-insensitive part of the demands' field (``"battery"``); every field when omitted.
    statuses : sequence of str or None, default ("open", "matched")
        Demand statuses asked about (a demand without status counts as open); any when None.
    max_hops : int, default 3
        Farthest (in relationships, 0 to 8) an already transferred achievement is still listed.
    candidates : int, default 5
        Most candidates per demand, 0 to 50.
    limit : int, default 20
        Most demands listed, 0 to 5000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    UnsolvedDemands
        Demands by their nearest candidate's distance (none last), then id.

    Raises
    ------
    BadRequest
        For an unknown status or a bound out of range.

    Examples
    --------
    The example's only demand is solved; a second demand in energy, posted by lab A, is not:

    >>> from graphsvc.stores.contract import Node, Relationship
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> unsolved_demands(store).total
    0
    >>> _ = store.refresh(
    ...     "platform",
    ...     [Node("demand-a", "Demand", "Anode coating", {"field": "Energy", "status": "open"})],
    ...     [Relationship("r10", "RAISED", "lab-a", "demand-a")],
    ... )
    >>> found = unsolved_demands(store, field="energ")
    >>> demand = found.items[0]
    >>> demand.demand, demand.posters, demand.nearest
    ('demand-a', ['lab-a'], 2)
    >>> candidate = demand.candidates[0]
    >>> candidate.achievement, candidate.distance, candidate.path.nodes
    ('ach-battery', 2, ['demand-a', 'lab-a', 'ach-battery'])
    >>> [r.type for r in candidate.path.relationships]
    ['RAISED', 'DEVELOPED']
    >>> store.close()
    """
    check_range("max_hops", max_hops, maximum=MAX_HOPS)
    check_range("candidates", candidates, maximum=MAX_CANDIDATES)
    check_range("limit", limit, maximum=MAX_LIMIT)
    if statuses is not None:
        unknown = [s for s in statuses if s not in DEMAND_STATUSES]
        if unknown:
            raise BadRequest(
                f"unknown demand status {unknown[0]!r}; known: {', '.join(DEMAND_STATUSES)}"
            )
    graph = projection(store, as_of=as_of)
    solved = projection(store, ["SOLVES"], as_of).degree > 0
    unsolved = graph.node_mask(types=["Demand"]) & ~solved
    part = None if field is None else field.casefold()
    asked = [
        i
        for i in np.flatnonzero(unsolved).tolist()
        if (statuses is None or (graph.statuses[i] or "open") in statuses)
        and (part is None or part in (graph.fields[i] or "").casefold())
    ]
    nearest = graph.memo(
        ("nearest candidate", max_hops), lambda: _nearest(store, graph, unsolved, max_hops)
    )
    asked.sort(key=lambda i: (nearest[i], i))
    shown = asked[:limit]
    found = _candidates(store, graph, shown, max_hops, candidates)
    posters = projection(store, ["RAISED"], as_of).adjacency
    return UnsolvedDemands(
        len(asked),
        max_hops,
        [
            UnsolvedDemand(
                graph.ids[i],
                graph.fields[i],
                graph.statuses[i] or "open",
                [graph.ids[p] for p in posters[i]],
                None if np.isinf(nearest[i]) else int(nearest[i]),
                found[i],
            )
            for i in shown
        ],
    )


def _transferred(store: Store, graph: Projection) -> BoolArray:
    statuses = graph.statuses
    by_status = np.fromiter(
        (s in TRANSFERRED_STATUSES for s in statuses), dtype=bool, count=len(statuses)
    )
    as_of = None if graph.as_of is None else day_text(graph.as_of)
    return by_status | (projection(store, ["TRANSFERRED_TO"], as_of).degree > 0)


def _achievements_by_field(store: Store, graph: Projection) -> dict[str, list[int]]:
    fields = graph.fields
    by_field: dict[str, list[int]] = {}
    for i in np.flatnonzero(graph.node_mask(types=["Achievement"])).tolist():
        by_field.setdefault(_key(fields[i]), []).append(i)
    return by_field


def _nearest(store: Store, graph: Projection, unsolved: BoolArray, max_hops: int) -> np.ndarray:
    """Per node, the distance of an unsolved demand's nearest candidate (inf for none, and for
    every other node): per field, one multi-source search from the field's achievements within
    ``max_hops`` and one from its achievements not yet transferred."""
    from scipy.sparse.csgraph import dijkstra

    fields = graph.fields
    transferred = _transferred(store, graph)
    by_field = _achievements_by_field(store, graph)
    adjacency = adjacency_matrix(graph)
    nearest = np.full(graph.number_of_nodes(), np.inf)
    demands_by_field: dict[str, list[int]] = {}
    for i in np.flatnonzero(unsolved).tolist():
        demands_by_field.setdefault(_key(fields[i]), []).append(i)
    for key, demands in demands_by_field.items():
        sources = np.asarray(by_field.get(key, []), dtype=np.int64)
        if not len(sources):
            continue
        close = dijkstra(
            adjacency,
            directed=True,
            indices=sources,
            unweighted=True,
            limit=max_hops + 0.5,
            min_only=True,
        )
        best = np.where(close <= max_hops, close, np.inf)
        on_offer = sources[~transferred[sources]]
        if len(on_offer):
            best = np.minimum(
                best,
                dijkstra(
                    adjacency, directed=True, indices=on_offer, unweighted=True, min_only=True
                ),
            )
        nearest[demands] = best[demands]
    return nearest


def _candidates(
    store: Store,
    graph: Projection,
    demands: list[int],
    max_hops: int,
    most: int,
) -> dict[int, list[Candidate]]:
    from scipy.sparse.csgraph import dijkstra

    transferred = _transferred(store, graph)
    by_field = _achievements_by_field(store, graph)
    adjacency = adjacency_matrix(graph)
    picked: dict[int, list[tuple[int, float]]] = {}
    routes: list[list[int]] = []
    for start in range(0, len(demands), 16):
        chunk = demands[start : start + 16]
        distance, predecessor = dijkstra(
            adjacency, directed=True, indices=chunk, unweighted=True, return_predecessors=True
        )
        for row, demand in enumerate(chunk):
            pool = np.asarray(by_field.get(_key(graph.fields[demand]), []), dtype=np.int64)
            far = distance[row, pool]
            keep = (far <= max_hops) | ~transferred[pool]
            pool, far = pool[keep], far[keep]
            order = np.lexsort((pool, transferred[pool], far))[:most]
            picked[demand] = list(zip(pool[order].tolist(), far[order].tolist(), strict=True))
            for achievement, d in picked[demand]:
                if np.isfinite(d):
                    route = [achievement]
                    while route[-1] != demand:
                        route.append(int(predecessor[row, route[-1]]))
                    routes.append(route[::-1])
    paths = {(p.nodes[0], p.nodes[-1]): p for p in graph.paths(routes)}
    return {
        demand: [
            Candidate(
                graph.ids[a],
                int(d) if np.isfinite(d) else None,
                bool(transferred[a]),
                paths.get((graph.ids[demand], graph.ids[a])),
            )
            for a, d in found
        ]
        for demand, found in picked.items()
    }
