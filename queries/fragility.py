"""Single points of failure: the actors and ties whose loss would split the network.

On U, an **articulation point** is a node whose removal splits its connected component, a
**bridge** an edge (a pair of nodes, whatever relationships join them) whose removal does. For
each one this module says what would be **cut off**: the component falls apart into pieces; the
largest piece stays, the others are cut off from it; ``Separation`` counts the nodes cut off, the
pieces, and their node types and countries. Ranked by the number of nodes cut off (then by id),
the first entries are the places where one closure would isolate the most actors.

All of them are found in one depth-first search (Hopcroft-Tarjan low points; subtree sizes give
the pieces), once per data version; :func:`removal_impact` answers the what-if for one node.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, check_node_types, check_range
from queries.projection import IntArray, Projection, projection
from queries.results import Bridge, CutPoint, Fragility, Separation


@dataclass(frozen=True, slots=True)
class DepthFirst:
    """A depth-first forest of U: preorder, subtree sizes, parents, components, and the
    articulation points and bridges with the sizes of the pieces each would leave."""

    order: IntArray
    position: IntArray
    subtree: IntArray
    parent: IntArray
    component: IntArray
    component_size: IntArray
    cut_children: dict[int, list[int]]
    bridges: list[tuple[int, int]]


def fragility(store: Store, *, types: Sequence[str] | None = None, top: int = 20) -> Fragility:
    """The articulation points and bridges of U that cut off the most nodes.

    Parameters
    ----------
    store : Store
        The graph store.
    types : sequence of str, optional
        Node types of the articulation points to return (``"Broker"``: which brokers are single
        points of failure); bridges are returned when one of their ends has such a type.
    top : int, default 20
        Most articulation points and most bridges returned, 0 to 1000.

    Returns
    -------
    Fragility
        ``cut_points`` and ``bridges``, each by nodes cut off descending, then id.

    Raises
    ------
    BadRequest
        For an unknown type or ``top`` out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> for point in fragility(store).cut_points:
    ...     print(point.node, point.separation.size, point.separation.types)
    ach-battery 4 {'Broker': 1, 'Institution': 2, 'OverseasChannel': 1}
    lab-a 3 {'Broker': 1, 'Institution': 1, 'OverseasChannel': 1}
    broker-west 1 {'OverseasChannel': 1}
    ent-b 1 {'Investor': 1}
    >>> bridge = fragility(store).bridges[0]
    >>> bridge.nodes, bridge.relationships, bridge.separation.countries
    (('ach-battery', 'lab-a'), ['r1'], {'CN': 2, 'DE': 2})
    >>> store.close()
    """
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    graph = projection(store)
    search = depth_first(graph)
    mask = graph.node_mask(types=wanted).tolist()

    points = [(_pieces_without(search, v), v) for v in search.cut_children if mask[v]]
    points.sort(key=lambda item: (-_cut_size(item[0]), item[1]))
    cut_points = [
        CutPoint(graph.ids[v], int(search.component_size[v]), _separation(graph, search, v, pieces))
        for pieces, v in points[:top]
    ]
    edges = []
    for parent, child in search.bridges:
        if not (mask[parent] or mask[child]):
            continue
        below = int(search.subtree[child])
        above = int(search.component_size[child]) - below
        edges.append(
            (min(below, above), tuple(sorted((graph.ids[parent], graph.ids[child]))), parent, child)
        )
    edges.sort(key=lambda item: (-item[0], item[1]))
    bridges = []
    for _, ends, _parent, child in edges[:top]:
        below = int(search.subtree[child])
        above = int(search.component_size[child]) - below
        members = _subtree(search, child) if below <= above else _rest(search, child)
        joining = sorted(
            r.id for r in store.relationships_of([ends[0]]) if {r.source, r.target} == set(ends)
        )
        bridges.append(
            Bridge(
                (ends[0], ends[1]),
                joining,
                int(search.component_size[child]),
                _describe(graph, members, 1),
            )
        )
    return Fragility(cut_points, bridges)


def removal_impact(store: Store, id: str) -> tuple[Separation, list[str]]:
    """What removing the node ``id`` would cut off, and the ids cut off (sorted).

    Parameters
    ----------
    store : Store
        The graph store.
    id : str
        The node to remove.

    Returns
    -------
    (Separation, list of str)
        Nothing is cut off (size 0) when ``id`` is not an articulation point.

    Raises
    ------
    NotFound
        When ``id`` is not in the graph.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> separation, lost = removal_impact(store, "broker-west")
    >>> separation.size, lost
    (1, ['channel-de'])
    >>> store.close()
    """
    graph = projection(store)
    v = graph.node_index(id)
    search = depth_first(graph)
    pieces = _pieces_without(search, v)
    members = _cut_members(search, v, pieces)
    return _describe(graph, members, max(len(pieces) - 1, 0)), sorted(
        graph.ids[i] for i in members.tolist()
    )


def depth_first(graph: Projection) -> DepthFirst:
    """The depth-first search of U behind :func:`fragility`, once per data version."""
    return graph.memo("depth first", lambda: _search(graph))


def _search(graph: Projection) -> DepthFirst:
    n = graph.number_of_nodes()
    adjacency = graph.adjacency
    position = [-1] * n
    low = [0] * n
    parent = [-1] * n
    subtree = [1] * n
    component = [-1] * n
    order: list[int] = []
    cut_children: dict[int, list[int]] = {}
    bridges: list[tuple[int, int]] = []
    sizes: list[int] = []
    for root in range(n):
        if position[root] >= 0:
            continue
        label = len(sizes)
        start = len(order)
        position[root] = low[root] = len(order)
        order.append(root)
        component[root] = label
        stack = [(root, iter(adjacency[root]))]
        while stack:
            u, neighbours = stack[-1]
            for w in neighbours:
                if position[w] < 0:
                    parent[w] = u
                    component[w] = label
                    position[w] = low[w] = len(order)
                    order.append(w)
                    stack.append((w, iter(adjacency[w])))
                    break
                if w != parent[u]:
                    low[u] = min(low[u], position[w])
            else:
                stack.pop()
                p = parent[u]
                if p >= 0:
                    subtree[p] += subtree[u]
                    low[p] = min(low[p], low[u])
                    if low[u] >= position[p]:
                        cut_children.setdefault(p, []).append(u)
                    if low[u] > position[p]:
                        bridges.append((p, u))
        sizes.append(len(order) - start)
        children = cut_children.get(root, [])
        if len(children) < 2:
            cut_children.pop(root, None)
    component_array = np.asarray(component, dtype=np.int64)
    return DepthFirst(
        np.asarray(order, dtype=np.int64),
        np.asarray(position, dtype=np.int64),
        np.asarray(subtree, dtype=np.int64),
        np.asarray(parent, dtype=np.int64),
        component_array,
        np.asarray(sizes, dtype=np.int64)[component_array] if n else component_array,
        cut_children,
        bridges,
    )


def _pieces_without(search: DepthFirst, v: int) -> list[int]:
    """Sizes of the pieces ``v``'s component falls into without ``v`` (largest first)."""
    children = search.cut_children.get(v, [])
    pieces = [int(search.subtree[c]) for c in children]
    rest = int(search.component_size[v]) - 1 - sum(pieces)
    if rest > 0:
        pieces.append(rest)
    return sorted(pieces, reverse=True)


def _cut_size(pieces: list[int]) -> int:
    return sum(pieces) - (pieces[0] if pieces else 0)


def _subtree(search: DepthFirst, child: int) -> IntArray:
    start = int(search.position[child])
    return search.order[start : start + int(search.subtree[child])]


def _component_members(search: DepthFirst, v: int) -> IntArray:
    return np.flatnonzero(search.component == search.component[v])


def _rest(search: DepthFirst, child: int) -> IntArray:
    """The component of ``child`` without ``child``'s subtree."""
    members = _component_members(search, child)
    return np.setdiff1d(members, _subtree(search, child))


def _cut_members(search: DepthFirst, v: int, pieces: list[int]) -> IntArray:
    """The nodes cut off by removing ``v``: every piece but the largest."""
    if len(pieces) < 2:
        return np.zeros(0, dtype=np.int64)
    children = search.cut_children.get(v, [])
    subtrees = [_subtree(search, c) for c in children]
    rest = np.setdiff1d(
        _component_members(search, v), np.concatenate([[v], *subtrees]).astype(np.int64)
    )
    all_pieces = [*subtrees, rest] if len(rest) else subtrees
    largest = max(range(len(all_pieces)), key=lambda k: len(all_pieces[k]))
    return np.concatenate([p for k, p in enumerate(all_pieces) if k != largest])


def _separation(graph: Projection, search: DepthFirst, v: int, pieces: list[int]) -> Separation:
    return _describe(graph, _cut_members(search, v, pieces), max(len(pieces) - 1, 0))


def _describe(graph: Projection, members: npt.NDArray[np.int64], pieces: int) -> Separation:
    nodes = members.tolist()
    types = Counter(graph.type_of(i) for i in nodes)
    countries = Counter(c for i in nodes if (c := graph.country_of(i)) is not None)
    return Separation(
        len(nodes),
        pieces if nodes else 0,
        dict(sorted(types.items())),
        dict(sorted(countries.items())),
    )
