"""compose.yaml cannot be started here (no Docker): check what can be checked without it.

Every command a container runs is a real `payplan` command with real options, every
PAYPLAN_ setting it passes is one payplan reads and the deployment page documents, the
replicas and workers are there, and nginx reaches the replicas on the port they serve.
"""

from __future__ import annotations

import re
from itertools import takewhile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from payplan.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]


def test_postgres_two_replicas_two_workers_and_a_proxy():
    assert {"db", "migrate", "web", "worker", "proxy"} <= set(SERVICES)
    assert SERVICES["web"]["deploy"]["replicas"] == 2
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    assert SERVICES["web"]["environment"]["PAYPLAN_JOBS"] == "workers"  # runs go to the workers
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", ["migrate", "web", "worker"])
def test_each_container_runs_a_real_payplan_command(name):
    program, *args = SERVICES[name]["command"]
    assert program == "payplan"
    words = list(takewhile(lambda a: not a.startswith("--"), args))  # the command, before its options
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output
    for option in (a for a in args if a.startswith("--")):
        assert option in result.output, f"{name}: payplan {' '.join(words)} has no option {option}"


def test_every_setting_is_read_by_payplan_and_documented():
    source = (ROOT / "src" / "payplan" / "settings.py").read_text()
    documented = (ROOT / "docs" / "deployment.md").read_text()
    passed = {k for s in SERVICES.values() for k in (s.get("environment") or {}) if k.startswith("PAYPLAN_")}
    assert {"PAYPLAN_DATABASE_URL", "PAYPLAN_SECRET", "PAYPLAN_AUDIT_KEY", "PAYPLAN_KEY_DIR"} <= passed
    for key in passed:
        assert key in source, f"{key} is not a payplan setting"
        assert f"`{key}`" in documented, f"{key} is not in docs/deployment.md"


def test_nginx_reaches_the_replicas_on_their_port():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    port = SERVICES["web"]["command"][SERVICES["web"]["command"].index("--port") + 1]
    assert re.search(rf"server web:{port}\b", conf)
    mounted = [v.split(":")[0] for v in SERVICES["proxy"]["volumes"]]
    assert "./deploy/nginx.conf" in mounted


def test_a_client_cannot_choose_the_address_the_replicas_see():
    """The replicas believe X-Forwarded-For from any peer, so nginx must replace it, not append to
    it: uvicorn takes the first address of the list, which an appended header lets the client write
    (the security probe sprayed passwords past the per-address throttle that way)."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert SERVICES["web"]["environment"]["FORWARDED_ALLOW_IPS"] == "*"
    assert re.search(r"proxy_set_header X-Forwarded-For \$remote_addr;", conf)
    assert not re.search(r"^\s*proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for", conf, re.M)
