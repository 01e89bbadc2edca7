"""A real uvicorn server on a free loopback port, serving a generated graph, and an HTTP client.

Tests talk to the service only over HTTP, as clients do.
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


@pytest.fixture(scope="session")
def shanghai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """The Shanghai sample in an embedded store (shared: tests must not write to it)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("shanghai") / "innonet.db")
    with refresh_bundle(store, SAMPLE_BUNDLE, "shanghai") as result:
        assert result.valid
    yield store
    store.close()


@pytest.fixture(scope="session")
def loaded(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """An embedded store holding the bundle (shared: tests must not write to it)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("store") / "innonet.db")
    with refresh_bundle(store, bundle, "synthetic") as result:
        assert result.valid
    yield store
    store.close()


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
