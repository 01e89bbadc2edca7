"""How concentrated the deals are: do a few actors carry most of them?

For one relation type (BROKERED by default: a broker served a deal on an achievement), every
actor that can stand at the chosen end of it (``by="source"``: the brokers) holds
``d_i`` = the relationships of that type touching it (its deals; parallel relationships are
separate deals). Over the ``n`` actors matching the filters, zeros included, with
``D = sum d_i`` and shares ``s_i = d_i / D``:

- **top-k share**: the sum of the ``k`` largest shares (k = 1, 5, 10);
- **HHI** (Herfindahl-Hirschman index): ``sum s_i^2``, from ``1/n`` (even) to 1 (one actor
  carries everything); ``1 / HHI`` is the *equivalent number* of equal actors;
- **Gini**: ``sum_i sum_j |d_i - d_j| / (2 n^2 mean(d))``, computed on the ascending ``d_(i)``
  as ``2 sum_i i d_(i) / (n D) - (n + 1) / n``: 0 when all carry as many, ``(n - 1) / n`` when
  one carries all;
- **half**: the fewest actors (largest first) whose deals add up to at least ``D / 2``.

With no deals (``D = 0``) every share, HHI and Gini are 0 and ``half`` is 0.

In the model, the node types at the two ends of a directed relation type never overlap, so an
actor of a source type touches relationships of that type only as their source; for the
symmetric COLLABORATES_WITH each relationship is a deal of both ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from graphsvc.model import RELATION_TYPE_BY_NAME, RELATION_TYPE_NAMES
from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, BadRequest, check_node_types, check_range
from queries.projection import projection

ENDS: Final = ("source", "target")
TOP_SHARES: Final = (1, 5, 10)


@dataclass(frozen=True, slots=True)
class DealHolder:
    """One actor's ``deals`` (relationships of the type touching it) and their ``share``."""

    node: str
    deals: int
    share: float


@dataclass(frozen=True, slots=True)
class Concentration:
    """How concentrated the relationships of ``rel_type`` are over the actors at its ``by`` end.

    ``actors`` counts the actors considered (those matching the filters, with or without deals),
    ``active`` those with at least one deal, ``deals`` the deals they hold together;
    ``top_shares`` maps k to the share of the k largest; ``hhi``, ``equivalent_number``
    (``1 / hhi``, 0 without deals), ``gini`` and ``half`` are as the module defines them;
    ``items`` the ``top`` actors by deals descending, then id.
    """

    rel_type: str
    by: str
    actors: int
    active: int
    deals: int
    top_shares: dict[int, float]
    hhi: float
    equivalent_number: float
    gini: float
    half: int
    items: list[DealHolder]


def concentration(
    store: Store,
    *,
    rel_type: str = "BROKERED",
    by: str = "source",
    types: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    top: int = 10,
    as_of: str | None = None,
) -> Concentration:
    """How concentrated the deals of ``rel_type`` are: shares, top-k shares, HHI, Gini.

    Parameters
    ----------
    store : Store
        The graph store.
    rel_type : str, default "BROKERED"
        The relation type whose relationships are the deals.
    by : {"source", "target"}, default "source"
        Which end of the relation the actors stand at (BROKERED by source: the brokers).
    types : sequence of str, optional
        Node types of the actors (of those the relation allows at that end).
    kinds : sequence of str, optional
        ``kind`` values of the actors (``["agency"]``).
    top : int, default 10
        Most actors listed, 0 to 1000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    Concentration
        The measures over every actor matching the filters, and the ``top`` of them.

    Raises
    ------
    BadRequest
        For an unknown relation type, end or node type, or ``top`` out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = concentration(store)  # BROKERED by broker: only the eastern centre has deals
    >>> found.actors, found.active, found.deals, found.hhi, found.gini, found.half
    (2, 1, 1, 1.0, 0.5, 1)
    >>> serves = concentration(store, rel_type="SERVES")
    >>> [(h.node, h.deals, h.share) for h in serves.items], serves.hhi, serves.gini
    ([('broker-east', 1, 0.5), ('broker-west', 1, 0.5)], 0.5, 0.0)
    >>> store.close()
    """
    if rel_type not in RELATION_TYPE_NAMES:
        raise BadRequest(
            f"unknown relation type {rel_type!r}; known: {', '.join(RELATION_TYPE_NAMES)}"
        )
    if by not in ENDS:
        raise BadRequest(f"by must be one of {', '.join(ENDS)}, got {by!r}")
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    relation = RELATION_TYPE_BY_NAME[rel_type]
    at_end = set(relation.sources if by == "source" else relation.targets)
    end_types = sorted(at_end if wanted is None else at_end & wanted)
    graph = projection(store, as_of=as_of)
    actors = np.flatnonzero(graph.node_mask(types=end_types, kinds=kinds))
    deals = projection(store, [rel_type], as_of).degree[actors]
    total = int(deals.sum())
    order = np.lexsort((actors, -deals))
    ranked = deals[order]
    shares = ranked / total if total else np.zeros(len(ranked))
    n = len(ranked)
    hhi = float((shares**2).sum())
    ascending = ranked[::-1].astype(np.float64)
    gini = (
        float(2 * (np.arange(1, n + 1) * ascending).sum() / (n * total) - (n + 1) / n)
        if total
        else 0.0
    )
    half = int(np.searchsorted(np.cumsum(ranked), total / 2) + 1) if total else 0
    return Concentration(
        rel_type,
        by,
        n,
        int((deals > 0).sum()),
        total,
        {k: float(shares[:k].sum()) for k in TOP_SHARES},
        hhi,
        1 / hhi if hhi else 0.0,
        max(gini, 0.0),
        half,
        [
            DealHolder(graph.ids[i], int(d), float(s))
            for i, d, s in zip(
                actors[order][:top].tolist(),
                ranked[:top].tolist(),
                shares[:top].tolist(),
                strict=True,
            )
        ],
    )
