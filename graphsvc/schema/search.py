"""Search as a Relay connection, and the counts of the graph.

The store pages search results with an opaque cursor after the last node of a page. An edge in
the middle of a page gets a cursor of this API: the store cursor its page started from and how
many nodes of that page to skip, so every edge can be resumed from, as Relay asks.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Final

import strawberry

from graphsvc.schema.enums import NodeType, RelType, node_type_of, rel_type_of
from graphsvc.schema.types import Info, Node
from graphsvc.stores.contract import GraphCounts, SearchFilter, SearchPage
from queries.errors import BadRequest

MAX_SKIP: Final = 10_000
"""How far past its page's start a mid-page cursor may point."""

MAX_CURSOR: Final = 512
"""Longest ``after`` cursor accepted (the API's own are far shorter)."""

MAX_TEXT: Final = 200
"""Longest search ``text``, in characters."""


def check_text(text: str | None) -> None:
    """:class:`BadRequest` for a search text over :data:`MAX_TEXT` characters."""
    if text is not None and len(text) > MAX_TEXT:
        raise BadRequest(f"text: at most {MAX_TEXT} characters, got {len(text):,}")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type
class NodeEdge:
    cursor: str
    node: Node


@strawberry.type(description="One page of nodes, ordered by name then id.")
class NodeConnection:
    edges: list[NodeEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every node matching the filters.")


def decode_cursor(cursor: str | None) -> tuple[str | None, int]:
    """The store cursor and the skip count of an ``after`` argument."""
    if cursor is None:
        return None, 0
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        store_cursor, skip = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, RecursionError):
        store_cursor, skip = 0, -1
    if (
        not isinstance(store_cursor, str | None)
        or not isinstance(skip, int)
        or not 0 <= skip <= MAX_SKIP
    ):
        raise BadRequest(
            f"after: {cursor[:60]!r} is not a cursor of this API; pass an edge cursor or "
            "pageInfo.endCursor from an earlier page"
        )
    return store_cursor, skip


def encode_cursor(store_cursor: str | None, skip: int) -> str:
    """The API cursor for the node ``skip`` places after ``store_cursor``."""
    raw = json.dumps([store_cursor, skip], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def search_page(
    info: Info, where: SearchFilter, first: int, after: str | None
) -> NodeConnection:
    """The page of ``first`` nodes after the cursor ``after``."""
    check_text(where.text)
    store_cursor, skip = decode_cursor(after)
    store = info.context.store

    def read() -> SearchPage:
        try:
            return store.search(where, first=skip + first, after=store_cursor)
        except ValueError as exc:  # a store cursor that the store does not accept
            raise BadRequest(f"after: {exc}") from exc

    page = await info.context.call(read)
    nodes = page.nodes[skip:]
    edges = [
        NodeEdge(cursor=encode_cursor(store_cursor, skip + index + 1), node=Node.of(node))
        for index, node in enumerate(nodes)
    ]
    if edges and page.end_cursor is not None:
        edges[-1].cursor = encode_cursor(page.end_cursor, 0)
    return NodeConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )


@strawberry.type
class TypeCount:
    type: NodeType  # type: ignore[valid-type]
    count: int


@strawberry.type
class RelTypeCount:
    type: RelType  # type: ignore[valid-type]
    count: int


@strawberry.type(description="One loaded source.")
class SourceStats:
    name: str
    loaded_at: str = strawberry.field(description="When it was last loaded (ISO 8601, UTC).")
    nodes: int
    relationships: int


@strawberry.type(description="What the graph holds.")
class GraphStats:
    nodes: int
    relationships: int
    by_type: list[TypeCount]
    by_relation_type: list[RelTypeCount]
    sources: list[SourceStats]
    data_version: str = strawberry.field(description="Changes with every refresh.")

    @classmethod
    def of(cls, counts: GraphCounts) -> GraphStats:
        """The GraphQL view of the store's counts."""
        return cls(
            nodes=counts.nodes,
            relationships=counts.relationships,
            by_type=[TypeCount(type=node_type_of(t), count=n) for t, n in counts.by_type.items()],
            by_relation_type=[
                RelTypeCount(type=rel_type_of(t), count=n)
                for t, n in counts.by_relation_type.items()
            ],
            sources=[
                SourceStats(
                    name=s.name, loaded_at=s.loaded_at, nodes=s.nodes, relationships=s.relationships
                )
                for s in counts.sources
            ],
            data_version=counts.data_version,
        )
