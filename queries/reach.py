"""Reach: who carries the links abroad, who would lose every route to a target, who has none.

Three planner questions on U (API_CONTRACT.md: the undirected simple graph of all relationships),
each computed in a few passes over the projection's compressed rows rather than one search per
node:

- :func:`overseas_reach`: per actor, the overseas channels it partners with and those it reaches
  within ``max_hops`` relationships, with their countries. Channel sets are bitsets (one bit per
  channel, 64 channels a word) pushed along U's rows ``max_hops`` times, once per data version.
- :func:`lost_routes`: the nodes that reach a target now and none once some nodes are removed.
- :func:`unreached`: per group (district), the nodes that reach no target within ``max_hops``.

A node **reaches a target** when a path on U of at most ``max_hops`` relationships (any length
when ``max_hops`` is None) joins it to a target node *other than itself*. Who reaches a target is
found by one multi-source breadth-first search from all targets at once (scipy's Dijkstra with
unit weights, ``min_only``), or by connected components when the length is not bounded. A node
that is itself a target needs another one: it gets a search of its own, stopped at the first
other target found (only such nodes do).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from graphsvc.stores.contract import Store
from queries.errors import (
    MAX_HOPS,
    MAX_LIMIT,
    MAX_TOP,
    BadRequest,
    check_node_types,
    check_range,
)
from queries.projection import BoolArray, IntArray, Projection, projection

MAX_REACH_HOPS: Final = 3
"""Farthest (in relationships) :func:`overseas_reach` looks for channels."""
GROUPINGS: Final = ("region", "kind", "type", "country")
"""What :func:`unreached` groups by."""
_CHANNEL = "OverseasChannel"
_WORDS_AT_ONCE = 8  # bitset words pushed along U together (bounds the memory of one step)


@dataclass(frozen=True, slots=True)
class ChannelReach:
    """One actor's links abroad.

    ``direct`` counts the overseas channels it partners with (PARTNERS_WITH; on U, its channel
    neighbours), ``share`` is ``direct`` over every actor-channel link of the graph;
    ``channels`` counts the channels within ``max_hops`` relationships and ``countries`` those
    channels per country (most first, then by code).
    """

    node: str
    direct: int
    channels: int
    countries: dict[str, int]
    share: float


@dataclass(frozen=True, slots=True)
class OverseasReach:
    """The actors reaching most overseas channels, ranked by ``channels`` descending, then the
    number of countries descending, then id. ``channels`` is how many overseas channels the
    graph holds, ``links`` how many actor-channel pairs are joined (the city's links abroad)."""

    max_hops: int
    channels: int
    links: int
    items: list[ChannelReach]


@dataclass(frozen=True, slots=True)
class LostRoute:
    """A node that reached ``targets_before`` targets (itself not counted) and reaches none once
    the removed nodes are gone."""

    node: str
    targets_before: int


@dataclass(frozen=True, slots=True)
class LostRoutes:
    """What removing ``removed`` costs: of the nodes matching the "from" filters, ``reached_before``
    reached a target; ``lost`` of them reach none after the removal; ``items`` lists the first
    ``limit`` of those by id. ``targets`` counts the nodes matching the "to" filters before."""

    removed: list[str]
    max_hops: int | None
    targets: int
    reached_before: int
    lost: int
    items: list[LostRoute]


@dataclass(frozen=True, slots=True)
class UnreachedGroup:
    """One group's nodes (``group`` None for those without a value): how many, how many reach a
    target, how many do not, and the first ``limit`` of those by id."""

    group: str | None
    nodes: int
    reached: int
    unreached: int
    unreached_ids: list[str]


@dataclass(frozen=True, slots=True)
class Unreached:
    """Totals over the nodes matching the "from" filters, and per group, ranked by ``unreached``
    descending, then group (None last)."""

    max_hops: int | None
    group_by: str
    nodes: int
    reached: int
    unreached: int
    groups: list[UnreachedGroup]


@dataclass(frozen=True, slots=True)
class _ChannelBits:
    channel_nodes: IntArray  # the channels, ascending; bit k of a row is channel_nodes[k]
    bits: npt.NDArray[np.uint64]  # per node, the channels within max_hops (itself excluded)
    direct: IntArray
    channels: IntArray
    countries: IntArray
    links: int


def overseas_reach(
    store: Store,
    *,
    types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    region: str | None = None,
    country: str | None = None,
    max_hops: int = 1,
    top: int = 10,
    as_of: str | None = None,
) -> OverseasReach:
    """The actors that carry most links to overseas channels, and to which countries.

    An actor's channels are the overseas channels within ``max_hops`` relationships of it on U;
    with ``max_hops`` 1 (the default) exactly those it partners with (PARTNERS_WITH is the only
    relation that joins a channel). Every actor is scored; the filters choose which are returned.

    Parameters
    ----------
    store : Store
        The graph store.
    types : sequence of str, optional
        Node types of the actors returned; every type but OverseasChannel when omitted.
    kinds : sequence of str, optional
        ``kind`` values of the actors returned.
    region : str, optional
        Region (district or province) of the actors returned.
    country : str, optional
        ISO country code of the actors returned.
    max_hops : int, default 1
        Farthest channel counted, 1 to 3 relationships.
    top : int, default 10
        Most actors returned, 0 to 1000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    OverseasReach
        Actors by channels reached descending, then countries descending, then id; only actors
        reaching at least one channel.

    Raises
    ------
    BadRequest
        For an unknown type or ``max_hops`` or ``top`` out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = overseas_reach(store)
    >>> found.channels, found.links, [(a.node, a.direct, a.countries) for a in found.items]
    (1, 1, [('broker-west', 1, {'DE': 1})])
    >>> [(a.node, a.direct, a.channels) for a in overseas_reach(store, max_hops=2).items]
    [('broker-west', 1, 1), ('lab-a', 0, 1)]
    >>> store.close()
    """
    check_range("max_hops", max_hops, maximum=MAX_REACH_HOPS, minimum=1)
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    graph = projection(store, as_of=as_of)
    found = graph.memo(("overseas reach", max_hops), lambda: _channel_bits(graph, max_hops))
    others = (
        graph.node_mask(types=wanted) if wanted is not None else ~graph.node_mask(types=[_CHANNEL])
    )
    mask = others & graph.node_mask(kinds=kinds, country=country, region=region)
    mask &= found.channels > 0
    picked = np.flatnonzero(mask)
    order = np.lexsort((picked, -found.countries[picked], -found.channels[picked]))[:top]
    items = []
    for i in picked[order].tolist():
        reached = np.unpackbits(found.bits[i].view(np.uint8), bitorder="little")
        tally = Counter(
            graph.country_of(c) or "" for c in found.channel_nodes[np.flatnonzero(reached)].tolist()
        )
        items.append(
            ChannelReach(
                graph.ids[i],
                int(found.direct[i]),
                int(found.channels[i]),
                dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))),
                int(found.direct[i]) / found.links if found.links else 0.0,
            )
        )
    return OverseasReach(max_hops, len(found.channel_nodes), found.links, items)


def _or_of_neighbours(graph: Projection, bits: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Per node, the bitwise or of its neighbours' rows of ``bits``."""
    out = np.zeros_like(bits)
    starts = graph.indptr[:-1]
    busy = graph.indptr[1:] > starts
    if busy.any():
        out[busy] = np.bitwise_or.reduceat(bits[graph.indices], starts[busy], axis=0)
    return out


def _channel_bits(graph: Projection, max_hops: int) -> _ChannelBits:
    n = graph.number_of_nodes()
    is_channel = graph.node_mask(types=[_CHANNEL])
    channel_nodes = np.flatnonzero(is_channel)
    words = (len(channel_nodes) + 63) // 64
    own = np.zeros((n, words), dtype=np.uint64)
    k = np.arange(len(channel_nodes))
    own[channel_nodes, k // 64] = np.left_shift(np.uint64(1), (k % 64).astype(np.uint64))
    codes = sorted({graph.country_of(c) or "" for c in channel_nodes.tolist()})
    country_of_bit = np.asarray(
        [codes.index(graph.country_of(c) or "") for c in channel_nodes.tolist()], dtype=np.int64
    )
    country_masks = np.zeros((len(codes), words), dtype=np.uint64)
    np.bitwise_or.at(country_masks, (country_of_bit, k // 64), own[channel_nodes, k // 64])
    bits = np.zeros_like(own)
    in_country = np.zeros((len(codes), n), dtype=bool)
    for w in range(0, words, _WORDS_AT_ONCE):
        block = own[:, w : w + _WORDS_AT_ONCE]
        reached = block
        for _ in range(max_hops):
            reached = block | _or_of_neighbours(graph, reached)
        reached = reached & ~block
        bits[:, w : w + _WORDS_AT_ONCE] = reached
        for c, mask in enumerate(country_masks[:, w : w + _WORDS_AT_ONCE]):
            in_country[c] |= (reached & mask).any(axis=1)
    ends = is_channel[graph.pairs]
    direct = np.bincount(graph.pairs[:, 0], weights=ends[:, 1], minlength=n) + np.bincount(
        graph.pairs[:, 1], weights=ends[:, 0], minlength=n
    )
    return _ChannelBits(
        channel_nodes,
        bits,
        direct.astype(np.int64),
        np.bitwise_count(bits).sum(axis=1, dtype=np.int64),
        in_country.sum(axis=0, dtype=np.int64),
        int((ends[:, 0] ^ ends[:, 1]).sum()),
    )


def adjacency_matrix(graph: Projection, keep: BoolArray | None = None) -> Any:
    """U as a symmetric scipy CSR matrix (kept on the projection), or without the relationships
    of the nodes outside ``keep``."""
    if keep is None:
        return graph.memo("U as CSR", lambda: _adjacency(graph, graph.pairs))
    return _adjacency(graph, graph.pairs[keep[graph.pairs[:, 0]] & keep[graph.pairs[:, 1]]])


def _adjacency(graph: Projection, pairs: IntArray) -> Any:
    import scipy.sparse as sp

    n = graph.number_of_nodes()
    rows = np.concatenate((pairs[:, 0], pairs[:, 1]))
    cols = np.concatenate((pairs[:, 1], pairs[:, 0]))
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _components(graph: Projection, keep: BoolArray) -> IntArray:
    if keep.all():
        return graph.component_labels()
    from scipy.sparse.csgraph import connected_components

    labels = connected_components(adjacency_matrix(graph, keep), directed=False)[1]
    return np.asarray(labels, dtype=np.int64)


def _other_target_within(
    graph: Projection, start: int, targets: BoolArray, keep: BoolArray, max_hops: int
) -> bool:
    """Whether a target other than ``start`` lies within ``max_hops`` of it, avoiding the nodes
    outside ``keep``."""
    seen = {start}
    frontier = deque([(start, 0)])
    while frontier:
        u, depth = frontier.popleft()
        if depth == max_hops:
            continue
        for v in graph.adjacency[u]:
            if v in seen or not keep[v]:
                continue
            if targets[v]:
                return True
            seen.add(v)
            frontier.append((v, depth + 1))
    return False


def reaches(
    graph: Projection,
    targets: BoolArray,
    candidates: BoolArray,
    max_hops: int | None,
    keep: BoolArray | None = None,
) -> BoolArray:
    """The ``candidates`` that reach a target other than themselves within ``max_hops`` (any
    distance when None) on U restricted to the nodes of ``keep`` (all when None)."""
    keep = np.ones(graph.number_of_nodes(), dtype=bool) if keep is None else keep
    targets, candidates = targets & keep, candidates & keep
    if max_hops is None:
        labels = _components(graph, keep)
        per_component = np.bincount(labels, weights=targets.astype(np.float64))
        return candidates & (per_component[labels] - targets > 0)
    found = np.zeros(graph.number_of_nodes(), dtype=bool)
    if targets.any():
        from scipy.sparse.csgraph import dijkstra

        distance = dijkstra(
            adjacency_matrix(graph, None if keep.all() else keep),
            directed=True,
            indices=np.flatnonzero(targets),
            unweighted=True,
            limit=max_hops + 0.5,
            min_only=True,
        )
        found = distance <= max_hops
    found &= candidates & ~targets
    for v in np.flatnonzero(candidates & targets).tolist():
        found[v] = _other_target_within(graph, v, targets, keep, max_hops)
    return found


def _targets_reached(
    graph: Projection, nodes: list[int], targets: BoolArray, max_hops: int | None
) -> list[int]:
    """How many targets other than itself each of ``nodes`` reaches within ``max_hops``."""
    if max_hops is None:
        labels = graph.component_labels()
        per_component = np.bincount(labels, weights=targets.astype(np.float64))
        return [int(per_component[labels[v]] - targets[v]) for v in nodes]
    from scipy.sparse.csgraph import dijkstra

    counts: list[int] = []
    adjacency = adjacency_matrix(graph)
    for start in range(0, len(nodes), 16):
        chunk = nodes[start : start + 16]
        distance = dijkstra(
            adjacency, directed=True, indices=chunk, unweighted=True, limit=max_hops + 0.5
        )
        within = (distance <= max_hops) & targets
        counts += [int(row.sum()) - int(targets[v]) for row, v in zip(within, chunk, strict=True)]
    return counts


def _end_mask(
    graph: Projection,
    types: Sequence[str] | None,
    kinds: Sequence[str] | None,
    country: str | None,
) -> BoolArray:
    return graph.node_mask(types=check_node_types(types), kinds=kinds, country=country)


def lost_routes(
    store: Store,
    removed: str | Sequence[str],
    *,
    to_country: str | None = None,
    to_types: Sequence[str] | None = None,
    to_kinds: Sequence[str] | None = None,
    from_types: Sequence[str] | None = None,
    from_kinds: Sequence[str] | None = None,
    max_hops: int | None = None,
    limit: int = 100,
    as_of: str | None = None,
) -> LostRoutes:
    """The nodes that would lose every route to the targets if ``removed`` stopped working.

    Targets are the nodes matching every "to" filter; the nodes asked about those matching every
    "from" filter (a filter left None does not restrict). A node loses its routes when it reaches
    a target (other than itself, within ``max_hops``) on U now, and none on U without the
    ``removed`` nodes (which are neither routes, targets nor asked about).

    Parameters
    ----------
    store : Store
        The graph store.
    removed : str or sequence of str
        The id(s) of the nodes taken out.
    to_country : str, optional
        ISO country code of the targets (``"DE"``: routes to Germany).
    to_types, to_kinds : sequence of str, optional
        Node types and kinds of the targets (``["OverseasChannel"]``).
    from_types, from_kinds : sequence of str, optional
        Node types and kinds of the nodes asked about (``["Institution"]``, ``["university"]``).
    max_hops : int, optional
        Longest route counted, 0 to 8 relationships; any length when None.
    limit : int, default 100
        Most lost nodes listed (by id), 0 to 5000; ``lost`` counts them all.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    LostRoutes
        The lost nodes by id, each with how many targets it reached before.

    Raises
    ------
    NotFound
        When a removed id is not in the graph.
    BadRequest
        For an unknown type or a bound out of range.

    Examples
    --------
    If the western agency stopped working, which Chinese actors would lose every route to
    Germany's overseas channels?

    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = lost_routes(store, "broker-west", to_types=["OverseasChannel"], to_country="DE")
    >>> found.targets, found.reached_before, found.lost
    (1, 7, 7)
    >>> [(r.node, r.targets_before) for r in found.items][:3]
    [('ach-battery', 1), ('broker-east', 1), ('demand-b', 1)]
    >>> lost_routes(store, "lab-a", to_country="DE", from_kinds=["enterprise"]).items
    [LostRoute(node='ent-b', targets_before=2)]
    >>> store.close()
    """
    if max_hops is not None:
        check_range("max_hops", max_hops, maximum=MAX_HOPS)
    check_range("limit", limit, maximum=MAX_LIMIT)
    graph = projection(store, as_of=as_of)
    names = [removed] if isinstance(removed, str) else list(removed)
    gone = np.zeros(graph.number_of_nodes(), dtype=bool)
    gone[[graph.node_index(i) for i in names]] = True
    targets = _end_mask(graph, to_types, to_kinds, to_country)
    asked = _end_mask(graph, from_types, from_kinds, None) & ~gone
    before = reaches(graph, targets, asked, max_hops)
    after = reaches(graph, targets, before, max_hops, keep=~gone)
    lost = np.flatnonzero(before & ~after)
    shown = lost[:limit].tolist()
    counts = _targets_reached(graph, shown, targets, max_hops)
    return LostRoutes(
        sorted(set(names)),
        max_hops,
        int(targets.sum()),
        int(before.sum()),
        len(lost),
        [LostRoute(graph.ids[v], c) for v, c in zip(shown, counts, strict=True)],
    )


def unreached(
    store: Store,
    *,
    from_types: Sequence[str] | None = ("Institution",),
    from_kinds: Sequence[str] | None = ("enterprise",),
    to_types: Sequence[str] | None = None,
    to_kinds: Sequence[str] | None = ("university",),
    max_hops: int | None = 3,
    group_by: str = "region",
    limit: int = 20,
    as_of: str | None = None,
) -> Unreached:
    """Per group (district), the nodes with no route to any target within ``max_hops``.

    Targets are the nodes matching the "to" filters; the nodes asked about those matching the
    "from" filters (a filter given as None does not restrict). By default: which districts'
    enterprises have no route to any university within three relationships. One multi-source
    search from all targets answers for every node at once.

    Parameters
    ----------
    store : Store
        The graph store.
    from_types, from_kinds : sequence of str, optional
        Node types and kinds of the nodes asked about; enterprise institutions by default.
    to_types, to_kinds : sequence of str, optional
        Node types and kinds of the targets; universities by default.
    max_hops : int or None, default 3
        Longest route counted, 0 to 8 relationships; any length when None.
    group_by : {"region", "kind", "type", "country"}, default "region"
        The node attribute that makes the groups.
    limit : int, default 20
        Most unreached ids listed per group (by id), 0 to 5000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    Unreached
        Totals, and groups by unreached count descending, then group (None last).

    Raises
    ------
    BadRequest
        For an unknown type or grouping or a bound out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = unreached(store, max_hops=2, group_by="country")
    >>> found.nodes, found.unreached, found.groups
    (1, 1, [UnreachedGroup(group='CN', nodes=1, reached=0, unreached=1, unreached_ids=['ent-b'])])
    >>> unreached(store, group_by="country").unreached  # three steps: via the achievement
    0
    >>> store.close()
    """
    if max_hops is not None:
        check_range("max_hops", max_hops, maximum=MAX_HOPS)
    check_range("limit", limit, maximum=MAX_LIMIT)
    if group_by not in GROUPINGS:
        raise BadRequest(f"unknown grouping {group_by!r}; known: {', '.join(GROUPINGS)}")
    graph = projection(store, as_of=as_of)
    targets = _end_mask(graph, to_types, to_kinds, None)
    asked = _end_mask(graph, from_types, from_kinds, None)
    reached = reaches(graph, targets, asked, max_hops)
    nodes = np.flatnonzero(asked).tolist()
    value = {
        "region": graph.region_of,
        "kind": graph.kind_of,
        "type": graph.type_of,
        "country": graph.country_of,
    }
    group_of = [value[group_by](i) for i in nodes]
    members: dict[str | None, list[int]] = {}
    for i, group in zip(nodes, group_of, strict=True):
        members.setdefault(group, []).append(i)
    groups = []
    for group, ids in members.items():
        missed = [i for i in ids if not reached[i]]
        groups.append(
            UnreachedGroup(
                group,
                len(ids),
                len(ids) - len(missed),
                len(missed),
                [graph.ids[i] for i in missed[:limit]],
            )
        )
    groups.sort(key=lambda g: (-g.unreached, g.group is None, g.group or ""))
    hit = int(reached[nodes].sum()) if nodes else 0
    return Unreached(max_hops, group_by, len(nodes), hit, len(nodes) - hit, groups)
