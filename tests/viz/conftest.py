"""Stores, a loopback map server and a headless Chromium for the map tests.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright. When it is missing the
browser tests skip, except under CI (``CI=true``), where they fail: CI must draw the maps.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from graphsvc.stores.contract import Node, Relationship, SearchFilter, Store
from graphsvc.stores.embedded import EmbeddedStore
from loaders.refresh import refresh_bundle
from loaders.synthetic import write_bundle
from viz.web import routes

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "maps"
CHROMIUM = os.environ.get("INNONET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HOSTILE_NAME = '</script><img src=x onerror="alert(1)">上海&"交大"'
"""A name that would break out of a script element or an attribute if a page did not escape it."""


def _synthetic_store(folder: Path, nodes: int, seed: int) -> EmbeddedStore:
    write_bundle(folder / "bundle", nodes=nodes, seed=seed)
    store = EmbeddedStore(folder / "innonet.db")
    result = refresh_bundle(store, folder / "bundle", "synthetic")
    assert result.report is not None, "the synthetic bundle did not load"
    return store


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A synthetic city of 2,000 actors (Chinese names), loaded by the loaders."""
    store = _synthetic_store(tmp_path_factory.mktemp("city"), 2_000, 11)
    yield store
    store.close()


@pytest.fixture(scope="session")
def big_city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A synthetic city of 8,000 actors: neighbourhoods there exceed the node cap."""
    store = _synthetic_store(tmp_path_factory.mktemp("big-city"), 8_000, 5)
    yield store
    store.close()


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """A small graph whose names carry markup, quotes and Chinese text."""
    store = EmbeddedStore(tmp_path / "hostile.db")
    nodes = [
        Node("lab", "Institution", HOSTILE_NAME, {"kind": "university", "country": "CN"}),
        Node("firm", "Institution", "上海芯片有限公司", {"kind": "enterprise", "country": "CN"}),
        Node("agency", "Broker", "东方技术转移中心 <b>", {"kind": "agency", "country": "CN"}),
        Node("desk", "OverseasChannel", "Berlin </title> desk", {"country": "DE"}),
        Node("ach", "Achievement", "固态电池 & co", {"field": "energy"}),
    ]
    relationships = [
        Relationship("r1", "DEVELOPED", "lab", "ach", {"weight": 1.0}),
        Relationship("r2", "BROKERED", "agency", "ach", {"weight": 1.0}),
        Relationship("r3", "SERVES", "agency", "firm", {"weight": 1.0}),
        Relationship("r4", "PARTNERS_WITH", "lab", "desk", {"weight": 1.0}),
        Relationship("r5", "TRANSFERRED_TO", "ach", "firm", {"weight": 1.0, "mode": "license"}),
    ]
    store.refresh("hostile", nodes, relationships)
    yield store
    store.close()


def first_of_kind(store: Store, kind: str) -> str:
    """The id of the first node of ``kind`` (by name, then id)."""
    page = store.search(SearchFilter(kinds=[kind]), first=1)
    assert page.nodes, f"no {kind} in the store"
    return page.nodes[0].id


@pytest.fixture(scope="session")
def lab_and_enterprise(city: Store) -> tuple[str, str]:
    """A research institute and an enterprise of the city (the path map's usual question)."""
    return first_of_kind(city, "research_institute"), first_of_kind(city, "enterprise")


class LoopbackServer:
    """A uvicorn server on 127.0.0.1 serving an app, in a thread of the test process."""

    def __init__(self, app: Starlette) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the map server did not start within 10 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@pytest.fixture(scope="session")
def pages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests write pages made by ``innonet viz`` (served under ``/files``)."""
    return tmp_path_factory.mktemp("pages")


@pytest.fixture(scope="session")
def map_server(city: Store, pages_dir: Path) -> Iterator[LoopbackServer]:
    """The /maps routes on the city, and ``/files`` serving written pages, on a loopback port."""
    app = Starlette(
        routes=[
            Mount("/maps", routes=routes(lambda: city)),
            Mount("/files", app=StaticFiles(directory=pages_dir)),
        ]
    )
    with LoopbackServer(app) as server:
        yield server


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A Playwright browser context on Debian's Chromium with a fresh profile, one a test module
    (three use it): Playwright's synchronous API holds an event loop open in the main thread while
    it runs, and tests elsewhere start their own with ``asyncio.run``.

    Skips when Chromium or Playwright is missing, unless ``CI=true``, where that is a failure.
    """
    missing = None
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"innonet-chromium-{os.getpid()}"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


class OfflinePage:
    """A new browser page whose requests beyond 127.0.0.1 are aborted (the network is cut), with
    every request, console error and page error recorded."""

    def __init__(self, chromium: Any) -> None:
        self.page: Any = chromium.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.route("**/*", self._refuse_outside)

    @staticmethod
    def _refuse_outside(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    def outside(self) -> list[str]:
        """The requests that tried to leave the machine."""
        return [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1"]

    def __enter__(self) -> OfflinePage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.page.close()
