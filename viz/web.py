"""The maps under ``/maps`` of the service: ``/maps/hub``, ``/maps/channels``, ``/maps/ego``,
``/maps/path``, and ``/maps/`` listing them.

Each map takes the fields of its request class (:mod:`viz.kinds`) as query parameters, named as
the fields are (``max_hops``, ``rel_types``); lists are comma-separated or repeated. A parameter
that is unknown, repeated, not a number or out of range answers 400 with a page saying which and
why; an unknown id answers 404; a store that does not answer, 503. Pages are cached per question
and data version, so a dashboard that embeds a map does not recompute it on every view.
"""

from __future__ import annotations

import html
import re
import threading
import typing
from collections import OrderedDict
from collections.abc import Callable
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


def routes(get_store: Callable[[], Store]) -> list[BaseRoute]:
    """The routes of the maps, to mount at ``/maps``; ``get_store`` gives the service's store."""
    cache = _PageCache()

    def draw(kind: str, request: MapRequest) -> str:
        store = get_store()
        key = (kind, request, store.data_version())
        page = cache.get(key)
        if page is None:
            page = request.draw(store).html()
            cache.put(key, page)
        return page

    def endpoint(kind: str) -> Callable[[Request], typing.Awaitable[Response]]:
        async def show(request: Request) -> Response:
            try:
                asked = parse_request(kind, list(request.query_params.multi_items()))
                page = await run_in_threadpool(draw, kind, asked)
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
