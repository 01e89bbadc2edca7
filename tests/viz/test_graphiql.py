"""GraphiQL with the network cut: the page, its scripts and styles all come from the service,
and a query typed through the landing page's example link runs and shows its answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from graphsvc.service.app import create_app
from graphsvc.service.settings import Settings
from graphsvc.stores.contract import Store

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
