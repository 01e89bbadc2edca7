"""``/export/FORMAT``: the whole graph, or the data a map draws, as GEXF, GraphML or CSV.

``FORMAT`` is one of :data:`viz.export.FORMATS` (``gexf``, ``graphml``, ``nodes.csv``,
``relations.csv``). Without parameters the answer is the whole graph, streamed in batches;
``?map=KIND`` and that map's parameters (the same as ``/maps/KIND``, read by
:func:`viz.kinds.parse_request`) export what that map draws, at most the map's node cap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from graphsvc.stores.contract import Store, StoreError
from queries.errors import BadRequest, NotFound
from viz.export import FORMATS, MEDIA_TYPES, whole_graph_relationships, write
from viz.kinds import KINDS, parse_request

_SUFFIX: Final = {"gexf": "gexf", "graphml": "graphml", "nodes.csv": "nodes.csv"}


def _file_name(format: str, kind: str | None) -> str:
    return f"innonet-{kind or 'graph'}.{_SUFFIX.get(format, 'relations.csv')}"


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


def routes(get_store: Callable[[], Store]) -> list[BaseRoute]:
    """The export routes, to mount at ``/export``; ``get_store`` gives the service's store."""

    async def export(request: Request) -> Response:
        format = request.path_params["format"]
        if format not in FORMATS:
            return PlainTextResponse(
                f"unknown export format {format!r}; known: {', '.join(FORMATS)}", 404
            )
        params = list(request.query_params.multi_items())
        kind = next((v for k, v in params if k == "map"), None)
        try:
            if sum(k == "map" for k, _ in params) > 1:
                raise BadRequest("map given more than once; give it once")
            if kind is None and params:
                raise BadRequest(
                    f"parameters need map=KIND ({', '.join(KINDS)}); "
                    "without them the whole graph is exported"
                )
            if kind is not None and kind not in KINDS:
                raise BadRequest(f"unknown map {kind!r}; known: {', '.join(KINDS)}")
            store = await run_in_threadpool(get_store)
            if kind is None:
                chunks = write(format, store.iter_nodes(), whole_graph_relationships(store))
            else:
                asked = parse_request(kind, [(k, v) for k, v in params if k != "map"])
                page = await run_in_threadpool(asked.draw, store)
                drawn = page.drawn
                chunks = write(
                    format,
                    drawn.nodes,
                    drawn.relationships,
                    measures=drawn.measures,
                    title=page.title,
                )
        except NotFound as exc:
            return PlainTextResponse(str(exc), 404)
        except BadRequest as exc:
            return PlainTextResponse(str(exc), 400)
        except StoreError:
            return PlainTextResponse("the graph store did not answer", 503)
        return StreamingResponse(
            _encoded(chunks),
            media_type=MEDIA_TYPES[format],
            headers={
                "Content-Disposition": f'attachment; filename="{_file_name(format, kind)}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [Route("/{format}", export, methods=["GET"], name="export")]
