"""`payplan users`: the password rule, new tokens, revocation and offboarding, through real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from litestar.testing import TestClient

from payplan.app import create_app
from payplan.settings import Settings

SECRET = "cli-test-secret-0123456789abcdef0123456789"


@pytest.fixture
def payplan(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYPLAN_")}
    env["PAYPLAN_DATABASE_URL"] = url = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def run(*args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, cwd=tmp_path,
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert (done.returncode == 0) == ok, f"payplan {' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done
    run("db", "upgrade")
    run.url = url
    return run


def me(url: str, token: str) -> int:
    """The status of GET /me with `token` on an app over the same database."""
    with TestClient(create_app(Settings(database_url=url, secret=SECRET, max_upload_bytes=1000,
                                        timezone="UTC"))) as client:
        return client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code


@pytest.mark.parametrize("password, reason", [("1", "has 1 characters: use at least 12"),
                                              ("password1234", "too common")])
def test_a_short_or_common_password_is_refused_and_no_user_is_added(payplan, password, reason):
    done = payplan("users", "add", "fiona", "--role", "finance", "--password-stdin", stdin=password + "\n", ok=False)
    assert done.returncode == 1 and reason in done.stderr
    assert "fiona" not in payplan("users", "list").stdout
    payplan("users", "add", "fiona", "--role", "finance")
    refused = payplan("users", "password", "fiona", "--password-stdin", stdin=password + "\n", ok=False)
    assert reason in refused.stderr


def test_token_revoke_and_disable_take_effect_at_once(payplan):
    first = payplan("users", "add", "fiona", "--role", "finance", "--days", "30").stdout.splitlines()[-1]
    second = payplan("users", "token", "fiona").stdout.splitlines()[-1]
    assert first != second and me(payplan.url, first) == 200 and me(payplan.url, second) == 200
    listed = payplan("users", "tokens", "fiona").stdout.splitlines()
    assert len(listed) == 2 and all("active" in line for line in listed)
    oldest = listed[-1].split()[0]
    payplan("users", "revoke", "fiona", oldest)
    assert me(payplan.url, first) == 401 and me(payplan.url, second) == 200
    assert "no unrevoked token" in payplan("users", "revoke", "fiona", oldest, ok=False).stderr
    assert "disabled fiona: 1 token revoked, every session ended" in payplan("users", "disable", "fiona").stdout
    assert me(payplan.url, second) == 401
    assert "disabled" in payplan("users", "token", "fiona", ok=False).stderr
    row = next(line for line in payplan("users", "list").stdout.splitlines() if line.startswith("fiona "))
    assert row.split()[:5] == ["fiona", "finance", "-", "no", "0"] and "disabled" in row


def test_revoke_all(payplan):
    token = payplan("users", "add", "felix", "--role", "finance").stdout.splitlines()[-1]
    payplan("users", "token", "felix")
    assert "revoked 2 tokens of felix" in payplan("users", "revoke", "felix", "--all").stdout
    assert me(payplan.url, token) == 401
    assert payplan("users", "revoke", "felix", ok=False).returncode == 2  # neither an id nor --all
