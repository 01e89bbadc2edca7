"""One map as one self-contained HTML page.

pyvis builds the network (``Network``, ``add_node``, ``add_edge``, ``set_options``); this module
takes the nodes, edges and options pyvis holds and puts them into a small page of its own
(``static/map.html``), with vis-network inlined from the copy the pyvis wheel ships
(``pyvis/lib/vis-9.1.2/vis-network.min.js``). pyvis's own templates are not used: they load
vis-network, bootstrap and tom-select from CDNs in every mode. The page's Content-Security-Policy
allows no request at all beyond the page itself, so a map works offline and cannot leak one.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass, field
from importlib import resources
from string import Template
from typing import Any, Final

from pyvis.network import Network

from graphsvc.model import NODE_TYPE_BY_NAME, NODE_TYPES, RELATION_TYPES
from viz.export import DrawnGraph
from viz.style import MAX_SIZE, MIN_SIZE, format_value, type_label

VIS_NETWORK_VERSION: Final = "9.1.2"
"""The vis-network build inlined into every page: the one the pinned pyvis wheel ships."""

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of a map's legend: a symbol (a node shape or a ``line``), its colour, a label."""

    label: str
    colour: str
    symbol: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SizeKey:
    """What node size stands for on a map: ``measure`` from ``low`` (smallest) to ``high``."""

    measure: str
    low: float
    high: float

    def html(self) -> str:
        """Two circles, the smallest and the largest node, with their values."""
        circles = "".join(
            f'<figure><svg width="{2 * r + 2:.0f}" height="{2 * r + 2:.0f}" aria-hidden="true">'
            f'<circle cx="{r + 1:.0f}" cy="{r + 1:.0f}" r="{r:.0f}" fill="#bbb"/></svg>'
            f"<figcaption>{html.escape(format_value(value))}</figcaption></figure>"
            for r, value in ((MIN_SIZE / 2, self.low), (MAX_SIZE / 2, self.high))
        )
        return (
            f'<p class="small">Node size: {html.escape(self.measure)} (area grows with it)</p>'
            f'<div class="size-key">{circles}</div>'
        )


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the answer a map draws: ``drawn`` of ``total`` items, chosen by a rule."""

    drawn: int
    total: int
    noun: str
    chosen_by: str
    total_is_lower_bound: bool = False

    @property
    def capped(self) -> bool:
        """True when the map leaves some of the answer out."""
        return self.drawn < self.total or self.total_is_lower_bound

    @property
    def note(self) -> str:
        """``Showing 1,500 of 4,210 actors, chosen by PageRank.`` or ``42 actors.``"""
        if self.capped:
            more = "more than " if self.total_is_lower_bound else ""
            return (
                f"Showing {self.drawn:,} of {more}{self.total:,} {self.noun}, "
                f"chosen by {self.chosen_by}."
            )
        return f"{self.drawn:,} {self.noun}."


@dataclass(slots=True)
class MapPage:
    """A map ready to render: the pyvis network, its title, what it answers and its legend."""

    title: str
    subtitle: str
    network: Network
    coverage: Coverage
    legend: list[LegendEntry] = field(default_factory=list)
    size_key: SizeKey | None = None
    drawn: DrawnGraph = field(default_factory=DrawnGraph)
    background: dict[str, Any] | None = None
    """Drawn under the network: a world outline (SVG paths) and the city inset's box."""

    @property
    def node_count(self) -> int:
        """The number of nodes drawn (what the page's vis DataSet will hold)."""
        return int(self.network.num_nodes())

    def html(self) -> str:
        """The page as one HTML document (UTF-8 text)."""
        return render(self)


def new_network() -> Network:
    """An empty pyvis network as every map starts it (directed: arrows follow the relations)."""
    return Network(height="100%", width="100%", directed=True, cdn_resources="in_line")


def network_options(node_count: int) -> dict[str, Any]:
    """vis-network options for a map of ``node_count`` nodes.

    Physics runs a bounded stabilisation (fewer iterations the bigger the map, so that a map
    at the cap settles within a few seconds) and the page switches physics off as soon as
    ``stabilizationIterationsDone`` fires; nodes then stay where the user drags them.
    """
    big = node_count > 400
    iterations = max(150, min(1000, 150_000 // max(node_count, 1)))
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            "width": 1,
            "selectionWidth": 2,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.5}},
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 80,
                "springConstant": 0.08,
                "avoidOverlap": 0.2,
            },
            "minVelocity": 1.0,
            "maxVelocity": 50,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "layout": {"improvedLayout": node_count <= 150, "randomSeed": 7},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
    }


def apply_options(network: Network, options: dict[str, Any]) -> None:
    """Give ``network`` these options through pyvis's ``set_options``.

    pyvis parses the JSON after deleting every space, so no option value may contain one.
    """
    text = json.dumps(options, separators=(",", ":"))
    if " " in text:
        raise ValueError("vis-network options must not contain spaces (pyvis strips them)")
    network.set_options(text)


def legend_for(
    node_types: set[str],
    relation_types: set[str],
    extra: list[LegendEntry] | None = None,
) -> list[LegendEntry]:
    """Legend entries for the node and relation types a map draws, in the model's order, then
    ``extra`` (symbols a map adds, such as countries or highlighted routes)."""
    entries = [
        LegendEntry(t.name, t.colour, t.shape, t.description)
        for t in NODE_TYPES
        if t.name in node_types
    ]
    entries.extend(
        LegendEntry(t.name, t.colour, "line", t.description)
        for t in RELATION_TYPES
        if t.name in relation_types
    )
    entries.extend(extra or [])
    return entries


_SHAPE_SVG: Final[dict[str, str]] = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "ellipse": '<ellipse cx="8" cy="8" rx="7" ry="5"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "box": '<rect x="1" y="3" width="14" height="10" rx="3"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,1 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,15"/>',
    "hexagon": '<polygon points="4,2 12,2 15,8 12,14 4,14 1,8"/>',
    "star": '<polygon points="8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6"/>',
    "line": '<line x1="1" y1="8" x2="15" y2="8" stroke-width="3"/>',
}


def _symbol(entry: LegendEntry) -> str:
    shape = _SHAPE_SVG.get(entry.symbol, _SHAPE_SVG["dot"])
    colour = html.escape(entry.colour, quote=True)
    paint = f'stroke="{colour}"' if entry.symbol == "line" else f'fill="{colour}"'
    return (
        f'<svg width="16" height="16" viewBox="0 0 16 16" {paint} aria-hidden="true">{shape}</svg>'
    )


def legend_html(entries: list[LegendEntry]) -> str:
    """The legend as an HTML list (every text escaped)."""
    items = "".join(
        f'<li title="{html.escape(e.description, quote=True)}">{_symbol(e)}'
        f"<span>{html.escape(_display(e.label))}</span></li>"
        for e in entries
    )
    return f'<ul class="legend-items">{items}</ul>'


def _display(label: str) -> str:
    """Model type names read as words in the legend; other labels stay as given."""
    return type_label(label) if label in NODE_TYPE_BY_NAME else label


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and the
    JavaScript line separators are written as escapes, so no name can close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


@functools.cache
def _asset(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def vis_network_js() -> str:
    """The vis-network script shipped in the pyvis wheel (standalone build, Apache-2.0 or MIT)."""
    return _asset("pyvis", f"lib/vis-{VIS_NETWORK_VERSION}/vis-network.min.js")


def render(page: MapPage) -> str:
    """The HTML document of ``page``: vis-network, the map's script and style, and its data."""
    nodes, edges, _heading, _height, _width, options = page.network.get_network_data()
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) if isinstance(options, str) else options,
        "world": page.background,
    }
    template = Template(_asset("viz", "static/map.html"))
    return template.substitute(
        csp=html.escape(CONTENT_SECURITY_POLICY, quote=True),
        title=html.escape(page.title),
        subtitle=html.escape(page.subtitle),
        note=html.escape(page.coverage.note),
        capped="capped" if page.coverage.capped else "complete",
        legend=legend_html(page.legend),
        size_key=page.size_key.html() if page.size_key else "",
        style=_asset("viz", "static/map.css"),
        vis_js=vis_network_js().replace("</script", "<\\/script"),
        map_js=_asset("viz", "static/map.js"),
        data=script_json(data),
    )
