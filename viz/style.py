"""How actors and relations look on a map: colours, shapes, sizes and tooltips.

Every colour and shape comes from :mod:`graphsvc.model`; nothing here lists node or relation
types. Tooltips are plain text (vis-network shows a string title with ``innerText``), so a name
can never inject markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Final

from graphsvc.model import NODE_TYPE_BY_NAME, RELATION_TYPE_BY_NAME, PropertyType
from graphsvc.stores.contract import Node, Relationship

GREY: Final = "#c8c8c8"
"""The colour of what a map shows only as context (the path map's "rest")."""
GREY_TEXT: Final = "#9a9a9a"
HIGHLIGHT: Final = "#d55e00"
"""The colour of the routes a path map highlights."""
COUNTRY_COLOUR: Final = "#3c3c3c"
"""Country nodes of the global channel map (a country is not a node type of the model)."""

MIN_SIZE: Final = 8.0
MAX_SIZE: Final = 48.0
LABEL_LIMIT: Final = 24
"""Longest label drawn on the canvas, in characters; the tooltip has the full name."""
TOOLTIP_TEXT_LIMIT: Final = 120

_SHOWN_FIRST: Final = ("kind", "country", "region")
_NOT_SHOWN: Final = frozenset({"lat", "lon", "name_en"})
_YEAR_PROPERTIES: Final = ("year", "founded", "established", "posted")


def type_label(type_name: str) -> str:
    """A type name for people: ``"OverseasChannel"`` -> ``"Overseas channel"``."""
    words: list[str] = []
    for char in type_name:
        if char.isupper() and words:
            words.append(" ")
            words.append(char.lower())
        else:
            words.append(char)
    return "".join(words)


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and the word in the right number, thousands separated.

    Examples
    --------
    >>> plural(1, "overseas channel"), plural(2, "hop"), plural(1500, "node")
    ('1 overseas channel', '2 hops', '1,500 nodes')
    """
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def short_label(name: str) -> str:
    """``name`` cut to :data:`LABEL_LIMIT` characters with an ellipsis."""
    return name if len(name) <= LABEL_LIMIT else name[: LABEL_LIMIT - 1] + "…"


def _clip(text: str) -> str:
    return text if len(text) <= TOOLTIP_TEXT_LIMIT else text[: TOOLTIP_TEXT_LIMIT - 1] + "…"


def format_value(value: Any, key: str = "") -> str:
    """A property value as a tooltip shows it: thousands separators (not in years), lists
    joined, booleans as yes or no.

    Examples
    --------
    >>> format_value(1896, "founded"), format_value(2023, "year"), format_value(12000)
    ('1896', '2023', '12,000')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value) if key in _YEAR_PROPERTIES else f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1000:
            return f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return _clip("; ".join(str(v) for v in value))
    return _clip(str(value))


def tooltip(node: Node, figures: Sequence[tuple[str, str]] = ()) -> str:
    """The plain-text tooltip of ``node``: name, type and kind, country and region, its key
    properties (those the model declares for its type, in the model's order) and ``figures``
    (what the map measured, such as a centrality score)."""
    lines = [node.name, " · ".join(filter(None, (type_label(node.type), node.kind)))]
    place = " · ".join(
        f"{label}: {value}"
        for label, value in (("country", node.country), ("region", node.region))
        if value
    )
    if place:
        lines.append(place)
    node_type = NODE_TYPE_BY_NAME.get(node.type)
    declared = [p.name for p in node_type.properties] if node_type else []
    name_column = node_type.name_column if node_type else "name"
    for key in (*declared, *sorted(set(node.properties) - set(declared))):
        if key in _SHOWN_FIRST or key in _NOT_SHOWN or key == name_column:
            continue
        value = node.properties.get(key)
        if value is None or value == "" or value == []:
            continue
        unit = ""
        prop = node_type.column(key) if node_type else None
        if prop is not None and prop.type is PropertyType.DECIMAL and key.endswith("_cny"):
            unit = " CNY"
        lines.append(f"{key}: {format_value(value, key)}{unit}")
    lines.extend(f"{label}: {value}" for label, value in figures)
    lines.append(f"id: {node.id}")
    return "\n".join(lines)


def year_of(value: Any) -> int | None:
    """The year of a property value: an integer year or the start of an ISO date.

    Examples
    --------
    >>> year_of(1896), year_of("2023-05-01"), year_of(""), year_of(None)
    (1896, 2023, None, None)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def node_meta(node: Node) -> dict[str, Any]:
    """What the page's search, filters and details read of a node: name, type (as people read
    it), kind, country, region and a year (founded, made, established or posted)."""
    year = next(
        (y for y in (year_of(node.properties.get(k)) for k in _YEAR_PROPERTIES) if y is not None),
        None,
    )
    return {
        "name": node.name,
        "type": type_label(node.type),
        "kind": node.kind,
        "country": node.country,
        "region": node.region,
        "year": year,
    }


def node_colour(node: Node) -> str:
    """The model's colour for the node's type (grey for a type the model does not know)."""
    node_type = NODE_TYPE_BY_NAME.get(node.type)
    return node_type.colour if node_type else GREY


def node_shape(node: Node) -> str:
    """The model's vis-network shape for the node's type."""
    node_type = NODE_TYPE_BY_NAME.get(node.type)
    return node_type.shape if node_type else "dot"


def relation_colour(type_name: str) -> str:
    """The model's colour for a relation type."""
    rel_type = RELATION_TYPE_BY_NAME.get(type_name)
    return rel_type.colour if rel_type else GREY


def label_size(node_count: int, emphasis: float = 1.0) -> int:
    """A label font size (canvas units) readable once the page fits ``node_count`` nodes into the
    window: the bigger the map, the further vis-network zooms out, the larger a label must be."""
    return round(min(56.0, max(14.0, 1.3 * math.sqrt(node_count))) * emphasis)


def edge_colour(colour: str, node_count: int) -> dict[str, Any]:
    """A vis-network edge colour, fainter on bigger maps so that hubs stay visible."""
    return {
        "color": colour,
        "highlight": colour,
        "hover": colour,
        "opacity": 0.8 if node_count <= 200 else 0.45,
    }


def scaled_sizes(values: dict[str, float]) -> dict[str, float]:
    """Node sizes between :data:`MIN_SIZE` and :data:`MAX_SIZE`, by the square root of each value
    (so that the drawn area grows with the value); all equal values give the middle size."""
    if not values:
        return {}
    roots = {key: math.sqrt(max(value, 0.0)) for key, value in values.items()}
    low, high = min(roots.values()), max(roots.values())
    if high - low <= 1e-12:
        middle = (MIN_SIZE + MAX_SIZE) / 2
        return dict.fromkeys(roots, middle)
    span = MAX_SIZE - MIN_SIZE
    return {key: MIN_SIZE + span * (root - low) / (high - low) for key, root in roots.items()}


class EdgeBundle:
    """The relationships between one pair of drawn nodes, drawn as one edge.

    Several relationships may join the same two actors (a broker that serves a firm and brokered
    its achievement); a map draws one line per pair, coloured by the first relation type, with
    every relationship in its tooltip, and an arrow only when all of them point the same way.
    """

    def __init__(self, first: Relationship) -> None:
        self.source = first.source
        self.target = first.target
        self.relationships: list[Relationship] = [first]

    def add(self, relationship: Relationship) -> None:
        """Add one more relationship between the same two nodes."""
        self.relationships.append(relationship)

    @property
    def types(self) -> list[str]:
        """The relation types in the bundle, each once, in order of appearance."""
        return list(dict.fromkeys(r.type for r in self.relationships))

    @property
    def directed(self) -> bool:
        """True when every relationship runs source -> target and none is symmetric."""
        return all(
            r.source == self.source
            and not (RELATION_TYPE_BY_NAME.get(r.type) and RELATION_TYPE_BY_NAME[r.type].symmetric)
            for r in self.relationships
        )

    def meta(self) -> dict[str, Any]:
        """What the page's filters read of the edge: its relation types and earliest year."""
        years = [y for y in (year_of(r.properties.get("date")) for r in self.relationships) if y]
        return {"types": self.types, "year": min(years) if years else None}

    def tooltip(self, names: dict[str, str]) -> str:
        """Plain text naming each relationship with its direction and its date or amount."""
        lines = []
        for r in self.relationships[:12]:
            extra = ", ".join(
                f"{key} {format_value(r.properties[key])}"
                for key in ("date", "amount_cny", "mode")
                if r.properties.get(key) not in (None, "")
            )
            source, target = names.get(r.source, r.source), names.get(r.target, r.target)
            lines.append(f"{source} —{r.type}→ {target}" + (f" ({extra})" if extra else ""))
        if len(self.relationships) > 12:
            lines.append(f"… and {len(self.relationships) - 12} more")
        return "\n".join(lines)


def bundle_relationships(
    relationships: Iterable[Relationship], drawn: set[str] | dict[str, Any]
) -> list[EdgeBundle]:
    """Relationships whose two ends are both drawn, bundled per unordered pair, in first-seen
    order (self-loops are left out: a map cannot show them usefully)."""
    bundles: dict[frozenset[str], EdgeBundle] = {}
    seen: set[str] = set()
    for relationship in relationships:
        if relationship.id in seen or relationship.source == relationship.target:
            continue
        if relationship.source not in drawn or relationship.target not in drawn:
            continue
        seen.add(relationship.id)
        pair = frozenset((relationship.source, relationship.target))
        if pair in bundles:
            bundles[pair].add(relationship)
        else:
            bundles[pair] = EdgeBundle(relationship)
    return list(bundles.values())
