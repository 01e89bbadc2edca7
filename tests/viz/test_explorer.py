"""The explorer around a map, in headless Chromium with the network cut: search selects and
centres, filters change the drawn counts, a click fades everything but the neighbourhood, a route
between two nodes is lit, and the PNG export has print size and is not blank."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.routing import Mount

from graphsvc.stores.contract import Store
from queries.centrality import centrality
from viz.web import routes

from .conftest import ARTIFACTS, LoopbackServer, OfflinePage

pytestmark = pytest.mark.browser

TOP = 150


@pytest.fixture
def hub_page(chromium: Any, map_server: LoopbackServer) -> Iterator[OfflinePage]:
    """The hub map of the city's top 150 by PageRank, laid out, with the network cut."""
    with OfflinePage(chromium) as offline:
        offline.page.goto(f"{map_server.url}/maps/hub?metric=pagerank&top={TOP}&per_type=0")
        offline.page.wait_for_selector("body[data-layout=stable]", state="attached", timeout=30_000)
        yield offline
        assert offline.errors == []
        assert offline.outside() == []


def _counts(page: Any) -> tuple[int, int]:
    counts = page.locator("#counts")
    return int(counts.get_attribute("data-nodes")), int(counts.get_attribute("data-edges"))


def test_search_by_chinese_name_selects_and_centres(hub_page: OfflinePage, city: Store) -> None:
    page = hub_page.page
    ranking = centrality(city, "PAGERANK", top=TOP)
    wanted = city.nodes([ranking.scores[-1].node])[ranking.scores[-1].node]
    assert any("\u4e00" <= c <= "\u9fff" for c in wanted.name)
    page.fill("#search", wanted.name[2:])  # part of the name
    page.wait_for_selector(f'#search-results li[data-id="{wanted.id}"]')
    page.click(f'#search-results li[data-id="{wanted.id}"]')
    seen = page.evaluate(
        """(id) => {
            const net = innonetMap.network;
            const at = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('map').getBoundingClientRect();
            return {selected: net.getSelectedNodes(), x: at.x, y: at.y,
                    w: box.width, h: box.height,
                    panel: document.getElementById('details-name').textContent};
        }""",
        wanted.id,
    )
    page.screenshot(path=str(ARTIFACTS / "explorer-search.png"))
    assert seen["selected"] == [wanted.id]
    assert abs(seen["x"] - seen["w"] / 2) < 5 and abs(seen["y"] - seen["h"] / 2) < 5
    assert seen["panel"] == wanted.name
    page.fill("#search", wanted.id)  # by id too
    page.wait_for_selector(f'#search-results li[data-id="{wanted.id}"]')


def test_a_filter_changes_the_drawn_counts(hub_page: OfflinePage) -> None:
    page = hub_page.page
    before = _counts(page)
    assert before[0] == TOP
    page.uncheck('fieldset[data-facet="type"] input[value="Institution"]')
    after = _counts(page)
    drawn = page.evaluate(
        """() => ({
            nodes: innonetMap.nodes.get({filter: n => !n.hidden}).length,
            edges: innonetMap.edges.get({filter: e => !e.hidden}).length,
            institutions: innonetMap.nodes.get(
                {filter: n => !n.hidden && n.meta.type === 'Institution'}).length,
        })"""
    )
    page.screenshot(path=str(ARTIFACTS / "explorer-filter.png"))
    assert after[0] < before[0] and after[1] < before[1]
    assert (drawn["nodes"], drawn["edges"]) == after
    assert drawn["institutions"] == 0
    page.click("#reset-filters")
    assert _counts(page) == before


def test_click_fades_all_but_the_neighbourhood(hub_page: OfflinePage, city: Store) -> None:
    page = hub_page.page
    hub = centrality(city, "PAGERANK", top=1).scores[0].node
    point = page.evaluate(
        """(id) => innonetMap.network.canvasToDOM(innonetMap.network.getPositions([id])[id])""",
        hub,
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("body[data-highlight=node]", state="attached")
    seen = page.evaluate(
        """(id) => {
            const lit = new Set([id, ...innonetMap.network.getConnectedNodes(id)]);
            const faded = innonetMap.nodes.get().filter(n => n.color === 'rgba(190,190,190,0.25)');
            return {lit: lit.size, faded: faded.map(n => n.id), total: innonetMap.nodes.length,
                    panel: document.getElementById('details').hidden,
                    relations: document.querySelectorAll('#details-relations li').length};
        }""",
        hub,
    )
    page.screenshot(path=str(ARTIFACTS / "explorer-click.png"))
    assert seen["panel"] is False
    assert seen["relations"] > 0
    assert hub not in seen["faded"]
    assert len(seen["faded"]) == seen["total"] - seen["lit"] > 0


def test_route_between_two_nodes_is_lit(hub_page: OfflinePage) -> None:
    page = hub_page.page
    route = page.evaluate(
        """() => {
            const ids = innonetMap.nodes.getIds().sort();
            return innonetMap.routeBetween(ids[0], ids[ids.length - 1]);
        }"""
    )
    assert len(route) >= 2
    status = page.inner_text("#route-status")
    assert "Shortest route on this map" in status
    black = page.evaluate(
        "() => innonetMap.edges.get().filter(e => e.color && e.color.color === '#000000').length"
    )
    assert black == len(route) - 1
    page.screenshot(path=str(ARTIFACTS / "explorer-route.png"))


def test_png_export_has_print_size_and_is_not_blank(hub_page: OfflinePage) -> None:
    page = hub_page.page
    with page.expect_download() as downloading:
        page.click("#export-png")
    saved = ARTIFACTS / "explorer-export.png"
    downloading.value.save_as(saved)
    with Image.open(saved) as png:
        image = png.convert("RGB")
    assert image.width >= 3000
    assert image.getpixel((0, 0)) == (255, 255, 255)
    colours = image.resize((300, 300 * image.height // image.width)).getcolors(100_000)
    non_white = sum(n for n, c in colours if c != (255, 255, 255))
    assert non_white > 0.01 * 300 * 300 * image.height // image.width
    with page.expect_download() as downloading:
        page.click("#export-svg")
    svg = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<circle") + svg.count("<polygon") >= TOP


def test_labels_do_not_collide(chromium: Any, map_server: LoopbackServer) -> None:
    """Every node labelled: the labels vis-network draws (measured by its own label module) do
    not overlap; those that would are hidden, the bigger node keeping its label."""
    with OfflinePage(chromium) as offline:
        page = offline.page
        page.goto(f"{map_server.url}/maps/hub?metric=pagerank&top={TOP}&labels={TOP}&per_type=0")
        page.wait_for_selector("body[data-layout=stable]", state="attached", timeout=30_000)
        page.wait_for_timeout(300)
        boxes = page.evaluate(
            """() => innonetMap.nodes.get({filter: n => n.label && n.label.trim()}).map(n => {
                const s = innonetMap.network.body.nodes[n.id].labelModule.size;
                return [n.id, s.left, s.top, s.left + s.width, s.top + s.height];
            })"""
        )
        hidden = page.evaluate("() => innonetMap.labelsHidden")
        page.screenshot(path=str(ARTIFACTS / "explorer-labels.png"))
        assert offline.errors == []
    overlapping = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1
    ]
    assert hidden > 0 and len(boxes) + hidden == TOP
    assert overlapping == []


def test_slow_map_shows_progress_then_the_map(chromium: Any, city: Store) -> None:
    """A map not ready at once (patience 0 here) answers a page saying what is computed, which
    reloads itself until the map is there."""
    app = Starlette(routes=[Mount("/maps", routes=routes(lambda: city, patience=0.0))])
    with LoopbackServer(app) as server, OfflinePage(chromium) as offline:
        url = f"{server.url}/maps/hub?metric=closeness&top=80"
        first = httpx.get(url)
        assert first.status_code == 200
        assert "Drawing the hub map" in first.text and "metric=closeness" in first.text
        assert 'http-equiv="refresh"' in first.text
        offline.page.goto(url)
        offline.page.wait_for_selector("body[data-layout=stable]", state="attached", timeout=30_000)
        assert offline.page.locator("#map-data").count() == 1
        assert offline.errors == [] and offline.outside() == []
