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
from viz.world import world

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


def test_world_map_puts_countries_at_their_place(
    chromium: Any, map_server: LoopbackServer, city: Store
) -> None:
    """The global channel map on the world outline: every country node sits at its outline
    centre, east is right and north is up, and located actors sit in the city inset."""
    with OfflinePage(chromium) as offline:
        page = offline.page
        page.goto(f"{map_server.url}/maps/channels")
        page.wait_for_selector("body[data-layout=stable]", state="attached", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "world.png"))
        seen = page.evaluate(
            """() => ({positions: innonetMap.network.getPositions(),
                       inset: JSON.parse(document.getElementById('map-data').textContent)
                           .world.inset,
                       paths: JSON.parse(document.getElementById('map-data').textContent)
                           .world.paths.length})"""
        )
        assert offline.errors == [] and offline.outside() == []
    centres = world().centres
    countries = {i[len("country/") :]: p for i, p in seen["positions"].items() if "/" in i}
    assert len(countries) >= 3 and seen["paths"] > 150
    for code, at in countries.items():
        x, y = centres[code]  # vis-network reports whole units
        assert abs(at["x"] - x) <= 1 and abs(at["y"] - y) <= 1, code
    east_to_west = [c for c in ("JP", "CN", "IN", "DE", "GB", "BR", "US") if c in countries]
    xs = [countries[c]["x"] for c in east_to_west]
    assert xs == sorted(xs, reverse=True), east_to_west
    north_to_south = [c for c in ("FI", "DE", "IT", "SG", "ZA", "AU") if c in countries]
    ys = [countries[c]["y"] for c in north_to_south]
    assert ys == sorted(ys), north_to_south
    inset = seen["inset"]
    located = [
        n
        for n in city.nodes([i for i in seen["positions"] if "/" not in i]).values()
        if n.type == "Institution" and "lat" in n.properties
    ]
    assert located
    for node in located:
        at = seen["positions"][node.id]
        assert inset["left"] <= at["x"] <= inset["left"] + inset["width"]
        assert inset["top"] <= at["y"] <= inset["top"] + inset["height"]


def test_keyboard_finds_walks_and_clears(hub_page: OfflinePage, city: Store) -> None:
    page = hub_page.page
    hub = centrality(city, "PAGERANK", top=1).scores[0].node
    page.locator("#map").click(position={"x": 5, "y": 5})  # empty canvas corner
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "search"
    page.keyboard.type(hub)
    page.keyboard.press("Enter")
    assert page.evaluate("() => innonetMap.network.getSelectedNodes()") == [hub]
    page.locator("#map").focus()
    page.keyboard.press("n")
    walked = page.evaluate("() => innonetMap.selected")
    assert walked != hub
    assert walked in page.evaluate(f"() => innonetMap.network.getConnectedNodes({hub!r})")
    page.keyboard.press("Escape")
    assert page.evaluate("() => innonetMap.selected") is None
    assert page.locator("#details").is_hidden()
