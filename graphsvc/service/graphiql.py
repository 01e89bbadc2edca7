"""GraphiQL served by innonet itself, so that ``GET /graphql`` works with no network.

GraphiQL's built files (React, ReactDOM, GraphiQL's JS and CSS) come from the PyPI package
``graphene-django-graphiql-static``, a dependency installed with innonet: it ships them as package
data (its Django views are not used, and Django is not needed). This module serves them under
:data:`ASSETS_PATH` with our own page (``static/graphiql.html``) and start script
(``static/innonet-graphiql.js``), which opens the query of ``?q=`` in the editor. The page's
Content-Security-Policy allows requests to this service only.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from string import Template
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route

ASSETS_PATH: Final = "/graphiql"
"""Where GraphiQL's files are served."""

GRAPHIQL_PACKAGE: Final = "graphene_django_graphiql_static"
"""The installed package that ships GraphiQL's built files."""

_PACKAGE_FILES: Final = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
)
_OUR_FILES: Final = ("innonet-graphiql.js", "innonet-graphiql.css")
_PAGE: Final = "graphiql.html"
_MEDIA_TYPES: Final = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'"
)
"""GraphiQL's page: scripts and styles from this service only; its editor sets inline styles."""

_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _file(name: str) -> Traversable:
    if name in _OUR_FILES or name == _PAGE:
        return resources.files("graphsvc.service").joinpath("static", name)
    return resources.files(GRAPHIQL_PACKAGE).joinpath("static", GRAPHIQL_PACKAGE, name)


@functools.cache
def _asset(name: str) -> bytes:
    return _file(name).read_bytes()


@functools.cache
def page_html(endpoint: str = "/graphql") -> str:
    """The GraphiQL page for the GraphQL endpoint at ``endpoint``."""
    template = Template(_file(_PAGE).read_text(encoding="utf-8"))
    return template.substitute(assets=ASSETS_PATH, endpoint=endpoint)


def page_response(endpoint: str = "/graphql") -> HTMLResponse:
    """The GraphiQL page as a response, with its Content-Security-Policy."""
    return HTMLResponse(page_html(endpoint), headers=_HEADERS)


async def _serve_asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _PACKAGE_FILES and name not in _OUR_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    suffix = name[name.rfind(".") :]
    headers = {**_HEADERS, "Cache-Control": "public, max-age=86400"}
    return Response(_asset(name), media_type=_MEDIA_TYPES[suffix], headers=headers)


def routes() -> list[BaseRoute]:
    """The routes of GraphiQL's files, to add to the app."""
    return [Mount(ASSETS_PATH, routes=[Route("/{name}", _serve_asset, methods=["GET"])])]
