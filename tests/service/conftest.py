"""A real uvicorn server on a free loopback port, serving a generated graph, and an HTTP client.

Tests talk to the service only over HTTP, as clients do. The graphs they are served (``loaded``,
``shanghai``) are in either store: every test that uses them runs on the embedded store and on
Neo4j (see tests/neo4j_server.py).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from graphsvc.service.app import create_app
from graphsvc.service.connections import uvicorn_options
from graphsvc.service.settings import Settings
from graphsvc.stores.contract import Store
from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from tests.neo4j_server import STORE_KINDS, neo4j_holding

SAMPLE_BUNDLE = Path(__file__).resolve().parents[2] / "examples" / "shanghai"

NODES = 400


@dataclass
class Running:
    """A server running in a thread: its base URL and a client bound to it."""

    url: str
    client: httpx.Client
    server: uvicorn.Server

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """POST a query; the JSON answer (any HTTP status)."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = self.client.post("/graphql", json=body, headers=headers)
        answer: dict[str, Any] = response.json()
        return answer

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a query that must succeed."""
        answer = self.gql(query, variables)
        assert "errors" not in answer, answer["errors"]
        result: dict[str, Any] = answer["data"]
        return result

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single error of a query that must fail."""
        answer = self.gql(query, variables)
        assert len(answer.get("errors", ())) == 1, answer
        error: dict[str, Any] = answer["errors"][0]
        return error


Serve = Callable[..., Running]


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated bundle of :data:`NODES` nodes."""
    out = tmp_path_factory.mktemp("bundle")
    write_bundle(out, nodes=NODES, seed=11)
    return out


def load(bundle: Path, source: str) -> Callable[[Store], None]:
    """What fills a store with ``bundle`` as ``source``."""

    def fill(store: Store) -> None:
        with refresh_bundle(store, bundle, source) as result:
            assert result.valid, result.problems

    return fill


@pytest.fixture(scope="session")
def embedded_shanghai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The Shanghai sample in an embedded store (shared: tests must not write to it)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("shanghai") / "innonet.db")
    load(SAMPLE_BUNDLE, "shanghai")(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def embedded_loaded(
    bundle: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmbeddedStore]:
    """An embedded store holding the generated bundle (shared: tests must not write to it)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "innonet.db")
    load(bundle, "synthetic")(store)
    yield store
    store.close()


@pytest.fixture(params=STORE_KINDS)
def shanghai(request: pytest.FixtureRequest) -> Iterator[Store]:
    """The Shanghai sample, in each store in turn (tests must not write to it)."""
    if request.param == "embedded":
        yield request.getfixturevalue("embedded_shanghai")
        return
    store = neo4j_holding("shanghai", load(SAMPLE_BUNDLE, "shanghai"))
    yield store
    store.close()


@pytest.fixture(params=STORE_KINDS)
def loaded(request: pytest.FixtureRequest, bundle: Path) -> Iterator[Store]:
    """The generated bundle, in each store in turn (tests must not write to it)."""
    if request.param == "embedded":
        yield request.getfixturevalue("embedded_loaded")
        return
    store = neo4j_holding(f"synthetic {bundle}", load(bundle, "synthetic"))
    yield store
    store.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within this folder, run the Neo4j variants last and grouped by the graph they need, so
    that the one test database is loaded with each graph once rather than at every switch between
    modules. Items of other folders keep their place."""
    here = Path(__file__).parent

    def graph(item: pytest.Item) -> tuple[int, str]:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if here not in item.path.parents:
            return (0, "")
        for name in ("shanghai", "loaded"):
            if params.get(name) == "neo4j":
                return (1, name)
        if "graph" in params:  # test_both_stores: both stores at once
            return (1, params["graph"])
        return (0, "")

    folders: dict[Path, int] = {}
    for index, item in enumerate(items):
        folders.setdefault(item.path.parent, index)
    items.sort(key=lambda item: (folders[item.path.parent], graph(item)))


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Starts servers: ``serve(store, **settings)``; each is stopped after the test."""
    running: list[tuple[Running, threading.Thread]] = []

    def start(store: Store, **settings: Any) -> Running:
        app = create_app(Settings(store=store.uri, **settings), store=store)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, **uvicorn_options())
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        handle = Running(url, httpx.Client(base_url=url, timeout=30), server)
        running.append((handle, thread))
        return handle

    yield start
    for handle, thread in running:
        handle.client.close()
        handle.server.should_exit = True
        thread.join(10)


@pytest.fixture
def api(serve: Serve, loaded: EmbeddedStore) -> Running:
    """The service, open (no API keys), on the shared generated graph."""
    return serve(loaded)
