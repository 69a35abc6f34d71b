"""`escape serve` started as a player starts it, for the tests that talk to it over HTTP (the browser tests,
the installed wheel's): on a free port of this machine, answered before the test goes on, stopped after."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def escape_serve(data: Path, cwd: Path, env: dict[str, str], seconds: float = 30) -> Iterator[str]:
    """The server's address, once its plain page answers (AssertionError with what it printed if it never
    does); the server is stopped when the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "serve", "--port", str(port), "--data", str(data)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(url + "/plain", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    output = server.stdout.read().decode() if server.stdout else ""
                    raise AssertionError(f"escape serve did not start:\n{output}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            server.kill()
