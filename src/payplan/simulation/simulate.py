"""HR simulation: what a proposed plan would have paid over past periods, next to the baseline.

plans → validate → metric values once per rep × period → score each plan → compare
(stage 1 and 2 live in `payplan.simulation.scoring`).

A plan is a file (a draft, not yet published) or a published `id@version`
(`payplan.plans.versions`). Both plans are evaluated as modified copies in force
over the simulated periods (a proposal dated July still shows what it would have
paid in March), each carrying its own state (draws, clawbacks, negative totals
carried) from period to period. Metric values are loaded once per period for the union of both plans'
needs and kept in memory (`MetricCache`, which also keeps each period by column
for the tally), so a second variant costs only scoring; scoring may fan out to
worker processes (by period, or by rep for a plan that carries state).

Must not write to the database: the connection is read-only (SQLite
`query_only`, PostgreSQL READ ONLY) and rolled back at the end; with `--data`
the facts go into a private in-memory database. Must not render (that is
`payplan.simulation.report`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import msgspec
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from payplan.core.bounds import PLAN_MAGNITUDE, bounded
from payplan.core.breakdown import drivers, groups
from payplan.core.issues import Issue
from payplan.core.periods import Period, PeriodError, parse_range
from payplan.core.plan import Plan
from payplan.core.simulate import Outcome, compare
from payplan.core.trace import fill
from payplan.errors import Invalid, NotFound, Phrase
from payplan.i18n import N_
from payplan.plans.change_words import describe, lever_words
from payplan.plans.files import plan_diff, plan_hash
from payplan.simulation.budget import fit_budget
from payplan.simulation.drafts import DraftPlan, edited, resolve_plan
from payplan.simulation.model import BudgetFit, Person, PlanChoice, Question, Simulation
from payplan.simulation.pool import score
from payplan.simulation.population import choose, with_coverage
from payplan.simulation.scenarios import parse_scenarios, run_scenario
from payplan.simulation.scoring import MetricCache
from payplan.store.db import create_schema, make_engine
from payplan.store.metrics import load_reps


# --- input -------------------------------------------------------------------------------


def parse_periods(text: str) -> list[Period]:
    """Periods from "2026-01..2026-06" or several ranges "2026-01..2026-03,2026-07..2026-09".

    Invalid for a reversed or malformed range, ranges of different kinds, or ranges that overlap.
    """
    periods: list[Period] = []
    for part in (p.strip() for p in text.split(",")):
        try:
            chunk = parse_range(part)
        except PeriodError as exc:
            raise Invalid(N_("periods: %(error)s"), error=Phrase(exc.message, exc.fields)) from None
        if periods and chunk[0].kind != periods[0].kind:
            raise Invalid(N_("periods %(text)r: every range must use the same kind of period"), text=text)
        overlap = sorted(set(chunk) & set(periods))
        if overlap:
            raise Invalid(N_("periods %(text)r: range %(range)s overlaps an earlier range at %(period)s"), text=text,
                          range=part, period=overlap[0].key)
        periods += chunk
    return sorted(periods)


def check_pair(baseline: Plan, proposal: Plan, periods: list[Period]) -> None:
    """Both plans pay in one currency and by the kind of period asked for."""
    if baseline.currency != proposal.currency:
        raise Invalid(N_("plans pay in different currencies: baseline %(baseline)s in %(baseline_currency)s, "
                         "proposal %(proposal)s in %(proposal_currency)s"), baseline=baseline.ref,
                      baseline_currency=baseline.currency, proposal=proposal.ref, proposal_currency=proposal.currency)
    for plan in (baseline, proposal):
        if plan.period != periods[0].kind:
            raise Invalid(N_("plan %(plan)s pays by %(period)s, but the periods asked for are %(kinds)s (%(first)s…)"),
                          plan=plan.ref, period=plan.period, kinds=f"{periods[0].kind}s", first=periods[0].key)


def as_if_in_force(plan: Plan, periods: list[Period]) -> Plan:
    """A copy of `plan` in force over every simulated period (effective dates widened only)."""
    start = min(plan.effective_from, periods[0].start)
    return msgspec.structs.replace(plan, effective_from=start, effective_to=None)


# --- the whole simulation -----------------------------------------------------------------


def simulate(conn: Connection, baseline: str | DraftPlan, proposal: str | DraftPlan, periods_text: str,
             threshold: Decimal | None = None, *, question: Question = Question(),
             plans_conn: Connection | None = None, files: bool = True, workers: int = 1) -> Simulation:
    """Compare `proposal` with `baseline` over the facts behind `conn` (read only), as `question` asks.

    `files=False` (the API) accepts only published references and drafts as text, never a path.
    `threshold`, when given, stands for `question.threshold`.
    """
    if threshold is not None:
        question = msgspec.structs.replace(question, threshold=threshold)
    periods = parse_periods(periods_text)
    _check_threshold(question.threshold)
    shifts = parse_scenarios(question.scenarios)
    (base, base_choice, base_lint), (prop, prop_choice, prop_lint) = (resolve_plan(p, plans_conn, files=files)
                                                                      for p in (baseline, proposal))
    prop, prop_choice, edit_lint = edited(prop, prop_choice, question.edits)
    check_pair(base, prop, periods)
    reps = load_reps(conn)
    cohort = choose(reps, base, prop, role=question.role, team=question.team, cross=question.cross_population)
    variants = [as_if_in_force(base, periods), as_if_in_force(prop, periods)]
    ids = (cohort.baseline_ids, cohort.proposal_ids)
    cache = MetricCache(conn, variants, sorted(set(ids[0]) | set(ids[1])))
    before = score(variants[0], cache, periods, ids[0], workers)
    fitted = None
    if question.budget is not None:
        unfitted = prop
        variants[1], fitted, after = fit_budget(variants[1], question.budget, cache, periods, ids[1], workers)
        prop = msgspec.structs.replace(prop, components=variants[1].components, cap=variants[1].cap)
        prop_choice = _fitted_choice(prop_choice, prop, fitted)
        fitted = msgspec.structs.replace(fitted, parameter=lever_words(unfitted, fitted.lever),
                                         words=describe(fitted.changes, unfitted, prop))
    else:
        after = score(variants[1], cache, periods, ids[1], workers)
    kept = cohort.compared
    comparison = compare([o for o in before if o.rep_id in kept], [o for o in after if o.rep_id in kept],
                         cache.activity(), question.threshold)
    people = {r.id: Person(r.name or r.id, r.team, r.role) for r in reps if r.id in set(ids[0]) | set(ids[1])}
    population = with_coverage(cohort.population, (_pay(before, ids[0]), _pay(after, ids[1])), kept)
    issues = _rep_currency(base, [r for r in reps if r.id in people]) + _issues(base_choice, before) \
        + _issues(prop_choice, after)
    scenarios = [run_scenario(text, s, (variants[0], variants[1]), ids, cache, periods, workers)
                 for text, s in zip(question.scenarios, shifts)]
    labels, texts = _words(base, prop)
    changes = plan_diff(base, prop)
    return Simulation(
        population, base_choice, prop_choice, [p.key for p in periods], base.currency, changes,
        comparison, issues, labels, texts, people=people,
        groups=groups(comparison.rows, lambda r: people[r].team, lambda r: people[r].role),
        drivers=drivers([o for o in before if o.rep_id in kept], [o for o in after if o.rep_id in kept],
                        (_weights(base), _weights(prop))),
        plan_warnings=base_lint + prop_lint + edit_lint, budget=fitted, scenarios=scenarios,
        component_labels=_component_labels(base, prop), change_words=describe(changes, base, prop))


def _check_threshold(threshold: Decimal) -> None:
    if not bounded(threshold, PLAN_MAGNITUDE):
        raise Invalid(N_("threshold %(threshold)s must be a finite number below 10^15"), threshold=threshold,
                      where="threshold")
    if threshold < 0:
        raise Invalid(N_("threshold %(threshold)s must not be negative"), threshold=threshold)


def _fitted_choice(choice: PlanChoice, plan: Plan, fitted: BudgetFit) -> PlanChoice:
    given = f"{choice.given} + {fitted.lever}={fitted.value}"
    return PlanChoice(given, choice.ref, plan_hash(plan), choice.name, "edited")


def _pay(outcomes: list[Outcome], rep_ids: list[str]) -> dict[str, Decimal]:
    """Each rep's pay over the window (0 for a rep scored in no period)."""
    pay = dict.fromkeys(rep_ids, Decimal(0))
    for o in outcomes:
        pay[o.rep_id] += o.total
    return pay


def _weights(plan: Plan) -> dict[str, Decimal]:
    return {k.id: k.weight for c in plan.components for k in getattr(c, "kpis", ())}


def _component_labels(*plans: Plan) -> dict[str, str]:
    return {c.id: c.label or c.id for plan in plans for c in plan.components}


def _words(*plans: Plan) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The plans' KPI labels by id, and their translations merged (the proposal's win)."""
    labels: dict[str, str] = {}
    texts: dict[str, dict[str, str]] = {}
    for plan in plans:
        labels.update((k.id, k.label or k.id) for c in plan.components for k in getattr(c, "kpis", ()))
        for lang, table in plan.translations.items():
            texts.setdefault(lang, {}).update(table)
    return labels, texts


def _rep_currency(plan: Plan, reps: list) -> list[Issue]:
    """A warning when eligible reps are paid in another currency than the plans (runs allow it too)."""
    other = sorted({r.currency for r in reps if r.currency and r.currency != plan.currency})
    if not other:
        return []
    template = N_("the plans pay in {plan}, but some eligible reps are paid in {other}: their amounts are "
                  "shown in {plan}")
    inputs = {"plan": plan.currency, "other": ", ".join(other)}
    return [Issue("warning", "rep-currency", fill(template, inputs), "reps.currency", template=template, inputs=inputs)]


def _issues(choice: PlanChoice, outcomes: list[Outcome]) -> list[Issue]:
    return [msgspec.structs.replace(i, where=f"{choice.ref}: {i.where}") for o in outcomes for i in o.issues]


_READ_ONLY = {"sqlite": "PRAGMA query_only = ON", "postgresql": "SET TRANSACTION READ ONLY"}


@contextmanager
def read_only(url: str) -> Iterator[Connection]:
    """A read-only connection to the database at `url`; a SQLite file that does not exist
    is NotFound (it is never created)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        raise NotFound(N_("no database at %(path)s (set PAYPLAN_DATABASE_URL, or give --data DIR)"),
                       path=parsed.database)
    engine = make_engine(url)
    try:
        with read_only_connection(engine) as conn:
            yield conn
    finally:
        engine.dispose()


@contextmanager
def read_only_connection(engine: Engine) -> Iterator[Connection]:
    """A connection that cannot write (SQLite query_only, PostgreSQL READ ONLY) and is rolled back."""
    with engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect in _READ_ONLY:
            conn.exec_driver_sql(_READ_ONLY[dialect])  # the first statement: it begins the transaction
        try:
            yield conn
        finally:
            conn.rollback()
            if dialect == "sqlite":  # the pragma outlives the transaction: reset it for the pool
                conn.exec_driver_sql("PRAGMA query_only = OFF")
                conn.rollback()


def simulate_data(data_dir: str | Path, *args, plans_url: str | None = None, **kwargs) -> Simulation:
    """Simulate over fact files, imported into a private in-memory database."""
    from payplan.facts.read import read_facts

    facts = read_facts(data_dir)
    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn, _maybe(plans_url) as plans_conn:
        from payplan.facts.imports import import_facts

        import_facts(conn, facts)
        return simulate(conn, *args, plans_conn=plans_conn, **kwargs)


def simulate_database(url: str, *args, **kwargs) -> Simulation:
    """Simulate over the service database at `url`, read only; plans may be published ones."""
    with read_only(url) as conn:
        return simulate(conn, *args, plans_conn=conn, **kwargs)


@contextmanager
def _maybe(url: str | None) -> Iterator[Connection | None]:
    if url is None:
        yield None
    else:
        with read_only(url) as conn:
            yield conn


def needs_database(*plans: str) -> bool:
    """Whether any plan is given as a published ID@VERSION rather than a file."""
    return any(not (Path(p).suffix == ".toml" or Path(p).exists()) and "@" in p for p in plans)

