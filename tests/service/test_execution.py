"""Lists of plain objects completed in one pass (graphsvc.schema.execution) answer exactly as
graphql-core's field-by-field completion does: the same JSON, the same errors and paths."""

from __future__ import annotations

import asyncio
import enum
import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import orjson
import pytest
import strawberry
from graphql import DocumentNode, ExecutionResult, execute, parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphsvc.schema import Context, build_schema, execution
from graphsvc.schema.execution import Columns, ExecutionContext
from graphsvc.stores.contract import Store
from queries.examples import example_store


def answer(
    schema: strawberry.Schema,
    query: str | DocumentNode,
    context: object,
    executor: type[Any],
    variables: dict[str, Any] | None = None,
) -> bytes:
    """The JSON of the result of ``query`` (a text, or a document parsed once and run again),
    as the service would send it."""
    result = execute(
        schema._schema,
        parse(query) if isinstance(query, str) else query,
        context_value=context,
        variable_values=variables,
        executor_class=executor,
    )
    if not isinstance(result, ExecutionResult):
        result = asyncio.run(_awaited(result))
    errors = [error.formatted for error in result.errors or ()]
    return orjson.dumps({"data": result.data, "errors": errors})


async def _awaited(result: Any) -> ExecutionResult:
    return cast(ExecutionResult, await result)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    store = example_store()
    yield store
    store.close()


SUBGRAPH = """{ neighborhood(id: "lab-a", depth: 2) { truncated %s } }"""

SERVICE_DOCUMENTS = [
    SUBGRAPH % "nodes { id name } relationships { type source target }",
    SUBGRAPH % "nodes { __typename name id } relationships { i: id t: type __typename }",
    SUBGRAPH % "nodes { id type kind country region properties }",
    SUBGRAPH % "relationships { id weight properties }",
    """{ neighborhood(id: "lab-a", depth: 2) { relationships { ...R } } }
       fragment R on Relationship { type source }""",
    SUBGRAPH % "nodes { id name @include(if: false) } relationships { id @skip(if: true) type }",
    SUBGRAPH % "nodes { id degree } relationships { sourceNode { name } target }",
    SUBGRAPH % "relationships { ... on Relationship { weight } source }",
    """{ node(id: "lab-a") { relationships(first: 3) { id type } neighbors { id name } } }""",
    """{ shortestPath(source: "lab-a", target: "ent-b") { nodes { id name }
         relationships { id type weight } } }""",
    """{ neighborhood(id: "nowhere") { nodes { id } } }""",
]


@pytest.mark.parametrize("query", SERVICE_DOCUMENTS)
def test_service_answers_as_graphql_core(store: Store, query: str) -> None:
    schema = build_schema()
    with ThreadPoolExecutor(2) as threads:
        ours = answer(schema, query, Context(store, threads), ExecutionContext)
        theirs = answer(
            schema, query, Context(store, threads), StrawberryGraphQLCoreExecutionContext
        )
    assert ours == theirs
    assert b'"data":null' not in ours or b"nowhere" in query.encode()


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    id: strawberry.ID
    label: str | None
    colour: Colour
    count: int


class Loose:
    """An item whose attributes are whatever a test gives (values its type refuses too)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


GOOD = {"id": "a", "label": None, "colour": Colour.RED, "count": 3}
CASES = {
    "plain": [GOOD, {**GOOD, "id": "b", "label": "B", "colour": Colour.BLUE}],
    "null for non-null": [GOOD, {**GOOD, "colour": None}],
    "null item": [GOOD, None],
    "refused value": [GOOD, {**GOOD, "count": "many"}],
    "not an enum value": [GOOD, {**GOOD, "colour": "green"}],
    "missing attribute": [GOOD, {"id": "c", "label": "C", "count": 1}],
    "number as id and text": [{**GOOD, "id": 7, "label": 8}],
    "empty": [],
}


def _items(case: str, columns: bool) -> Any:
    rows = CASES[case]
    if columns:
        if any(row is None or len(row) < len(GOOD) for row in rows):
            return [None if row is None else Loose(**row) for row in rows]
        return Columns(**{name: [row[name] for row in rows] for name in GOOD})
    return [None if row is None else Loose(**row) for row in rows]


def _schema(case: str, columns: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            return cast(list[Item], _items(case, columns))

        @strawberry.field
        def maybe(self) -> list[Item | None] | None:
            return cast(list[Item | None], _items(case, columns))

        @strawberry.field
        def last(self) -> Item:
            return cast(Item, _items(case, False)[-1] if CASES[case] else None)

        @strawberry.field
        def last_or_none(self) -> Item | None:
            return cast(Item | None, _items(case, False)[-1] if CASES[case] else None)

    return strawberry.Schema(query=Query)


@pytest.mark.parametrize("columns", [False, True], ids=["objects", "columns"])
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    "query",
    [
        "{ items { id label colour count } }",
        "{ maybe { __typename count id } }",
        "{ items { id } maybe { label } }",
        "{ maybe { ...F } } fragment F on Item { colour c2: colour }",
        "{ last { id label colour count } }",
        "{ lastOrNone { __typename count id } last { id } }",
        "{ lastOrNone { ...F } } fragment F on Item { colour c2: colour }",
    ],
)
def test_errors_and_nulls_as_graphql_core(case: str, columns: bool, query: str) -> None:
    schema = _schema(case, columns)
    reference = answer(_schema(case, False), query, None, StrawberryGraphQLCoreExecutionContext)
    assert answer(schema, query, None, ExecutionContext) == reference


class CountedColumns(Columns):
    """Columns counting the items made of them (each one the field-by-field completion sees)."""

    made = 0

    def __getitem__(self, i: Any) -> Any:
        CountedColumns.made += 1
        return super().__getitem__(i)


@pytest.mark.parametrize(("case", "one_pass"), [("plain", True), ("null for non-null", False)])
def test_columns_are_completed_without_items(case: str, one_pass: bool) -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item]:
            rows = CASES[case]
            columns = CountedColumns(**{name: [row[name] for row in rows] for name in GOOD})
            return cast(list[Item], columns)

    CountedColumns.made = 0
    query = "{ items { id label colour count } }"
    ours = answer(strawberry.Schema(query=Query), query, None, ExecutionContext)
    assert ours == answer(_schema(case, False), query, None, StrawberryGraphQLCoreExecutionContext)
    assert (CountedColumns.made == 0) is one_pass


@pytest.mark.parametrize(
    "query",
    [
        "query Q($on: Boolean!) { last { id label @include(if: $on) } }",
        "query Q($on: Boolean!) { items { ...F @skip(if: $on) count } } "
        "fragment F on Item { id colour }",
        "query Q($on: Boolean!) { lastOrNone { id ... on Item @include(if: $on) { count } } }",
    ],
)
def test_a_document_run_again_answers_for_its_variables(query: str) -> None:
    """Plans are shared by the runs of a document only when its selections cannot depend on
    its variables: a document with directives answers each run for that run's variables."""
    schema = _schema("plain", False)
    document = parse(query)
    for on in (True, False, True):
        reference = answer(schema, query, None, StrawberryGraphQLCoreExecutionContext, {"on": on})
        assert answer(schema, document, None, ExecutionContext, {"on": on}) == reference


def test_plans_are_shared_by_the_runs_of_a_document_while_it_lives() -> None:
    schema = _schema("plain", False)
    document = parse("{ last { id colour } items { count } }")
    operation = document.definitions[0]
    first = answer(schema, document, None, ExecutionContext)
    plans = execution._PLANS[id(operation)][1]
    assert plans is not None and len(plans) == 2  # `last` and `items`
    assert answer(schema, document, None, ExecutionContext) == first
    assert execution._PLANS[id(operation)][1] is plans
    key = id(operation)
    del document, operation
    gc.collect()
    assert key not in execution._PLANS
