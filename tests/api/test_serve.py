"""`payplan serve` runs the app under uvicorn: /health answers, everything else wants a token;
there is no default secret (off loopback it must be set, on loopback one is generated once)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from payplan.access.server_secret import secret_for
from payplan.app import create_app
from payplan.settings import SettingError

from .conftest import SECRET, settings_for


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
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYPLAN_")} | {"PAYPLAN_DATABASE_URL": db_url}
    if not db_url.startswith("sqlite"):
        env["PAYPLAN_SECRET"] = SECRET  # no SQLite file to keep a generated secret beside
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
    if db_url.startswith("sqlite"):  # loopback without PAYPLAN_SECRET: a secret generated beside the database
        secret_file = Path(make_url(db_url).database + ".secret")
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert len(secret_file.read_text().strip()) == 64


def _payplan(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("secret, reason", [
    (None, "refusing to serve on 0.0.0.0 without PAYPLAN_SECRET"),
    ("too-short-secret", "PAYPLAN_SECRET has 16 characters: use at least 32"),
])
def test_serve_on_a_public_address_without_a_real_secret_exits_with_one_line(tmp_path, secret, reason):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYPLAN_")}
    env["PAYPLAN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'payplan.sqlite'}"
    if secret:
        env["PAYPLAN_SECRET"] = secret
    for command in (["serve", "--host", "0.0.0.0", "--port", str(free_port())],
                    ["demo", "--host", "0.0.0.0", "--port", str(free_port())]):
        done = _payplan(env, *command)
        assert done.returncode == 1, done.stdout + done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and reason in done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "payplan.sqlite").exists()  # the demo refused before seeding
    assert not (tmp_path / "payplan.sqlite.secret").exists()


def test_the_generated_secret_is_made_once_and_a_readable_one_is_refused(tmp_path):
    settings = settings_for(f"sqlite:///{tmp_path / 'payplan.sqlite'}")
    settings = type(settings)(**{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "secret": ""})
    first = secret_for(settings, "127.0.0.1")
    assert secret_for(settings, "localhost") == first and secret_for(settings, "::1") == first
    assert len(first) == 64 and first != SECRET
    (tmp_path / "payplan.sqlite.secret").chmod(0o644)
    with pytest.raises(SettingError, match="readable by others"):
        secret_for(settings, "127.0.0.1")
    with pytest.raises(SettingError, match="refusing to serve on 192.168.1.5"):
        secret_for(settings, "192.168.1.5")
    postgres = type(settings)(**{**{f: getattr(settings, f) for f in settings.__struct_fields__},
                                 "database_url": "postgresql+psycopg://db/payplan"})
    with pytest.raises(SettingError, match="not a SQLite file"):
        secret_for(postgres, "127.0.0.1")


def test_an_app_without_a_secret_is_refused():
    settings = settings_for("sqlite://")
    for secret in ("", "x" * 31):
        unsafe = type(settings)(**{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "secret": secret})
        with pytest.raises(SettingError):
            create_app(unsafe)
