"""Each map in a real headless Chromium: it loads with no console error and no request beyond
127.0.0.1, its vis DataSet holds as many nodes as the query behind it answered, the legend is
there, and the layout settles. A screenshot of each goes to ``test-artifacts/maps/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from graphsvc.cli import main
from graphsvc.stores.contract import Store
from queries.brokers import intermediaries
from queries.centrality import centrality
from queries.errors import MAX_LIMIT
from queries.neighbourhood import neighbourhood
from queries.paths import k_shortest_paths
from viz.maps import NODE_CAP, PATH_CONTEXT
from viz.style import GREY

from .conftest import ARTIFACTS, LoopbackServer

pytestmark = pytest.mark.browser

SETTLE_SECONDS = 30
"""Longest a layout may take before a test fails (the benchmark measures the real figure)."""


@dataclass
class MapView:
    """What the browser saw of one map page."""

    node_count: int
    edge_count: int
    legend_items: list[str]
    note: str
    stabilised_ms: float
    node_colours: dict[str, str]
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def view(chromium: Any, url: str, screenshot: str) -> MapView:
    """Open ``url``, wait for the layout to settle, read the page's state, save a screenshot."""
    page = chromium.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))

    def refuse_outside(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    page.route("**/*", refuse_outside)
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        page.wait_for_selector(
            "body[data-layout=stable]", state="attached", timeout=SETTLE_SECONDS * 1000
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"))
        state = page.evaluate(
            """() => ({
                nodes: innonetMap.nodes.length,
                edges: innonetMap.edges.length,
                ms: innonetMap.stabilisedAfterMs,
                colours: Object.fromEntries(innonetMap.nodes.get().map(
                    n => [n.id, typeof n.color === 'string' ? n.color : n.color.background])),
                legend: Array.from(document.querySelectorAll('#legend li')).map(
                    li => li.textContent.trim()),
                note: document.getElementById('coverage').textContent,
            })"""
        )
    finally:
        page.close()
    print(f"{screenshot}: {state['nodes']} nodes, settled in {state['ms']:.0f} ms")
    return MapView(
        node_count=state["nodes"],
        edge_count=state["edges"],
        legend_items=state["legend"],
        note=state["note"],
        stabilised_ms=state["ms"],
        node_colours=state["colours"],
        console_errors=errors,
        requests=requests,
    )


def assert_sound(seen: MapView) -> None:
    """No console error, no request beyond loopback, a legend."""
    assert seen.console_errors == []
    outside = [u for u in seen.requests if urlsplit(u).hostname != "127.0.0.1"]
    assert outside == [], f"requests left the machine: {outside}"
    assert seen.legend_items, "the page has no legend"


def test_hub_map(chromium: Any, map_server: LoopbackServer, city: Store) -> None:
    ranking = centrality(city, "PAGERANK", top=150)
    seen = view(chromium, f"{map_server.url}/maps/hub?metric=pagerank&top=150&per_type=0", "hub")
    assert_sound(seen)
    assert seen.node_count == len(ranking.scores) == 150
    assert set(seen.node_colours) == {s.node for s in ranking.scores}
    assert "Institution" in seen.legend_items
    assert "Showing 150 of 2,000 nodes" in seen.note


def test_channel_map(chromium: Any, map_server: LoopbackServer, city: Store) -> None:
    channels = {n.id: n for n in city.iter_nodes() if n.type == "OverseasChannel"}
    links = [e for e in city.iter_edges() if e.type == "PARTNERS_WITH"]
    partners = city.nodes(list({e.source for e in links}))
    home = {e.source for e in links if (partners[e.source].country or "CN") == "CN"}
    reached = {e.target for e in links if e.source in home}
    countries = {channels[c].country for c in reached}
    seen = view(chromium, f"{map_server.url}/maps/channels", "channels")
    assert_sound(seen)
    assert seen.node_count == len(home) + len(reached) + len(countries)
    assert {"Overseas channel", "Country"} <= set(seen.legend_items)


def test_ego_map(chromium: Any, map_server: LoopbackServer, city: Store) -> None:
    answer = neighbourhood(city, "inst-3", depth=2, rel_types=["SERVES", "COLLABORATES_WITH"])
    url = f"{map_server.url}/maps/ego?id=inst-3&depth=2&rel_types=SERVES,COLLABORATES_WITH"
    seen = view(chromium, url, "ego")
    assert_sound(seen)
    assert seen.node_count == len(answer.nodes)
    assert set(seen.node_colours) == set(answer.nodes)


def test_path_map(
    chromium: Any, map_server: LoopbackServer, city: Store, lab_and_enterprise: tuple[str, str]
) -> None:
    lab, firm = lab_and_enterprise
    paths = k_shortest_paths(city, lab, firm, k=5)
    ranked = intermediaries(city, lab, firm, limit=10)
    assert paths and ranked.items
    on_routes = {lab, firm}
    on_routes.update(n for p in paths for n in p.nodes)
    on_routes.update(i.node for i in ranked.items)
    on_routes.update(n for i in ranked.items for p in i.paths for n in p.nodes)
    url = f"{map_server.url}/maps/path?source={lab}&target={firm}"
    seen = view(chromium, url, "path")
    assert_sound(seen)
    highlighted = {i for i, colour in seen.node_colours.items() if colour != GREY}
    assert highlighted == on_routes
    assert len(on_routes) < seen.node_count <= len(on_routes) + PATH_CONTEXT
    assert "one of the k shortest paths" in seen.legend_items


def test_capped_ego_map_settles(
    chromium: Any, map_server: LoopbackServer, big_city: Store, pages_dir: Path
) -> None:
    """A neighbourhood past the cap, drawn by ``innonet viz``: the page draws the cap, says so,
    and its layout still settles."""
    hub = centrality(big_city, "DEGREE", top=1).scores[0].node
    answer = neighbourhood(big_city, hub, depth=2, limit=MAX_LIMIT)
    assert len(answer.nodes) > NODE_CAP
    out = pages_dir / "ego-capped.html"
    argv = ["viz", "ego", hub, "--depth", "2", "--out", str(out), "--store", big_city.uri]
    assert main(argv) == 0
    seen = view(chromium, f"{map_server.url}/files/ego-capped.html", "ego-capped")
    assert_sound(seen)
    assert seen.node_count == NODE_CAP
    more = "more than " if answer.truncated else ""
    assert f"Showing {NODE_CAP:,} of {more}{len(answer.nodes):,} nodes" in seen.note
    assert "nearest first" in seen.note
