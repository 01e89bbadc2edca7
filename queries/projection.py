"""The projection of a store's graph that every query runs on, cached per data version.

A :class:`Projection` holds the graph of API_CONTRACT.md in integer form (node ``i`` is the
``i``-th id in id order, so index order *is* id order and ties broken by index are ties broken by
id):

- **U**, the undirected simple graph: an edge wherever at least one relationship joins two
  distinct nodes, with the *cheapest* relationship of the pair (lowest ``1 / weight``, then
  smallest id) kept for weighted paths and for the relationships shown on a path;
- **D**, the directed simple graph: an arc u -> v wherever a relationship goes from u to v, both
  ways for symmetric relation types (COLLABORATES_WITH);
- per node: its type, kind and country for filters, and its degree (relationships touching it);
- on demand, the **actor flow network** (:meth:`Projection.flow_arcs`): the arcs along which
  technology flows (each relation type's ``flow`` in the graph model) between actors, with the
  achievements and demands in between contracted away.

A relationship from a node to itself counts in the node's degree but is not an edge of U or D
(both are simple graphs). networkx and igraph forms of U and D are built on first use and kept.

:func:`projection` builds the full projection once per store data version (``store.iter_nodes`` and
``store.iter_edges``), derives projections restricted to relation types from it on demand, and
rebuilds both when ``store.data_version()`` changes. It is safe to call from many threads; results
computed on a projection (centrality scores, hub analyses) live in :meth:`Projection.memo` and so
are cached per data version too.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Final, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from graphsvc.model import (
    NODE_TYPE_BY_NAME,
    NODE_TYPE_NAMES,
    RELATION_TYPE_BY_NAME,
    RELATION_TYPE_NAMES,
)
from graphsvc.stores.contract import Node, Store
from queries.errors import NotFound, QueryError, check_relation_types
from queries.results import Path
from queries.timeline import UNDATED, check_as_of, day_of, node_day

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RESTRICTED_CACHE_SIZE = 16
"""How many projections restricted to relation types are kept per store, data version and as-of
date."""
DATED_CACHE_SIZE = 4
"""How many dates the projections as of a date are kept for, per store and data version: each
costs about as much memory as today's projection, so the number of dates asked for cannot grow
the service's memory without bound."""

_TYPE_CODE = {name: code for code, name in enumerate(NODE_TYPE_NAMES)}
_REL_CODE = {name: code for code, name in enumerate(RELATION_TYPE_NAMES)}
_SYMMETRIC = np.array([RELATION_TYPE_BY_NAME[n].symmetric for n in RELATION_TYPE_NAMES], dtype=bool)
_FLOWS_FORWARD = np.array([RELATION_TYPE_BY_NAME[n].flow != "reverse" for n in RELATION_TYPE_NAMES])
_FLOWS_BACK = np.array([RELATION_TYPE_BY_NAME[n].flow != "forward" for n in RELATION_TYPE_NAMES])

ACTOR_TYPES = tuple(t for t in NODE_TYPE_NAMES if NODE_TYPE_BY_NAME[t].name_column == "name")
"""The node types of actors: those named by a ``name`` (Institution, Broker, Investor,
OverseasChannel); the titled ones (Achievement, Demand) are what flows between actors."""
_ACTOR = np.array([t in ACTOR_TYPES for t in NODE_TYPE_NAMES])


class _Edges:
    """The store's relationships in integer form, in id order (so index order is id order);
    ``since`` is each one's day (:mod:`queries.timeline`, 0 when undated)."""

    __slots__ = ("cost", "ids", "since", "source", "target", "type")

    def __init__(
        self,
        ids: list[str],
        source: IntArray,
        target: IntArray,
        type_: IntArray,
        cost: npt.NDArray[np.float64],
        since: IntArray,
    ):
        self.ids = ids
        self.source = source
        self.target = target
        self.type = type_
        self.cost = cost
        self.since = since

    def only(self, rel_types: frozenset[str]) -> _Edges:
        return self.at(np.flatnonzero(np.isin(self.type, [_REL_CODE[name] for name in rel_types])))

    def at(self, positions: IntArray, renumber: IntArray | None = None) -> _Edges:
        """The edges at ``positions`` (ascending), their ends renumbered by ``renumber``."""
        source, target = self.source[positions], self.target[positions]
        if renumber is not None:
            source, target = renumber[source], renumber[target]
        return _Edges(
            [self.ids[p] for p in positions.tolist()],
            source,
            target,
            self.type[positions],
            self.cost[positions],
            self.since[positions],
        )


READ_ATTEMPTS: Final = 3
"""Reads of the store a projection build tries before it gives up on a graph being refreshed."""


class _Nodes:
    """Ids in id order and the attributes that filters, groupings and matches use."""

    __slots__ = (
        "countries",
        "country_codes",
        "fields",
        "ids",
        "index",
        "kind_codes",
        "kinds",
        "region_codes",
        "regions",
        "rows",
        "since",
        "statuses",
        "types",
    )

    def __init__(self, rows: list[_NodeRow]):
        self.rows = rows
        self.ids = [r.id for r in rows]
        self.since = np.fromiter((r.since for r in rows), dtype=np.int64, count=len(rows))
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        self.types = np.asarray([r.type for r in rows], dtype=np.int64)
        self.kinds = [r.kind for r in rows]
        self.countries = [r.country for r in rows]
        self.regions = [r.region for r in rows]
        self.fields = [r.field for r in rows]
        self.statuses = [r.status for r in rows]
        self.kind_codes = _codes(self.kinds)
        self.country_codes = _codes(self.countries)
        self.region_codes = _codes(self.regions)


class _NodeRow(NamedTuple):
    id: str
    type: int
    kind: str | None
    country: str | None
    region: str | None
    field: str | None
    status: str | None
    since: int

    @classmethod
    def of(cls, node: Node) -> _NodeRow:
        field, status = node.properties.get("field"), node.properties.get("status")
        return cls(
            node.id,
            _TYPE_CODE[node.type],
            node.kind,
            node.country,
            node.region,
            field if isinstance(field, str) else None,
            status if isinstance(status, str) else None,
            node_day(node.type, node.properties),
        )


def sorted_unique(values: IntArray) -> IntArray:
    """The distinct values in ascending order, as ``np.unique`` gives them, by sorting: numpy
    2.4's hash-based ``unique`` takes about 2 s on 500,000 int64 keys, a sort 0.03 s.

    >>> sorted_unique(np.array([5, 1, 5, 3, 1])).tolist()
    [1, 3, 5]
    """
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _codes(values: list[str | None]) -> dict[str | None, BoolArray]:
    """For each distinct value, the mask of the nodes holding it."""
    vocabulary = sorted({v for v in values if v is not None})
    code_of = {v: c for c, v in enumerate(vocabulary)}
    codes = np.fromiter(
        (-1 if v is None else code_of[v] for v in values), dtype=np.int64, count=len(values)
    )
    return {v: codes == c for v, c in code_of.items()}


class Projection:
    """U, D and node attributes of one data version of a store, optionally restricted to
    relation types. Build it with :func:`projection`; treat it as read-only.

    Attributes
    ----------
    version : str
        The store data version it was built from.
    rel_types : frozenset of str or None
        The relation types it holds, None for all.
    as_of : int or None
        The day ``YYYYMMDD`` it shows the graph as of (:mod:`queries.timeline`), None for the
        whole graph.
    ids : list of str
        Node ids in id order; node ``i`` is ``ids[i]``.
    adjacency : list of list of int
        U: the neighbours of each node, ascending.
    degree : numpy.ndarray
        Relationships touching each node (of ``rel_types``).
    pairs : numpy.ndarray
        U's edges as rows ``(u, v)``, ``u < v``, ascending.
    pair_cost : numpy.ndarray
        The cost (``1 / weight``) of the cheapest relationship of each pair.
    arcs : numpy.ndarray
        D's arcs as rows ``(u, v)``, ascending.
    indptr, indices, csr_pair : numpy.ndarray
        U in compressed sparse rows: the neighbours of ``u`` are
        ``indices[indptr[u]:indptr[u + 1]]`` and ``csr_pair`` gives each one's row in ``pairs``.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> p = projection(store)
    >>> p.number_of_nodes(), len(p.pairs), len(p.arcs)
    (9, 9, 10)
    >>> p.ids[p.adjacency[p.node_index("broker-east")][0]]
    'ach-battery'
    >>> projection(store) is p  # cached until the store's data version changes
    True
    >>> store.close()
    """

    def __init__(
        self,
        version: str,
        rel_types: frozenset[str] | None,
        nodes: _Nodes,
        edges: _Edges,
        as_of: int | None = None,
    ):
        self.version = version
        self.rel_types = rel_types
        self.as_of = as_of
        self._nodes = nodes
        self._edges = edges
        self.ids = nodes.ids
        n = len(nodes.ids)
        source, target = edges.source, edges.target
        loop = source == target
        self.degree: IntArray = np.bincount(source, minlength=n) + np.bincount(
            target[~loop], minlength=n
        )
        position = np.flatnonzero(~loop)
        s, t, cost = source[position], target[position], edges.cost[position]
        low, high = np.minimum(s, t), np.maximum(s, t)
        key = low * n + high
        order = np.lexsort((position, cost, key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        chosen = order[first]
        self.pairs: IntArray = np.column_stack((low[chosen], high[chosen])).reshape(-1, 2)
        self.pair_cost: npt.NDArray[np.float64] = cost[chosen]
        self._pair_edge: IntArray = position[chosen]

        rows = np.concatenate((self.pairs[:, 0], self.pairs[:, 1]))
        cols = np.concatenate((self.pairs[:, 1], self.pairs[:, 0]))
        pair_of = np.concatenate((np.arange(len(chosen)), np.arange(len(chosen))))
        csr = np.lexsort((cols, rows))
        self.indptr: IntArray = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
        self.indices: IntArray = cols[csr]
        self.csr_pair: IntArray = pair_of[csr]
        flat = self.indices.tolist()
        bounds = self.indptr.tolist()
        self.adjacency: list[list[int]] = [flat[bounds[i] : bounds[i + 1]] for i in range(n)]

        symmetric = _SYMMETRIC[edges.type[position]]
        arc_source = np.concatenate((s, t[symmetric]))
        arc_target = np.concatenate((t, s[symmetric]))
        arc_key = sorted_unique(arc_source * n + arc_target)
        self.arcs: IntArray = np.column_stack((arc_key // n, arc_key % n)).reshape(-1, 2)

        self._lock = threading.Lock()
        self._memo: dict[Hashable, Any] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}

    # --- nodes -----------------------------------------------------------------------------
    def number_of_nodes(self) -> int:
        """How many nodes the graph holds."""
        return len(self.ids)

    def node_index(self, node_id: str) -> int:
        """The index of ``node_id``; :class:`~queries.errors.NotFound` when there is none."""
        try:
            return self._nodes.index[node_id]
        except KeyError:
            raise NotFound(node_id) from None

    def type_of(self, i: int) -> str:
        """The node type (model name) of node ``i``."""
        return NODE_TYPE_NAMES[int(self._nodes.types[i])]

    def kind_of(self, i: int) -> str | None:
        """The ``kind`` of node ``i``, None when it has none."""
        return self._nodes.kinds[i]

    def country_of(self, i: int) -> str | None:
        """The ``country`` of node ``i``, None when it has none."""
        return self._nodes.countries[i]

    def region_of(self, i: int) -> str | None:
        """The ``region`` (district or province) of node ``i``, None when it has none."""
        return self._nodes.regions[i]

    @property
    def fields(self) -> list[str | None]:
        """Each node's ``field`` (achievements and demands), None for the others."""
        return self._nodes.fields

    @property
    def statuses(self) -> list[str | None]:
        """Each node's ``status`` (achievements and demands), None when it has none."""
        return self._nodes.statuses

    @property
    def node_since(self) -> IntArray:
        """Each node's day (``YYYYMMDD``, 0 when undated): it exists from that day on."""
        return self._nodes.since

    @property
    def relationship_since(self) -> IntArray:
        """Each relationship's day (0 when undated), relationships in id order."""
        return self._edges.since

    @property
    def relationship_ids(self) -> list[str]:
        """The relationships' ids in id order."""
        return self._edges.ids

    @property
    def relationship_types(self) -> list[str]:
        """Each relationship's type, relationships in id order."""
        return [RELATION_TYPE_NAMES[t] for t in self._edges.type.tolist()]

    @property
    def relationship_ends(self) -> tuple[IntArray, IntArray]:
        """Each relationship's source and target node index, relationships in id order."""
        return self._edges.source, self._edges.target

    @property
    def type_codes(self) -> IntArray:
        """Each node's type as its position in :data:`graphsvc.model.NODE_TYPE_NAMES`."""
        return self._nodes.types

    def node_mask(
        self,
        types: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        country: str | None = None,
        region: str | None = None,
    ) -> BoolArray:
        """The nodes of one of ``types`` (model names), one of ``kinds``, of ``country`` and of
        ``region``; a filter given as None does not restrict."""
        mask = np.ones(len(self.ids), dtype=bool)
        if types is not None:
            mask &= np.isin(self._nodes.types, [_TYPE_CODE[t] for t in types])
        if kinds is not None:
            any_kind = np.zeros(len(self.ids), dtype=bool)
            for kind in kinds:
                if kind in self._nodes.kind_codes:
                    any_kind |= self._nodes.kind_codes[kind]
            mask &= any_kind
        if country is not None:
            mask &= self._nodes.country_codes.get(country, np.zeros(len(self.ids), dtype=bool))
        if region is not None:
            mask &= self._nodes.region_codes.get(region, np.zeros(len(self.ids), dtype=bool))
        return mask

    # --- pairs -----------------------------------------------------------------------------
    def _pair(self, u: int, v: int) -> int:
        row = self.adjacency[u]
        k = bisect.bisect_left(row, v)
        if k == len(row) or row[k] != v:
            raise KeyError((u, v))
        return int(self.csr_pair[self.indptr[u] + k])

    def adjacency_costs(self) -> list[list[float]]:
        """U's edge costs aligned with :attr:`adjacency`: ``adjacency_costs()[u][k]`` is the cost
        of the pair ``(u, adjacency[u][k])``."""
        return self.memo("adjacency costs", self._build_adjacency_costs)

    def _build_adjacency_costs(self) -> list[list[float]]:
        flat = self.pair_cost[self.csr_pair].tolist()
        bounds = self.indptr.tolist()
        return [flat[bounds[i] : bounds[i + 1]] for i in range(len(self.ids))]

    def component_labels(self) -> IntArray:
        """The connected component of each node in U, as labels ``0 .. components - 1``."""
        return self.memo("components", self._build_component_labels)

    def _build_component_labels(self) -> IntArray:
        import scipy.sparse as sp
        from scipy.sparse.csgraph import connected_components

        n = len(self.ids)
        csr = sp.csr_array((np.ones(len(self.indices)), self.indices, self.indptr), shape=(n, n))
        return np.asarray(connected_components(csr, directed=False)[1], dtype=np.int64)

    def cost(self, u: int, v: int) -> float:
        """The cost (``1 / weight``) of the cheapest relationship joining ``u`` and ``v``."""
        return float(self.pair_cost[self._pair(u, v)])

    def cheapest_relationship(self, u: int, v: int) -> str:
        """The id of the cheapest relationship joining ``u`` and ``v`` (then the smallest id)."""
        return self._edges.ids[int(self._pair_edge[self._pair(u, v)])]

    def paths(
        self, store: Store, routes: Sequence[Sequence[int]], *, weighted: bool = False
    ) -> list[Path]:
        """:class:`~queries.results.Path` values for node-index routes, with the cheapest
        relationship of each pair fetched from ``store`` in one call."""
        rel_ids = [
            [self.cheapest_relationship(u, v) for u, v in itertools.pairwise(r)] for r in routes
        ]
        found = store.relationships(sorted({i for ids in rel_ids for i in ids}))
        result = []
        for route, ids in zip(routes, rel_ids, strict=True):
            missing = [i for i in ids if i not in found]
            if missing:
                raise QueryError(
                    f"relationship {missing[0]!r} went away while answering; ask again"
                )
            cost = (
                sum(self.cost(u, v) for u, v in itertools.pairwise(route))
                if weighted
                else float(len(ids))
            )
            result.append(
                Path([self.ids[i] for i in route], [found[i] for i in ids], len(ids), cost)
            )
        return result

    # --- derived forms, computed once ------------------------------------------------------
    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per projection (so once per data version) and ``key``; concurrent
        callers with the same key wait for the first."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]
            value = compute()
            with self._lock:
                self._memo[key] = value
            return value

    def actor_mask(self) -> BoolArray:
        """The nodes that are actors (of :data:`ACTOR_TYPES`)."""
        return _ACTOR[self._nodes.types]

    def flow_arcs(self) -> IntArray:
        """The arcs of the **actor flow network**, as rows ``(u, v)`` in ascending order.

        A relationship is a flow arc in the direction its type's ``flow`` gives (both ways for
        ``"both"``). The actor flow network has an arc u -> v between two distinct actors when a
        flow path leads from u to v through achievements and demands only (none, one or more:
        ``lab -> achievement -> demand -> enterprise``); it is a simple directed graph, and
        achievements and demands have no arcs in it. Computed once per projection.

        Examples
        --------
        >>> from queries.examples import example_store
        >>> store = example_store()
        >>> p = projection(store)
        >>> sorted((p.ids[u], p.ids[v]) for u, v in p.flow_arcs().tolist())[:4]
        [('broker-east', 'ent-b'), ('broker-west', 'channel-de'), ('broker-west', 'lab-a'), \
('channel-de', 'broker-west')]
        >>> store.close()
        """
        return self.memo("flow arcs", self._build_flow_arcs)

    def _build_flow_arcs(self) -> IntArray:
        import scipy.sparse as sp

        n = len(self.ids)
        edges = self._edges
        proper = edges.source != edges.target
        forward, back = proper & _FLOWS_FORWARD[edges.type], proper & _FLOWS_BACK[edges.type]
        tail = np.concatenate((edges.source[forward], edges.target[back]))
        head = np.concatenate((edges.target[forward], edges.source[back]))
        flow = sp.csr_array((np.ones(len(tail)), (tail, head)), shape=(n, n))
        actor = self.actor_mask()
        actors, things = np.flatnonzero(actor), np.flatnonzero(~actor)
        from_things = flow[things]
        # reach[x, v]: a flow path leads from the thing x to the actor v through things only
        step, between = from_things[:, actors], from_things[:, things]
        reach = (step > 0).astype(np.float64)
        while True:
            grown = ((step + between @ reach) > 0).astype(np.float64)
            if grown.nnz == reach.nnz:
                break
            reach = grown
        from_actors = flow[actors]
        contracted = sp.coo_array(from_actors[:, actors] + from_actors[:, things] @ reach)
        u, v = actors[contracted.row], actors[contracted.col]
        keep = u != v
        key = sorted_unique(u[keep] * n + v[keep])
        return np.column_stack((key // n, key % n)).reshape(-1, 2)

    def networkx_u(self) -> Any:
        """U as a ``networkx.Graph`` on node ids; nodes carry ``type``, edges ``cost`` and
        ``relationship`` (the cheapest). The reference meaning of API_CONTRACT.md."""
        return self.memo("networkx.U", self._build_networkx_u)

    def networkx_d(self) -> Any:
        """D as a ``networkx.DiGraph`` on node ids; nodes carry ``type``."""
        return self.memo("networkx.D", self._build_networkx_d)

    def igraph_u(self) -> Any:
        """U as an undirected ``igraph.Graph``; vertex ``i`` is node ``i``."""
        import igraph

        return self.memo(
            "igraph.U", lambda: igraph.Graph(n=len(self.ids), edges=self.pairs.tolist())
        )

    def igraph_d(self) -> Any:
        """D as a directed ``igraph.Graph``; vertex ``i`` is node ``i``."""
        import igraph

        return self.memo(
            "igraph.D",
            lambda: igraph.Graph(n=len(self.ids), edges=self.arcs.tolist(), directed=True),
        )

    def _build_networkx_u(self) -> Any:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from((i, {"type": self.type_of(k)}) for k, i in enumerate(self.ids))
        ids, rel_ids = self.ids, self._edges.ids
        graph.add_edges_from(
            (ids[u], ids[v], {"cost": c, "relationship": rel_ids[e]})
            for (u, v), c, e in zip(
                self.pairs.tolist(),
                self.pair_cost.tolist(),
                self._pair_edge.tolist(),
                strict=True,
            )
        )
        return graph

    def _build_networkx_d(self) -> Any:
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from((i, {"type": self.type_of(k)}) for k, i in enumerate(self.ids))
        graph.add_edges_from((self.ids[u], self.ids[v]) for u, v in self.arcs.tolist())
        return graph

    def restricted_to(self, rel_types: frozenset[str]) -> Projection:
        """The projection holding only relationships of ``rel_types`` (all nodes kept)."""
        return Projection(
            self.version, rel_types, self._nodes, self._edges.only(rel_types), self.as_of
        )

    def dated(self, as_of: int) -> Projection:
        """The projection of the graph as of the day ``as_of`` (``YYYYMMDD``): the nodes that
        exist on that day and the relationships that exist on it between them (the definition
        of :mod:`queries.timeline`); node indices follow id order as always.

        Examples
        --------
        >>> from queries.examples import example_store
        >>> store = example_store()
        >>> p = projection(store)
        >>> then = p.dated(20181231)
        >>> then.number_of_nodes(), len(then.pairs), then.as_of
        (7, 5, 20181231)
        >>> store.close()
        """
        nodes = self._nodes
        alive = nodes.since <= as_of
        renumber = np.cumsum(alive) - 1
        edges = self._edges
        keep = (edges.since <= as_of) & alive[edges.source] & alive[edges.target]
        kept_rows = [row for row, live in zip(nodes.rows, alive.tolist(), strict=True) if live]
        return Projection(
            self.version,
            self.rel_types,
            _Nodes(kept_rows),
            edges.at(np.flatnonzero(keep), renumber),
            as_of,
        )

    @classmethod
    def from_store(cls, store: Store) -> Projection:
        """Read every node and relationship of ``store`` into a projection of one data version.

        Nodes and relationships are read in turn; when a refresh lands in between, the read
        starts again (up to :data:`READ_ATTEMPTS` times), so the label is always true.
        """
        for _ in range(READ_ATTEMPTS):
            version = store.data_version()
            read = cls._read(store, version)
            if store.data_version() == version:
                return read
        raise QueryError(
            f"the graph was refreshed {READ_ATTEMPTS} times while it was being read; ask again"
        )

    @classmethod
    def _read(cls, store: Store, version: str) -> Projection:
        rows = [_NodeRow.of(node) for node in store.iter_nodes()]
        if any(a.id > b.id for a, b in itertools.pairwise(rows)):
            rows.sort(key=lambda row: row.id)
        nodes = _Nodes(rows)
        index = nodes.index
        edge_ids: list[str] = []
        source: list[int] = []
        target: list[int] = []
        type_: list[int] = []
        cost: list[float] = []
        since: list[int] = []
        for edge in store.iter_edges():
            s, t = index.get(edge.source), index.get(edge.target)
            if s is None or t is None:
                continue
            edge_ids.append(edge.id)
            source.append(s)
            target.append(t)
            type_.append(_REL_CODE[edge.type])
            cost.append(1.0 / edge.weight)
            since.append(UNDATED if edge.date is None else day_of(edge.date))
        edges = _Edges(
            edge_ids,
            np.asarray(source, dtype=np.int64),
            np.asarray(target, dtype=np.int64),
            np.asarray(type_, dtype=np.int64),
            np.asarray(cost, dtype=np.float64),
            np.asarray(since, dtype=np.int64),
        )
        if edge_ids != sorted(edge_ids):
            order = sorted(range(len(edge_ids)), key=edge_ids.__getitem__)
            edges = edges.at(np.asarray(order, dtype=np.int64))
        return cls(version, None, nodes, edges)


class _Derived:
    """A projection and the projections restricted to relation types derived from it (at most
    :data:`RESTRICTED_CACHE_SIZE`, least recently used out first)."""

    __slots__ = ("base", "restricted")

    def __init__(self, base: Projection) -> None:
        self.base = base
        self.restricted: OrderedDict[frozenset[str], Projection] = OrderedDict()

    def get(self, rel_types: frozenset[str] | None) -> Projection:
        if rel_types is None:
            return self.base
        found = self.restricted.get(rel_types)
        if found is None:
            found = self.restricted[rel_types] = self.base.restricted_to(rel_types)
            if len(self.restricted) > RESTRICTED_CACHE_SIZE:
                self.restricted.popitem(last=False)
        else:
            self.restricted.move_to_end(rel_types)
        return found


class _StoreCache:
    """Today's projection of one store and those derived from it: restricted to relation types,
    and as of at most :data:`DATED_CACHE_SIZE` dates (least recently asked out first)."""

    __slots__ = ("dated", "lock", "today")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.today: _Derived | None = None
        self.dated: OrderedDict[int, _Derived] = OrderedDict()

    def get(self, rel_types: frozenset[str] | None, as_of: int | None) -> Projection:
        """The projection asked for, derived when missing (call with the lock held)."""
        assert self.today is not None
        if as_of is None:
            return self.today.get(rel_types)
        found = self.dated.get(as_of)
        if found is None:
            found = self.dated[as_of] = _Derived(self.today.base.dated(as_of))
            if len(self.dated) > DATED_CACHE_SIZE:
                self.dated.popitem(last=False)
        else:
            self.dated.move_to_end(as_of)
        return found.get(rel_types)


_caches: weakref.WeakKeyDictionary[Store, _StoreCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def projection(
    store: Store, rel_types: Sequence[str] | None = None, as_of: str | None = None
) -> Projection:
    """The projection of ``store``'s current data version, restricted to ``rel_types``, as of
    the date ``as_of``.

    Parameters
    ----------
    store : Store
        The graph store.
    rel_types : sequence of str, optional
        Relation type names (``"DEVELOPED"``); None (or every type) for the whole graph.
    as_of : str, optional
        ``YYYY-MM-DD`` or ``YYYY`` (its 31 December): the graph as it stood on that day
        (:mod:`queries.timeline`); None for the whole graph.

    Returns
    -------
    Projection
        Built once per data version (and relation-type set and as-of day) and shared by every
        caller; a dated one is derived from the whole graph's, not read from the store again.

    Raises
    ------
    BadRequest
        When a relation type is unknown or ``as_of`` is not a date.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> len(projection(store, ["SERVES"]).pairs)
    2
    >>> projection(store, as_of="2018").number_of_nodes()
    7
    >>> store.close()
    """
    wanted = check_relation_types(rel_types)
    if wanted == frozenset(RELATION_TYPE_NAMES):
        wanted = None
    day = check_as_of(as_of)
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = _StoreCache()
    version = store.data_version()
    with cache.lock:
        if cache.today is None or cache.today.base.version != version:
            cache.today = _Derived(Projection.from_store(store))
            cache.dated.clear()
        return cache.get(wanted, day)
