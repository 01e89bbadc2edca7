"""Node fields read the store through per-request DataLoaders: no read per node (no N+1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from graphsvc.stores.contract import Node, Relationship, Store
from graphsvc.stores.embedded import EmbeddedStore
from graphsvc.stores.neo4j import Neo4jStore

if TYPE_CHECKING:
    from tests.service.conftest import Serve


class Counting:
    """Counts the reads the service makes of the store it is mixed into (a real store, not a
    stand-in)."""

    calls: Counter[str]

    def nodes(self, ids: Sequence[str]) -> dict[str, Node]:
        self.calls["nodes"] += 1
        return super().nodes(ids)  # type: ignore[misc,no-any-return]

    def relationships_of(
        self, node_ids: Sequence[str], *, rel_types: Sequence[str] | None = None
    ) -> list[Relationship]:
        self.calls["relationships_of"] += 1
        return super().relationships_of(node_ids, rel_types=rel_types)  # type: ignore[misc,no-any-return]


class CountingEmbedded(Counting, EmbeddedStore):
    """The embedded store, counting its reads."""


class CountingNeo4j(Counting, Neo4jStore):
    """The Neo4j store, counting its reads."""


def counting(loaded: Store) -> CountingEmbedded | CountingNeo4j:
    """A second, counting store on the same graph as ``loaded``."""
    store: CountingEmbedded | CountingNeo4j
    if isinstance(loaded, EmbeddedStore):
        store = CountingEmbedded(loaded.path)
    else:
        store = CountingNeo4j.from_env(loaded.uri)  # type: ignore[assignment]
    store.calls = Counter()
    return store


def test_nested_relations_cost_one_read_per_level(serve: Serve, loaded: Store) -> None:
    store = counting(loaded)
    api = serve(store)
    answer = api.data(
        """{ search(types: [INSTITUTION], first: 50) { edges { node {
             id degree
             relationships(first: 20) { id sourceNode { name } targetNode { name } }
             neighbors(first: 20) { id neighbors(first: 5) { id } }
        } } } }"""
    )
    edges = answer["search"]["edges"]
    assert len(edges) == 50
    touched = sum(len(e["node"]["relationships"]) for e in edges)
    assert touched > 50  # the answer did reach many nodes...
    # ...yet reads grow with the depth of the query, not with the number of nodes
    assert store.calls["relationships_of"] == 2
    assert store.calls["nodes"] <= 3
    store.close()
