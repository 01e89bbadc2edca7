"""The GraphQL types of the network over time: how much of the graph as of a date is dated,
what changed between two dates, and yearly series (see :mod:`queries.changes`)."""

from __future__ import annotations

import strawberry

from graphsvc.schema.enums import CentralityMetric, data_enum
from graphsvc.schema.types import Info, Node, must_load
from queries import changes

TrendMetric = strawberry.enum(
    data_enum(
        "TrendMetric",
        {
            name: strawberry.enum_value(name, description=changes.TREND_MEANINGS[name])
            for name in changes.TREND_METRICS
        },
    ),
    description="A figure that trends gives a yearly series of.",
)


@strawberry.type(
    description="How many nodes and relationships the graph as of a date holds, "
    "and how many of them are undated (counted as always there)."
)
class Dating:
    as_of: str
    nodes: int
    undated_nodes: int
    relationships: int
    undated_relationships: int

    @classmethod
    def of(cls, found: changes.Dating) -> Dating:
        return cls(
            as_of=found.as_of,
            nodes=found.nodes,
            undated_nodes=found.undated_nodes,
            relationships=found.relationships,
            undated_relationships=found.undated_relationships,
        )


@strawberry.type(description="How many of one type appeared.")
class Appeared:
    type: str
    count: int


@strawberry.type(description="An actor among the top hubs on the later date.")
class HubMove:
    node_id: strawberry.Private[str]
    rank: int
    score: float
    rank_before: int | None = strawberry.field(
        description="Its rank on the earlier date; null when it did not exist then."
    )

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="A broker's deals (BROKERED) and share of all deals on both dates.")
class ShareMove:
    node_id: strawberry.Private[str]
    deals_before: int
    share_before: float
    deals: int
    share: float
    change: float

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="Transfers (TRANSFERRED_TO) under one key, and their amount.")
class TransferAmount:
    key: str
    count: int
    amount_cny: float


@strawberry.type(description="What changed between two dates.")
class Changes:
    before: Dating
    after: Dating
    nodes: list[Appeared]
    relationships: list[Appeared]
    hub_metric: CentralityMetric
    hubs_before: list[HubMove]
    hubs: list[HubMove]
    brokers_rose: list[ShareMove]
    brokers_fell: list[ShareMove]
    new_channel_ids: list[str]
    new_countries: list[str]
    demands_posted: int
    demands_solved: int
    transfers_by_mode: list[TransferAmount]
    transfers_by_actor: list[TransferAmount] = strawberry.field(
        description="By the kind of the institution that developed the achievement (seller)."
    )

    @classmethod
    def of(cls, found: changes.Changes) -> Changes:
        def hubs(moves: list[changes.HubMove]) -> list[HubMove]:
            return [
                HubMove(node_id=h.node, rank=h.rank, score=h.score, rank_before=h.rank_before)
                for h in moves
            ]

        def shares(moves: list[changes.ShareMove]) -> list[ShareMove]:
            return [
                ShareMove(
                    node_id=m.node,
                    deals_before=m.deals_before,
                    share_before=m.share_before,
                    deals=m.deals,
                    share=m.share,
                    change=m.change,
                )
                for m in moves
            ]

        def amounts(by: dict[str, changes.Amount]) -> list[TransferAmount]:
            return [
                TransferAmount(key=k, count=a.count, amount_cny=a.amount_cny) for k, a in by.items()
            ]

        return cls(
            before=Dating.of(found.before),
            after=Dating.of(found.after),
            nodes=[Appeared(type=t, count=n) for t, n in found.nodes.items()],
            relationships=[Appeared(type=t, count=n) for t, n in found.relationships.items()],
            hub_metric=CentralityMetric(found.hub_metric),
            hubs_before=hubs(found.hubs_before),
            hubs=hubs(found.hubs),
            brokers_rose=shares(found.brokers_rose),
            brokers_fell=shares(found.brokers_fell),
            new_channel_ids=found.new_channels,
            new_countries=found.new_countries,
            demands_posted=found.demands_posted,
            demands_solved=found.demands_solved,
            transfers_by_mode=amounts(found.transfers_by_mode),
            transfers_by_actor=amounts(found.transfers_by_actor),
        )


@strawberry.type(description="One part of a trend point's value.")
class TrendPart:
    key: str
    value: float


@strawberry.type(description="One year of a trend.")
class TrendPoint:
    year: int
    value: float
    parts: list[TrendPart]


@strawberry.type(description="A yearly series of one figure.")
class Trend:
    metric: TrendMetric  # type: ignore[valid-type]
    meaning: str
    points: list[TrendPoint]

    @classmethod
    def of(cls, found: changes.Trend) -> Trend:
        return cls(
            metric=TrendMetric(found.metric),
            meaning=found.meaning,
            points=[
                TrendPoint(
                    year=p.year,
                    value=p.value,
                    parts=[TrendPart(key=k, value=v) for k, v in p.parts.items()],
                )
                for p in found.points
            ],
        )
