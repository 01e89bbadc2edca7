"""Both stores, loaded with the same bundle, give the same answer to every query of
API_CONTRACT.md (ties aside, as the contract allows), asked over HTTP of two running services.

The embedded store answers paths and centrality from its projection; Neo4j pushes shortest paths
down to Cypher (and centrality to Graph Data Science when installed), so this compares two
implementations of one meaning.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from graphsvc.model import NODE_TYPES
from graphsvc.stores.contract import SearchFilter, Store
from tests.neo4j_server import neo4j_holding
from tests.service.conftest import SAMPLE_BUNDLE, load

if TYPE_CHECKING:
    from tests.service.conftest import Running, Serve

NODE = "id type name kind country region properties"
PATH = "length cost nodes { id } relationships { id type source target }"
PAIRS_PER_GRAPH = 12


@pytest.fixture(params=["loaded", "shanghai"])
def graph(request: pytest.FixtureRequest, bundle: Path) -> Iterator[tuple[Store, Store]]:
    """The same graph in the embedded store and in Neo4j."""
    if request.param == "loaded":
        embedded = request.getfixturevalue("embedded_loaded")
        neo4j = neo4j_holding(f"synthetic {bundle}", load(bundle, "synthetic"))
    else:
        embedded = request.getfixturevalue("embedded_shanghai")
        neo4j = neo4j_holding("shanghai", load(SAMPLE_BUNDLE, "shanghai"))
    yield embedded, neo4j
    neo4j.close()


@pytest.fixture
def services(serve: Serve, graph: tuple[Store, Store]) -> tuple[Running, Running]:
    embedded, neo4j = graph
    return serve(embedded), serve(neo4j)


def ask(services: tuple[Running, Running], query: str, **variables: Any) -> tuple[Any, Any]:
    """The data of ``query`` from both services (each must answer without errors)."""
    first, second = (api.data(query, variables) for api in services)
    return first, second


def sample_ids(store: Store) -> list[str]:
    """A few ids of every node type, the same in both stores (search order is by name, id)."""
    ids: list[str] = []
    for node_type in NODE_TYPES:
        page = store.search(SearchFilter(types=[node_type.name]), first=4)
        ids += [node.id for node in page.nodes]
    return ids


def pairs(store: Store) -> list[tuple[str, str]]:
    """Pairs of sampled ids: near ones, far ones, and unconnected ones alike."""
    ids = sample_ids(store)
    return [(ids[i], ids[(i * 7 + 3) % len(ids)]) for i in range(0, len(ids), 2)][:PAIRS_PER_GRAPH]


def test_node_and_stats(services: tuple[Running, Running], graph: tuple[Store, Store]) -> None:
    for id in [*sample_ids(graph[0]), "no-such-node"]:
        a, b = ask(services, f"query($id: ID!) {{ node(id: $id) {{ {NODE} }} }}", id=id)
        assert a == b, id
    stats = """{ stats { nodes relationships byType { type count }
                byRelationType { type count } sources { name nodes relationships } } }"""
    a, b = ask(services, stats)
    assert a == b


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"text": "上海"},
        {"text": "A"},
        {"text": "ent:"},
        {"types": ["INSTITUTION", "BROKER"]},
        {"kinds": ["university"]},
        {"country": "DE"},
        {"region": "浦东新区"},
        {"text": "a", "types": ["ACHIEVEMENT"]},
    ],
    ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "all",
)
def test_search_pages(services: tuple[Running, Running], filters: dict[str, Any]) -> None:
    query = """query($text: String, $types: [NodeType!], $kinds: [String!], $country: String,
                     $region: String, $after: String) {
      search(text: $text, types: $types, kinds: $kinds, country: $country, region: $region,
             first: 7, after: $after) {
        totalCount edges { cursor node { id name type } } pageInfo { hasNextPage endCursor } } }"""
    after = [None, None]
    for _ in range(3):  # three pages, each service following its own cursors
        a, b = (
            api.data(query, {**filters, "after": cursor})["search"]
            for api, cursor in zip(services, after, strict=True)
        )
        assert a == b
        if not a["pageInfo"]["hasNextPage"]:
            break
        after = [a["pageInfo"]["endCursor"], b["pageInfo"]["endCursor"]]


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize(
    "filters", [{}, {"types": ["INSTITUTION", "BROKER"]}, {"relTypes": ["BROKERED", "SERVES"]}]
)
def test_neighborhood(
    services: tuple[Running, Running],
    graph: tuple[Store, Store],
    depth: int,
    filters: dict[str, Any],
) -> None:
    query = """query($id: ID!, $depth: Int, $types: [NodeType!], $relTypes: [RelType!]) {
      neighborhood(id: $id, depth: $depth, types: $types, relTypes: $relTypes, limit: 5000) {
        truncated nodes { id name } relationships { id type source target } } }"""
    stored = """query($id: ID!, $depth: Int, $types: [NodeType!], $relTypes: [RelType!]) {
      neighborhood(id: $id, depth: $depth, types: $types, relTypes: $relTypes, limit: 5000) {
        nodes { id name kind } relationships { id weight } } }"""
    for id in sample_ids(graph[0])[::3]:
        a, b = ask(services, query, id=id, depth=depth, **filters)
        a, b = a["neighborhood"], b["neighborhood"]
        assert a["truncated"] is b["truncated"] is False
        assert sorted(a["nodes"], key=str) == sorted(b["nodes"], key=str), id
        assert sorted(a["relationships"], key=str) == sorted(b["relationships"], key=str), id
        # the names, kinds and weights the store reads agree with the projection's members
        a, b = ask(services, stored, id=id, depth=depth, **filters)
        a, b = a["neighborhood"], b["neighborhood"]
        assert sorted(a["nodes"], key=str) == sorted(b["nodes"], key=str), id
        assert sorted(a["relationships"], key=str) == sorted(b["relationships"], key=str), id


def valid_path(path: dict[str, Any], source: str, target: str) -> None:
    """A path joins its nodes in order with its relationships (either direction)."""
    nodes = [n["id"] for n in path["nodes"]]
    assert nodes[0] == source and nodes[-1] == target
    assert path["length"] == len(path["relationships"]) == len(nodes) - 1
    for rel, (u, v) in zip(path["relationships"], itertools.pairwise(nodes), strict=True):
        assert {rel["source"], rel["target"]} == {u, v}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"maxHops": 2},
        {"via": ["BROKER", "INSTITUTION"]},
        {"via": []},
        {"relTypes": ["COLLABORATES_WITH", "DEVELOPED", "TRANSFERRED_TO"]},
        {"weighted": True},
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default",
)
def test_shortest_path(
    services: tuple[Running, Running], graph: tuple[Store, Store], options: dict[str, Any]
) -> None:
    query = f"""query($s: ID!, $t: ID!, $maxHops: Int, $via: [NodeType!], $relTypes: [RelType!],
                      $weighted: Boolean) {{
      shortestPath(source: $s, target: $t, maxHops: $maxHops, via: $via, relTypes: $relTypes,
                   weighted: $weighted) {{ {PATH} }} }}"""
    found = 0
    for s, t in pairs(graph[0]):
        a, b = ask(services, query, s=s, t=t, **options)
        a, b = a["shortestPath"], b["shortestPath"]
        assert (a is None) == (b is None), (s, t)
        if a is None:
            continue
        found += 1
        assert a["length"] == b["length"] or options.get("weighted"), (s, t)
        assert math.isclose(a["cost"], b["cost"], rel_tol=1e-9), (s, t)
        for path in (a, b):  # ties: either shortest path will do, if it is one
            valid_path(path, s, t)
    if not options:
        assert found, "no pair of the sample is connected: the comparison compared nothing"


def test_k_shortest_paths(services: tuple[Running, Running], graph: tuple[Store, Store]) -> None:
    query = f"""query($s: ID!, $t: ID!) {{
      kShortestPaths(source: $s, target: $t, k: 6, maxHops: 5) {{ {PATH} }} }}"""
    for s, t in pairs(graph[0]):
        a, b = ask(services, query, s=s, t=t)
        a, b = a["kShortestPaths"], b["kShortestPaths"]
        assert [p["length"] for p in a] == [p["length"] for p in b], (s, t)
        for path in a + b:
            valid_path(path, s, t)


@pytest.mark.parametrize("types", [None, ["BROKER", "INVESTOR", "OVERSEAS_CHANNEL"]])
def test_intermediaries(
    services: tuple[Running, Running], graph: tuple[Store, Store], types: list[str] | None
) -> None:
    query = """query($s: ID!, $t: ID!, $types: [NodeType!]) {
      intermediaries(source: $s, target: $t, maxHops: 3, types: $types, limit: 50) {
        node { id } pathCount shortestHops } }"""
    for s, t in pairs(graph[0]):
        a, b = ask(services, query, s=s, t=t, types=types)
        assert a == b, (s, t)


def same_ranking(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    """Two top lists agree: the same scores rank by rank, and the same nodes wherever a score is
    not tied with the last one (which of several tied nodes make the cut is left open)."""
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert math.isclose(x["score"], y["score"], rel_tol=1e-6, abs_tol=1e-9), (x, y)
    if not a:
        return
    last = a[-1]["score"]
    kept_a = {x["node"]["id"] for x in a if not math.isclose(x["score"], last, rel_tol=1e-6)}
    kept_b = {x["node"]["id"] for x in b if not math.isclose(x["score"], last, rel_tol=1e-6)}
    assert kept_a == kept_b


@pytest.mark.parametrize("metric", ["DEGREE", "PAGERANK", "BETWEENNESS", "CLOSENESS", "HARMONIC"])
@pytest.mark.parametrize("filters", [{}, {"types": ["BROKER"]}, {"kinds": ["university"]}])
def test_centrality(
    services: tuple[Running, Running], metric: str, filters: dict[str, Any]
) -> None:
    query = """query($metric: CentralityMetric!, $types: [NodeType!], $kinds: [String!]) {
      centrality(metric: $metric, types: $types, kinds: $kinds, top: 25) {
        metric approximate scores { rank score node { id } } } }"""
    a, b = ask(services, query, metric=metric, **filters)
    a, b = a["centrality"], b["centrality"]
    assert (a["metric"], a["approximate"]) == (b["metric"], b["approximate"])
    same_ranking(a["scores"], b["scores"])
