"""How the Neo4j store turns rows into parameters and records back into values (no server)."""

from __future__ import annotations

import pytest

from graphsvc.stores import cypher
from graphsvc.stores.contract import Node, Relationship, SearchFilter, StoreError
from graphsvc.stores.neo4j import (
    Neo4jStore,
    _row_problems,
    decode_cursor,
    encode_cursor,
    gds_scores,
    node_from_record,
    node_properties,
    relationship_from_record,
    relationship_properties,
    search_parameters,
)

ACH = Node(
    "ach-1",
    "Achievement",
    "Deep-Sea Sensor 深海",
    {"field": "ocean", "tags": ("a", "b"), "year": 2021, "ipc": None},
)


def test_node_properties_carry_the_name_column_and_bookkeeping() -> None:
    props = node_properties(ACH)
    assert props == {
        "id": "ach-1",
        "title": "Deep-Sea Sensor 深海",
        "field": "ocean",
        "tags": ["a", "b"],
        "year": 2021,
        cypher.NAME_KEY: "Deep-Sea Sensor 深海",
        cypher.SEARCH_KEY: "deep-sea sensor 深海\nach-1",
    }


def test_a_node_round_trips() -> None:
    stored = node_properties(ACH)
    back = node_from_record(["InnonetNode", "Achievement"], stored)
    assert back == Node(
        "ach-1", "Achievement", ACH.name, {"field": "ocean", "tags": ["a", "b"], "year": 2021}
    )


def test_relationship_weight_defaults_and_round_trips() -> None:
    rel = Relationship("x", "DEVELOPED", "sjtu", "ach-1", {"mode": None, "note": "n"})
    props = relationship_properties(rel)
    assert props == {"note": "n", "weight": 1.0, "id": "x"}
    back = relationship_from_record("x", "DEVELOPED", "sjtu", "ach-1", props)
    assert back == Relationship("x", "DEVELOPED", "sjtu", "ach-1", {"note": "n", "weight": 1.0})


def test_a_record_without_a_model_label_is_an_error() -> None:
    with pytest.raises(StoreError, match="no model type"):
        node_from_record(["InnonetNode"], {"id": "x"})


def test_row_problems() -> None:
    nodes = [
        Node("a", "Broker", "A", {"innonet_sources": ["x"]}),
        Node("a", "Broker", "A again"),
        Node("b", "Person", "B"),
    ]
    rels = [Relationship("r", "LIKES", "a", "b", {"id": "clash"})]
    assert _row_problems(nodes, rels) == [
        "nodes: id 'a' given twice",
        "node 'a': property 'innonet_sources' is reserved by the store",
        "node 'b': unknown type 'Person'",
        "relationship 'r': unknown type 'LIKES'",
        "relationship 'r': property 'id' is reserved by the store",
    ]


def test_search_parameters_lower_ascii_only_and_check_types() -> None:
    params = search_parameters(SearchFilter(text="ÉCOLE Sjtu", types=["BROKER", "Institution"]))
    assert params["text"] == "École sjtu"
    assert params["types"] == ["Broker", "Institution"]
    assert "kinds" not in params  # only the filters given are written into the statement
    with pytest.raises(KeyError, match="unknown node type"):
        search_parameters(SearchFilter(types=["Person"]))


def test_cursor_round_trips_and_refuses_garbage() -> None:
    assert decode_cursor(encode_cursor("上海", "sjtu")) == ("上海", "sjtu")
    with pytest.raises(ValueError, match="invalid cursor"):
        decode_cursor("not-a-cursor")


def test_gds_scores_follow_networkx_scaling() -> None:
    # A path a-b-c: networkx normalized betweenness of b is 1.0; GDS gives 1.0 unnormalized.
    assert gds_scores("BETWEENNESS", {"a": 0.0, "b": 1.0, "c": 0.0})["b"] == pytest.approx(1.0)
    # Harmonic: GDS divides by n-1 = 2; networkx of b is 2.0.
    assert gds_scores("HARMONIC", {"a": 0.75, "b": 1.0, "c": 0.75})["b"] == pytest.approx(2.0)


def test_from_env_explains_missing_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(StoreError, match="NEO4J_PASSWORD is not set"):
        Neo4jStore.from_env("bolt://localhost:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    monkeypatch.setenv("NEO4J_DATABASE", "no way!")
    with pytest.raises(StoreError, match="database name"):
        Neo4jStore.from_env("bolt://localhost:7687")
