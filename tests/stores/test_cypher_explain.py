"""Every statement the Neo4j store can emit meets the real planner: ``EXPLAIN`` with no
notification.

``cypher.all_statements()`` enumerates every text the store can send (every generator over its
whole domain). Each is EXPLAINed on the server of ``NEO4J_TEST_URI`` with example parameters,
and any notification fails the test: deprecations, cartesian products, the exhaustive
shortest-path fallback, unbounded variable-length patterns, missing parameters, and unknown
labels, relationship types or property keys. The database first holds a graph with one node of
every type carrying every property of the model and one relationship of every type carrying
every relation property, written by the store itself, so that every name the model and the
bookkeeping use exists and an unknown-name warning can only mean a typo in a statement.

GDS statements need Graph Data Science on the server (``neo4j-server/run --gds``); without it
they skip, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from graphsvc.model import NODE_TYPES, RELATION_TYPES, Property, PropertyType
from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, Relationship
from graphsvc.stores.neo4j import Neo4jStore
from tests.neo4j_server import fresh_neo4j

STATEMENTS = list(cypher.all_statements())

EXAMPLES: dict[str, Any] = {
    "ids": ["explain-Institution"],
    "members": {"explain-Institution": True},
    "rows": [{"id": "explain-x", "source": "a", "target": "b", "props": {"id": "explain-x"}}],
    "source": "explain-Institution",
    "target": "explain-Broker",
    "types": ["Institution"],
    "via": ["Broker"],
    "kinds": ["university"],
    "text": "explain",
    "country": "CN",
    "region": "Pudong",
    "after_name": "a",
    "after_id": "b",
    "after": "",
    "page_size": 21,
    "batch": 10_000,
    "graph": "innonet-explain",
    "samples": 256,
    "seed": 0,
    "seconds": 60,
}
"""A value for each parameter a statement may take (None for one not listed)."""


def _value(prop: Property) -> Any:
    if prop.type is PropertyType.INTEGER:
        return int(prop.minimum) if prop.minimum is not None else 1
    if prop.type is PropertyType.DECIMAL:
        return max(1.0, prop.minimum or 0.0)
    return {
        PropertyType.TEXT: "explain",
        PropertyType.BOOLEAN: True,
        PropertyType.DATE: "2024-01-01",
        PropertyType.COUNTRY: "CN",
        PropertyType.TAGS: ["explain"],
        PropertyType.CHOICE: prop.choices[0] if prop.choices else "",
    }[prop.type]


def every_token_graph() -> tuple[list[Node], list[Relationship]]:
    """One node of each type with every property, one relationship of each type with every
    relation property (each between nodes of types it may join)."""
    nodes = [
        Node(
            f"explain-{t.name}",
            t.name,
            f"explain {t.name}",
            {p.name: _value(p) for p in t.properties if p.name != t.name_column},
        )
        for t in NODE_TYPES
    ]
    rels = [
        Relationship(
            f"explain-{r.name}",
            r.name,
            f"explain-{r.sources[0]}",
            f"explain-{r.targets[0]}",
            {p.name: _value(p) for p in r.properties},
        )
        for r in RELATION_TYPES
    ]
    return nodes, rels


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Neo4jStore, bool]]:
    store = fresh_neo4j()
    nodes, rels = every_token_graph()
    # Three refreshes: a first load, one that changes a node and removes a relationship (so that
    # the bookkeeping keys of staged changes and removals exist too), and the whole graph again.
    store.refresh("explain", nodes, rels)
    changed = replace(nodes[0], name=f"{nodes[0].name} (renamed)")
    store.refresh("explain", [changed, *nodes[1:]], rels[:-1])
    store.refresh("explain", nodes, rels)
    yield store, store.has_gds()
    store.wipe()
    store.close()


def parameters(text: str) -> dict[str, Any]:
    return {name: EXAMPLES.get(name) for name in re.findall(r"\$(\w+)", text)}


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s.name for s in STATEMENTS])
def test_the_planner_has_nothing_to_say(
    server: tuple[Neo4jStore, bool], statement: cypher.Statement
) -> None:
    store, gds = server
    if not gds and "gds." in statement.text:
        pytest.skip("Graph Data Science is not installed (neo4j-server/run --gds installs it)")
    with store.driver.session(database=store.database) as session:
        summary = session.run(f"EXPLAIN {statement.text}", parameters(statement.text)).consume()
    said = [
        f"{status.gql_status} {status.status_description}"
        for status in summary.gql_status_objects
        if status.is_notification
    ]
    assert not said, f"{statement.name}: {said}\n{statement.text}"


def test_a_notification_fails_the_check(server: tuple[Neo4jStore, bool]) -> None:
    """The check sees what the planner says: the slice form this module guards against."""
    store, _ = server
    slice_form = (
        f"MATCH p = shortestPath((a:{cypher.NODE_LABEL} {{id: $source}})-[*1..4]-"
        f"(b:{cypher.NODE_LABEL} {{id: $target}})) "
        "WHERE all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN p"
    )
    with store.driver.session(database=store.database) as session:
        summary = session.run(f"EXPLAIN {slice_form}", parameters(slice_form)).consume()
    codes = {s.gql_status for s in summary.gql_status_objects if s.is_notification}
    assert "03N91" in codes or any(
        "exhaustive" in s.status_description.lower() for s in summary.gql_status_objects
    ), codes
