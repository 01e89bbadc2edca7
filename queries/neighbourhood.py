"""The ego network of one actor: the nodes within a few steps and the relationships among them.

Both come from the projection (:mod:`queries.projection`): a breadth-first search over U in
arrays, one ring at a time, then the relationships whose ends are both members, from each
member's relationships in the projection; only the relationships' properties are read from the
store, and only by :func:`neighbourhood` (:func:`ball` leaves them there).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphsvc.model import RELATION_TYPE_NAMES
from graphsvc.stores.contract import Store
from queries import deadline
from queries.errors import MAX_DEPTH, MAX_LIMIT, QueryError, check_node_types, check_range
from queries.projection import (
    BoolArray,
    IntArray,
    Projection,
    projection,
    segments,
    sorted_unique,
)
from queries.results import Ball, Subgraph
from queries.timeline import check_as_of


def neighbourhood(
    store: Store,
    id: str,
    *,
    depth: int = 1,
    types: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    limit: int = 500,
    as_of: str | None = None,
) -> Subgraph:
    """The nodes within ``depth`` steps of ``id`` on U and every relationship among them.

    Breadth-first from ``id``: the node itself, then the nodes one step away in id order, then
    those two steps away in id order, and so on. With ``types``, only nodes of those types are
    entered (the search does not pass through other nodes), the centre always being kept. When
    more than ``limit`` nodes are within reach, the first ``limit`` in that order are kept and
    ``truncated`` is true.

    Parameters
    ----------
    store : Store
        The graph store.
    id : str
        The centre's node id.
    depth : int, default 1
        Steps from the centre, 0 to 3.
    types : sequence of str, optional
        Node types (``"Broker"`` or ``"BROKER"``) to include; all when omitted.
    rel_types : sequence of str, optional
        Relation types to follow and include; all when omitted.
    limit : int, default 500
        Most nodes, 1 to 5000.
    as_of : str, optional
        A date (``YYYY-MM-DD``, or a year ``YYYY`` for its 31 December): the neighbourhood in
        the graph as of that date (:mod:`queries.timeline`); today's graph when omitted.

    Returns
    -------
    Subgraph
        ``nodes`` in breadth-first order (centre first), ``relationships`` among them of
        ``rel_types``, ordered by id, and ``truncated``.

    Raises
    ------
    NotFound
        When ``id`` is not in the graph.
    BadRequest
        When ``depth`` or ``limit`` is out of range or a type is unknown.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> ego = neighbourhood(store, "lab-a")
    >>> ego.nodes
    ['lab-a', 'ach-battery', 'broker-west', 'uni-de']
    >>> [r.id for r in ego.relationships]
    ['r1', 'r4', 'r9']
    >>> neighbourhood(store, "lab-a", depth=2, limit=5).truncated
    True
    >>> neighbourhood(store, "lab-a", as_of="1990").nodes  # before its dated relations
    ['lab-a', 'uni-de']
    >>> store.close()
    """
    found = ball(store, id, depth=depth, types=types, rel_types=rel_types, limit=limit, as_of=as_of)
    rows = store.relationships(found.relationship_ids)
    missing = [i for i in found.relationship_ids if i not in rows]
    if missing:
        raise QueryError(f"relationship {missing[0]!r} went away while answering; ask again")
    return Subgraph(found.nodes, [rows[i] for i in found.relationship_ids], found.truncated)


def ball(
    store: Store,
    id: str,
    *,
    depth: int = 1,
    types: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    limit: int = 500,
    as_of: str | None = None,
) -> Ball:
    """The members of the neighbourhood of :func:`neighbourhood` (same parameters, same order)
    and the ids, types and ends of the relationships among them, from the projection alone.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> ego = ball(store, "lab-a")
    >>> ego.names
    ['East Materials Lab', 'Solid-state cathode', 'Western Market Agency', \
'Aachen Battery Institute']
    >>> ego.nodes, ego.relationship_ids, ego.relationship_types
    (['lab-a', 'ach-battery', 'broker-west', 'uni-de'], ['r1', 'r4', 'r9'], \
['DEVELOPED', 'SERVES', 'COLLABORATES_WITH'])
    >>> ego.sources, ego.targets
    (['lab-a', 'broker-west', 'lab-a'], ['ach-battery', 'lab-a', 'uni-de'])
    >>> store.close()
    """
    check_range("depth", depth, maximum=MAX_DEPTH)
    check_range("limit", limit, minimum=1, maximum=MAX_LIMIT)
    wanted = check_node_types(types)
    check_as_of(as_of)
    graph = projection(store, rel_types, as_of)
    centre = graph.node_index(id)
    allowed = graph.node_mask(types=wanted) if wanted is not None else None
    members, truncated = _breadth_first(graph, centre, depth, limit, allowed)
    among = graph.relationships_among(members)
    source, target = graph.relationship_ends
    codes = graph.relationship_type_codes[among].tolist()
    ids = graph.ids.at(members).tolist()
    # the relationships' ends are members: their ids taken from the members', not decoded again
    order = np.argsort(members)
    ends = np.concatenate((source[among], target[among]))
    at = order[np.searchsorted(members, ends, sorter=order)]
    end_ids = list(map(ids.__getitem__, at.tolist()))
    return Ball(
        ids,
        graph.names.at(members).tolist(),
        graph.relationship_ids.at(among).tolist(),
        [RELATION_TYPE_NAMES[code] for code in codes],
        end_ids[: len(among)],
        end_ids[len(among) :],
        truncated,
    )


def _breadth_first(
    graph: Projection, centre: int, depth: int, limit: int, allowed: BoolArray | None
) -> tuple[IntArray, bool]:
    """The nodes within ``depth`` steps of ``centre`` on U (entering only ``allowed`` ones), a
    ring at a time in index order, at most ``limit``; and whether more were in reach."""
    indptr, indices = graph.indptr, graph.indices
    seen = np.zeros(graph.number_of_nodes(), dtype=bool)
    seen[centre] = True
    rings = [np.array([centre], dtype=np.int64)]
    count = 1
    frontier = rings[0]
    for _ in range(depth):
        deadline.check()
        reached = indices[segments(indptr[frontier], indptr[frontier + 1])]
        reached = reached[~seen[reached]]
        if allowed is not None:
            reached = reached[allowed[reached]]
        ring = sorted_unique(reached)
        if count + len(ring) > limit:
            rings.append(ring[: limit - count])
            return np.concatenate(rings), True
        seen[ring] = True
        rings.append(ring)
        count += len(ring)
        frontier = ring
    return np.concatenate(rings), False
