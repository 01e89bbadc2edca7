"""Brokerage roles of Gould and Fernandez (1989): how each actor brokers between groups.

On a directed network, a node ``b`` *brokers* the open two-path ``a -> b -> c`` when ``a != c``
and there is no arc ``a -> c``. With each node in a group (its node type, or its ``kind``), the
two-path gives ``b`` one of five roles (see :data:`queries.results.BROKERAGE_ROLES`):

============== ===================== ============================================================
role           groups of a, b, c     in an innovation network, e.g.
============== ===================== ============================================================
coordinator    a = b = c             an enterprise passing another's technology on to a third
itinerant      a = c != b            a broker between two institutions (also called consultant)
representative a = b != c            an institution carrying its group's ties out
gatekeeper     b = c != a            an enterprise letting a university's technology into
                                     the enterprises it works with
liaison        a, b, c all differ    an agency between a university and an enterprise
============== ===================== ============================================================

**Which network** (``network``):

- ``"flow"`` (the default): the **actor flow network** of
  :meth:`queries.projection.Projection.flow_arcs`. Roles need the direction technology moves,
  which the graph model gives each relation type (``RelationType.flow``): a lab's achievement
  goes to the broker that brokered it (BROKERED is written broker -> achievement, the flow goes
  the other way), the broker brings it to its clients (SERVES), a demand leads to the enterprise
  that raised it. Achievements and demands are contracted away, so that ``university ->
  achievement -> broker -> enterprise`` makes the broker the go-between of the university and
  the enterprise. Only actors (Institution, Broker, Investor, OverseasChannel) are in this
  network; the null model below draws from them alone.
- ``"d"``: D of API_CONTRACT.md, the relationships as written. Every BROKERED, SERVES,
  PARTNERS_WITH and INVESTED_IN relationship leaves the broker or investor, so on D brokers and
  investors have no incoming arc and never broker anything.

**Expected counts and z-scores.** Under the null of random group labels (the other nodes' labels
shuffled, the network, the broker's own group and the group sizes fixed), the two endpoints of
each of the ``T`` two-paths ``b`` brokers are two distinct nodes drawn from the other ``N - 1``
nodes of the network; the probability ``p`` of each role follows from the group sizes (with
``n'`` the group sizes without ``b``: ``P(a in j, c in k) = n'_j (n'_k - [j = k]) / ((N - 1)
(N - 2))``). The expected count is ``T p`` and the z-score ``(count - T p) / sqrt(T p (1 - p))``,
the two-paths being treated as independent trials (0 when the variance is 0). A positive
z-score says the node brokers in that role more than its position alone would predict.

networkx has no such function; the tests check the counts against enumeration of all triads (on
D, and on an actor flow network built by brute force from the relationships) and the expected
counts against enumeration of all label permutations on small graphs.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graphsvc.stores.contract import Store
from queries.errors import MAX_TOP, BadRequest, check_node_types, check_range
from queries.projection import Projection, projection
from queries.results import BROKERAGE_ROLES, BrokerageProfile

FloatArray = npt.NDArray[np.float64]
GroupBy = Literal["type", "kind"]
GROUPINGS: Final = ("type", "kind")
Network = Literal["flow", "d"]
NETWORKS: Final = ("flow", "d")

COORDINATOR, ITINERANT, REPRESENTATIVE, GATEKEEPER, LIAISON = range(5)

_TRIANGLE_CHUNK: Final = 1 << 15
"""How many pairs of nodes :func:`_closed_two_paths` looks for triangles on at a time (small
enough for the rows gathered to stay in cache)."""


@dataclass(frozen=True, slots=True)
class BrokerageTable:
    """Every node's group, role counts, expected counts and z-scores (rows = nodes of the
    projection, columns = :data:`~queries.results.BROKERAGE_ROLES`; nodes outside the network,
    such as achievements in the actor flow network, have zero rows)."""

    groups: list[str]
    group_of: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    expected: FloatArray
    z_scores: FloatArray


def brokerage_roles(
    store: Store,
    *,
    group_by: GroupBy = "type",
    types: Sequence[str] | None = None,
    role: str | None = None,
    top: int = 20,
    network: Network = "flow",
    as_of: str | None = None,
) -> list[BrokerageProfile]:
    """The nodes that broker most, with their Gould-Fernandez role profile.

    Parameters
    ----------
    store : Store
        The graph store.
    group_by : {"type", "kind"}, default "type"
        The groups: node types, or ``kind`` (university, enterprise, agency, ...; a node without
        a kind falls back to its type) to tell universities from enterprises.
    types : sequence of str, optional
        Node types of the brokers to return (all nodes are scored).
    role : str, optional
        Rank by this role's count (``"gatekeeper"``) instead of the total.
    top : int, default 20
        Most profiles returned, 0 to 1000.
    network : {"flow", "d"}, default "flow"
        The actor flow network (technology's direction, achievements and demands contracted
        away), or D as written (where brokers and investors never broker).

    as_of : str, optional
        The graph as of this date (``YYYY-MM-DD``, or ``YYYY`` for its 31 December), as
        :mod:`queries.timeline` defines it; today's graph when omitted.
    Returns
    -------
    list of BrokerageProfile
        Ranked by the count (total or ``role``) descending, then id; nodes that broker nothing
        in that sense are left out.

    Raises
    ------
    BadRequest
        For an unknown grouping, role, type or network, or ``top`` out of range.

    Examples
    --------
    In the example network (:mod:`queries.examples`) technology flows from lab A to enterprise B
    through the eastern centre, but also straight through the demand it solves, so the centre
    brokers nothing; lab A brokers between the western agency, its German partner and the rest.

    >>> from queries.examples import example_store
    >>> store = example_store()
    >>> for p in brokerage_roles(store, group_by="kind", top=3):
    ...     print(p.node, p.group, p.total, {r: c for r, c in p.counts.items() if c})
    lab-a university 5 {'representative': 2, 'gatekeeper': 1, 'liaison': 2}
    broker-west agency 1 {'liaison': 1}
    >>> [p.node for p in brokerage_roles(store, network="d", top=3)]
    ['lab-a', 'ach-battery', 'ent-b']
    >>> store.close()
    """
    if group_by not in GROUPINGS:
        raise BadRequest(f"group_by must be one of {', '.join(GROUPINGS)}, got {group_by!r}")
    if role is not None and role not in BROKERAGE_ROLES:
        raise BadRequest(f"unknown role {role!r}; known: {', '.join(BROKERAGE_ROLES)}")
    if network not in NETWORKS:
        raise BadRequest(f"network must be one of {', '.join(NETWORKS)}, got {network!r}")
    check_range("top", top, maximum=MAX_TOP)
    wanted = check_node_types(types)
    graph = projection(store, as_of=as_of)
    table = brokerage_table(graph, group_by, network)
    key = table.counts.sum(axis=1) if role is None else table.counts[:, BROKERAGE_ROLES.index(role)]
    candidates = np.flatnonzero((key > 0) & graph.node_mask(types=wanted))
    ranked = candidates[np.lexsort((candidates, -key[candidates]))][:top].tolist()
    return [
        BrokerageProfile(
            graph.ids[v],
            table.groups[table.group_of[v]],
            int(table.counts[v].sum()),
            dict(zip(BROKERAGE_ROLES, table.counts[v].tolist(), strict=True)),
            dict(zip(BROKERAGE_ROLES, table.expected[v].tolist(), strict=True)),
            dict(zip(BROKERAGE_ROLES, table.z_scores[v].tolist(), strict=True)),
        )
        for v in ranked
    ]


def brokerage_table(
    graph: Projection, group_by: GroupBy = "type", network: Network = "flow"
) -> BrokerageTable:
    """The brokerage of every node of ``graph`` on ``network``, computed once per data version,
    grouping and network."""
    if network == "flow":
        arcs, members = graph.flow_arcs(), graph.actor_mask()
    else:
        arcs, members = graph.arcs, np.ones(graph.number_of_nodes(), dtype=bool)
    return graph.memo(
        ("brokerage", network, group_by), lambda: _table(graph, group_by, arcs, members)
    )


def _groups(graph: Projection, group_by: GroupBy) -> tuple[list[str], npt.NDArray[np.int64]]:
    n = graph.number_of_nodes()
    if group_by == "type":
        labels = [graph.type_of(i) for i in range(n)]
    else:
        labels = [graph.kind_of(i) or graph.type_of(i) for i in range(n)]
    names = sorted(set(labels))
    code = {name: c for c, name in enumerate(names)}
    return names, np.fromiter((code[x] for x in labels), dtype=np.int64, count=n)


def role_of(a: int, b: int, c: int) -> int:
    """The role of ``b`` on ``a -> b -> c`` given the three groups.

    >>> BROKERAGE_ROLES[role_of(1, 2, 1)], BROKERAGE_ROLES[role_of(1, 1, 2)]
    ('itinerant', 'representative')
    """
    if a == b == c:
        return COORDINATOR
    if a == c:
        return ITINERANT
    if a == b:
        return REPRESENTATIVE
    if b == c:
        return GATEKEEPER
    return LIAISON


def _table(
    graph: Projection,
    group_by: GroupBy,
    arcs: npt.NDArray[np.int64],
    members: npt.NDArray[np.bool_],
) -> BrokerageTable:
    """The table on the network of ``arcs`` whose nodes are ``members`` (the others have none)."""
    names, group = _groups(graph, group_by)
    n, g = graph.number_of_nodes(), len(names)
    source, target = arcs[:, 0], arcs[:, 1]
    into = np.zeros((n, g))
    out = np.zeros((n, g))
    np.add.at(into, (target, group[source]), 1)
    np.add.at(out, (source, group[target]), 1)
    keys = source * n + target
    mutual = np.isin(keys, target * n + source)
    both = np.zeros((n, g))
    np.add.at(both, (target[mutual], group[source[mutual]]), 1)

    closed = _closed_two_paths(n, source, target, group)

    own = np.zeros((n, g))
    own[np.arange(n), group] = 1.0
    in_own, out_own = (into * own).sum(axis=1), (out * own).sum(axis=1)
    in_other, out_other = into.sum(axis=1) - in_own, out.sum(axis=1) - out_own
    pairs_other = ((into * out) * (1 - own)).sum(axis=1)
    open_paths = (
        np.column_stack(
            (
                in_own * out_own - (both * own).sum(axis=1),
                pairs_other - (both * (1 - own)).sum(axis=1),
                in_own * out_other,
                in_other * out_own,
                in_other * out_other - pairs_other,
            )
        )
        - closed
    )
    counts = np.rint(open_paths).astype(np.int64)

    sizes = np.bincount(group[members], minlength=g)
    probability = _role_probabilities(sizes, int(members.sum()))[group] * members[:, None]
    trials = counts.sum(axis=1, keepdims=True).astype(np.float64)
    expected = trials * probability
    variance = trials * probability * (1 - probability)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (counts - expected) / np.sqrt(variance), 0.0)
    return BrokerageTable(names, group, counts, expected, z)


def _closed_two_paths(
    n: int,
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    group: npt.NDArray[np.int64],
) -> FloatArray:
    """Row ``b``: the two-paths ``a -> b -> c`` closed by an arc ``a -> c``, by ``b``'s role.

    Every such two-path lies on a triangle of the undirected graph under the arcs. The triangles
    are listed once each, with sparse row products ordered by degree (each pair ``u, v`` with
    ``u`` of lower rank than ``v`` looks for the common neighbours ``w`` ranked above both), and
    each of the six orderings ``(a, b, c)`` of a triangle counts when its three arcs exist.
    """
    closed = np.zeros(n * 5, dtype=np.int64)
    if len(source) == 0:
        return closed.reshape(n, 5).astype(np.float64)
    g = int(group.max()) + 1
    roles = np.array(
        [[[role_of(a, b, c) for c in range(g)] for b in range(g)] for a in range(g)],
        dtype=np.int64,
    )
    degree = np.bincount(source, minlength=n) + np.bincount(target, minlength=n)
    order = np.lexsort((np.arange(n), degree))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ranked_source, ranked_target = rank[source], rank[target]
    # pair (u, v) with u ranked lower, coded 1 for the arc u -> v, 2 for v -> u, 3 for both
    code = np.where(ranked_source < ranked_target, 1, 2).astype(np.int8)
    later = sp.csr_array(
        (
            code,
            (
                np.minimum(ranked_source, ranked_target),
                np.maximum(ranked_source, ranked_target),
            ),
        ),
        shape=(n, n),
    )
    later.sum_duplicates()
    low = np.repeat(np.arange(n), np.diff(later.indptr))
    high = later.indices.astype(np.int64)
    pair_code = later.data.astype(np.int64)
    ranked_group = group[order]
    for start in range(0, len(low), _TRIANGLE_CHUNK):
        u, v = low[start : start + _TRIANGLE_CHUNK], high[start : start + _TRIANGLE_CHUNK]
        uv = pair_code[start : start + _TRIANGLE_CHUNK]
        from_u, from_v = later[u], later[v]
        common = from_u.multiply(from_v)
        common.data[:] = 1
        uw, vw = from_u.multiply(common).tocoo(), from_v.multiply(common).tocoo()
        row = uw.row
        nodes = (u[row], v[row], uw.col.astype(np.int64))
        xy, xz, yz = uv[row], uw.data.astype(np.int64), vw.data.astype(np.int64)
        arc = {
            (0, 1): (xy & 1) > 0,
            (1, 0): (xy & 2) > 0,
            (0, 2): (xz & 1) > 0,
            (2, 0): (xz & 2) > 0,
            (1, 2): (yz & 1) > 0,
            (2, 1): (yz & 2) > 0,
        }
        for a, b, c in itertools.permutations(range(3)):
            keep = arc[a, b] & arc[a, c] & arc[b, c]
            na, nb, nc = nodes[a][keep], nodes[b][keep], nodes[c][keep]
            role = roles[ranked_group[na], ranked_group[nb], ranked_group[nc]]
            closed += np.bincount(nb * 5 + role, minlength=n * 5)
    result = np.zeros((n, 5))
    result[order] = closed.reshape(n, 5)
    return result


def _role_probabilities(sizes: npt.NDArray[np.int64], n: int) -> FloatArray:
    """Row ``i``: the probability of each role for a broker of group ``i`` under the null."""
    g = len(sizes)
    table = np.zeros((g, 5))
    if n < 3:
        return table
    pairs = (n - 1) * (n - 2)
    for i in range(g):
        others = sizes.astype(np.float64).copy()
        others[i] -= 1
        mine = others[i]
        rest = np.delete(others, i)
        table[i] = (
            mine * (mine - 1),
            (rest * (rest - 1)).sum(),
            mine * (n - 1 - mine),
            mine * (n - 1 - mine),
            (rest * (n - 1 - mine - rest)).sum(),
        )
    return table / pairs
