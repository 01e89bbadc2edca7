"""What every store implements, and the values it speaks in.

A store holds one graph. It is refreshed one *source* at a time (see ../shared/DATA_CONTRACT.md):
``refresh`` replaces everything that source held with the rows it is given, atomically, and
prunes what the source no longer holds. Readers never see a half-done refresh.

The rows handed to ``refresh`` are already valid (the loaders check them against the model);
a store still refuses rows that would break the graph (an endpoint that exists nowhere, an id
held by a node of another type) with :class:`RefreshConflict`, writing nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
import orjson


@dataclass(slots=True)
class Node:
    """A node as stored. ``type`` is the model's node type name (``"Broker"``).

    ``name`` is the ``name`` column (``title`` for achievements and demands). ``properties`` holds
    every other column of the row (``kind``, ``country`` and ``region`` included) with its declared
    type; empty cells are absent.

    Treat it as a value: nothing changes a node once made. It is not a frozen dataclass because a
    load makes two a row (the check and the write), and a frozen one takes 0.62 us to make, this
    one 0.14 us: 1.1 s of a 1.2M-row load.
    """

    id: str
    type: str
    name: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        value = self.properties.get("kind")
        return value if isinstance(value, str) else None

    @property
    def country(self) -> str | None:
        value = self.properties.get("country")
        return value if isinstance(value, str) else None

    @property
    def region(self) -> str | None:
        value = self.properties.get("region")
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class Relationship:
    """A relationship as stored. ``id`` is the row's ``id`` or :func:`graphsvc.model.relation_id`.

    ``properties`` holds every column besides ``id``, ``source``, ``target`` and ``type``;
    ``weight`` is always present (default 1.0). A value, not frozen for the reason
    :class:`Node` gives.
    """

    id: str
    type: str
    source: str
    target: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def weight(self) -> float:
        return float(self.properties.get("weight", 1.0))


_CANONICAL_JSON: Final = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_PLAIN_VALUES: Final = frozenset((str, int, bool, type(None)))


def encode_properties(properties: dict[str, Any]) -> str:
    """Properties as canonical JSON, so that equal properties give equal text (control
    characters escaped, so the text never holds :data:`COLUMN_SEPARATOR`).

    The text is ``json``'s (sorted keys, no spaces, no ASCII escapes), written by orjson (a
    seventh of the time) when orjson writes the very same text: keys that are texts, values
    that are texts, integers, booleans, None, lists of texts, or floats from 1e-4 up to 1e16,
    which both write as ``repr`` does (orjson writes 9.999e-05 as 0.00009999, NaN as null); a
    text that changed would mark the row changed on the next load. Anything else is written by
    ``json``.

    >>> encode_properties({"weight": 2.0, "date": "2020-01-02", "note": "上海"})
    '{"date":"2020-01-02","note":"上海","weight":2.0}'
    >>> encode_properties({"small": 1.5e-07, "tags": ["a"]})
    '{"small":1.5e-07,"tags":["a"]}'
    """
    if _orjson_writes_the_same(properties):
        try:
            return orjson.dumps(properties, option=orjson.OPT_SORT_KEYS).decode()
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate
            pass
    return _CANONICAL_JSON.encode(properties)


def _orjson_writes_the_same(properties: dict[str, Any]) -> bool:
    if type(properties) is not dict:
        return False
    for key, value in properties.items():
        kind = type(value)
        if type(key) is not str:
            return False
        if kind is float:
            if not (1e-4 <= abs(value) < 1e16 or value == 0.0):
                return False
        elif kind is list:
            if any(type(item) is not str for item in value):
                return False
        elif kind not in _PLAIN_VALUES:
            return False
    return True


class Edge(NamedTuple):
    """The light form of a relationship that projections are built from; ``date`` is its
    :data:`~graphsvc.model.RELATION_SINCE` property (None when undated), ``properties`` all of
    its properties as :func:`encode_properties` writes them (what a path shows)."""

    id: str
    type: str
    source: str
    target: str
    weight: float
    date: str | None = None
    properties: str = "{}"


class NodeRef(NamedTuple):
    """What validation needs to know of a node already in the graph."""

    type: str
    sources: frozenset[str]


@dataclass(frozen=True, slots=True)
class TypeChanges:
    """How one node or relation type changed in a refresh."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """The outcome of a refresh: changes per node type and per relation type, and timing."""

    source: str
    nodes: dict[str, TypeChanges]
    relationships: dict[str, TypeChanges]
    seconds: float
    data_version: str

    @property
    def changed(self) -> bool:
        return any(
            c.created or c.updated or c.removed
            for c in (*self.nodes.values(), *self.relationships.values())
        )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One loaded source: its name, when it was last loaded (ISO 8601, UTC) and what it holds."""

    name: str
    loaded_at: str
    nodes: int
    relationships: int


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """Counts of the whole graph, per node type, per relation type and per source."""

    nodes: int
    relationships: int
    by_type: dict[str, int]
    by_relation_type: dict[str, int]
    sources: list[SourceInfo]
    data_version: str

    def as_json(self) -> dict[str, Any]:
        """The ``innonet stats --json`` object of DATA_CONTRACT.md."""
        return {
            "nodes": self.nodes,
            "relationships": self.relationships,
            "by_type": self.by_type,
            "by_relation_type": self.by_relation_type,
            "sources": [
                {
                    "name": s.name,
                    "loaded_at": s.loaded_at,
                    "nodes": s.nodes,
                    "relationships": s.relationships,
                }
                for s in self.sources
            ],
            "data_version": self.data_version,
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results in a stable order (name, then id).

    ``end_cursor`` is an opaque cursor to pass as ``after`` for the next page, None when the page
    is empty; ``total`` counts every match.
    """

    nodes: list[Node]
    total: int
    has_next: bool
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """What ``search`` matches. ``text`` is a case-insensitive substring of the name (or id);
    the other fields are exact matches, a sequence meaning "any of these"."""

    text: str | None = None
    types: Sequence[str] | None = None
    kinds: Sequence[str] | None = None
    country: str | None = None
    region: str | None = None


def encode_cursor(name: str, id: str) -> str:
    """The opaque search cursor of the node ``(name, id)``: search pages run in that order.

    >>> decode_cursor(encode_cursor("上海交通大学", "sjtu"))
    ('上海交通大学', 'sjtu')
    """
    raw = json.dumps([name, id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The ``(name, id)`` of a cursor from :func:`encode_cursor`; ``ValueError`` for any other text.

    >>> decode_cursor("bogus")
    Traceback (most recent call last):
    ...
    ValueError: invalid cursor 'bogus': pass an endCursor from an earlier page
    """
    problem = f"invalid cursor {cursor!r}: pass an endCursor from an earlier page"
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError(problem) from exc
    if not isinstance(name, str) or not isinstance(id, str):
        raise ValueError(problem)
    return name, id


Progress = Callable[[str, int], None]
"""Called as ``progress(stage, rows_done)`` while a refresh writes, for progress bars."""


class StoreError(Exception):
    """A store could not do what was asked (unreachable, locked, corrupt); the message says why."""


class StoreBusy(StoreError):
    """Another refresh holds the store and did not finish within the wait allowed."""


class RefreshConflict(StoreError):
    """The rows would break the graph; nothing was written. ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} conflict(s) with the graph: " + "; ".join(problems[:5]))


@runtime_checkable
class Store(Protocol):
    """The contract of a graph store. Every method is safe to call from several threads."""

    uri: str
    in_process: bool
    """True when reads run in this process without waiting on anything (the embedded file): a
    read of a few rows by key then costs less than handing it to a thread (the service's node
    DataLoader reads on its event loop)."""

    def close(self) -> None:
        """Release connections and files."""

    # --- writing -------------------------------------------------------------------------
    def refresh(
        self,
        source: str,
        nodes: Iterable[Node],
        relationships: Iterable[Relationship],
        *,
        progress: Progress | None = None,
    ) -> RefreshReport:
        """Make ``source`` hold exactly these nodes and relationships, atomically.

        Nodes and relationships the source held before and not now are released; a node that no
        other source holds is removed with every relationship touching it. Where a node is held
        by several sources, the properties of this refresh win. The data version changes.
        Raises :class:`RefreshConflict` (nothing written) for a relationship whose endpoint will
        not exist or whose endpoint types do not fit, or a node id held by another type;
        :class:`StoreBusy` when another refresh holds the store.
        """
        ...

    # --- reading -------------------------------------------------------------------------
    def data_version(self) -> str:
        """An opaque token that changes on every successful refresh."""
        ...

    def node(self, id: str) -> Node | None: ...

    def nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        """The nodes among ``ids`` that exist, by id (one round trip; for DataLoaders)."""
        ...

    def node_refs(self, ids: Iterable[str]) -> dict[str, NodeRef]:
        """Type and holding sources of the nodes among ``ids`` that exist (for validation)."""
        ...

    def relationships(self, ids: Sequence[str]) -> dict[str, Relationship]:
        """The relationships among ``ids`` that exist, by id."""
        ...

    def relationships_of(
        self,
        node_ids: Sequence[str],
        *,
        rel_types: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """Every relationship touching any of ``node_ids`` (either direction), ordered by id."""
        ...

    def relationships_among(
        self,
        node_ids: Sequence[str],
        *,
        rel_types: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """Every relationship whose source and target are both among ``node_ids``, ordered by
        id: what a subgraph of those nodes shows, read without the relationships leaving it."""
        ...

    def search(
        self, where: SearchFilter, *, first: int = 20, after: str | None = None
    ) -> SearchPage:
        """Nodes matching ``where``, ordered by name then id, ``first`` at a time."""
        ...

    def counts(self) -> GraphCounts: ...

    def iter_nodes(self) -> Iterator[Node]:
        """Every node, ordered by id (streamed)."""
        ...

    def iter_edges(self) -> Iterator[Edge]:
        """Every relationship in its light form, ordered by id (streamed; for projections)."""
        ...


@runtime_checkable
class PathPushdown(Protocol):
    """Optional: a store that finds shortest paths itself (Neo4j's ``shortestPath``).

    ``queries`` uses it for unweighted shortest paths when the store offers it; the answer must
    equal the networkx projection's (same length; any one shortest path).
    """

    def shortest_path_relationships(
        self,
        source: str,
        target: str,
        *,
        max_hops: int,
        via: Sequence[str] | None,
        rel_types: Sequence[str] | None,
    ) -> list[Relationship] | None:
        """The relationships along one shortest path from ``source`` to ``target`` on U (either
        direction), in path order; ``[]`` when source == target; None when no path of at most
        ``max_hops`` exists. ``via`` restricts intermediate node types, ``rel_types`` relations."""
        ...


class PushedScores(NamedTuple):
    """Scores a store computed itself: ``{node id: score}`` for every node, whether they are
    estimates, and how they were computed (shown to users as the result's ``method``)."""

    scores: dict[str, float]
    approximate: bool
    method: str


@runtime_checkable
class CentralityPushdown(Protocol):
    """Optional: a store that scores centrality itself (Neo4j with Graph Data Science).

    Returns None when it cannot (no plugin, metric not offered, no estimate of its own when
    ``samples`` asks for one); ``queries`` then computes on the projection. Scores must follow
    the meanings of API_CONTRACT.md. Whether a cost-per-source metric is exact is decided by
    ``queries`` (:func:`queries.centrality.search_plan`, by work and time budget), the same way
    for every store; ``queries`` asks a store only for exact scores and computes estimates on
    the projection itself, so that every store gives the same estimate.
    """

    def centrality_scores(
        self, metric: str, *, samples: int | None, seed: int
    ) -> PushedScores | None:
        """Every node's ``metric`` score (DEGREE, PAGERANK, BETWEENNESS, CLOSENESS, HARMONIC), or
        None. With ``samples`` a cost-per-source metric is estimated from at most ``samples``
        source nodes drawn with ``seed`` (and flagged ``approximate``), or None; exact without."""
        ...


COLUMN_SEPARATOR: Final = "\x1f"
"""What joins the values of a text column of :class:`GraphColumns`."""


@dataclass(frozen=True, slots=True)
class GraphColumns:
    """Every node and relationship of one data version, column by column, each in id order:
    what a projection is built from when the store reads the graph in bulk (:class:`BulkRead`).

    Text columns hold their values' UTF-8 joined by :data:`COLUMN_SEPARATOR`, an empty value for
    none (``b"a\x1f\x1fb"``: ``a``, none, ``b``; bytes: neither decoded nor encoded again on
    their way into a projection); ``node_types`` and ``relationship_types`` are
    positions in the model's ``NODE_TYPE_NAMES`` and ``RELATION_TYPE_NAMES``; ``node_days``
    holds each node's day (:func:`graphsvc.model.day_of` of its type's ``since`` property) and
    ``relationship_days`` each relationship's day (:func:`graphsvc.model.day_of` of its
    ``RELATION_SINCE`` property);
    ``relationship_properties`` each relationship's properties as :func:`encode_properties`
    writes them, a text column too (JSON escapes :data:`COLUMN_SEPARATOR`).
    """

    data_version: str
    node_ids: bytes
    node_names: bytes
    node_types: npt.NDArray[np.int64]
    kinds: bytes
    countries: bytes
    regions: bytes
    fields: bytes
    statuses: bytes
    node_days: npt.NDArray[np.int64]
    relationship_ids: bytes
    relationship_types: npt.NDArray[np.int64]
    sources: bytes
    targets: bytes
    weights: npt.NDArray[np.float64]
    relationship_days: npt.NDArray[np.int64]
    relationship_properties: bytes


@runtime_checkable
class BulkRead(Protocol):
    """Optional: a store that reads its whole graph in one consistent snapshot, column by column
    (the embedded store: a few SQL aggregates instead of a Python object a row)."""

    def graph_columns(self) -> GraphColumns | None:
        """The graph of the current data version; None when a value holds
        :data:`COLUMN_SEPARATOR` (then ``iter_nodes`` and ``iter_edges`` are read instead)."""
        ...
