"""The Starlette app: GraphQL, GraphiQL, health, maps and a landing page.

============================  ===================================================================
route                         what
============================  ===================================================================
``GET /``                     landing page: what is loaded, example queries, links to the maps
                              (with API keys set: only a hint to send one)
``POST /graphql``             GraphQL over JSON (:mod:`graphsvc.service.endpoint`)
``GET /graphql``              the GraphiQL explorer (off when introspection is off)
``GET /graphiql/...``         GraphiQL's files, from an installed package (works offline)
``GET /healthz``              200 ``{"status": "ok"}`` when the store answers through the threads
                              that serve light requests within 2 s, 503 otherwise
``GET /readyz``               200 ``{"status": "ready", "heavy": ...}``, or 503 ``saturated``
                              when a heavy request would be refused now
``/maps/...``                 the interactive maps of :mod:`viz.web`, when installed
``GET /export/FORMAT``        the graph or a map's data: GEXF, GraphML, CSV (:mod:`viz.export_web`)
============================  ===================================================================

Middleware, outermost first: access log and request id, CORS (when origins are configured),
API keys, body size limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import importlib.util
import logging
import threading
import time
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import PurePath
from typing import Final
from urllib.parse import quote

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from graphsvc.schema import build_schema
from graphsvc.service import graphiql
from graphsvc.service.access_log import AccessLog, configure_logging
from graphsvc.service.admission import Admission
from graphsvc.service.endpoint import GraphQLEndpoint
from graphsvc.service.guards import LimitBody, RequireApiKey
from graphsvc.service.heavy import HeavyProcess
from graphsvc.service.settings import Settings
from graphsvc.service.store_holder import StoreHolder
from graphsvc.stores import NEO4J_SCHEMES
from graphsvc.stores.contract import GraphCounts, Store, StoreError
from queries.projection import projection
from queries.projection_file import build_in_child

HEALTH_TIMEOUT: Final = 2.0
"""Seconds the store has to answer a health check (through the light request threads)."""

LOGIN_HINT: Final = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>innonet</title>"
    "<h1>innonet</h1><p>This service needs an API key: send <code>Authorization: Bearer "
    "&lt;key&gt;</code> with each request to <code>/graphql</code> and <code>/maps</code>.</p>"
)
"""The whole landing page when API keys are set."""

EXAMPLES: Final = (
    (
        "What is loaded",
        "{\n  stats {\n    nodes relationships\n    byType { type count }\n"
        "    sources { name loadedAt nodes relationships }\n  }\n}",
    ),
    (
        "Find brokers",
        "{\n  search(types: [BROKER], first: 10) {\n    totalCount\n"
        "    edges { node { id name kind region } }\n    pageInfo { hasNextPage endCursor }\n"
        "  }\n}",
    ),
    (
        "Top brokers by betweenness",
        "{\n  centrality(metric: BETWEENNESS, types: [BROKER], top: 10)"
        " {\n    approximate method\n    scores { rank score node { id name kind } }\n  }\n}",
    ),
    (
        "Channels abroad by PageRank",
        "{\n  centrality(metric: PAGERANK, types: [OVERSEAS_CHANNEL],"
        " top: 10) {\n    scores { rank score node { name country } }\n  }\n}",
    ),
)
"""Example queries on the landing page, each opening GraphiQL with it."""

log = logging.getLogger("innonet.app")


def create_app(settings: Settings | None = None, store: Store | None = None) -> Starlette:
    """The app for ``settings`` (default: from the environment), on ``store`` when given."""
    settings = settings or Settings.from_env()
    holder = StoreHolder(settings.store, store)
    admission = Admission(HeavyProcess(holder.uri), settings.heavy_queue)
    graphql = GraphQLEndpoint(
        build_schema(introspection=settings.introspection),
        holder=holder,
        admission=admission,
        timeout=settings.request_timeout,
        graphiql=settings.introspection,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        graphql.heap.install()
        try:
            await to_thread.run_sync(holder.get)
        except StoreError as exc:
            log.error("store %s does not answer yet: %s", settings.store, exc)
        build_in_child(holder.uri)
        if holder.owned:  # a store handed in may be closed under a thread still waiting
            threading.Thread(
                target=_map_projection, args=(holder,), name="innonet-projection", daemon=True
            ).start()
        yield
        await to_thread.run_sync(admission.shutdown)
        graphql.heap.uninstall()
        await to_thread.run_sync(holder.close)

    async def healthz(request: Request) -> Response:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(
                loop.run_in_executor(admission.light, _version, holder), HEALTH_TIMEOUT
            )
        except (StoreError, TimeoutError) as exc:
            log.warning("health check: the store does not answer: %r", exc)
            return JSONResponse({"status": "unavailable"}, 503)
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        state = admission.state()
        return JSONResponse(state, 503 if admission.saturated else 200)

    async def landing(request: Request) -> Response:
        if settings.api_keys:
            return HTMLResponse(LOGIN_HINT)
        try:
            counts: GraphCounts | None = await to_thread.run_sync(
                lambda: holder.get().counts(), abandon_on_cancel=True
            )
        except StoreError:
            counts = None
        return HTMLResponse(landing_page(counts, settings, maps="/maps" in mounted))

    routes: list[BaseRoute] = [
        Route("/", landing, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        *graphiql.routes(),
    ]
    mounted = []
    if importlib.util.find_spec("viz.web") is not None:
        from viz.export_web import routes as export_routes
        from viz.web import routes as map_routes

        routes.append(Mount("/maps", routes=map_routes(holder.get)))
        routes.append(Mount("/export", routes=export_routes(holder.get)))
        mounted.append("/maps")

    middleware = [Middleware(AccessLog)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
                max_age=600,
            )
        )
    middleware += [Middleware(RequireApiKey, keys=settings.api_keys), Middleware(LimitBody)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def app_from_env() -> Starlette:
    """The app as ``innonet serve`` runs it in each worker: settings and logging from the
    environment."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return create_app(settings)


def _map_projection(holder: StoreHolder) -> None:
    """Map the projection of the store's data version at start (built first, in a child
    process, when it has no file yet), so the first request finds it ready."""
    try:
        started = time.monotonic()
        graph = projection(holder.get())
        log.info(
            "projection of data version %s: %d nodes, ready in %.1f s",
            graph.version,
            graph.number_of_nodes(),
            time.monotonic() - started,
        )
    except Exception as exc:  # the first request meets the cause again and reports it
        log.warning("projection not ready at start: %r", exc)


def _version(holder: StoreHolder) -> str:
    return holder.get().data_version()


def store_label(store: str) -> str:
    """How the landing page names the store: its kind and file name, never a path or a host.

    >>> store_label("/srv/data/innonet.db"), store_label("bolt://graph.internal:7687")
    ('embedded, innonet.db', 'Neo4j')
    """
    if store.startswith(NEO4J_SCHEMES):
        return "Neo4j"
    return f"embedded, {PurePath(store).name}"


def landing_page(counts: GraphCounts | None, settings: Settings, *, maps: bool) -> str:
    """The landing page's HTML."""
    template = (
        resources.files("graphsvc.service").joinpath("landing.html").read_text(encoding="utf-8")
    )
    if counts is None:
        loaded = "<p class=warn>The store does not answer yet; see <a href=/healthz>/healthz</a>."
    else:
        types = "".join(
            f"<tr><td>{html.escape(t)}</td><td>{n:,}</td></tr>" for t, n in counts.by_type.items()
        )
        sources = (
            "".join(
                f"<tr><td>{html.escape(s.name)}</td><td>{html.escape(s.loaded_at)}</td>"
                f"<td>{s.nodes:,}</td><td>{s.relationships:,}</td></tr>"
                for s in counts.sources
            )
            or "<tr><td colspan=4>nothing loaded: run <code>innonet load BUNDLE</code></td></tr>"
        )
        loaded = (
            f"<p><b>{counts.nodes:,}</b> nodes and <b>{counts.relationships:,}</b> relationships "
            f"(data version <code>{html.escape(counts.data_version)}</code>).</p>"
            f"<table><tr><th>node type</th><th>count</th></tr>{types}</table>"
            "<table><tr><th>source</th><th>loaded at (UTC)</th><th>nodes</th>"
            f"<th>relationships</th></tr>{sources}</table>"
        )
    if settings.introspection:
        examples = "".join(
            f'<li><a href="/graphql?q={quote(query)}">{html.escape(title)}</a>'
            f"<pre>{html.escape(query)}</pre></li>"
            for title, query in EXAMPLES
        )
    else:
        examples = "<li>GraphiQL is off (introspection is disabled); POST queries to /graphql.</li>"
    notes: list[str] = []
    links = '<a href="/maps/">maps</a> · ' if maps else ""
    return (
        template.replace("{{store}}", html.escape(store_label(settings.store)))
        .replace("{{loaded}}", loaded)
        .replace("{{examples}}", examples)
        .replace("{{notes}}", " ".join(notes))
        .replace("{{links}}", links)
    )
