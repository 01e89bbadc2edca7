"""Planner and broker questions against networkx and brute force on random typed graphs:
overseas reach, lost routes, unreached groups, concentration, unsolved demands, and the
centrality region filter."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.model import RELATION_TYPE_BY_NAME, RELATION_TYPE_NAMES
from graphsvc.stores.contract import Node, Relationship
from queries.centrality import centrality
from queries.concentration import concentration
from queries.demands import TRANSFERRED_STATUSES, unsolved_demands
from queries.errors import BadRequest, NotFound
from queries.examples import example_store
from queries.reach import lost_routes, overseas_reach, unreached

REGIONS = ("浦东新区", "金山区", None)
FIELDS = ("energy", "Energy ", "materials")


def decorated(spec: Any, data: st.DataObject, graph_spec: Any) -> Any:
    """``spec`` with regions on actors, and fields and statuses on achievements and demands."""
    nodes = []
    for node in spec.nodes:
        props = dict(node.properties)
        if node.type in ("Institution", "Broker", "Investor"):
            region = data.draw(st.sampled_from(REGIONS))
            if region is not None:
                props["region"] = region
        if node.type in ("Achievement", "Demand"):
            props["field"] = data.draw(st.sampled_from(FIELDS))
            statuses = ("available", "transferred") if node.type == "Achievement" else ("open",)
            status = data.draw(st.sampled_from((*statuses, None)))
            if status is not None:
                props["status"] = status
        nodes.append(dataclasses.replace(node, properties=props))
    return graph_spec(nodes, spec.relationships)


def within(u: nx.Graph, node: str, hops: int | None) -> dict[str, int]:
    return nx.single_source_shortest_path_length(u, node, cutoff=hops)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_overseas_reach_matches_networkx(
    open_store: Any, graphs: Any, graph_spec: Any, data: st.DataObject
) -> None:
    spec = decorated(data.draw(graphs(max_nodes=14, max_relationships=30)), data, graph_spec)
    hops = data.draw(st.integers(1, 3))
    region = data.draw(st.sampled_from(REGIONS))
    u, types = spec.u(), spec.types()
    props = {n.id: n.properties for n in spec.nodes}
    channels = [n for n in u if types[n] == "OverseasChannel"]
    links = sum(1 for a, b in u.edges if (a in channels) != (b in channels))
    want = []
    for node in u:
        if types[node] == "OverseasChannel":
            continue
        if region is not None and props[node].get("region") != region:
            continue
        reached = [c for c in within(u, node, hops) if c in channels and c != node]
        if reached:
            direct = sum(1 for c in u[node] if c in channels)
            countries = Counter(props[c]["country"] for c in reached)
            want.append((node, direct, len(reached), dict(countries)))
    want.sort(key=lambda w: (-w[2], -len(w[3]), w[0]))
    with open_store(spec) as store:
        found = overseas_reach(store, max_hops=hops, region=region, top=1000)
    assert (found.channels, found.links) == (len(channels), links)
    got = [(a.node, a.direct, a.channels, a.countries) for a in found.items]
    assert got == want
    for a in found.items:
        assert list(a.countries.values()) == sorted(a.countries.values(), reverse=True)
        assert a.share == pytest.approx(a.direct / links)


def reaches(u: nx.Graph, node: str, targets: set[str], hops: int | None) -> set[str]:
    """The targets other than ``node`` within ``hops`` of it."""
    if node not in u:
        return set()
    return {t for t in within(u, node, hops) if t in targets and t != node}


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_lost_routes_match_brute_force(open_store: Any, graphs: Any, data: st.DataObject) -> None:
    spec = data.draw(graphs(max_nodes=14, max_relationships=30))
    u, types = spec.u(), spec.types()
    country = {n.id: n.properties.get("country") for n in spec.nodes}
    removed = data.draw(st.lists(st.sampled_from(sorted(u)), min_size=1, max_size=2, unique=True))
    to_country = data.draw(st.sampled_from(("DE", "CN", None)))
    from_types = data.draw(st.sampled_from((None, ["Institution"], ["Broker", "Achievement"])))
    hops = data.draw(st.sampled_from((None, 0, 1, 2, 3)))
    targets = {n for n in u if to_country is None or country[n] == to_country}
    asked = [
        n for n in sorted(u) if n not in removed and (from_types is None or types[n] in from_types)
    ]
    without = u.copy()
    without.remove_nodes_from(removed)
    before = {n: reaches(u, n, targets, hops) for n in asked}
    lost = [n for n in asked if before[n] and not reaches(without, n, targets - set(removed), hops)]
    with open_store(spec) as store:
        found = lost_routes(
            store, removed, to_country=to_country, from_types=from_types, max_hops=hops, limit=5
        )
    assert found.targets == len(targets)
    assert found.reached_before == sum(1 for n in asked if before[n])
    assert found.lost == len(lost)
    assert [(r.node, r.targets_before) for r in found.items] == [
        (n, len(before[n])) for n in lost[:5]
    ]


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_unreached_matches_brute_force(
    open_store: Any, graphs: Any, graph_spec: Any, data: st.DataObject
) -> None:
    spec = decorated(data.draw(graphs(max_nodes=14, max_relationships=25)), data, graph_spec)
    u, types = spec.u(), spec.types()
    props = {n.id: n.properties for n in spec.nodes}
    hops = data.draw(st.sampled_from((None, 1, 2, 3)))
    from_kinds = data.draw(st.sampled_from((None, ["university"])))
    to_kinds = data.draw(st.sampled_from((["university"], ["university", "research_institute"])))
    group_by = data.draw(st.sampled_from(("region", "kind", "type", "country")))
    targets = {n for n in u if props[n].get("kind") in to_kinds}
    asked = sorted(
        n
        for n in u
        if types[n] == "Institution" and (from_kinds is None or props[n]["kind"] in from_kinds)
    )
    groups: dict[str | None, list[str]] = {}
    for n in asked:
        key = types[n] if group_by == "type" else props[n].get(group_by)
        groups.setdefault(key, []).append(n)
    with open_store(spec) as store:
        found = unreached(
            store,
            from_types=["Institution"],
            from_kinds=from_kinds,
            to_kinds=to_kinds,
            max_hops=hops,
            group_by=group_by,
            limit=2,
        )
    want = []
    for key, members in groups.items():
        missed = [n for n in members if not reaches(u, n, targets, hops)]
        want.append((key, len(members), len(members) - len(missed), len(missed), missed[:2]))
    want.sort(key=lambda g: (-g[3], g[0] is None, g[0] or ""))
    got = [(g.group, g.nodes, g.reached, g.unreached, g.unreached_ids) for g in found.groups]
    assert got == want
    assert found.nodes == len(asked) and found.unreached == sum(w[3] for w in want)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_concentration_matches_brute_force(
    open_store: Any, graphs: Any, data: st.DataObject
) -> None:
    spec = data.draw(graphs(max_nodes=12, max_relationships=40))
    rel_type = data.draw(st.sampled_from(RELATION_TYPE_NAMES))
    by = data.draw(st.sampled_from(("source", "target")))
    relation = RELATION_TYPE_BY_NAME[rel_type]
    end_types = relation.sources if by == "source" else relation.targets
    actors = sorted(n.id for n in spec.nodes if n.type in end_types)
    deals = Counter()  # relationships of the type at the actor's end (both ends if symmetric)
    for r in spec.relationships:
        if r.type != rel_type:
            continue
        ends = (
            {r.source, r.target}
            if relation.symmetric
            else {r.source if by == "source" else r.target}
        )
        deals.update(ends)
    d = [deals[a] for a in actors]
    total = sum(d)
    with open_store(spec) as store:
        found = concentration(store, rel_type=rel_type, by=by, top=1000)
    assert (found.actors, found.deals, found.active) == (len(actors), total, sum(x > 0 for x in d))
    ranked = sorted(zip(actors, d, strict=True), key=lambda a: (-a[1], a[0]))
    assert [(h.node, h.deals) for h in found.items] == ranked
    if not total:
        assert (found.hhi, found.gini, found.half) == (0.0, 0.0, 0)
        return
    shares = [x / total for _, x in ranked]
    assert found.hhi == pytest.approx(sum(s * s for s in shares))
    n, mean = len(d), total / len(d)
    gini = sum(abs(a - b) for a, b in itertools.product(d, d)) / (2 * n * n * mean)
    assert found.gini == pytest.approx(gini)
    for k, share in found.top_shares.items():
        assert share == pytest.approx(sum(shares[:k]))
    half = min(k for k in range(1, n + 1) if sum(x for _, x in ranked[:k]) >= total / 2)
    assert found.half == half


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_unsolved_demands_match_networkx(
    open_store: Any, graphs: Any, graph_spec: Any, data: st.DataObject
) -> None:
    spec = decorated(data.draw(graphs(max_nodes=14, max_relationships=30)), data, graph_spec)
    hops = data.draw(st.integers(0, 3))
    u, types = spec.u(), spec.types()
    props = {n.id: n.properties for n in spec.nodes}
    solved = {r.target for r in spec.relationships if r.type == "SOLVES"}
    moved = {r.source for r in spec.relationships if r.type == "TRANSFERRED_TO"}
    demands = [n for n in sorted(u) if types[n] == "Demand" and n not in solved]

    def key(node: str) -> str:
        return str(props[node]["field"]).strip().casefold()

    def transferred(a: str) -> bool:
        return a in moved or props[a].get("status") in TRANSFERRED_STATUSES

    want = {}
    for demand in demands:
        distance = nx.single_source_shortest_path_length(u, demand)
        pool = [
            a
            for a in u
            if types[a] == "Achievement"
            and key(a) == key(demand)
            and (distance.get(a, 99) <= hops or not transferred(a))
        ]
        pool.sort(key=lambda a: (distance.get(a, float("inf")), transferred(a), a))
        want[demand] = [(a, distance.get(a), transferred(a)) for a in pool[:3]]
    nearest = {
        d: (want[d][0][1] if want[d] and want[d][0][1] is not None else None) for d in demands
    }
    with open_store(spec) as store:
        found = unsolved_demands(store, max_hops=hops, candidates=3, limit=100, statuses=None)
    assert found.total == len(demands)
    order = sorted(demands, key=lambda d: (float("inf") if nearest[d] is None else nearest[d], d))
    assert [d.demand for d in found.items] == order
    for item in found.items:
        assert item.nearest == nearest[item.demand]
        assert [(c.achievement, c.distance, c.transferred) for c in item.candidates] == want[
            item.demand
        ]
        for c in item.candidates:
            if c.distance is None:
                assert c.path is None
                continue
            assert c.path is not None and c.path.length == c.distance
            assert (c.path.nodes[0], c.path.nodes[-1]) == (item.demand, c.achievement)
            for a, b, rel in zip(
                c.path.nodes, c.path.nodes[1:], c.path.relationships, strict=False
            ):
                assert {rel.source, rel.target} == {a, b}
        assert item.posters == sorted(
            {r.source for r in spec.relationships if r.type == "RAISED" and r.target == item.demand}
        )


def test_demand_filters_by_field_and_status(open_store: Any, graph_spec: Any) -> None:
    nodes = [
        Node("ent", "Institution", "E", {"kind": "enterprise"}),
        Node("d1", "Demand", "D1", {"field": "Battery materials", "status": "open"}),
        Node("d2", "Demand", "D2", {"field": "battery", "status": "withdrawn"}),
        Node("d3", "Demand", "D3", {"field": "AI"}),
    ]
    rels = [Relationship(f"r{d}", "RAISED", "ent", d, {}) for d in ("d1", "d2", "d3")]
    with open_store(graph_spec(nodes, rels)) as store:
        assert [d.demand for d in unsolved_demands(store, field="BATTERY").items] == ["d1"]
        assert unsolved_demands(store, field="battery", statuses=None).total == 2
        assert [d.status for d in unsolved_demands(store, field="ai").items] == ["open"]
        with pytest.raises(BadRequest, match="closed"):
            unsolved_demands(store, statuses=["closed"])


def test_centrality_region_filter(open_store: Any, graph_spec: Any) -> None:
    nodes = [
        Node(f"i{k}", "Institution", f"I{k}", {"kind": "enterprise", "region": r})
        for k, r in enumerate(("浦东新区", "金山区", "浦东新区", "金山区"))
    ]
    rels = [
        Relationship(f"r{a}{b}", "COLLABORATES_WITH", f"i{a}", f"i{b}", {})
        for a, b in ((0, 1), (1, 2), (1, 3), (2, 3))
    ]
    with open_store(graph_spec(nodes, rels)) as store:
        everyone = centrality(store, "DEGREE", top=10).scores
        pudong = centrality(store, "DEGREE", region="浦东新区", top=10).scores
    assert [s.node for s in pudong] == [s.node for s in everyone if s.node in ("i0", "i2")]
    assert [s.rank for s in pudong] == [1, 2]


def test_errors() -> None:
    store = example_store()
    try:
        with pytest.raises(NotFound, match="ghost"):
            lost_routes(store, ["broker-east", "ghost"])
        for call in (
            lambda: overseas_reach(store, max_hops=4),
            lambda: overseas_reach(store, max_hops=0),
            lambda: overseas_reach(store, top=1001),
            lambda: lost_routes(store, "broker-east", max_hops=9),
            lambda: unreached(store, group_by="district"),
            lambda: unreached(store, limit=5001),
            lambda: concentration(store, rel_type="KNOWS"),
            lambda: concentration(store, by="middle"),
            lambda: unsolved_demands(store, candidates=51),
            lambda: overseas_reach(store, types=["Unicorn"]),
        ):
            with pytest.raises(BadRequest):
                call()
    finally:
        store.close()


def test_answers_are_cached_per_data_version() -> None:
    store = example_store()
    try:
        assert [a.node for a in overseas_reach(store).items] == ["broker-west"]
        store.refresh(
            "more",
            [Node("channel-fr", "OverseasChannel", "Paris Desk", {"country": "FR"})],
            [Relationship("r20", "PARTNERS_WITH", "lab-a", "channel-fr", {})],
        )
        found = overseas_reach(store)
        assert [(a.node, a.countries) for a in found.items] == [
            ("broker-west", {"DE": 1}),
            ("lab-a", {"FR": 1}),
        ]
        assert found.links == 2
    finally:
        store.close()
