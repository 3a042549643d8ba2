"""Who a simulation compares: plans for different populations refused unless asked for, the cross
comparison labelled first, and reps newly covered by a proposal listed apart, checked by `payplan evaluate`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.errors import Invalid
from payplan.simulation.simulate import simulate_data

from .by_evaluate import DEMO, MONTHS, PLANS, ROOT, window

AE = str(PLANS / "ae-2026-v1.toml")
SDR = str(PLANS / "sdr-2026.toml")
NOTICE = "Cross-population comparison"


def _payplan(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = "from payplan.cli.main import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env, timeout=120)


def _simulate_cli(*extra: str) -> subprocess.CompletedProcess[bytes]:
    return _payplan("simulate", "--baseline", AE, "--proposal", SDR, "--periods", "2026-01..2026-02",
                    "--data", str(DEMO), *extra)


def test_an_ae_plan_against_the_sdr_plan_is_refused_by_the_cli() -> None:
    done = _simulate_cli()
    err = done.stderr.decode()
    assert done.returncode != 0 and done.stdout == b""
    assert "Traceback" not in err
    for words in ("different populations", "ae-2026@1", "sdr-2026@1", "covers AE", "covers SDR",
                  "cross-population"):
        assert words in err, err


def test_an_ae_plan_against_the_sdr_plan_is_refused_by_the_api() -> None:
    with pytest.raises(Invalid) as caught:
        simulate_data(DEMO, AE, SDR, "2026-01..2026-02")
    assert "ae-2026@1 covers AE, sdr-2026@1 covers SDR" in str(caught.value)


def test_cross_population_is_said_first_on_stderr() -> None:
    done = _simulate_cli("--cross-population", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().splitlines()[0].startswith(NOTICE)
    doc = json.loads(done.stdout)
    assert doc["population"]["kind"] == "cross" and doc["population"]["roles"] == ["AE", "SDR"]
    # every AE and every SDR the plans cover is in the comparison, each scored by their own plan only
    assert doc["population"]["compared"] == 6 + 4


def _first_line(fmt: str, report: bytes) -> str:
    if fmt != "pdf":
        return report.decode().lstrip().splitlines()[0]
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(report)).pages[0].extract_text().strip().splitlines()[0]


@pytest.mark.parametrize("fmt", ["json", "csv", "pdf"])
def test_cross_population_report_says_so_in_its_first_line(fmt: str) -> None:
    done = _simulate_cli("--cross-population", "--format", fmt)
    assert done.returncode == 0, done.stderr.decode()
    first = _first_line(fmt, done.stdout)
    assert NOTICE in first, first


def _proposal_covering(tmp_path: Path, rep_id: str) -> Path:
    """AE version 2 in force from January, also covering `rep_id` by id (an SDR)."""
    text = (PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8")
    text = text.replace("effective_from = 2026-07-01", "effective_from = 2026-01-01")
    text = text.replace('roles = ["AE"]', f'roles = ["AE"]\nreps = ["{rep_id}"]')
    path = tmp_path / "ae-v2-plus.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rep_newly_covered_is_listed_apart_and_totals_match_evaluate(tmp_path: Path) -> None:
    proposal = _proposal_covering(tmp_path, "SDR01")
    sim = simulate_data(DEMO, AE, str(proposal), "2026-01..2026-06")
    before, after = window(AE, DEMO, MONTHS), window(proposal, DEMO, MONTHS)
    aes = sorted(before)
    assert aes == ["AE01", "AE02", "AE03", "AE04", "AE05", "AE06"] and sorted(after) == [*aes, "SDR01"]

    assert (sim.population.kind, sim.population.roles, sim.population.compared) == ("baseline", ["AE"], 6)
    assert [(c.rep_id, c.pay) for c in sim.population.newly_covered] == [("SDR01", after["SDR01"])]
    assert sim.population.newly_covered_total == after["SDR01"] != 0
    assert sim.population.no_longer_covered == []
    assert [r.rep_id for r in sim.comparison.reps] == aes  # SDR01 is not among the compared
    assert {r.rep_id: (r.baseline, r.proposal) for r in sim.comparison.reps} == {
        rep: (before[rep], after[rep]) for rep in aes}
    totals = sim.comparison.totals
    assert totals.baseline.total == sum(before.values())
    assert totals.proposal.total == sum(after[rep] for rep in aes)
    assert totals.cost_delta == sum(after[rep] for rep in aes) - sum(before.values())


def test_a_rep_no_longer_covered_is_listed_apart(tmp_path: Path) -> None:
    proposal = _proposal_covering(tmp_path, "SDR01")
    sim = simulate_data(DEMO, str(proposal), AE, "2026-01..2026-03")
    pay = window(proposal, DEMO, MONTHS[:3])
    assert [(c.rep_id, c.pay) for c in sim.population.no_longer_covered] == [("SDR01", pay["SDR01"])]
    assert sim.population.newly_covered == [] and sim.population.compared == 6
    assert sim.population.no_longer_covered_total == pay["SDR01"]
