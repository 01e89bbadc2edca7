"""API keys and CORS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphsvc.stores.embedded import EmbeddedStore

if TYPE_CHECKING:
    from tests.service.conftest import Serve

KEY = "k3y-for-planners-0001"
OTHER = "k3y-for-analysts-0002"
QUERY = {"query": "{ stats { nodes } }"}


def test_without_keys_the_service_is_open(serve: Serve, loaded: EmbeddedStore) -> None:
    api = serve(loaded)
    assert api.client.post("/graphql", json=QUERY).status_code == 200


def test_with_keys_graphql_and_maps_need_one(serve: Serve, loaded: EmbeddedStore) -> None:
    api = serve(loaded, api_keys=(KEY, OTHER))
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": KEY},
        {"Authorization": f"Basic {KEY}"},
        {"Authorization": f"Bearer {KEY}x"},
    ):
        response = api.client.post("/graphql", json=QUERY, headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"].startswith("Bearer")
    for key in (KEY, OTHER):
        ok = api.client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})
        assert ok.status_code == 200 and ok.json()["data"]["stats"]["nodes"] > 0
    assert api.client.get("/maps/").status_code == 401
    assert api.client.get("/graphql").status_code == 401
    assert api.client.get("/maps/", headers={"Authorization": f"Bearer {KEY}"}).status_code != 401
    # health and the landing page stay open for probes
    assert api.client.get("/healthz").status_code == 200
    assert api.client.get("/").status_code == 200


def test_cors_origins_from_configuration(serve: Serve, loaded: EmbeddedStore) -> None:
    api = serve(loaded, cors_origins=("https://planner.example.org",))
    allowed = api.client.post(
        "/graphql", json=QUERY, headers={"Origin": "https://planner.example.org"}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://planner.example.org"
    other = api.client.post("/graphql", json=QUERY, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = api.client.options(
        "/graphql",
        headers={
            "Origin": "https://planner.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200


def test_no_cors_headers_without_origins(serve: Serve, loaded: EmbeddedStore) -> None:
    api = serve(loaded)
    response = api.client.post("/graphql", json=QUERY, headers={"Origin": "https://a.example"})
    assert "access-control-allow-origin" not in response.headers
