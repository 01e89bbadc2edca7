"""The four maps, each built with pyvis from the answer of a query.

Each builder takes what the query layer answered (a ranking, a neighbourhood, paths and
intermediaries) or reads the store directly (the global channel map, which no query answers),
fetches the nodes it draws in one call, and returns a :class:`~viz.page.MapPage`. None draws more
than :data:`NODE_CAP` nodes; when an answer holds more, the page says how many it shows and how
they were chosen.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from pyvis.network import Network

from graphsvc.stores.contract import Node, Relationship, SearchFilter, Store
from queries.results import CentralityResult, Intermediaries, Path, Subgraph
from queries.timeline import check_as_of, dated_rows
from viz.export import DrawnGraph
from viz.page import (
    Coverage,
    LegendEntry,
    MapPage,
    SizeKey,
    apply_options,
    legend_for,
    network_options,
    new_network,
)
from viz.style import (
    COUNTRY_COLOUR,
    GREY,
    GREY_TEXT,
    HIGHLIGHT,
    MAX_SIZE,
    EdgeBundle,
    bundle_relationships,
    edge_colour,
    format_value,
    label_size,
    node_colour,
    node_meta,
    node_shape,
    plural,
    relation_colour,
    scaled_sizes,
    short_label,
    tooltip,
    type_label,
)
from viz.world import INSET_GAP, Inset, world
from viz.world import SCALE as WORLD_SCALE

NODE_CAP: Final = 1500
"""Most nodes any map draws: vis-network settles such a layout within a few seconds."""
HUB_LABELS: Final = 20
"""How many of the biggest hubs a hub map labels by default."""
EVIDENCE_COLOUR: Final = "#0072b2"
"""Edges of an intermediary's evidence path that is not among the k shortest paths."""
SHARED_COLOUR: Final = "#555555"
"""Dashed lines joining hubs that share contacts."""
SHARED_LIMIT: Final = 50
"""A contact of more hubs than this joins no pair (it would join them all)."""
PATH_CONTEXT: Final = 150
"""How many greyed neighbours a path map draws around the routes by default."""
COUNTRY_PREFIX: Final = "country/"
"""Ids of the channel map's country nodes; ``/`` is not an id character, so they never clash."""
CHANNEL_TYPE: Final = "OverseasChannel"
PARTNERS_WITH: Final = "PARTNERS_WITH"
_PAGE: Final = 500


def _nodes_in_order(store: Store, ids: Sequence[str]) -> list[Node]:
    """The nodes of ``ids`` that exist, in the order of ``ids`` (one store call)."""
    found = store.nodes(list(dict.fromkeys(ids)))
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def _add_edges(
    network: Network,
    bundles: Iterable[EdgeBundle],
    names: dict[str, str],
    *,
    colour: dict[frozenset[str], str] | None = None,
    width: dict[frozenset[str], float] | None = None,
) -> None:
    """Draw each bundle as one edge: the model's colour of its first relation type unless
    ``colour`` says otherwise, an arrow when it has one direction."""
    drawn = int(network.num_nodes())
    for bundle in bundles:
        pair = frozenset((bundle.source, bundle.target))
        network.add_edge(
            bundle.source,
            bundle.target,
            title=bundle.tooltip(names),
            color=edge_colour((colour or {}).get(pair) or relation_colour(bundle.types[0]), drawn),
            width=(width or {}).get(pair, 1.0),
            arrows="to" if bundle.directed else "",
            meta=bundle.meta(),
        )


def _degrees(bundles: Iterable[EdgeBundle]) -> Counter[str]:
    degree: Counter[str] = Counter()
    for bundle in bundles:
        degree[bundle.source] += 1
        degree[bundle.target] += 1
    return degree


def _finish(network: Network) -> None:
    apply_options(network, network_options(int(network.num_nodes())))


def _types_text(types: Iterable[str] | None) -> str:
    names = sorted(types or ())
    return ", ".join(type_label(t) for t in names) if names else "all types"


def count_matching(
    store: Store,
    *,
    types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    country: str | None = None,
) -> int:
    """How many nodes match a ranking's filters (the ``M`` of a hub map's "N of M")."""
    where = SearchFilter(types=types, kinds=kinds, country=country)
    return store.search(where, first=1).total


# --- 1. hub map ----------------------------------------------------------------------------


def hub_map(
    store: Store,
    ranking: CentralityResult,
    *,
    matching: int,
    filters: str = "all actors",
    labels: int = HUB_LABELS,
    as_of: str | None = None,
    mixed: str = "",
) -> MapPage:
    """The top actors of ``ranking`` and the relations among them: size by score, colour by
    type, labels on the ``labels`` biggest hubs. ``matching`` counts the actors the ranking chose
    from; ``filters`` says in words which they were; ``mixed`` how other types were added. With
    ``as_of`` (ranked on the graph as of that date), only the relations existing then are drawn.

    When the hubs have few relations among themselves (brokers never deal with each other),
    dashed lines join the hubs that share contacts (clients, achievements, partners)."""
    metric = ranking.metric.lower()
    scores = ranking.scores[:NODE_CAP]
    nodes = {n.id: n for n in _nodes_in_order(store, [s.node for s in scores])}
    ranked = [s for s in scores if s.node in nodes]
    nodes, touching = dated_rows(check_as_of(as_of), nodes, store.relationships_of(list(nodes)))
    bundles = bundle_relationships(touching, nodes)
    shared = shared_contacts(touching, nodes) if len(bundles) < len(nodes) / 2 else []
    degree = _degrees(bundles)
    sizes = scaled_sizes({s.node: s.score for s in ranked})
    network = new_network()
    for score in ranked:
        node = nodes[score.node]
        figures = [
            (metric, f"{format_value(score.score)} (rank {score.rank})"),
            ("relations among these hubs", str(degree[node.id])),
        ]
        network.add_node(
            node.id,
            label=short_label(node.name) if score.rank <= labels else " ",
            title=tooltip(node, figures),
            meta=node_meta(node),
            color=node_colour(node),
            shape=node_shape(node),
            size=sizes[node.id],
            font={"size": label_size(len(ranked), 1.4 if score.rank <= 3 else 1.0)},
        )
    _add_edges(network, bundles, {n.id: n.name for n in nodes.values()})
    contact_names = {
        n.id: n.name for n in _nodes_in_order(store, [c for p in shared for c in p.contacts[:5]])
    }
    for pair in shared:
        network.add_edge(
            pair.first,
            pair.second,
            title=f"{nodes[pair.first].name} and {nodes[pair.second].name} share "
            f"{plural(pair.count, 'contact')}: "
            + ", ".join(contact_names.get(c, c) for c in pair.contacts[:5])
            + (" …" if pair.count > 5 else ""),
            color=edge_colour(SHARED_COLOUR, len(ranked)),
            width=1 + math.log2(pair.count),
            dashes=True,
            arrows="",
            meta={"types": ["shared contacts"], "year": None},
        )
    _finish(network)
    estimate = f"; scores estimated ({ranking.method})" if ranking.approximate else ""
    sharing = (
        f" These hubs have few relations among themselves ({plural(len(bundles), 'relation')}),"
        f" so dashed lines join the {plural(len(shared), 'pair')} that share contacts (clients, "
        "achievements, partners); the thicker, the more they share."
        if shared
        else ""
    )
    extra = [LegendEntry("share contacts (dashed)", SHARED_COLOUR, "line")] if shared else []
    return MapPage(
        title=f"Hub map: top {len(ranked):,} actors by {metric}",
        subtitle=f"Among {filters}; node size by {metric}, colour by type, labels on the "
        f"{min(labels, len(ranked))} biggest hubs; lines are the relations among them{estimate}."
        + (f" {mixed}" if mixed else "")
        + sharing,
        network=network,
        coverage=Coverage(len(ranked), max(matching, len(ranked)), "nodes", f"{metric} rank"),
        legend=legend_for({n.type for n in nodes.values()}, _relation_types(bundles), extra),
        size_key=_size_key(metric, [s.score for s in ranked]),
        drawn=DrawnGraph(
            [nodes[s.node] for s in ranked],
            [
                *_relationships(bundles),
                *(
                    Relationship(
                        f"shared:{p.first}:{p.second}",
                        "SHARES_CONTACTS",
                        p.first,
                        p.second,
                        {"weight": float(p.count)},
                    )
                    for p in shared
                ),
            ],
            {s.node: {metric: s.score, f"{metric}_rank": s.rank} for s in ranked},
        ),
    )


@dataclass(frozen=True, slots=True)
class SharedContacts:
    """Two hubs and the contacts (nodes off the map) both are related to."""

    first: str
    second: str
    contacts: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many contacts they share."""
        return len(self.contacts)


def shared_contacts(
    relationships: Iterable[Relationship], hubs: set[str] | dict[str, Node], *, per_hub: int = 3
) -> list[SharedContacts]:
    """Pairs of ``hubs`` related to the same nodes outside ``hubs``, most shared first, at most
    ``per_hub`` times the number of hubs pairs; a contact of more than :data:`SHARED_LIMIT` hubs
    (a node everyone touches) tells nothing and is skipped.

    Examples
    --------
    >>> links = [Relationship(f"r{i}", "SERVES", b, c) for i, (b, c) in
    ...          enumerate([("b1", "x"), ("b2", "x"), ("b2", "y"), ("b3", "y"), ("b1", "z")])]
    >>> [(p.first, p.second, p.contacts) for p in shared_contacts(links, {"b1", "b2", "b3"})]
    [('b1', 'b2', ('x',)), ('b2', 'b3', ('y',))]
    """
    hubs_of: dict[str, set[str]] = defaultdict(set)
    for r in relationships:
        for hub, other in ((r.source, r.target), (r.target, r.source)):
            if hub in hubs and other not in hubs:
                hubs_of[other].add(hub)
    contacts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for contact in sorted(hubs_of):
        touching = sorted(hubs_of[contact])
        if 2 <= len(touching) <= SHARED_LIMIT:
            for i, first in enumerate(touching):
                for second in touching[i + 1 :]:
                    contacts[(first, second)].append(contact)
    ranked = sorted(contacts.items(), key=lambda item: (-len(item[1]), item[0]))
    return [SharedContacts(a, b, tuple(c)) for (a, b), c in ranked[: per_hub * len(hubs)]]


def _size_key(measure: str, values: Iterable[float]) -> SizeKey | None:
    known = list(values)
    return SizeKey(measure, min(known), max(known)) if known else None


def _relationships(bundles: Iterable[EdgeBundle]) -> list[Relationship]:
    return [r for bundle in bundles for r in bundle.relationships]


def _relation_types(bundles: Iterable[EdgeBundle]) -> set[str]:
    return {t for bundle in bundles for t in bundle.types}


# --- 2. global channel map -----------------------------------------------------------------


def _all_of_type(store: Store, type_name: str) -> list[Node]:
    """Every node of one type, page by page through ``search``."""
    found: list[Node] = []
    after: str | None = None
    while True:
        page = store.search(SearchFilter(types=[type_name]), first=_PAGE, after=after)
        found.extend(page.nodes)
        if not page.has_next or page.end_cursor is None:
            return found
        after = page.end_cursor


def channel_map(
    store: Store,
    *,
    home_country: str = "CN",
    region: str | None = None,
    max_nodes: int = NODE_CAP,
    labels: int = HUB_LABELS,
    as_of: str | None = None,
    layout: str = "world",
) -> MapPage:
    """The home city's actors, the overseas channels they work through and the countries those
    reach, each country a node its channels hang from.

    ``layout="world"`` puts countries at their place on a world outline (:mod:`viz.world`), each
    country's channels round it, and the actors with a latitude and longitude in an inset of the
    city below the world (those without one in a row under it); flows are arcs. ``"ring"`` puts
    the countries round a circle and lets the physics place the actors.

    Actors are the partners of a channel (``PARTNERS_WITH``) located in ``home_country`` (and
    ``region``, when given). Actor size counts its channels, so the hubs that carry the city's
    links abroad stand out; the ``labels`` biggest are labelled. Past ``max_nodes``, the actors
    with the fewest channels are left out first. With ``as_of``, the graph as of that date
    (:mod:`queries.timeline`): channels, actors and links existing then.
    """
    day = check_as_of(as_of)
    channels = {c.id: c for c in _all_of_type(store, CHANNEL_TYPE)}
    channels, links = dated_rows(
        day, channels, store.relationships_of(list(channels), rel_types=[PARTNERS_WITH])
    )
    partner_ids = [r.source for r in links if r.target in channels]
    partners, links = dated_rows(day, store.nodes(list(dict.fromkeys(partner_ids))), links)
    actors = {
        i: n
        for i, n in partners.items()
        if (n.country or home_country) == home_country and (region is None or n.region == region)
    }
    channels_of: dict[str, set[str]] = defaultdict(set)
    for r in links:
        if r.source in actors and r.target in channels:
            channels_of[r.source].add(r.target)
    reached = {c for cs in channels_of.values() for c in cs}
    countries_of = {c: channels[c].country or "??" for c in reached}
    countries = sorted(set(countries_of.values()))
    total = len(channels_of) + len(reached) + len(countries)
    room = max(0, max_nodes - len(reached) - len(countries))
    ranked = sorted(channels_of, key=lambda a: (-len(channels_of[a]), a))
    kept = ranked[:room]
    drawn_channels = sorted(reached, key=lambda c: (countries_of[c], c))
    if room == 0:  # more channels and countries than the cap: keep the busiest channels
        partners_of = Counter(c for a in ranked for c in channels_of[a])
        drawn_channels = sorted(reached, key=lambda c: (-partners_of[c], c))[: max_nodes // 2]
        countries = sorted({countries_of[c] for c in drawn_channels})
        kept = [a for a in ranked if channels_of[a] & set(drawn_channels)][
            : max(0, max_nodes - len(drawn_channels) - len(countries))
        ]
    drawn = set(drawn_channels)
    network = new_network()
    actors_of_country: dict[str, set[str]] = defaultdict(set)
    channels_in: dict[str, list[str]] = defaultdict(list)
    for c in drawn_channels:
        channels_in[countries_of[c]].append(c)
    for a in kept:
        for c in channels_of[a] & drawn:
            actors_of_country[countries_of[c]].add(a)
    count = len(countries) + len(drawn_channels) + len(kept)
    ring = _CountryRing(countries, count)
    geo = layout == "world"
    spots = _world_spots(countries, channels_in, [actors[a] for a in kept]) if geo else None
    for country in countries:
        x, y = spots.countries[country] if spots else ring.at(country, 1.0)
        network.add_node(
            COUNTRY_PREFIX + country,
            label=country,
            title=f"{country}\n{plural(len(channels_in[country]), 'overseas channel')}\n"
            f"{plural(len(actors_of_country[country]), home_country + ' actor')} reach it",
            color=COUNTRY_COLOUR,
            shape="box",
            meta={"name": country, "type": "Country", "country": country},
            font={
                "color": "#ffffff",
                "size": round(26 + 8 * math.sqrt(len(channels_in[country])))
                if geo
                else label_size(count, 1.0 + 0.25 * math.sqrt(len(channels_in[country]))),
            },
            x=x,
            y=y,
            fixed=True,
        )
    partners_on_map = Counter(c for a in kept for c in channels_of[a] & drawn)
    channel_sizes = scaled_sizes({c: partners_on_map[c] for c in drawn_channels})
    position_of: dict[str, tuple[float, float]] = {}
    for country, in_country in channels_in.items():
        for j, c in enumerate(in_country):
            position_of[c] = (
                spots.channels[c]
                if spots
                else ring.at(country, 0.8, (j + 0.5) / len(in_country) - 0.5)
            )
    for c in drawn_channels:
        node = channels[c]
        figures = [(f"{home_country} partners on this map", str(partners_on_map[c]))]
        x, y = position_of[c]
        network.add_node(
            c,
            label=short_label(node.name),
            title=tooltip(node, figures),
            meta=node_meta(node),
            color=node_colour(node),
            shape=node_shape(node),
            size=channel_sizes[c] * 0.6 + 6,
            font={"size": 16 if geo else label_size(count, 0.8)},
            x=x,
            y=y,
            fixed=True,
        )
        network.add_edge(
            c,
            COUNTRY_PREFIX + countries_of[c],
            color=COUNTRY_COLOUR,
            width=2,
            dashes=True,
            title=f"{node.name} is in {countries_of[c]}",
            arrows="",
            meta={"types": ["in country"], "year": None},
        )
    actor_sizes = scaled_sizes({a: len(channels_of[a]) for a in kept})
    for position, a in enumerate(kept):
        node = actors[a]
        reach = sorted({countries_of[c] for c in channels_of[a]})
        figures = [
            ("overseas channels", str(len(channels_of[a]))),
            ("countries reached", ", ".join(reach)),
        ]
        anchors = [position_of[c] for c in channels_of[a] & drawn]
        placed = (
            {"x": spots.actors[a][0], "y": spots.actors[a][1], "fixed": True}
            if spots
            else {
                "x": 0.5 * sum(x for x, _ in anchors) / len(anchors),
                "y": 0.5 * sum(y for _, y in anchors) / len(anchors),
            }
        )
        network.add_node(
            a,
            label=short_label(node.name) if position < labels else " ",
            title=tooltip(node, figures),
            meta=node_meta(node),
            color=node_colour(node),
            shape=node_shape(node),
            size=actor_sizes[a],
            font={"size": 22 if geo else label_size(count)},
            **placed,
        )
    names = {**{c: channels[c].name for c in drawn}, **{a: actors[a].name for a in kept}}
    bundles = bundle_relationships(links, {*kept, *drawn})
    _add_edges(network, bundles, names)
    options = network_options(int(network.num_nodes()))
    if spots:
        options["physics"]["enabled"] = False
        options["edges"]["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.15}
    apply_options(network, options)
    place = f"{home_country}" + (f", {region}" if region else "")
    types_drawn = {actors[a].type for a in kept} | ({CHANNEL_TYPE} if drawn else set())
    where = (
        f"Countries at their place on the world map, channels round their country, the "
        f"{plural(spots.located, 'actor')} with a latitude and longitude at their place in the "
        f"inset below ({plural(len(kept) - spots.located, 'actor')} without one in a row under "
        "it); arcs are the partnerships. layout=ring draws the countries round a circle."
        if spots
        else "Countries round a ring, each with its fan of channels; layout=world draws them "
        "on a world map."
    )
    return MapPage(
        title=f"Global channel map: {place} actors abroad",
        subtitle=f"{len(kept):,} {place} actors, the {len(drawn):,} overseas channels they work "
        f"through and the {plural(len(countries), 'country', 'countries')} those are in; actor "
        f"size by number of channels, channel size by partners on the map, country label by "
        f"number of channels. {where}",
        background=spots.background if spots else None,
        network=network,
        coverage=Coverage(
            int(network.num_nodes()),
            total,
            "nodes (actors, channels, countries)",
            "number of overseas channels per actor",
        ),
        legend=legend_for(
            types_drawn,
            _relation_types(bundles),
            [
                LegendEntry("Country", COUNTRY_COLOUR, "box", "the country a channel is in"),
                LegendEntry("channel is in country", COUNTRY_COLOUR, "line"),
            ],
        ),
        size_key=_size_key("overseas channels per actor", [len(channels_of[a]) for a in kept]),
        drawn=DrawnGraph(
            [
                *(Node(COUNTRY_PREFIX + c, "Country", c, {"country": c}) for c in countries),
                *(channels[c] for c in drawn_channels),
                *(actors[a] for a in kept),
            ],
            [
                *(
                    Relationship(
                        f"in-country:{c}", "IN_COUNTRY", c, COUNTRY_PREFIX + countries_of[c]
                    )
                    for c in drawn_channels
                ),
                *_relationships(bundles),
            ],
            {
                **{c: {"partners_on_map": float(partners_on_map[c])} for c in drawn_channels},
                **{a: {"overseas_channels": float(len(channels_of[a]))} for a in kept},
            },
        ),
    )


@dataclass(frozen=True, slots=True)
class _WorldSpots:
    """Where the world layout puts countries, channels and actors, and the outline it draws."""

    countries: dict[str, tuple[float, float]]
    channels: dict[str, tuple[float, float]]
    actors: dict[str, tuple[float, float]]
    located: int
    background: dict[str, object]


def _world_spots(
    countries: Sequence[str], channels_in: dict[str, list[str]], actors: Sequence[Node]
) -> _WorldSpots:
    """Countries at their outline centre (an unknown code in a row above the map), each country's
    channels on a small circle round it, located actors in the city inset."""
    outline = world()
    height = outline.height * WORLD_SCALE
    country_at = {
        c: outline.centres.get(c, (200.0 + 120.0 * i, -150.0)) for i, c in enumerate(countries)
    }
    channel_at: dict[str, tuple[float, float]] = {}
    for country, in_country in channels_in.items():
        cx, cy = country_at[country]
        radius = 28.0 + 9.0 * math.sqrt(len(in_country))
        for j, c in enumerate(in_country):
            angle = 2 * math.pi * j / len(in_country) - math.pi / 2
            channel_at[c] = (
                round(cx + radius * math.cos(angle), 1),
                round(cy + radius * math.sin(angle), 1),
            )
    located = {
        a.id: (float(a.properties["lat"]), float(a.properties["lon"]))
        for a in actors
        if isinstance(a.properties.get("lat"), int | float)
        and isinstance(a.properties.get("lon"), int | float)
    }
    actor_at: dict[str, tuple[float, float]] = {}
    inset = Inset.around(list(located.values()), height) if located else None
    bottom = inset.top + inset.height if inset else height + INSET_GAP
    for a, (lat, lon) in located.items():
        assert inset is not None
        actor_at[a] = inset.at(lat, lon)
    unlocated = [a.id for a in actors if a.id not in located]
    for i, a in enumerate(unlocated):
        actor_at[a] = (
            round(120.0 + (i % 60) * 80.0, 1),
            round(bottom + 120.0 + (i // 60) * 80.0, 1),
        )
    background: dict[str, object] = {
        "scale": WORLD_SCALE,
        "width": outline.width,
        "height": outline.height,
        "paths": [d for paths in outline.paths.values() for d in paths],
        "inset": None
        if inset is None
        else {"left": inset.left, "top": inset.top, "width": inset.width, "height": inset.height},
    }
    return _WorldSpots(country_at, channel_at, actor_at, len(located), background)


class _CountryRing:
    """Where the channel map pins each country and its channels: countries evenly round a circle
    that grows with the map, each country's channels on an arc just inside it; the actors, left to
    the physics, settle between the channels they work through."""

    def __init__(self, countries: Sequence[str], node_count: int) -> None:
        self.radius = 45.0 * math.sqrt(node_count) + 200.0
        step = 2 * math.pi / max(len(countries), 1)
        self.step = step
        self.angle = {country: i * step for i, country in enumerate(countries)}

    def at(self, country: str, scale: float, offset: float = 0.0) -> tuple[float, float]:
        """A point at ``scale`` times the radius, towards ``country``, turned by ``offset``
        (from -0.5 to 0.5) of the arc between two countries."""
        angle = self.angle[country] + offset * self.step * 0.8
        return (
            round(self.radius * scale * math.cos(angle), 1),
            round(self.radius * scale * math.sin(angle), 1),
        )


# --- 3. ego map ----------------------------------------------------------------------------


def hop_distances(
    centre: str, nodes: Iterable[str], relationships: Iterable[Relationship]
) -> dict[str, int]:
    """Hops from ``centre`` to each of ``nodes`` over ``relationships`` (either direction)."""
    allowed = set(nodes)
    adjacent: dict[str, set[str]] = defaultdict(set)
    for r in relationships:
        if r.source in allowed and r.target in allowed:
            adjacent[r.source].add(r.target)
            adjacent[r.target].add(r.source)
    distance = {centre: 0}
    queue = deque([centre])
    while queue:
        here = queue.popleft()
        for there in sorted(adjacent[here]):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    return distance


def ego_map(
    store: Store,
    centre: str,
    neighbourhood: Subgraph,
    *,
    depth: int,
    types: Iterable[str] | None = None,
    rel_types: Iterable[str] | None = None,
    max_nodes: int = NODE_CAP,
) -> MapPage:
    """The neighbourhood of ``centre`` as the query answered it, nearest first up to
    ``max_nodes``: the centre large and outlined, size by relations on the map, rings of
    distance told in each tooltip."""
    order = list(dict.fromkeys([centre, *neighbourhood.nodes]))
    chosen = order[:max_nodes]
    nodes = {n.id: n for n in _nodes_in_order(store, chosen)}
    bundles = bundle_relationships(neighbourhood.relationships, nodes)
    distance = hop_distances(centre, nodes, neighbourhood.relationships)
    degree = _degrees(bundles)
    sizes = scaled_sizes({i: float(degree[i]) for i in nodes})
    label_all = len(nodes) <= 150
    biggest = {i for i, _ in degree.most_common(HUB_LABELS)}
    network = new_network()
    for node in nodes.values():
        hops = distance.get(node.id)
        is_centre = node.id == centre
        figures = [
            ("hops from centre", "—" if hops is None else str(hops)),
            ("relations on this map", str(degree[node.id])),
        ]
        labelled = is_centre or label_all or node.id in biggest
        network.add_node(
            node.id,
            label=short_label(node.name) if labelled else " ",
            title=tooltip(node, figures),
            meta=node_meta(node),
            color=node_colour(node),
            shape=node_shape(node),
            size=MAX_SIZE if is_centre else sizes[node.id],
            **({"x": 0, "y": 0, "fixed": True} if is_centre else {}),
            borderWidth=4 if is_centre else 1,
            font={"size": label_size(len(nodes), 1.5 if is_centre else 1.0)},
        )
    _add_edges(network, bundles, {n.id: n.name for n in nodes.values()})
    _finish(network)
    name = nodes[centre].name if centre in nodes else centre
    total = len(order)
    reached = Counter(hop_distances(centre, order, neighbourhood.relationships).values())
    drawn_at = Counter(distance.values())
    by_hops = "; ".join(
        f"{hops}: {reached[hops]:,}"
        + (" (all drawn)" if drawn_at[hops] == reached[hops] else f" ({drawn_at[hops]:,} drawn)")
        for hops in sorted(h for h in reached if h > 0)
    )
    depth_note = f" Nodes by hops from the centre: {by_hops}." if by_hops else ""
    if len(nodes) < total:
        depth_note += (
            f" The map draws at most {max_nodes:,} nodes (max_nodes), nearest first, so a "
            "greater depth adds only what still fits"
            + (
                f"; the neighbourhood query itself stops at {total:,}."
                if neighbourhood.truncated
                else "."
            )
        )
    return MapPage(
        title=f"Ego map: {name} [{centre}]",
        subtitle=f"Everything within {plural(depth, 'hop')} of {name}; "
        f"node types: {_types_text(types)}; relation types: "
        f"{', '.join(sorted(rel_types)) if rel_types else 'all'}.{depth_note}",
        network=network,
        coverage=Coverage(
            len(nodes),
            total,
            "nodes",
            "distance from the centre (nearest first)",
            total_is_lower_bound=neighbourhood.truncated,
        ),
        legend=legend_for({n.type for n in nodes.values()}, _relation_types(bundles)),
        size_key=_size_key("relations on this map", [float(degree[i]) for i in nodes]),
        drawn=DrawnGraph(
            list(nodes.values()),
            _relationships(bundles),
            {
                i: {"relations_on_map": float(degree[i]), "hops_from_centre": float(distance[i])}
                if i in distance
                else {"relations_on_map": float(degree[i])}
                for i in nodes
            },
        ),
    )


# --- 4. path map ---------------------------------------------------------------------------


def path_map(
    store: Store,
    source: str,
    target: str,
    paths: Sequence[Path],
    brokers: Intermediaries,
    *,
    context: int = PATH_CONTEXT,
    max_nodes: int = NODE_CAP,
    as_of: str | None = None,
) -> MapPage:
    """The k shortest paths from ``source`` to ``target`` and the ranked intermediaries with
    their evidence paths, highlighted; up to ``context`` other neighbours of the endpoints and of
    the nodes on a route, greyed, nearest the endpoints first; ``max_nodes`` in all. With
    ``as_of`` (the paths and intermediaries found on the graph as of that date), only the
    neighbours and relations existing then are drawn."""
    on_route: list[str] = [source, target]
    for path in paths:
        on_route.extend(path.nodes)
    rank = {item.node: position + 1 for position, item in enumerate(brokers.items)}
    for item in brokers.items:
        on_route.append(item.node)
        for evidence in item.paths:
            on_route.extend(evidence.nodes)
    on_route = list(dict.fromkeys(on_route))[:max_nodes]
    highlighted = set(on_route)
    context_links = store.relationships_of(on_route)
    day = check_as_of(as_of)
    if day is not None:
        ends = store.nodes(sorted({e for r in context_links for e in (r.source, r.target)}))
        _, context_links = dated_rows(day, ends, context_links)
    adjacent: dict[str, list[str]] = defaultdict(list)
    for r in context_links:
        adjacent[r.source].append(r.target)
        adjacent[r.target].append(r.source)
    neighbours = list(
        dict.fromkeys(
            other
            for anchor in on_route  # the endpoints first, then the route nodes in order
            for other in adjacent[anchor]
            if other not in highlighted
        )
    )
    greyed = neighbours[: max(0, min(context, max_nodes - len(on_route)))]
    nodes = {n.id: n for n in _nodes_in_order(store, [*on_route, *greyed])}
    bundles = bundle_relationships(context_links, nodes)
    shortest_pairs = {
        frozenset(p) for path in paths for p in zip(path.nodes, path.nodes[1:], strict=False)
    }
    evidence_pairs = {
        frozenset(p)
        for item in brokers.items
        for evidence in item.paths
        for p in zip(evidence.nodes, evidence.nodes[1:], strict=False)
    } - shortest_pairs
    scale = label_size(len(nodes)) / label_size(0)
    colours: dict[frozenset[str], str] = {}
    widths: dict[frozenset[str], float] = {}
    for bundle in bundles:
        pair = frozenset((bundle.source, bundle.target))
        if pair in shortest_pairs:
            colours[pair], widths[pair] = HIGHLIGHT, 4.0 * scale
        elif pair in evidence_pairs:
            colours[pair], widths[pair] = EVIDENCE_COLOUR, 2.5 * scale
        else:
            colours[pair], widths[pair] = GREY, 0.8
    passing = {item.node: item for item in brokers.items}
    on_shortest = Counter(n for path in paths for n in dict.fromkeys(path.nodes))
    network = new_network()
    for node in nodes.values():
        figures: list[tuple[str, str]] = []
        if node.id in passing:
            item = passing[node.id]
            figures += [
                ("intermediary rank", f"#{rank[node.id]} of {len(brokers.items)}"),
                ("paths through it", f"{item.path_count:,}"),
                ("shortest route through it", f"{item.shortest_hops} hops"),
            ]
        if node.id in on_shortest:
            figures.append(("on shortest paths", f"{on_shortest[node.id]} of {len(paths)}"))
        endpoint = node.id in (source, target)
        if node.id in highlighted:
            label = short_label(node.name)
            if node.id in rank:
                label = f"#{rank[node.id]} {label}"
            network.add_node(
                node.id,
                label=("▶ " if node.id == source else "◎ " if node.id == target else "") + label,
                title=tooltip(node, figures),
                meta=node_meta(node),
                color=node_colour(node),
                shape=node_shape(node),
                size=(36 if endpoint else 26 if node.id in rank else 18) * scale,
                borderWidth=4 if endpoint else 2,
                font={"size": label_size(len(nodes), 1.4 if endpoint else 1.0)},
            )
        else:
            network.add_node(
                node.id,
                label=" ",
                title=tooltip(node, [("context", "not on a route shown")]),
                meta=node_meta(node),
                color=GREY,
                shape=node_shape(node),
                size=8 * scale,
                font={"color": GREY_TEXT},
            )
    names = {n.id: n.name for n in nodes.values()}
    _add_edges(network, bundles, names, colour=colours, width=widths)
    _finish(network)
    source_name = names.get(source, source)
    target_name = names.get(target, target)
    enumerated = f"{plural(brokers.paths_examined, 'path')} examined" + (
        ", enumeration cut short" if brokers.truncated else ""
    )
    if paths:
        subtitle = (
            f"The {plural(len(paths), 'shortest path')} (vermillion) and "
            f"{plural(len(brokers.items), 'ranked intermediary', 'ranked intermediaries')} "
            "(#1 carries most routes) with their evidence paths (blue); "
            f"{enumerated}; everything else greyed."
        )
    else:
        subtitle = (
            f"No route joins {source_name} and {target_name} within the hops asked (max_hops): "
            "the map shows the two ends and their nearest neighbours, greyed; try more hops, "
            "fewer type restrictions, or the ego map of either end."
        )
    return MapPage(
        title=f"Path map: {source_name} [{source}] → {target_name} [{target}]",
        subtitle=subtitle,
        network=network,
        coverage=Coverage(
            len(nodes),
            len(highlighted) + len(neighbours),
            "nodes",
            "every node on a route first, then neighbours nearest the endpoints",
        ),
        legend=legend_for(
            {n.type for n in nodes.values() if n.id in highlighted},
            set(),
            [
                LegendEntry("one of the k shortest paths", HIGHLIGHT, "line"),
                LegendEntry("an intermediary's evidence path", EVIDENCE_COLOUR, "line"),
                LegendEntry("context, not on a route", GREY, "dot"),
                LegendEntry("▶ source   ◎ target   #n intermediary rank", "#ffffff", "dot"),
            ],
        ),
        drawn=DrawnGraph(
            list(nodes.values()),
            _relationships(bundles),
            {
                i: {
                    **({"intermediary_rank": float(rank[i])} if i in rank else {}),
                    **({"paths_through": float(passing[i].path_count)} if i in passing else {}),
                    **({"on_shortest_paths": float(on_shortest[i])} if i in on_shortest else {}),
                }
                for i in nodes
            },
        ),
    )
