"""The GraphQL types of rankings: intermediaries between two nodes, centrality scores."""

from __future__ import annotations

from typing import Final

import strawberry

from graphsvc.schema.enums import CentralityMetric
from graphsvc.schema.types import Info, Node, Path, must_load
from queries import results
from queries.errors import check_range

MAX_EVIDENCE: Final = 10
"""Most evidence paths shown per intermediary (``paths(first:)``)."""


@strawberry.type(description="A node on the routes between two nodes.")
class Intermediary:
    item: strawberry.Private[results.Intermediary]

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.item.node)

    @strawberry.field(description="How many of the simple paths within maxHops pass through it.")
    def path_count(self) -> int:
        return self.item.path_count

    @strawberry.field(description="The length of the shortest of those paths.")
    def shortest_hops(self) -> int:
        return self.item.shortest_hops

    @strawberry.field(
        description="Evidence: up to `first` of those paths (at most "
        f"{MAX_EVIDENCE}), shortest first, with their relationships."
    )
    def paths(self, first: int | None = 3) -> list[Path]:
        first = check_range("first", 3 if first is None else first, maximum=MAX_EVIDENCE)
        return [Path.of(path) for path in self.item.paths[:first]]


@strawberry.type(description="Who can introduce two nodes, as far as the search went.")
class Introductions:
    found: strawberry.Private[results.Intermediaries]

    @strawberry.field(
        description="Ranked as `intermediaries` ranks them; when `truncated`, each `pathCount` "
        "counts the paths examined, a lower bound."
    )
    def intermediaries(self) -> list[Intermediary]:
        return [Intermediary(item=item) for item in self.found.items]

    @strawberry.field(
        description="True when the search stopped at its work cap before it had examined every "
        "simple path within `maxHops`; the counts are then complete for every shorter length."
    )
    def truncated(self) -> bool:
        return self.found.truncated

    @strawberry.field(description="How many simple paths the search examined.")
    def paths_examined(self) -> int:
        return self.found.paths_examined


@strawberry.type(description="One node's place in a ranking.")
class Score:
    rank: int = strawberry.field(description="1 for the highest score.")
    score: float
    node_id: strawberry.Private[str]

    @strawberry.field
    async def node(self, info: Info) -> Node:
        return await must_load(info, self.node_id)


@strawberry.type(description="The top nodes by a centrality measure.")
class Centrality:
    metric: CentralityMetric
    approximate: bool = strawberry.field(description="True when the scores are estimates.")
    method: str = strawberry.field(description="How the scores were computed or estimated.")
    scores: list[Score]

    @classmethod
    def of(cls, result: results.CentralityResult) -> Centrality:
        """The GraphQL view of a centrality answer."""
        return cls(
            metric=CentralityMetric(result.metric.upper()),
            approximate=result.approximate,
            method=result.method,
            scores=[Score(rank=s.rank, score=s.score, node_id=s.node) for s in result.scores],
        )
