"""Hub analyses against networkx and brute force: roles, holes, fragility, communities."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.model import RELATION_TYPE_BY_NAME
from graphsvc.stores.contract import Node, Relationship
from queries.communities import communities, leiden
from queries.examples import example_store
from queries.fragility import fragility, removal_impact
from queries.holes import hole_table
from queries.projection import projection
from queries.results import BROKERAGE_ROLES
from queries.roles import brokerage_roles, brokerage_table, role_of

SETTINGS = settings(max_examples=40, deadline=None)
CONTRACTED = {"Achievement", "Demand"}
"""What flows between actors: contracted away in the actor flow network."""


def brute_force_roles(d: nx.DiGraph, group: dict[str, str]) -> dict[str, Counter[int]]:
    found: dict[str, Counter[int]] = {b: Counter() for b in d}
    for b in d:
        for a in d.predecessors(b):
            for c in d.successors(b):
                if a != c and not d.has_edge(a, c):
                    found[b][role_of(group[a], group[b], group[c])] += 1  # type: ignore[arg-type]
    return found


@SETTINGS
@given(data=st.data(), group_by=st.sampled_from(["type", "kind"]))
def test_brokerage_counts_match_enumeration_of_triads(
    open_store: Any, graphs: Any, data: st.DataObject, group_by: str
) -> None:
    spec = data.draw(graphs(max_relationships=40))
    group = {n.id: (n.type if group_by == "type" else (n.kind or n.type)) for n in spec.nodes}
    expected = brute_force_roles(spec.d(), group)
    with open_store(spec) as store:
        graph = projection(store)
        table = brokerage_table(graph, group_by, "d")  # type: ignore[arg-type]
        ranked = brokerage_roles(
            store,
            group_by=group_by,  # type: ignore[arg-type]
            top=1000,
            network="d",
        )
    for i, node in enumerate(graph.ids):
        assert table.counts[i].tolist() == [expected[node][r] for r in range(5)]
    assert [p.node for p in ranked] == sorted(
        (n for n in expected if sum(expected[n].values())),
        key=lambda n: (-sum(expected[n].values()), n),
    )


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_expected_counts_average_over_all_label_shuffles(
    open_store: Any, graphs: Any, data: st.DataObject
) -> None:
    """The null model: the other nodes' labels permuted, every permutation equally likely."""
    spec = data.draw(graphs(max_nodes=7, max_relationships=25))
    d = spec.d()
    group = {n.id: n.type for n in spec.nodes}
    with open_store(spec) as store:
        graph = projection(store)
        table = brokerage_table(graph, "type", "d")
    for b in graph.ids:
        others = [n for n in graph.ids if n != b]
        totals = np.zeros(5)
        shuffles = 0
        for labels in set(itertools.permutations([group[n] for n in others])):
            relabelled = dict(zip(others, labels, strict=True)) | {b: group[b]}
            counts = brute_force_roles(
                d.subgraph(set(d.predecessors(b)) | set(d.successors(b)) | {b}), relabelled
            )
            totals += [counts[b][r] for r in range(5)]
            shuffles += 1
        i = graph.node_index(b)
        assert table.expected[i] == pytest.approx(totals / shuffles, abs=1e-9)


def test_brokerage_by_hand() -> None:
    """Example network (see queries.examples): lab-a brokers broker-west -> lab-a -> uni-de
    (gatekeeper: lab-a and uni-de are institutions), uni-de -> lab-a -> ach-battery
    (representative) and broker-west -> lab-a -> ach-battery (liaison)."""
    store = example_store()
    try:
        lab = brokerage_roles(store, types=["Institution"], top=1, network="d")[0]
        table = brokerage_table(projection(store), "type", "d")
    finally:
        store.close()
    assert lab.node == "lab-a" and lab.group == "Institution"
    assert lab.counts == dict(zip(BROKERAGE_ROLES, [0, 0, 1, 1, 1], strict=True))
    # 9 nodes, 3 institutions: a and c drawn from the 8 others, 2 of them institutions
    p_gate = 2 * 6 / (8 * 7)
    assert lab.expected["gatekeeper"] == pytest.approx(3 * p_gate)
    z = (1 - 3 * p_gate) / np.sqrt(3 * p_gate * (1 - p_gate))
    assert lab.z_scores["gatekeeper"] == pytest.approx(z)
    assert table.counts.sum() == 3 + 2 + 2  # lab-a, ach-battery, ent-b


def brute_force_flow(spec: Any) -> nx.DiGraph:
    """The actor flow network from the relationships: each one along its type's flow, then an
    arc u -> v between distinct actors wherever a flow path leads from u to v through
    achievements and demands only."""
    types: dict[str, str] = spec.types()
    flow = nx.DiGraph()
    flow.add_nodes_from(types)
    for r in spec.relationships:
        way = RELATION_TYPE_BY_NAME[r.type].flow
        if r.source != r.target and way in ("forward", "both"):
            flow.add_edge(r.source, r.target)
        if r.source != r.target and way in ("reverse", "both"):
            flow.add_edge(r.target, r.source)
    actors = nx.DiGraph()
    actors.add_nodes_from(n for n, t in types.items() if t not in CONTRACTED)
    for u in list(actors):
        seen, stack = {u}, [u]
        while stack:
            for y in flow.successors(stack.pop()):
                if types[y] not in CONTRACTED:
                    if y != u:
                        actors.add_edge(u, y)
                elif y not in seen:
                    seen.add(y)
                    stack.append(y)
    return actors


@SETTINGS
@given(data=st.data(), group_by=st.sampled_from(["type", "kind"]))
def test_flow_brokerage_counts_match_enumeration_of_triads(
    open_store: Any, graphs: Any, data: st.DataObject, group_by: str
) -> None:
    spec = data.draw(graphs(max_relationships=40))
    flow = brute_force_flow(spec)
    group = {n.id: (n.type if group_by == "type" else (n.kind or n.type)) for n in spec.nodes}
    expected = brute_force_roles(flow, group)
    with open_store(spec) as store:
        graph = projection(store)
        arcs = {(graph.ids[u], graph.ids[v]) for u, v in graph.flow_arcs().tolist()}
        table = brokerage_table(graph, group_by)  # type: ignore[arg-type]
        ranked = brokerage_roles(store, group_by=group_by, top=1000)  # type: ignore[arg-type]
    assert arcs == set(flow.edges())
    for i, node in enumerate(graph.ids):
        want = expected.get(node, Counter())
        assert table.counts[i].tolist() == [want[r] for r in range(5)]
    assert [p.node for p in ranked] == sorted(
        (n for n in expected if sum(expected[n].values())),
        key=lambda n: (-sum(expected[n].values()), n),
    )


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_flow_expected_counts_average_over_all_label_shuffles(
    open_store: Any, graphs: Any, data: st.DataObject
) -> None:
    """The null model on the actor flow network: the other actors' labels permuted."""
    spec = data.draw(graphs(max_nodes=8, max_relationships=25))
    flow = brute_force_flow(spec)
    group = {n.id: n.type for n in spec.nodes}
    with open_store(spec) as store:
        graph = projection(store)
        table = brokerage_table(graph, "type", "flow")
    for b in flow:
        others = [n for n in flow if n != b]
        totals = np.zeros(5)
        shuffles = 0
        for labels in set(itertools.permutations([group[n] for n in others])):
            relabelled = dict(zip(others, labels, strict=True)) | {b: group[b]}
            near = set(flow.predecessors(b)) | set(flow.successors(b)) | {b}
            counts = brute_force_roles(flow.subgraph(near), relabelled)
            totals += [counts[b][r] for r in range(5)]
            shuffles += 1
        assert table.expected[graph.node_index(b)] == pytest.approx(totals / shuffles, abs=1e-9)


def test_flow_brokerage_by_hand(open_store: Any, graph_spec: Any) -> None:
    """A university's achievement, brokered by an agency that serves two enterprises: the agency
    is the go-between of the university and ent-1 (a liaison: university, agency, enterprise all
    differ), not of ent-2, which received another of the university's achievements directly.
    Through ach-3, which solves ent-3's demand, the university reaches ent-3, which works with
    ent-1: ent-3 and ent-1 let outside technology into the enterprises (gatekeepers). On D the
    agency has no incoming arc and brokers nothing::

        uni --DEVELOPED--> ach-1 <--BROKERED-- agency --SERVES--> ent-1 === ent-3 --RAISED--> dem
         |--DEVELOPED--> ach-2 --TRANSFERRED_TO--> ent-2 <--SERVES-- agency            ^
         '--DEVELOPED--> ach-3 --SOLVES-------------------------------------------------'
    """
    kinds = {"uni": "university", "agency": "agency", "ent-1": "enterprise"}
    kinds |= {"ent-2": "enterprise", "ent-3": "enterprise"}
    nodes = [
        Node(i, "Broker" if i == "agency" else "Institution", i, {"kind": k})
        for i, k in kinds.items()
    ]
    nodes += [Node(f"ach-{k}", "Achievement", f"ach-{k}", {"field": "f"}) for k in (1, 2, 3)]
    nodes.append(Node("dem", "Demand", "dem", {"field": "f"}))
    rows = [
        ("DEVELOPED", "uni", "ach-1"),
        ("BROKERED", "agency", "ach-1"),
        ("SERVES", "agency", "ent-1"),
        ("SERVES", "agency", "ent-2"),
        ("DEVELOPED", "uni", "ach-2"),
        ("TRANSFERRED_TO", "ach-2", "ent-2"),
        ("COLLABORATES_WITH", "ent-1", "ent-3"),
        ("DEVELOPED", "uni", "ach-3"),
        ("SOLVES", "ach-3", "dem"),
        ("RAISED", "ent-3", "dem"),
    ]
    relationships = [Relationship(f"r{k}", *row, {}) for k, row in enumerate(rows)]
    with open_store(graph_spec(nodes, relationships)) as store:
        by_kind = {p.node: p for p in brokerage_roles(store, group_by="kind")}
        by_type = {p.node: p for p in brokerage_roles(store, group_by="type")}
        on_d = brokerage_roles(store, group_by="kind", types=["Broker"], network="d")
        liaisons = brokerage_roles(store, group_by="kind", types=["Broker"], role="liaison")
    assert {n: p.total for n, p in by_kind.items()} == {"agency": 1, "ent-1": 1, "ent-3": 1}
    assert by_kind["agency"].counts["liaison"] == 1
    assert by_kind["ent-1"].counts["gatekeeper"] == 1  # agency -> ent-1 -> ent-3
    assert by_kind["ent-3"].counts["gatekeeper"] == 1  # uni -> ent-3 -> ent-1
    assert by_type["agency"].counts["itinerant"] == 1  # institution, broker, institution
    assert by_type["ent-3"].counts["coordinator"] == 1
    assert [p.node for p in liaisons] == ["agency"] and on_d == []
    # 5 actors; the agency is alone in its kind: a and c drawn from the 4 others (1 university,
    # 3 enterprises), a liaison when they differ in kind: (1 * 3 + 3 * 1) / (4 * 3) = 1/2
    assert by_kind["agency"].expected["liaison"] == pytest.approx(0.5)
    assert by_kind["agency"].z_scores["liaison"] == pytest.approx(1.0)


@SETTINGS
@given(data=st.data())
def test_structural_holes_equal_networkx(open_store: Any, graphs: Any, data: st.DataObject) -> None:
    spec = data.draw(graphs(max_relationships=40))
    u = spec.u()
    for a, b in u.edges():
        del u[a][b]["cost"]
    size, constraint = nx.effective_size(u), nx.constraint(u)
    with open_store(spec) as store:
        graph = projection(store)
        table = hole_table(graph)
    for i, node in enumerate(graph.ids):
        if u.degree(node) == 0:
            assert np.isnan(table.effective_size[i]) and np.isnan(table.constraint[i])
        else:
            assert table.effective_size[i] == pytest.approx(size[node])
            assert table.constraint[i] == pytest.approx(constraint[node])


def cut_off_by_removal(u: nx.Graph, node: str) -> tuple[int, int]:
    """Nodes cut off from the largest remaining piece, and pieces cut off, by brute force."""
    component = nx.node_connected_component(u, node)
    rest = u.subgraph(component - {node})
    sizes = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
    return sum(sizes[1:]), len(sizes[1:])


@SETTINGS
@given(data=st.data())
def test_fragility_matches_networkx_and_removal(
    open_store: Any, graphs: Any, data: st.DataObject
) -> None:
    spec = data.draw(graphs(max_relationships=25))
    u = spec.u()
    with open_store(spec) as store:
        found = fragility(store, top=1000)
        impacts = {n: removal_impact(store, n) for n in u}
    assert {p.node for p in found.cut_points} == set(nx.articulation_points(u))
    assert {b.nodes for b in found.bridges} == {tuple(sorted(e)) for e in nx.bridges(u)}
    for point in found.cut_points:
        assert (point.separation.size, point.separation.pieces) == cut_off_by_removal(u, point.node)
        assert point.component_size == len(nx.node_connected_component(u, point.node))
    ranking = [(-p.separation.size, p.node) for p in found.cut_points]
    assert ranking == sorted(ranking)
    for bridge in found.bridges:
        cut = u.copy()
        cut.remove_edge(*bridge.nodes)
        sides = [len(nx.node_connected_component(cut, n)) for n in bridge.nodes]
        assert bridge.separation.size == min(sides)
        assert bridge.relationships and all(
            {r.source, r.target} == set(bridge.nodes)
            for r in spec.relationships
            if r.id in bridge.relationships
        )
    types = spec.types()
    for node, (separation, lost) in impacts.items():
        assert (separation.size, separation.pieces) == cut_off_by_removal(u, node)
        assert len(lost) == separation.size
        assert Counter(types[n] for n in lost) == separation.types


@settings(max_examples=20, deadline=None)
@given(data=st.data(), seed=st.integers(0, 3), resolution=st.sampled_from([0.5, 1.0, 2.0]))
def test_communities_are_a_seeded_partition_with_networkx_modularity(
    open_store: Any, graphs: Any, data: st.DataObject, seed: int, resolution: float
) -> None:
    spec = data.draw(graphs(max_relationships=40))
    with open_store(spec) as store:
        found = communities(store, seed=seed, resolution=resolution, top=1000)
        again = communities(store, seed=seed, resolution=resolution, top=1000)
    assert found == again
    parts = [set(c.members) for c in found.items]
    assert found.total == len(parts)
    assert sorted(n for p in parts for n in p) == sorted(n.id for n in spec.nodes)
    u = spec.u()
    if u.number_of_edges():
        assert found.modularity == pytest.approx(
            nx.community.modularity(u, parts, weight=None, resolution=resolution)
        )
    sizes = [(-c.size, min(c.members)) for c in found.items]
    assert sizes == sorted(sizes)


def test_leiden_is_deterministic_and_near_networkx_louvain_on_a_larger_graph(
    open_store: Any, graph_spec: Any
) -> None:
    from graphsvc.stores.contract import Node, Relationship

    g = nx.planted_partition_graph(6, 25, 0.4, 0.02, seed=7)
    nodes = [Node(f"i{i:03d}", "Institution", str(i), {"kind": "university"}) for i in g]
    rels = [
        Relationship(f"c{a:03d}-{b:03d}", "COLLABORATES_WITH", f"i{a:03d}", f"i{b:03d}", {})
        for a, b in g.edges()
    ]
    with open_store(graph_spec(nodes, rels)) as store:
        graph = projection(store)
        first, second = leiden(graph, 5, 1.0), leiden(graph, 5, 1.0)
        other_seed = leiden(graph, 6, 1.0)
        u = graph.networkx_u()
    assert np.array_equal(first[0], second[0]) and first[1] == second[1]
    reference = nx.community.louvain_communities(u, seed=5, weight=None)
    assert first[1] >= nx.community.modularity(u, reference, weight=None) - 0.02
    assert other_seed[1] == pytest.approx(first[1], abs=0.05)
