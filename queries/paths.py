"""Routes between two nodes: one shortest path (hop count or weighted) and the k shortest.

Meanings are those of API_CONTRACT.md: paths run over relationships in either direction on U
(restricted to ``rel_types`` when given); ``via`` restricts the *intermediate* nodes to some node
types; ``max_hops`` bounds the number of relationships. Hop-count paths come from a bidirectional
breadth-first search (as networkx ``bidirectional_shortest_path``); weighted paths, where a
relationship costs ``1 / weight`` and a pair costs its cheapest relationship, from a Dijkstra
search over (node, hops) labels so that the cheapest path *of at most max_hops relationships* is
found even when a cheaper, longer one exists (without ``via``, igraph's Dijkstra answers first and
the label search runs only when its path is longer than ``max_hops``). ``k_shortest_paths`` lists
paths as networkx ``shortest_simple_paths`` (Yen's algorithm) lists them, on the networkx form
of U (measured faster than igraph's ``get_k_shortest_paths`` at the median on 100k nodes).
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Sequence
from typing import Any, TypeGuard

from graphsvc.stores.contract import PathPushdown, Relationship, Store
from queries import _route, deadline
from queries.errors import (
    MAX_HOPS,
    MAX_K,
    NotFound,
    check_node_types,
    check_range,
    check_relation_types,
)
from queries.projection import BoolArray, IntArray, Projection, projection
from queries.results import Path


def shortest_path(
    store: Store,
    source: str,
    target: str,
    *,
    max_hops: int = 6,
    via: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    weighted: bool = False,
    as_of: str | None = None,
) -> Path | None:
    """One shortest path from ``source`` to ``target`` of at most ``max_hops`` relationships.

    Parameters
    ----------
    store : Store
        The graph store.
    source, target : str
        Node ids.
    max_hops : int, default 6
        Most relationships on the path, 0 to 8.
    via : sequence of str, optional
        Node types (``"Broker"`` or ``"BROKER"``) the intermediate nodes must have; the
        endpoints may be of any type.
    rel_types : sequence of str, optional
        Relation types the path may use (``"SERVES"``); all when omitted.
    weighted : bool, default False
        Minimise the total cost, a relationship costing ``1 / weight`` (a stronger tie is
        shorter) and a pair of nodes its cheapest relationship; otherwise minimise the number
        of relationships.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    Path or None
        The path (``cost`` is its length when unweighted), a path of length 0 when ``source``
        equals ``target``, or None when no path of at most ``max_hops`` relationships exists.
        Among several shortest paths any one may be returned.

    Raises
    ------
    NotFound
        When ``source`` or ``target`` is not in the graph.
    BadRequest
        When ``max_hops`` is out of range or a type is unknown.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> path = shortest_path(store, "broker-west", "ent-b")
    >>> path.length, path.nodes[:3]
    (4, ['broker-west', 'lab-a', 'ach-battery'])
    >>> path = shortest_path(store, "lab-a", "ent-b", weighted=True)
    >>> path.nodes, path.cost
    (['lab-a', 'ach-battery', 'broker-east', 'ent-b'], 2.0)
    >>> [r.type for r in path.relationships]
    ['DEVELOPED', 'BROKERED', 'SERVES']
    >>> shortest_path(store, "lab-a", "ent-b", via=["Achievement", "Demand"]).nodes
    ['lab-a', 'ach-battery', 'demand-b', 'ent-b']
    >>> shortest_path(store, "lab-a", "ent-b", via=["Demand"]) is None  # ach-battery is not
    True
    >>> shortest_path(store, "lab-a", "ent-b", max_hops=2) is None
    True
    >>> store.close()
    """
    check_range("max_hops", max_hops, maximum=MAX_HOPS)
    via_types = check_node_types(via)
    check_relation_types(rel_types)
    if not weighted and as_of is None and _pushes_down(store):
        return _pushed_down(
            store, source, target, max_hops=max_hops, via=via_types, rel_types=rel_types
        )
    graph = projection(store, rel_types, as_of)
    s, t = graph.node_index(source), graph.node_index(target)
    allowed = _allowed(graph, via_types)
    if weighted:
        if via_types is None:
            route = _cheapest_unbounded(graph, s, t)
            if route is not None and len(route) - 1 > max_hops:
                route = cheapest_route(graph, s, t, max_hops=max_hops)
        else:
            route = cheapest_route(graph, s, t, max_hops=max_hops, allowed=allowed)
    else:
        route = hop_route(graph.indptr, graph.indices, s, t, max_hops=max_hops, allowed=allowed)
    if route is None:
        return None
    return graph.paths([route], weighted=weighted)[0]


def k_shortest_paths(
    store: Store,
    source: str,
    target: str,
    *,
    k: int = 5,
    max_hops: int = 6,
    via: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    as_of: str | None = None,
) -> list[Path]:
    """The ``k`` shortest simple paths from ``source`` to ``target``, shortest first.

    The paths networkx ``shortest_simple_paths`` lists first on U, in order of length (ties in
    any order); only paths of at most ``max_hops`` relationships count.

    Parameters
    ----------
    store : Store
        The graph store.
    source, target : str
        Node ids.
    k : int, default 5
        Most paths to return, 0 to 50.
    max_hops : int, default 6
        Most relationships on a path, 0 to 8.
    via : sequence of str, optional
        Node types the intermediate nodes must have.
    rel_types : sequence of str, optional
        Relation types the paths may use.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    list of Path
        At most ``k`` paths in order of length; empty when none exists; ``[path of length 0]``
        when ``source`` equals ``target``.

    Raises
    ------
    NotFound
        When ``source`` or ``target`` is not in the graph.
    BadRequest
        When ``k`` or ``max_hops`` is out of range or a type is unknown.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> for path in k_shortest_paths(store, "lab-a", "ent-b", k=3):
    ...     print(path.length, path.nodes)
    3 ['lab-a', 'ach-battery', 'broker-east', 'ent-b']
    3 ['lab-a', 'ach-battery', 'demand-b', 'ent-b']
    >>> store.close()
    """
    import networkx as nx

    check_range("k", k, maximum=MAX_K)
    check_range("max_hops", max_hops, maximum=MAX_HOPS)
    via_types = check_node_types(via)
    graph = projection(store, rel_types, as_of)
    s, t = graph.node_index(source), graph.node_index(target)
    if k == 0:
        return []
    if s == t:
        return [Path([source], [], 0, 0.0)]
    if (
        hop_route(
            graph.indptr,
            graph.indices,
            s,
            t,
            max_hops=max_hops,
            allowed=_allowed(graph, via_types),
        )
        is None
    ):
        return []
    u: Any = graph.networkx_u()
    if via_types is not None:
        hidden = graph.memo(("hidden", via_types), lambda: _hidden(graph, via_types))
        u = nx.restricted_view(u, hidden - {source, target}, [])
    routes: list[list[int]] = []
    for nodes in itertools.islice(nx.shortest_simple_paths(u, source, target), k):
        deadline.check()
        if len(nodes) - 1 > max_hops:
            break
        routes.append([graph.node_index(n) for n in nodes])
    return graph.paths(routes)


def hop_route(
    indptr: IntArray,
    indices: IntArray,
    source: int,
    target: int,
    *,
    max_hops: int,
    allowed: BoolArray | None = None,
) -> list[int] | None:
    """A fewest-hops route (node indices) by bidirectional breadth-first search, or None.

    The search is compiled (:mod:`queries._route`, built from ``queries/_route.c`` at install)
    and reads the arrays in place, so a projection mapped from its file is searched without a
    copy. Each step grows by one level the side whose frontier has fewer neighbour entries to
    scan (so a hub in one frontier is expanded only when the other side costs more), and the
    search stops at the first node the other side has reached; the nodes reached are marked in
    per-node arrays reused from search to search (a search clears only the marks it set), so
    its cost follows what it touches, not the graph's size. The request's deadline
    (:mod:`queries.deadline`) is looked at every level and every
    :data:`~queries.deadline.EVERY` neighbour entries.

    Parameters
    ----------
    indptr, indices : numpy.ndarray
        U in compressed sparse rows, int64: the neighbours of ``u`` are
        ``indices[indptr[u]:indptr[u + 1]]``.
    source, target : int
        Node indices.
    max_hops : int
        Most edges on the route.
    allowed : numpy.ndarray of bool, optional
        ``allowed[i]`` says whether node ``i`` may be an intermediate node (None: all may); the
        endpoints may be any nodes.

    Returns
    -------
    list of int or None
        The route's nodes, ``source`` first and ``target`` last; ``[source]`` when they are the
        same node; None when no route of at most ``max_hops`` edges exists.

    Raises
    ------
    TimeUp
        When the request's deadline passes during the search.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = np.array([0, 1, 3, 5, 6]), np.array([1, 0, 2, 1, 3, 2])  # 0-1-2-3
    >>> hop_route(indptr, indices, 0, 3, max_hops=3)
    [0, 1, 2, 3]
    >>> hop_route(indptr, indices, 0, 3, max_hops=2) is None
    True
    >>> hop_route(indptr, indices, 0, 3, max_hops=3, allowed=np.array([1, 1, 0, 1], bool)) is None
    True
    """
    return _route.hop_route(indptr, indices, source, target, max_hops, allowed, deadline.current())


def cheapest_route(
    graph: Projection,
    source: int,
    target: int,
    *,
    max_hops: int,
    allowed: BoolArray | None = None,
) -> list[int] | None:
    """The cheapest route (node indices) of at most ``max_hops`` edges on U, or None.

    Dijkstra over labels (cost, hops, node): a label is settled only when it uses fewer hops than
    every cheaper label settled at its node, so each node is settled at most ``max_hops + 1``
    times and the cheapest route within the hop bound is exact.
    """
    if source == target:
        return [source]
    costs = graph.adjacency_costs()
    adjacency = graph.adjacency
    fewest: dict[int, int] = {}
    parents: list[tuple[int, int]] = [(source, -1)]
    heap: list[tuple[float, int, int, int]] = [(0.0, 0, source, 0)]
    pops = 0
    while heap:
        pops += 1
        if not pops % deadline.EVERY:
            deadline.check()
        cost, hops, u, label = heapq.heappop(heap)
        if u == target:
            route = []
            while label >= 0:
                node, label = parents[label]
                route.append(node)
            return route[::-1]
        if fewest.get(u, max_hops + 1) <= hops:
            continue
        fewest[u] = hops
        if hops == max_hops:
            continue
        for w, step in zip(adjacency[u], costs[u], strict=True):
            if w != target and allowed is not None and not allowed[w]:
                continue
            if fewest.get(w, max_hops + 1) <= hops + 1:
                continue
            parents.append((w, label))
            heapq.heappush(heap, (cost + step, hops + 1, w, len(parents) - 1))
    return None


def _cheapest_unbounded(graph: Projection, source: int, target: int) -> list[int] | None:
    """The cheapest route with no hop bound (igraph's Dijkstra), or None when unreachable.

    When it has at most ``max_hops`` edges it is also the cheapest route within the bound."""
    if source == target:
        return [source]
    labels = graph.component_labels()
    if labels[source] != labels[target]:
        return None
    costs = graph.memo("pair costs", lambda: graph.pair_cost.tolist())
    route: list[int] = graph.igraph_u().get_shortest_path(source, target, weights=costs)
    return route or None


def _pushes_down(store: Store) -> TypeGuard[PathPushdown]:
    """Whether ``store`` answers shortest paths itself (:class:`PathPushdown`), checked once
    per store class: a protocol ``isinstance`` costs microseconds per call."""
    return _class_pushes_down(type(store))


@functools.cache
def _class_pushes_down(kind: type) -> bool:
    return issubclass(kind, PathPushdown)


def _allowed(graph: Projection, via: frozenset[str] | None) -> BoolArray | None:
    if via is None:
        return None
    return graph.memo(("allowed", via), lambda: graph.node_mask(types=via))


def _hidden(graph: Projection, via: frozenset[str]) -> frozenset[str]:
    mask = graph.node_mask(types=via)
    return frozenset(node for node, ok in zip(graph.ids, mask.tolist(), strict=True) if not ok)


def _pushed_down(
    store: PathPushdown,
    source: str,
    target: str,
    *,
    max_hops: int,
    via: frozenset[str] | None,
    rel_types: Sequence[str] | None,
) -> Path | None:
    """A hop-count shortest path answered by the store itself."""
    known = store.nodes([source, target])  # type: ignore[attr-defined]
    for node_id in (source, target):
        if node_id not in known:
            raise NotFound(node_id)
    found: list[Relationship] | None = store.shortest_path_relationships(
        source,
        target,
        max_hops=max_hops,
        via=sorted(via) if via is not None else None,  # [] allows no intermediate node
        rel_types=rel_types,
    )
    if found is None:
        return None
    nodes = [source]
    for rel in found:
        nodes.append(rel.target if rel.source == nodes[-1] else rel.source)
    return Path(nodes, found, len(found), float(len(found)))
