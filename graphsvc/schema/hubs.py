"""The GraphQL types of the hub analyses: brokerage roles, structural holes, single points of
failure (articulation points and bridges, and what one removal cuts off), communities."""

from __future__ import annotations

import enum
import math

import strawberry

from graphsvc.schema.enums import NodeType, data_enum, node_type_of
from graphsvc.schema.types import MAX_FIRST, Info, Node, load_nodes, must_load
from queries import results, roles
from queries.errors import check_range

BrokerageRole = strawberry.enum(
    data_enum("BrokerageRole", {role.upper(): role for role in results.BROKERAGE_ROLES}),
    description="The roles of Gould and Fernandez (1989) for a broker b on an open two-path "
    "a -> b -> c: COORDINATOR (a, b, c in one group), ITINERANT (a and c in one group, b in "
    "another), REPRESENTATIVE (a and b in one group, c in another), GATEKEEPER (b and c in one "
    "group, a in another), LIAISON (all three in different groups).",
)


@strawberry.enum(description="The groups brokerage roles are read against.")
class Grouping(enum.Enum):
    TYPE = "type"
    KIND = "kind"


BrokerageNetwork = strawberry.enum(
    data_enum("BrokerageNetwork", {network.upper(): network for network in roles.NETWORKS}),
    description="The directed network brokerage roles are read on: FLOW, the actor flow network "
    "(each relation type's direction of technology flow from the graph model, achievements and "
    "demands contracted away, so a broker between a university's achievement and an enterprise "
    "client is their go-between); D, the relationships as written (API_CONTRACT's D, where "
    "brokers and investors have no incoming arc and never broker).",
)
FLOW_NETWORK = BrokerageNetwork("flow")
"""The default network of brokerage roles (the actor flow network)."""


@strawberry.enum(description="How structural holes are ranked.")
class HoleOrder(enum.Enum):
    EFFECTIVE_SIZE = "effective_size"
    CONSTRAINT = "constraint"


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@strawberry.type(description="One brokerage role of a node.")
class RoleCount:
    role: BrokerageRole  # type: ignore[valid-type]
    count: int = strawberry.field(description="Open two-paths it brokers in this role.")
    expected: float = strawberry.field(
        description="The count expected if group labels were shuffled."
    )
    z_score: float | None = strawberry.field(
        description="(count - expected) / deviation; null when undefined."
    )


@strawberry.type(description="How a node brokers between groups.")
class BrokerageProfile:
    node_id: strawberry.Private[str]
    group: str = strawberry.field(description="The node's own group (type or kind).")
    total: int
    roles: list[RoleCount]

    @classmethod
    def of(cls, profile: results.BrokerageProfile) -> BrokerageProfile:
        """The GraphQL view of a brokerage profile."""
        return cls(
            node_id=profile.node,
            group=profile.group,
            total=profile.total,
            roles=[
                RoleCount(
                    role=BrokerageRole(role),
                    count=profile.counts.get(role, 0),
                    expected=profile.expected.get(role, 0.0),
                    z_score=finite(profile.z_scores.get(role, math.nan)),
                )
                for role in results.BROKERAGE_ROLES
            ],
        )

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="Burt's structural-hole measures of a node on U.")
class StructuralHole:
    node_id: strawberry.Private[str]
    degree: int
    effective_size: float | None = strawberry.field(description="Non-redundant contacts.")
    constraint: float | None = strawberry.field(
        description="How much its contacts tie back to each other; low spans holes. Null for "
        "a node without contacts."
    )

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type
class TypeTally:
    type: NodeType  # type: ignore[valid-type]
    count: int


@strawberry.type
class CountryTally:
    country: str
    count: int


def _types(counts: dict[str, int]) -> list[TypeTally]:
    return [TypeTally(type=node_type_of(t), count=n) for t, n in counts.items()]


def _countries(counts: dict[str, int]) -> list[CountryTally]:
    return [CountryTally(country=c, count=n) for c, n in counts.items()]


@strawberry.type(description="What a removal cuts off from the largest remaining piece.")
class Separation:
    size: int = strawberry.field(description="Nodes cut off.")
    pieces: int = strawberry.field(description="In how many pieces.")
    by_type: list[TypeTally]
    by_country: list[CountryTally]

    @classmethod
    def of(cls, separation: results.Separation) -> Separation:
        """The GraphQL view of a separation."""
        return cls(
            size=separation.size,
            pieces=separation.pieces,
            by_type=_types(separation.types),
            by_country=_countries(separation.countries),
        )


@strawberry.type(description="An articulation point: removing the node splits its component.")
class CutPoint:
    node_id: strawberry.Private[str]
    component_size: int
    separation: Separation

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(
    description="A bridge: the only ties between two nodes, whose loss splits a component."
)
class Bridge:
    node_ids: strawberry.Private[list[str]]
    relationships: list[strawberry.ID] = strawberry.field(
        description="Every relationship joining the two nodes."
    )
    component_size: int
    separation: Separation

    @strawberry.field
    async def nodes(self, info: Info) -> list[Node]:
        return await load_nodes(info, self.node_ids)


@strawberry.type(description="Single points of failure, each ranked by the size it cuts off.")
class Fragility:
    cut_points: list[CutPoint]
    bridges: list[Bridge]

    @classmethod
    def of(cls, found: results.Fragility) -> Fragility:
        """The GraphQL view of a fragility answer."""
        return cls(
            cut_points=[
                CutPoint(
                    node_id=c.node,
                    component_size=c.component_size,
                    separation=Separation.of(c.separation),
                )
                for c in found.cut_points
            ],
            bridges=[
                Bridge(
                    node_ids=list(b.nodes),
                    relationships=[strawberry.ID(r) for r in b.relationships],
                    component_size=b.component_size,
                    separation=Separation.of(b.separation),
                )
                for b in found.bridges
            ],
        )


@strawberry.type(description="What removing one node would cut off.")
class RemovalImpact:
    separation: Separation
    lost_ids: strawberry.Private[list[str]]

    @strawberry.field(description=f"The nodes cut off, by id, `first` (at most {MAX_FIRST}).")
    async def cut_off(self, info: Info, first: int | None = 100) -> list[Node]:
        first = check_range("first", 100 if first is None else first, maximum=MAX_FIRST)
        return await load_nodes(info, self.lost_ids[:first])


@strawberry.type(description="One community (Leiden, modularity).")
class Community:
    rank: int
    size: int
    by_type: list[TypeTally]
    by_country: list[CountryTally]
    hub_ids: strawberry.Private[list[str]]
    member_ids: strawberry.Private[list[str]]

    @strawberry.field(description="Members with most relationships inside the community.")
    async def hubs(self, info: Info) -> list[Node]:
        return await load_nodes(info, self.hub_ids)

    @strawberry.field(description=f"Members by id, `first` (at most {MAX_FIRST}).")
    async def members(self, info: Info, first: int | None = 100) -> list[Node]:
        first = check_range("first", 100 if first is None else first, maximum=MAX_FIRST)
        return await load_nodes(info, self.member_ids[:first])


@strawberry.type(
    description="A partition of U into communities (Leiden, modularity), largest first."
)
class Communities:
    modularity: float
    seed: int
    resolution: float
    total: int = strawberry.field(
        description="Communities in the partition (isolated nodes are communities of one)."
    )
    items: list[Community]

    @classmethod
    def of(cls, found: results.Communities) -> Communities:
        """The GraphQL view of a partition."""
        return cls(
            modularity=found.modularity,
            seed=found.seed,
            resolution=found.resolution,
            total=found.total,
            items=[
                Community(
                    rank=c.rank,
                    size=c.size,
                    by_type=_types(c.types),
                    by_country=_countries(c.countries),
                    hub_ids=list(c.hubs),
                    member_ids=list(c.members),
                )
                for c in found.items
            ],
        )
