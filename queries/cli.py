"""``innonet search``, ``path``, ``brokers``, ``hubs``, ``roles``, ``holes``, ``fragility``,
``communities``, ``abroad``, ``lost-routes``, ``concentration``, ``unreached``, ``demands``,
``changes``, ``trends``: the query layer for people who live in a terminal, printed as tables with
node names. Every question on the graph takes ``--as-of DATE`` and then ends with how much of the
graph as of that date is undated.

Every node argument takes an id or a name (:mod:`queries.names`); every list option is
``--types A,B`` (repeatable). Exit codes follow ``graphsvc.cli``: 0 answered, 1 an unknown or
ambiguous node, 2 a bad option or bound or an unreachable store.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graphsvc.cli import add_list_option, add_store_option
from graphsvc.model import NODE_TYPE_NAMES, RELATION_TYPE_NAMES
from graphsvc.stores import open_store
from graphsvc.stores.contract import Node, SearchFilter, Store, StoreError
from queries.brokers import intermediaries
from queries.centrality import METRICS, centrality
from queries.changes import TREND_METRICS, Amount, Dating, changes, dating, trends
from queries.communities import communities
from queries.concentration import ENDS, concentration
from queries.demands import DEMAND_STATUSES, unsolved_demands
from queries.errors import MAX_TOP, BadRequest, NotFound, check_node_types, check_range
from queries.fragility import fragility, removal_impact
from queries.holes import ORDERS, structural_holes
from queries.names import labelled, resolve_node
from queries.paths import k_shortest_paths, shortest_path
from queries.reach import GROUPINGS as REACH_GROUPINGS
from queries.reach import lost_routes, overseas_reach, unreached
from queries.results import BROKERAGE_ROLES, Path
from queries.roles import GROUPINGS, NETWORKS, brokerage_roles

Answer = Callable[[Store, argparse.Namespace, Console], None]
NODE_TYPE_CHOICES = sorted({*NODE_TYPE_NAMES, *(n.upper() for n in NODE_TYPE_NAMES)})


METRIC_MEANINGS: Final = {
    "DEGREE": "relationships touching the actor",
    "PAGERANK": "share of a random walk along the relations spent at the actor (all sum to 1)",
    "BETWEENNESS": "share of shortest paths between other actors that pass through it (0-1)",
    "CLOSENESS": "1 / average hops to the actors it reaches, scaled by how many it reaches (0-1)",
    "HARMONIC": "sum of 1 / hops to every other actor (higher: closer to more actors)",
}
"""What each centrality score means, printed under the table."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the query subcommands to the ``innonet`` command."""
    found = _command(
        subparsers, "search", "find nodes by name or id (part of it, any script)", answer_search
    )
    found.add_argument("text", help="part of a name or id: 交通大学, sjtu, brk:")
    add_list_option(found, "types", "node types to list", metavar="TYPE", dest="type", alias="type")
    found.add_argument("--limit", type=int, default=20, help="most nodes listed (<= 1000)")
    path = _command(subparsers, "path", "routes between two actors", answer_path)
    _endpoints(path)
    path.add_argument("--max-hops", type=int, default=6, help="most relationships (<= 8)")
    add_list_option(
        path,
        "via",
        "node types the intermediate nodes must have (Broker, INVESTOR, ...)",
        metavar="TYPE",
        dest="via",
    )
    add_list_option(
        path,
        "rel-types",
        "relation types the path may use",
        metavar="REL",
        dest="rel_type",
        alias="rel-type",
        choices=RELATION_TYPE_NAMES,
    )
    path.add_argument(
        "--weighted", action="store_true", help="cheapest path, a relationship costing 1/weight"
    )
    path.add_argument("--k", type=int, default=1, help="the k shortest paths (<= 50)")

    brokers = _command(subparsers, "brokers", "who can introduce two actors", answer_brokers)
    _endpoints(brokers)
    brokers.add_argument("--max-hops", type=int, default=4, help="longest path counted (<= 8)")
    add_list_option(
        brokers,
        "types",
        "node types of the intermediaries (default: all)",
        metavar="TYPE",
        dest="types",
    )
    brokers.add_argument("--limit", type=int, default=10, help="most intermediaries shown")
    brokers.add_argument("--evidence", type=int, default=1, help="paths shown per intermediary")

    hubs = _command(subparsers, "hubs", "the most central actors", answer_hubs)
    hubs.add_argument("--metric", default="PAGERANK", type=str.upper, choices=METRICS)
    add_list_option(
        hubs,
        "types",
        "node types to list",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    add_list_option(
        hubs,
        "kinds",
        "kinds to list (university, ...)",
        metavar="KIND",
        dest="kind",
        alias="kind",
    )
    hubs.add_argument("--country", help="ISO country code of the nodes to list")
    hubs.add_argument("--region", help="region (district or province) of the nodes to list")
    hubs.add_argument("--top", type=int, default=20, help="how many (<= 1000)")

    roles = _command(subparsers, "roles", "brokerage roles (Gould-Fernandez)", answer_roles)
    add_list_option(
        roles,
        "types",
        "node types to list",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    roles.add_argument(
        "--group-by",
        choices=GROUPINGS,
        default="type",
        help="groups: node type, or kind (university vs enterprise)",
    )
    roles.add_argument("--role", choices=BROKERAGE_ROLES, help="rank by this role")
    roles.add_argument(
        "--network",
        choices=NETWORKS,
        default="flow",
        help="flow: the actor flow network (technology's direction, achievements and demands "
        "contracted away; default); d: the relationships as written, where brokers never broker",
    )
    roles.add_argument("--top", type=int, default=20, help="how many (<= 1000)")

    holes = _command(subparsers, "holes", "structural holes (Burt)", answer_holes)
    add_list_option(
        holes,
        "types",
        "node types to list",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    holes.add_argument("--by", choices=ORDERS, default="effective_size")
    holes.add_argument("--top", type=int, default=20, help="how many (<= 1000)")

    weak = _command(subparsers, "fragility", "single points of failure", answer_fragility)
    add_list_option(
        weak,
        "types",
        "node types of the articulation points to list",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    weak.add_argument("--top", type=int, default=10, help="how many (<= 1000)")
    weak.add_argument(
        "--remove", metavar="NODE", help="what removing this one node (id or name) would cut off"
    )

    groups = _command(
        subparsers, "communities", "communities (Leiden, modularity)", answer_communities
    )
    groups.add_argument("--seed", type=int, default=0)
    groups.add_argument("--resolution", type=float, default=1.0)
    groups.add_argument("--top", type=int, default=10, help="how many (<= 1000)")

    abroad = _command(
        subparsers, "abroad", "who carries the links to overseas channels", answer_abroad
    )
    add_list_option(
        abroad,
        "types",
        "node types (default: all but channels)",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    add_list_option(
        abroad,
        "kinds",
        "kinds to list",
        metavar="KIND",
        dest="kind",
        alias="kind",
    )
    abroad.add_argument("--region", help="region (district or province) of the actors")
    abroad.add_argument("--country", help="ISO country code of the actors")
    abroad.add_argument("--max-hops", type=int, default=1, help="channels within (1-3)")
    abroad.add_argument("--top", type=int, default=10, help="how many (<= 1000)")

    lost = _command(
        subparsers, "lost-routes", "who loses every route to a target if nodes go", answer_lost
    )
    lost.add_argument(
        "removed", nargs="+", metavar="NODE", help="the nodes taken out (ids or names)"
    )
    lost.add_argument("--to-country", help="ISO country code of the targets (DE)")
    add_list_option(
        lost,
        "to-types",
        "node types of the targets",
        metavar="TYPE",
        dest="to_type",
        alias="to-type",
    )
    add_list_option(
        lost,
        "to-kinds",
        "kinds of the targets",
        metavar="KIND",
        dest="to_kind",
        alias="to-kind",
    )
    add_list_option(
        lost,
        "from-types",
        "node types asked about",
        metavar="TYPE",
        dest="from_type",
        alias="from-type",
    )
    add_list_option(
        lost,
        "from-kinds",
        "kinds asked about",
        metavar="KIND",
        dest="from_kind",
        alias="from-kind",
    )
    lost.add_argument("--max-hops", type=int, help="longest route (<= 8; default: any)")
    lost.add_argument("--limit", type=int, default=100, help="most lost nodes listed")

    share = _command(
        subparsers, "concentration", "do a few actors carry most deals", answer_concentration
    )
    share.add_argument("--rel-type", default="BROKERED", choices=RELATION_TYPE_NAMES)
    share.add_argument("--by", default="source", choices=ENDS, help="the end the actors are at")
    add_list_option(
        share,
        "types",
        "node types of the actors",
        metavar="TYPE",
        dest="type",
        alias="type",
    )
    add_list_option(
        share,
        "kinds",
        "kinds of the actors",
        metavar="KIND",
        dest="kind",
        alias="kind",
    )
    share.add_argument("--top", type=int, default=10, help="actors listed (<= 1000)")

    cut = _command(subparsers, "unreached", "per district, who reaches no target", answer_unreached)
    add_list_option(
        cut,
        "from-types",
        "node types asked about (default Institution)",
        metavar="TYPE",
        dest="from_type",
        alias="from-type",
        default=["Institution"],
    )
    add_list_option(
        cut,
        "from-kinds",
        "kinds asked about (default enterprise)",
        metavar="KIND",
        dest="from_kind",
        alias="from-kind",
        default=["enterprise"],
    )
    add_list_option(
        cut,
        "to-types",
        "node types of the targets",
        metavar="TYPE",
        dest="to_type",
        alias="to-type",
    )
    add_list_option(
        cut,
        "to-kinds",
        "kinds of the targets (default university)",
        metavar="KIND",
        dest="to_kind",
        alias="to-kind",
        default=["university"],
    )
    cut.add_argument("--max-hops", type=int, default=3, help="longest route (<= 8)")
    cut.add_argument("--group-by", choices=REACH_GROUPINGS, default="region")
    cut.add_argument("--limit", type=int, default=5, help="unreached ids listed per group")

    wanted = _command(
        subparsers, "demands", "unsolved demands and their candidates", answer_demands
    )
    wanted.add_argument("--field", help="part of the demands' field")
    add_list_option(
        wanted,
        "statuses",
        "demand statuses to list (default open,matched)",
        metavar="STATUS",
        dest="status",
        alias="status",
        choices=DEMAND_STATUSES,
        default=["open", "matched"],
    )
    wanted.add_argument("--max-hops", type=int, default=3, help="farthest transferred candidate")
    wanted.add_argument("--candidates", type=int, default=3, help="per demand (<= 50)")
    wanted.add_argument("--limit", type=int, default=10, help="demands listed")

    delta = _command(
        subparsers, "changes", "what changed between two dates", answer_changes, dated=False
    )
    delta.add_argument("from_", metavar="FROM", help="the earlier date, YYYY-MM-DD or YYYY")
    delta.add_argument("to", metavar="TO", help="the later date, YYYY-MM-DD or YYYY")
    delta.add_argument("--hub-metric", default="DEGREE", type=str.upper, choices=METRICS)
    delta.add_argument("--top", type=int, default=10, help="hubs and brokers listed (<= 1000)")

    series = _command(
        subparsers, "trends", "a yearly series of one figure", answer_trends, dated=False
    )
    series.add_argument("metric", type=str.upper, choices=TREND_METRICS)
    series.add_argument("from_year", metavar="FROM", type=int, help="first year")
    series.add_argument("to_year", metavar="TO", type=int, help="last year")


def _command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    answer: Answer,
    *,
    dated: bool = True,
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help, description=help)
    add_store_option(parser)
    if dated:
        add_as_of_option(parser)
    parser.set_defaults(handler=lambda args: run(answer, args))
    return parser


def add_as_of_option(parser: argparse.ArgumentParser) -> None:
    """``--as-of DATE``: answer on the graph as of a date (:mod:`queries.timeline`)."""
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the graph as of YYYY-MM-DD, or a year YYYY (its 31 December); undated nodes and "
        "relationships always count, and the answer ends with how many it included",
    )


def _endpoints(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="one end: a node id or name (part of one will do)")
    parser.add_argument("target", help="the other end: a node id or name")


def run(answer: Answer, args: argparse.Namespace, console: Console | None = None) -> int:
    """Open the store, answer, print; map unknown ids to exit 1 and bad bounds to exit 2.

    Errors go to stderr as plain single lines (no wrapping), so that logs can be searched.
    """

    def fail(exc: Exception, code: int) -> int:
        print(f"innonet {args.command}: {exc}", file=sys.stderr)
        return code

    try:
        store = open_store(args.store, create=False)
    except StoreError as exc:
        return fail(exc, 2)
    try:
        shown = console or Console()
        answer(store, args, shown)
        if getattr(args, "as_of", None) is not None:
            shown.print(dating(store, args.as_of).sentence(), highlight=False)
    except NotFound as exc:
        return fail(exc, 1)
    except (BadRequest, StoreError) as exc:
        return fail(exc, 2)
    finally:
        store.close()
    return 0


def _title(node: Node) -> str:
    """``name [id]`` for a rich title (the brackets escaped, not read as markup)."""
    return escape(labelled(node))


def _table(
    columns: Sequence[str],
    *,
    title: str,
    caption: str | None = None,
    min_widths: Mapping[str, int] | None = None,
) -> Table:
    """An empty table of ``columns`` whose long cells fold onto more lines."""
    table = Table(title=title, caption=caption)
    for column in columns:
        width = (min_widths or {}).get(column)
        table.add_column(column, min_width=width, overflow="fold")
    return table


def _names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    return {i: n.name for i, n in store.nodes(sorted(set(ids))).items()}


def _route(path: Path, names: dict[str, str]) -> str:
    steps = [names.get(path.nodes[0], path.nodes[0])]
    for rel, node in zip(path.relationships, path.nodes[1:], strict=True):
        arrow = f"-{rel.type}->" if rel.target == node else f"<-{rel.type}-"
        steps.append(f"{arrow} {names.get(node, node)}")
    return " ".join(steps)


def answer_search(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet search TEXT``: nodes whose name or id contains the text, by name."""
    check_range("limit", args.limit, minimum=1, maximum=MAX_TOP)
    types = check_node_types(args.type)
    where = SearchFilter(text=args.text, types=sorted(types) if types else None)
    page = store.search(where, first=args.limit)
    shown = f", {len(page.nodes)} shown" if page.total > len(page.nodes) else ""
    table = _table(
        ("id", "name", "type", "kind", "country", "region"),
        title=f"{page.total:,} nodes match {args.text!r}{shown}",
    )
    for node in page.nodes:
        table.add_row(
            node.id, node.name, node.type, node.kind or "", node.country or "", node.region or ""
        )
    console.print(table)


def answer_path(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet path A B``: one shortest (or cheapest) path, or the k shortest."""
    source, target = resolve_node(store, args.source), resolve_node(store, args.target)
    if args.k == 1 or args.weighted:
        found = shortest_path(
            store,
            source.id,
            target.id,
            max_hops=args.max_hops,
            via=args.via,
            rel_types=args.rel_type,
            weighted=args.weighted,
            as_of=args.as_of,
        )
        paths = [found] if found else []
    else:
        paths = k_shortest_paths(
            store,
            source.id,
            target.id,
            k=args.k,
            max_hops=args.max_hops,
            via=args.via,
            rel_types=args.rel_type,
            as_of=args.as_of,
        )
    if not paths:
        console.print(
            f"no path of at most {args.max_hops} relationships "
            f"between {labelled(source)} and {labelled(target)}",
            markup=False,
        )
        return
    names = _names(store, (n for p in paths for n in p.nodes))
    table = _table(
        ("#", "hops", "cost", "route"),
        title=f"paths {_title(source)} -> {_title(target)}",
    )
    for k, path in enumerate(paths, 1):
        table.add_row(str(k), str(path.length), f"{path.cost:g}", _route(path, names))
    console.print(table)


def answer_brokers(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet brokers A B``: the intermediaries between two actors."""
    source, target = resolve_node(store, args.source), resolve_node(store, args.target)
    found = intermediaries(
        store,
        source.id,
        target.id,
        max_hops=args.max_hops,
        types=args.types,
        limit=args.limit,
        evidence=args.evidence,
        as_of=args.as_of,
    )
    ids = [i.node for i in found.items] + [n for i in found.items for p in i.paths for n in p.nodes]
    names = _names(store, ids)
    kinds = {i: n.kind or n.type for i, n in store.nodes(sorted(set(ids))).items()}
    table = _table(
        ("id", "name", "kind", "paths", "shortest", "evidence"),
        title=f"intermediaries {_title(source)} - {_title(target)} "
        f"(<= {args.max_hops} hops, {found.paths_examined} paths"
        f"{', truncated' if found.truncated else ''})",
        caption="paths: routes between the two ends that pass through the intermediary; "
        "shortest: hops of the shortest of them",
    )
    for item in found.items:
        table.add_row(
            item.node,
            names.get(item.node, ""),
            kinds.get(item.node, ""),
            str(item.path_count),
            str(item.shortest_hops),
            "\n".join(_route(p, names) for p in item.paths),
        )
    console.print(table)


def answer_hubs(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet hubs --metric pagerank --type BROKER --top 20``."""
    result = centrality(
        store,
        args.metric,
        types=args.type,
        kinds=args.kind,
        country=args.country,
        region=args.region,
        top=args.top,
        as_of=args.as_of,
    )
    nodes = store.nodes([s.node for s in result.scores])
    title = f"{result.metric}{' (approximate)' if result.approximate else ''}"
    meaning = METRIC_MEANINGS.get(result.metric.upper(), "")
    table = _table(
        ("rank", "id", "name", "type", "kind", "country", "score"),
        title=title,
        caption=f"score: {meaning}; {result.method}",
    )
    for score in result.scores:
        node = nodes.get(score.node)
        table.add_row(
            str(score.rank),
            score.node,
            node.name if node else "",
            node.type if node else "",
            (node.kind if node else None) or "",
            (node.country if node else None) or "",
            f"{score.score:.6g}",
        )
    console.print(table)


def answer_roles(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet roles``: brokerage role counts and z-scores."""
    profiles = brokerage_roles(
        store,
        group_by=args.group_by,
        types=args.type,
        role=args.role,
        top=args.top,
        network=args.network,
        as_of=args.as_of,
    )
    names = _names(store, (p.node for p in profiles))
    network = "actor flow network" if args.network == "flow" else "D"
    table = _table(
        ("id", "name", "group", "total", *BROKERAGE_ROLES),
        title=f"brokerage roles on the {network} (groups: node {args.group_by})",
        caption="count (z-score against shuffled group labels)",
        min_widths={"name": 16},
    )
    for p in profiles:
        table.add_row(
            p.node,
            names.get(p.node, ""),
            p.group,
            str(p.total),
            *(f"{p.counts[r]} ({p.z_scores[r]:+.1f})" for r in BROKERAGE_ROLES),
        )
    console.print(table)


def answer_holes(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet holes``: Burt's effective size and constraint."""
    holes = structural_holes(store, types=args.type, by=args.by, top=args.top, as_of=args.as_of)
    names = _names(store, (h.node for h in holes))
    table = _table(
        ("id", "name", "degree", "effective size", "constraint"),
        title=f"structural holes (by {args.by})",
        caption="effective size: contacts not tied to each other (higher: more holes spanned); "
        "constraint: how much the contacts tie each other up (lower: more brokerage freedom)",
    )
    for h in holes:
        table.add_row(
            h.node,
            names.get(h.node, ""),
            str(h.degree),
            f"{h.effective_size:.2f}",
            f"{h.constraint:.3f}",
        )
    console.print(table)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def answer_fragility(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet fragility``: articulation points and bridges, or one node's removal."""
    if args.remove:
        removed = resolve_node(store, args.remove)
        separation, lost = removal_impact(store, removed.id, args.as_of)
        console.print(
            f"removing {labelled(removed)} cuts off {separation.size} "
            f"node{'s' if separation.size != 1 else ''} in "
            f"{separation.pieces} piece{'s' if separation.pieces != 1 else ''}: "
            f"{_counts(separation.types)}; countries: {_counts(separation.countries) or '-'}",
            markup=False,
        )
        names = _names(store, lost)
        for node in lost:
            console.print(f"  {node}  {names.get(node, '')}", markup=False)
        return
    found = fragility(store, types=args.type, top=args.top, as_of=args.as_of)
    names = _names(
        store, [p.node for p in found.cut_points] + [n for b in found.bridges for n in b.nodes]
    )
    table = _table(
        ("id", "name", "cut off", "pieces", "types", "countries"),
        title="articulation points",
        caption="cut off: nodes separated from the largest remaining piece of the component if "
        "this one goes; pieces: how many pieces they fall into",
    )
    for p in found.cut_points:
        s = p.separation
        table.add_row(
            p.node,
            names.get(p.node, ""),
            str(s.size),
            str(s.pieces),
            _counts(s.types),
            _counts(s.countries),
        )
    console.print(table)
    bridges = _table(("between", "relationships", "cut off", "types"), title="bridges")
    for b in found.bridges:
        bridges.add_row(
            " - ".join(names.get(n, n) for n in b.nodes),
            ", ".join(b.relationships),
            str(b.separation.size),
            _counts(b.separation.types),
        )
    console.print(bridges)


def answer_communities(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet communities``: communities (Leiden, modularity) with their summaries."""
    found = communities(
        store, seed=args.seed, resolution=args.resolution, top=args.top, as_of=args.as_of
    )
    names = _names(store, (h for c in found.items for h in c.hubs))
    table = _table(
        ("#", "size", "types", "countries", "hubs"),
        title=f"{found.total} communities (modularity {found.modularity:.3f}, seed {found.seed})",
    )
    for c in found.items:
        table.add_row(
            str(c.rank),
            str(c.size),
            _counts(c.types),
            _counts(c.countries),
            ", ".join(names.get(h, h) for h in c.hubs),
        )
    console.print(table)


def answer_abroad(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet abroad``: the actors carrying most links to overseas channels."""
    found = overseas_reach(
        store,
        types=args.type,
        kinds=args.kind,
        region=args.region,
        country=args.country,
        max_hops=args.max_hops,
        top=args.top,
        as_of=args.as_of,
    )
    names = _names(store, (a.node for a in found.items))
    table = _table(
        ("id", "name", "direct", "share", "channels", "countries"),
        title=f"links to overseas channels (within {found.max_hops} hops; "
        f"{found.channels} channels, {found.links} links)",
        caption="direct: overseas channels it partners with; share: its part of every "
        "actor-channel link; channels, countries: channels within the hops, per country",
    )
    for a in found.items:
        table.add_row(
            a.node,
            names.get(a.node, ""),
            str(a.direct),
            f"{a.share:.1%}",
            str(a.channels),
            f"{len(a.countries)}: " + ", ".join(f"{c} {n}" for c, n in a.countries.items()),
        )
    console.print(table)


def answer_lost(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet lost-routes ID ...``: who loses every route to the targets."""
    removed = [resolve_node(store, text) for text in args.removed]
    found = lost_routes(
        store,
        [node.id for node in removed],
        to_country=args.to_country,
        to_types=args.to_type,
        to_kinds=args.to_kind,
        from_types=args.from_type,
        from_kinds=args.from_kind,
        max_hops=args.max_hops,
        limit=args.limit,
        as_of=args.as_of,
    )
    nodes = store.nodes([r.node for r in found.items])
    table = _table(
        ("id", "name", "kind", "targets before"),
        title=f"without {', '.join(_title(n) for n in removed)}: {found.lost} of "
        f"{found.reached_before} lose every route to the {found.targets} targets",
    )
    for r in found.items:
        node = nodes.get(r.node)
        table.add_row(
            r.node,
            node.name if node else "",
            ((node.kind or node.type) if node else ""),
            str(r.targets_before),
        )
    console.print(table)


def answer_concentration(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet concentration``: shares, top-k shares, HHI and Gini of the deals."""
    found = concentration(
        store,
        rel_type=args.rel_type,
        by=args.by,
        types=args.type,
        kinds=args.kind,
        top=args.top,
        as_of=args.as_of,
    )
    tops = ", ".join(f"top {k} {s:.1%}" for k, s in found.top_shares.items())
    console.print(
        f"{found.rel_type} by {found.by}: {found.deals} deals over {found.actors} actors "
        f"({found.active} active); {tops}; HHI {found.hhi:.4f} (equivalent number "
        f"{found.equivalent_number:.1f}); Gini {found.gini:.3f}; "
        f"{found.half} actors carry half of all deals"
    )
    nodes = store.nodes([h.node for h in found.items])
    table = _table(
        ("#", "id", "name", "kind", "deals", "share"),
        title=f"who holds the {found.rel_type} deals",
    )
    for rank, h in enumerate(found.items, 1):
        node = nodes.get(h.node)
        table.add_row(
            str(rank),
            h.node,
            node.name if node else "",
            (node.kind if node else None) or "",
            str(h.deals),
            f"{h.share:.1%}",
        )
    console.print(table)


def answer_unreached(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet unreached``: per district, the nodes reaching no target."""
    found = unreached(
        store,
        from_types=args.from_type,
        from_kinds=args.from_kind,
        to_types=args.to_type,
        to_kinds=args.to_kind,
        max_hops=args.max_hops,
        group_by=args.group_by,
        limit=args.limit,
        as_of=args.as_of,
    )
    names = _names(store, (i for g in found.groups for i in g.unreached_ids))
    table = _table(
        (found.group_by, "nodes", "reached", "unreached", "for example"),
        title=f"{found.unreached} of {found.nodes} reach no target within "
        f"{found.max_hops} hops (by {found.group_by})",
    )
    for g in found.groups:
        table.add_row(
            g.group or "(none)",
            str(g.nodes),
            str(g.reached),
            str(g.unreached),
            ", ".join(names.get(i, i) for i in g.unreached_ids),
        )
    console.print(table)


def answer_demands(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet demands``: unsolved demands and the achievements nearest them."""
    found = unsolved_demands(
        store,
        field=args.field,
        statuses=args.status,
        max_hops=args.max_hops,
        candidates=args.candidates,
        limit=args.limit,
        as_of=args.as_of,
    )
    ids = [d.demand for d in found.items] + [
        n
        for d in found.items
        for c in d.candidates
        for n in (c.path.nodes if c.path else [c.achievement])
    ]
    names = _names(store, ids)
    table = _table(
        ("demand", "title", "field", "status", "candidates (hops: route)"),
        title=f"{found.total} unsolved demands (nearest candidates first)",
    )
    for d in found.items:
        table.add_row(
            d.demand,
            names.get(d.demand, ""),
            d.field or "",
            d.status,
            "\n".join(
                f"{'-' if c.distance is None else c.distance}"
                f"{' transferred' if c.transferred else ''}: "
                + (_route(c.path, names) if c.path else names.get(c.achievement, c.achievement))
                for c in d.candidates
            ),
        )
    console.print(table)


def _dated(dating: Dating) -> str:
    return (
        f"{dating.nodes:,} nodes ({dating.undated_nodes:,} undated), "
        f"{dating.relationships:,} relationships ({dating.undated_relationships:,} undated)"
    )


def _amount_table(title: str, amounts: dict[str, Amount]) -> Table:
    table = _table(("", "transfers", "amount (CNY)"), title=title)
    for key, amount in amounts.items():
        table.add_row(key, f"{amount.count:,}", f"{amount.amount_cny:,.0f}")
    return table


def answer_changes(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet changes 2022 2023``: what appeared, hubs and brokers moving, demands, deals."""
    found = changes(store, args.from_, args.to, hub_metric=args.hub_metric, top=args.top)
    console.print(
        f"from {found.before.as_of} ({_dated(found.before)}) to {found.after.as_of} "
        f"({_dated(found.after)}); undated ones count as always there, so never appear",
        highlight=False,
    )
    appeared = _table(("type", "count"), title="appeared")
    for name, count in (*found.nodes.items(), *found.relationships.items()):
        appeared.add_row(name, f"{count:,}")
    console.print(appeared)
    ids = [h.node for h in (*found.hubs, *found.hubs_before)]
    ids += [b.node for b in (*found.brokers_rose, *found.brokers_fell)]
    names = _names(store, [*ids, *found.new_channels])
    hubs = _table(
        ("rank", "rank before", "id", "name", "score"),
        title=f"hubs by {found.hub_metric} on {found.after.as_of}",
    )
    for h in found.hubs:
        before = "new" if h.rank_before is None else str(h.rank_before)
        hubs.add_row(str(h.rank), before, h.node, names.get(h.node, ""), f"{h.score:.6g}")
    console.print(hubs)
    brokers = _table(
        ("id", "name", "deals before", "share before", "deals", "share", "change"),
        title="brokers' share of deals",
    )
    for b in (*found.brokers_rose, *found.brokers_fell):
        brokers.add_row(
            b.node,
            names.get(b.node, ""),
            f"{b.deals_before:,}",
            f"{b.share_before:.1%}",
            f"{b.deals:,}",
            f"{b.share:.1%}",
            f"{b.change:+.1%}",
        )
    console.print(brokers)
    console.print(
        f"new overseas channels: {len(found.new_channels)} "
        f"({', '.join(names.get(c, c) for c in found.new_channels) or '-'}); "
        f"new countries reached: {', '.join(found.new_countries) or '-'}; "
        f"demands posted: {found.demands_posted:,}, solved: {found.demands_solved:,}",
        highlight=False,
    )
    console.print(_amount_table("transfers by mode", found.transfers_by_mode))
    console.print(_amount_table("transfers by seller kind", found.transfers_by_actor))


def answer_trends(store: Store, args: argparse.Namespace, console: Console) -> None:
    """``innonet trends MATCH_RATE 2016 2023``: one row per year."""
    found = trends(store, args.metric, args.from_year, args.to_year)
    keys = sorted({k for p in found.points for k in p.parts})
    table = _table(("year", "value", *keys), title=found.metric, caption=found.meaning)
    for point in found.points:
        table.add_row(
            str(point.year),
            f"{point.value:,.6g}",
            *(f"{point.parts[k]:,.6g}" if k in point.parts else "" for k in keys),
        )
    console.print(table)


if __name__ == "__main__":
    from graphsvc.cli import main

    sys.exit(main())
