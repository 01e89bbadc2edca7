"""Errors of the query layer and the limits of API_CONTRACT.md.

Every query function raises :class:`NotFound` for an unknown node id and :class:`BadRequest` for
an argument out of range; both are :class:`QueryError`, itself a ``ValueError``, so that the
GraphQL service maps them to ``NOT_FOUND`` and ``BAD_REQUEST`` and the CLI to exit codes 1 and 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from graphsvc.model import NODE_TYPE_NAMES, RELATION_TYPE_NAMES, node_type

MAX_HOPS: Final = 8
"""Longest path (in relationships) any path or intermediaries query may ask for."""
MAX_K: Final = 50
"""Most paths ``k_shortest_paths`` returns."""
MAX_TOP: Final = 1000
"""Most scores a centrality or hub ranking returns."""
MAX_DEPTH: Final = 3
"""Deepest neighbourhood."""
MAX_LIMIT: Final = 5000
"""Most nodes a neighbourhood or items an intermediaries answer may hold."""
MAX_EVIDENCE: Final = 50
"""Most evidence paths kept per intermediary."""


class QueryError(ValueError):
    """A question the query layer cannot answer as asked."""


class Pending(QueryError):
    """An answer that needs work still being done once for the current data version (its
    projection being built); asked again after ``retry_after`` seconds, it is likely ready.

    Examples
    --------
    >>> Pending("the projection is being built", 3).retry_after
    3
    """

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(QueryError):
    """A node id that is not in the graph. ``id`` is that id; the message names it.

    Examples
    --------
    >>> str(NotFound("lab-9"))
    "no node with id 'lab-9'"
    """

    def __init__(self, id: str):
        self.id = id
        super().__init__(f"no node with id {id!r}")


class BadRequest(QueryError):
    """An argument out of range or unknown; the message states the limit or the known values."""


def check_range(name: str, value: int, *, maximum: int, minimum: int = 0) -> int:
    """``value`` when ``minimum <= value <= maximum``, else :class:`BadRequest` stating the limit.

    Examples
    --------
    >>> check_range("max_hops", 4, maximum=MAX_HOPS)
    4
    >>> check_range("max_hops", 9, maximum=MAX_HOPS)
    Traceback (most recent call last):
    ...
    queries.errors.BadRequest: max_hops must be between 0 and 8, got 9
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be an integer, got {value!r}")
    if not minimum <= value <= maximum:
        raise BadRequest(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def check_node_types(types: Iterable[str] | None) -> frozenset[str] | None:
    """The model names of ``types`` (model names like ``"Broker"`` or enums like ``"BROKER"``).

    None stays None (no restriction). Unknown names raise :class:`BadRequest` naming the known ones.

    Examples
    --------
    >>> sorted(check_node_types(["BROKER", "Investor"]))
    ['Broker', 'Investor']
    """
    if types is None:
        return None
    if isinstance(types, str):
        types = [types]
    names = set()
    for name in types:
        try:
            names.add(node_type(name).name)
        except KeyError:
            raise BadRequest(
                f"unknown node type {name!r}; known: {', '.join(NODE_TYPE_NAMES)}"
            ) from None
    return frozenset(names)


def check_relation_types(rel_types: Sequence[str] | None) -> frozenset[str] | None:
    """``rel_types`` as a set, None staying None; unknown names raise :class:`BadRequest`.

    Examples
    --------
    >>> sorted(check_relation_types(["SERVES", "BROKERED"]))
    ['BROKERED', 'SERVES']
    """
    if rel_types is None:
        return None
    if isinstance(rel_types, str):
        rel_types = [rel_types]
    unknown = [name for name in rel_types if name not in RELATION_TYPE_NAMES]
    if unknown:
        raise BadRequest(
            f"unknown relation type {unknown[0]!r}; known: {', '.join(RELATION_TYPE_NAMES)}"
        )
    return frozenset(rel_types)
