"""The whole pipeline on one screen: plan → facts → metrics → evaluate → output.

`payplan evaluate --data DIR` imports the fact files into an in-memory SQLite
database and takes exactly the same path as the service: metric SQL in
`payplan.store.metrics`, scoring in `payplan.core.engine`. State (draw and
negative balances, commission paid per deal) carries from each period into the next,
starting from the plan's first period (or, when only year- or quarter-to-date totals carry,
the window's first period) so a single period sees its history.
Must not format for humans beyond the two CLI encodings (JSON, table).
"""

from __future__ import annotations

from pathlib import Path

import msgspec
from sqlalchemy.engine import Connection

from payplan.core.cumulative import history_start, is_cumulative
from payplan.core.eligibility import in_force, is_eligible
from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, Rep, RepInputs
from payplan.core.issues import Issue
from payplan.core.needs import plan_needs
from payplan.core.periods import Period, PeriodError, parse_range, period_of
from payplan.core.plan import Draw, Plan
from payplan.core.proration import version_days
from payplan.core.result import RepResult
from payplan.errors import Invalid, PayplanError
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.i18n import N_
from payplan.plans import issue_words
from payplan.plans.files import PlanError, check_plan_text, plan_hash, read_plan_file
from payplan.store.db import create_schema, make_engine
from payplan.store.fx import period_conversions
from payplan.store.metrics import load_inputs, load_reps

# How far back history is replayed for carried state (draws, clawbacks, negative balances).
MAX_HISTORY = 36


PERIOD_KINDS = (N_("month"), N_("quarter"), N_("year"))  # a plan's `period`, said in an error


class UsageError(PayplanError, ValueError):
    """A request that cannot be answered as asked (wrong period kind, unknown rep): exit code 2."""


class Evaluation(msgspec.Struct):
    plan: Plan
    hash: str
    period: str
    results: list[RepResult]
    issues: list[Issue]
    names: dict[str, str] = {}  # rep id → name, for the table a person reads


def evaluate_files(plan_path: str | Path, data_dir: str | Path, period_text: str,
                   rep_id: str | None = None) -> Evaluation:
    """Load a plan file and a fact directory, evaluate the periods asked for."""
    plan = load_checked_plan(plan_path)
    periods = periods_for(plan, period_text)
    facts = read_facts(data_dir)
    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:
        import_facts(conn, facts)
        results, issues = evaluate_periods(plan, conn, periods, rep_id)
        names = {r.id: r.name for r in load_reps(conn) if r.name}
    return Evaluation(plan, plan_hash(plan), period_text, results, issues, names)


def load_checked_plan(path: str | Path) -> Plan:
    """Load a plan file and refuse it when the linter finds errors (warnings pass)."""
    plan, issues = check_plan_text(read_plan_file(path), str(path))
    errors = [i for i in issues if i.severity == "error"]
    if plan is None or errors:
        raise PlanError(errors)
    return plan


def periods_for(plan: Plan, text: str) -> list[Period]:
    try:
        periods = parse_range(text)
    except PeriodError as exc:
        raise UsageError(exc.message, **exc.fields) from None  # said in the reader's language
    if periods[0].kind != plan.period:
        example = period_of(periods[0].start, plan.period).key
        raise UsageError(N_("plan %(plan)s pays by %(kind)s: give a period such as %(example)s, not %(text)s"),
                         plan=plan.ref, kind=plan.period, example=example, text=text, words=("kind",))
    if not any(in_force(plan, p) for p in periods):
        raise Invalid(N_("plan %(plan)s is not in force in %(period)s"), plan=plan.ref, period=text)
    return periods


def evaluate_periods(plan: Plan, conn: Connection, periods: list[Period],
                     rep_id: str | None = None) -> tuple[list[RepResult], list[Issue]]:
    """Evaluate every eligible rep (or one) for each period, carrying state forward."""
    everyone = load_reps(conn)
    reps = [r for r in everyone if is_eligible(plan, r) and (rep_id is None or r.id == rep_id)]
    if rep_id is not None and not reps:
        raise UsageError(N_("rep %(rep)s is not in the facts or not eligible for plan %(plan)s"),
                         rep=rep_id, plan=plan.ref)
    wanted = set(periods)
    states: dict[str, CarriedState] = {}
    results: list[RepResult] = []
    for period in with_history(plan, periods):
        if not in_force(plan, period):
            continue
        # Activity ids are listed only when one rep is asked for (explain, a statement).
        scored, _ = score_period(plan, conn, period, reps, states, activity_ids=rep_id is not None,
                                 everyone=everyone)
        if period in wanted:
            results.extend(scored)
    issues = [i for r in results for i in r.issues]
    return results, issues


def score_period(plan: Plan, conn: Connection, period: Period, reps: list[Rep],
                 states: dict[str, CarriedState], *, activity_ids: bool = False,
                 everyone: list[Rep] | None = None) -> tuple[list[RepResult], dict[str, RepInputs]]:
    """Stage 1 then stage 2 for one period: each rep's result from `states` (updated in place).

    `everyone`: every rep as `load_reps` read them, if the caller has (not read again).
    """
    inputs = plan_inputs(plan, conn, period, [r.id for r in reps], activity_ids=activity_ids, everyone=everyone)
    results = []
    for rep in reps:
        if rep.id in inputs:
            result = evaluate(plan, inputs[rep.id], states.get(rep.id), period)
            states[rep.id] = result.state
            results.append(result)
    return results, inputs


def plan_inputs(plan: Plan, conn: Connection, period: Period, rep_ids: list[str], *, activity_ids: bool = False,
                everyone: list[Rep] | None = None) -> dict[str, RepInputs]:
    """Stage 1 for `plan`: what it reads of the facts of `period`, in its time zone and pay
    currency, counting only the days the version is in force (`proration.version_days`)."""
    needs = plan_needs(plan)
    return load_inputs(conn, list(needs.specs), period, rep_ids=rep_ids, team_scope=needs.team_scope,
                       target_keys=set(needs.target_keys), activity_ids=activity_ids, everyone=everyone,
                       pool=needs.pool, zone=plan.timezone, fx=period_conversions(conn, period, plan.currency, plan.fx),
                       days=version_days(plan, period), fields=needs.fields)


def carries_state(plan: Plan) -> bool:
    """Whether a period's result depends on earlier periods (draws, clawbacks, negative
    totals carried forward: any plan may have a credit note or a negative KPI floor)."""
    return (plan.clawback is not None or plan.negative_total == "carry"
            or any(isinstance(c, Draw) for c in plan.components) or is_cumulative(plan))


def with_history(plan: Plan, periods: list[Period]) -> list[Period]:
    """Earlier periods to replay when the plan carries state (draws, clawbacks, negative totals)."""
    if not carries_state(plan):
        return periods
    history: list[Period] = []
    first = period_of(plan.effective_from, plan.period)
    if _only_windows(plan):  # year- or quarter-to-date totals: from the window's first period
        first = max(first, history_start(plan, periods[0]))
    p = periods[0]
    while p > first and len(history) < MAX_HISTORY:
        p = p.previous()
        history.append(p)
    return list(reversed(history)) + periods


def _only_windows(plan: Plan) -> bool:
    """Whether the only state carried is cumulative commissions' window totals."""
    return (plan.clawback is None and plan.negative_total != "carry"
            and not any(isinstance(c, Draw) for c in plan.components))


def run_evaluate(plan: Path, data: Path, period: str, rep: str | None = None,
                 fmt: str = "table", lang: str = "en") -> tuple[str, int]:
    """`payplan evaluate`: (text to print, exit code: 1 when an error issue was found).

    The table is in `lang`; the JSON is the same in every language."""
    from payplan.evaluation.report import table_text, to_json

    evaluation = evaluate_files(plan, data, period, rep)
    text = to_json(evaluation).decode() if fmt == "json" else table_text(evaluation, lang)
    return text, 1 if any(i.severity == "error" for i in evaluation.issues) else 0


def run_explain(plan: Path, data: Path, period: str, rep: str, lang: str = "en") -> tuple[str, int]:
    """`payplan explain`: the trace of one rep as an indented, readable tree."""
    from payplan.evaluation.report import explain_lines

    evaluation = evaluate_files(plan, data, period, rep)
    lines: list[str] = []
    for result in evaluation.results:
        texts = evaluation.plan.translations.get(lang)
        lines += explain_lines(result, evaluation.plan.currency, lang, texts) + [""]
    lines += [issue_words.line(i, lang) for i in evaluation.issues]
    return "\n".join(lines), 1 if any(i.severity == "error" for i in evaluation.issues) else 0
