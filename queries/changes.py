"""How the network changed between two dates, and yearly series of the same figures.

Every figure reads the graph as of a date as :mod:`queries.timeline` defines it. A relationship
*exists* from the latest of its own date and its two ends' dates; it *appeared* between two dates
``a < b`` when it exists on ``b`` and not on ``a`` (the same for nodes). Undated nodes and
relationships exist on every date, so they never appear; :class:`Dating` counts them.

- **deals** of a broker: its BROKERED relationships existing on the date; its **share** is its
  deals over all brokers' deals on that date.
- a **country reached**: a country with an overseas channel that has at least one PARTNERS_WITH
  relationship on the date.
- a demand is **solved** once a SOLVES relationship to it exists; **match rate** on a date is the
  share of the demands existing then that are solved.
- a **transfer** is a TRANSFERRED_TO relationship; it counts in the period it appeared in, with
  its ``amount_cny`` (none: 0) under its ``mode`` (none: ``unspecified``) and under the kind of
  the institution that DEVELOPED the achievement (the first by id when several, ``unknown``
  when none): the seller, as the national annual report counts universities and institutes.
- **hubs**: the actors (Institution, Broker, Investor, OverseasChannel) ranked by a centrality
  metric on the graph as of each date (rank 1 first, ties by id).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from graphsvc.model import NODE_TYPE_NAMES, RELATION_TYPE_NAMES
from graphsvc.stores.contract import Store
from queries.centrality import METRICS, centrality_scores
from queries.errors import BadRequest, check_range
from queries.projection import ACTOR_TYPES, IntArray, Projection, projection
from queries.timeline import check_as_of, day_text

MAX_YEARS: Final = 100
"""Most years a trend covers."""
TOP_BROKERS: Final = 5
"""How many brokers make the top brokers' share."""

TREND_METRICS: Final = (
    "NODES",
    "RELATIONSHIPS",
    "NEW_NODES",
    "NEW_RELATIONSHIPS",
    "OVERSEAS_CHANNELS",
    "COUNTRIES_REACHED",
    "DEMANDS_POSTED",
    "DEMANDS_SOLVED",
    "MATCH_RATE",
    "TRANSFERS",
    "TRANSFER_AMOUNT",
    "TRANSFER_AMOUNT_BY_ACTOR",
    "TOP_BROKER_SHARE",
)
"""What :func:`trends` gives a yearly series of (see :data:`TREND_MEANINGS`)."""

TREND_MEANINGS: Final = {
    "NODES": "nodes existing at the year's end; parts by node type",
    "RELATIONSHIPS": "relationships existing at the year's end; parts by relation type",
    "NEW_NODES": "nodes that appeared in the year; parts by node type",
    "NEW_RELATIONSHIPS": "relationships that appeared in the year; parts by relation type",
    "OVERSEAS_CHANNELS": "overseas channels existing at the year's end; parts by country",
    "COUNTRIES_REACHED": "countries with a channel that has a partner at the year's end",
    "DEMANDS_POSTED": "demands that appeared in the year",
    "DEMANDS_SOLVED": "demands whose first SOLVES relationship appeared in the year",
    "MATCH_RATE": "share of the demands existing at the year's end that are solved",
    "TRANSFERS": "TRANSFERRED_TO relationships that appeared in the year; parts by mode",
    "TRANSFER_AMOUNT": "amount_cny of the year's transfers; parts by mode",
    "TRANSFER_AMOUNT_BY_ACTOR": "amount_cny of the year's transfers; parts by seller kind",
    "TOP_BROKER_SHARE": f"share of all deals held by the top {TOP_BROKERS} brokers at the "
    "year's end; parts: each of them (node id)",
}

_BROKER, _DEMAND, _CHANNEL = (
    NODE_TYPE_NAMES.index(t) for t in ("Broker", "Demand", "OverseasChannel")
)
_BROKERED, _SOLVES, _PARTNERS, _TRANSFERRED, _DEVELOPED = (
    RELATION_TYPE_NAMES.index(t)
    for t in ("BROKERED", "SOLVES", "PARTNERS_WITH", "TRANSFERRED_TO", "DEVELOPED")
)


@dataclass(frozen=True, slots=True)
class Dating:
    """How much of the graph as of ``as_of`` is dated."""

    as_of: str
    nodes: int
    undated_nodes: int
    relationships: int
    undated_relationships: int

    def sentence(self) -> str:
        """One line for the end of an answer.

        >>> Dating("2022-12-31", 10, 2, 30, 5).sentence()[:60]
        'as of 2022-12-31: 10 nodes (2 undated, counted as always the'
        """
        return (
            f"as of {self.as_of}: {self.nodes:,} nodes ({self.undated_nodes:,} undated, counted "
            f"as always there), {self.relationships:,} relationships "
            f"({self.undated_relationships:,} undated)"
        )


def dating(store: Store, as_of: str) -> Dating:
    """How many nodes and relationships the graph as of ``as_of`` holds, and how many of them
    are undated.

    Parameters
    ----------
    store : Store
        The graph store.
    as_of : str
        ``YYYY-MM-DD`` or ``YYYY`` (its 31 December).

    Returns
    -------
    Dating
        The counts.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> dating(store, "2018")
    Dating(as_of='2018-12-31', nodes=7, undated_nodes=2, relationships=5, undated_relationships=2)
    >>> store.close()
    """
    graph = projection(store, as_of=as_of)
    assert graph.as_of is not None
    return _dating(graph, graph.as_of)


def _dating(graph: Projection, day: int) -> Dating:
    return Dating(
        day_text(day),
        graph.number_of_nodes(),
        int(np.count_nonzero(graph.node_since == 0)),
        len(graph.relationship_ids),
        int(np.count_nonzero(graph.relationship_since == 0)),
    )


@dataclass(frozen=True, slots=True)
class HubMove:
    """An actor among the top hubs: its rank and score on the later date, its rank before."""

    node: str
    rank: int
    score: float
    rank_before: int | None  # None: it did not exist on the earlier date


@dataclass(frozen=True, slots=True)
class ShareMove:
    """A broker's deals and share of all deals on both dates."""

    node: str
    deals_before: int
    share_before: float
    deals: int
    share: float

    @property
    def change(self) -> float:
        return self.share - self.share_before


@dataclass(frozen=True, slots=True)
class Amount:
    """How many transfers, and their total ``amount_cny``."""

    count: int
    amount_cny: float


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed from ``before`` to ``after`` (see the module's definitions)."""

    before: Dating
    after: Dating
    nodes: dict[str, int]  # node type -> nodes that appeared
    relationships: dict[str, int]  # relation type -> relationships that appeared
    hub_metric: str
    hubs_before: list[HubMove]  # the top on the earlier date (rank_before: None)
    hubs: list[HubMove]  # the top on the later date, with their rank before
    brokers_rose: list[ShareMove]  # brokers whose share rose most, most first
    brokers_fell: list[ShareMove]  # brokers whose share fell most, most first
    new_channels: list[str]
    new_countries: list[str]
    demands_posted: int
    demands_solved: int
    transfers_by_mode: dict[str, Amount]
    transfers_by_actor: dict[str, Amount]


class _Timeline:
    """The full projection's days, with each relationship's effective day (the latest of its own
    and its two ends'), and the transfers' amounts, modes and seller kinds."""

    def __init__(self, store: Store, graph: Projection):
        self.graph = graph
        self.node_day = graph.node_since
        self.node_type = graph.type_codes
        source, target = graph.relationship_ends
        self.source, self.target = source, target
        self.rel_type = np.asarray(
            [RELATION_TYPE_NAMES.index(t) for t in graph.relationship_types], dtype=np.int64
        )
        self.rel_day = np.maximum(
            graph.relationship_since, np.maximum(self.node_day[source], self.node_day[target])
        )
        transfers = np.flatnonzero(self.rel_type == _TRANSFERRED)
        ids = [graph.relationship_ids[i] for i in transfers.tolist()]
        found = store.relationships(ids)
        seller = self._sellers()
        self.transfers = transfers
        self.amounts = np.asarray(
            [
                float(found[i].properties.get("amount_cny") or 0.0) if i in found else 0.0
                for i in ids
            ],
            dtype=np.float64,
        )
        self.modes = [
            str(found[i].properties.get("mode") or "unspecified") if i in found else "unspecified"
            for i in ids
        ]
        self.sellers = [seller.get(int(a), "unknown") for a in source[transfers].tolist()]

    def _sellers(self) -> dict[int, str]:
        """The kind of the first developer (by id) of each developed achievement."""
        developed = np.flatnonzero(self.rel_type == _DEVELOPED)
        first: dict[int, int] = {}
        for lab, achievement in zip(
            self.source[developed].tolist(), self.target[developed].tolist(), strict=True
        ):
            if achievement not in first or lab < first[achievement]:
                first[achievement] = lab
        return {a: self.graph.kind_of(lab) or "unknown" for a, lab in first.items()}

    def nodes_at(self, day: int) -> npt.NDArray[np.bool_]:
        return self.node_day <= day

    def rels_at(self, day: int) -> npt.NDArray[np.bool_]:
        return self.rel_day <= day

    def by_type(self, codes: IntArray, names: Sequence[str]) -> dict[str, int]:
        counts = np.bincount(codes, minlength=len(names))
        return {name: int(c) for name, c in zip(names, counts.tolist(), strict=True) if c}

    def deals(self, day: int) -> npt.NDArray[np.int64]:
        """Each node's BROKERED relationships existing on ``day``."""
        live = self.rels_at(day) & (self.rel_type == _BROKERED)
        return np.bincount(self.source[live], minlength=len(self.node_day))

    def countries(self, day: int) -> set[str]:
        live = self.rels_at(day) & (self.rel_type == _PARTNERS)
        channels = set(self.target[live].tolist())
        graph = self.graph
        return {c for v in channels if (c := graph.country_of(v)) is not None}

    def solved_day(self) -> npt.NDArray[np.int64]:
        """Each node's day of its first SOLVES relationship (a large number when none)."""
        first = np.full(len(self.node_day), 10**9, dtype=np.int64)
        solves = self.rel_type == _SOLVES
        np.minimum.at(first, self.target[solves], self.rel_day[solves])
        return first

    def transfers_in(self, after: int, until: int) -> npt.NDArray[np.bool_]:
        days = self.rel_day[self.transfers]
        return (days > after) & (days <= until)


def _timeline(store: Store) -> _Timeline:
    graph = projection(store)
    return graph.memo("timeline", lambda: _Timeline(store, graph))


def _period(from_: str, to: str) -> tuple[int, int]:
    before, after = check_as_of(from_), check_as_of(to)
    assert before is not None and after is not None
    if before >= after:
        raise BadRequest(f"from {from_!r} must be before to {to!r}")
    return before, after


def _amounts(keys: Sequence[str], amounts: npt.NDArray[np.float64]) -> dict[str, Amount]:
    count: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for key, amount in zip(keys, amounts.tolist(), strict=True):
        count[key] += 1
        total[key] += amount
    return {key: Amount(count[key], total[key]) for key in sorted(count)}


def changes(
    store: Store, from_: str, to: str, *, hub_metric: str = "DEGREE", top: int = 10
) -> Changes:
    """What changed in the network from one date to a later one.

    Parameters
    ----------
    store : Store
        The graph store.
    from_, to : str
        The two dates, ``YYYY-MM-DD`` or ``YYYY`` (its 31 December); ``from_`` before ``to``.
    hub_metric : str, default "DEGREE"
        The centrality metric (:data:`queries.centrality.METRICS`) that ranks the hubs.
    top : int, default 10
        How many hubs, rising and falling brokers to list (up to 1000).

    Returns
    -------
    Changes
        Counts of what appeared, the hubs and brokers on both dates, new channels and
        countries, demands posted and solved, transfers by mode and by seller kind.

    Raises
    ------
    BadRequest
        When a date is not a date, ``from_`` is not before ``to``, or the metric is unknown.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = changes(store, "2018", "2021")
    >>> found.nodes, found.relationships
    ({'Achievement': 1, 'Demand': 1}, {'DEVELOPED': 1, 'BROKERED': 1, 'RAISED': 1, 'SOLVES': 1})
    >>> found.demands_posted, found.demands_solved
    (1, 1)
    >>> [(h.node, h.rank, h.rank_before) for h in found.hubs[:2]]
    [('ent-b', 1, 2), ('lab-a', 2, 3)]
    >>> [(b.node, b.share_before, b.share) for b in found.brokers_rose]
    [('broker-east', 0.0, 1.0)]
    >>> store.close()
    """
    before, after = _period(from_, to)
    metric = hub_metric.upper()
    if metric not in METRICS:
        raise BadRequest(f"unknown centrality metric {hub_metric!r}; known: {', '.join(METRICS)}")
    check_range("top", top, maximum=1000)
    line = _timeline(store)
    old, new = projection(store, as_of=from_), projection(store, as_of=to)
    appeared = line.nodes_at(after) & ~line.nodes_at(before)
    rels = line.rels_at(after) & ~line.rels_at(before)
    deals_old, deals_new = line.deals(before), line.deals(after)
    total_old, total_new = max(int(deals_old.sum()), 1), max(int(deals_new.sum()), 1)
    moves = [
        ShareMove(
            line.graph.ids[b],
            int(deals_old[b]),
            int(deals_old[b]) / total_old,
            int(deals_new[b]),
            int(deals_new[b]) / total_new,
        )
        for b in np.flatnonzero(
            (line.node_type == _BROKER) & ((deals_old > 0) | (deals_new > 0))
        ).tolist()
    ]
    solved = line.solved_day()
    demand = line.node_type == _DEMAND
    moved = line.transfers_in(before, after)
    ranks_old = _ranks(store, old, metric)
    hubs_old = sorted(ranks_old.items(), key=lambda item: item[1][0])[:top]
    hubs_new = sorted(_ranks(store, new, metric).items(), key=lambda item: item[1][0])[:top]
    return Changes(
        before=_dating(old, before),
        after=_dating(new, after),
        nodes=line.by_type(line.node_type[appeared], NODE_TYPE_NAMES),
        relationships=line.by_type(line.rel_type[rels], RELATION_TYPE_NAMES),
        hub_metric=metric,
        hubs_before=[HubMove(node, rank, score, None) for node, (rank, score) in hubs_old],
        hubs=[
            HubMove(node, rank, score, ranks_old[node][0] if node in ranks_old else None)
            for node, (rank, score) in hubs_new
        ],
        brokers_rose=sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.node))[
            :top
        ],
        brokers_fell=sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.node))[
            :top
        ],
        new_channels=[
            line.graph.ids[v] for v in np.flatnonzero(appeared & (line.node_type == _CHANNEL))
        ],
        new_countries=sorted(line.countries(after) - line.countries(before)),
        demands_posted=int(np.count_nonzero(appeared & demand)),
        demands_solved=int(np.count_nonzero(demand & (solved > before) & (solved <= after))),
        transfers_by_mode=_amounts(
            [m for m, keep in zip(line.modes, moved.tolist(), strict=True) if keep],
            line.amounts[moved],
        ),
        transfers_by_actor=_amounts(
            [s for s, keep in zip(line.sellers, moved.tolist(), strict=True) if keep],
            line.amounts[moved],
        ),
    )


def _ranks(store: Store, graph: Projection, metric: str) -> dict[str, tuple[int, float]]:
    """Each actor's rank (from 1) and score among the actors of ``graph``."""
    scores = centrality_scores(store, graph, metric)
    actors = graph.node_mask(types=ACTOR_TYPES)
    order = scores.order[actors[scores.order]].tolist()
    return {graph.ids[i]: (rank, float(scores.values[i])) for rank, i in enumerate(order, 1)}


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One year of a trend: its value and the value's parts (by type, mode, ...)."""

    year: int
    value: float
    parts: dict[str, float]


@dataclass(frozen=True, slots=True)
class Trend:
    """A yearly series of one metric."""

    metric: str
    meaning: str
    points: list[TrendPoint]


def trends(store: Store, metric: str, from_year: int, to_year: int) -> Trend:
    """A yearly series of ``metric`` from ``from_year`` to ``to_year`` (both included).

    Parameters
    ----------
    store : Store
        The graph store.
    metric : str
        One of :data:`TREND_METRICS` (any case); :data:`TREND_MEANINGS` says what each counts.
    from_year, to_year : int
        The first and last year, at most :data:`MAX_YEARS` years.

    Returns
    -------
    Trend
        One point per year, its value and parts.

    Raises
    ------
    BadRequest
        When the metric is unknown or the years are out of order or too many.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> [(p.year, p.value) for p in trends(store, "new_nodes", 2018, 2020).points]
    [(2018, 0.0), (2019, 1.0), (2020, 1.0)]
    >>> [(p.year, p.value) for p in trends(store, "match_rate", 2020, 2021).points]
    [(2020, 0.0), (2021, 1.0)]
    >>> store.close()
    """
    name = metric.upper() if isinstance(metric, str) else metric
    if name not in TREND_METRICS:
        raise BadRequest(f"unknown trend metric {metric!r}; known: {', '.join(TREND_METRICS)}")
    for label, year in (("from", from_year), ("to", to_year)):
        if not isinstance(year, int) or not 1800 <= year <= 2100:
            raise BadRequest(f"{label} year {year!r} is outside the years 1800-2100")
    if to_year < from_year or to_year - from_year >= MAX_YEARS:
        raise BadRequest(
            f"the years {from_year}-{to_year} must run forward and span at most {MAX_YEARS}"
        )
    line = _timeline(store)
    points = [
        _point(line, name, year, year * 10000 + 1231, (year - 1) * 10000 + 1231)
        for year in range(from_year, to_year + 1)
    ]
    return Trend(name, TREND_MEANINGS[name], points)


def _point(line: _Timeline, metric: str, year: int, day: int, before: int) -> TrendPoint:
    nodes, rels = line.nodes_at(day), line.rels_at(day)
    if metric == "NODES":
        parts = line.by_type(line.node_type[nodes], NODE_TYPE_NAMES)
    elif metric == "RELATIONSHIPS":
        parts = line.by_type(line.rel_type[rels], RELATION_TYPE_NAMES)
    elif metric == "NEW_NODES":
        parts = line.by_type(line.node_type[nodes & ~line.nodes_at(before)], NODE_TYPE_NAMES)
    elif metric == "NEW_RELATIONSHIPS":
        parts = line.by_type(line.rel_type[rels & ~line.rels_at(before)], RELATION_TYPE_NAMES)
    elif metric == "OVERSEAS_CHANNELS":
        channels = np.flatnonzero(nodes & (line.node_type == _CHANNEL)).tolist()
        parts = dict(Counter(line.graph.country_of(v) or "unknown" for v in channels))
    elif metric == "COUNTRIES_REACHED":
        return TrendPoint(year, float(len(line.countries(day))), {})
    elif metric in ("DEMANDS_POSTED", "DEMANDS_SOLVED", "MATCH_RATE"):
        demand = line.node_type == _DEMAND
        solved = line.solved_day()
        if metric == "DEMANDS_POSTED":
            value = float(np.count_nonzero(demand & nodes & ~line.nodes_at(before)))
        elif metric == "DEMANDS_SOLVED":
            value = float(np.count_nonzero(demand & (solved > before) & (solved <= day)))
        else:
            existing = np.count_nonzero(demand & nodes)
            solved_then = np.count_nonzero(demand & (solved <= day))
            value = float(solved_then / existing) if existing else 0.0
        return TrendPoint(year, value, {})
    elif metric == "TOP_BROKER_SHARE":
        deals = line.deals(day)
        total = int(deals.sum())
        brokers = np.flatnonzero((line.node_type == _BROKER) & (deals > 0))
        top = brokers[np.lexsort((brokers, -deals[brokers]))][:TOP_BROKERS].tolist()
        shares = {line.graph.ids[b]: float(deals[b] / total) for b in top}
        return TrendPoint(year, sum(shares.values()), shares)
    else:
        moved = line.transfers_in(before, day)
        keys = line.sellers if metric == "TRANSFER_AMOUNT_BY_ACTOR" else line.modes
        chosen = _amounts(
            [k for k, keep in zip(keys, moved.tolist(), strict=True) if keep],
            line.amounts[moved],
        )
        if metric == "TRANSFERS":
            return TrendPoint(
                year, float(np.count_nonzero(moved)), {k: float(a.count) for k, a in chosen.items()}
            )
        return TrendPoint(
            year, float(line.amounts[moved].sum()), {k: a.amount_cny for k, a in chosen.items()}
        )
    return TrendPoint(year, float(sum(parts.values())), {k: float(v) for k, v in parts.items()})
