"""``innonet serve``: prints its URL and serves until stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graphsvc.stores.embedded import EmbeddedStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.slow
def test_serve_prints_the_url_and_answers(loaded: EmbeddedStore, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "INNONET_API_KEYS": ""}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "graphsvc.cli",
            "serve",
            "--store",
            str(loaded.path),
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
