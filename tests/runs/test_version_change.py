"""A plan version that changes mid-period: each version scores only its own days, the later
part continues the earlier part's state, and the rep gets one merged statement. By hand.

Plan vc@1 is in force 1–14 March 2026 (14 of 31 days), vc@2 from 15 March (17 days). Both
pay a fixed 310 a month (prorated), a scorecard with target incentive 310 on one KPI, revenue
against 31,000 a month (the target prorated like the bonus), and a commission on revenue:
10% under vc@1, 12% under vc@2, with a 90-day clawback.

Deals: V1 R1 won 3 March 800; V2 R1 won 10 March 2,000, cancelled 20 March; V3 R1 won
25 March 3,400; V4 R2 won 28 March 600. R2 is hired on 20 March (12 of 31 days, all in vc@2).

vc@1 (1–14 March), R1: fixed 310 × 14/31 = 140.00; revenue 800 + 2,000 = 2,800 (V2 was won
as of 14 March) against 31,000 × 14/31 = 14,000: attainment 0.2, bonus 140 × 0.2 = 28.00;
commission 10% × 2,800 = 280.00. Total 448.00. R2 is not active: 0.00.
vc@2 (15–31 March), R1: fixed 310 × 17/31 = 170.00; revenue 3,400 against 17,000 =
0.2, bonus 170 × 0.2 = 34.00; commission 12% × 3,400 = 408.00; V2's cancellation claws back
the 200.00 vc@1 paid on it (the state vc@1's run carried out). Total 170 + 34 + 408 − 200 =
412.00. R2: fixed 310 × 12/31 = 120.00; revenue 600 against 12,000 = 0.05, bonus 6.00;
commission 72.00. Total 198.00.
March for R1: 448.00 + 412.00 = 860.00; for R2: 198.00. Scored whole, without the split,
vc@2 would have paid every March deal again.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from payplan.access.users import add_user, get_user
from payplan.errors import Conflict
from payplan.facts.audited import import_directory
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.runs.views import get_result
from tests.penalty_plan import plan_text

D = Decimal
COMPONENTS = """
[[components]]
kind = "fixed"
id = "retainer"
amount = 310

[[components]]
kind = "scorecard"
id = "bonus"
target_incentive = 310

[[components.kpis]]
id = "revenue"
metric = "revenue"
weight = 1
target = 31000
why = "Revenue is what the team is paid to bring."

[[components]]
kind = "commission"
id = "commission"
rate = {rate}
"""
RULES = '[eligibility]\nroles = ["AE"]\n[clawback]\nwindow_days = 90\n'
V1 = plan_text("vc", 1, "2026-03-01", "effective_to = 2026-03-14\n" + RULES, COMPONENTS.format(rate="0.10"))
V2 = plan_text("vc", 2, "2026-03-15", RULES, COMPONENTS.format(rate="0.12"))
REPS = """rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency
R1,Rita Rep,rita@example.com,AE,North,,2025-01-01,,USD
R2,Roman Rep,roman@example.com,AE,North,,2026-03-20,,USD
"""
DEALS = """deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at
V1,R1,2026-02-01,2026-03-03,won,800.00,0.00,USD,Core,
V2,R1,2026-02-01,2026-03-10,cancelled,2000.00,0.00,USD,Core,2026-03-20
V3,R1,2026-02-01,2026-03-25,won,3400.00,0.00,USD,Core,
V4,R2,2026-03-01,2026-03-28,won,600.00,0.00,USD,Core,
"""


@pytest.fixture
def split(tx, tmp_path: Path):
    """The two versions published, the facts imported; users by name (finance, HR, the two reps)
    and their API tokens under "tokens"."""
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "reps.csv").write_text(REPS)
    (facts / "deals.csv").write_text(DEALS)
    tokens = {"admin": tx(add_user, "admin", "admin", password="admin-pass-2026")}
    tx(import_directory, facts, tx(get_user, "admin"))
    for name, role, rep_id in (("fin1", "finance", None), ("fin2", "finance", None), ("hr1", "hr", None),
                               ("rita", "rep", "R1"), ("roman", "rep", "R2")):
        tokens[name] = tx(add_user, name, role, rep_id)
    people = {name: tx(get_user, name) for name in tokens}
    for text in (V1, V2):
        tx(plan_store.publish, text, "vc.toml", people["hr1"])
    return people | {"tokens": tokens}


def _approved(tx, people, ref: str):
    run = tx(runs.create_run, ref, "2026-03", people["fin1"])
    tx(runs.submit, run.id, people["fin1"])
    return tx(runs.approve, run.id, people["fin2"])


def _lines(tx, run_id: int, rep_id: str, viewer) -> dict[str, Decimal]:
    import msgspec
    doc = msgspec.json.decode(tx(get_result, run_id, rep_id, viewer).result)
    out: dict[str, Decimal] = {}
    for line in doc["lines"]:
        out[line["component"]] = out.get(line["component"], D(0)) + D(line["amount"])
    return out | {"total": D(doc["total"])}


def test_each_version_scores_only_its_own_days_and_the_later_continues_the_state(tx, split):
    first = _approved(tx, split, "vc@1")
    assert _lines(tx, first.id, "R1", split["fin1"]) == {
        "retainer": D("140.00"), "bonus": D("28.00"), "commission": D("280.00"), "total": D("448.00")}
    assert _lines(tx, first.id, "R2", split["fin1"])["total"] == D("0.00")
    second = _approved(tx, split, "vc@2")
    assert _lines(tx, second.id, "R1", split["fin1"]) == {
        "retainer": D("170.00"), "bonus": D("34.00"), "commission": D("408.00"), "clawback": D("-200.00"),
        "total": D("412.00")}
    assert _lines(tx, second.id, "R2", split["fin1"]) == {
        "retainer": D("120.00"), "bonus": D("6.00"), "commission": D("72.00"), "total": D("198.00")}


def test_the_later_part_waits_for_the_earlier_parts_approved_run(tx, split):
    """vc@2 continues vc@1's state (the paid deals a clawback reverses): while vc@1 has no
    approved run for March, vc@2's is refused, naming what to do."""
    tx(runs.create_run, "vc@1", "2026-03", split["fin1"])
    with pytest.raises(Conflict) as refused:
        tx(runs.create_run, "vc@2", "2026-03", split["fin1"])
    assert "approve the run of vc@1 for 2026-03 first" in str(refused.value)


def test_the_later_part_computed_as_a_job_continues_the_same_state(tx, split, engine):
    """Through the queue, chunk by chunk (one rep a chunk), vc@2's March run is the one the
    single transaction makes: each chunk starts from vc@1's stored states for its reps."""
    from payplan.runs import jobs
    from payplan.jobs.worker import work_once

    _approved(tx, split, "vc@1")
    job_id = tx(jobs.enqueue_run, "vc@2", "2026-03", split["fin1"], chunk_size=1)
    while work_once(engine, "test-worker"):
        pass
    status = tx(jobs.job_status, job_id)
    assert status.state == "done"
    assert _lines(tx, status.run_id, "R1", split["fin1"])["clawback"] == D("-200.00")
    assert [_lines(tx, status.run_id, rep, split["fin1"])["total"] for rep in ("R1", "R2")] == [
        D("412.00"), D("198.00")]
