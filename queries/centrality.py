"""Who the hubs are: centrality scores with the meanings of API_CONTRACT.md, fast.

networkx defines what each score means; the work runs on compiled engines and the tests prove
the answers equal networkx's (within float tolerance):

============ ===================================================== =================================
metric       meaning (networkx)                                    computed by
============ ===================================================== =================================
DEGREE       relationships touching the node                       numpy, from the projection
PAGERANK     ``pagerank(D, alpha=0.85)``                           scipy.sparse power iteration, the
                                                                   same iteration as networkx's
BETWEENNESS  ``betweenness_centrality(U, normalized=True)``        igraph (Brandes)
CLOSENESS    ``closeness_centrality(U)`` (Wasserman-Faust scaled)  igraph
HARMONIC     ``harmonic_centrality(U)``                            igraph
============ ===================================================== =================================

**Exact or estimated, by work.** DEGREE and PAGERANK are always exact. BETWEENNESS, CLOSENESS and
HARMONIC cost one breadth-first search per source node, and a search from a node of component
``C`` visits about ``|C| + 2 m_C`` neighbour entries. :func:`search_plan` adds that up: when the
exact scores (every node a source) fit the time budget at :func:`search_rate` entries per second
they are exact; otherwise they are *estimated from pivots* and flagged ``approximate``. The budget
is :data:`BUDGET` seconds, the same for every caller, so that every process and store plans the
same scores (a budget shrunk to a request's time left gave two services two estimates under
load); it is sized for the default request limit of 30 s, and the pivot searches run in chunks
of :data:`CHUNK` with a deadline check between them (:mod:`queries.deadline`), so a request with
a shorter limit, or on a slower machine than planned, stops at its limit. An estimate
spends nothing where nothing can be learned: an isolated node scores 0 (as in networkx), a
component of 2 to :data:`SMALL_COMPONENT` nodes is scored exactly on its own, and only the larger
components get pivots: ``K`` of them, the largest power of two whose searches fit what is left of
the budget (at least :data:`MIN_PIVOTS`), ``max(1, round(K * |C| / n_large))`` drawn uniformly in
each large component ``C`` (seeded with :data:`SEED`, so the same graph and budget always give the
same estimate). A node's score is estimated from the searches of the pivots of its own component,
each sum over sources scaled by ``|C| / pivots``: Brandes and Pich's pivot estimator for
betweenness, Eppstein and Wang's for closeness and harmonic centrality (unbiased for the distance
sums). The answer's ``method`` says which it was, with the pivots, the budget and the work.
Scores are computed once per data version and metric, so a repeated question costs only the
filtering (a few milliseconds at 100,000 nodes).

Rankings are by score descending, then id (scores equal to 12 significant digits tie).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from graphsvc.stores.contract import CentralityPushdown, Store
from queries import deadline
from queries.errors import MAX_TOP, BadRequest, check_node_types, check_range
from queries.projection import IntArray, Projection, projection
from queries.results import CentralityResult, Score

FloatArray = npt.NDArray[np.float64]

METRICS: Final = ("DEGREE", "PAGERANK", "BETWEENNESS", "CLOSENESS", "HARMONIC")
SEARCH_METRICS: Final = ("BETWEENNESS", "CLOSENESS", "HARMONIC")
"""The metrics that cost one breadth-first search per source."""
SEARCH_RATE: Final = 12_000_000
"""Neighbour entries the searches behind BETWEENNESS, CLOSENESS and HARMONIC visit per second on
a graph of at most :data:`RATE_REFERENCE` entries, as planned. Measured on the 2-core reference
machine while it was busy (docs/analytics.md): 13-47 million for igraph's Brandes and 11-46
million for scipy's distance searches at 10,000-100,000 nodes, 3.4 and 4.5 million at 1,000,000
nodes (5 million pairs), where the arrays no longer fit the caches; see :func:`search_rate`."""
RATE_REFERENCE: Final = 1_100_000
"""Entries (nodes plus twice the pairs of U) of the 100,000-node bench graph, above which the
planned rate falls with the square root of the graph's size."""
BUDGET: Final = 12.0
"""Seconds the searches of one scoring are planned to take: under half the default request
limit of 30 s (``INNONET_REQUEST_TIMEOUT``)."""
SMALL_COMPONENT: Final = 256
"""Components of at most this many nodes are scored exactly even when the graph is estimated."""
MIN_PIVOTS: Final = 1
"""Fewest pivots an estimate draws in the large components (and one in each in any case): at
1M nodes a search visits 11 million entries and the 12 s budget holds 4 of them, so a floor
above the budget's own count would plan a request past its limit."""
CHUNK: Final = 32
"""Pivot searches per engine call, with a deadline check between calls."""
DISTANCE_CHUNK: Final = 16
"""Pivot distance searches per scipy call (each returns a row of n distances)."""
SEED: Final = 0
"""Seed of the pivot draw."""
ALPHA: Final = 0.85
"""PageRank damping."""
PAGERANK_TOL: Final = 1.0e-6
PAGERANK_MAX_ITER: Final = 100


@dataclass(frozen=True, slots=True)
class Scores:
    """Every node's score for one metric and the ranking order (score descending, then id)."""

    values: FloatArray
    order: IntArray
    approximate: bool
    method: str


def centrality(
    store: Store,
    metric: str,
    *,
    types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    country: str | None = None,
    region: str | None = None,
    top: int = 20,
    as_of: str | None = None,
) -> CentralityResult:
    """The ``top`` nodes by ``metric`` among those matching the filters.

    Every node of the graph is scored; the filters only choose which scores are returned.

    Parameters
    ----------
    store : Store
        The graph store.
    metric : str
        One of DEGREE, PAGERANK, BETWEENNESS, CLOSENESS, HARMONIC (any case).
    types : sequence of str, optional
        Node types (``"Broker"`` or ``"BROKER"``) to return.
    kinds : sequence of str, optional
        ``kind`` values (``"university"``) to return.
    country : str, optional
        ISO country code of the nodes to return.
    region : str, optional
        Region (district or province) of the nodes to return.
    top : int, default 20
        Most scores returned, 0 to 1000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    CentralityResult
        Scores by score descending then id, ranks from 1; ``approximate`` and ``method`` say
        how they were computed.

    Raises
    ------
    BadRequest
        When the metric or a type is unknown or ``top`` is out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> hubs = centrality(store, "DEGREE", top=2)
    >>> [(s.rank, s.node, s.score) for s in hubs.scores]
    [(1, 'ach-battery', 3.0), (2, 'ent-b', 3.0)]
    >>> brokers = centrality(store, "betweenness", types=["BROKER"])
    >>> [(s.node, round(s.score, 3)) for s in brokers.scores], brokers.approximate
    ([('broker-west', 0.25), ('broker-east', 0.179)], False)
    >>> centrality(store, "DEGREE", region="Pudong").scores  # the example has no regions
    []
    >>> store.close()
    """
    name = metric.upper() if isinstance(metric, str) else metric
    if name not in METRICS:
        raise BadRequest(f"unknown centrality metric {metric!r}; known: {', '.join(METRICS)}")
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    graph = projection(store, as_of=as_of)
    scores = centrality_scores(store, graph, name)
    mask = graph.node_mask(types=wanted, kinds=kinds, country=country, region=region)
    picked = scores.order[mask[scores.order]][:top].tolist()
    return CentralityResult(
        name,
        scores.approximate,
        scores.method,
        [Score(rank, float(scores.values[i]), graph.ids[i]) for rank, i in enumerate(picked, 1)],
    )


def centrality_scores(store: Store, graph: Projection, metric: str) -> Scores:
    """Every node's ``metric`` score on ``graph`` (the projection of ``store``), computed once per
    data version: by the store when it offers :class:`CentralityPushdown` and ``graph`` is
    today's, else here."""
    return graph.memo(("centrality", metric), lambda: _compute(store, graph, metric))


def _compute(store: Store, graph: Projection, metric: str) -> Scores:
    plan = None
    if metric in SEARCH_METRICS:
        plan = search_plan(graph, BUDGET)
    # a store scores exactly when the plan is exact; estimates are the projection's for every
    # store (the same pivots, so the same answer from the embedded store and from Neo4j)
    if (
        graph.as_of is None
        and isinstance(store, CentralityPushdown)
        and (plan is None or plan.exact)
    ):
        pushed = store.centrality_scores(metric, samples=None, seed=SEED)
        if pushed is not None:
            values = np.fromiter(
                (pushed.scores.get(i, 0.0) for i in graph.ids),
                dtype=np.float64,
                count=graph.number_of_nodes(),
            )
            return _ranked(values, pushed.approximate, f"{pushed.method}, by the store {store.uri}")
    if metric == "DEGREE":
        return _ranked(graph.degree.astype(np.float64), False, "relationships touching the node")
    if metric == "PAGERANK":
        return _ranked(
            pagerank(graph),
            False,
            f"power iteration on D (alpha {ALPHA}, tolerance {PAGERANK_TOL} x n), "
            "as networkx pagerank",
        )
    assert plan is not None
    return _ranked(planned_scores(graph, metric, plan), plan.approximate, plan.method())


def planned_scores(graph: Projection, metric: str, plan: SearchPlan) -> FloatArray:
    """Every node's BETWEENNESS, CLOSENESS or HARMONIC score on ``graph`` as ``plan`` says:
    exact, or estimated from its pivots with its small components exact and isolated nodes 0."""
    if plan.exact:
        exact = {
            "BETWEENNESS": exact_betweenness,
            "CLOSENESS": exact_closeness,
            "HARMONIC": exact_harmonic,
        }[metric]
        return exact(graph)
    if metric == "BETWEENNESS":
        values = estimate_betweenness(graph, plan.pivots, plan.scale)
    else:
        values = estimate_distances(graph, plan.pivots, metric)
    values[plan.small] = _exact_on_small_components(graph, plan.small, metric)
    return values


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """How BETWEENNESS, CLOSENESS and HARMONIC are computed on one graph (:func:`search_plan`).

    ``pivots`` are the sources searched in the large components (all nodes of the graph when
    exact), ``scale`` each node's ``|C| / pivots in C``, ``small`` the nodes of the components
    of 2 to :data:`SMALL_COMPONENT` nodes (scored exactly on their own when estimated);
    ``exact_work`` and ``work`` the neighbour entries exact scores and this plan visit."""

    exact: bool
    approximate: bool
    pivots: IntArray
    scale: FloatArray
    small: IntArray
    isolated: int
    exact_work: float
    work: float
    budget: float
    rate: float

    @property
    def sources(self) -> int:
        """The source searches the plan runs."""
        return len(self.pivots) + len(self.small)

    def method(self) -> str:
        """How the scores were computed, for the answer's ``method``."""
        if self.exact:
            return "exact, igraph, scaled as networkx"
        return (
            f"estimated from {len(self.pivots)} pivots in the components of more than "
            f"{SMALL_COMPONENT} nodes (seed {SEED}, stratified by component); "
            f"{len(self.small)} nodes of smaller components exact, {self.isolated} isolated "
            f"nodes 0; exact scores would visit {self.exact_work:.3g} neighbour entries, over "
            f"the budget of {self.budget:.3g} s at {self.rate:.3g} entries/s"
        )


def search_rate(graph: Projection) -> float:
    """Neighbour entries per second a plan counts on for ``graph``: :data:`SEARCH_RATE`, less on
    a graph larger than :data:`RATE_REFERENCE` entries (by the square root of the excess).

    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> search_rate(projection(store)) == SEARCH_RATE
    True
    >>> store.close()
    """
    entries = graph.number_of_nodes() + 2 * len(graph.pairs)
    return SEARCH_RATE * min(1.0, (RATE_REFERENCE / max(entries, 1)) ** 0.5)


def search_plan(graph: Projection, seconds: float) -> SearchPlan:
    """Exact scores when their searches fit ``seconds``, else the pivots whose searches do.

    Parameters
    ----------
    graph : Projection
        The graph to score.
    seconds : float
        The time the searches may take, at :func:`search_rate` neighbour entries per second.

    Returns
    -------
    SearchPlan
        Exact when every node's search fits; otherwise the largest power of two of pivots (at
        least :data:`MIN_PIVOTS`) whose searches fit after the small components' exact ones,
        drawn per large component in proportion to its size (seeded, reproducible).

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> plan = search_plan(projection(store), 1.0)
    >>> plan.exact, plan.approximate, plan.exact_work
    (True, False, 243.0)
    >>> plan = search_plan(projection(store), 0.0)  # nothing fits: the small component exact
    >>> plan.exact, plan.approximate, len(plan.small), len(plan.pivots)
    (False, False, 9, 0)
    >>> store.close()
    """
    labels = graph.component_labels()
    n = graph.number_of_nodes()
    sizes = np.bincount(labels).astype(np.float64)
    entries = 2.0 * np.bincount(labels[graph.pairs[:, 0]], minlength=len(sizes))
    per_search = sizes + entries
    searched = sizes >= 2
    exact_work = float((sizes * per_search)[searched].sum())
    rate = search_rate(graph)
    allowed = seconds * rate
    isolated = int((sizes == 1).sum())
    if exact_work <= allowed:
        return SearchPlan(
            True,
            False,
            np.arange(n),
            np.ones(n),
            np.arange(0),
            isolated,
            exact_work,
            exact_work,
            seconds,
            rate,
        )
    small_component = searched & (sizes <= SMALL_COMPONENT)
    large = sizes > SMALL_COMPONENT
    small = np.flatnonzero(small_component[labels])
    small_work = float((sizes * per_search)[small_component].sum())
    n_large = float(sizes[large].sum())
    per_pivot = float((sizes * per_search)[large].sum()) / n_large if n_large else 1.0
    fit = max(allowed - small_work, 0.0) / per_pivot
    count = MIN_PIVOTS
    while count * 2 <= fit:
        count *= 2
    rng = np.random.default_rng(SEED)
    members_by_component = np.split(
        np.argsort(labels, kind="stable"), np.cumsum(np.bincount(labels))[:-1]
    )
    pivots: list[IntArray] = []
    per_component = np.ones(len(sizes))
    sampled = False
    for c in np.flatnonzero(large).tolist():
        members = members_by_component[c]
        size = min(len(members), max(1, round(count * len(members) / n_large)))
        if size < len(members):
            sampled = True
            chosen = np.sort(rng.choice(members, size=size, replace=False))
        else:
            chosen = members
        pivots.append(chosen)
        per_component[c] = size
    drawn = np.concatenate(pivots) if pivots else np.arange(0)
    work = small_work + float((per_component * per_search)[large].sum())
    return SearchPlan(
        False,
        sampled,
        drawn,
        (sizes / per_component)[labels],
        small,
        isolated,
        exact_work,
        work,
        seconds,
        rate,
    )


def _exact_on_small_components(graph: Projection, small: IntArray, metric: str) -> FloatArray:
    """``metric`` of the nodes ``small`` (whole components), exact, on their own subgraph."""
    if len(small) == 0:
        return np.zeros(0)
    sub = graph.igraph_u().induced_subgraph(small.tolist(), implementation="create_from_scratch")
    n = graph.number_of_nodes()
    if metric == "BETWEENNESS":
        raw = np.asarray(sub.betweenness(directed=False), dtype=np.float64)
        return raw * _betweenness_scale(n)
    if metric == "CLOSENESS":
        within = np.asarray(sub.closeness(mode="all", normalized=True), dtype=np.float64)
        sizes = np.bincount(graph.component_labels())[graph.component_labels()[small]]
        return np.nan_to_num(within) * (sizes - 1) / (n - 1)
    values = sub.harmonic_centrality(mode="all", normalized=False)
    return np.nan_to_num(np.asarray(values, dtype=np.float64))


def _ranked(values: FloatArray, approximate: bool, method: str) -> Scores:
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    key = np.round(values / scale, 12) if scale > 0 else values
    order = np.lexsort((np.arange(len(values)), -key))
    return Scores(values, order, approximate, method)


def pagerank(graph: Projection) -> FloatArray:
    """networkx ``pagerank(D, alpha=0.85)``: the same power iteration, dangling nodes spreading
    uniformly, stopping when the L1 change falls below ``n * 1e-6``."""
    import scipy.sparse as sp

    n = graph.number_of_nodes()
    if n == 0:
        return np.zeros(0)
    source, target = graph.arcs[:, 0], graph.arcs[:, 1]
    out_degree = np.bincount(source, minlength=n).astype(np.float64)
    # x @ step computed as step.T @ x, the transpose built once in CSR form
    step_t = sp.csr_array((1.0 / out_degree[source], (target, source)), shape=(n, n))
    dangling = np.flatnonzero(out_degree == 0)
    x = np.full(n, 1.0 / n)
    teleport = (1 - ALPHA) / n
    for _ in range(PAGERANK_MAX_ITER):
        deadline.check()
        last = x
        x = ALPHA * (step_t @ x) + (ALPHA * x[dangling].sum() / n + teleport)
        if np.abs(x - last).sum() < n * PAGERANK_TOL:
            break
    return np.asarray(x, dtype=np.float64)


def _betweenness_scale(n: int) -> float:
    """networkx's normalisation of undirected betweenness (each pair counted once by igraph)."""
    return 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0


def exact_betweenness(graph: Projection) -> FloatArray:
    """networkx ``betweenness_centrality(U, normalized=True)`` by igraph."""
    raw = np.asarray(graph.igraph_u().betweenness(directed=False), dtype=np.float64)
    return raw * _betweenness_scale(graph.number_of_nodes())


def component_sizes(graph: Projection) -> IntArray:
    """The size of each node's connected component in U."""
    labels = graph.component_labels()
    return np.bincount(labels)[labels]


def _csr(graph: Projection) -> object:
    import scipy.sparse as sp

    n = graph.number_of_nodes()
    return sp.csr_array((np.ones(len(graph.indices)), graph.indices, graph.indptr), shape=(n, n))


def exact_closeness(graph: Projection) -> FloatArray:
    """networkx ``closeness_centrality(U)``: ``(r - 1) / sum of distances * (r - 1) / (n - 1)``
    with ``r`` the nodes reachable (itself included), 0 for an isolated node."""
    n = graph.number_of_nodes()
    if n <= 1:
        return np.zeros(n)
    within = np.nan_to_num(
        np.asarray(graph.igraph_u().closeness(mode="all", normalized=True), dtype=np.float64)
    )
    return within * (component_sizes(graph) - 1) / (n - 1)


def exact_harmonic(graph: Projection) -> FloatArray:
    """networkx ``harmonic_centrality(U)``: the sum of inverse distances to the other nodes."""
    values = graph.igraph_u().harmonic_centrality(mode="all", normalized=False)
    return np.nan_to_num(np.asarray(values, dtype=np.float64))


def estimate_betweenness(graph: Projection, pivots: IntArray, scale: FloatArray) -> FloatArray:
    """Betweenness estimated from pivot sources (Brandes and Pich), scaled as networkx; the
    sources searched :data:`CHUNK` at a time, with a deadline check between."""
    u = graph.igraph_u()
    raw = np.zeros(graph.number_of_nodes())
    for start in range(0, len(pivots), CHUNK):
        deadline.check()
        chunk = pivots[start : start + CHUNK].tolist()
        raw += np.asarray(u.betweenness(directed=False, sources=chunk), dtype=np.float64)
    return raw * scale * _betweenness_scale(graph.number_of_nodes())


def estimate_distances(graph: Projection, pivots: IntArray, metric: str) -> FloatArray:
    """CLOSENESS or HARMONIC estimated from the distances of pivots (Eppstein and Wang)."""
    from scipy.sparse.csgraph import shortest_path

    n = graph.number_of_nodes()
    csr = _csr(graph)
    total = np.zeros(n)
    count = np.zeros(n)
    for start in range(0, len(pivots), DISTANCE_CHUNK):
        deadline.check()
        chunk = pivots[start : start + 16]
        distance = shortest_path(csr, method="D", unweighted=True, indices=chunk)
        reached = np.isfinite(distance) & (distance > 0)
        count += reached.sum(axis=0)
        if metric == "CLOSENESS":
            total += np.where(reached, distance, 0.0).sum(axis=0)
        else:
            total += np.where(reached, 1.0 / np.where(reached, distance, 1.0), 0.0).sum(axis=0)
    sizes = component_sizes(graph).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "CLOSENESS":
            values = (sizes - 1) * count / ((n - 1) * total)
        else:
            values = total * (sizes - 1) / count
    return np.nan_to_num(values)
