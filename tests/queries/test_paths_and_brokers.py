"""Paths, k shortest paths, intermediaries and neighbourhoods against networkx and brute force."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.model import NODE_TYPE_NAMES, RELATION_TYPE_NAMES
from queries import deadline
from queries.brokers import intermediaries
from queries.neighbourhood import neighbourhood
from queries.paths import hop_route, k_shortest_paths, shortest_path
from queries.results import Path

GraphSpec = Any  # conftest.GraphSpec
SETTINGS = settings(max_examples=100, deadline=None)
hops = st.integers(0, 5)
via_types = st.none() | st.sets(st.sampled_from(NODE_TYPE_NAMES), min_size=1).map(sorted)
relation_sets = st.none() | st.sets(st.sampled_from(RELATION_TYPE_NAMES), min_size=1).map(sorted)


def restricted(
    spec: GraphSpec, source: str, target: str, via: list[str] | None, rel_types: list[str] | None
) -> nx.Graph:
    u = spec.u(set(rel_types) if rel_types else None)
    if via is None:
        return u
    types = spec.types()
    keep = [n for n in u if types[n] in via or n in (source, target)]
    return u.subgraph(keep)


def check_route(
    spec: GraphSpec,
    path: Path,
    source: str,
    target: str,
    via: list[str] | None,
    rel_types: list[str] | None,
) -> None:
    """The path is simple, joins source to target with the relationships shown, respects via
    and rel_types, and shows the cheapest relationship of each pair."""
    assert path.nodes[0] == source and path.nodes[-1] == target
    assert len(set(path.nodes)) == len(path.nodes) == path.length + 1
    assert len(path.relationships) == path.length
    types = spec.types()
    u = spec.u(set(rel_types) if rel_types else None)
    for a, b, rel in zip(path.nodes, path.nodes[1:], path.relationships, strict=False):
        assert {rel.source, rel.target} == {a, b}
        assert rel_types is None or rel.type in rel_types
        assert 1.0 / rel.weight == u[a][b]["cost"]
    if via is not None:
        assert all(types[n] in via for n in path.nodes[1:-1])


def endpoints(spec: GraphSpec, data: st.DataObject) -> tuple[str, str]:
    ids = [n.id for n in spec.nodes]
    return data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))


@SETTINGS
@given(data=st.data(), max_hops=hops, via=via_types, rel_types=relation_sets)
def test_shortest_path_has_the_networkx_length(
    open_store: Any,
    graphs: Any,
    data: st.DataObject,
    max_hops: int,
    via: list[str] | None,
    rel_types: list[str] | None,
) -> None:
    spec = data.draw(graphs())
    source, target = endpoints(spec, data)
    reference = restricted(spec, source, target, via, rel_types)
    try:
        expected: int | None = nx.shortest_path_length(reference, source, target)
    except nx.NetworkXNoPath:
        expected = None
    if expected is not None and expected > max_hops:
        expected = None
    with open_store(spec) as store:
        path = shortest_path(store, source, target, max_hops=max_hops, via=via, rel_types=rel_types)
    if expected is None:
        assert path is None
    else:
        assert path is not None and path.length == expected and path.cost == expected
        check_route(spec, path, source, target, via, rel_types)


@SETTINGS
@given(data=st.data(), max_hops=hops, via=via_types)
def test_weighted_path_is_the_cheapest_within_max_hops(
    open_store: Any, graphs: Any, data: st.DataObject, max_hops: int, via: list[str] | None
) -> None:
    spec = data.draw(graphs(max_nodes=9))
    source, target = endpoints(spec, data)
    reference = restricted(spec, source, target, via, None)
    if source == target:
        costs = [0.0]
    else:
        costs = [
            nx.path_weight(reference, p, "cost")
            for p in nx.all_simple_paths(reference, source, target, cutoff=max_hops)
        ]
    with open_store(spec) as store:
        path = shortest_path(store, source, target, max_hops=max_hops, via=via, weighted=True)
    if not costs:
        assert path is None
        return
    assert path is not None
    assert path.cost == pytest.approx(min(costs))
    assert path.length <= max_hops
    check_route(spec, path, source, target, via, None)
    if max_hops >= len(spec.nodes) and via is None:
        assert path.cost == pytest.approx(
            nx.dijkstra_path_length(reference, source, target, weight="cost")
        )


@SETTINGS
@given(data=st.data(), k=st.integers(0, 6), max_hops=hops, via=via_types, rel_types=relation_sets)
def test_k_shortest_paths_list_as_networkx(
    open_store: Any,
    graphs: Any,
    data: st.DataObject,
    k: int,
    max_hops: int,
    via: list[str] | None,
    rel_types: list[str] | None,
) -> None:
    spec = data.draw(graphs(max_nodes=9))
    source, target = endpoints(spec, data)
    with open_store(spec) as store:
        paths = k_shortest_paths(
            store, source, target, k=k, max_hops=max_hops, via=via, rel_types=rel_types
        )
    if source == target:
        assert [p.nodes for p in paths] == ([[source]] if k else [])
        return
    reference = restricted(spec, source, target, via, rel_types)
    try:
        expected = [
            len(p) - 1
            for p in itertools.islice(nx.shortest_simple_paths(reference, source, target), k)
        ]
    except nx.NetworkXNoPath:
        expected = []
    assert [p.length for p in paths] == [n for n in expected if n <= max_hops]
    assert len({tuple(p.nodes) for p in paths}) == len(paths)
    for path in paths:
        check_route(spec, path, source, target, via, rel_types)


def brute_force_intermediaries(
    spec: GraphSpec, source: str, target: str, max_hops: int, types: list[str] | None
) -> tuple[dict[str, tuple[int, int]], int]:
    """{node: (paths through it, shortest of them)} and the number of paths, by enumeration."""
    node_types = spec.types()
    paths = list(nx.all_simple_paths(spec.u(), source, target, cutoff=max_hops))
    found: dict[str, tuple[int, int]] = {}
    for path in paths:
        for node in path[1:-1]:
            if types is None or node_types[node] in types:
                count, shortest = found.get(node, (0, max_hops + 1))
                found[node] = (count + 1, min(shortest, len(path) - 1))
    return found, len(paths)


@SETTINGS
@given(data=st.data(), max_hops=st.integers(0, 6), types=via_types, evidence=st.integers(0, 4))
def test_intermediaries_match_brute_force(
    open_store: Any,
    graphs: Any,
    data: st.DataObject,
    max_hops: int,
    types: list[str] | None,
    evidence: int,
) -> None:
    spec = data.draw(graphs(max_nodes=10, max_relationships=40))
    source, target = endpoints(spec, data)
    with open_store(spec) as store:
        answer = intermediaries(
            store, source, target, max_hops=max_hops, types=types, limit=1000, evidence=evidence
        )
    assert not answer.truncated
    if source == target:
        assert answer.items == [] and answer.paths_examined == 0
        return
    expected, path_count = brute_force_intermediaries(spec, source, target, max_hops, types)
    assert answer.paths_examined == path_count
    assert {i.node: (i.path_count, i.shortest_hops) for i in answer.items} == expected
    ranking = [(-i.path_count, i.shortest_hops, i.node) for i in answer.items]
    assert ranking == sorted(ranking)
    for item in answer.items:
        assert len(item.paths) == min(evidence, item.path_count)
        assert [p.length for p in item.paths] == sorted(p.length for p in item.paths)
        if item.paths:
            assert item.paths[0].length == item.shortest_hops
        for path in item.paths:
            assert item.node in path.nodes[1:-1] and path.length <= max_hops
            check_route(spec, path, source, target, None, None)


def test_intermediaries_stop_at_the_work_cap(open_store: Any, graph_spec: Any) -> None:
    """Two hubs joined through 30 brokers and 30 achievements: many paths, small cap."""
    from graphsvc.stores.contract import Node, Relationship

    lab = Node("lab", "Institution", "lab", {"kind": "university"})
    firm = Node("firm", "Institution", "firm", {"kind": "enterprise"})
    brokers = [Node(f"b{i:02d}", "Broker", f"b{i}", {"kind": "agency"}) for i in range(30)]
    works = [Node(f"a{i:02d}", "Achievement", f"a{i}", {"field": "x"}) for i in range(30)]
    rels = [
        Relationship(f"d{i:02d}", "DEVELOPED", "lab", a.id, {"weight": 1.0})
        for i, a in enumerate(works)
    ]
    rels += [
        Relationship(f"s{i:02d}", "SERVES", b.id, "firm", {"weight": 1.0})
        for i, b in enumerate(brokers)
    ]
    rels += [
        Relationship(f"k{i:02d}{j:02d}", "BROKERED", b.id, a.id, {"weight": 1.0})
        for i, b in enumerate(brokers)
        for j, a in enumerate(works)
        if (i + j) % 3 == 0
    ]
    spec = graph_spec([lab, firm, *brokers, *works], rels)
    with open_store(spec) as store:
        full = intermediaries(store, "lab", "firm", max_hops=5, limit=100)
        capped = intermediaries(store, "lab", "firm", max_hops=5, limit=100, work_cap=500)
    expected, path_count = brute_force_intermediaries(spec, "lab", "firm", 5, None)
    assert not full.truncated and full.paths_examined == path_count
    assert capped.truncated and 0 < capped.paths_examined < path_count
    # lengths below the one being enumerated are complete: all 3-hop paths are counted
    counts = {i.node: i.path_count for i in capped.items}
    assert all(counts[n] <= expected[n][0] for n in counts)
    three_hop = Counter(
        n for p in nx.all_simple_paths(spec.u(), "lab", "firm", cutoff=3) for n in p[1:-1]
    )
    assert all(counts.get(n, 0) >= c for n, c in three_hop.items())


@SETTINGS
@given(
    data=st.data(),
    depth=st.integers(0, 3),
    types=via_types,
    rel_types=relation_sets,
    limit=st.integers(1, 12),
)
def test_neighbourhood_is_the_ego_network_in_breadth_first_order(
    open_store: Any,
    graphs: Any,
    data: st.DataObject,
    depth: int,
    types: list[str] | None,
    rel_types: list[str] | None,
    limit: int,
) -> None:
    spec = data.draw(graphs())
    centre = data.draw(st.sampled_from([n.id for n in spec.nodes]))
    u = spec.u(set(rel_types) if rel_types else None)
    node_types = spec.types()
    if types is not None:
        u = u.subgraph([n for n in u if node_types[n] in types or n == centre])
    distance = nx.single_source_shortest_path_length(u, centre, cutoff=depth)
    order = sorted(distance, key=lambda n: (distance[n], n))
    with open_store(spec) as store:
        ego = neighbourhood(
            store, centre, depth=depth, types=types, rel_types=rel_types, limit=limit
        )
    assert ego.nodes == order[:limit]
    assert ego.truncated == (len(order) > limit)
    members = set(ego.nodes)
    expected = sorted(
        r.id
        for r in spec.relationships
        if r.source in members
        and r.target in members
        and (rel_types is None or r.type in rel_types)
    )
    assert [r.id for r in ego.relationships] == expected


def check_hop_route(u: nx.Graph, allowed: np.ndarray, source: int, target: int, hops: int) -> None:
    """hop_route on U's compressed sparse rows finds a route of networkx's length through
    allowed intermediate nodes only, or None exactly when networkx finds none that short."""
    n = u.number_of_nodes()
    csr = nx.to_scipy_sparse_array(u, nodelist=range(n), format="csr")
    keep = [i for i in range(n) if allowed[i] or i in (source, target)]
    try:
        expected: int | None = nx.shortest_path_length(u.subgraph(keep), source, target)
    except nx.NetworkXNoPath:
        expected = None
    if expected is not None and expected > hops:
        expected = None
    route = hop_route(
        csr.indptr.astype(np.int64),
        csr.indices.astype(np.int64),
        source,
        target,
        max_hops=hops,
        allowed=allowed,
    )
    if expected is None:
        assert route is None
        return
    assert route is not None and len(route) - 1 == expected
    assert route[0] == source and route[-1] == target
    assert all(u.has_edge(a, b) for a, b in itertools.pairwise(route))
    assert all(allowed[i] for i in route[1:-1])


@settings(max_examples=300, deadline=None)
@given(nodes=st.integers(1, 30), data=st.data(), max_hops=st.integers(0, 8))
def test_hop_route_has_the_networkx_length(nodes: int, data: st.DataObject, max_hops: int) -> None:
    """On small random graphs, through allowed nodes only."""
    edges = data.draw(st.sets(st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1))))
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=nodes, max_size=nodes)))
    source, target = data.draw(st.integers(0, nodes - 1)), data.draw(st.integers(0, nodes - 1))
    u = nx.Graph()
    u.add_nodes_from(range(nodes))
    u.add_edges_from((a, b) for a, b in edges if a != b)
    check_hop_route(u, allowed, source, target, max_hops)


@pytest.mark.parametrize("seed", range(4))
def test_hop_route_on_a_larger_graph_has_the_networkx_length(seed: int) -> None:
    """On 3,000 nodes with hubs (a power-law graph), so that searches reach thousands of nodes
    (the search's table and levels outgrow their first allocation), with and without a mask."""
    u = nx.barabasi_albert_graph(3_000, 2, seed=seed)
    rng = np.random.default_rng(seed)
    everyone = np.ones(3_000, dtype=bool)
    most = rng.random(3_000) < 0.7
    for _ in range(25):
        source, target = (int(x) for x in rng.integers(0, 3_000, size=2))
        for allowed in (everyone, most):
            for max_hops in (2, 8):
                check_hop_route(u, allowed, source, target, max_hops)


def test_hop_route_stops_at_the_deadline_and_refuses_what_is_not_a_graph() -> None:
    indptr, indices = np.array([0, 1, 3, 5, 6]), np.array([1, 0, 2, 1, 3, 2])  # 0-1-2-3
    with deadline.until(time.monotonic() - 1), pytest.raises(deadline.TimeUp):
        hop_route(indptr, indices, 0, 3, max_hops=3)
    with deadline.until(time.monotonic() + 60):
        assert hop_route(indptr, indices, 0, 3, max_hops=3) == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="int64"):
        hop_route(indptr.astype(np.int32), indices, 0, 3, max_hops=3)
    with pytest.raises(IndexError):
        hop_route(indptr, indices, 0, 4, max_hops=3)
    with pytest.raises(ValueError, match="one byte per node"):
        hop_route(indptr, indices, 0, 3, max_hops=3, allowed=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="compressed sparse rows"):
        hop_route(indptr, np.array([9, 0, 2, 1, 3, 2]), 0, 3, max_hops=3)
