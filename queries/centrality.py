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

**Exact or estimated.** DEGREE and PAGERANK are always exact. BETWEENNESS, CLOSENESS and HARMONIC
cost one breadth-first search per node, so they are exact up to :data:`EXACT_LIMIT` nodes; above
it they are *estimated from pivots* and flagged ``approximate``: :data:`PIVOTS` pivot nodes are
drawn (seeded with :data:`SEED`, so the same graph always gives the same estimate) stratified by
connected component: every node of a component of at most :data:`PIVOTS` nodes is a pivot (those
components are exact), a larger component ``C`` gets ``max(1, round(PIVOTS * |C| / n))`` pivots
drawn uniformly. A node's score is then estimated from the searches of the pivots of its own
component, each sum over sources scaled by ``|C| / pivots``: Brandes and Pich's pivot
estimator for betweenness, Eppstein and Wang's for closeness and harmonic centrality (unbiased for
the distance sums). Scores are computed once per data version and metric, so a repeated question
costs only the filtering (a few milliseconds at 100,000 nodes).

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
EXACT_LIMIT: Final = 20_000
"""Graphs of at most this many nodes get exact BETWEENNESS, CLOSENESS and HARMONIC scores."""
PIVOTS: Final = 256
"""Pivot searches behind an estimate above :data:`EXACT_LIMIT`."""
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
    if graph.as_of is None and isinstance(store, CentralityPushdown):
        pushed = store.centrality_scores(metric, exact_limit=EXACT_LIMIT, samples=PIVOTS, seed=SEED)
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
    n = graph.number_of_nodes()
    if n <= EXACT_LIMIT:
        values = {
            "BETWEENNESS": exact_betweenness,
            "CLOSENESS": exact_closeness,
            "HARMONIC": exact_harmonic,
        }[metric](graph)
        return _ranked(values, False, "exact, igraph, scaled as networkx")
    pivots, scale, sampled = pivot_plan(graph)
    if metric == "BETWEENNESS":
        values = estimate_betweenness(graph, pivots, scale)
    else:
        values = estimate_distances(graph, pivots, metric)
    method = (
        f"estimated from {len(pivots)} pivots (seed {SEED}, stratified by component, "
        f"components of at most {PIVOTS} nodes exact)"
    )
    return _ranked(values, sampled, method)


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


def pivot_plan(graph: Projection) -> tuple[IntArray, FloatArray, bool]:
    """The pivots (seeded, stratified by component), each node's scale ``|C| / pivots in C``,
    and whether any component was sampled rather than covered whole."""
    labels = graph.component_labels()
    n = graph.number_of_nodes()
    rng = np.random.default_rng(SEED)
    members_by_component = np.split(
        np.argsort(labels, kind="stable"), np.cumsum(np.bincount(labels))[:-1]
    )
    pivots: list[IntArray] = []
    per_component = np.zeros(len(members_by_component), dtype=np.float64)
    sampled = False
    for c, members in enumerate(members_by_component):
        if len(members) <= PIVOTS:
            chosen = members
        else:
            sampled = True
            size = max(1, round(PIVOTS * len(members) / n))
            chosen = np.sort(rng.choice(members, size=size, replace=False))
        pivots.append(chosen)
        per_component[c] = len(chosen)
    sizes = np.bincount(labels).astype(np.float64)
    return np.concatenate(pivots), (sizes / per_component)[labels], sampled


def estimate_betweenness(graph: Projection, pivots: IntArray, scale: FloatArray) -> FloatArray:
    """Betweenness estimated from pivot sources (Brandes and Pich), scaled as networkx."""
    raw = np.asarray(
        graph.igraph_u().betweenness(directed=False, sources=pivots.tolist()), dtype=np.float64
    )
    return raw * scale * _betweenness_scale(graph.number_of_nodes())


def estimate_distances(graph: Projection, pivots: IntArray, metric: str) -> FloatArray:
    """CLOSENESS or HARMONIC estimated from the distances of pivots (Eppstein and Wang)."""
    from scipy.sparse.csgraph import shortest_path

    n = graph.number_of_nodes()
    csr = _csr(graph)
    total = np.zeros(n)
    count = np.zeros(n)
    for start in range(0, len(pivots), 16):
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
