"""Communities of U by modularity optimisation (Leiden), seeded, with a summary of each.

The partition comes from igraph's ``community_leiden`` with the modularity objective (Traag, Waltman
and van Eck's refinement of Blondel et al.'s Louvain method, two iterations; the networkx
reference is ``louvain_communities``, whose answers differ in detail from run to run of either).
Chosen by measurement on the generated graphs (bench/analytics.py, docs/analytics.md): at 100,000
nodes igraph's ``community_multilevel`` took 8-10 s, Leiden 0.8-1.6 s and networkit's PLM 0.6-1.3 s
(one thread) for modularity 0.29 (multilevel), 0.31 (Leiden) and 0.29 (PLM); PLM would be a new
dependency whose single-threaded answer ignores the seed, and with threads is not reproducible.
igraph draws its random numbers from a ``random.Random(seed)`` installed for the call (under a
lock, the default generator restored afterwards), so the same graph and seed always give the same
partition. ``modularity`` is that of the whole partition at ``resolution``, as networkx
``community.modularity`` computes it.
"""

from __future__ import annotations

import random
import threading

import numpy as np

from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, BadRequest, check_range
from queries.projection import IntArray, Projection, projection
from queries.results import Communities, Community

HUBS_PER_COMMUNITY = 3
"""Members listed as a community's hubs (most relationships inside it, then id)."""

_RANDOM_LOCK = threading.Lock()


def communities(
    store: Store,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    top: int = 20,
    as_of: str | None = None,
) -> Communities:
    """The communities of U (Leiden, modularity), largest first, each summarised.

    Parameters
    ----------
    store : Store
        The graph store.
    seed : int, default 0
        Seed of the random node order; the same seed gives the same partition.
    resolution : float, default 1.0
        Modularity resolution, positive; above 1 favours smaller communities.
    top : int, default 20
        Most communities summarised, 0 to 1000.

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    Communities
        ``total`` communities (isolated nodes are communities of one), the ``top`` largest
        (then by smallest member id) with size, members, node types, countries and hubs.

    Raises
    ------
    BadRequest
        When ``resolution`` is not positive or ``top`` out of range.

    Examples
    --------
    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> found = communities(store, seed=1)
    >>> found.total, [c.size for c in found.items]
    (2, [5, 4])
    >>> found.items[1].members, found.items[1].countries
    (['broker-west', 'channel-de', 'lab-a', 'uni-de'], {'CN': 2, 'DE': 2})
    >>> found.items[1].hubs
    ['broker-west', 'lab-a', 'channel-de']
    >>> store.close()
    """
    check_range("top", top, maximum=MAX_TOP)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise BadRequest(f"seed must be an integer, got {seed!r}")
    if not isinstance(resolution, int | float) or not resolution > 0:
        raise BadRequest(f"resolution must be positive, got {resolution!r}")
    graph = projection(store, as_of=as_of)
    membership, modularity = graph.memo(
        ("leiden", seed, float(resolution)), lambda: leiden(graph, seed, float(resolution))
    )
    groups = (
        np.split(np.argsort(membership, kind="stable"), np.cumsum(np.bincount(membership))[:-1])
        if len(membership)
        else []
    )
    ranked = sorted((g for g in groups if len(g)), key=lambda g: (-len(g), int(g[0])))
    return Communities(
        modularity,
        seed,
        float(resolution),
        int(np.count_nonzero(np.bincount(membership))),
        [
            _summary(graph, membership, rank, members)
            for rank, members in enumerate(ranked[:top], 1)
        ],
    )


def leiden(graph: Projection, seed: int, resolution: float) -> tuple[IntArray, float]:
    """Community of each node and the partition's modularity (igraph Leiden on modularity,
    seeded)."""
    import igraph

    u = graph.igraph_u()
    if u.ecount() == 0:
        return np.arange(graph.number_of_nodes(), dtype=np.int64), 0.0
    with _RANDOM_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            clustering = u.community_leiden(
                objective_function="modularity", resolution=resolution, n_iterations=2
            )
        finally:
            igraph.set_random_number_generator(random)
    membership = np.asarray(clustering.membership, dtype=np.int64)
    return membership, float(u.modularity(clustering.membership, resolution=resolution))


def _summary(graph: Projection, membership: IntArray, rank: int, members: IntArray) -> Community:
    nodes = np.sort(members)
    starts, counts = graph.indptr[nodes], graph.indptr[nodes + 1] - graph.indptr[nodes]
    owner = np.repeat(np.arange(len(nodes)), counts)
    entries = np.arange(int(counts.sum())) + np.repeat(
        starts - (np.cumsum(counts) - counts), counts
    )
    inside = membership[graph.indices[entries]] == membership[nodes[0]]
    internal = np.bincount(owner[inside], minlength=len(nodes))
    hubs = nodes[np.lexsort((nodes, -internal))[:HUBS_PER_COMMUNITY]]
    return Community(
        rank,
        len(nodes),
        dict(sorted(graph.type_counts(nodes).items())),
        graph.country_counts(nodes),
        graph.ids.at(hubs).tolist(),
        graph.ids.at(nodes).tolist(),
    )
