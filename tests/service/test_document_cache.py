"""A query text seen before is neither parsed, validated nor costed again, and still every request
gets the answer, the errors and the cost of its own variables."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from graphql import parse

from graphsvc.schema import build_schema
from graphsvc.schema.limits import MEMO, DocumentCache
from graphsvc.service.admission import HEAVY_SWITCH_INTERVAL, Admission
from graphsvc.service.cost import MAX_OBJECTS, document_cost
from graphsvc.service.heavy import HeavyProcess
from graphsvc.stores.contract import SearchFilter

if TYPE_CHECKING:
    from graphsvc.stores.embedded import EmbeddedStore
    from tests.service.conftest import Running

NODE = "query Node($id: ID!) { node(id: $id) { id name type } }"

NESTED = (
    "query Wide($n: Int!) "
    "{ search(first: $n) { edges { node { id neighbors(first: $n) { id } } } } }"
)


def test_one_query_text_answers_each_request_with_its_own_variables(
    api: Running, embedded_loaded: EmbeddedStore
) -> None:
    nodes = embedded_loaded.search(SearchFilter(), first=3).nodes
    for _ in range(2):
        for node in nodes:
            answer = api.data(NODE, {"id": node.id})["node"]
            assert answer["id"] == node.id and answer["name"] == node.name
        assert api.data(NODE, {"id": "no-such-node"})["node"] is None


def test_errors_of_a_cached_query_are_reported_on_every_request(api: Running) -> None:
    for _ in range(3):
        error = api.error("{ node(id: 1) { nope } }")
        assert error["extensions"]["code"] == "BAD_REQUEST" and "nope" in error["message"]
    bad_variable = "query Page($n: Int!) { search(first: $n) { totalCount } }"
    for variables in ({"n": "many"}, {"n": 3}, {"n": None}, {"n": 3}):
        answer = api.gql(bad_variable, variables)
        if variables["n"] == 3:
            assert "errors" not in answer and answer["data"]["search"]["totalCount"] > 0
        else:
            assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST", answer


def test_the_cost_of_a_cached_query_follows_its_variables(api: Running) -> None:
    assert "errors" not in api.gql(NESTED, {"n": 5})
    refused = api.error(NESTED, {"n": 500})
    assert refused["extensions"]["code"] == "BAD_REQUEST"
    assert refused["extensions"]["cost"]["objects"] > MAX_OBJECTS
    assert "errors" not in api.gql(NESTED, {"n": 5})
    assert api.error(NESTED, {"n": 400})["extensions"]["cost"]["objects"] > MAX_OBJECTS


def test_costs_are_kept_per_shape_of_the_variables_and_bounded() -> None:
    schema = build_schema()._schema
    entry = DocumentCache().parsed(NESTED, parse)
    small = document_cost(schema, entry, None, {"n": 5})
    assert document_cost(schema, entry, None, {"n": 5, "other": "ignored"}) is small
    assert document_cost(schema, entry, None, {"n": 500}).objects > small.objects
    for n in range(3 * MEMO):
        assert document_cost(schema, entry, None, {"n": n}).objects == 1 + n * (2 + n)
    assert len(entry.memo) <= MEMO
    node = DocumentCache().parsed(NODE, parse)
    first = document_cost(schema, node, None, {"id": "org:1"})
    assert document_cost(schema, node, None, {"id": "org:2"}) is first


def test_the_switch_interval_is_short_only_while_heavy_work_runs() -> None:
    resting = sys.getswitchinterval()
    assert resting != HEAVY_SWITCH_INTERVAL
    admission = Admission(HeavyProcess("unused.db"), heavy_queue=2)

    async def run() -> None:
        async with admission.heavy_slot():
            assert sys.getswitchinterval() == HEAVY_SWITCH_INTERVAL
        assert sys.getswitchinterval() == resting

    try:
        asyncio.run(run())
    finally:
        admission.shutdown()
    assert sys.getswitchinterval() == resting
