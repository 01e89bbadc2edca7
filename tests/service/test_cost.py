"""The cost limit: every list of the schema is sized, and costs follow the arguments."""

from __future__ import annotations

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, parse

from graphsvc.schema import build_schema
from graphsvc.schema.limits import DocumentCache, fragment_problem
from graphsvc.service.cost import LIST_BOUNDS, SIZE_ARGUMENTS, WORK, Cost, operation_cost

SCHEMA = build_schema()._schema


def _object_lists() -> list[tuple[str, str, set[str]]]:
    found = []
    for type_ in SCHEMA.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            kind, many = field.type, False
            while isinstance(kind, GraphQLNonNull | GraphQLList):
                many |= isinstance(kind, GraphQLList)
                kind = kind.of_type
            if many and isinstance(kind, GraphQLObjectType):
                found.append((type_.name, name, set(field.args)))
    return found


def test_every_list_of_objects_is_sized() -> None:
    unsized = [
        f"{parent}.{name}"
        for parent, name, arguments in _object_lists()
        if not arguments & set(SIZE_ARGUMENTS) and (parent, name) not in LIST_BOUNDS
    ]
    assert unsized == []


def test_every_root_field_has_a_work_estimate() -> None:
    query = SCHEMA.query_type
    assert query is not None
    assert sorted(set(query.fields) - set(WORK)) == []


def test_lists_multiply_and_root_arguments_size_their_lists() -> None:
    def cost(query: str, **variables: object) -> Cost:
        return operation_cost(SCHEMA, parse(query), None, variables)

    assert cost('{ node(id: "a") { neighbors(first: 10) { neighbors(first: 10) { id } } } }') == (
        Cost(objects=1 + 10 + 100, introspection=0, work=1 + 1.11)
    )
    assert cost("{ centrality(metric: DEGREE, top: 7) { scores { node { id } } } }").objects == (
        1 + 7 * 2
    )
    assert cost("{ centrality(metric: DEGREE) { scores { rank } } }").objects == 1 + 20
    through_fragment = cost(
        'query ($k: Int) { kShortestPaths(source: "a", target: "b", k: $k) { ...P } }'
        " fragment P on Path { nodes { id } }",
        k=3,
    )
    assert through_fragment.objects == 3 * (1 + 9)
    assert through_fragment.work == 50 + 100 * 3 + 0.3


def test_fragment_costs_are_computed_once_per_root() -> None:
    fragments = " ".join(f"fragment F{i} on Node {{ ...F{i + 1} ...F{i + 1} }}" for i in range(12))
    query = f'{{ node(id: "a") {{ ...F0 }} }} {fragments} fragment F12 on Node {{ id }}'
    assert fragment_problem(parse(query)) is None
    assert operation_cost(SCHEMA, parse(query)).objects == 1


def test_the_document_cache_is_bounded_by_bytes() -> None:
    cache = DocumentCache(max_bytes=1_000_000)
    for i in range(50):
        cache.parsed(f'{{ search(text: "{i}{"x" * 100_000}") {{ totalCount }} }}', parse)
        assert cache.bytes <= 1_000_000
    assert 1 <= len(cache) <= 10


def test_many_objects_make_an_operation_heavy_without_analytics() -> None:
    small = operation_cost(SCHEMA, parse("{ search(first: 20) { edges { node { id } } } }"))
    large = operation_cost(
        SCHEMA,
        parse("{ search(first: 500) { edges { node { neighbors(first: 10) { id } } } } }"),
    )
    assert not small.heavy
    assert large.work < 100 and large.heavy
