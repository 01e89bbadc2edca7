"""The GraphQL enums, derived from the graph model so that they never drift from it."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import strawberry

from graphsvc.model import NODE_TYPES, RELATION_TYPES


def data_enum(name: str, members: dict[str, object]) -> type[enum.Enum]:
    """An enum class built from data (the functional API, which type checkers cannot follow)."""
    return enum.Enum(name, members)  # type: ignore[return-value]


NodeType = strawberry.enum(
    data_enum(
        "NodeType",
        {t.enum: strawberry.enum_value(t.name, description=t.description) for t in NODE_TYPES},
    ),
    description="The type of a node. Each value stands for one node type of the graph model.",
)
"""A member's name is the GraphQL value (``OVERSEAS_CHANNEL``), its value the model name."""

RelType = strawberry.enum(
    data_enum(
        "RelType",
        {
            t.name: strawberry.enum_value(
                t.name,
                description=f"{t.description} ({'/'.join(t.sources)} -> {'/'.join(t.targets)})",
            )
            for t in RELATION_TYPES
        },
    ),
    description="The type of a relationship, from the graph model.",
)


@strawberry.enum(description="A centrality measure; the API contract gives each exact meaning.")
class CentralityMetric(enum.Enum):
    DEGREE = "DEGREE"
    PAGERANK = "PAGERANK"
    BETWEENNESS = "BETWEENNESS"
    CLOSENESS = "CLOSENESS"
    HARMONIC = "HARMONIC"


_NODE_TYPE_BY_NAME: dict[object, enum.Enum] = {member.value: member for member in NodeType}
_REL_TYPE_BY_NAME: dict[object, enum.Enum] = {member.value: member for member in RelType}


def node_type_of(model_name: str) -> enum.Enum:
    """The member for a model node type name (``"Broker"`` -> ``NodeType.BROKER``); a dict
    look-up, a tenth of calling the enum (answers convert hundreds of them).

    >>> node_type_of("Broker").name
    'BROKER'
    """
    return _NODE_TYPE_BY_NAME.get(model_name) or NodeType(model_name)


def rel_type_of(model_name: str) -> enum.Enum:
    """The member for a relation type name, looked up as :func:`node_type_of` does.

    >>> rel_type_of("SERVES").name
    'SERVES'
    """
    return _REL_TYPE_BY_NAME.get(model_name) or RelType(model_name)


def model_names(members: Sequence[enum.Enum] | None) -> list[str] | None:
    """The model names of node or relation type members; None stays None."""
    return None if members is None else [str(member.value) for member in members]
