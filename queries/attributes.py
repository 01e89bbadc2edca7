"""Node attributes that the projection does not carry: region, field and status.

The projection (:mod:`queries.projection`) holds type, kind and country, what most filters need.
The planner and broker questions also filter and group by ``region`` (district or province),
match demands and achievements by ``field`` and read their ``status``. :func:`node_attributes`
reads those once per data version (one pass over ``store.iter_nodes``) and keeps them on the
projection, aligned with its node indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphsvc.stores.contract import Store
from queries.errors import NotFound, QueryError
from queries.projection import BoolArray, Projection


@dataclass(frozen=True, slots=True)
class NodeAttributes:
    """Per node index of a projection: its ``region``, ``field`` and ``status`` (None when the
    node has none)."""

    regions: list[str | None]
    fields: list[str | None]
    statuses: list[str | None]

    def region_mask(self, region: str | None) -> BoolArray:
        """The nodes in ``region`` (exact match); every node when ``region`` is None."""
        if region is None:
            return np.ones(len(self.regions), dtype=bool)
        return np.fromiter((r == region for r in self.regions), dtype=bool, count=len(self.regions))


def node_attributes(store: Store, graph: Projection) -> NodeAttributes:
    """The :class:`NodeAttributes` of ``graph`` (the full projection of ``store``), read once per
    data version.

    Raises
    ------
    QueryError
        When the store was refreshed while they were read (ask again: the next question reads
        the new version).

    Examples
    --------
    >>> from queries.examples import example_store
    >>> from queries.projection import projection
    >>> store = example_store()
    >>> graph = projection(store)
    >>> node_attributes(store, graph).fields[graph.node_index("ach-battery")]
    'energy'
    >>> store.close()
    """
    return graph.memo("node attributes", lambda: _read(store, graph))


def _read(store: Store, graph: Projection) -> NodeAttributes:
    n = graph.number_of_nodes()
    regions: list[str | None] = [None] * n
    fields: list[str | None] = [None] * n
    statuses: list[str | None] = [None] * n
    refreshed = QueryError("the graph was refreshed while answering; ask again")
    if store.data_version() != graph.version:
        raise refreshed
    try:
        for node in store.iter_nodes():
            i = graph.node_index(node.id)
            regions[i] = node.region
            field, status = node.properties.get("field"), node.properties.get("status")
            fields[i] = field if isinstance(field, str) else None
            statuses[i] = status if isinstance(status, str) else None
    except NotFound:
        raise refreshed from None
    if store.data_version() != graph.version:
        raise refreshed
    return NodeAttributes(regions, fields, statuses)
