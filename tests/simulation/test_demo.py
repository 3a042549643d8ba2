"""The demo company under a volume-only plan and a balanced plan: hand-checked figures.

The expected pay is computed here from the demo CSV files with plain Python and
Decimal (the plan rules written out by hand, no engine, no SQL), then compared
with the simulation row by row, and the headline figures are pinned as numbers
a reader can check against the report.
"""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from payplan.simulation import scoring as simulation_scoring
from payplan.simulation.simulate import simulate_data

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
VOLUME = str(ROOT / "plans" / "sim" / "volume-only.toml")
BALANCED = str(ROOT / "plans" / "sim" / "balanced.toml")
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
CENT = Decimal("0.01")


def _rows(name: str) -> list[dict[str, str]]:
    with open(DEMO / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _month_end(key: str) -> date:
    year, month = map(int, key.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


class Demo:
    """The demo facts, read by hand."""

    def __init__(self) -> None:
        self.reps = {r["rep_id"]: r for r in _rows("reps.csv") if r["role"] == "AE"}
        splits = defaultdict(list)
        for c in _rows("credits.csv"):
            splits[c["deal_id"]].append((c["rep_id"], Decimal(c["share"])))
        self.deals = defaultdict(list)  # (rep, month) → [(amount x share, margin x share)]
        for d in _rows("deals.csv"):
            if d["status"] not in ("won", "cancelled") or not d["closed_at"]:
                continue
            month = d["closed_at"][:7]
            if d["cancelled_at"] and date.fromisoformat(d["cancelled_at"]) <= _month_end(month):
                continue  # cancelled before the month ended: not won as of the month's end
            amount, cost = Decimal(d["amount"]), Decimal(d["cost"] or 0)
            for rep, share in splits.get(d["deal_id"], [(d["rep_id"], Decimal(1))]):
                self.deals[(rep, month)].append((amount * share, (amount - cost) * share))
        self.activities = defaultdict(int)
        for a in _rows("activities.csv"):
            self.activities[(a["rep_id"], a["occurred_at"][:7], a["kind"])] += 1
        self.scores = {(s["rep_id"], s["period"], s["kind"]): Decimal(s["value"]) for s in _rows("scores.csv")}
        self.nps = defaultdict(list)
        for n in _rows("nps.csv"):
            self.nps[(n["rep_id"], n["answered_at"][:7])].append(int(n["score"]))

    def proration(self, rep: str, month: str) -> Decimal | None:
        """Share of the month employed (calendar days), None when not employed at all."""
        hired = date.fromisoformat(self.reps[rep]["hired_on"])
        end = _month_end(month)
        if hired > end:
            return None
        start = date.fromisoformat(month + "-01")
        if hired <= start:
            return Decimal(1)
        return Decimal((end - hired).days + 1) / Decimal(end.day)


def _attainment(actual: Decimal, target: Decimal, cap: Decimal) -> Decimal:
    return min(max(actual / target, Decimal(0)), cap)


def volume_pay(demo: Demo, rep: str, month: str, f: Decimal) -> Decimal:
    """sim-volume-only: 1500 x f x Σ weight x attainment (revenue, calls, meetings) + 4% of revenue per deal."""
    deals = demo.deals[(rep, month)]
    revenue = sum((a for a, _ in deals), Decimal(0))
    target = (lambda t: t * f) if f != 1 else (lambda t: t)
    score = (Decimal("0.6") * _attainment(revenue, target(Decimal(50000)), Decimal(2))
             + Decimal("0.25") * _attainment(Decimal(demo.activities[(rep, month, "call")]), target(Decimal(30)), Decimal("1.5"))
             + Decimal("0.15") * _attainment(Decimal(demo.activities[(rep, month, "meeting")]), target(Decimal(10)), Decimal("1.5")))
    bonus = _money(Decimal(1500) * f * score)
    return bonus + sum((_money(a * Decimal("0.04")) for a, _ in deals), Decimal(0))


def balanced_pay(demo: Demo, rep: str, month: str, f: Decimal) -> Decimal:
    """sim-balanced: 1500 x f x min(score, 1.3), halved below 80% CRM hygiene, + 10% of margin per deal."""
    crm = demo.scores.get((rep, month, "crm_hygiene"))
    script = demo.scores[(rep, month, "script_compliance")]
    answers = demo.nps[(rep, month)]
    net = sum(s >= 9 for s in answers) - sum(s <= 6 for s in answers)
    nps_att = _attainment(Decimal(net) * 100 / len(answers), Decimal(30), Decimal("1.5")) if answers else Decimal(0)
    meetings_target = Decimal(10) * f if f != 1 else Decimal(10)
    score = (Decimal("0.15") * _attainment(Decimal(demo.activities[(rep, month, "meeting")]), meetings_target, Decimal("1.5"))
             + Decimal("0.25") * _attainment(crm, Decimal("0.9"), Decimal("1.1"))
             + Decimal("0.25") * _attainment(script, Decimal("0.85"), Decimal("1.1"))
             + Decimal("0.35") * nps_att)
    raw = Decimal(1500) * f * min(score, Decimal("1.3"))
    bonus = _money(raw) + (_money(raw * Decimal("-0.5")) if crm < Decimal("0.8") else Decimal(0))
    return bonus + sum((_money(m * Decimal("0.10")) for _, m in demo.deals[(rep, month)]), Decimal(0))


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    demo = Demo()
    out = {}
    for rep in demo.reps:
        for month in MONTHS:
            f = demo.proration(rep, month)
            if f is not None:
                out[(rep, month)] = (volume_pay(demo, rep, month, f), balanced_pay(demo, rep, month, f))
    return out


@pytest.fixture(scope="module")
def sim():
    return simulate_data(DEMO, VOLUME, BALANCED, "2026-01..2026-06", Decimal(500))


def test_every_rep_and_period_matches_the_hand_computation(sim, expected) -> None:
    got = {(r.rep_id, r.period): (r.baseline, r.proposal) for r in sim.comparison.rows}
    assert got == expected
    assert all(r.delta == r.proposal - r.baseline for r in sim.comparison.rows)
    assert ("AE06", "2026-02") not in got  # hired 2026-03-16: no pay before
    assert {r.covered for r in sim.comparison.rows} == {"both"}


def test_totals_and_cost_delta(sim, expected) -> None:
    totals = sim.comparison.totals
    assert totals.baseline.total == sum(v for v, _ in expected.values()) == Decimal("125847.62")
    assert totals.proposal.total == sum(b for _, b in expected.values()) == Decimal("115888.01")
    assert totals.cost_delta == Decimal("-9959.61")
    assert totals.cost_delta_share == Decimal("-0.0791")
    assert totals.revenue == Decimal("1846753.95") and totals.margin == Decimal("756964.29")
    assert totals.baseline.share_of_revenue == Decimal("0.0681")  # 125847.62 / 1846753.95
    assert totals.proposal.share_of_margin == Decimal("0.1531")  # 115888.01 / 756964.29


def test_winners_and_losers_beyond_the_threshold(sim, expected) -> None:
    per_rep = defaultdict(lambda: Decimal(0))
    for (rep, _), (before, after) in expected.items():
        per_rep[rep] += after - before
    assert {r.rep_id: r.delta for r in sim.comparison.reps} == dict(per_rep)
    changes = {r.rep_id: r.change for r in sim.comparison.reps}
    assert changes == {"AE01": "loss", "AE02": "loss", "AE03": "loss", "AE04": "same", "AE05": "gain", "AE06": "same"}
    assert per_rep["AE02"] == Decimal("-6638.80") and per_rep["AE05"] == Decimal("2061.59")
    assert (sim.comparison.totals.gainers, sim.comparison.totals.losers) == (1, 3)


def test_distribution_of_pay_per_rep(sim) -> None:
    d = sim.comparison.totals.baseline.distribution
    # six reps' window totals: 9830.77 18642.69 21029.09 22382.44 24616.79 29345.84
    assert (d.min, d.median, d.p90, d.max) == (Decimal("9830.77"), Decimal("21705.765"),
                                               Decimal("29345.84"), Decimal("29345.84"))


def test_balanced_pay_follows_margin_volume_pay_follows_revenue(sim) -> None:
    base, prop = sim.comparison.totals.baseline, sim.comparison.totals.proposal
    assert base.volume_share == Decimal(1)  # every dollar of the volume plan pays for volume
    assert prop.volume_share < Decimal("0.1")  # only the meetings KPI (15% of the points) is volume
    assert base.correlation_revenue > base.correlation_margin
    assert prop.correlation_margin > prop.correlation_revenue


def test_kpi_scores_and_plan_diff_are_reported(sim) -> None:
    row = next(r for r in sim.comparison.rows if (r.rep_id, r.period) == ("AE01", "2026-02"))
    assert row.baseline_kpis == {"revenue": Decimal("1.2551"), "calls": Decimal("1.0667"), "meetings": Decimal("0.9000")}
    assert row.proposal_kpis["crm"] == Decimal("1.0556")  # 0.95 / 0.9
    changes = {str(c) for c in sim.changes}
    assert "scorecard volume_bonus removed" in changes and "commission margin_commission added" in changes


def test_metric_values_are_loaded_once_per_period(monkeypatch) -> None:
    calls: list[str] = []
    real = simulation_scoring.load_inputs

    def counting(conn, specs, period, **kwargs):
        calls.append(period.key)
        return real(conn, specs, period, **kwargs)

    monkeypatch.setattr(simulation_scoring, "load_inputs", counting)
    simulate_data(DEMO, VOLUME, BALANCED, "2026-01..2026-06")
    assert sorted(calls) == MONTHS  # once per period for both plans, not once per plan


@pytest.mark.parametrize("plan_name", ["ae-2026-v1.toml", "manager-2026.toml", "sdr-2026.toml"])
def test_each_side_pays_what_payplan_evaluate_pays(plan_name: str, tmp_path: Path) -> None:
    """Same inputs, same engine: a plan's side of a simulation equals `payplan evaluate` over the range
    (clawbacks, draws carried across months, manager overrides on direct reports)."""
    from payplan.evaluation.pipeline import evaluate_files

    plan = ROOT / "plans" / plan_name
    subtree = tmp_path / "subtree.toml"  # the other side asks for a wider team: the cache holds the subtree
    subtree.write_text(plan.read_text(encoding="utf-8").replace('scope = "team"', 'scope = "subtree"'))
    sim = simulate_data(DEMO, str(plan), str(subtree), "2026-01..2026-06")
    evaluation = evaluate_files(plan, DEMO, "2026-01..2026-06")
    assert {(r.rep_id, r.period): r.baseline for r in sim.comparison.rows if r.covered != "proposal"} == {
        (r.rep_id, r.period): r.total for r in evaluation.results}
