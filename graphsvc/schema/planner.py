"""The GraphQL types of the planner and broker questions: links abroad, lost routes, how
concentrated deals are, unreached groups, unsolved demands (see :mod:`queries.reach`,
:mod:`queries.concentration` and :mod:`queries.demands`)."""

from __future__ import annotations

import enum

import strawberry

from graphsvc.schema.enums import RelType, data_enum, rel_type_of
from graphsvc.schema.hubs import CountryTally
from graphsvc.schema.types import Info, Node, Path, load_nodes, must_load
from queries import concentration, demands, reach

DemandStatus = strawberry.enum(
    data_enum("DemandStatus", {status.upper(): status for status in demands.DEMAND_STATUSES}),
    description="The status of a demand (a demand without one counts as OPEN).",
)


@strawberry.enum(description="Which end of a relation the actors stand at.")
class RelationEnd(enum.Enum):
    SOURCE = "source"
    TARGET = "target"


@strawberry.enum(description="The node attribute that makes the groups of `unreached`.")
class ReachGrouping(enum.Enum):
    REGION = "region"
    KIND = "kind"
    TYPE = "type"
    COUNTRY = "country"


@strawberry.type(description="One actor's links to overseas channels.")
class ChannelReach:
    node_id: strawberry.Private[str]
    direct: int = strawberry.field(description="Overseas channels it partners with.")
    channels: int = strawberry.field(description="Overseas channels within maxHops.")
    share: float = strawberry.field(
        description="direct over every actor-channel link of the graph."
    )
    by_country: list[CountryTally] = strawberry.field(
        description="The channels within maxHops per country, most first."
    )

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="The actors carrying most links to overseas channels.")
class OverseasReach:
    max_hops: int
    channels: int = strawberry.field(description="Overseas channels in the graph.")
    links: int = strawberry.field(description="Actor-channel pairs joined in the graph.")
    items: list[ChannelReach]

    @classmethod
    def of(cls, found: reach.OverseasReach) -> OverseasReach:
        """The GraphQL view of an overseas reach answer."""
        return cls(
            max_hops=found.max_hops,
            channels=found.channels,
            links=found.links,
            items=[
                ChannelReach(
                    node_id=item.node,
                    direct=item.direct,
                    channels=item.channels,
                    share=item.share,
                    by_country=[
                        CountryTally(country=c, count=n) for c, n in item.countries.items()
                    ],
                )
                for item in found.items
            ],
        )


@strawberry.type(description="A node that would lose every route to the targets.")
class LostRoute:
    node_id: strawberry.Private[str]
    targets_before: int = strawberry.field(
        description="Targets it reached before (itself not counted)."
    )

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="Who would lose every route to the targets if nodes were removed.")
class LostRoutes:
    removed: list[strawberry.ID]
    max_hops: int | None = strawberry.field(description="Null: routes of any length.")
    targets: int = strawberry.field(description="Nodes matching the target filters.")
    reached_before: int = strawberry.field(description="Nodes asked about that reached one.")
    lost: int = strawberry.field(description="Of those, how many reach none after the removal.")
    items: list[LostRoute] = strawberry.field(description="The lost nodes by id, up to `limit`.")

    @classmethod
    def of(cls, found: reach.LostRoutes) -> LostRoutes:
        """The GraphQL view of a lost routes answer."""
        return cls(
            removed=[strawberry.ID(i) for i in found.removed],
            max_hops=found.max_hops,
            targets=found.targets,
            reached_before=found.reached_before,
            lost=found.lost,
            items=[LostRoute(node_id=r.node, targets_before=r.targets_before) for r in found.items],
        )


@strawberry.type(description="The share of the k actors with most deals.")
class TopShare:
    k: int
    share: float


@strawberry.type(description="One actor's deals and their share of all.")
class DealHolder:
    node_id: strawberry.Private[str]
    deals: int
    share: float

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(
    description="How concentrated the relationships of one type are over the actors at one "
    "end: shares s_i = d_i / D; HHI = sum s_i^2; Gini on the deals of every actor considered, "
    "zeros included; half = the fewest actors carrying at least half of all deals."
)
class Concentration:
    rel_type: RelType  # type: ignore[valid-type]
    by: RelationEnd
    actors: int = strawberry.field(description="Actors considered, with or without deals.")
    active: int = strawberry.field(description="Actors with at least one deal.")
    deals: int
    top_shares: list[TopShare]
    hhi: float
    equivalent_number: float = strawberry.field(description="1 / HHI; 0 without deals.")
    gini: float
    half: int
    items: list[DealHolder]

    @classmethod
    def of(cls, found: concentration.Concentration) -> Concentration:
        """The GraphQL view of a concentration answer."""
        return cls(
            rel_type=rel_type_of(found.rel_type),
            by=RelationEnd(found.by),
            actors=found.actors,
            active=found.active,
            deals=found.deals,
            top_shares=[TopShare(k=k, share=s) for k, s in found.top_shares.items()],
            hhi=found.hhi,
            equivalent_number=found.equivalent_number,
            gini=found.gini,
            half=found.half,
            items=[DealHolder(node_id=h.node, deals=h.deals, share=h.share) for h in found.items],
        )


@strawberry.type(description="One group's nodes and how many of them reach no target.")
class UnreachedGroup:
    group: str | None = strawberry.field(description="Null for nodes without the attribute.")
    nodes: int
    reached: int
    unreached: int
    unreached_ids: strawberry.Private[list[str]]

    @strawberry.field(description="The nodes reaching no target, by id, up to `limit`.")
    async def unreached_nodes(self, info: Info) -> list[Node]:
        return await load_nodes(info, self.unreached_ids)


@strawberry.type(description="Per group, the nodes with no route to any target within maxHops.")
class Unreached:
    max_hops: int | None
    group_by: ReachGrouping
    nodes: int
    reached: int
    unreached: int
    groups: list[UnreachedGroup]

    @classmethod
    def of(cls, found: reach.Unreached) -> Unreached:
        """The GraphQL view of an unreached answer."""
        return cls(
            max_hops=found.max_hops,
            group_by=ReachGrouping(found.group_by),
            nodes=found.nodes,
            reached=found.reached,
            unreached=found.unreached,
            groups=[
                UnreachedGroup(
                    group=g.group,
                    nodes=g.nodes,
                    reached=g.reached,
                    unreached=g.unreached,
                    unreached_ids=g.unreached_ids,
                )
                for g in found.groups
            ],
        )


@strawberry.type(description="An achievement of a demand's field that could answer it.")
class Candidate:
    achievement_id: strawberry.Private[str]
    distance: int | None = strawberry.field(description="Relationships from the demand on U.")
    transferred: bool
    path: Path | None = strawberry.field(
        description="One shortest path from the demand: how they connect."
    )

    @strawberry.field
    async def achievement(self, info: Info) -> Node:
        return await must_load(info, self.achievement_id)


@strawberry.type(description="A demand with no SOLVES relationship, and its candidates.")
class UnsolvedDemand:
    demand_id: strawberry.Private[str]
    field: str | None
    status: DemandStatus  # type: ignore[valid-type]
    poster_ids: strawberry.Private[list[str]]
    nearest: int | None = strawberry.field(description="Distance of the nearest candidate.")
    candidates: list[Candidate]

    @strawberry.field
    async def demand(self, info: Info) -> Node:
        return await must_load(info, self.demand_id)

    @strawberry.field(description="Who posted it (RAISED).")
    async def posters(self, info: Info) -> list[Node]:
        return await load_nodes(info, self.poster_ids)


@strawberry.type(description="Unsolved demands, nearest candidates first.")
class UnsolvedDemands:
    total: int = strawberry.field(description="Unsolved demands matching the filters.")
    max_hops: int
    items: list[UnsolvedDemand]

    @classmethod
    def of(cls, found: demands.UnsolvedDemands) -> UnsolvedDemands:
        """The GraphQL view of an unsolved demands answer."""
        return cls(
            total=found.total,
            max_hops=found.max_hops,
            items=[
                UnsolvedDemand(
                    demand_id=d.demand,
                    field=d.field,
                    status=DemandStatus(d.status),
                    poster_ids=d.posters,
                    nearest=d.nearest,
                    candidates=[
                        Candidate(
                            achievement_id=c.achievement,
                            distance=c.distance,
                            transferred=c.transferred,
                            path=None if c.path is None else Path.of(c.path),
                        )
                        for c in d.candidates
                    ],
                )
                for d in found.items
            ],
        )
