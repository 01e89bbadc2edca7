"""Every query of the API over HTTP, compared with the query layer's own answers."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pytest

from graphsvc.model import NODE_TYPE_BY_NAME
from graphsvc.stores.contract import SearchFilter, Store
from graphsvc.stores.embedded import EmbeddedStore
from queries import brokers, centrality, neighbourhood, paths

if TYPE_CHECKING:
    from tests.service.conftest import Running

NODE_FIELDS = "id type name kind country region properties"


def _pair(store: Store) -> tuple[str, str]:
    """An institution and a node three or four hops away from it."""
    for node in store.search(SearchFilter(types=["Institution"]), first=50).nodes:
        for other in store.search(SearchFilter(types=["Demand"]), first=50).nodes:
            found = paths.shortest_path(store, node.id, other.id, max_hops=4)
            if found is not None and found.length >= 3:
                return node.id, other.id
    raise AssertionError("no pair three hops apart in the generated graph")


_pairs: dict[tuple[str, str], tuple[str, str]] = {}


@pytest.fixture
def pair(loaded: Store) -> tuple[str, str]:
    """:func:`_pair` of the served graph, worked out once per store and data version."""
    key = (loaded.uri, loaded.data_version())
    if key not in _pairs:
        _pairs[key] = _pair(loaded)
    return _pairs[key]


def test_node_gives_every_field_and_null_when_unknown(api: Running, loaded: EmbeddedStore) -> None:
    stored = loaded.search(SearchFilter(types=["Broker"]), first=1).nodes[0]
    node = api.data(f'{{ node(id: "{stored.id}") {{ {NODE_FIELDS} }} }}')["node"]
    assert node == {
        "id": stored.id,
        "type": "BROKER",
        "name": stored.name,
        "kind": stored.kind,
        "country": stored.country,
        "region": stored.region,
        "properties": stored.properties,
    }
    assert api.data('{ node(id: "no-such-node") { id } }') == {"node": None}


def test_overseas_channel_maps_to_its_enum(api: Running, loaded: EmbeddedStore) -> None:
    channel = loaded.search(SearchFilter(types=["OverseasChannel"]), first=1).nodes[0]
    assert api.data(f'{{ node(id: "{channel.id}") {{ type }} }}')["node"]["type"] == (
        "OVERSEAS_CHANNEL"
    )


def test_node_relations_follow_the_store(api: Running, loaded: EmbeddedStore) -> None:
    stored = loaded.search(SearchFilter(types=["Institution"]), first=1).nodes[0]
    rels = loaded.relationships_of([stored.id])
    query = f"""{{ node(id: "{stored.id}") {{
        degree
        relationships(first: 500) {{ id type source target weight properties
                                     sourceNode {{ id }} targetNode {{ id }} }}
        out: relationships(direction: OUT, first: 500) {{ id }}
        neighbors(first: 500) {{ id }}
        developed: relationships(types: [DEVELOPED], first: 500) {{ id }}
    }} }}"""
    node = api.data(query)["node"]
    assert node["degree"] == len(rels)
    assert [r["id"] for r in node["relationships"]] == [r.id for r in rels]
    first = node["relationships"][0]
    assert first["sourceNode"]["id"] == first["source"]
    assert first["targetNode"]["id"] == first["target"]
    assert first["weight"] == rels[0].weight
    assert [r["id"] for r in node["out"]] == [r.id for r in rels if r.source == stored.id]
    assert [r["id"] for r in node["developed"]] == [r.id for r in rels if r.type == "DEVELOPED"]
    others = dict.fromkeys(r.target if r.source == stored.id else r.source for r in rels)
    assert [n["id"] for n in node["neighbors"]] == list(others)


def test_search_filters_and_relay_pagination(api: Running, loaded: EmbeddedStore) -> None:
    where = SearchFilter(types=["Institution"], kinds=["enterprise"])
    expected = [n.id for n in loaded.search(where, first=500).nodes]
    query = """query Page($after: String) {
      search(types: [INSTITUTION], kinds: ["enterprise"], first: 7, after: $after) {
        totalCount edges { cursor node { id kind type } }
        pageInfo { hasNextPage endCursor }
      } }"""
    seen: list[str] = []
    after = None
    while True:
        page = api.data(query, {"after": after})["search"]
        assert page["totalCount"] == len(expected)
        assert all(e["node"]["kind"] == "enterprise" for e in page["edges"])
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected

    # every edge's cursor resumes right after that edge
    page = api.data(query, {"after": None})["search"]
    middle = page["edges"][2]["cursor"]
    resumed = api.data(query, {"after": middle})["search"]
    assert [e["node"]["id"] for e in resumed["edges"]] == expected[3:10]


def test_search_by_text_country_and_region(api: Running, loaded: EmbeddedStore) -> None:
    some = loaded.search(SearchFilter(types=["Broker"]), first=50).nodes
    region = next(n.region for n in some if n.region)
    country = next(n.country for n in some if n.country)
    for args, where in (
        (f'region: "{region}"', SearchFilter(region=region)),
        (f'country: "{country}", types: [BROKER]', SearchFilter(country=country, types=["Broker"])),
        ('text: "inst-1"', SearchFilter(text="inst-1")),
    ):
        got = api.data(
            f"{{ search({args}, first: 500) {{ totalCount edges {{ node {{ id }} }} }} }}"
        )
        page = loaded.search(where, first=500)
        assert got["search"]["totalCount"] == page.total
        assert [e["node"]["id"] for e in got["search"]["edges"]] == [n.id for n in page.nodes]


def test_search_rejects_foreign_cursors(api: Running) -> None:
    error = api.error('{ search(after: "not-a-cursor") { totalCount } }')
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "not-a-cursor" in error["message"]


def test_stats_counts_types_and_sources(api: Running, loaded: EmbeddedStore) -> None:
    stats = api.data(
        "{ stats { nodes relationships byType { type count } byRelationType { type count } "
        "sources { name loadedAt nodes relationships } dataVersion } }"
    )["stats"]
    counts = loaded.counts()
    assert stats["nodes"] == counts.nodes
    assert stats["relationships"] == counts.relationships
    assert {t["type"]: t["count"] for t in stats["byType"]} == {
        NODE_TYPE_BY_NAME[t].enum: n for t, n in counts.by_type.items()
    }
    assert {t["type"]: t["count"] for t in stats["byRelationType"]} == counts.by_relation_type
    assert [s["name"] for s in stats["sources"]] == ["synthetic"]
    assert stats["sources"][0]["nodes"] == counts.nodes
    assert stats["dataVersion"] == counts.data_version


def test_neighborhood(api: Running, loaded: EmbeddedStore, pair: tuple[str, str]) -> None:
    source, _ = pair
    got = api.data(
        f'{{ neighborhood(id: "{source}", depth: 2, limit: 30) {{ truncated '
        "nodes { id } relationships { id } } }"
    )["neighborhood"]
    want = neighbourhood.neighbourhood(loaded, source, depth=2, limit=30)
    assert [n["id"] for n in got["nodes"]] == want.nodes
    assert [r["id"] for r in got["relationships"]] == [r.id for r in want.relationships]
    assert got["truncated"] == want.truncated
    only = api.data(
        f'{{ neighborhood(id: "{source}", types: [INSTITUTION, ACHIEVEMENT]) '
        "{ nodes { type } } }"
    )["neighborhood"]
    assert {n["type"] for n in only["nodes"]} <= {"INSTITUTION", "ACHIEVEMENT"}


def test_shortest_path(api: Running, loaded: EmbeddedStore, pair: tuple[str, str]) -> None:
    source, target = pair
    query = """query Route($s: ID!, $t: ID!, $w: Boolean) {
      shortestPath(source: $s, target: $t, weighted: $w) {
        length cost nodes { id } relationships { id source target } } }"""
    for weighted in (False, True):
        got = api.data(query, {"s": source, "t": target, "w": weighted})["shortestPath"]
        want = paths.shortest_path(loaded, source, target, weighted=weighted)
        assert want is not None
        assert got["length"] == want.length
        assert got["cost"] == pytest.approx(want.cost)
        ids = [n["id"] for n in got["nodes"]]
        assert ids[0] == source and ids[-1] == target and len(ids) == want.length + 1
        for rel, (a, b) in zip(got["relationships"], itertools.pairwise(ids), strict=True):
            assert {rel["source"], rel["target"]} == {a, b}
    assert api.data(
        f'{{ shortestPath(source: "{source}", target: "{target}", maxHops: 1) {{ length }} }}'
    ) == {"shortestPath": None}


def test_k_shortest_paths(api: Running, loaded: EmbeddedStore, pair: tuple[str, str]) -> None:
    source, target = pair
    got = api.data(
        f'{{ kShortestPaths(source: "{source}", target: "{target}", k: 4, maxHops: 5, '
        "via: [INSTITUTION, ACHIEVEMENT, BROKER]) { length nodes { id type } } }"
    )["kShortestPaths"]
    want = paths.k_shortest_paths(
        loaded, source, target, k=4, max_hops=5, via=["Institution", "Achievement", "Broker"]
    )
    assert [p["length"] for p in got] == [p.length for p in want]
    for path in got:
        assert {n["type"] for n in path["nodes"][1:-1]} <= {"INSTITUTION", "ACHIEVEMENT", "BROKER"}


def test_intermediaries_with_evidence(
    api: Running, loaded: EmbeddedStore, pair: tuple[str, str]
) -> None:
    source, target = pair
    got = api.data(
        f'{{ intermediaries(source: "{source}", target: "{target}", maxHops: 4, limit: 5) {{ '
        "node { id } pathCount shortestHops paths(first: 2) { length nodes { id } } } }"
    )["intermediaries"]
    want = brokers.intermediaries(loaded, source, target, max_hops=4, limit=5)
    assert [(i["node"]["id"], i["pathCount"], i["shortestHops"]) for i in got] == [
        (i.node, i.path_count, i.shortest_hops) for i in want.items
    ]
    for item in got:
        assert 1 <= len(item["paths"]) <= 2
        for path in item["paths"]:
            assert item["node"]["id"] in [n["id"] for n in path["nodes"]]


@pytest.mark.parametrize("metric", ["DEGREE", "PAGERANK", "BETWEENNESS", "CLOSENESS", "HARMONIC"])
def test_centrality(api: Running, loaded: EmbeddedStore, metric: str) -> None:
    got = api.data(
        f"{{ centrality(metric: {metric}, types: [BROKER], top: 5) {{ metric approximate method "
        "scores { rank score node { id type } } } }"
    )["centrality"]
    want = centrality.centrality(loaded, metric, types=["Broker"], top=5)
    assert got["metric"] == metric
    assert got["approximate"] == want.approximate
    assert got["method"] == want.method
    assert [(s["rank"], s["node"]["id"]) for s in got["scores"]] == [
        (s.rank, s.node) for s in want.scores
    ]
    assert [s["score"] for s in got["scores"]] == pytest.approx([s.score for s in want.scores])
    assert {s["node"]["type"] for s in got["scores"]} == {"BROKER"}


def test_centrality_filters_by_kind_and_country(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        '{ centrality(metric: DEGREE, kinds: ["university"], country: "CN", top: 3) '
        "{ scores { node { kind country } } } }"
    )["centrality"]["scores"]
    assert got and all(s["node"] == {"kind": "university", "country": "CN"} for s in got)


UNKNOWN = [
    '{ shortestPath(source: "ghost", target: "%s") { length } }',
    '{ kShortestPaths(source: "%s", target: "ghost") { length } }',
    '{ intermediaries(source: "ghost", target: "%s") { pathCount } }',
    '{ neighborhood(id: "ghost") { truncated } }',
]


@pytest.mark.parametrize("template", UNKNOWN)
def test_unknown_ids_are_not_found_naming_the_id(
    api: Running, pair: tuple[str, str], template: str
) -> None:
    query = template % pair[0] if "%s" in template else template
    error = api.error(query)
    assert error["extensions"] == {"code": "NOT_FOUND", "id": "ghost"}
    assert "ghost" in error["message"]


OUT_OF_RANGE: list[tuple[str, str]] = [
    ('shortestPath(source: "a", target: "b", maxHops: 9) { length }', "8"),
    ('kShortestPaths(source: "a", target: "b", k: 51) { length }', "50"),
    ('kShortestPaths(source: "a", target: "b", maxHops: -1) { length }', "8"),
    ('intermediaries(source: "a", target: "b", maxHops: 9) { pathCount }', "8"),
    ("centrality(metric: DEGREE, top: 1001) { approximate }", "1000"),
    ("centrality(metric: DEGREE, top: -1) { approximate }", "1000"),
    ("search(first: 501) { totalCount }", "500"),
    ("search(first: -5) { totalCount }", "500"),
    ('neighborhood(id: "a", depth: 4) { truncated }', "3"),
    ('neighborhood(id: "a", limit: -1) { truncated }', "5000"),
]


@pytest.mark.parametrize(("field", "limit"), OUT_OF_RANGE)
def test_out_of_range_arguments_are_bad_requests_stating_the_limit(
    api: Running, field: str, limit: str
) -> None:
    error = api.error(f"{{ {field} }}")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert limit in error["message"]


def test_nested_bounds_and_defaults_for_null(api: Running, loaded: EmbeddedStore) -> None:
    some = loaded.search(SearchFilter(), first=1).nodes[0].id
    error = api.error(f'{{ node(id: "{some}") {{ relationships(first: 501) {{ id }} }} }}')
    assert error["extensions"]["code"] == "BAD_REQUEST"
    answer: dict[str, Any] = api.data("{ search(first: null) { edges { cursor } } }")
    assert len(answer["search"]["edges"]) == 20
