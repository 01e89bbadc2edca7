"""Limits checked before execution, masking of unexpected errors, introspection, time limit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from graphsvc.schema import MAX_ALIASES, MAX_DEPTH, MAX_FIELDS, MAX_TOKENS
from graphsvc.stores.contract import SearchFilter
from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle

if TYPE_CHECKING:
    from tests.service.conftest import Running, Serve


def _nested(levels: int) -> str:
    """A query of depth ``levels`` (nested selection sets): node, then relationships and
    sourceNode alternately."""
    fields = ['node(id: "x")'] + [
        "relationships(first: 1)" if level % 2 else "sourceNode" for level in range(1, levels)
    ]
    return "{ " + " { ".join(fields) + " { id" + " }" * levels + " }"


def test_depth_up_to_the_limit_runs_and_deeper_is_refused(api: Running) -> None:
    assert "errors" not in api.gql(_nested(MAX_DEPTH))
    error = api.error(_nested(MAX_DEPTH + 1))
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert f"maximum operation depth of {MAX_DEPTH}" in error["message"]


def test_depth_counts_through_fragments(api: Running) -> None:
    body = _nested(MAX_DEPTH + 1).removeprefix("{ ").removesuffix(" }")
    error = api.error(f"{{ ...Deep }} fragment Deep on Query {{ {body} }}")
    assert "depth" in error["message"]


def test_aliases_up_to_the_limit_run_and_more_are_refused(api: Running) -> None:
    fields = " ".join(f"a{i}: stats {{ nodes }}" for i in range(MAX_ALIASES))
    assert "errors" not in api.gql(f"{{ {fields} }}")
    error = api.error(f"{{ {fields} extra: stats {{ nodes }} }}")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert f"Allowed: {MAX_ALIASES}" in error["message"]


def test_aliases_in_fragments_count_at_every_spread(api: Running) -> None:
    fields = " ".join(f"a{i}: stats {{ nodes }}" for i in range(MAX_ALIASES // 2 + 1))
    error = api.error(
        f"{{ ...F ...G }} fragment F on Query {{ {fields} }} fragment G on Query {{ ...F }}"
    )
    assert "aliases" in error["message"]


def test_too_many_tokens_are_refused(api: Running) -> None:
    error = api.error("{ " + "stats { nodes } " * (MAX_TOKENS // 4 + 1) + "}")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "token" in error["message"].lower()


def test_fragments_fanning_out_are_refused_quickly(api: Running) -> None:
    layers = 40  # 2^40 expansions: unanswerable if walked naively
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(layers)
    )
    query = f"{{ ...F0 }} {fragments} fragment F{layers} on Query {{ stats {{ nodes }} }}"
    error = api.error(query)
    assert f"more than {MAX_FIELDS} field selections" in error["message"]


def test_circular_fragments_are_refused(api: Running) -> None:
    error = api.error("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "fragment A spreads itself (A -> B -> A)" in error["message"]


def test_unknown_fields_and_bad_variables_are_bad_requests(api: Running) -> None:
    assert api.error("{ nope }")["extensions"]["code"] == "BAD_REQUEST"
    error = api.error("query ($n: Int!) { search(first: $n) { totalCount } }", {"n": "many"})
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_introspection_on_by_default_and_switchable_off(
    api: Running, serve: Serve, loaded: EmbeddedStore
) -> None:
    assert api.data("{ __schema { queryType { name } } }")["__schema"]["queryType"]["name"] == (
        "Query"
    )
    closed = serve(loaded, introspection=False)
    error = closed.gql("{ __schema { queryType { name } } }")["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "introspection" in error["message"].lower()
    assert closed.client.get("/graphql", headers={"Accept": "text/html"}).status_code == 404
    assert "errors" not in closed.gql("{ stats { nodes } }")


def test_unexpected_errors_are_masked(serve: Serve, tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "broken.db")
    api = serve(store)
    store.close()  # every read now fails inside the store
    response = api.client.post("/graphql", json={"query": "{ stats { nodes } }"})
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL"}
    assert "X-Request-ID" in error["message"]
    text = response.text.lower()
    for leak in ("traceback", "closed", "select", "sqlite", str(tmp_path).lower()):
        assert leak not in text
    assert api.client.get("/healthz").status_code == 503


def test_a_request_over_the_time_limit_is_answered_504(
    serve: Serve, bundle: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "slow.db")
    with refresh_bundle(store, bundle, "synthetic") as result:
        assert result.valid
    api = serve(store, request_timeout=0.005)
    source = store.search(SearchFilter(types=["Institution"]), first=1).nodes[0].id
    target = store.search(SearchFilter(types=["Demand"]), first=1).nodes[0].id
    response = api.client.post(
        "/graphql",
        json={
            "query": f'{{ intermediaries(source: "{source}", target: "{target}", maxHops: 8)'
            " { pathCount } }"
        },
    )
    assert response.status_code == 504
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "0.005 s" in error["message"]
    store.close()


@pytest.mark.parametrize("limit", [MAX_DEPTH, MAX_ALIASES])
def test_limits_match_the_contract(limit: int) -> None:
    assert limit in (12, 30)
