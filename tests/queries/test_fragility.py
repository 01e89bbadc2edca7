"""Fragility: which piece stays on a tie, and what is cut off, node by node, against networkx."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.examples import example_store
from queries.fragility import fragility, removal_impact


def staying(u: nx.Graph, node: str, pieces: list[set[str]]) -> set[str]:
    """The piece that stays when ``node`` goes, by the rule the module documents: the largest;
    on a tie not the one holding the component's smallest id if another ties with it, then the
    one holding ``node``'s smallest neighbour."""
    smallest = min(nx.node_connected_component(u, node))
    largest = max(len(p) for p in pieces)
    tied = [p for p in pieces if len(p) == largest]
    others = [p for p in tied if smallest not in p] or tied
    return min(others, key=lambda p: min(set(u[node]) & p))


def counts(nodes: set[str], of: dict[str, str | None]) -> dict[str, int]:
    return dict(sorted(Counter(c for n in nodes if (c := of[n]) is not None).items()))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_what_is_cut_off_follows_the_tie_rule(
    open_store: Any, graphs: Any, data: st.DataObject
) -> None:
    spec = data.draw(graphs(max_nodes=14, max_relationships=25))
    u = spec.u()
    types: dict[str, str | None] = dict(spec.types())
    countries: dict[str, str | None] = {n.id: n.properties.get("country") for n in spec.nodes}
    with open_store(spec) as store:
        found = fragility(store, top=1000)
        impacts = {n: removal_impact(store, n) for n in u}
    for node, (separation, lost) in impacts.items():
        rest = u.subgraph(nx.node_connected_component(u, node) - {node})
        pieces = [set(c) for c in nx.connected_components(rest)]
        cut = set() if len(pieces) < 2 else set().union(*pieces) - staying(u, node, pieces)
        assert lost == sorted(cut)
        assert separation.types == counts(cut, types)
        assert separation.countries == counts(cut, countries)
    for point in found.cut_points:
        assert point.separation == impacts[point.node][0]
    for bridge in found.bridges:
        a, b = bridge.nodes
        cut_graph = u.copy()
        cut_graph.remove_edge(a, b)
        sides = [nx.node_connected_component(cut_graph, n) for n in (a, b)]
        smallest = min(sides[0] | sides[1])
        side = min(sides, key=lambda s: (len(s), smallest in s))
        assert bridge.component_size == len(sides[0]) + len(sides[1])
        assert bridge.separation.size == len(side) and bridge.separation.pieces == 1
        assert bridge.separation.types == counts(side, types)
        assert bridge.separation.countries == counts(side, countries)


def test_leaves_cut_nothing_off_and_their_ties_are_bridges() -> None:
    store = example_store()
    try:
        for node in ("channel-de", "uni-de", "fund-c", "demand-b"):
            separation, lost = removal_impact(store, node)
            assert (separation.size, separation.pieces, lost) == (0, 0, [])
        bridges = {b.nodes: b.separation.size for b in fragility(store, top=1000).bridges}
        assert ("ach-battery", "demand-b") not in bridges  # on the cycle through ent-b
        assert bridges[("broker-west", "channel-de")] == 1
    finally:
        store.close()


def test_ties_by_hand(open_store: Any, graph_spec: Any) -> None:
    from graphsvc.stores.contract import Node, Relationship

    country = {"a1": "CN", "a2": "US", "a3": "DE", "b1": "CN", "b2": "CN", "b3": "DE", "b4": "DE"}
    country |= {"c0": "US", "c1": "CN", "c2": "DE", "c3": "US"}
    nodes = [
        Node(i, "Institution", i, {"kind": "university", "country": c}) for i, c in country.items()
    ]
    ties = [("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("b2", "b3"), ("b3", "b4")]
    ties += [("c0", "c1"), ("c0", "c2"), ("c0", "c3")]
    rels = [Relationship(f"{s}-{t}", "COLLABORATES_WITH", s, t, {}) for s, t in ties]
    with open_store(graph_spec(nodes, rels)) as store:
        found = fragility(store, top=1000)
        # a path of three: the end holding the smallest id is cut off
        assert removal_impact(store, "a2")[1] == ["a1"]
        # a star around the smallest id: the leaf that is its smallest neighbour stays
        assert removal_impact(store, "c0")[1] == ["c2", "c3"]
    bridges = {b.nodes: b.separation for b in found.bridges}
    # a path of four: its middle tie cuts off the half without the smallest id
    assert bridges[("b2", "b3")].countries == {"DE": 2}
    assert bridges[("b1", "b2")].countries == {"CN": 1}
    assert bridges[("a1", "a2")].countries == {"CN": 1}
