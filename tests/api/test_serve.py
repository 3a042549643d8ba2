"""`payplan serve` runs the app under uvicorn: /health answers, everything else wants a token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_health(db_url):
    port = free_port()
    env = {**os.environ, "PAYPLAN_DATABASE_URL": db_url}
    server = subprocess.Popen([sys.executable, "-m", "payplan.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health") == b'{"status":"ok"}'
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/runs", timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 401 and exc.headers["content-type"] == "application/problem+json"
        else:
            raise AssertionError("/runs answered without a token")
    finally:
        server.terminate()
        server.wait(timeout=10)
