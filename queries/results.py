"""The values query functions answer with: plain dataclasses of node ids and relationships.

Node ids stand for nodes; callers fetch the nodes they show (``store.nodes(ids)``) in one go.
Relationships are the store's :class:`~graphsvc.stores.contract.Relationship` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphsvc.stores.contract import Relationship


@dataclass(frozen=True, slots=True)
class Path:
    """A route between two nodes.

    ``nodes`` are ids, source first; ``relationships[i]`` joins ``nodes[i]`` and ``nodes[i + 1]``
    in either direction (the cheapest of those joining the pair, then the smallest id).
    ``length`` counts relationships; ``cost`` equals ``length`` for hop-count paths and is the sum
    of ``1 / weight`` for weighted paths.
    """

    nodes: list[str]
    relationships: list[Relationship]
    length: int
    cost: float


@dataclass(frozen=True, slots=True)
class Intermediary:
    """A node on simple paths between two nodes: how many pass through it, the shortest of them
    (``shortest_hops``, in relationships) and up to ``evidence`` of those paths, shortest first."""

    node: str
    path_count: int
    shortest_hops: int
    paths: list[Path]


@dataclass(frozen=True, slots=True)
class Intermediaries:
    """Intermediaries ranked by ``path_count`` descending, then ``shortest_hops``, then id.

    ``paths_examined`` counts the simple paths enumerated; ``truncated`` is true when the work cap
    stopped the enumeration (the counts then cover every path shorter than the length being
    enumerated when it stopped, and part of that length).
    """

    items: list[Intermediary]
    truncated: bool
    paths_examined: int


@dataclass(frozen=True, slots=True)
class Score:
    """One node's place in a ranking; ``rank`` starts at 1."""

    rank: int
    score: float
    node: str


@dataclass(frozen=True, slots=True)
class CentralityResult:
    """The ``top`` scores of ``metric`` among the nodes matching the filters.

    ``approximate`` is true when the scores are estimates; ``method`` says how they were computed.
    """

    metric: str
    approximate: bool
    method: str
    scores: list[Score]


@dataclass(frozen=True, slots=True)
class Ball:
    """The members of a neighbourhood (ids, in breadth-first order, and their names) and the
    relationships among them (ordered by id) as a projection holds them: each one's id, type,
    source and target, its other properties left in the store."""

    nodes: list[str]
    names: list[str]
    relationship_ids: list[str]
    relationship_types: list[str]
    sources: list[str]
    targets: list[str]
    truncated: bool


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Nodes (ids, in breadth-first order) and the relationships among them, ordered by id."""

    nodes: list[str]
    relationships: list[Relationship]
    truncated: bool


BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
"""The five roles of Gould and Fernandez (1989) for a broker ``b`` on an open two-path
``a -> b -> c`` (no ``a -> c``): coordinator (a, b, c in one group), itinerant or consultant
(a and c in one group, b in another), representative (a and b in one group, c in another),
gatekeeper (b and c in one group, a in another), liaison (all three in different groups)."""


@dataclass(frozen=True, slots=True)
class BrokerageProfile:
    """One node's brokerage: for each role of :data:`BROKERAGE_ROLES` the count of open two-paths
    it brokers in that role, the count expected if group labels were shuffled, and the z-score.

    ``group`` is the node's group (its type or kind); ``total`` the sum of the counts.
    """

    node: str
    group: str
    total: int
    counts: dict[str, int]
    expected: dict[str, float]
    z_scores: dict[str, float]


@dataclass(frozen=True, slots=True)
class StructuralHole:
    """Burt's measures of one node on U: ``effective_size`` (non-redundant contacts) and
    ``constraint`` (how much its contacts tie back to each other; low means it spans holes)."""

    node: str
    degree: int
    effective_size: float
    constraint: float


@dataclass(frozen=True, slots=True)
class Separation:
    """What a removal cuts off: the nodes separated from the largest remaining piece of the
    component, counted (``size``), in how many ``pieces``, by node type and by country."""

    size: int
    pieces: int
    types: dict[str, int]
    countries: dict[str, int]


@dataclass(frozen=True, slots=True)
class CutPoint:
    """An articulation point of U: removing ``node`` splits its component (of
    ``component_size`` nodes) and cuts off ``separation`` from the largest remaining piece."""

    node: str
    component_size: int
    separation: Separation


@dataclass(frozen=True, slots=True)
class Bridge:
    """A bridge of U between ``nodes[0]`` and ``nodes[1]`` (ids in order) carried by
    ``relationships`` (all relationships joining the pair); removing them cuts off
    ``separation`` (the smaller side) from a component of ``component_size`` nodes."""

    nodes: tuple[str, str]
    relationships: list[str]
    component_size: int
    separation: Separation


@dataclass(frozen=True, slots=True)
class Fragility:
    """Single points of failure, each ranked by the size cut off descending, then id."""

    cut_points: list[CutPoint]
    bridges: list[Bridge]


@dataclass(frozen=True, slots=True)
class Community:
    """One community: its size, members (ids, sorted), counts by node type and by country, and
    its hubs (the members with most relationships inside the community, then id)."""

    rank: int
    size: int
    types: dict[str, int]
    countries: dict[str, int]
    hubs: list[str]
    members: list[str] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Communities:
    """A partition of U into communities (Leiden, modularity): ``total`` communities, the
    largest ``items`` by size descending, then smallest member id; ``modularity`` of the whole
    partition."""

    modularity: float
    seed: int
    resolution: float
    total: int
    items: list[Community]
