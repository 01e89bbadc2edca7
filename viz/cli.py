"""``innonet viz KIND ... --out FILE.html``: draw a map into a self-contained HTML file;
``innonet export FILE [--map KIND --param NAME=VALUE ...]``: the whole graph, or what a map draws,
as GEXF, GraphML or CSV (the format from the file name's end).

Exit codes follow ``graphsvc.cli``: 0 written, 1 an unknown id, 2 a usage error (an argument out
of range, an unreachable store, an unwritable file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphsvc.cli import add_list_option, add_store_option
from graphsvc.stores import open_store
from graphsvc.stores.contract import StoreError
from queries.cli import add_as_of_option
from queries.errors import BadRequest, NotFound
from viz.export import FORMATS, whole_graph_relationships, write
from viz.kinds import (
    KINDS,
    LAYOUTS,
    ChannelMapRequest,
    EgoMapRequest,
    HubMapRequest,
    MapRequest,
    PathMapRequest,
    parse_request,
)
from viz.maps import HUB_LABELS, NODE_CAP, PATH_CONTEXT


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", required=True, type=Path, metavar="FILE.html", help="the page to write"
    )
    add_store_option(parser)


def _max_nodes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-nodes",
        type=int,
        default=NODE_CAP,
        help=f"most nodes drawn (1..{NODE_CAP}, default {NODE_CAP})",
    )


def _register_export(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    endings = ", ".join(f".{f}" if "." not in f else f for f in FORMATS)
    export = subparsers.add_parser(
        "export",
        help="the graph or a map's data as GEXF (Gephi), GraphML or CSV",
        description="Write the whole graph, or the nodes and relations a map draws, to a file "
        f"for Gephi, Cytoscape or a spreadsheet. The file name's end picks the format: {endings}.",
    )
    export.add_argument("out", type=Path, metavar="FILE", help=f"the file to write ({endings})")
    export.add_argument("--map", choices=sorted(KINDS), help="export what this map draws")
    export.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the map, as /maps/KIND takes it (metric=BETWEENNESS, top=50, "
        "id=brk:east, types=BROKER,INVESTOR); repeat for more",
    )
    add_store_option(export)
    export.set_defaults(handler=_export)


def _format_of(path: Path) -> str | None:
    name = path.name.lower()
    return next((f for f in FORMATS if name.endswith(f if "." in f else f".{f}")), None)


def _export(args: argparse.Namespace) -> int:
    out: Path = args.out
    format = _format_of(out)
    if format is None:
        print(
            f"innonet export: cannot tell the format of {out.name}: end the name in "
            ".gexf, .graphml, nodes.csv or relations.csv",
            file=sys.stderr,
        )
        return 2
    pairs = []
    for param in args.param:
        name, equals, value = param.partition("=")
        if not equals:
            print(f"innonet export: --param {param!r} is not NAME=VALUE", file=sys.stderr)
            return 2
        pairs.append((name.strip(), value))
    if pairs and args.map is None:
        print("innonet export: --param needs --map KIND", file=sys.stderr)
        return 2
    try:
        store = open_store(args.store, create=False)
    except StoreError as exc:
        print(f"innonet export: {exc}", file=sys.stderr)
        return 2
    try:
        if args.map is None:
            chunks = write(format, store.iter_nodes(), whole_graph_relationships(store))
            what = "the whole graph"
        else:
            page = parse_request(args.map, pairs).draw(store)
            drawn = page.drawn
            chunks = write(
                format, drawn.nodes, drawn.relationships, measures=drawn.measures, title=page.title
            )
            what = (
                f"{page.title} ({len(drawn.nodes):,} nodes, {len(drawn.relationships):,} relations)"
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as file:
            for chunk in chunks:
                file.write(chunk)
    except NotFound as exc:
        print(f"innonet export: {exc}", file=sys.stderr)
        return 1
    except (BadRequest, StoreError) as exc:
        print(f"innonet export: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"innonet export: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"wrote {out}: {what} as {format}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``innonet viz`` and its four kinds of map, and ``innonet export``."""
    _register_export(subparsers)
    viz = subparsers.add_parser(
        "viz",
        help="draw an interactive map (self-contained HTML, works offline)",
        description="Draw an interactive network map into one HTML file that opens offline.",
    )
    kinds = viz.add_subparsers(dest="kind", metavar="KIND", required=True)

    hub = kinds.add_parser(
        "hub", help="the top actors by a centrality and the relations among them"
    )
    hub.add_argument(
        "--metric", default="PAGERANK", help="DEGREE, PAGERANK, BETWEENNESS, CLOSENESS, HARMONIC"
    )
    hub.add_argument("--top", type=int, default=100, help="how many actors (default 100)")
    add_list_option(hub, "types", "node types to rank", metavar="TYPE")
    add_list_option(hub, "kinds", "kinds to rank", metavar="KIND")
    hub.add_argument("--country", help="only actors of this country (ISO code)")
    hub.add_argument("--labels", type=int, default=HUB_LABELS, help="label this many biggest hubs")
    add_as_of_option(hub)
    _common(hub)
    hub.set_defaults(handler=_hub)

    channels = kinds.add_parser(
        "channels", help="the city's actors, their overseas channels and the countries reached"
    )
    channels.add_argument("--home-country", default="CN", help="the actors' country (default CN)")
    channels.add_argument("--region", help="only actors of this region (district)")
    channels.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="world",
        help="world: countries on a world map, the city's actors in an inset (default); "
        "ring: countries round a ring",
    )
    channels.add_argument(
        "--labels", type=int, default=HUB_LABELS, help="label this many busiest actors"
    )
    _max_nodes(channels)
    add_as_of_option(channels)
    _common(channels)
    channels.set_defaults(handler=_channels)

    ego = kinds.add_parser("ego", help="the neighbourhood of one actor")
    ego.add_argument("id", metavar="NODE", help="the actor: an id or a name (part of one will do)")
    ego.add_argument("--depth", type=int, default=1, help="hops from the actor (1..3, default 1)")
    add_list_option(ego, "types", "node types to include", metavar="TYPE")
    add_list_option(ego, "rel-types", "relation types to follow", metavar="REL")
    _max_nodes(ego)
    add_as_of_option(ego)
    _common(ego)
    ego.set_defaults(handler=_ego)

    path = kinds.add_parser(
        "path", help="the k shortest paths and ranked intermediaries between two actors"
    )
    path.add_argument("source", help="where the routes start (a lab, say): an id or a name")
    path.add_argument("target", help="where they end (an enterprise, say): an id or a name")
    path.add_argument("--k", type=int, default=5, help="how many shortest paths (default 5)")
    path.add_argument("--max-hops", type=int, default=6, help="longest path (default 6)")
    add_list_option(path, "via", "node types allowed in between", metavar="TYPE")
    add_list_option(path, "rel-types", "relation types to follow", metavar="REL")
    path.add_argument("--brokers", type=int, default=10, help="intermediaries ranked (default 10)")
    path.add_argument(
        "--broker-hops", type=int, default=4, help="longest path counted for them (default 4)"
    )
    add_list_option(path, "broker-types", "node types that count as intermediaries", metavar="TYPE")
    path.add_argument(
        "--context",
        type=int,
        default=PATH_CONTEXT,
        help=f"greyed neighbours drawn around the routes (default {PATH_CONTEXT})",
    )
    _max_nodes(path)
    add_as_of_option(path)
    _common(path)
    path.set_defaults(handler=_path)


def _hub(args: argparse.Namespace) -> int:
    return _draw(
        args,
        HubMapRequest(
            metric=args.metric,
            top=args.top,
            types=_tuple(args.types),
            kinds=_tuple(args.kinds),
            country=args.country,
            labels=args.labels,
            as_of=args.as_of,
        ),
    )


def _channels(args: argparse.Namespace) -> int:
    return _draw(
        args,
        ChannelMapRequest(
            home_country=args.home_country,
            region=args.region,
            layout=args.layout,
            max_nodes=args.max_nodes,
            labels=args.labels,
            as_of=args.as_of,
        ),
    )


def _ego(args: argparse.Namespace) -> int:
    return _draw(
        args,
        EgoMapRequest(
            id=args.id,
            depth=args.depth,
            types=_tuple(args.types),
            rel_types=_tuple(args.rel_types),
            max_nodes=args.max_nodes,
            as_of=args.as_of,
        ),
    )


def _path(args: argparse.Namespace) -> int:
    return _draw(
        args,
        PathMapRequest(
            source=args.source,
            target=args.target,
            k=args.k,
            max_hops=args.max_hops,
            via=_tuple(args.via),
            rel_types=_tuple(args.rel_types),
            brokers=args.brokers,
            broker_hops=args.broker_hops,
            broker_types=_tuple(args.broker_types),
            context=args.context,
            max_nodes=args.max_nodes,
            as_of=args.as_of,
        ),
    )


def _draw(args: argparse.Namespace, request: MapRequest) -> int:
    """Draw ``request`` from the store and write the page; report errors as exit codes."""
    try:
        store = open_store(args.store, create=False)
    except StoreError as exc:
        print(f"innonet viz: {exc}", file=sys.stderr)
        return 2
    try:
        page = request.draw(store)
    except NotFound as exc:
        print(f"innonet viz {args.kind}: {exc}", file=sys.stderr)
        return 1
    except (BadRequest, StoreError) as exc:
        print(f"innonet viz {args.kind}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    out: Path = args.out
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page.html(), encoding="utf-8")
    except OSError as exc:
        print(f"innonet viz: cannot write {out}: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}: {page.title}; {page.coverage.note}")
    return 0
