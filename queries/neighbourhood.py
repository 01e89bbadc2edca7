"""The ego network of one actor: the nodes within a few steps and the relationships among them."""

from __future__ import annotations

from collections.abc import Sequence

from graphsvc.stores.contract import Store
from queries import deadline
from queries.errors import MAX_DEPTH, MAX_LIMIT, check_node_types, check_range
from queries.projection import projection
from queries.results import Subgraph
from queries.timeline import check_as_of, relation_day


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
    check_range("depth", depth, maximum=MAX_DEPTH)
    check_range("limit", limit, minimum=1, maximum=MAX_LIMIT)
    wanted = check_node_types(types)
    day = check_as_of(as_of)
    graph = projection(store, rel_types, as_of)
    centre = graph.node_index(id)
    allowed = graph.node_mask(types=wanted).tolist() if wanted is not None else None
    order = [centre]
    seen = {centre}
    frontier = [centre]
    truncated = False
    for _ in range(depth):
        deadline.check()
        ring = sorted(
            {
                w
                for u in frontier
                for w in graph.adjacency[u]
                if w not in seen and (allowed is None or allowed[w])
            }
        )
        if len(order) + len(ring) > limit:
            order.extend(ring[: limit - len(order)])
            truncated = True
            break
        order.extend(ring)
        seen.update(ring)
        frontier = ring
    ids = [graph.ids[i] for i in order]
    relationships = [
        r
        for r in store.relationships_among(ids, rel_types=rel_types)
        if day is None or relation_day(r.properties) <= day
    ]
    return Subgraph(ids, relationships, truncated)
