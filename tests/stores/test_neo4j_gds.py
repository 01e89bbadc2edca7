"""Centrality pushed down to Graph Data Science, against networkx's meanings (API_CONTRACT.md).

Runs on a Neo4j server with GDS (``neo4j-server/run --gds -- pytest ...``); skips, saying so,
on one without.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import networkx as nx
import pytest

from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.neo4j import Neo4jStore
from queries.centrality import centrality
from tests.neo4j_server import fresh_neo4j
from tests.stores.test_store_contract import achievement, broker, institution, rel

# A hub (i0) joined to a ring of institutions, a broker serving two of them, an achievement,
# and a second component of two nodes plus an isolated node: betweenness, closeness and
# harmonic differ across nodes, and the components test the Wasserman-Faust scaling.
NODES: list[Node] = [
    *(institution(f"i{k}") for k in range(8)),
    broker("b1"),
    achievement("a1"),
    institution("x1"),
    institution("x2"),
    institution("alone"),
]
RELS: list[Relationship] = [
    *(rel("i0", "COLLABORATES_WITH", f"i{k}") for k in range(1, 8)),
    *(rel(f"i{k}", "COLLABORATES_WITH", f"i{k + 1}") for k in range(1, 7)),
    rel("b1", "SERVES", "i3"),
    rel("b1", "SERVES", "i5"),
    rel("i5", "DEVELOPED", "a1"),
    rel("x1", "COLLABORATES_WITH", "x2"),
]
EXACT: dict[str, int | None] = {"samples": None, "seed": 0}


def networkx_u() -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in NODES)
    graph.add_edges_from((r.source, r.target) for r in RELS)
    return graph


MEANINGS = {
    "BETWEENNESS": lambda g: nx.betweenness_centrality(g, normalized=True),
    "CLOSENESS": nx.closeness_centrality,
    "HARMONIC": nx.harmonic_centrality,
}


@pytest.fixture(scope="module")
def gds() -> Iterator[Neo4jStore]:
    store = fresh_neo4j()
    if not store.has_gds():
        store.close()
        reason = "Graph Data Science is not installed (neo4j-server/run --gds installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI runs the GDS tests")
        pytest.skip(reason)
    yield store
    store.wipe()
    store.close()


def projections(store: Neo4jStore) -> list[str]:
    with store.driver.session(database=store.database) as session:
        return [r["graphName"] for r in session.run("CALL gds.graph.list() YIELD graphName")]


def test_an_empty_graph_has_scores_and_no_projection(gds: Neo4jStore) -> None:
    for metric in MEANINGS:
        pushed = gds.centrality_scores(metric, **EXACT)
        assert pushed is not None and pushed.scores == {} and not pushed.approximate
    assert projections(gds) == []


@pytest.fixture(scope="module")
def loaded(gds: Neo4jStore) -> Neo4jStore:
    gds.refresh("gds", NODES, RELS)
    return gds


@pytest.mark.parametrize("metric", list(MEANINGS))
def test_gds_scores_mean_what_networkx_means(loaded: Neo4jStore, metric: str) -> None:
    pushed = loaded.centrality_scores(metric, **EXACT)
    assert pushed is not None and not pushed.approximate
    assert "exact, Graph Data Science 2." in pushed.method
    want = MEANINGS[metric](networkx_u())
    assert pushed.scores == pytest.approx(want, abs=1e-9)
    assert projections(loaded) == []  # projected, streamed and dropped in one transaction


def test_queries_rank_with_the_pushed_scores(loaded: Neo4jStore) -> None:
    result = centrality(loaded, "betweenness", top=3)
    assert [s.node for s in result.scores][:1] == ["i0"]
    assert "Graph Data Science" in result.method and not result.approximate


def test_asked_for_samples_betweenness_is_sampled_and_flagged(loaded: Neo4jStore) -> None:
    every = loaded.centrality_scores(
        "BETWEENNESS", samples=len(NODES), seed=0
    )  # every node a source: the estimate is exact, yet flagged and explained
    assert every is not None and every.approximate
    assert f"samplingSize {len(NODES)}, samplingSeed 0" in every.method
    assert every.scores == pytest.approx(MEANINGS["BETWEENNESS"](networkx_u()), abs=1e-9)
    some = loaded.centrality_scores("BETWEENNESS", samples=6, seed=0)
    assert some is not None and some.approximate and "from 6 source nodes" in some.method
    assert max(some.scores, key=some.scores.__getitem__) == "i0"
    assert projections(loaded) == []


@pytest.mark.parametrize("metric", ["CLOSENESS", "HARMONIC"])
def test_asked_for_samples_unsampled_metrics_are_left_to_the_projection(
    loaded: Neo4jStore, metric: str
) -> None:
    """GDS cannot sample closeness or harmonic: asked for an estimate the store answers None and
    ``queries`` estimates from pivots as it does for the embedded store."""
    assert loaded.centrality_scores(metric, samples=256, seed=0) is None
    assert projections(loaded) == []
