"""The root Query type: every question the API answers.

Arguments are checked against the limits of the API contract before any work starts; an
argument out of range is a ``BAD_REQUEST`` error whose message states the limit. An unknown node
id is ``NOT_FOUND`` naming the id (``node`` alone answers null instead). The work itself runs in
worker threads through the request's :class:`~graphsvc.schema.context.Context`.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar, cast

import strawberry

from graphsvc.schema.enums import CentralityMetric, NodeType, RelType, model_names, rel_type_of
from graphsvc.schema.errors import Truncated
from graphsvc.schema.hubs import (
    FLOW_NETWORK,
    BrokerageNetwork,
    BrokerageProfile,
    BrokerageRole,
    Communities,
    Fragility,
    Grouping,
    HoleOrder,
    RemovalImpact,
    Separation,
    StructuralHole,
    finite,
)
from graphsvc.schema.planner import (
    Concentration,
    DemandStatus,
    LostRoutes,
    OverseasReach,
    ReachGrouping,
    RelationEnd,
    Unreached,
    UnsolvedDemands,
)
from graphsvc.schema.rankings import MAX_EVIDENCE, Centrality, Intermediary, Introductions
from graphsvc.schema.search import GraphStats, NodeConnection, search_page
from graphsvc.schema.timeline import Changes, Dating, Trend, TrendMetric
from graphsvc.schema.types import MAX_FIRST, Info, Node, Path, Subgraph, load_node
from graphsvc.stores.contract import SearchFilter
from queries import brokers, centrality, demands, holes, neighbourhood, paths, reach, results, roles
from queries import changes as changes_
from queries import communities as communities_
from queries import concentration as concentration_
from queries import fragility as fragility_
from queries.errors import MAX_DEPTH, MAX_HOPS, MAX_K, MAX_LIMIT, MAX_TOP, check_range
from queries.reach import MAX_REACH_HOPS

T = TypeVar("T")

NodeTypes = list[NodeType] | None  # type: ignore[valid-type]
AsOf = Annotated[
    str | None,
    strawberry.argument(
        description="The graph as of this date, YYYY-MM-DD or a year YYYY (its 31 December): "
        "nodes from their founded/established/year/posted date, relationships from their date "
        "(undated ones always; graphAsOf counts them); today's graph when omitted."
    ),
]
RelTypes = list[RelType] | None  # type: ignore[valid-type]


def _given(value: T | None, default: T) -> T:
    """An optional argument's value, its default when the client passed null."""
    return default if value is None else value


def _bounded(name: str, value: int | None, default: int, maximum: int) -> int:
    return check_range(name, _given(value, default), maximum=maximum)


async def _introduce(
    info: Info,
    source: str,
    target: str,
    max_hops: int,
    types: NodeTypes,
    limit: int | None,
    as_of: str | None,
) -> results.Intermediaries:
    """The intermediaries of ``source`` and ``target`` with evidence, as far as the cap allows."""
    limit = _bounded("limit", limit, 10, MAX_LIMIT)
    return await info.context.ask(
        brokers.intermediaries,
        source,
        target,
        max_hops=max_hops,
        types=model_names(types),
        limit=limit,
        evidence=MAX_EVIDENCE,
        as_of=as_of,
    )


# Defaults of list and enum arguments, shown in the schema (typed Any: the enums are built
# from the model, which type checkers cannot follow)
_BROKERED: Any = rel_type_of("BROKERED")
_INSTITUTIONS: Any = (NodeType("Institution"),)
_ENTERPRISES: Any = ("enterprise",)
_UNIVERSITIES: Any = ("university",)
_OPEN_DEMANDS: Any = (DemandStatus("open"), DemandStatus("matched"))


def _hops_or_any(value: int | None) -> int | None:
    """``maxHops`` where null means routes of any length."""
    return None if value is None else check_range("maxHops", value, maximum=MAX_HOPS)


@strawberry.type
class Query:
    @strawberry.field(description="The node with this id, or null when there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await load_node(info, id)

    @strawberry.field(
        description="Nodes whose name or id contains `text` (case-insensitive) and that match "
        "every filter given, ordered by name then id: a Relay connection, `first` (at most "
        f"{MAX_FIRST}) at a time."
    )
    async def search(
        self,
        info: Info,
        text: str | None = None,
        types: NodeTypes = None,
        kinds: list[str] | None = None,
        country: str | None = None,
        region: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> NodeConnection:
        where = SearchFilter(
            text=text or None,
            types=model_names(types),
            kinds=kinds,
            country=country,
            region=region,
        )
        return await search_page(info, where, _bounded("first", first, 20, MAX_FIRST), after)

    @strawberry.field(
        description=f"The nodes within `depth` (at most {MAX_DEPTH}) steps of a node, relationships"
        " in either direction, breadth-first; only nodes of `types` are entered when given. At "
        f"most `limit` (up to {MAX_LIMIT}) nodes, `truncated` telling when more were in reach."
    )
    async def neighborhood(
        self,
        info: Info,
        id: strawberry.ID,
        depth: int | None = 1,
        types: NodeTypes = None,
        rel_types: RelTypes = None,
        limit: int | None = 500,
        as_of: AsOf = None,
    ) -> Subgraph:
        depth = _bounded("depth", depth, 1, MAX_DEPTH)
        limit = _bounded("limit", limit, 500, MAX_LIMIT)
        found = await info.context.ask_at_hand(
            neighbourhood.ball,
            id,
            depth=depth,
            types=model_names(types),
            rel_types=model_names(rel_types),
            limit=limit,
            as_of=as_of,
        )
        return Subgraph.of(found)

    @strawberry.field(
        description="One shortest path between two nodes over relationships in either direction,"
        f" or null when none has at most `maxHops` (up to {MAX_HOPS}) relationships. `via` "
        "restricts the intermediate nodes to those types, `relTypes` the relationships. With "
        "`weighted`, a relationship costs 1 / weight and the path minimises the total cost."
    )
    async def shortest_path(
        self,
        info: Info,
        source: strawberry.ID,
        target: strawberry.ID,
        max_hops: int | None = 6,
        via: NodeTypes = None,
        rel_types: RelTypes = None,
        weighted: bool | None = False,
        as_of: AsOf = None,
    ) -> Path | None:
        max_hops = _bounded("maxHops", max_hops, 6, MAX_HOPS)
        found = await info.context.ask(
            paths.shortest_path,
            source,
            target,
            max_hops=max_hops,
            via=model_names(via),
            rel_types=model_names(rel_types),
            weighted=bool(weighted),
            as_of=as_of,
        )
        return None if found is None else Path.of(found)

    @strawberry.field(
        description=f"The `k` (at most {MAX_K}) shortest simple paths between two nodes, shortest"
        f" first, each at most `maxHops` (up to {MAX_HOPS}) relationships long."
    )
    async def k_shortest_paths(
        self,
        info: Info,
        source: strawberry.ID,
        target: strawberry.ID,
        k: int | None = 5,
        max_hops: int | None = 6,
        via: NodeTypes = None,
        rel_types: RelTypes = None,
        as_of: AsOf = None,
    ) -> list[Path]:
        k = _bounded("k", k, 5, MAX_K)
        max_hops = _bounded("maxHops", max_hops, 6, MAX_HOPS)
        found = await info.context.ask(
            paths.k_shortest_paths,
            source,
            target,
            k=k,
            max_hops=max_hops,
            via=model_names(via),
            rel_types=model_names(rel_types),
            as_of=as_of,
        )
        return [Path.of(path) for path in found]

    @strawberry.field(
        description="Who can introduce two nodes: every node (of `types`, all when omitted) on "
        f"the simple paths of at most `maxHops` (up to {MAX_HOPS}) relationships between them, "
        "ranked by how many of those paths pass through it, then by the shortest, then by id; "
        f"at most `limit` (up to {MAX_LIMIT}). The counts are exact: when there are more paths "
        "than one request may examine, the answer is an error with code TRUNCATED (ask with a "
        "smaller `maxHops`, or ask `introductions` for the partial answer)."
    )
    async def intermediaries(
        self,
        info: Info,
        source: strawberry.ID,
        target: strawberry.ID,
        max_hops: int | None = 4,
        types: NodeTypes = None,
        limit: int | None = 10,
        as_of: AsOf = None,
    ) -> list[Intermediary]:
        hops = _bounded("maxHops", max_hops, 4, MAX_HOPS)
        found = await _introduce(info, source, target, hops, types, limit, as_of)
        if found.truncated:
            raise Truncated(
                f"the routes between {source!r} and {target!r} within maxHops {hops} are "
                "more than one request may examine (it stopped after "
                f"{found.paths_examined:,} paths), so pathCount would be a lower bound: ask with "
                "a smaller maxHops, or ask introductions for the partial answer"
            )
        return [Intermediary(item=item) for item in found.items]

    @strawberry.field(
        description="`intermediaries` as far as the search goes: the same ranking, with "
        "`truncated` telling whether the work cap stopped it before every path was examined."
    )
    async def introductions(
        self,
        info: Info,
        source: strawberry.ID,
        target: strawberry.ID,
        max_hops: int | None = 4,
        types: NodeTypes = None,
        limit: int | None = 10,
        as_of: AsOf = None,
    ) -> Introductions:
        hops = _bounded("maxHops", max_hops, 4, MAX_HOPS)
        found = await _introduce(info, source, target, hops, types, limit, as_of)
        return Introductions(found=found)

    @strawberry.field(
        description="Every node of the graph is scored by `metric`; the answer is the `top` (at "
        f"most {MAX_TOP}) among those matching the filters, by score descending then id."
    )
    async def centrality(
        self,
        info: Info,
        metric: CentralityMetric,
        types: NodeTypes = None,
        kinds: list[str] | None = None,
        country: str | None = None,
        region: str | None = None,
        top: int | None = 20,
        as_of: AsOf = None,
    ) -> Centrality:
        top = _bounded("top", top, 20, MAX_TOP)
        found = await info.context.ask(
            centrality.centrality,
            metric.value,
            types=model_names(types),
            kinds=kinds,
            country=country,
            region=region,
            top=top,
            as_of=as_of,
        )
        return Centrality.of(found)

    @strawberry.field(
        description="The nodes that broker most between groups (node types, or kinds), with "
        "their Gould-Fernandez role profile on `network` (the actor flow network by default), "
        "ranked by `role`'s count (the total when omitted) then id; `top` at most "
        f"{MAX_TOP}. Nodes of `types` are returned; all are scored. A broker between a "
        "university and an enterprise is a LIAISON with groupBy KIND (its kind is neither)."
    )
    async def brokerage_roles(
        self,
        info: Info,
        group_by: Grouping | None = Grouping.TYPE,
        types: NodeTypes = None,
        role: BrokerageRole | None = None,  # type: ignore[valid-type]
        top: int | None = 20,
        network: BrokerageNetwork | None = FLOW_NETWORK,  # type: ignore[valid-type]
        as_of: AsOf = None,
    ) -> list[BrokerageProfile]:
        top = _bounded("top", top, 20, MAX_TOP)
        chosen = cast(roles.Network, _given(network, FLOW_NETWORK).value)
        found = await info.context.ask(
            roles.brokerage_roles,
            group_by=_given(group_by, Grouping.TYPE).value,
            types=model_names(types),
            role=None if role is None else role.value,
            top=top,
            network=chosen,
            as_of=as_of,
        )
        return [BrokerageProfile.of(profile) for profile in found]

    @strawberry.field(
        description="The nodes spanning most structural holes (Burt): by effective size "
        f"descending, or by constraint ascending, then id; `top` at most {MAX_TOP}."
    )
    async def structural_holes(
        self,
        info: Info,
        types: NodeTypes = None,
        by: HoleOrder | None = HoleOrder.EFFECTIVE_SIZE,
        top: int | None = 20,
        as_of: AsOf = None,
    ) -> list[StructuralHole]:
        top = _bounded("top", top, 20, MAX_TOP)
        found = await info.context.ask(
            holes.structural_holes,
            types=model_names(types),
            by=_given(by, HoleOrder.EFFECTIVE_SIZE).value,
            top=top,
            as_of=as_of,
        )
        return [
            StructuralHole(
                node_id=h.node,
                degree=h.degree,
                effective_size=finite(h.effective_size),
                constraint=finite(h.constraint),
            )
            for h in found
        ]

    @strawberry.field(
        description="Single points of failure: the articulation points (of `types` when given) "
        "and bridges of U that cut off most nodes, each list at most `top` "
        f"(up to {MAX_TOP})."
    )
    async def fragility(
        self, info: Info, types: NodeTypes = None, top: int | None = 20, as_of: AsOf = None
    ) -> Fragility:
        top = _bounded("top", top, 20, MAX_TOP)
        found = await info.context.ask(
            fragility_.fragility, types=model_names(types), top=top, as_of=as_of
        )
        return Fragility.of(found)

    @strawberry.field(
        description="What removing the node `id` would cut off from the rest of "
        "its component (nothing when it is not an articulation point)."
    )
    async def removal_impact(
        self, info: Info, id: strawberry.ID, as_of: AsOf = None
    ) -> RemovalImpact:
        separation, lost = await info.context.ask(fragility_.removal_impact, id, as_of)
        return RemovalImpact(separation=Separation.of(separation), lost_ids=lost)

    @strawberry.field(
        description="Communities of U by modularity (Leiden, seeded: one seed, one partition),"
        " largest first,"
        f" at most `top` (up to {MAX_TOP}); `resolution` above 1 favours smaller communities."
    )
    async def communities(
        self,
        info: Info,
        seed: int | None = 0,
        resolution: float | None = 1.0,
        top: int | None = 20,
        as_of: AsOf = None,
    ) -> Communities:
        top = _bounded("top", top, 20, MAX_TOP)
        seed = _bounded("seed", seed, 0, 2**31 - 1)
        found = await info.context.ask(
            communities_.communities,
            seed=seed,
            resolution=_given(resolution, 1.0),
            top=top,
            as_of=as_of,
        )
        return Communities.of(found)

    @strawberry.field(
        description="The actors carrying most links to overseas channels, and to which "
        "countries: per actor the channels it partners with (`direct`) and those within "
        f"`maxHops` (1 to {MAX_REACH_HOPS}) relationships, by country; ranked by channels, "
        "then countries, then id; `top` at most 1000. Actors of every type but "
        "OVERSEAS_CHANNEL unless `types` is given."
    )
    async def overseas_reach(
        self,
        info: Info,
        types: NodeTypes = None,
        kinds: list[str] | None = None,
        region: str | None = None,
        country: str | None = None,
        max_hops: int | None = 1,
        top: int | None = 10,
        as_of: AsOf = None,
    ) -> OverseasReach:
        max_hops = check_range("maxHops", _given(max_hops, 1), maximum=MAX_REACH_HOPS, minimum=1)
        top = _bounded("top", top, 10, MAX_TOP)
        found = await info.context.ask(
            reach.overseas_reach,
            types=model_names(types),
            kinds=kinds,
            region=region,
            country=country,
            max_hops=max_hops,
            top=top,
            as_of=as_of,
        )
        return OverseasReach.of(found)

    @strawberry.field(
        description="If the `removed` nodes stopped working, which nodes (matching the `from` "
        "filters) would lose every route to the targets (nodes matching the `to` filters, such "
        "as OVERSEAS_CHANNEL in DE): routes on U of at most `maxHops` relationships (up to "
        f"{MAX_HOPS}; null: any length). The lost nodes by id, `limit` (up to {MAX_LIMIT})."
    )
    async def lost_routes(
        self,
        info: Info,
        removed: list[strawberry.ID],
        to_country: str | None = None,
        to_types: NodeTypes = None,
        to_kinds: list[str] | None = None,
        from_types: NodeTypes = None,
        from_kinds: list[str] | None = None,
        max_hops: int | None = None,
        limit: int | None = 100,
        as_of: AsOf = None,
    ) -> LostRoutes:
        hops = _hops_or_any(max_hops)
        limit = _bounded("limit", limit, 100, MAX_LIMIT)
        found = await info.context.ask(
            reach.lost_routes,
            [str(i) for i in removed],
            to_country=to_country,
            to_types=model_names(to_types),
            to_kinds=to_kinds,
            from_types=model_names(from_types),
            from_kinds=from_kinds,
            max_hops=hops,
            limit=limit,
            as_of=as_of,
        )
        return LostRoutes.of(found)

    @strawberry.field(
        description="How concentrated the relationships of `relType` (the deals) are over the "
        "actors at its `by` end (of `types` and `kinds`): top-k shares, HHI, Gini, and the "
        f"`top` (up to {MAX_TOP}) actors by deals."
    )
    async def concentration(
        self,
        info: Info,
        rel_type: RelType | None = _BROKERED,  # type: ignore[valid-type]
        by: RelationEnd | None = RelationEnd.SOURCE,
        types: NodeTypes = None,
        kinds: list[str] | None = None,
        top: int | None = 10,
        as_of: AsOf = None,
    ) -> Concentration:
        top = _bounded("top", top, 10, MAX_TOP)
        found = await info.context.ask(
            concentration_.concentration,
            rel_type="BROKERED" if rel_type is None else str(rel_type.value),
            by=_given(by, RelationEnd.SOURCE).value,
            types=model_names(types),
            kinds=kinds,
            top=top,
            as_of=as_of,
        )
        return Concentration.of(found)

    @strawberry.field(
        description="Per group (region by default), the nodes matching the `from` filters "
        "(enterprises by default) with no route to any target (universities by default) within "
        f"`maxHops` (up to {MAX_HOPS}; null: any length); `limit` (up to {MAX_LIMIT}) of them "
        "per group. A null filter does not restrict."
    )
    async def unreached(
        self,
        info: Info,
        from_types: NodeTypes = _INSTITUTIONS,
        from_kinds: list[str] | None = _ENTERPRISES,
        to_types: NodeTypes = None,
        to_kinds: list[str] | None = _UNIVERSITIES,
        max_hops: int | None = 3,
        group_by: ReachGrouping | None = ReachGrouping.REGION,
        limit: int | None = 20,
        as_of: AsOf = None,
    ) -> Unreached:
        hops = _hops_or_any(max_hops)
        limit = _bounded("limit", limit, 20, MAX_LIMIT)
        found = await info.context.ask(
            reach.unreached,
            from_types=model_names(from_types),
            from_kinds=from_kinds,
            to_types=model_names(to_types),
            to_kinds=to_kinds,
            max_hops=hops,
            group_by=_given(group_by, ReachGrouping.REGION).value,
            limit=limit,
            as_of=as_of,
        )
        return Unreached.of(found)

    @strawberry.field(
        description="Demands (whose field contains `field`, of `statuses`; null: any) with no "
        "SOLVES relationship, each with candidates: achievements of its field within `maxHops` "
        f"(up to {MAX_HOPS}) or not yet transferred, nearest first, with one shortest path; "
        f"`candidates` per demand (up to {demands.MAX_CANDIDATES}), `limit` demands (up to "
        f"{MAX_LIMIT}), those with the nearest candidate first."
    )
    async def unsolved_demands(
        self,
        info: Info,
        field: str | None = None,
        statuses: list[DemandStatus] | None = _OPEN_DEMANDS,  # type: ignore[valid-type]
        max_hops: int | None = 3,
        candidates: int | None = 5,
        limit: int | None = 20,
        as_of: AsOf = None,
    ) -> UnsolvedDemands:
        max_hops = _bounded("maxHops", max_hops, 3, MAX_HOPS)
        most = _bounded("candidates", candidates, 5, demands.MAX_CANDIDATES)
        limit = _bounded("limit", limit, 20, MAX_LIMIT)
        found = await info.context.ask(
            demands.unsolved_demands,
            field=field,
            statuses=model_names(statuses),
            max_hops=max_hops,
            candidates=most,
            limit=limit,
            as_of=as_of,
        )
        return UnsolvedDemands.of(found)

    @strawberry.field(
        description="How many nodes and relationships the graph as of `asOf` holds, and how "
        "many of them are undated: every answer given an asOf included those undated ones."
    )
    async def graph_as_of(self, info: Info, as_of: str) -> Dating:
        return Dating.of(await info.context.ask(changes_.dating, as_of))

    @strawberry.field(
        description="What changed from `from` to `to` (YYYY-MM-DD or YYYY, its 31 December): "
        "nodes and relationships that appeared by type, the top hubs by `hubMetric` on each date "
        "with their rank moves, the brokers whose share of deals rose or fell most, new overseas "
        "channels and countries reached, demands posted and solved, transfers by mode and by "
        f"seller kind; `top` (up to {MAX_TOP}) hubs and brokers. docs/analytics.md defines each."
    )
    async def changes(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        hub_metric: CentralityMetric = CentralityMetric.DEGREE,
        top: int | None = 10,
    ) -> Changes:
        top = _bounded("top", top, 10, MAX_TOP)
        found = await info.context.ask(
            changes_.changes, from_, to, hub_metric=hub_metric.value, top=top
        )
        return Changes.of(found)

    @strawberry.field(
        description="A yearly series of `metric` from the year `from` to the year `to` (at most "
        f"{changes_.MAX_YEARS} years): each year's value and its parts (by type, mode, ...)."
    )
    async def trends(
        self,
        info: Info,
        metric: TrendMetric,  # type: ignore[valid-type]
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> Trend:
        name = str(metric.value)  # type: ignore[attr-defined]
        found = await info.context.ask(changes_.trends, name, from_, to)
        return Trend.of(found)

    @strawberry.field(
        description="Counts of the graph: nodes, relationships, per type, per loaded source."
    )
    async def stats(self, info: Info) -> GraphStats:
        store = info.context.store
        return GraphStats.of(await info.context.call(store.counts))
