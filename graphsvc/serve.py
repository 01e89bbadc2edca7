"""``innonet serve`` (the GraphQL service under uvicorn) and ``innonet schema`` (its SDL)."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from graphsvc.cli import add_store_option
from graphsvc.settings import LOG_LEVELS, Settings, SettingsError
from graphsvc.stores import NEO4J_SCHEMES


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` and ``schema`` subcommands."""
    serve = subparsers.add_parser(
        "serve",
        help="serve the GraphQL API, GraphiQL and the maps over HTTP",
        description="Serve GraphQL at /graphql (GraphiQL in a browser), /healthz, /maps and a "
        "landing page at /. Settings come from INNONET_* variables (see docs/api.md).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    add_store_option(serve)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (1); each opens the store"
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=None,
        help="lowest level logged (default $INNONET_LOG_LEVEL or info)",
    )
    serve.set_defaults(handler=run_serve)

    schema = subparsers.add_parser(
        "schema", help="print the GraphQL schema (SDL), as in schema.graphql"
    )
    schema.set_defaults(handler=run_schema)


def run_serve(args: argparse.Namespace) -> int:
    """Check the settings, print where the service listens, and run uvicorn until stopped."""
    if args.store is not None:
        os.environ["INNONET_STORE"] = args.store
    if args.log_level is not None:
        os.environ["INNONET_LOG_LEVEL"] = args.log_level
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"innonet serve: {exc}", file=sys.stderr)
        return 2
    if args.workers < 1 or not 0 <= args.port <= 65535:
        print("innonet serve: --workers must be 1 or more and --port 0 to 65535", file=sys.stderr)
        return 2
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/"
    print(f"innonet: serving {settings.store} at {url}", flush=True)
    print(f"  GraphQL: {url}graphql   health: {url}healthz   maps: {url}maps/", flush=True)
    if not settings.store.startswith(NEO4J_SCHEMES) and not Path(settings.store).exists():
        print(
            f"innonet serve: no store at {settings.store} yet; /healthz answers 503 until "
            f"`innonet load BUNDLE --store {settings.store}` writes it",
            file=sys.stderr,
            flush=True,
        )
    config = TcpConfig(
        "graphsvc.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,
    )
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
    return 0


class TcpConfig(uvicorn.Config):
    """uvicorn's config, with a listening socket that says it is TCP.

    With several workers uvicorn binds the socket itself as ``socket.socket(family)``, whose
    ``proto`` is 0; asyncio then does not set ``TCP_NODELAY`` on the connections it accepts, and
    every keep-alive answer (headers and body written apart) waits ~40 ms for a delayed ACK.
    Re-wrapping the descriptor lets Python read the real protocol, and asyncio sets the option.
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        return socket.socket(fileno=sock.detach())


def run_schema(args: argparse.Namespace) -> int:
    """Print the schema's SDL (with introspection on, as clients see it by default)."""
    from graphsvc.schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0
