"""The kinds of map and what each is asked: one request class per kind, shared by the command
line (``innonet viz KIND``) and the service (``/maps/KIND``), so both check the same limits.

A request holds the question; :meth:`draw` asks the query layer and builds the map. Arguments
out of range raise :class:`queries.errors.BadRequest`, unknown ids :class:`queries.errors.NotFound`.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any, Final

from graphsvc.model import NODE_TYPE_NAMES
from graphsvc.stores.contract import Store
from queries.brokers import intermediaries
from queries.centrality import centrality
from queries.errors import (
    MAX_LIMIT,
    MAX_TOP,
    BadRequest,
    check_node_types,
    check_range,
    check_relation_types,
)
from queries.names import resolve_id
from queries.neighbourhood import neighbourhood
from queries.paths import k_shortest_paths
from queries.results import CentralityResult, Score
from viz.maps import (
    HUB_LABELS,
    NODE_CAP,
    PATH_CONTEXT,
    channel_map,
    count_matching,
    ego_map,
    hub_map,
    path_map,
)
from viz.page import MapPage
from viz.style import plural, type_label

_COUNTRY: Final = re.compile(r"[A-Z]{2}")
LAYOUTS: Final = ("world", "ring")
"""Layouts of the global channel map."""


def _types(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    checked = check_node_types(values)
    return tuple(sorted(checked)) if checked is not None else None


def _rel_types(values: tuple[str, ...] | None) -> tuple[str, ...] | None:
    checked = check_relation_types(values)
    return tuple(sorted(checked)) if checked is not None else None


def _country(name: str, value: str | None) -> str | None:
    if value is not None and not _COUNTRY.fullmatch(value):
        raise BadRequest(f"{name} must be an ISO 3166-1 alpha-2 code such as CN, got {value!r}")
    return value


def _max_nodes(value: int) -> int:
    return check_range("max_nodes", value, minimum=1, maximum=NODE_CAP)


@dataclass(frozen=True, slots=True)
class HubMapRequest:
    """The top ``top`` actors by ``metric`` among those of ``types``/``kinds``/``country``.
    Unless ``types`` is given, the ``per_type`` best of each node type are drawn whatever their
    overall rank (one type, such as institutions under PageRank, would otherwise fill the map);
    ``per_type=0`` draws the plain ranking."""

    metric: str = "PAGERANK"
    top: int = 100
    types: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    country: str | None = None
    labels: int = HUB_LABELS
    as_of: str | None = None
    per_type: int = 10

    def draw(self, store: Store) -> MapPage:
        """Rank with :func:`queries.centrality.centrality` (on the graph as of ``as_of``, a date
        YYYY-MM-DD or a year) and draw the hub map."""
        check_range("labels", self.labels, maximum=NODE_CAP)
        check_range("per_type", self.per_type, maximum=MAX_TOP)
        types = _types(self.types)
        country = _country("country", self.country)
        ranking = centrality(
            store,
            self.metric.upper(),
            types=types,
            kinds=self.kinds,
            country=country,
            top=self.top,
            as_of=self.as_of,
        )
        mixed = ""
        if types is None and self.per_type > 0:
            ranking, mixed = _mix_types(store, ranking, self, country)
        filters = [
            ", ".join(type_label(t) for t in types) if types else "all types",
            f"kind {', '.join(self.kinds)}" if self.kinds else "",
            f"in {country}" if country else "",
        ]
        return hub_map(
            store,
            ranking,
            matching=count_matching(store, types=types, kinds=self.kinds, country=country),
            filters="actors of " + "; ".join(f for f in filters if f),
            labels=self.labels,
            as_of=self.as_of,
            mixed=mixed,
        )


def _mix_types(
    store: Store, ranking: CentralityResult, request: HubMapRequest, country: str | None
) -> tuple[CentralityResult, str]:
    """``ranking`` with the ``per_type`` best of each node type put in, in place of the lowest
    ranked of the others, as long as ``top`` allows; and a sentence saying which types it added."""
    overall = {s.node for s in ranking.scores}
    extra: dict[str, Score] = {}
    added: dict[str, int] = {}
    for node_type in NODE_TYPE_NAMES:
        best = centrality(
            store,
            request.metric.upper(),
            types=[node_type],
            kinds=request.kinds,
            country=country,
            top=min(request.per_type, request.top),
            as_of=request.as_of,
        )
        for score in best.scores:
            if score.node not in overall and score.node not in extra:
                extra[score.node] = score
                added[node_type] = added.get(node_type, 0) + 1
    if not added:
        return ranking, ""
    kept = ranking.scores[: max(0, request.top - len(extra))]
    ordered = sorted([*kept, *extra.values()], key=lambda s: (-s.score, s.node))[: request.top]
    scores = [Score(rank, s.score, s.node) for rank, s in enumerate(ordered, start=1)]
    text = ", ".join(plural(n, type_label(t).lower()) for t, n in added.items())
    mixed = (
        f"Besides the overall top, the {request.per_type} best of each type are drawn "
        f"(per_type={request.per_type}; 0 for the plain ranking): this adds {text}; "
        "ranks are on this map."
    )
    return replace(ranking, scores=scores), mixed


@dataclass(frozen=True, slots=True)
class ChannelMapRequest:
    """The actors of ``home_country`` (and ``region``) that partner with overseas channels."""

    home_country: str = "CN"
    region: str | None = None
    max_nodes: int = NODE_CAP
    labels: int = HUB_LABELS
    as_of: str | None = None
    layout: str = "world"

    def draw(self, store: Store) -> MapPage:
        """Draw the global channel map from the store (as of ``as_of`` when given): ``layout``
        is ``world`` (countries on a world map, the city's actors by latitude and longitude in
        an inset) or ``ring``."""
        check_range("labels", self.labels, maximum=NODE_CAP)
        if self.layout not in LAYOUTS:
            raise BadRequest(f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        return channel_map(
            store,
            home_country=_country("home_country", self.home_country) or "CN",
            region=self.region,
            max_nodes=_max_nodes(self.max_nodes),
            labels=self.labels,
            as_of=self.as_of,
            layout=self.layout,
        )


@dataclass(frozen=True, slots=True)
class EgoMapRequest:
    """Everything within ``depth`` hops of the actor ``id`` (an id or a name), of ``types`` over
    ``rel_types``."""

    id: str
    depth: int = 1
    types: tuple[str, ...] | None = None
    rel_types: tuple[str, ...] | None = None
    max_nodes: int = NODE_CAP
    as_of: str | None = None

    def draw(self, store: Store) -> MapPage:
        """Ask :func:`queries.neighbourhood.neighbourhood` (up to its limit, so that the page can
        say how many it leaves out; on the graph as of ``as_of`` when given) and draw the nearest
        ``max_nodes``."""
        types, rel_types = _types(self.types), _rel_types(self.rel_types)
        centre = resolve_id(store, self.id)
        answer = neighbourhood(
            store,
            centre,
            depth=self.depth,
            types=types,
            rel_types=rel_types,
            limit=MAX_LIMIT,
            as_of=self.as_of,
        )
        return ego_map(
            store,
            centre,
            answer,
            depth=self.depth,
            types=types,
            rel_types=rel_types,
            max_nodes=_max_nodes(self.max_nodes),
        )


@dataclass(frozen=True, slots=True)
class PathMapRequest:
    """Routes from ``source`` (a lab, say) to ``target`` (an enterprise): the ``k`` shortest
    paths of at most ``max_hops`` and the ``brokers`` top intermediaries (of ``broker_types``)
    on paths of at most ``broker_hops``, with up to ``context`` neighbours greyed around them."""

    source: str
    target: str
    k: int = 5
    max_hops: int = 6
    via: tuple[str, ...] | None = None
    rel_types: tuple[str, ...] | None = None
    brokers: int = 10
    broker_hops: int = 4
    broker_types: tuple[str, ...] | None = None
    context: int = PATH_CONTEXT
    max_nodes: int = NODE_CAP
    as_of: str | None = None

    def draw(self, store: Store) -> MapPage:
        """Ask :func:`queries.paths.k_shortest_paths` and :func:`queries.brokers.intermediaries`
        (on the graph as of ``as_of`` when given) and draw the path map."""
        source, target = resolve_id(store, self.source), resolve_id(store, self.target)
        rel_types = _rel_types(self.rel_types)
        paths = k_shortest_paths(
            store,
            source,
            target,
            k=self.k,
            max_hops=self.max_hops,
            via=_types(self.via),
            rel_types=rel_types,
            as_of=self.as_of,
        )
        ranked = intermediaries(
            store,
            source,
            target,
            max_hops=self.broker_hops,
            types=_types(self.broker_types),
            limit=self.brokers,
            as_of=self.as_of,
        )
        return path_map(
            store,
            source,
            target,
            paths,
            ranked,
            context=check_range("context", self.context, maximum=NODE_CAP),
            max_nodes=_max_nodes(self.max_nodes),
            as_of=self.as_of,
        )


MapRequest = HubMapRequest | ChannelMapRequest | EgoMapRequest | PathMapRequest

KINDS: Final[dict[str, type[MapRequest]]] = {
    "hub": HubMapRequest,
    "channels": ChannelMapRequest,
    "ego": EgoMapRequest,
    "path": PathMapRequest,
}
"""Every kind of map by the name the command line and the URL use."""


def _parse_field(name: str, annotation: Any, values: list[str]) -> Any:
    """One query parameter as its request field's type: int, str or a tuple of names."""
    hint = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    target = next((h for h in hint if h is not type(None)), annotation)
    if typing.get_origin(target) is tuple:
        names = tuple(part.strip() for value in values for part in value.split(","))
        if not all(names):
            raise BadRequest(f"{name}: empty name in {','.join(values)!r}")
        return names
    if len(values) > 1:
        raise BadRequest(f"{name} given {len(values)} times; give it once")
    value = values[0].strip()
    if target is int:
        try:
            return int(value)
        except ValueError:
            raise BadRequest(f"{name} must be an integer, got {values[0]!r}") from None
    if not value:
        raise BadRequest(f"{name} must not be empty")
    return value


def parse_request(kind: str, params: list[tuple[str, str]]) -> MapRequest:
    """The request of ``kind`` that query parameters ``params`` ask for; :class:`BadRequest`
    naming the parameter when one is unknown, missing, repeated or not of its type."""
    request_type = KINDS[kind]
    hints = typing.get_type_hints(request_type)
    known = {f.name: f for f in fields(request_type)}
    given: dict[str, list[str]] = {}
    for name, value in params:
        if name not in known:
            raise BadRequest(
                f"unknown parameter {name!r} for the {kind} map; known: {', '.join(known)}"
            )
        given.setdefault(name, []).append(value)
    missing = [n for n, f in known.items() if f.default is MISSING and n not in given]
    if missing:
        raise BadRequest(f"the {kind} map needs {', '.join(missing)}")
    arguments = {name: _parse_field(name, hints[name], values) for name, values in given.items()}
    return request_type(**arguments)
