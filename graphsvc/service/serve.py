"""``innonet serve`` (the GraphQL service under uvicorn) and ``innonet schema`` (its SDL)."""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from pathlib import Path
from types import FrameType
from typing import Any, Final

import uvicorn

from graphsvc.cli import add_store_option
from graphsvc.service.connections import uvicorn_options
from graphsvc.service.settings import LOG_LEVELS, Settings, SettingsError
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
    port = args.port
    supervisor = None
    if args.workers > 1:
        supervisor = Supervisor(args.host, args.port, args.workers, settings.log_level)
        try:
            port = supervisor.reserve()
        except OSError as exc:
            print(
                f"innonet serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
            )
            return 1
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{port}/"
    print(f"innonet: serving {settings.store} at {url}", flush=True)
    print(f"  GraphQL: {url}graphql   health: {url}healthz   maps: {url}maps/", flush=True)
    if not settings.store.startswith(NEO4J_SCHEMES) and not Path(settings.store).exists():
        print(
            f"innonet serve: no store at {settings.store} yet; /healthz answers 503 until "
            f"`innonet load BUNDLE --store {settings.store}` writes it",
            file=sys.stderr,
            flush=True,
        )
    if supervisor is None:
        uvicorn.Server(_config(args.host, args.port, settings.log_level)).run()
        return 0
    return supervisor.run()


APP: Final = "graphsvc.service.app:app_from_env"
"""The application factory every worker runs (it reads the ``INNONET_*`` settings)."""

RESTART_LIMIT: Final = 5
"""A worker slot that dies this many times within :data:`RESTART_WINDOW` makes the service quit."""

RESTART_WINDOW: Final = 60.0
"""Seconds over which a worker slot's deaths are counted."""

STOP_TIMEOUT: Final = 30.0
"""Seconds a worker has to finish its requests after SIGTERM before it is killed."""

STOP_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
"""What makes the supervisor stop its workers and exit; a second one kills them at once."""


def _config(
    host: str, port: int, log_level: str, app: str | Callable[[], Any] = APP
) -> uvicorn.Config:
    """The uvicorn settings of ``--workers 1`` and of every worker of a supervisor, for the
    application factory ``app`` (innonet's unless told)."""
    return uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        **uvicorn_options(),
    )


def listening_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT``, listening unless told not to.

    Each worker binds its own such socket on the same port, and Linux spreads new connections
    across them, where a single shared socket lets whichever worker wakes first accept every
    queued connection. The protocol is given as TCP so that asyncio sets ``TCP_NODELAY`` on the
    connections it accepts (with protocol 0 it does not, and keep-alive answers wait ~40 ms for a
    delayed ACK).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    """One worker process: its own listening socket on the shared port, and uvicorn on it."""
    serve_worker(host, port, log_level, APP)


def serve_worker(host: str, port: int, log_level: str, app: str | Callable[[], Any]) -> None:
    """Run the application factory ``app`` as one worker of a :class:`Supervisor` runs
    innonet's: on its own ``SO_REUSEPORT`` socket, with the service's uvicorn settings."""
    sock = listening_socket(host, port)
    uvicorn.Server(_config(host, port, log_level, app)).run(sockets=[sock])


class Supervisor:
    """Runs ``workers`` uvicorn processes, each listening on the same port with SO_REUSEPORT.

    The supervisor binds the port first (without listening: it accepts nothing) to resolve
    ``--port 0`` and to report an address in use before any worker starts; it keeps that socket
    until it exits so the port stays reserved. SIGINT and SIGTERM are passed on to the workers as
    SIGTERM (uvicorn's graceful shutdown), and a worker that dies otherwise is restarted, unless
    the same worker slot died :data:`RESTART_LIMIT` times within :data:`RESTART_WINDOW` seconds.
    """

    def __init__(
        self,
        host: str,
        port: int,
        workers: int,
        log_level: str,
        target: Callable[..., object] = _worker,
    ) -> None:
        """``target(host, port, log_level)`` is what each worker process runs (spawned)."""
        self.target = target
        self.host = host
        self.port = port
        self.workers = workers
        self.log_level = log_level
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[SpawnProcess | None] = [None] * workers
        self._deaths: list[deque[float]] = [deque() for _ in range(workers)]
        self._signals = 0
        self._wake_read: socket.socket | None = None
        self._wake_write: socket.socket | None = None
        self._reserved: socket.socket | None = None

    def reserve(self) -> int:
        """Bind the port (resolving ``0``) without listening; the port workers will share."""
        self._reserved = listening_socket(self.host, self.port, listen=False)
        self.port = self._reserved.getsockname()[1]
        return self.port

    def run(self) -> int:
        """Serve until SIGINT/SIGTERM (0), or until a worker keeps dying (1)."""
        if self._reserved is None:
            self.reserve()
        assert self._reserved is not None
        self._wake_read, self._wake_write = socket.socketpair()
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            with self._reserved, self._wake_read, self._wake_write:
                return self._supervise(self._wake_read)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    def _supervise(self, wake: socket.socket) -> int:
        """Start the workers, restart those that die until told to stop, then stop them all."""
        for slot in range(self.workers):
            self._start(slot)
        try:
            while not self._signals:
                sentinels = {p.sentinel: slot for slot, p in self._live()}
                ready = wait([*sentinels, wake])
                for sentinel in ready:
                    if self._signals or sentinel not in sentinels:
                        continue
                    slot = sentinels[sentinel]
                    if not self._restart(slot):
                        return 1
            return 0
        finally:
            self._stop()

    def _live(self) -> list[tuple[int, SpawnProcess]]:
        """The started workers, by slot."""
        return [(slot, p) for slot, p in enumerate(self._processes) if p is not None]

    def _start(self, slot: int) -> None:
        """Spawn the worker of ``slot``."""
        process = self._context.Process(
            target=self.target,
            args=(self.host, self.port, self.log_level),
            name=f"innonet-worker-{slot}",
        )
        process.start()
        self._processes[slot] = process

    def _restart(self, slot: int) -> bool:
        """Replace a worker that exited on its own; False when it died too often to go on."""
        process = self._processes[slot]
        assert process is not None
        process.join()
        self._processes[slot] = None
        now = time.monotonic()
        deaths = self._deaths[slot]
        deaths.append(now)
        while deaths and deaths[0] < now - RESTART_WINDOW:
            deaths.popleft()
        if len(deaths) >= RESTART_LIMIT:
            print(
                f"innonet serve: worker {slot} died {len(deaths)} times within "
                f"{RESTART_WINDOW:.0f} s (last exit code {process.exitcode}); stopping",
                file=sys.stderr,
                flush=True,
            )
            return False
        print(
            f"innonet serve: worker {slot} (pid {process.pid}) exited with code "
            f"{process.exitcode}; restarting it",
            file=sys.stderr,
            flush=True,
        )
        self._start(slot)
        return True

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Note a request to stop and wake the supervising loop."""
        self._signals += 1
        if self._signals > 1:  # a second request to stop: do not wait for the workers
            for _, process in self._live():
                process.kill()
        if self._wake_write is not None:
            with contextlib.suppress(OSError):
                self._wake_write.send(b"\0")

    def _stop(self) -> None:
        """SIGTERM every worker, wait for them (killing any that outlast the timeout)."""
        for _, process in self._live():
            if process.exitcode is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for slot, process in self._live():
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                process.kill()
                process.join()
            self._processes[slot] = None


def run_schema(args: argparse.Namespace) -> int:
    """Print the schema's SDL (with introspection on, as clients see it by default)."""
    from graphsvc.schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0
