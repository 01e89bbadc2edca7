"""The hub analyses over HTTP, compared with the query layer's answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from graphsvc.stores.contract import SearchFilter
from graphsvc.stores.embedded import EmbeddedStore
from queries import communities, fragility, holes, roles

if TYPE_CHECKING:
    from tests.service.conftest import Running


def test_brokerage_roles(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ brokerageRoles(groupBy: KIND, types: [BROKER], role: LIAISON, top: 5) { "
        "node { id type } group total roles { role count expected zScore } } }"
    )["brokerageRoles"]
    want = roles.brokerage_roles(loaded, group_by="kind", types=["Broker"], role="liaison", top=5)
    assert want, "the test graph must have brokers in the liaison role"
    assert [(p["node"]["id"], p["group"], p["total"]) for p in got] == [
        (p.node, p.group, p.total) for p in want
    ]
    for profile, expected in zip(got, want, strict=True):
        assert profile["node"]["type"] == "BROKER"
        counts = {r["role"].lower(): r["count"] for r in profile["roles"]}
        assert counts == {role: expected.counts.get(role, 0) for role in counts}


def test_structural_holes(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ structuralHoles(by: CONSTRAINT, top: 5) { node { id } degree effectiveSize "
        "constraint } }"
    )["structuralHoles"]
    want = holes.structural_holes(loaded, by="constraint", top=5)
    assert [h["node"]["id"] for h in got] == [h.node for h in want]
    assert [h["constraint"] for h in got] == pytest.approx([h.constraint for h in want])


def test_fragility_and_removal_impact(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ fragility(top: 3) { cutPoints { node { id } componentSize separation { size pieces "
        "byType { type count } byCountry { country count } } } "
        "bridges { nodes { id } relationships separation { size } } } }"
    )["fragility"]
    want = fragility.fragility(loaded, top=3)
    assert [c["node"]["id"] for c in got["cutPoints"]] == [c.node for c in want.cut_points]
    assert [b["relationships"] for b in got["bridges"]] == [b.relationships for b in want.bridges]
    if want.cut_points:
        point = want.cut_points[0].node
        impact = api.data(
            f'{{ removalImpact(id: "{point}") {{ separation {{ size }} '
            "cutOff(first: 500) { id } } }"
        )["removalImpact"]
        separation, lost = fragility.removal_impact(loaded, point)
        assert impact["separation"]["size"] == separation.size
        assert [n["id"] for n in impact["cutOff"]] == lost[:500]
    error = api.error('{ removalImpact(id: "ghost") { separation { size } } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "id": "ghost"}


def test_communities(api: Running, loaded: EmbeddedStore) -> None:
    got = api.data(
        "{ communities(seed: 3, top: 3) { modularity seed resolution total items { rank size "
        "byType { type count } hubs { id } members(first: 500) { id } } } }"
    )["communities"]
    want = communities.communities(loaded, seed=3, top=3)
    assert got["total"] == want.total and got["seed"] == 3
    assert got["modularity"] == pytest.approx(want.modularity)
    assert [c["size"] for c in got["items"]] == [c.size for c in want.items]
    assert [[n["id"] for n in c["members"]] for c in got["items"]] == [
        c.members[:500] for c in want.items
    ]
    error = api.error("{ communities(resolution: 0) { total } }")
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_hub_bounds(api: Running, loaded: EmbeddedStore) -> None:
    for query in (
        "{ brokerageRoles(top: 1001) { total } }",
        "{ structuralHoles(top: -1) { degree } }",
        "{ fragility(top: 5000) { bridges { relationships } } }",
        "{ communities(top: 1001) { total } }",
    ):
        error = api.error(query)
        assert error["extensions"]["code"] == "BAD_REQUEST" and "1000" in error["message"]
    some = loaded.search(SearchFilter(), first=1).nodes[0].id
    error = api.error(f'{{ removalImpact(id: "{some}") {{ cutOff(first: 501) {{ id }} }} }}')
    assert "500" in error["message"]
