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
import contextlib
import itertools
import operator
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Final, NamedTuple, Protocol, SupportsIndex, TypeVar, overload

import numpy as np
import numpy.typing as npt
import orjson

from graphsvc.model import (
    NODE_TYPE_BY_NAME,
    NODE_TYPE_NAMES,
    RELATION_TYPE_BY_NAME,
    RELATION_TYPE_NAMES,
)
from graphsvc.stores.contract import COLUMN_SEPARATOR, GraphColumns, Relationship, Store
from queries import _columns, deadline
from queries.errors import NotFound, Pending, QueryError, check_relation_types
from queries.results import Path
from queries.timeline import check_as_of, day_of

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


class Strings(Sequence[str]):
    """Texts packed in one UTF-8 buffer, text ``i`` at ``data[starts[i]:ends[i]]``: a list of
    strings without a Python object per string, so it can live in a mapped file.

    Examples
    --------
    >>> names = Strings.of(["a", "c", "上海", "上海" * 9, "上海" * 9 + "!"])
    >>> len(names), names[2], list(names[1:3]), names.find("上海"), names.find("b")
    (5, '上海', ['c', '上海'], 2, None)
    >>> long = "上海" * 9
    >>> names.find(long + "!"), names.find(long), names.find("上海" * 8), names.find("z")
    (4, 3, None, None)
    """

    __slots__ = ("_ends", "_prefixes", "_starts", "bytes", "data", "ends", "starts")

    def __init__(self, data: npt.NDArray[np.uint8], starts: IntArray, ends: IntArray) -> None:
        self.data = data
        self.starts = starts
        self.ends = ends
        # memoryviews: their slices cost half those of the array, and indexing one gives a
        # Python int in a tenth of the time an array gives a numpy integer
        self.bytes = data.data
        self._starts = np.ascontiguousarray(starts).data
        self._ends = np.ascontiguousarray(ends).data
        self._prefixes: npt.NDArray[np.bytes_] | None = None

    @classmethod
    def of(cls, texts: Sequence[str]) -> Strings:
        """The texts packed.

        >>> Strings.of(["b", "上海"]).data.tobytes().decode()
        'b上海'
        """
        encoded = [t.encode() for t in texts]
        ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))
        starts = ends - np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), starts, ends)

    @classmethod
    def joined(cls, text: str | bytes, count: int) -> Strings:
        """The ``count`` texts of ``text`` (or of its UTF-8 bytes) joined by
        :data:`COLUMN_SEPARATOR` (a byte that no other character's UTF-8 holds), packed without
        splitting them.

        >>> list(Strings.joined("a\x1f上海", 2)), list(Strings.joined("a\x1f上海".encode(), 2))
        (['a', '上海'], ['a', '上海'])
        """
        data = np.frombuffer(text.encode() if isinstance(text, str) else text, dtype=np.uint8)
        starts, ends = np.empty(count, dtype=np.int64), np.empty(count, dtype=np.int64)
        _columns.cut(data, starts, ends)  # ValueError unless data holds count texts
        return cls(data, starts, ends)

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: SupportsIndex) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: SupportsIndex | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self.bytes[self._starts[i] : self._ends[i]].tobytes().decode()

    def raw(self, i: int) -> memoryview:
        """The UTF-8 bytes of text ``i``, not decoded (what a JSON parser takes)."""
        return self.bytes[self._starts[i] : self._ends[i]]

    def __iter__(self) -> Iterator[str]:
        data = self.data
        for start, end in zip(self.starts.tolist(), self.ends.tolist(), strict=True):
            yield data[start:end].tobytes().decode()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def at(self, positions: IntArray) -> Strings:
        """The texts at ``positions``."""
        return Strings(self.data, self.starts[positions], self.ends[positions])

    def packed(self) -> Strings:
        """The texts in a buffer of their own, one after the other, as :meth:`of` packs them.

        >>> texts = Strings.joined("b\x1f上海\x1fa", 3).at(np.array([2, 1]))
        >>> packed = texts.packed()
        >>> packed.data.tobytes().decode(), packed.starts.tolist(), packed.ends.tolist()
        ('a上海', [0, 1], [1, 7])
        """
        lengths = self.ends - self.starts
        ends = np.cumsum(lengths)
        return Strings(self.data[segments(self.starts, self.ends)], ends - lengths, ends)

    def prefixes(self) -> npt.NDArray[np.bytes_]:
        """The first :data:`PREFIX` bytes of each text (NUL-padded, so in the texts' order),
        made on first use.

        >>> Strings.of(["a", "上海", "0123456789abcdefXYZ"]).prefixes().tolist()
        [b'a', b'\xe4\xb8\x8a\xe6\xb5\xb7', b'0123456789abcdef']
        """
        if self._prefixes is None:
            making("the prefixes of texts")
            lengths = np.minimum(self.ends - self.starts, PREFIX)
            table = np.zeros((len(self.starts), PREFIX), dtype=np.uint8)
            rows = np.repeat(np.arange(len(lengths)), lengths)
            columns = np.arange(int(lengths.sum())) - np.repeat(
                np.cumsum(lengths) - lengths, lengths
            )
            table[rows, columns] = self.data[np.repeat(self.starts, lengths) + columns]
            self._prefixes = table.view(f"S{PREFIX}").reshape(-1)
        return self._prefixes

    def tolist(self) -> list[str]:
        """The texts as a list: each text's bytes and one byte more gathered in one step (that
        byte then set to :data:`COLUMN_SEPARATOR`), decoded at once and split there (several
        times faster than decoding text by text); cut text by text when a text holds that byte.

        >>> Strings.of(["a", "上海", "", "bc"]).at(np.array([3, 1, 2])).tolist()
        ['bc', '上海', '']
        >>> split = "a" + COLUMN_SEPARATOR + "b"
        >>> Strings.of([split, "c"]).tolist() == [split, "c"]
        True
        >>> Strings.of(["", ""]).tolist()
        ['', '']
        """
        count = len(self.starts)
        if count == 0 or len(self.data) == 0:
            return [""] * count
        slots = self.ends - self.starts + 1
        stops = np.cumsum(slots)
        gather = np.repeat(self.starts - stops + slots, slots) + np.arange(int(stops[-1]))
        joined = self.data.take(gather, mode="clip")  # the byte past the buffer's end clipped
        joined[stops - 1] = ord(COLUMN_SEPARATOR)
        texts = joined[:-1].tobytes().decode().split(COLUMN_SEPARATOR)
        if len(texts) == count:
            return texts
        buffer = joined.tobytes()
        return [buffer[a : b - 1].decode() for a, b in itertools.pairwise([0, *stops.tolist()])]

    def find(self, text: str) -> int | None:
        """The position of ``text`` in these texts, which are in ascending order; None when
        absent (UTF-8 byte order is code point order, as Python compares strings).

        The texts' first :data:`PREFIX` bytes, made once per process (:meth:`prefixes`), are
        searched first in one numpy call; the texts themselves only among those sharing the
        prefix of ``text``."""
        key = text.encode()
        data, starts, ends = self.bytes, self._starts, self._ends
        prefixes = self.prefixes()
        head = key[:PREFIX]
        low = int(prefixes.searchsorted(head, "left"))
        high = int(prefixes.searchsorted(head, "right"))
        while low < high:
            middle = (low + high) // 2
            if data[starts[middle] : ends[middle]].tobytes() < key:
                low = middle + 1
            else:
                high = middle
        if low < len(starts) and data[starts[low] : ends[low]].tobytes() == key:
            return low
        return None


PREFIX: Final = 16
"""Bytes of each text that :meth:`Strings.find` searches in numpy before comparing texts."""


class Coded(Sequence[str | None]):
    """A text column as codes into its sorted vocabulary (-1 for none).

    Examples
    --------
    >>> kinds = Coded.of(["vc", None, "lab", "vc"])
    >>> list(kinds), kinds.mask("vc").tolist(), kinds.mask("bank").tolist()
    (['vc', None, 'lab', 'vc'], [True, False, False, True], [False, False, False, False])
    """

    __slots__ = ("codes", "vocabulary")

    def __init__(self, codes: npt.NDArray[np.int32], vocabulary: Strings) -> None:
        self.codes = codes
        self.vocabulary = vocabulary

    @classmethod
    def of(cls, values: Sequence[str | None]) -> Coded:
        """The column of ``values`` (None or the empty text for none)."""
        return cls.of_strings(Strings.of([value or "" for value in values]))

    @classmethod
    def of_strings(cls, texts: Strings) -> Coded:
        """The column of ``texts`` (the empty text for none): each distinct text found in C
        (``queries/_columns.c``: no Python object per row), then the few found sorted.

        >>> column = Coded.of_strings(Strings.joined("vc\x1f\x1flab\x1fvc", 4))
        >>> column.codes.tolist(), list(column.vocabulary)
        ([1, -1, 0, 1], ['lab', 'vc'])
        """
        codes = np.empty(len(texts), dtype=np.int32)
        firsts = _columns.codes(texts.data, texts.starts, texts.ends, codes)
        words = [texts[i] for i in firsts]  # in order of first appearance
        order = sorted(range(len(words)), key=words.__getitem__)
        rank = np.full(len(words) + 1, -1, dtype=np.int32)  # code -1 stays -1
        rank[order] = np.arange(len(words), dtype=np.int32)
        return cls(rank[codes], Strings.of([words[c] for c in order]))

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, i: SupportsIndex) -> str | None: ...

    @overload
    def __getitem__(self, i: slice) -> list[str | None]: ...

    def __getitem__(self, i: SupportsIndex | slice) -> str | list[str | None] | None:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        code = int(self.codes[i])
        return None if code < 0 else self.vocabulary[code]

    def __iter__(self) -> Iterator[str | None]:
        words: list[str | None] = list(self.vocabulary)
        words.append(None)  # code -1
        return map(words.__getitem__, self.codes.tolist())

    def at(self, positions: IntArray) -> Coded:
        return Coded(self.codes[positions], self.vocabulary)

    def counts(self, rows: IntArray) -> dict[str, int]:
        """How many of ``rows`` hold each value, in value order (rows without one left out).

        >>> Coded.of(["vc", None, "lab", "vc"]).counts(np.array([0, 1, 3]))
        {'vc': 2}
        """
        per_code = np.bincount(self.codes[rows] + 1, minlength=len(self.vocabulary) + 1)[1:]
        return {self.vocabulary[c]: int(per_code[c]) for c in np.flatnonzero(per_code).tolist()}

    def mask(self, value: str) -> BoolArray:
        """The rows holding ``value``."""
        code = self.vocabulary.find(value)
        if code is None:
            return np.zeros(len(self.codes), dtype=bool)
        return self.codes == code


class _Edges:
    """The store's relationships in integer form, in id order (so index order is id order);
    ``since`` is each one's day (:mod:`queries.timeline`, 0 when undated), ``properties`` its
    properties as canonical JSON (:func:`~graphsvc.stores.contract.encode_properties`)."""

    __slots__ = ("cost", "ids", "properties", "since", "source", "target", "type")

    def __init__(
        self,
        ids: Strings,
        source: IntArray,
        target: IntArray,
        type_: IntArray,
        cost: npt.NDArray[np.float64],
        since: IntArray,
        properties: Strings,
    ):
        self.ids = ids
        self.source = source
        self.target = target
        self.type = type_
        self.cost = cost
        self.since = since
        self.properties = properties

    def only(self, rel_types: frozenset[str]) -> _Edges:
        return self.at(np.flatnonzero(np.isin(self.type, [_REL_CODE[name] for name in rel_types])))

    def at(self, positions: IntArray, renumber: IntArray | None = None) -> _Edges:
        """The edges at ``positions`` (ascending), their ends renumbered by ``renumber``."""
        source, target = self.source[positions], self.target[positions]
        if renumber is not None:
            source, target = renumber[source], renumber[target]
        return _Edges(
            self.ids.at(positions),
            source,
            target,
            self.type[positions],
            self.cost[positions],
            self.since[positions],
            self.properties.at(positions),
        )


READ_ATTEMPTS: Final = 3
"""Reads of the store a projection build tries before it gives up on a graph being refreshed."""

_TEXT_COLUMNS: Final = ("kinds", "countries", "regions", "fields", "statuses")


class _Nodes:
    """Ids in id order, names, and the attributes that filters, groupings and matches use."""

    __slots__ = (
        "countries",
        "fields",
        "ids",
        "kinds",
        "names",
        "regions",
        "since",
        "statuses",
        "types",
    )

    def __init__(
        self,
        ids: Strings,
        names: Strings,
        types: IntArray,
        since: IntArray,
        kinds: Coded,
        countries: Coded,
        regions: Coded,
        fields: Coded,
        statuses: Coded,
    ) -> None:
        self.ids = ids
        self.names = names
        self.types = types
        self.since = since
        self.kinds = kinds
        self.countries = countries
        self.regions = regions
        self.fields = fields
        self.statuses = statuses

    def at(self, positions: IntArray) -> _Nodes:
        """The nodes at ``positions`` (ascending)."""
        return _Nodes(
            self.ids.at(positions),
            self.names.at(positions),
            self.types[positions],
            self.since[positions],
            *(getattr(self, name).at(positions) for name in _TEXT_COLUMNS),
        )

    def index(self, node_id: str) -> int | None:
        return self.ids.find(node_id)


class _Topology(NamedTuple):
    """U and D of a node count and edges, as arrays (see :class:`Projection`)."""

    arcs: IntArray
    csr_cost: npt.NDArray[np.float64]
    csr_pair: IntArray
    degree: IntArray
    indices: IntArray
    indptr: IntArray
    pair_cost: npt.NDArray[np.float64]
    pair_edge: IntArray
    pairs: IntArray

    @classmethod
    def of(cls, n: int, edges: _Edges) -> _Topology:
        """U and D of ``n`` nodes and ``edges``, in C (``queries/_columns.c``: stable counting
        sorts over the node indices, a pair's cheapest relationship the first of its lowest
        cost); ``tests/queries/test_projection_columns.py`` holds the same in numpy.

        Three relationships, 0 -> 2 and 1 -> 0 collaborating (symmetric), 1 -> 0 developing:

        >>> both, one = _REL_CODE["COLLABORATES_WITH"], _REL_CODE["DEVELOPED"]
        >>> edges = _Edges(Strings.of(list("abc")), np.array([0, 1, 1]), np.array([2, 0, 0]),
        ...                np.array([both, one, both]), np.array([1.0, 2.0, 0.5]),
        ...                np.zeros(3, np.int64), Strings.of(list("xyz")))
        >>> U = _Topology.of(3, edges)
        >>> U.pairs.tolist(), U.pair_edge.tolist(), U.indptr.tolist(), U.indices.tolist()
        ([[0, 1], [0, 2]], [2, 0], [0, 2, 3, 4], [1, 2, 0, 0])
        >>> U.arcs.tolist(), U.degree.tolist()
        ([[0, 1], [0, 2], [1, 0], [2, 0]], [3, 2, 1])
        """
        m = len(edges.source)
        source = np.ascontiguousarray(edges.source, dtype=np.int64)
        target = np.ascontiguousarray(edges.target, dtype=np.int64)
        types = np.ascontiguousarray(edges.type, dtype=np.int64)
        cost = np.ascontiguousarray(edges.cost, dtype=np.float64)
        degree, indptr = np.empty(n, dtype=np.int64), np.empty(n + 1, dtype=np.int64)
        pairs, pair_edge = np.empty(2 * m, dtype=np.int64), np.empty(m, dtype=np.int64)
        pair_cost = np.empty(m, dtype=np.float64)
        indices, csr_pair = np.empty(2 * m, dtype=np.int64), np.empty(2 * m, dtype=np.int64)
        csr_cost, arcs = np.empty(2 * m, dtype=np.float64), np.empty(4 * m, dtype=np.int64)
        found, arc_count = _columns.topology(
            source, target, types, cost, _SYMMETRIC.view(np.uint8), degree, indptr,
            pairs, pair_cost, pair_edge, indices, csr_pair, csr_cost, arcs,
        )  # fmt: skip
        return cls(
            # the parts filled: the pages of the rest were never touched, so they take no memory
            arcs=arcs[: 2 * arc_count].reshape(-1, 2),
            csr_cost=csr_cost[: 2 * found],
            csr_pair=csr_pair[: 2 * found],
            degree=degree,
            indices=indices[: 2 * found],
            indptr=indptr,
            pair_cost=pair_cost[:found],
            pair_edge=pair_edge[:found],
            pairs=pairs[: 2 * found].reshape(-1, 2),
        )


class Rows(Sequence[list[Any]]):
    """The rows of a compressed sparse row layout: row ``u`` is
    ``values[indptr[u]:indptr[u + 1]]``, handed out as a list."""

    __slots__ = ("indptr", "values")

    def __init__(self, indptr: IntArray, values: npt.NDArray[Any]) -> None:
        self.indptr = indptr
        self.values = values

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @overload
    def __getitem__(self, u: SupportsIndex) -> list[Any]: ...

    @overload
    def __getitem__(self, u: slice) -> list[list[Any]]: ...

    def __getitem__(self, u: SupportsIndex | slice) -> list[Any] | list[list[Any]]:
        if isinstance(u, slice):
            return [self[k] for k in range(*u.indices(len(self)))]
        u = operator.index(u)
        if u < 0:
            u += len(self)
        if not 0 <= u < len(self):
            raise IndexError(u)
        result: list[Any] = self.values[self.indptr[u] : self.indptr[u + 1]].tolist()
        return result


def segments(starts: IntArray, ends: IntArray) -> IntArray:
    """The positions ``starts[i] .. ends[i] - 1`` of every ``i``, one after the other: the
    rows of a compressed sparse row layout, or texts in a buffer, gathered in one step.

    >>> segments(np.array([4, 0, 9]), np.array([6, 3, 9])).tolist()
    [4, 5, 0, 1, 2]
    """
    lengths = ends - starts
    total = int(lengths.sum())
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)


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


def _days(values: Sequence[Any]) -> IntArray:
    """The day (:func:`queries.timeline.day_of`) of each value, each distinct value once.

    >>> _days([2019, None, "2021-03-04", 2019.0, True]).tolist()
    [20190101, 0, 20210304, 0, 0]
    """
    kinds = set(map(type, values))
    if float in kinds or bool in kinds:  # equal to ints as keys, but not equal days
        return np.fromiter(map(day_of, values), dtype=np.int64, count=len(values))
    try:
        day = {v: day_of(v) for v in set(values)}
    except TypeError:  # an unhashable value (a list property)
        return np.fromiter(map(day_of, values), dtype=np.int64, count=len(values))
    return np.fromiter(map(day.__getitem__, values), dtype=np.int64, count=len(values))


class Results(Protocol):
    """Where a projection's expensive results are kept for every process
    (:class:`queries.shelf.Shelf`)."""

    def keeps(self, key: Hashable) -> bool:
        """True when the result of ``key`` is kept here."""
        ...

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept result of ``key``, computed (and kept) first when there is none."""
        ...


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
        topology: _Topology | None = None,
    ):
        self.version = version
        self.rel_types = rel_types
        self.as_of = as_of
        self._nodes = nodes
        self._edges = edges
        self.ids: Strings = nodes.ids
        shape = topology or _Topology.of(len(nodes.ids), edges)
        self._topology = shape
        self.degree: IntArray = shape.degree
        self.pairs: IntArray = shape.pairs
        self.pair_cost: npt.NDArray[np.float64] = shape.pair_cost
        self._pair_edge: IntArray = shape.pair_edge
        self.indptr: IntArray = shape.indptr
        self.indices: IntArray = shape.indices
        self.csr_pair: IntArray = shape.csr_pair
        # memoryviews: indexing one gives a Python int in a tenth of the time of an array
        self._rows = np.ascontiguousarray(shape.indptr).data
        self._neighbours = np.ascontiguousarray(shape.indices).data
        self._csr_pairs = np.ascontiguousarray(shape.csr_pair).data
        self._pair_edges = np.ascontiguousarray(shape.pair_edge).data
        self._edge_sources = np.ascontiguousarray(edges.source).data
        self._edge_targets = np.ascontiguousarray(edges.target).data
        self._edge_types = np.ascontiguousarray(edges.type).data
        self.adjacency: Rows = Rows(shape.indptr, shape.indices)
        self.arcs: IntArray = shape.arcs

        self._lock = threading.Lock()
        self._memo: dict[Hashable, Any] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.results: Results | None = None

    # --- nodes -----------------------------------------------------------------------------
    def number_of_nodes(self) -> int:
        """How many nodes the graph holds."""
        return len(self.ids)

    def node_index(self, node_id: str) -> int:
        """The index of ``node_id``; :class:`~queries.errors.NotFound` when there is none."""
        found = self._nodes.index(node_id)
        if found is None:
            raise NotFound(node_id)
        return found

    def type_counts(self, nodes: IntArray) -> dict[str, int]:
        """How many of ``nodes`` have each node type, by type name (types with none left out)."""
        per_type = np.bincount(self._nodes.types[nodes], minlength=len(NODE_TYPE_NAMES))
        return {NODE_TYPE_NAMES[t]: int(per_type[t]) for t in np.flatnonzero(per_type).tolist()}

    def country_counts(self, nodes: IntArray) -> dict[str, int]:
        """How many of ``nodes`` are in each country, by country (nodes without one left out)."""
        return self._nodes.countries.counts(nodes)

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
    def names(self) -> Strings:
        """Each node's ``name`` (the title of an achievement or a demand), as the store held it
        in this data version."""
        return self._nodes.names

    @property
    def fields(self) -> Sequence[str | None]:
        """Each node's ``field`` (achievements and demands), None for the others."""
        return self._nodes.fields

    @property
    def statuses(self) -> Sequence[str | None]:
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
    def relationship_ids(self) -> Strings:
        """The relationships' ids in id order."""
        return self._edges.ids

    @property
    def relationship_types(self) -> list[str]:
        """Each relationship's type, relationships in id order."""
        return [RELATION_TYPE_NAMES[t] for t in self._edges.type.tolist()]

    @property
    def relationship_type_codes(self) -> IntArray:
        """Each relationship's type as its position in
        :data:`graphsvc.model.RELATION_TYPE_NAMES`, relationships in id order."""
        return self._edges.type

    @property
    def relationship_ends(self) -> tuple[IntArray, IntArray]:
        """Each relationship's source and target node index, relationships in id order."""
        return self._edges.source, self._edges.target

    def relationships_among(self, nodes: IntArray) -> IntArray:
        """The relationships whose two ends are among ``nodes`` (distinct node indices), as
        positions in id order, ascending: each member's relationships leaving it, those
        entering another member kept; work in proportion to what leaves the members.

        Examples
        --------
        >>> from queries.examples import example_store
        >>> store = example_store()
        >>> p = projection(store)
        >>> members = np.array([p.node_index("lab-a"), p.node_index("uni-de")])
        >>> [p.relationship_ids[i] for i in p.relationships_among(members).tolist()]
        ['r9']
        >>> store.close()
        """
        by_source, starts = self.memo("relationships by source", self._relationships_by_source)
        member = np.zeros(len(self.ids), dtype=bool)
        member[nodes] = True
        leaving = by_source[segments(starts[nodes], starts[nodes + 1])]
        return np.sort(leaving[member[self._edges.target[leaving]]])

    def _relationships_by_source(self) -> tuple[IntArray, IntArray]:
        """The relationships' positions ordered by source, and where each node's start."""
        source = self._edges.source
        order = np.argsort(source, kind="stable").astype(np.int64, copy=False)
        starts = np.concatenate(([0], np.cumsum(np.bincount(source, minlength=len(self.ids)))))
        return order, starts.astype(np.int64, copy=False)

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
        ``region``; a filter given as None does not restrict. Work of the graph's size: never
        :func:`at_hand_only`."""
        making("a mask of every node")
        mask = np.ones(len(self.ids), dtype=bool)
        if types is not None:
            mask &= np.isin(self._nodes.types, [_TYPE_CODE[t] for t in types])
        if kinds is not None:
            any_kind = np.zeros(len(self.ids), dtype=bool)
            for kind in kinds:
                any_kind |= self._nodes.kinds.mask(kind)
            mask &= any_kind
        if country is not None:
            mask &= self._nodes.countries.mask(country)
        if region is not None:
            mask &= self._nodes.regions.mask(region)
        return mask

    # --- pairs -----------------------------------------------------------------------------
    def _pair(self, u: int, v: int) -> int:
        start, end = self._rows[u], self._rows[u + 1]
        k = bisect.bisect_left(self._neighbours, v, start, end)
        if k == end or self._neighbours[k] != v:
            raise KeyError((u, v))
        pair: int = self._csr_pairs[k]
        return pair

    def adjacency_costs(self) -> Rows:
        """U's edge costs aligned with :attr:`adjacency`: ``adjacency_costs()[u][k]`` is the cost
        of the pair ``(u, adjacency[u][k])``."""
        return Rows(self.indptr, self._topology.csr_cost)

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

    def relationship(self, e: int) -> Relationship:
        """Relationship ``e`` (a position in id order) as the store held it in this data
        version, properties and all."""
        return self._relationship(
            e, self.ids[self._edge_sources[e]], self.ids[self._edge_targets[e]]
        )

    def _relationship(self, e: int, source: str, target: str) -> Relationship:
        """Relationship ``e`` with the ids of its ends, already known to the caller."""
        edges = self._edges
        return Relationship(
            edges.ids[e],
            RELATION_TYPE_NAMES[self._edge_types[e]],
            source,
            target,
            orjson.loads(edges.properties.raw(e)),
        )

    def paths(self, routes: Sequence[Sequence[int]], *, weighted: bool = False) -> list[Path]:
        """:class:`~queries.results.Path` values for node-index routes, with the cheapest
        relationship of each pair (from this projection: the store is not read); each node's
        id is decoded once, for the path's nodes and its relationships' ends."""
        result = []
        for route in routes:
            names = [self.ids[i] for i in route]
            pairs = [self._pair(u, v) for u, v in itertools.pairwise(route)]
            relationships = []
            for hop, pair in enumerate(pairs):
                e = self._pair_edges[pair]
                near, far = names[hop], names[hop + 1]
                if self._edge_sources[e] == route[hop]:
                    relationships.append(self._relationship(e, near, far))
                else:
                    relationships.append(self._relationship(e, far, near))
            cost = sum(self.pair_cost[pairs].tolist()) if weighted else float(len(pairs))
            result.append(Path(names, relationships, len(pairs), cost))
        return result

    # --- derived forms, computed once ------------------------------------------------------
    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per projection (so once per data version) and ``key``; concurrent
        callers with the same key wait for the first. With :attr:`results` (a projection mapped
        from its file), the results it keeps are computed once for every process."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        making(repr(key))
        with key_lock:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]
            results = self.results
            if results is not None and results.keeps(key):
                value = results.get(key, compute)
            else:
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
        return Projection(
            self.version,
            self.rel_types,
            nodes.at(np.flatnonzero(alive)),
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
        node_ids: list[str] = []
        names: list[str] = []
        types: list[int] = []
        texts: dict[str, list[str | None]] = {name: [] for name in _TEXT_COLUMNS}
        node_dates: list[Any] = []
        for node in store.iter_nodes():
            props = node.properties
            node_ids.append(node.id)
            names.append(node.name)
            types.append(_TYPE_CODE[node.type])
            for name, value in zip(
                _TEXT_COLUMNS,
                (node.kind, node.country, node.region, props.get("field"), props.get("status")),
                strict=True,
            ):
                texts[name].append(value if isinstance(value, str) else None)
            since = NODE_TYPE_BY_NAME[node.type].since
            node_dates.append(None if since is None else props.get(since))
        edge_ids: list[str] = []
        rel_types: list[int] = []
        sources: list[str] = []
        targets: list[str] = []
        weights: list[float] = []
        dates: list[Any] = []
        properties: list[str] = []
        for edge in store.iter_edges():
            edge_ids.append(edge.id)
            rel_types.append(_REL_CODE[edge.type])
            sources.append(edge.source)
            targets.append(edge.target)
            weights.append(edge.weight)
            dates.append(edge.date)
            properties.append(edge.properties)
        if any(a > b for a, b in itertools.pairwise(edge_ids)):  # stores give id order already
            order = sorted(range(len(edge_ids)), key=edge_ids.__getitem__)
            edge_ids = [edge_ids[i] for i in order]
            rel_types = [rel_types[i] for i in order]
            sources = [sources[i] for i in order]
            targets = [targets[i] for i in order]
            weights = [weights[i] for i in order]
            dates = [dates[i] for i in order]
            properties = [properties[i] for i in order]
        return _assemble(
            version,
            _Columns(
                Strings.of(node_ids),
                Strings.of(names),
                np.asarray(types, dtype=np.int64),
                [Coded.of(texts[name]) for name in _TEXT_COLUMNS],
                _days(node_dates),
                Strings.of(edge_ids),
                np.asarray(rel_types, dtype=np.int64),
                Strings.of(sources),
                Strings.of(targets),
                np.asarray(weights, dtype=np.float64),
                _days(dates),
                Strings.of(properties),
            ),
        )

    @classmethod
    def from_columns(cls, columns: GraphColumns) -> Projection:
        """The projection of a store's graph read in bulk (:class:`BulkRead`)."""
        n = len(columns.node_types)
        m = len(columns.relationship_types)
        return _assemble(
            columns.data_version,
            _Columns(
                Strings.joined(columns.node_ids, n),
                Strings.joined(columns.node_names, n),
                np.asarray(columns.node_types, dtype=np.int64),
                [
                    Coded.of_strings(Strings.joined(getattr(columns, name), n))
                    for name in _TEXT_COLUMNS
                ],
                np.asarray(columns.node_days, dtype=np.int64),
                Strings.joined(columns.relationship_ids, m),
                np.asarray(columns.relationship_types, dtype=np.int64),
                Strings.joined(columns.sources, m),
                Strings.joined(columns.targets, m),
                np.asarray(columns.weights, dtype=np.float64),
                np.asarray(columns.relationship_days, dtype=np.int64),
                Strings.joined(columns.relationship_properties, m),
            ),
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Every array of this projection by name: what :meth:`from_arrays` takes back (a
        projection file holds them)."""
        nodes, edges = self._nodes, self._edges
        found: dict[str, npt.NDArray[Any]] = {}

        def strings(name: str, texts: Strings) -> None:
            found[f"{name}.data"] = texts.data
            found[f"{name}.starts"] = texts.starts
            found[f"{name}.ends"] = texts.ends

        strings("node.ids", nodes.ids)
        strings("node.names", nodes.names)
        found["node.types"] = nodes.types
        found["node.since"] = nodes.since
        for name in _TEXT_COLUMNS:
            column: Coded = getattr(nodes, name)
            found[f"node.{name}.codes"] = column.codes
            strings(f"node.{name}.vocabulary", column.vocabulary)
        strings("edge.ids", edges.ids)
        strings("edge.properties", edges.properties)
        for name in ("source", "target", "type", "cost", "since"):
            found[f"edge.{name}"] = getattr(edges, name)
        for name in _Topology._fields:
            found[f"topology.{name}"] = getattr(self._topology, name)
        return found

    @classmethod
    def from_arrays(cls, version: str, arrays: dict[str, npt.NDArray[Any]]) -> Projection:
        """The projection of :meth:`arrays` (arrays of a mapped file are used in place)."""

        def strings(name: str) -> Strings:
            return Strings(arrays[f"{name}.data"], arrays[f"{name}.starts"], arrays[f"{name}.ends"])

        nodes = _Nodes(
            strings("node.ids"),
            strings("node.names"),
            arrays["node.types"],
            arrays["node.since"],
            *(
                Coded(arrays[f"node.{name}.codes"], strings(f"node.{name}.vocabulary"))
                for name in _TEXT_COLUMNS
            ),
        )
        edges = _Edges(
            strings("edge.ids"),
            arrays["edge.source"],
            arrays["edge.target"],
            arrays["edge.type"],
            arrays["edge.cost"],
            arrays["edge.since"],
            strings("edge.properties"),
        )
        topology = _Topology(**{name: arrays[f"topology.{name}"] for name in _Topology._fields})
        return cls(version, None, nodes, edges, None, topology)


class _Columns(NamedTuple):
    """A graph read from a store, before it is put in integer form."""

    node_ids: Strings
    node_names: Strings
    node_types: IntArray
    texts: list[Coded]
    node_days: IntArray
    edge_ids: Strings
    edge_types: IntArray
    sources: Strings
    targets: Strings
    weights: npt.NDArray[np.float64]
    edge_days: IntArray
    edge_properties: Strings


def _assemble(version: str, columns: _Columns) -> Projection:
    """The projection of a graph read from a store: nodes put in id order (stores give them so
    already), endpoints as node indices, relationships whose end is missing left out.

    The ends are found among the node ids in C (``queries/_columns.c``: a hash table of the
    ids' UTF-8 bytes), a node id given twice standing for its last position, as a ``dict`` of
    the ids would."""
    ids = columns.node_ids
    node_order: IntArray | None = None
    if not _columns.ascending(ids.data, ids.starts, ids.ends):  # UTF-8 order: code points'
        listed = ids.tolist()
        node_order = np.array(sorted(range(len(listed)), key=listed.__getitem__), np.int64)
        ids = ids.at(node_order)
    m = len(columns.edge_types)
    source, target = np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64)
    for ends, found in ((columns.sources, source), (columns.targets, target)):
        _columns.positions(ids.data, ids.starts, ids.ends, ends.data, ends.starts, ends.ends, found)
    days = columns.node_days
    names, texts, types = columns.node_names, columns.texts, columns.node_types
    if node_order is not None:
        days, types, names = days[node_order], types[node_order], names.at(node_order)
        texts = [column.at(node_order) for column in texts]
    nodes = _Nodes(ids.packed(), names, types, days, *texts)
    edges = _Edges(
        columns.edge_ids,
        source,
        target,
        columns.edge_types,
        1.0 / columns.weights,
        columns.edge_days,
        columns.edge_properties,
    )
    kept = np.flatnonzero((source >= 0) & (target >= 0))
    if len(kept) < m:
        edges = edges.at(kept)
    return Projection(version, None, nodes, edges)


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

    def holds(self, rel_types: frozenset[str] | None, as_of: int | None) -> bool:
        """Whether the projection asked for is derived already (call with the lock held)."""
        derived = self.today if as_of is None else self.dated.get(as_of)
        return derived is not None and (rel_types is None or rel_types in derived.restricted)

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


PENDING_MARGIN: Final = 0.5
"""Seconds before a request's deadline at which its wait for a projection being built ends
with :class:`~queries.errors.Pending`, so that the answer leaves within the request's time."""

RETRY_AFTER: Final = 5
"""Seconds a request that found the projection still being built is asked to wait."""


def wait_for_build(what: str) -> None:
    """Before one more step of waiting for a projection being built elsewhere (another thread,
    process or child): :class:`~queries.errors.Pending` when the current deadline
    (:mod:`queries.deadline`) is near, else nothing."""
    limit = deadline.current()
    if limit is not None and time.monotonic() > limit - PENDING_MARGIN:
        raise Pending(
            f"the projection of the current data version is {what}; ask again in {RETRY_AFTER} s",
            RETRY_AFTER,
        )


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
    from queries.projection_file import shared_projection  # it builds on this module

    version = _at_hand.get() or store.data_version()
    acquired = cache.lock.acquire(blocking=False)
    while not acquired:
        making("a projection being read")
        wait_for_build("being read")
        acquired = cache.lock.acquire(timeout=0.05)
    try:
        if cache.today is None or cache.today.base.version != version:
            making("the projection of a data version")
            cache.today = _Derived(shared_projection(store))
            cache.dated.clear()
        if _at_hand.get() is not None and not cache.holds(wanted, day):
            making("a derived projection")
        return cache.get(wanted, day)
    finally:
        cache.lock.release()


class NotAtHand(Exception):
    """Something a question asked :func:`at_hand_only` needs is not made yet."""


_at_hand: ContextVar[str | None] = ContextVar("innonet_at_hand", default=None)
"""The data version of :func:`at_hand_only`, None outside it."""


@contextlib.contextmanager
def at_hand_only(version: str) -> Iterator[None]:
    """Within it, :func:`projection` gives the projection of the data version ``version``
    (the store's, read just before) without reading the store's version again, and it and
    what a projection makes on first use (its :meth:`~Projection.memo`, the prefixes that
    :meth:`~Projection.node_index` searches) raise :class:`NotAtHand` instead of reading,
    building, deriving or waiting for anything: a question whose work is small once those
    are made (a neighbourhood) can then be answered at once on the event loop, and is asked
    on a thread when it raises.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> with at_hand_only(store.data_version()):
    ...     projection(store)
    Traceback (most recent call last):
    queries.projection.NotAtHand: the projection of a data version
    >>> p = projection(store)
    >>> with at_hand_only(store.data_version()):
    ...     projection(store) is p, p.node_index("lab-a")
    Traceback (most recent call last):
    queries.projection.NotAtHand: the prefixes of texts
    >>> p.node_index("lab-a")
    7
    >>> with at_hand_only(store.data_version()):
    ...     projection(store) is p, p.node_index("lab-a")
    (True, 7)
    >>> with at_hand_only("0-another"):
    ...     projection(store)
    Traceback (most recent call last):
    queries.projection.NotAtHand: the projection of a data version
    >>> store.close()
    """
    token = _at_hand.set(version)
    try:
        yield
    finally:
        _at_hand.reset(token)


def making(what: str) -> None:
    """Before ``what`` is made, read or waited for: :class:`NotAtHand` within
    :func:`at_hand_only`, else nothing."""
    if _at_hand.get() is not None:
        raise NotAtHand(what)
