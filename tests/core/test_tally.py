"""The tally fast path gives exactly the engine's outcome, or declines.

`payplan.core.tally.tally_reader(plan)` returns None for a plan it does not cover,
else a function (inputs, state, period) → (Outcome, state) | None. The contract checked
here: whenever it answers, the Outcome is == and byte-identical (msgspec JSON) to
`outcome_reader(plan)(evaluate(plan, inputs, state, period))`, and the state is
byte-identical to the engine's carried state out.

- Hypothesis properties over generated plans (`tests/core/tally_strategies.py`):
  scorecard-only, commission-only, and mixed plans with rarer shapes (draws, clawbacks,
  spiffs, overrides, formula bases) the fast path may decline. Each property also
  checks it was not vacuous: enough of the drawn rep-periods were actually compared.
- Deterministic edge cases (exponents of empty components, duplicate deal ids, …).
- Every worked example (tests/examples/*/plan.toml over its own facts) and every plan
  file (plans/**/*.toml, tests/data/plans/{good,warn}) over the demo company's facts
  (2026-01..06), each rep-period with the state the pipeline carries; and the covered
  part of each of these plans (draws, overrides and formula bases removed), so the real
  plan shapes are checked even where the whole plan is declined.
- Coverage: the bench plan, the simulation example plans and the AE plans must be
  covered, so the fast path cannot silently switch itself off.

Skips (module level) only while `payplan.core.tally` does not exist.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

if importlib.util.find_spec("payplan.core.tally") is None:
    pytest.skip("payplan.core.tally is not written yet", allow_module_level=True)

from payplan.core.engine import evaluate  # noqa: E402
from payplan.core.inputs import CarriedState, Deal, MetricValue, Rep, RepInputs, Target  # noqa: E402
from payplan.core.periods import parse_period  # noqa: E402
from payplan.core.plan import RESERVED_IDS, Plan  # noqa: E402
from payplan.core.simulate import Outcome, outcome_reader  # noqa: E402
from payplan.core.tally import batch_reader, tally_reader  # noqa: E402
from payplan.core.tally.batch import Columns  # noqa: E402
from tests.core.tally_strategies import Case, cases, lint_errors, to_plan  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
D = Decimal

# TALLY_EXAMPLES=5000 pytest tests/core/test_tally.py for a deeper search (300 each: about 25 s in all).
# derandomized: the coverage counts below (negative totals carried, balances recovered) are then
# the same on every run, instead of failing now and then on an unlucky draw
SETTINGS = settings(max_examples=int(os.environ.get("TALLY_EXAMPLES", "300")), deadline=None,
                    derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


# --- the contract -------------------------------------------------------------------------


def _event(text: str) -> None:
    if currently_in_test_context():  # `--hypothesis-show-statistics` reports these
        event(text)


def _show(outcome: Outcome | None) -> str:
    return "None" if outcome is None else msgspec.json.encode(outcome).decode()


def assert_same(plan: Plan, inputs: RepInputs, state: CarriedState | None, tallied: tuple, want: Outcome,
                result_state: CarriedState) -> None:
    where = f"plan {msgspec.json.encode(plan).decode()}\ninputs {msgspec.json.encode(inputs).decode()}\nstate {state!r}"
    assert isinstance(tallied, tuple) and len(tallied) == 2, f"tally returned {tallied!r}\n{where}"
    got, got_state = tallied
    assert isinstance(got, Outcome), f"tally returned {type(got)}\n{where}"
    assert got == want, f"tally != engine\n tally:  {_show(got)}\n engine: {_show(want)}\n{where}"
    assert msgspec.json.encode(got) == msgspec.json.encode(want), (
        f"tally == engine but the JSON differs (a Decimal exponent or dict order)\n"
        f" tally:  {_show(got)}\n engine: {_show(want)}\n{where}")
    assert msgspec.json.encode(got_state) == msgspec.json.encode(result_state), (
        f"tally's carried state differs from the engine's:\n tally:  {got_state!r}\n engine: {result_state!r}\n{where}")


def compare_one(plan: Plan, reader, read, inputs: RepInputs, state: CarriedState | None, period,
                stats: Counter) -> Outcome | None:
    """Run the fast path then the engine on one rep-period; check the contract when the
    fast path answers. Returns the tally's outcome (None: declined)."""
    got = reader(inputs, state, period)
    result = evaluate(plan, inputs, state, period)
    stats["rep_periods"] += 1
    if got is None:
        cancels = plan.clawback is not None and any(
            d.status == "cancelled" and d.cancelled_at and period.contains(d.cancelled_at) for d in inputs.deals)
        why = "with_issues" if result.issues else ("cancelled_deal" if cancels else "without_issues")
        stats[f"declined_{why}"] += 1
        _event(f"rep-period declined ({why})")
        return None
    assert_same(plan, inputs, state, got, read(result), result.state)
    for line in result.lines:
        if line.component == "negative_balance":  # a negative total carried or forgiven, a balance recovered
            stats[f"negative_{line.kind}"] += 1
    again = reader(inputs, state, period)  # after the engine ran: no cache crosstalk, no drift
    assert again is not None and msgspec.json.encode(again) == msgspec.json.encode(got), (
        f"tally gave a different answer the second time:\n {_show(got[0])}\n {_show(again and again[0])}")
    stats["compared"] += 1
    _event("rep-period compared")
    return got[0]


def check_case(case: Case, stats: Counter) -> None:
    plan = case.plan
    stats["plans"] += 1
    reader = tally_reader(plan)
    if reader is None:
        stats["plans_declined"] += 1
        _event("plan declined")
        return
    read = outcome_reader(plan)
    for inputs, state in case.reps:
        compare_one(plan, reader, read, inputs, state, parse_period(inputs.period_key), stats)


STATS: dict[str, Counter] = {"scorecard": Counter(), "commission": Counter(), "mixed": Counter(),
                             "batch": Counter()}


def assert_not_vacuous(stats: Counter, min_share: float) -> None:
    """Enough drawn rep-periods were really compared: a fast path that declines
    everything would pass the contract trivially."""
    assert stats["rep_periods"] > 0 and stats["compared"] >= min_share * stats["rep_periods"], dict(stats)


@SETTINGS
@given(cases("scorecard"))
def _scorecard_property(case: Case) -> None:
    check_case(case, STATS["scorecard"])


@SETTINGS
@given(cases("commission"))
def _commission_property(case: Case) -> None:
    check_case(case, STATS["commission"])


@SETTINGS
@given(cases("mixed", rare=True))
def _mixed_property(case: Case) -> None:
    check_case(case, STATS["mixed"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(cases("mixed", rare=True, max_reps=1))
def test_generated_plans_are_lint_clean(case):
    """The generator builds publishable plans (linting is too slow to filter every example)."""
    assert not lint_errors(case.plan), (case.plan_dict, lint_errors(case.plan))


def test_scorecard_plans_match_the_engine():
    """1–3 scorecards (1–8 KPIs each), sometimes fixed pay, statement cap, every rounding
    and proration option, target overrides, missing metrics, partial periods, and a
    scorecard that goes below zero (each `negative_total`, a balance carried in)."""
    STATS["scorecard"].clear()
    _scorecard_property()
    assert_not_vacuous(STATS["scorecard"], 0.25)
    seen = STATS["scorecard"]  # negative totals carried or forgiven, balances carried in and recovered
    assert seen["negative_carry"] + seen["negative_forgive"] >= 5, dict(seen)
    assert seen["negative_balance_recovery"] >= 5, dict(seen)


def test_commission_plans_match_the_engine():
    """1–2 commissions: rates, ICR, tiers on amount / attainment / margin rate, marginal and
    retroactive, both boundaries, per deal or per period, above quota, multipliers, gates,
    caps and floors, over deals of every status, split credit and duplicate ids."""
    STATS["commission"].clear()
    _commission_property()
    assert_not_vacuous(STATS["commission"], 0.25)
    assert STATS["commission"]["negative_balance_recovery"] >= 5, dict(STATS["commission"])


def test_mixed_plans_match_the_engine():
    """Scorecards, commissions and fixed pay together, plus now and then a component or rule
    the fast path is not meant to cover (draw, clawback, spiff, override, formula base)."""
    STATS["mixed"].clear()
    _mixed_property()
    assert_not_vacuous(STATS["mixed"], 0.15)


@SETTINGS
@given(cases("mixed", rare=True, max_reps=8), st.randoms(use_true_random=False))
def _batch_property(case: Case, rnd) -> None:
    """A period's reps tallied together give each rep what it gets alone (and so the
    engine's answer): a column shared by reps, some declined among others, memos
    filled by earlier reps, columns built ahead (`warm`) or on first use, and a
    shuffled selection of them (as a worker reads the cache)."""
    plan, stats = case.plan, STATS["batch"]
    reader, batch = tally_reader(plan), batch_reader(plan)
    assert (reader is None) == (batch is None)
    if batch is None:
        return
    read = outcome_reader(plan)
    by_period: dict[str, list] = {}
    for inputs, state in case.reps:
        by_period.setdefault(inputs.period_key, []).append((inputs, state))
    for key, reps in by_period.items():
        period = parse_period(key)
        columns = Columns([inputs for inputs, _ in reps])
        if rnd.random() < 0.5:
            columns.warm()
        order = list(range(len(reps)))
        if len({inputs.rep.id for inputs, _ in reps}) == len(reps):
            rnd.shuffle(order)
            columns = columns.select([reps[i][0].rep.id for i in order])
        answers = batch(period, columns, [reps[i][1] for i in order])
        assert len(answers) == len(order)
        for i, got in zip(order, answers):
            inputs, state = reps[i]
            alone = reader(inputs, state, period)
            assert msgspec.json.encode(got) == msgspec.json.encode(alone), (
                f"batch != alone for rep {i}\n batch: {got!r}\n alone: {alone!r}\n{case!r}")
            stats["rep_periods"] += 1
            if got is not None:
                result = evaluate(plan, inputs, state, period)
                assert_same(plan, inputs, state, got, read(result), result.state)
                stats["compared"] += 1
                stats["in_shared_batches"] += len(reps) > 1


def test_batches_match_each_rep_alone():
    STATS["batch"].clear()
    _batch_property()
    assert_not_vacuous(STATS["batch"], 0.15)
    assert STATS["batch"]["in_shared_batches"] >= 0.5 * STATS["batch"]["compared"], dict(STATS["batch"])


# --- deterministic edge cases -------------------------------------------------------------

_HEAD = {"id": "e", "version": 1, "name": "E", "effective_from": "2024-01-01", "period": "month",
         "currency": "USD"}


def _plan(components: list[dict], **top) -> Plan:
    return to_plan({**_HEAD, **top, "components": components})


def _inputs(metrics: dict[str, str] | None = None, deals=(), rep: Rep | None = None,
            targets: dict[str, str] | None = None, period: str = "2026-03") -> RepInputs:
    return RepInputs(rep or Rep("r1", "Rep", salary=D("5000")), period,
                     metrics={k: MetricValue(D(v), 1, ()) for k, v in (metrics or {}).items()},
                     deals=tuple(deals), targets={k: Target(D(v), "test") for k, v in (targets or {}).items()})


def _deal(did: str, amount: str, cost: str = "0", status: str = "won", share: str = "1", product: str = ""):
    return Deal(did, status, D(amount), D(cost), closed_at=date(2026, 3, 10), share=D(share), product=product)


_CARD = {"kind": "scorecard", "id": "bonus", "target_incentive": "1500",
         "kpis": [{"id": "demos", "metric": "demos", "weight": "0.5", "target": "7", "cap": "1.5"},
                  {"id": "nps", "metric": "nps", "weight": "0.5", "target": "30", "cap": "1.5"}]}
_TIERED = {"kind": "commission", "id": "commission", "base": "margin",
           "tiers": [{"to": "15000", "rate": "0.05"}, {"from": "15000", "to": "30000", "rate": "0.08",
                                                         "mode": "retroactive"}, {"from": "30000", "rate": "0.12"}]}

EDGE_CASES = {
    "commission without deals (0.00, not 0)": (_plan([_TIERED]), _inputs()),
    "commission, only lost and cancelled deals": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "1000", status="lost"), _deal("B", "900", status="cancelled")])),
    "duplicate deal ids": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "12000", "1000"), _deal("A", "22000", "500"), _deal("B", "9000")])),
    "duplicate deal ids, ICR on attainment": (
        _plan([{"kind": "commission", "id": "c", "target_incentive": "3000", "quota": "60000"}]),
        _inputs(deals=[_deal("A", "30000"), _deal("A", "45000", share="0.5")])),
    "zero share and a credit note": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "20000", "100", share="0"), _deal("B", "-500", "0")])),
    "JPY, no minor unit": (_plan([_CARD, _TIERED], currency="JPY"),
                           _inputs({"demos": "5", "nps": "33.3333"}, [_deal("A", "123457", "1")])),
    "places 0 and half_even": (_plan([_CARD], rounding={"places": 0, "mode": "half_even"}),
                               _inputs({"demos": "7", "nps": "15"})),
    "score_places 0": (_plan([_CARD], rounding={"score_places": 0}), _inputs({"demos": "10", "nps": "44"})),
    "score_places 4, repeating ratios": (_plan([_CARD], rounding={"score_places": 4}),
                                         _inputs({"demos": "5", "nps": "10"})),
    "hired mid-month, calendar days (16/31)": (
        _plan([_CARD, {"kind": "fixed", "id": "base", "amount": "1000"}]),
        _inputs({"demos": "5", "nps": "40"}, rep=Rep("r1", hired_on=date(2026, 3, 16)))),
    "terminated mid-quarter, months": (
        _plan([_CARD], period="quarter", proration={"method": "months"}),
        _inputs({"demos": "20", "nps": "40"}, rep=Rep("r1", terminated_on=date(2026, 2, 3)), period="2026-Q1")),
    "not active at all (share 0)": (
        _plan([_CARD, _TIERED]), _inputs({"demos": "5", "nps": "40"}, [_deal("A", "1000", "100")],
                                         rep=Rep("r1", hired_on=date(2026, 4, 2)))),
    "quota override, prorated, multipliers on attainment": (
        _plan([{"kind": "commission", "id": "c", "rate": "0.1", "quota": "40000",
                "multipliers": [{"to": "0.5", "factor": "0.5"}, {"from": "1.2", "factor": "1.25"}]}]),
        _inputs(deals=[_deal("A", "30000")], targets={"quota": "25000"}, rep=Rep("r1", hired_on=date(2026, 3, 11)))),
    "mirror lower-is-better below the floor": (
        _plan([{**_CARD, "kpis": [{"id": "cycle", "metric": "cycle_days_median", "weight": "1", "target": "30",
                                    "lower_is": "mirror", "cap": "1.5"}]}]),
        _inputs({"cycle_days_median": "75"})),
    "inverse lower-is-better, actual 0": (
        _plan([{**_CARD, "kpis": [{"id": "cycle", "metric": "cycle_days_median", "weight": "1", "target": "30",
                                    "cap": "1.3"}]}]),
        _inputs({"cycle_days_median": "0"})),
    "metric gate on a missing metric (applies, no issue)": (
        _plan([{**_CARD, "gates": [{"metric": "crm_hygiene", "min": "0.8", "factor": "0.5"}]}]),
        _inputs({"demos": "9", "nps": "35"})),
    "kpi_min gate and a payout step": (
        _plan([{**_CARD, "payout_curve": [["0.7", "0"], ["0.7", "0.5"], ["1", "1"], ["1.3", "2"]],
                "gates": [{"kpi_min": "0.5", "factor": "0"}]}]),
        _inputs({"demos": "3", "nps": "21"})),
    "statement cap": (_plan([_CARD, _TIERED], cap="1000"),
                      _inputs({"demos": "14", "nps": "60"}, [_deal("A", "40000", "2000")])),
    "commission cap of 0 and floor": (
        _plan([{**_TIERED, "cap": "0"}, {"kind": "commission", "id": "c2", "rate": "0.01", "floor": "250"}]),
        _inputs(deals=[_deal("A", "10000", "1000")])),
    "margin-rate tiers below every band": (
        _plan([{"kind": "commission", "id": "c", "tiers_on": "margin_rate",
                "tiers": [{"from": "0.1", "to": "0.4", "rate": "0.02"}, {"from": "0.4", "rate": "0.05"}]}]),
        _inputs(deals=[_deal("A", "10000", "9500"), _deal("B", "10000", "3000"), _deal("C", "0", "0")])),
    "above quota on attainment tiers, upper boundary": (
        _plan([{"kind": "commission", "id": "c", "above_quota": True, "quota": "50000", "boundary": "upper",
                "tiers_on": "attainment", "tiers": [{"to": "0.2", "rate": "0.1"},
                                                    {"from": "0.2", "rate": "0.2", "mode": "retroactive"}]}]),
        _inputs(deals=[_deal("A", "50000"), _deal("B", "10000"), _deal("C", "5000")])),
    "28-digit amounts: inexact running sums, the engine's own order": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "1234567890123456789012.37", "0.01"),
                                         _deal("B", "0.0000003", "0"), _deal("C", "98765.4321987", "1")])),
    "28-digit product, exact sums": (
        _plan([{"kind": "commission", "id": "c", "rate": "0.1234567890123456789"}]),
        _inputs(deals=[_deal("A", "98765432109876.55"), _deal("B", "12.5")])),
    "running sum below 0, then across two edges": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "1000", "6000"), _deal("B", "40000", "1000"),
                                         _deal("C", "500", "3000"), _deal("D", "9000", "0")])),
    "running sum back up to exactly 0 and an edge hit exactly": (
        _plan([_TIERED]), _inputs(deals=[_deal("A", "0", "2000"), _deal("B", "2000", "0"),
                                         _deal("C", "15000", "0"), _deal("D", "0.00", "0")])),
    "negative-zero bases with clawback lines": (
        _plan([_TIERED], clawback={"window_days": 90}),
        _inputs(deals=[_deal("A", "-0.00", "0"), _deal("B", "100", "100"), _deal("C", "5000", "0", share="-0")])),
    "salary share": (_plan([{**_CARD, "target_incentive": None, "salary_share": "0.25"}]),
                     _inputs({"demos": "8", "nps": "31"})),
    "empty scorecard gate list and kpi product": (
        _plan([{**_CARD, "kpis": [{"id": "rev", "metric": "revenue", "product": "analytics", "weight": "1",
                                    "target": "50000"}]}]),
        _inputs({"revenue[product=analytics]": "12345.67"})),
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases_match_the_engine(name):
    plan, inputs = EDGE_CASES[name]
    reader = tally_reader(plan)
    if reader is None:
        pytest.skip("plan not covered by the tally")
    period = parse_period(inputs.period_key)
    for state in (None, CarriedState()):
        compare_one(plan, reader, outcome_reader(plan), inputs, state, period, Counter())


@pytest.mark.parametrize("cid", sorted(RESERVED_IDS))
def test_component_ids_the_engine_keeps_are_rejected_and_never_tallied(cid):
    """A component named like the engine's own lines (proration, clawback, statement cap)
    would be read as one of them: lint rejects it, and the tally declines such a plan."""
    plan = _plan([{"kind": "commission", "id": cid, "rate": "0.1"}], cap="1000")
    assert [i.code for i in lint_errors(plan)] == ["reserved-id"]
    assert tally_reader(plan) is None


# --- worked examples and plan files over real facts ------------------------------------------


def _load_db(facts_dir: Path):
    from payplan.facts.imports import import_facts
    from payplan.facts.read import read_facts
    from payplan.store.db import create_schema, make_engine

    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:
        import_facts(conn, read_facts(facts_dir))
    return engine


def compare_over_facts(plan: Plan, engine, periods) -> Counter:
    """Every rep in the facts, every period (with the pipeline's history), state carried."""
    from payplan.core.needs import plan_needs
    from payplan.evaluation.pipeline import with_history
    from payplan.store.metrics import load_inputs

    stats: Counter = Counter()
    reader = tally_reader(plan)
    if reader is None:
        return stats
    read = outcome_reader(plan)
    needs = plan_needs(plan)
    states: dict[str, CarriedState] = {}
    with engine.connect() as conn:
        for period in with_history(plan, periods):
            inputs = load_inputs(conn, list(needs.specs), period, team_scope=needs.team_scope,
                                 target_keys=set(needs.target_keys))
            for rep_id, item in sorted(inputs.items()):
                state = states.get(rep_id)
                compare_one(plan, reader, read, item, state, period, stats)
                states[rep_id] = evaluate(plan, item, state, period).state
    return stats


EXAMPLES = sorted(p.parent for p in (ROOT / "tests" / "examples").glob("*/plan.toml"))


@pytest.mark.parametrize("folder", EXAMPLES, ids=[f.name for f in EXAMPLES])
def test_worked_examples_match_the_engine(folder):
    """Over the example's own facts: the plan itself when covered, and its covered part
    (without clawback, draws, spiffs, overrides, fixed pay) when that differs."""
    from payplan.evaluation.pipeline import load_checked_plan, periods_for

    whole = load_checked_plan(folder / "plan.toml")
    part = _covered_part(whole)
    plans = [p for p in (whole, part if part != whole else None) if p is not None and tally_reader(p) is not None]
    if not plans:
        pytest.skip("nothing the tally covers")
    spec = json.loads((folder / "expected.json").read_text())
    engine = _load_db(folder / "facts")
    try:
        for plan in plans:
            compare_over_facts(plan, engine, periods_for(plan, spec["period"]))
    finally:
        engine.dispose()


def test_credit_purposes_are_tallied_from_the_inputs():
    """Quota-only and commission-only credits (credits.csv `counts_for`) are resolved by the
    store into RepInputs (metrics from quota credits, deals from commission credits): the
    tally covers EX-credit and every rep-period of it matches the engine."""
    from payplan.evaluation.pipeline import load_checked_plan, periods_for

    folder = ROOT / "tests" / "examples" / "EX-credit"
    plan = load_checked_plan(folder / "plan.toml")
    assert tally_reader(plan) is not None
    engine = _load_db(folder / "facts")
    try:
        stats = compare_over_facts(plan, engine, periods_for(plan, "2026-03"))
    finally:
        engine.dispose()
    assert stats["compared"] == stats["rep_periods"] > 0, dict(stats)


def _covered_part(plan: Plan) -> Plan | None:
    """The plan without what the fast path is not meant to cover (draws, overrides,
    formula bases), or None when nothing is left: real plan shapes (score_places,
    mirror KPIs, tier tables, clawbacks) still get checked over real facts."""
    from payplan.core.plan import Commission, Fixed, Scorecard, Spiff

    kept = [c for c in plan.components if isinstance(c, (Scorecard, Fixed)) or (
        isinstance(c, (Commission, Spiff)) and c.base in ("revenue", "margin"))]
    if not kept:
        return None
    return msgspec.structs.replace(plan, components=kept)


PLAN_FILES = sorted([*(ROOT / "plans").rglob("*.toml"), *(ROOT / "tests" / "data" / "plans" / "good").glob("*.toml"),
                     *(ROOT / "tests" / "data" / "plans" / "warn").glob("*.toml")])
DEMO_PERIODS = {"month": "2026-01..2026-06", "quarter": "2026-Q1..2026-Q2", "year": "2026"}


@pytest.fixture(scope="module")
def demo_db():
    engine = _load_db(ROOT / "examples" / "demo")
    yield engine
    engine.dispose()


def _plan_file(path: Path) -> Plan:
    from payplan.evaluation.pipeline import load_checked_plan

    return load_checked_plan(path)


@pytest.mark.parametrize("path", PLAN_FILES, ids=[str(p.relative_to(ROOT)) for p in PLAN_FILES])
def test_plan_files_match_the_engine_over_demo_facts(path, demo_db):
    from payplan.core.periods import parse_range

    plan = _plan_file(path)
    if tally_reader(plan) is None:
        pytest.skip("plan not covered by the tally")
    compare_over_facts(plan, demo_db, parse_range(DEMO_PERIODS[plan.period]))


@pytest.mark.parametrize("path", [*PLAN_FILES, *(f / "plan.toml" for f in EXAMPLES)],
                         ids=[str(p.relative_to(ROOT)) for p in [*PLAN_FILES, *(f / "plan.toml" for f in EXAMPLES)]])
def test_covered_parts_of_plan_files_match_the_engine_over_demo_facts(path, demo_db):
    from payplan.core.periods import parse_range

    plan = _covered_part(_plan_file(path))
    if plan is None or tally_reader(plan) is None:
        pytest.skip("nothing the tally covers")
    compare_over_facts(plan, demo_db, parse_range(DEMO_PERIODS[plan.period]))


# --- the fast path must stay on for the common shapes -----------------------------------------


def test_bench_plan_is_covered_for_every_rep():
    from payplan.bench.scoring import PLAN, make_inputs

    plan = msgspec.convert(PLAN, Plan, strict=False)
    reader = tally_reader(plan)
    assert reader is not None, "the bench plan must be covered by the tally"
    read = outcome_reader(plan)
    period = parse_period("2026-03")
    stats: Counter = Counter()
    declined = []
    for inputs in make_inputs(200):
        if compare_one(plan, reader, read, inputs, None, period, stats) is None:
            declined.append(inputs.rep.id)
    assert not declined, f"the tally declined {len(declined)} of 200 bench reps: {declined[:10]}"


def test_plan_files_are_covered_unless_they_draw_or_override():
    """Every plan file of the project gets a tally unless it has a draw, a manager override
    or a formula base (what the tally leaves to the engine)."""
    from payplan.core.plan import Draw, Override

    for path in sorted((ROOT / "plans").rglob("*.toml")):
        plan = _plan_file(path)
        uncovered = any(isinstance(c, (Draw, Override)) or getattr(c, "base", "revenue") not in ("revenue", "margin")
                        for c in plan.components)
        assert (tally_reader(plan) is None) == uncovered, path.name


# The simulation examples, and the AE plan in force over the demo company's first half-year.
SIM_PLANS = sorted([*(ROOT / "plans" / "sim").glob("*.toml"), ROOT / "plans" / "ae-2026-v1.toml"])


@pytest.mark.parametrize("path", SIM_PLANS, ids=[p.name for p in SIM_PLANS])
def test_simulation_plans_are_covered(path, demo_db):
    """The simulation examples and the AE plans (scorecard, commission, clawback): a non-None
    reader, and over the demo company every rep-period the engine scores without an issue
    and without reversing a cancelled deal is answered by the fast path (and matches)."""
    from payplan.core.periods import parse_range

    plan = _plan_file(path)
    assert tally_reader(plan) is not None, f"{path.name} must be covered by the tally"
    stats = compare_over_facts(plan, demo_db, parse_range(DEMO_PERIODS[plan.period]))
    assert stats["compared"] > 0, dict(stats)
    assert stats["declined_without_issues"] == 0, (
        f"{path.name}: the tally declined rep-periods the engine scores without issues: {dict(stats)}")
