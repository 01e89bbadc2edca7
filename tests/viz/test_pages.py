"""The pages themselves, without a browser: offline, escaped, legends from the model, caps."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from graphsvc.model import NODE_TYPE_BY_NAME, RELATION_TYPE_BY_NAME
from graphsvc.stores.contract import Store
from queries.centrality import centrality
from viz.kinds import ChannelMapRequest, EgoMapRequest, HubMapRequest, PathMapRequest
from viz.maps import NODE_CAP
from viz.page import (
    CONTENT_SECURITY_POLICY,
    VIS_NETWORK_VERSION,
    MapPage,
    script_json,
    vis_network_js,
)

from .conftest import HOSTILE_NAME

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class _Links(HTMLParser):
    """Every src and href of a page, and the text of its script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        self.urls.extend(v for k, v in attrs if k in ("src", "href") and v is not None)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _pages(store: Store) -> dict[str, MapPage]:
    return {
        "hub": HubMapRequest(top=50).draw(store),
        "channels": ChannelMapRequest().draw(store),
        "ego": EgoMapRequest(id="inst-5", depth=2).draw(store),
        "path": PathMapRequest(source="inst-1", target="inst-20").draw(store),
    }


@pytest.fixture(scope="module")
def city_pages(city: Store) -> dict[str, MapPage]:
    return _pages(city)


@pytest.mark.parametrize("kind", ["hub", "channels", "ego", "path"])
def test_page_requests_nothing_beyond_loopback(city_pages: dict[str, MapPage], kind: str) -> None:
    text = city_pages[kind].html()
    links = _Links()
    links.feed(text)
    remote = [
        u for u in links.urls if u.startswith(("http:", "https:", "//"))
        and urlsplit(u).hostname not in LOOPBACK
    ]  # fmt: skip
    assert remote == []
    assert not re.search(
        r"""(?:src|href)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)""", text
    )
    assert f'content="{html.escape(CONTENT_SECURITY_POLICY, quote=True)}"' in text
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert '<meta charset="utf-8">' in text
    assert f"@version {VIS_NETWORK_VERSION}" in text, "vis-network is not inlined"


@pytest.mark.parametrize("kind", ["hub", "channels", "ego", "path"])
def test_page_embeds_what_pyvis_built(city_pages: dict[str, MapPage], kind: str) -> None:
    page = city_pages[kind]
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page.html())
    assert match is not None
    data = json.loads(match.group(1))
    assert len(data["nodes"]) == page.node_count == page.network.num_nodes()
    assert len(data["edges"]) == len(page.network.get_edges())
    stabilization = data["options"]["physics"]["stabilization"]
    assert stabilization["enabled"] is True and 0 < stabilization["iterations"] <= 1000


def test_names_cannot_inject_markup(hostile: Store) -> None:
    pages = [
        HubMapRequest(top=10).draw(hostile),
        ChannelMapRequest().draw(hostile),
        EgoMapRequest(id="lab", depth=2).draw(hostile),
        PathMapRequest(source="lab", target="firm").draw(hostile),
    ]
    for page in pages:
        text = page.html().replace(vis_network_js(), "")
        links = _Links()
        links.feed(text)
        assert all(u in ("",) for u in links.urls), links.urls  # no <img src=x> got through
        assert "<img" not in text and "</title> desk" not in text
        assert "<b>" not in text
        assert HOSTILE_NAME not in text
        data = json.loads(
            re.search(r'id="map-data">(.*?)</script>', text).group(1)  # type: ignore[union-attr]
        )
        labels = {n["id"]: n["title"] for n in data["nodes"]}
        if "lab" in labels:
            assert labels["lab"].startswith(HOSTILE_NAME), "the tooltip lost the real name"
    ego = pages[2].html()
    assert html.escape(f"Ego map: {HOSTILE_NAME}") in ego


def test_script_json_keeps_values() -> None:
    value = {"name": "</script><!-- 上海 & \u2028", "n": 1}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_legend_comes_from_the_model(city_pages: dict[str, MapPage]) -> None:
    page = city_pages["ego"]
    drawn_types = {n["shape"] for n in page.network.nodes}
    by_label = {e.label: e for e in page.legend}
    for name, node_type in NODE_TYPE_BY_NAME.items():
        if node_type.shape in drawn_types:
            assert by_label[name].colour == node_type.colour
            assert by_label[name].symbol == node_type.shape
            assert by_label[name].description == node_type.description
    relation_entries = [e for e in page.legend if e.label in RELATION_TYPE_BY_NAME]
    assert relation_entries
    for entry in relation_entries:
        assert entry.colour == RELATION_TYPE_BY_NAME[entry.label].colour


def test_hub_map_sizes_and_labels_follow_the_ranking(city: Store) -> None:
    ranking = centrality(city, "DEGREE", top=40)
    page = HubMapRequest(metric="degree", top=40, labels=5, per_type=0).draw(city)
    nodes = {n["id"]: n for n in page.network.nodes}
    assert list(nodes) == [s.node for s in ranking.scores]
    labelled = [i for i, n in nodes.items() if n["label"].strip()]
    assert labelled == [s.node for s in ranking.scores[:5]]
    sizes = [nodes[s.node]["size"] for s in ranking.scores]
    assert sizes == sorted(sizes, reverse=True)
    assert page.coverage.note == "Showing 40 of 2,000 nodes, chosen by degree rank."


def test_channel_map_caps_and_says_so(city: Store) -> None:
    full = ChannelMapRequest().draw(city)
    capped = ChannelMapRequest(max_nodes=120).draw(city)
    assert capped.node_count <= 120 < full.node_count
    assert capped.coverage.total == full.node_count
    assert capped.coverage.note.startswith(f"Showing {capped.node_count} of {full.node_count:,}")
    countries = [n for n in capped.network.nodes if n["id"].startswith("country/")]
    assert countries and all(n.get("fixed") for n in countries)


def test_node_cap_is_enforced_by_the_requests(city: Store) -> None:
    from queries.errors import BadRequest

    with pytest.raises(BadRequest, match="max_nodes must be between 1 and"):
        EgoMapRequest(id="inst-1", max_nodes=NODE_CAP + 1).draw(city)


def test_default_hub_map_mixes_types_and_says_so(city: Store) -> None:
    plain = HubMapRequest(top=60, per_type=0).draw(city)
    mixed = HubMapRequest(top=60).draw(city)
    types_in = {n.type for n in mixed.drawn.nodes}
    present = {n.type for n in city.iter_nodes()}
    assert len({n.type for n in plain.drawn.nodes}) < len(types_in) == len(present)
    assert len(mixed.drawn.nodes) == 60
    assert "the 10 best of each type are drawn" in mixed.subtitle


def test_broker_hub_map_links_brokers_through_shared_contacts(city: Store) -> None:
    page = HubMapRequest(types=("BROKER",), top=40).draw(city)
    shared = [r for r in page.drawn.relationships if r.type == "SHARES_CONTACTS"]
    assert shared, "brokers share no contact on the map"
    assert "share contacts" in page.subtitle
    neighbours: dict[str, set[str]] = {}
    for r in city.relationships_of([n.id for n in page.drawn.nodes]):
        neighbours.setdefault(r.source, set()).add(r.target)
        neighbours.setdefault(r.target, set()).add(r.source)
    for r in shared:
        common = neighbours[r.source] & neighbours[r.target]
        assert len(common) == r.weight > 0


def test_path_map_without_a_route_says_so(city: Store) -> None:
    from queries.paths import k_shortest_paths

    assert k_shortest_paths(city, "inst-1", "inst-20", k=1, max_hops=1) == []
    page = PathMapRequest(source="inst-1", target="inst-20", max_hops=1, broker_hops=1).draw(city)
    assert page.subtitle.startswith("No route joins")
    assert "max_hops" in page.subtitle and "0 " not in page.subtitle.split(":")[0]
    assert page.title.endswith("[inst-20]")
