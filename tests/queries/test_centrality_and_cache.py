"""Centrality against networkx, the pivot estimators, the projection cache, errors and limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.model import NODE_TYPE_NAMES
from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.embedded import EmbeddedStore
from queries import centrality as centrality_module
from queries import deadline
from queries.brokers import intermediaries
from queries.centrality import METRICS, centrality
from queries.errors import BadRequest, NotFound, QueryError
from queries.examples import example_store
from queries.neighbourhood import neighbourhood
from queries.paths import k_shortest_paths, shortest_path
from queries.projection import READ_ATTEMPTS, Projection, projection

SETTINGS = settings(max_examples=40, deadline=None)


def reference_scores(spec: Any, metric: str) -> dict[str, float]:
    u, d = spec.u(), spec.d()
    if metric == "DEGREE":
        degree = dict.fromkeys(u, 0.0)
        for r in spec.relationships:
            for end in {r.source, r.target}:
                degree[end] += 1
        return degree
    if metric == "PAGERANK":
        return nx.pagerank(d, alpha=0.85)
    if metric == "BETWEENNESS":
        return nx.betweenness_centrality(u, normalized=True)
    if metric == "CLOSENESS":
        return nx.closeness_centrality(u)
    return nx.harmonic_centrality(u)


@SETTINGS
@given(
    data=st.data(),
    metric=st.sampled_from(METRICS),
    types=st.none() | st.sets(st.sampled_from(NODE_TYPE_NAMES), min_size=1).map(sorted),
    country=st.none() | st.sampled_from(["CN", "DE"]),
    top=st.integers(0, 15),
)
def test_centrality_equals_networkx_and_ranks_as_the_contract_says(
    open_store: Any,
    graphs: Any,
    data: st.DataObject,
    metric: str,
    types: list[str] | None,
    country: str | None,
    top: int,
) -> None:
    spec = data.draw(graphs())
    expected = reference_scores(spec, metric)
    with open_store(spec) as store:
        result = centrality(store, metric, types=types, country=country, top=top)
    assert result.metric == metric and not result.approximate
    matching = [
        n.id
        for n in spec.nodes
        if (types is None or n.type in types) and (country is None or n.country == country)
    ]
    for score in result.scores:
        assert score.score == pytest.approx(expected[score.node], abs=1e-9)
    # the contract's order: score descending, then id; ranks from 1
    want = sorted(matching, key=lambda n: (-round(expected[n], 9), n))[:top]
    assert [s.node for s in result.scores] == want
    assert [s.rank for s in result.scores] == list(range(1, len(want) + 1))


def collaborations(graph_spec: Any, nodes: int, edges: Any) -> Any:
    """A graph of ``nodes`` universities with a COLLABORATES_WITH relationship per edge."""
    return graph_spec(
        [Node(f"i{i:04d}", "Institution", str(i), {"kind": "university"}) for i in range(nodes)],
        [
            Relationship(
                f"c{a:04d}-{b:04d}", "COLLABORATES_WITH", f"i{a:04d}", f"i{b:04d}", {"weight": 1.0}
            )
            for a, b in edges
        ],
    )


def test_pivot_estimates_are_exact_with_every_node_a_pivot(
    graph_spec: Any, open_store: Any
) -> None:
    """The estimators' scaling: with all nodes as pivots they give networkx's exact values; with
    no time at all, components of at most SMALL_COMPONENT nodes are still scored exactly."""
    u = nx.barabasi_albert_graph(60, 2, seed=3)
    u.add_edges_from([(60, 61), (61, 62)])  # a second component
    spec = collaborations(graph_spec, 63, u.edges())
    with open_store(spec) as store:
        graph = projection(store)
        everyone = np.arange(graph.number_of_nodes())
        ones = np.ones(graph.number_of_nodes())
        plan = centrality_module.search_plan(graph, 0.0)
        estimates = {
            "BETWEENNESS": centrality_module.estimate_betweenness(graph, everyone, ones),
            "CLOSENESS": centrality_module.estimate_distances(graph, everyone, "CLOSENESS"),
            "HARMONIC": centrality_module.estimate_distances(graph, everyone, "HARMONIC"),
        }
        planned = {m: centrality_module.planned_scores(graph, m, plan) for m in estimates}
    assert not plan.exact and not plan.approximate and len(plan.pivots) == 0
    assert len(plan.small) == 63  # both components are small: scored whole, on their own
    for metric in estimates:
        expected = reference_scores(spec, metric)
        want = [expected[i] for i in graph.ids]
        assert estimates[metric] == pytest.approx(want, abs=1e-12)
        assert planned[metric] == pytest.approx(want, abs=1e-12)


def test_search_plan_is_exact_when_the_work_fits_and_pivots_only_large_components(
    graph_spec: Any, open_store: Any
) -> None:
    """Exact exactly when every search fits the budget; otherwise pivots only in the component
    larger than SMALL_COMPONENT (a power of two of them, reproducibly drawn), the small one
    exact, the isolated nodes 0 and never searched."""
    big = centrality_module.SMALL_COMPONENT * 2
    line = [(i, i + 1) for i in range(big - 1)]
    spec = collaborations(graph_spec, big + 5, [*line, (big, big + 1), (big + 1, big + 2)])
    with open_store(spec) as store:
        graph = projection(store)
        # a search visits |C| + 2 m_C neighbour entries; exact: one search per node
        exact_work = big * (big + 2 * (big - 1)) + 3 * (3 + 2 * 2)
        enough = exact_work / centrality_module.search_rate(graph)
        exact = centrality_module.search_plan(graph, enough)
        first = centrality_module.search_plan(graph, enough * 0.99)
        again = centrality_module.search_plan(graph, enough * 0.99)
        least = centrality_module.search_plan(graph, 0.0)
        scores = {
            m: centrality_module.planned_scores(graph, m, least)
            for m in ("BETWEENNESS", "CLOSENESS", "HARMONIC")
        }
    assert exact.exact and exact.exact_work == exact_work and not exact.approximate
    assert not first.exact and first.approximate and np.array_equal(first.pivots, again.pivots)
    assert first.work <= enough * 0.99 * centrality_module.search_rate(graph)
    assert len(first.pivots) & (len(first.pivots) - 1) == 0  # a power of two
    assert len(least.pivots) == centrality_module.MIN_PIVOTS
    for plan in (first, least):
        assert (plan.pivots < big).all()  # pivots only in the line
        assert plan.scale[0] == pytest.approx(big / len(plan.pivots))
        assert plan.small.tolist() == [big, big + 1, big + 2] and plan.isolated == 2
        assert "2 isolated nodes 0" in plan.method() and "pivots" in plan.method()
    u = spec.u()
    small = u.subgraph([f"i{i:04d}" for i in (big, big + 1, big + 2, big + 3)])
    n = len(spec.nodes)
    middle, lone = graph.node_index(f"i{big + 1:04d}"), graph.node_index(f"i{big + 3:04d}")
    assert scores["BETWEENNESS"][middle] == pytest.approx(2 / ((n - 1) * (n - 2)))
    assert scores["HARMONIC"][middle] == pytest.approx(
        nx.harmonic_centrality(small)["i" + f"{big + 1:04d}"]
    )
    assert scores["CLOSENESS"][middle] == pytest.approx((2 / 2) * 2 / (n - 1))
    assert all(values[lone] == 0.0 for values in scores.values())


def test_pivot_searches_stop_at_the_deadline(graph_spec: Any, open_store: Any) -> None:
    spec = collaborations(graph_spec, 300, [(i, i + 1) for i in range(299)])
    with open_store(spec) as store:
        graph = projection(store)
        pivots = np.arange(300)
        with deadline.until(time.monotonic() - 1), pytest.raises(deadline.TimeUp):
            centrality_module.estimate_betweenness(graph, pivots, np.ones(300))
        with deadline.until(time.monotonic() - 1), pytest.raises(deadline.TimeUp):
            centrality_module.estimate_distances(graph, pivots, "CLOSENESS")


def test_cache_is_kept_per_data_version_and_rebuilt_on_refresh(
    open_store: Any, graph_spec: Any
) -> None:
    lab = Node("lab", "Institution", "lab", {"kind": "university"})
    firm = Node("firm", "Institution", "firm", {"kind": "enterprise"})
    spec = graph_spec([lab, firm], [])
    with open_store(spec) as store:
        first = projection(store)
        assert projection(store) is first
        assert shortest_path(store, "lab", "firm") is None
        assert centrality(store, "DEGREE").scores[0].score == 0.0
        store.refresh(
            "test",
            [lab, firm],
            [Relationship("c1", "COLLABORATES_WITH", "lab", "firm", {"weight": 1.0})],
        )
        second = projection(store)
        assert second is not first and second.version != first.version
        path = shortest_path(store, "lab", "firm")
        assert path is not None and path.length == 1
        assert centrality(store, "DEGREE").scores[0].score == 1.0


def test_projection_is_built_once_for_many_threads() -> None:
    store = example_store()
    try:
        seen: list[object] = []
        threads = [
            threading.Thread(target=lambda: seen.append(projection(store))) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(seen) == 8 and all(p is seen[0] for p in seen)
        scores = []
        threads = [
            threading.Thread(target=lambda: scores.append(centrality(store, "PAGERANK", top=3)))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(s == scores[0] for s in scores)
    finally:
        store.close()


@pytest.mark.parametrize(
    "call",
    [
        lambda s: shortest_path(s, "lab-a", "nowhere"),
        lambda s: k_shortest_paths(s, "nowhere", "lab-a"),
        lambda s: intermediaries(s, "nowhere", "lab-a"),
        lambda s: neighbourhood(s, "nowhere"),
    ],
)
def test_unknown_ids_are_named(call: Any) -> None:
    store = example_store()
    try:
        with pytest.raises(NotFound, match="nowhere") as caught:
            call(store)
        assert caught.value.id == "nowhere"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("call", "limit"),
    [
        (lambda s: shortest_path(s, "lab-a", "ent-b", max_hops=9), "8"),
        (lambda s: shortest_path(s, "lab-a", "ent-b", max_hops=-1), "8"),
        (lambda s: k_shortest_paths(s, "lab-a", "ent-b", k=51), "50"),
        (lambda s: intermediaries(s, "lab-a", "ent-b", max_hops=9), "8"),
        (lambda s: intermediaries(s, "lab-a", "ent-b", limit=-1), "5000"),
        (lambda s: intermediaries(s, "lab-a", "ent-b", work_cap=0), "positive"),
        (lambda s: centrality(s, "PAGERANK", top=1001), "1000"),
        (lambda s: centrality(s, "FAME"), "PAGERANK"),
        (lambda s: neighbourhood(s, "lab-a", depth=4), "3"),
        (lambda s: neighbourhood(s, "lab-a", types=["Unicorn"]), "Broker"),
        (lambda s: shortest_path(s, "lab-a", "ent-b", rel_types=["LIKES"]), "SERVES"),
    ],
)
def test_bad_bounds_state_the_limit(call: Any, limit: str) -> None:
    store = example_store()
    try:
        with pytest.raises(BadRequest, match=limit):
            call(store)
    finally:
        store.close()


class RefreshedWhileRead(EmbeddedStore):
    """A real embedded store that another process-like writer refreshes each time a node stream
    ends, ``refreshes`` times: the moment between reading nodes and relationships."""

    refreshes = 0

    def iter_nodes(self) -> Iterator[Node]:
        yield from super().iter_nodes()
        if self.refreshes:
            self.refreshes -= 1
            writer = EmbeddedStore(self.path)
            late = Node(f"late-{self.refreshes}", "Institution", "late", {"kind": "university"})
            writer.refresh(f"late-{self.refreshes}", [late], [])
            writer.close()


def test_a_refresh_during_the_projection_read_is_read_again(tmp_path: Path) -> None:
    store = RefreshedWhileRead(tmp_path / "g.db")
    store.refresh("lab", [Node("sjtu", "Institution", "sjtu", {"kind": "university"})], [])
    store.refreshes = READ_ATTEMPTS - 1
    graph = Projection.from_store(store)
    assert graph.version == store.data_version()
    assert {"late-0", "late-1"} <= set(graph.ids)
    store.refreshes = READ_ATTEMPTS
    with pytest.raises(QueryError, match="refreshed 3 times while it was being read"):
        Projection.from_store(store)
    store.close()
