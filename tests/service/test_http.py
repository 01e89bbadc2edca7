"""The HTTP surface: routes, malformed bodies, the body-size limit, request ids and logs."""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import TYPE_CHECKING

import pytest

from graphsvc.service.guards import MAX_BODY_BYTES

if TYPE_CHECKING:
    from tests.service.conftest import Running


def test_health_and_landing(api: Running) -> None:
    health = api.client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    page = api.client.get("/")
    assert page.status_code == 200
    assert "synthetic" in page.text and "/graphql?q=" in page.text


def test_graphiql_is_served_on_get(api: Running) -> None:
    page = api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b'"a string"', "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"variables": {}}', "no query"),
        (b'{"query": "{ stats { nodes } }", "operationName": 5}', "operationName"),
        (b'{"query": ""}', "No GraphQL query"),
        (b'{"query": "query A { stats { nodes } }", "operationName": "B"}', 'operation named "B"'),
    ],
)
def test_malformed_bodies_are_400_with_a_json_error(api: Running, body: bytes, words: str) -> None:
    response = api.client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert words in error["message"]


def test_the_first_of_several_operations_runs_when_none_is_named(api: Running) -> None:
    response = api.client.post(
        "/graphql",
        json={"query": "query A { stats { nodes } } query B { stats { relationships } }"},
    )
    assert response.status_code == 200
    assert list(response.json()["data"]["stats"]) == ["nodes"]


def test_queries_over_get_are_refused(api: Running) -> None:
    response = api.client.get("/graphql", params={"query": "{ stats { nodes } }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_bodies_over_one_megabyte_are_413(api: Running) -> None:
    padding = " " * (MAX_BODY_BYTES + 1 - len('{"query": "{ stats { nodes } }"}'))
    body = ('{"query": "{ stats { nodes } }"' + padding + "}").encode()
    assert len(body) == MAX_BODY_BYTES + 1
    response = api.client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    at_limit = body[:-2] + b"}"
    ok = api.client.post("/graphql", content=at_limit, headers={"Content-Type": "application/json"})
    assert ok.status_code == 200


def test_chunked_bodies_over_the_limit_are_413(api: Running) -> None:
    def chunks() -> object:
        yield b'{"query": "{ stats { nodes } }", "pad": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    response = api.client.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_a_declared_oversize_body_is_refused_before_it_is_sent(api: Running) -> None:
    host, port = api.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {MAX_BODY_BYTES * 5}\r\n\r\n".encode()
        )
        head = conn.recv(4096)
    assert head.startswith(b"HTTP/1.1 413")


def test_request_ids_and_access_log(api: Running, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="innonet.access")
    response = api.client.post(
        "/graphql",
        json={"query": "query Counts { stats { nodes } }", "operationName": "Counts"},
        headers={"X-Request-ID": "planner-42"},
    )
    assert response.headers["x-request-id"] == "planner-42"
    fresh = api.client.get("/healthz").headers["x-request-id"]
    assert len(fresh) == 32
    entry = _logged(caplog, "planner-42")
    assert entry["operation"] == "Counts"
    assert entry["status"] == 200 and entry["path"] == "/graphql" and entry["method"] == "POST"
    assert isinstance(entry["duration_ms"], float)


def _logged(caplog: pytest.LogCaptureFixture, request_id: str) -> dict[str, object]:
    """The access log fields of a request (written just after its answer is sent)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for record in caplog.records:
            fields = getattr(record, "fields", {})
            if record.name == "innonet.access" and fields.get("request_id") == request_id:
                return dict(fields)
        time.sleep(0.01)
    raise AssertionError(f"no access log line for {request_id}")


def test_json_log_lines() -> None:
    from graphsvc.service.access_log import JsonFormatter

    record = logging.LogRecord(
        "innonet.access", logging.INFO, "", 0, "POST %s", ("/graphql",), None
    )
    record.fields = {"request_id": "r1", "status": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "POST /graphql"
    assert line["request_id"] == "r1" and line["status"] == 200 and line["level"] == "INFO"
