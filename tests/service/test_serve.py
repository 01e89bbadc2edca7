"""``innonet serve``: prints its URL and serves until stopped."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from graphsvc.service.serve import RESTART_LIMIT, Supervisor
from graphsvc.stores.contract import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.slow
def test_serve_prints_the_url_and_answers(loaded: Store, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "INNONET_API_KEYS": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graphsvc.cli",
            "serve",
            "--store",
            loaded.uri,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    env = {**os.environ, "INNONET_REQUEST_TIMEOUT": "soon"}
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc.cli", "serve", "--store", str(tmp_path / "g.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert "INNONET_REQUEST_TIMEOUT" in done.stderr


SERVE = [sys.executable, "-m", "graphsvc.cli", "serve"]


def _start(store: str, log: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    """``innonet serve --port 0 ARGS`` with stderr to ``log``; the process and its port."""
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*SERVE, "--store", store, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "INNONET_API_KEYS": ""},
            cwd=log.parent,
        )
    assert process.stdout is not None
    first = process.stdout.readline()
    port = int(first.split("http://127.0.0.1:")[1].split("/")[0])
    assert port != 0
    return process, port


def _listeners(port: int) -> int:
    """How many sockets listen on 127.0.0.1:``port`` (from /proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1] == local and line.split()[3] == "0A")


def _workers(parent: int) -> set[int]:
    """The pids of the worker processes a supervisor spawned."""
    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == parent and b"spawn_main" in cmdline:
            found.add(int(proc.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _ready(process: subprocess.Popen[str], port: int, workers: int) -> set[int]:
    """Wait until ``workers`` workers listen and one answers; their pids."""
    _wait_for(lambda: _listeners(port) == workers, f"{workers} workers did not listen")
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json() == {"status": "ok"}
    pids = _workers(process.pid)
    assert len(pids) == workers
    return pids


def _stop(process: subprocess.Popen[str], workers: set[int]) -> None:
    """SIGTERM the supervisor: it exits 0 and leaves no worker behind."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    _wait_for(lambda: not any(_alive(pid) for pid in workers), "workers outlived the parent")


async def _keep_alive_batch(port: int, batch: int, connections: int) -> None:
    """Open ``connections`` connections at once and send 3 requests on each, ids ``b-c-r``."""

    async def one(connection: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in range(3):
                writer.write(
                    b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-ID: %d-%d-%d\r\n\r\n"
                    % (batch, connection, request)
                )
                head = await reader.readuntil(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
        finally:
            writer.close()
            await writer.wait_closed()

    await asyncio.gather(*(one(c) for c in range(connections)))


def _served_by(log: Path) -> dict[tuple[str, str], set[int]]:
    """Per (batch, connection) of :func:`_keep_alive_batch`, the pids of the access log lines."""
    served: dict[tuple[str, str], set[int]] = {}
    for line in log.read_text().splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("logger") == "innonet.access" and entry["request_id"].count("-") == 2:
            batch, connection, _ = entry["request_id"].split("-")
            served.setdefault((batch, connection), set()).add(entry["pid"])
    return served


@pytest.mark.slow
def test_workers_each_listen_and_share_keep_alive_connections(
    loaded: Store, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    process, port = _start(loaded.uri, log, "--workers", "2", "--log-level", "info")
    workers: set[int] = set()
    try:
        workers = _ready(process, port, 2)
        # The kernel picks a worker per connection from a hash of its addresses, so a batch of 8
        # lands on one worker 1 time in 128; a further batch makes a false failure unlikely.
        for batch in range(3):
            asyncio.run(_keep_alive_batch(port, batch, 8))
            expected = 8 * (batch + 1)
            _wait_for(lambda: len(_served_by(log)) == expected, "access log lines")  # noqa: B023
            served = _served_by(log)
            if set().union(*served.values()) == workers:
                break
        assert set().union(*served.values()) == workers, served
        # a keep-alive connection stays with the worker that accepted it
        assert all(len(pids) == 1 for pids in served.values())
    finally:
        if process.poll() is None:
            _stop(process, workers)
        assert process.stdout is not None
        process.stdout.close()


@pytest.mark.slow
def test_a_killed_worker_is_restarted(loaded: Store, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, port = _start(loaded.uri, log, "--workers", "2", "--log-level", "warning")
    workers: set[int] = set()
    try:
        workers = _ready(process, port, 2)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: victim not in _workers(process.pid), "the killed worker was not reaped")
        _wait_for(lambda: len(_workers(process.pid)) == 2, "the worker was not restarted")
        replaced = _workers(process.pid)
        assert len(replaced - workers) == 1
        workers |= replaced
        _wait_for(lambda: _listeners(port) == 2, "the new worker did not listen")
        for _ in range(10):
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
        assert "restarting it" in log.read_text()
    finally:
        if process.poll() is None:
            _stop(process, workers)
        assert process.stdout is not None
        process.stdout.close()


def test_supervisor_gives_up_on_a_worker_that_keeps_dying(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # sys.exit called with (host, port, log level) raises TypeError: each worker dies at once
    supervisor = Supervisor("127.0.0.1", 0, 2, "warning", target=sys.exit)
    assert supervisor.run() == 1
    err = capsys.readouterr().err
    assert f"died {RESTART_LIMIT} times within" in err and "stopping" in err


def test_serve_reports_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*SERVE, "--store", str(tmp_path / "g.db"), "--port", str(port), "--workers", "2"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
