"""The maps under ``/maps`` of the service: ``/maps/hub``, ``/maps/channels``, ``/maps/ego``,
``/maps/path``, and ``/maps/`` listing them.

Each map takes the fields of its request class (:mod:`viz.kinds`) as query parameters, named as
the fields are (``max_hops``, ``rel_types``); lists are comma-separated or repeated. A parameter
that is unknown, repeated, not a number or out of range answers 400 with a page saying which and
why; an unknown id answers 404; a store that does not answer, 503. Pages are cached per question
and data version, so a dashboard that embeds a map does not recompute it on every view. A map
not ready within :data:`PATIENCE_SECONDS` is answered with a page saying what is being computed,
which reloads itself until the map is there (a first betweenness ranking takes seconds).
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time
import typing
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import MISSING, Field, fields
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from graphsvc.stores.contract import Store, StoreError
from queries.errors import BadRequest, NotFound
from viz.kinds import KINDS, MapRequest, parse_request
from viz.page import CONTENT_SECURITY_POLICY

PATIENCE_SECONDS: Final = 1.5
"""How long a request waits for a map before answering with a page that says it is computing."""
REFRESH_SECONDS: Final = 2
"""How often that page reloads itself."""
DRAWING_AT_ONCE: Final = 2
"""Maps drawn at the same time (the machine has few cores; the rest wait)."""
DRAWING_QUEUE: Final = 8
"""Most maps drawn or waiting to be drawn; beyond, 503."""
CACHED_PAGES: Final = 16
"""How many rendered pages the service keeps (each is about 0.5-2 MB)."""

_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _PageCache:
    """The last :data:`CACHED_PAGES` pages, by kind, request and data version."""

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple[str, MapRequest, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, MapRequest, str]) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[str, MapRequest, str], page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)


def _error_page(status: int, heading: str, message: str) -> HTMLResponse:
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(heading)}</title></head><body>"
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(message)}</p>"
        '<p><a href="./">The maps and their parameters</a></p></body></html>'
    )
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _default_text(field: Field[object]) -> str:
    """A parameter's default as a person reads it."""
    if field.default is MISSING:
        return "required"
    if field.default is None:
        return "any"
    return str(field.default)


def _described(doc: str | None) -> str:
    """A request class's docstring as HTML: ``name`` marks a parameter."""
    text = html.escape(" ".join((doc or "").split()))
    return re.sub(r"``(.+?)``", r"<code>\1</code>", text)


def _index_page() -> str:
    sections = []
    for kind, request_type in KINDS.items():
        rows = "".join(
            f"<tr><td><code>{f.name}</code></td><td>{html.escape(_default_text(f))}</td></tr>"
            for f in fields(request_type)
        )
        needs_nothing = all(f.default is not MISSING for f in fields(request_type))
        heading = f'<a href="{kind}">{kind}</a>' if needs_nothing else kind
        sections.append(
            f"<h2>{heading}</h2><p>{_described(request_type.__doc__)}</p>"
            f"<table><tr><th>parameter</th><th>default</th></tr>{rows}</table>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>innonet maps</title>'
        "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;color:#222}"
        "td,th{padding:.15em 1em .15em 0;text-align:left}th{font-weight:600}</style>"
        "</head><body><h1>innonet maps</h1><p>Each map is one self-contained page that works "
        "offline. Ask with query parameters, lists comma-separated, for example "
        "<code>/maps/hub?metric=BETWEENNESS&amp;types=BROKER&amp;top=50</code> or "
        "<code>/maps/ego?id=brk:east&amp;depth=2</code>.</p>"
        f"{''.join(sections)}</body></html>"
    )


class _Drawing:
    """Maps being drawn, one job per question: a second request for the same map waits on the
    same job; at most :data:`DRAWING_AT_ONCE` draw at once and :data:`DRAWING_QUEUE` wait."""

    def __init__(self) -> None:
        self._jobs: dict[tuple[str, MapRequest, str], tuple[Future[str], float]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(DRAWING_AT_ONCE, thread_name_prefix="innonet-maps")

    def start(
        self, key: tuple[str, MapRequest, str], draw: Callable[[], str]
    ) -> tuple[Future[str], float]:
        """The job drawing ``key`` (started now unless one runs) and when it started."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                return job
            if len(self._jobs) >= DRAWING_QUEUE:
                raise MapsBusy(f"{len(self._jobs)} maps are being drawn; retry in a few seconds")
            future = self._pool.submit(draw)
            self._jobs[key] = job = (future, time.monotonic())
        future.add_done_callback(lambda _: self._forget(key))
        return job

    def _forget(self, key: tuple[str, MapRequest, str]) -> None:
        with self._lock:
            self._jobs.pop(key, None)


class MapsBusy(Exception):
    """Too many maps are being drawn at once."""


def _progress_page(kind: str, request: MapRequest, seconds: float) -> HTMLResponse:
    """Said while a map is still being drawn: what is computed, for how long; reloads itself."""
    asked = ", ".join(
        f"{f.name}={getattr(request, f.name)}"
        for f in fields(request)
        if getattr(request, f.name) != f.default
    )
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
        f"<title>Drawing the {kind} map…</title></head>"
        '<body data-layout="computing" style="font-family:sans-serif;margin:2em">'
        f"<h1>Drawing the {html.escape(kind)} map…</h1>"
        f"<p>{html.escape(asked or 'default parameters')}</p>"
        f"<p role=status>Computing for {seconds:.0f} s. The first ranking or neighbourhood on "
        "a graph can take several seconds (betweenness, closeness and brokerage look at every "
        "path); later maps reuse it. This page reloads itself until the map is ready.</p>"
        "</body></html>"
    )
    return HTMLResponse(body, headers=_HEADERS)


def routes(
    get_store: Callable[[], Store], *, patience: float = PATIENCE_SECONDS
) -> list[BaseRoute]:
    """The routes of the maps, to mount at ``/maps``; ``get_store`` gives the service's store;
    a map not drawn within ``patience`` seconds is answered with a progress page."""
    cache = _PageCache()
    drawing = _Drawing()

    def draw(kind: str, request: MapRequest, store: Store, key: tuple[str, MapRequest, str]) -> str:
        page = request.draw(store).html()
        cache.put(key, page)
        return page

    def endpoint(kind: str) -> Callable[[Request], typing.Awaitable[Response]]:
        async def show(request: Request) -> Response:
            try:
                asked = parse_request(kind, list(request.query_params.multi_items()))
                store = await run_in_threadpool(get_store)
                key = (kind, asked, await run_in_threadpool(store.data_version))
                page = cache.get(key)
                if page is None:
                    future, started = drawing.start(key, lambda: draw(kind, asked, store, key))
                    try:
                        page = await asyncio.wait_for(
                            asyncio.shield(asyncio.wrap_future(future)), patience
                        )
                    except TimeoutError:
                        return _progress_page(kind, asked, time.monotonic() - started)
            except MapsBusy as exc:
                return _error_page(503, "Busy", str(exc))
            except NotFound as exc:
                return _error_page(404, "Not found", str(exc))
            except BadRequest as exc:
                return _error_page(400, "Bad request", str(exc))
            except StoreError:
                return _error_page(503, "Store unavailable", "the graph store did not answer")
            return HTMLResponse(page, headers=_HEADERS)

        show.__name__ = f"{kind}_map"
        return show

    index = _index_page()

    async def listing(request: Request) -> Response:
        return HTMLResponse(index, headers=_HEADERS)

    return [
        Route("/", listing, methods=["GET"], name="maps"),
        *(Route(f"/{kind}", endpoint(kind), methods=["GET"], name=f"{kind}_map") for kind in KINDS),
    ]
