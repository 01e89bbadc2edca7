"""Shortest paths asked of both stores through ``queries.paths``: Neo4j answers with its own
``shortestPath`` (the store's PathPushdown), the embedded store on its projection, and the answers
must be the same, ``via`` and ``relTypes`` included.

``via`` restricts the *intermediate* nodes (API_CONTRACT.md): the endpoints may be of any type,
and ``via: []`` allows no intermediate node at all, so only a direct relationship is a path.
"""

from __future__ import annotations

import pytest

from graphsvc.stores.contract import Node, Store
from queries.paths import shortest_path
from tests.stores.conftest import StoreFactory
from tests.stores.test_store_contract import achievement, broker, institution, rel

NODES: list[Node] = [
    institution("i1"),
    institution("i2"),
    institution("i3"),
    achievement("a1"),
    broker("b1"),
]
RELS = [
    rel("i1", "DEVELOPED", "a1"),
    rel("a1", "TRANSFERRED_TO", "i2"),
    rel("b1", "SERVES", "i1"),
    rel("b1", "SERVES", "i2"),
    rel("i1", "COLLABORATES_WITH", "i3"),
    rel("i3", "COLLABORATES_WITH", "i2"),
]


@pytest.fixture
def loaded(store_factory: StoreFactory) -> Store:
    store = store_factory()
    store.refresh("paths", NODES, RELS)
    return store


@pytest.mark.parametrize(
    ("source", "target", "options", "nodes"),
    [
        # via [] allows no intermediate node: only a direct relationship is a path
        ("i1", "i2", {"via": []}, None),
        ("i1", "i3", {"via": []}, ["i1", "i3"]),
        # the intermediate nodes are restricted, never the endpoints
        ("i1", "i2", {"via": ["Broker"]}, ["i1", "b1", "i2"]),
        ("i1", "i2", {"via": ["Achievement"]}, ["i1", "a1", "i2"]),
        ("i1", "i2", {"via": ["Demand"]}, None),
        ("b1", "a1", {"via": ["Institution"]}, [["b1", "i1", "a1"], ["b1", "i2", "a1"]]),
        ("b1", "a1", {"via": ["Institution"], "max_hops": 1}, None),
        # relation types, with and without via
        ("i1", "i2", {"rel_types": ["COLLABORATES_WITH"]}, ["i1", "i3", "i2"]),
        ("i1", "i2", {"rel_types": ["SERVES"], "via": ["Broker"]}, ["i1", "b1", "i2"]),
        ("i1", "i2", {"rel_types": ["SERVES"], "via": ["Institution"]}, None),
        ("a1", "i3", {"rel_types": ["DEVELOPED", "COLLABORATES_WITH"]}, ["a1", "i1", "i3"]),
    ],
)
def test_both_stores_find_the_same_path(
    loaded: Store,
    source: str,
    target: str,
    options: dict[str, object],
    nodes: list[str] | list[list[str]] | None,
) -> None:
    """``nodes``: the one shortest path, or a list of the equally short ones."""
    path = shortest_path(loaded, source, target, **options)  # type: ignore[arg-type]
    found = path.nodes if path is not None else None
    assert found in nodes if nodes and isinstance(nodes[0], list) else found == nodes


def test_unrestricted_paths_have_the_same_length_on_both_stores(loaded: Store) -> None:
    lengths = {}
    for source in ("i1", "i2", "i3", "a1", "b1"):
        for target in ("i1", "i2", "i3", "a1", "b1"):
            path = shortest_path(loaded, source, target)
            lengths[source, target] = path.length if path is not None else None
    assert lengths[("a1", "i3")] == 2
    assert lengths[("b1", "i3")] == 2
    assert lengths[("i1", "i1")] == 0
    assert all(length is not None for length in lengths.values())
