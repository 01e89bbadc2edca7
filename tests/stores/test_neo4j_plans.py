"""Neo4j answers search pages and counts from its indexes, and waits for them to be online;
a refresh creates relationships as a stream.

The search statements are generated for the filters a question gives (``cypher.search_page``,
``cypher.search_count``), each an indexable predicate: the plan of every one of them, on a graph
of a few thousand nodes, must start from an index (or the count store), never from a scan of
every ``InnonetNode`` (which is what ``$x IS NULL OR ...`` filters forced).

A statement that creates nodes or relationships must plan no ``Eager``: one holds the whole batch
in server memory before it creates anything (``SET r += row.props`` planned one, twice, for every
relation type, as a map of unknown keys may set the ``id`` that the statement's ``MATCH`` reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from graphsvc.model import NODE_TYPES, RELATION_TYPES
from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, SearchFilter
from graphsvc.stores.neo4j import Neo4jStore
from tests.neo4j_server import fresh_neo4j
from tests.stores.test_cypher_explain import parameters

INDEXED_LEAVES = {
    "NodeIndexSeek",
    "NodeUniqueIndexSeek",
    "NodeIndexSeekByRange",
    "NodeUniqueIndexSeekByRange",
    "NodeIndexScan",
    "NodeIndexContainsScan",
    "MultiNodeIndexSeek",
    "NodeCountFromCountStore",
}
KINDS = ("university", "research_institute", "enterprise", "hospital")


@pytest.fixture(scope="module")
def neo4j() -> Iterator[Neo4jStore]:
    store = fresh_neo4j()
    nodes = [
        Node(
            f"org-{i:05d}",
            "Institution",
            f"机构 {i:05d}",
            {"kind": KINDS[i % 4], "country": "DE" if i % 7 == 0 else "CN", "region": f"r{i % 50}"},
        )
        for i in range(4_000)
    ]
    store.refresh("plans", nodes, [])
    yield store
    store.wipe()
    store.close()


def leaves(plan: Any) -> list[str]:
    children = plan.get("children") or []
    if not children:
        return [plan["operatorType"].split("@")[0]]
    return [leaf for child in children for leaf in leaves(child)]


def operators(plan: Any) -> list[str]:
    own = plan["operatorType"].split("@")[0]
    return [own, *(op for child in plan.get("children") or [] for op in operators(child))]


SEARCHES = [s for s in cypher.search_statements()]
GRAPH_WRITES = [
    *(cypher.create_nodes(node_type) for node_type in NODE_TYPES),
    *(
        statement
        for rel_type in RELATION_TYPES
        for statement in (
            cypher.create_relationships(rel_type),
            cypher.replace_relationships(rel_type),
        )
    ),
]


@pytest.mark.parametrize("statement", SEARCHES, ids=[s.name for s in SEARCHES])
def test_every_search_starts_from_an_index(neo4j: Neo4jStore, statement: cypher.Statement) -> None:
    with neo4j.driver.session(database=neo4j.database) as session:
        summary = session.run(f"EXPLAIN {statement.text}", parameters(statement.text)).consume()
    assert summary.plan is not None
    starts = leaves(summary.plan)
    assert set(starts) <= INDEXED_LEAVES, f"{statement.name} starts from {starts}"


@pytest.mark.parametrize("statement", GRAPH_WRITES, ids=[s.name for s in GRAPH_WRITES])
def test_nodes_and_relationships_are_created_without_holding_the_batch(
    neo4j: Neo4jStore, statement: cypher.Statement
) -> None:
    with neo4j.driver.session(database=neo4j.database) as session:
        summary = session.run(f"EXPLAIN {statement.text}", parameters(statement.text)).consume()
    assert summary.plan is not None
    assert "Eager" not in operators(summary.plan), f"{statement.name} plans an Eager"


def test_search_answers_follow_the_contract(neo4j: Neo4jStore) -> None:
    """The generated statements keep the contract's meaning and the cursor order."""
    everything = neo4j.search(SearchFilter(), first=1_000)
    assert everything.total == 4_000 and everything.has_next
    universities = neo4j.search(SearchFilter(types=["Institution"], kinds=["university"]))
    assert universities.total == 1_000
    assert neo4j.search(SearchFilter(types=["Broker"])).total == 0
    assert neo4j.search(SearchFilter(types=["Institution"])).total == 4_000
    assert neo4j.search(SearchFilter(types=[])).total == 0
    assert neo4j.search(SearchFilter(text="0042")).total == 11  # 00042, 00420..00429
    german = neo4j.search(SearchFilter(country="DE", region="r0"))
    assert german.total == 12 and {n.properties["country"] for n in german.nodes} == {"DE"}
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        page = neo4j.search(SearchFilter(kinds=["hospital", "enterprise"]), first=300, after=after)
        seen += [(n.name, n.id) for n in page.nodes]
        if not page.has_next:
            break
        after = page.end_cursor
    assert len(seen) == 2_000 and seen == sorted(set(seen))


def test_indexes_are_online_when_the_store_is_ready(neo4j: Neo4jStore) -> None:
    """Indexes dropped on a graph that holds nodes are recreated, and populated, before the
    store answers: ``db.awaitIndexes`` after the schema statements."""
    names = [  # the indexes of every graph node: name order, text, kind, country, region
        found.group(1)
        for s in cypher.schema_statements()
        if (found := re.match(rf"CREATE (?:TEXT )?INDEX (\w+) .*\(n:{cypher.NODE_LABEL}\)", s.text))
    ]
    assert len(names) == 5
    with neo4j.driver.session(database=neo4j.database) as session:
        # enough nodes that populating an index takes a while (written here, not by a refresh)
        session.run(
            "UNWIND range(1, 40000) AS i CALL { WITH i "
            f"CREATE (n:{cypher.NODE_LABEL}:Institution {{id: 'bulk-' + i, name: 'n' + i, "
            f"{cypher.NAME_KEY}: 'n' + i, {cypher.SEARCH_KEY}: 'n' + i, kind: 'enterprise', "
            "country: 'CN', region: 'r' + (i % 50)}) } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()
        for name in names:
            session.run(f"DROP INDEX {name} IF EXISTS").consume()
    fresh = Neo4jStore.from_env(neo4j.uri)
    try:
        fresh.data_version()  # the first use sets the schema up
        with fresh.driver.session(database=fresh.database) as session:
            states = {
                r["name"]: r["state"]
                for r in session.run("SHOW INDEXES YIELD name, state RETURN name, state")
            }
    finally:
        fresh.close()
    assert {name: states.get(name) for name in names} == {name: "ONLINE" for name in names}
