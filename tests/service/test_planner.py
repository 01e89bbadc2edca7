"""The planner and broker questions over HTTP, compared with the query layer's answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from graphsvc.stores.embedded import EmbeddedStore
from queries import centrality, concentration, demands, reach

if TYPE_CHECKING:
    from tests.service.conftest import Running, Serve


def test_shanghai_sample_answers(serve: Serve, shanghai: EmbeddedStore) -> None:
    """The answers docs/analytics.md quotes, over HTTP."""
    api = serve(shanghai)
    lost = api.data(
        '{ lostRoutes(removed: ["brk:east"], toTypes: [OVERSEAS_CHANNEL], toCountry: "DE", '
        'fromKinds: ["university"]) { lost items { node { id name } targetsBefore } } }'
    )["lostRoutes"]
    assert [(r["node"]["id"], r["node"]["name"]) for r in lost["items"]] == [
        ("uni:sdju", "上海电机学院"),
        ("uni:sspu", "上海第二工业大学"),
    ]
    cut = api.data("{ unreached { unreached groups { group unreached } } }")["unreached"]
    assert cut["unreached"] == 84
    assert [(g["group"], g["unreached"]) for g in cut["groups"][:2]] == [
        ("金山区", 63),
        ("崇明区", 21),
    ]
    wanted = api.data(
        '{ unsolvedDemands(field: "集成电路", limit: 3, candidates: 3) { total items { '
        "demand { id } nearest candidates { achievement { id } distance transferred "
        "path { length relationships { type } } } } } }"
    )["unsolvedDemands"]
    want = demands.unsolved_demands(shanghai, field="集成电路", limit=3, candidates=3)
    assert wanted["total"] == want.total > 0
    assert [
        [(c["achievement"]["id"], c["distance"], c["transferred"]) for c in d["candidates"]]
        for d in wanted["items"]
    ] == [[(c.achievement, c.distance, c.transferred) for c in d.candidates] for d in want.items]
    for d in wanted["items"]:
        for c in d["candidates"]:
            assert c["path"]["length"] == c["distance"]


def test_overseas_reach(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ overseasReach(maxHops: 2, top: 5) { maxHops channels links items { node { id type } "
        "direct channels share byCountry { country count } } } }"
    )["overseasReach"]
    want = reach.overseas_reach(loaded, max_hops=2, top=5)
    assert (got["channels"], got["links"], got["maxHops"]) == (want.channels, want.links, 2)
    assert [(a["node"]["id"], a["direct"], a["channels"]) for a in got["items"]] == [
        (a.node, a.direct, a.channels) for a in want.items
    ]
    assert [{c["country"]: c["count"] for c in a["byCountry"]} for a in got["items"]] == [
        a.countries for a in want.items
    ]
    assert all(a["node"]["type"] != "OVERSEAS_CHANNEL" for a in got["items"])


def test_lost_routes(api: Running, loaded: EmbeddedStore) -> None:
    hub = centrality.centrality(loaded, "BETWEENNESS", top=1).scores[0].node
    got = api.data(
        "query Lost($removed: [ID!]!) { lostRoutes(removed: $removed, toTypes: [OVERSEAS_CHANNEL],"
        " fromTypes: [INSTITUTION], limit: 500) { removed targets reachedBefore lost "
        "items { node { id } targetsBefore } } }",
        {"removed": [hub]},
    )["lostRoutes"]
    want = reach.lost_routes(
        loaded, hub, to_types=["OverseasChannel"], from_types=["Institution"], limit=500
    )
    assert got["removed"] == [hub]
    assert (got["targets"], got["reachedBefore"], got["lost"]) == (
        want.targets,
        want.reached_before,
        want.lost,
    )
    assert [(r["node"]["id"], r["targetsBefore"]) for r in got["items"]] == [
        (r.node, r.targets_before) for r in want.items
    ]
    error = api.error('{ lostRoutes(removed: ["ghost"]) { lost } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "id": "ghost"}


def test_concentration(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ concentration(top: 3) { relType by actors active deals topShares { k share } hhi "
        "equivalentNumber gini half items { node { id } deals share } } }"
    )["concentration"]
    want = concentration.concentration(loaded, top=3)
    assert (got["relType"], got["by"]) == ("BROKERED", "SOURCE")
    assert (got["actors"], got["deals"], got["half"]) == (want.actors, want.deals, want.half)
    assert got["hhi"] == pytest.approx(want.hhi) and got["gini"] == pytest.approx(want.gini)
    assert {t["k"]: t["share"] for t in got["topShares"]} == pytest.approx(want.top_shares)
    assert [(h["node"]["id"], h["deals"]) for h in got["items"]] == [
        (h.node, h.deals) for h in want.items
    ]
    served = api.data("{ concentration(relType: SERVES, by: TARGET) { deals } }")
    assert (
        served["concentration"]["deals"]
        == concentration.concentration(loaded, rel_type="SERVES", by="target").deals
    )


def test_unreached(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ unreached(maxHops: 2, limit: 3) { maxHops groupBy nodes reached unreached "
        "groups { group nodes reached unreached unreachedNodes { id } } } }"
    )["unreached"]
    want = reach.unreached(loaded, max_hops=2, limit=3)
    assert (got["groupBy"], got["nodes"], got["unreached"]) == (
        "REGION",
        want.nodes,
        want.unreached,
    )
    assert [
        (g["group"], g["nodes"], g["unreached"], [n["id"] for n in g["unreachedNodes"]])
        for g in got["groups"]
    ] == [(g.group, g.nodes, g.unreached, g.unreached_ids) for g in want.groups]
    anyone = api.data(
        "{ unreached(fromKinds: null, toKinds: null, toTypes: [BROKER], maxHops: null, "
        "groupBy: KIND) { nodes unreached } }"
    )["unreached"]
    want = reach.unreached(
        loaded, from_kinds=None, to_kinds=None, to_types=["Broker"], max_hops=None, group_by="kind"
    )
    assert (anyone["nodes"], anyone["unreached"]) == (want.nodes, want.unreached)


def test_unsolved_demands(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ unsolvedDemands(statuses: null, limit: 5, candidates: 2) { total maxHops items { "
        "demand { id type } field status posters { id } nearest candidates { achievement { id } "
        "distance transferred path { length nodes { id } relationships { type } } } } } }"
    )["unsolvedDemands"]
    want = demands.unsolved_demands(loaded, statuses=None, limit=5, candidates=2)
    assert got["total"] == want.total
    assert [
        (
            d["demand"]["id"],
            d["status"].lower(),
            [p["id"] for p in d["posters"]],
            d["nearest"],
            [(c["achievement"]["id"], c["distance"]) for c in d["candidates"]],
        )
        for d in got["items"]
    ] == [
        (
            d.demand,
            d.status,
            d.posters,
            d.nearest,
            [(c.achievement, c.distance) for c in d.candidates],
        )
        for d in want.items
    ]
    for d in got["items"]:
        for c in d["candidates"]:
            if c["path"] is not None:
                assert c["path"]["length"] == c["distance"]
                assert c["path"]["nodes"][0]["id"] == d["demand"]["id"]


def test_centrality_region(api: Running, loaded: EmbeddedStore) -> None:
    region = next(
        r for n in loaded.iter_nodes() if (r := n.region) is not None and n.type == "Institution"
    )
    got = api.data(
        "query Hubs($region: String) { centrality(metric: DEGREE, region: $region, top: 5) { "
        "scores { rank node { id region } } } }",
        {"region": region},
    )["centrality"]["scores"]
    want = centrality.centrality(loaded, "DEGREE", region=region, top=5).scores
    assert [s["node"]["id"] for s in got] == [s.node for s in want]
    assert {s["node"]["region"] for s in got} == {region}


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("{ overseasReach(maxHops: 4) { links } }", "3"),
        ("{ overseasReach(maxHops: 0) { links } }", "1"),
        ("{ overseasReach(top: 1001) { links } }", "1000"),
        ('{ lostRoutes(removed: ["x"], maxHops: 9) { lost } }', "8"),
        ('{ lostRoutes(removed: ["x"], limit: 5001) { lost } }', "5000"),
        ("{ concentration(top: -1) { deals } }", "1000"),
        ("{ unreached(maxHops: 9) { nodes } }", "8"),
        ("{ unreached(limit: 5001) { nodes } }", "5000"),
        ("{ unsolvedDemands(candidates: 51) { total } }", "50"),
        ("{ unsolvedDemands(maxHops: -1) { total } }", "8"),
        ('{ unreached(toTypes: [BROKER], fromKinds: ["x"], toKinds: null) { nodes } }', None),
    ],
)
def test_bounds(api: Running, query: str, limit: str | None) -> None:
    if limit is None:  # a filter matching nothing is an answer, not an error
        assert api.data(query)["unreached"]["nodes"] == 0
        return
    error = api.error(query)
    assert error["extensions"]["code"] == "BAD_REQUEST" and limit in error["message"]
