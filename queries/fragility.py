"""Single points of failure: the actors and ties whose loss would split the network.

On U, an **articulation point** is a node whose removal splits its connected component, a
**bridge** an edge (a pair of nodes, whatever relationships join them) whose removal does. For
each one this module says what would be **cut off**: the component falls apart into pieces; the
largest piece stays, the others are cut off from it; ``Separation`` counts the nodes cut off, the
pieces, and their node types and countries. Ranked by the number of nodes cut off (then by id),
the first entries are the places where one closure would isolate the most actors.

Ties, so that the answer is one: when pieces tie for largest, the piece holding the component's
smallest id is cut off if another ties with it, and of the others the one holding the node's
smallest neighbour stays; a bridge with equal sides cuts off the side without the component's
smallest id.

igraph finds the biconnected components (blocks) and articulation points of U, once per data
version; a bridge is a block of two nodes. The block-cut forest (a tree per component: blocks and
articulation points, joined where a block holds the point), rooted at the component's smallest
node, gives every piece's size as a subtree sum and its nodes as one slice of a preorder layout.
:func:`removal_impact` answers the what-if for one node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, check_node_types, check_range
from queries.projection import IntArray, Projection, projection
from queries.results import Bridge, CutPoint, Fragility, Separation


@dataclass(frozen=True, slots=True)
class BlockCut:
    """The block-cut forest of U and what each articulation point and bridge would separate.

    Tree nodes ``0 .. len(blocks) - 1`` are the blocks, the next ones the articulation points
    (ascending); each tree is rooted at the tree node holding its component's smallest node.

    Attributes
    ----------
    blocks : list of list of int
        The nodes of each block (biconnected component of at least two nodes).
    cut_node : numpy.ndarray
        Per node, its tree node if it is an articulation point, -1 otherwise.
    owner : numpy.ndarray
        Per node, the tree node it is laid out under: its own when it is an articulation point,
        else its only block; -1 for a node without relationships.
    parent : numpy.ndarray
        Per tree node, its parent tree node, -1 for a root.
    below : numpy.ndarray
        Per tree node, the nodes laid out in its subtree.
    start : numpy.ndarray
        Per tree node, where its subtree begins in ``order``.
    order : numpy.ndarray
        The nodes laid out so that each subtree is ``order[start[t] : start[t] + below[t]]``.
    root : numpy.ndarray
        Per node, the root tree node of its component's tree, -1 for a node without relationships.
    component_size : numpy.ndarray
        Per node, the size of its connected component.
    cut_points : numpy.ndarray
        The articulation points, ascending.
    cut_off : numpy.ndarray
        Per articulation point (aligned with ``cut_points``), the nodes its removal cuts off.
    pieces : numpy.ndarray
        Per articulation point, the pieces its component falls into without it.
    bridges : numpy.ndarray
        The bridges as rows ``(u, v)``, ``u < v``, with their ``bridge_blocks``.
    bridge_blocks : numpy.ndarray
        The block of each bridge.
    """

    blocks: list[list[int]]
    cut_node: IntArray
    owner: IntArray
    parent: IntArray
    below: IntArray
    start: IntArray
    order: IntArray
    root: IntArray
    component_size: IntArray
    cut_points: IntArray
    cut_off: IntArray
    pieces: IntArray
    bridges: IntArray
    bridge_blocks: IntArray


def fragility(
    store: Store,
    *,
    types: Sequence[str] | None = None,
    top: int = 20,
    as_of: str | None = None,
) -> Fragility:
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

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
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
    graph = projection(store, as_of=as_of)
    forest = block_cut(graph)
    mask = graph.node_mask(types=wanted)

    keep = mask[forest.cut_points]
    points, cut_off = forest.cut_points[keep], forest.cut_off[keep]
    ranked = np.lexsort((points, -cut_off))[:top]
    cut_points = [
        CutPoint(
            graph.ids[v],
            int(forest.component_size[v]),
            _describe(graph, _cut_members(graph, forest, v), _pieces_cut_off(forest, v)),
        )
        for v in points[ranked].tolist()
    ]

    ends, blocks = forest.bridges, forest.bridge_blocks
    keep = mask[ends[:, 0]] | mask[ends[:, 1]]
    ends, blocks = ends[keep], blocks[keep]
    small = np.array([min(_sides(forest, b)) for b in blocks.tolist()], dtype=np.int64)
    ranked = np.lexsort((ends[:, 1], ends[:, 0], -small))[:top]
    bridges = []
    for (a, b), block in zip(ends[ranked].tolist(), blocks[ranked].tolist(), strict=True):
        pair = (graph.ids[a], graph.ids[b])
        joining = sorted(
            r.id for r in store.relationships_of([pair[0]]) if {r.source, r.target} == set(pair)
        )
        bridges.append(
            Bridge(
                pair,
                joining,
                int(forest.component_size[a]),
                _describe(graph, _bridge_members(forest, block), 1),
            )
        )
    return Fragility(cut_points, bridges)


def removal_impact(store: Store, id: str, as_of: str | None = None) -> tuple[Separation, list[str]]:
    """What removing the node ``id`` would cut off, and the ids cut off (sorted).

    Parameters
    ----------
    store : Store
        The graph store.
    id : str
        The node to remove.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
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
    graph = projection(store, as_of=as_of)
    v = graph.node_index(id)
    forest = block_cut(graph)
    members = _cut_members(graph, forest, v)
    return _describe(graph, members, _pieces_cut_off(forest, v)), sorted(
        graph.ids[i] for i in members.tolist()
    )


def block_cut(graph: Projection) -> BlockCut:
    """The block-cut forest of U behind :func:`fragility`, once per data version."""
    return graph.memo("block cut", lambda: _block_cut(graph))


def _block_cut(graph: Projection) -> BlockCut:
    n = graph.number_of_nodes()
    cover, points = graph.igraph_u().biconnected_components(return_articulation_points=True)
    blocks = [list(block) for block in cover]
    cut_points = np.asarray(sorted(points), dtype=np.int64)
    n_blocks = len(blocks)
    size = n_blocks + len(cut_points)
    cut_node = np.full(n, -1, dtype=np.int64)
    cut_node[cut_points] = n_blocks + np.arange(len(cut_points), dtype=np.int64)

    lengths = np.fromiter((len(b) for b in blocks), dtype=np.int64, count=n_blocks)
    members = np.fromiter((v for b in blocks for v in b), dtype=np.int64, count=int(lengths.sum()))
    block_of = np.repeat(np.arange(n_blocks, dtype=np.int64), lengths)
    at_cut = cut_node[members] >= 0
    owner = np.full(n, -1, dtype=np.int64)
    owner[members[~at_cut]] = block_of[~at_cut]
    owner[cut_points] = cut_node[cut_points]
    weight = np.ones(size, dtype=np.int64)
    weight[:n_blocks] = np.bincount(block_of[~at_cut], minlength=n_blocks)

    # the forest, each tree rooted at the tree node holding its component's smallest node
    labels = graph.component_labels()
    component_size = np.bincount(labels, minlength=int(labels.max()) + 1 if n else 0)[labels]
    smallest = np.unique(labels, return_index=True)[1]
    roots = owner[smallest]
    root = np.full(n, -1, dtype=np.int64)
    root[owner >= 0] = roots[labels[owner >= 0]]
    neighbours: list[list[int]] = [[] for _ in range(size)]
    for b, t in zip(block_of[at_cut].tolist(), cut_node[members[at_cut]].tolist(), strict=True):
        neighbours[b].append(t)
        neighbours[t].append(b)
    parent = [-1] * size
    rank = [0] * size
    preorder: list[int] = []
    stack = roots[roots >= 0].tolist()[::-1]
    while stack:  # depth first, so that every subtree is one slice of the preorder
        t = stack.pop()
        rank[t] = len(preorder)
        preorder.append(t)
        for c in neighbours[t]:
            if c != parent[t]:
                parent[c] = t
                stack.append(c)
    below = weight.tolist()
    for t in reversed(preorder):
        if parent[t] >= 0:
            below[parent[t]] += below[t]
    rank_array = np.asarray(rank, dtype=np.int64)
    laid_out = owner >= 0
    key = np.full(n, size, dtype=np.int64)  # nodes without relationships last
    key[laid_out] = rank_array[owner[laid_out]]
    order = np.argsort(key, kind="stable")
    by_rank = np.zeros(size, dtype=np.int64)
    by_rank[rank_array] = weight
    start = (np.cumsum(by_rank) - by_rank)[rank_array]
    parent_array = np.asarray(parent, dtype=np.int64)
    below_array = np.asarray(below, dtype=np.int64)

    # pieces without each articulation point: its child blocks, and the rest of its component
    tree_of_points = cut_node[cut_points]
    has_parent = parent_array[tree_of_points] >= 0
    rest = np.where(has_parent, component_size[cut_points] - below_array[tree_of_points], 0)
    child_blocks = np.flatnonzero(parent_array[:n_blocks] >= 0)
    at_point = parent_array[child_blocks] - n_blocks
    largest_child = np.zeros(len(cut_points), dtype=np.int64)
    np.maximum.at(largest_child, at_point, below_array[child_blocks])
    pieces = np.bincount(at_point, minlength=len(cut_points)) + has_parent
    cut_off = component_size[cut_points] - 1 - np.maximum(largest_child, rest)

    bridge_blocks = np.flatnonzero(lengths == 2)
    pairs = members[np.repeat(lengths == 2, lengths)].reshape(-1, 2)
    return BlockCut(
        blocks,
        cut_node,
        owner,
        parent_array,
        below_array,
        start,
        order.astype(np.int64),
        root,
        component_size.astype(np.int64),
        cut_points,
        cut_off.astype(np.int64),
        pieces.astype(np.int64),
        np.sort(pairs, axis=1).reshape(-1, 2),
        bridge_blocks.astype(np.int64),
    )


def _subtree(forest: BlockCut, t: int) -> IntArray:
    start = int(forest.start[t])
    return forest.order[start : start + int(forest.below[t])]


def _outside(forest: BlockCut, t: int) -> IntArray:
    """The nodes of the component of tree node ``t`` outside ``t``'s subtree."""
    top = int(forest.root[forest.order[forest.start[t]]])
    first, last = int(forest.start[top]), int(forest.start[top] + forest.below[top])
    start, end = int(forest.start[t]), int(forest.start[t] + forest.below[t])
    return np.concatenate((forest.order[first:start], forest.order[end:last]))


def _pieces_cut_off(forest: BlockCut, v: int) -> int:
    t = int(forest.cut_node[v])
    if t < 0:
        return 0
    return int(forest.pieces[t - len(forest.blocks)]) - 1


def _cut_members(graph: Projection, forest: BlockCut, v: int) -> IntArray:
    """The nodes cut off by removing ``v``: every piece but the largest (ties as the module
    says: child pieces in the order of ``v``'s smallest neighbour in each, the rest last)."""
    t = int(forest.cut_node[v])
    if t < 0:
        return np.zeros(0, dtype=np.int64)
    neighbours = graph.indices[graph.indptr[v] : graph.indptr[v + 1]]
    in_block = np.where(
        forest.cut_node[neighbours] >= 0,
        forest.parent[np.maximum(forest.cut_node[neighbours], 0)],
        forest.owner[neighbours],
    )
    children = list(dict.fromkeys(b for b in in_block.tolist() if b >= 0 and forest.parent[b] == t))
    sizes = [int(forest.below[b]) for b in children]
    if forest.parent[t] >= 0:
        sizes.append(int(forest.component_size[v] - forest.below[t]))
    largest = sizes.index(max(sizes))
    parts = [_subtree(forest, b) for k, b in enumerate(children) if k != largest]
    if forest.parent[t] >= 0 and largest != len(children):
        parts.append(_outside(forest, t))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _sides(forest: BlockCut, block: int) -> tuple[int, int]:
    """The nodes on the side of a bridge away from its component's smallest node, and on the
    side holding it."""
    if forest.parent[block] < 0:  # the smallest node is in the block, alone on its side
        return int(forest.below[block]) - 1, 1
    away = int(forest.below[block])
    return away, int(forest.component_size[forest.blocks[block][0]]) - away


def _bridge_members(forest: BlockCut, block: int) -> IntArray:
    """The side of a bridge it cuts off: the smaller, on a tie the one away from the
    component's smallest node."""
    away, near = _sides(forest, block)
    if forest.parent[block] < 0:
        whole = _subtree(forest, block)
        smallest = int(whole.min())
        return whole[whole != smallest] if away <= near else np.array([smallest])
    return _subtree(forest, block) if away <= near else _outside(forest, block)


def _describe(graph: Projection, members: npt.NDArray[np.int64], pieces: int) -> Separation:
    return Separation(
        len(members),
        pieces if len(members) else 0,
        dict(sorted(graph.type_counts(members).items())),
        graph.country_counts(members),
    )
