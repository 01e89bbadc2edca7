"""The whole service in Chromium with the network cut: GraphiQL's page, scripts and styles come
from the service and the landing page's example runs; a served map links to its own data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import networkx as nx
import pytest

from graphsvc.service.app import create_app
from graphsvc.service.settings import Settings
from graphsvc.stores.contract import Store
from queries.centrality import centrality

from .conftest import ARTIFACTS, LoopbackServer, OfflinePage


@pytest.fixture(scope="module")
def service(city: Store) -> Iterator[LoopbackServer]:
    """The whole service (GraphQL, GraphiQL, landing page, maps) on the city."""
    with LoopbackServer(create_app(Settings(store=city.uri), store=city)) as server:
        yield server


def test_graphiql_page_names_only_local_files(service: LoopbackServer) -> None:
    page = httpx.get(f"{service.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg" not in page.text and "https://" not in page.text
    for name in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js"):
        asset = httpx.get(f"{service.url}/graphiql/{name}")
        assert asset.status_code == 200 and len(asset.content) > 10_000, name
    assert httpx.get(f"{service.url}/graphiql/..%2Fsettings.py").status_code == 404
    assert httpx.get(f"{service.url}/graphiql/views.py").status_code == 404


@pytest.mark.browser
def test_landing_example_runs_in_graphiql_offline(
    chromium: Any, service: LoopbackServer, city: Store
) -> None:
    landing = httpx.get(service.url).text
    first_example = re.search(r'href="(/graphql\?q=[^"]+)"', landing)
    assert first_example is not None, "the landing page links no example"
    with OfflinePage(chromium) as offline:
        page = offline.page
        page.goto(service.url)
        page.click(f'a[href="{first_example.group(1)}"]')
        page.wait_for_selector(".graphiql-execute-button", timeout=20_000)
        with page.expect_response(lambda r: "stats" in (r.request.post_data or "")) as answered:
            page.click(".graphiql-execute-button")
        body = json.loads(answered.value.text())
        page.wait_for_function(
            "() => document.querySelector('.result-window')?.innerText.includes('relationships')",
            timeout=10_000,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graphiql.png"))
        shown = page.inner_text(".result-window")
        assert offline.outside() == []
        assert offline.errors == []
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in offline.requests)
    counts = city.counts()
    assert body["data"]["stats"]["nodes"] == counts.nodes
    assert body["data"]["stats"]["relationships"] == counts.relationships
    assert f"{counts.nodes}" in shown


@pytest.mark.browser
def test_served_map_links_to_its_data(
    chromium: Any, service: LoopbackServer, city: Store, tmp_path: Path
) -> None:
    """A map served by innonet offers its own question's data: the GEXF link downloads what the
    map draws."""
    with OfflinePage(chromium) as offline:
        page = offline.page
        page.goto(f"{service.url}/maps/hub?metric=degree&top=30&per_type=0")
        page.wait_for_selector("body[data-layout=stable]", state="attached", timeout=30_000)
        with page.expect_download() as downloading:
            page.click('#export-data a[data-format="gexf"]')
        saved = tmp_path / "hub.gexf"
        downloading.value.save_as(saved)
        assert offline.errors == [] and offline.outside() == []
    graph = nx.read_gexf(saved)
    assert set(graph.nodes) == {s.node for s in centrality(city, "DEGREE", top=30).scores}
