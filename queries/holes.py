"""Burt's structural holes: who spans otherwise unconnected contacts.

On U (unweighted), for a node ``i`` of degree ``d_i`` with neighbours ``N(i)``:

- **effective size** = ``d_i - 2 t_i / d_i``, ``t_i`` the ties among its neighbours (networkx
  ``effective_size``, Borgatti's form): the contacts that are not redundant;
- **constraint** = ``sum over j in N(i) of ((1 + sum over q in N(i) & N(j) of 1 / d_q) / d_i)^2``
  (networkx ``constraint``): how much its contacts are tied to each other; low constraint means
  the node bridges structural holes.

Both are computed for every node in one pass over U's edges (one set intersection per edge), once
per data version; isolated nodes have neither and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, BadRequest, check_node_types, check_range
from queries.projection import Projection, projection
from queries.results import StructuralHole

FloatArray = npt.NDArray[np.float64]
Order = Literal["effective_size", "constraint"]
ORDERS: Final = ("effective_size", "constraint")


@dataclass(frozen=True, slots=True)
class HoleTable:
    """Effective size and constraint of every node (NaN for isolated nodes)."""

    effective_size: FloatArray
    constraint: FloatArray


def structural_holes(
    store: Store,
    *,
    types: Sequence[str] | None = None,
    by: Order = "effective_size",
    top: int = 20,
    as_of: str | None = None,
) -> list[StructuralHole]:
    """The nodes spanning the most structural holes.

    Parameters
    ----------
    store : Store
        The graph store.
    types : sequence of str, optional
        Node types to return (all nodes are scored).
    by : {"effective_size", "constraint"}, default "effective_size"
        Rank by effective size descending, or by constraint ascending; then by id.
    top : int, default 20
        Most nodes returned, 0 to 1000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    list of StructuralHole

    Raises
    ------
    BadRequest
        For an unknown order or type, or ``top`` out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> for h in structural_holes(store, top=3):
    ...     print(h.node, h.degree, h.effective_size, round(h.constraint, 3))
    ach-battery 3 3.0 0.333
    ent-b 3 3.0 0.333
    lab-a 3 3.0 0.333
    >>> [h.node for h in structural_holes(store, types=["BROKER"], by="constraint")]
    ['broker-east', 'broker-west']
    >>> store.close()
    """
    if by not in ORDERS:
        raise BadRequest(f"by must be one of {', '.join(ORDERS)}, got {by!r}")
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    graph = projection(store, as_of=as_of)
    table = hole_table(graph)
    degree = np.diff(graph.indptr)
    candidates = np.flatnonzero((degree > 0) & graph.node_mask(types=wanted))
    key = -table.effective_size if by == "effective_size" else table.constraint
    ranked = candidates[np.lexsort((candidates, np.round(key[candidates], 12)))][:top].tolist()
    return [
        StructuralHole(
            graph.ids[i],
            int(degree[i]),
            float(table.effective_size[i]),
            float(table.constraint[i]),
        )
        for i in ranked
    ]


def hole_table(graph: Projection) -> HoleTable:
    """Effective size and constraint of every node of ``graph``, once per data version."""
    return graph.memo("structural holes", lambda: _table(graph))


def _table(graph: Projection) -> HoleTable:
    n = graph.number_of_nodes()
    degree = np.diff(graph.indptr).astype(np.float64)
    inverse = np.divide(1.0, degree, out=np.zeros(n), where=degree > 0).tolist()
    neighbours = [set(row) for row in graph.adjacency]
    ties = np.zeros(n)
    constraint = np.zeros(n)
    d = degree.tolist()
    for u, v in graph.pairs.tolist():
        common = neighbours[u] & neighbours[v]
        through = sum(inverse[q] for q in common)
        ties[u] += len(common)
        ties[v] += len(common)
        constraint[u] += ((1.0 + through) / d[u]) ** 2
        constraint[v] += ((1.0 + through) / d[v]) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        effective = np.where(degree > 0, degree - ties / degree, np.nan)
    constraint[degree == 0] = np.nan
    return HoleTable(effective, constraint)
