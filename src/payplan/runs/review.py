"""The finance review of a run: each rep's pay against the last approved period, and its flags.

Exceptions first: a rep is flagged when pay jumped (over `up`× last period) or fell (under
`down`×), a KPI had no data, a gate cut pay, a cap was hit, a deal was clawed back, a draw
was paid or recovered, the rep joined or left during the period (prorated), the total is
negative (paid as it is), a negative total was carried forward or forgiven or a negative
balance recovered (`carried`), the rep is on the plan but has no facts this period, or has
facts this period but no run of the period pays them. Everything is read from what the run stored (its result
documents) and the fact tables; the previous period is the last approved or paid regular
run of the same plan for the period before, plus its approved adjustments. Must not change
anything, and must not decide who may see the review (the caller does).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, and_, func, or_, select, union

from payplan.core.periods import Period, parse_period
from payplan.i18n import N_, gettext
from payplan.runs.rows import RunRow
from payplan.store.schema import activities, deals, nps, reps, scores
from payplan.store.service_schema import FINAL_STATES, plan_versions, run_results, runs

FLAGS = ("pay_up", "pay_down", "negative", "carried", "no_data", "gate_cut", "cap_hit", "clawback", "draw",
         "prorated", "no_facts", "no_plan")
# The flags as finance reads them (`flag_name`); pay_up/pay_down name the configured factor.
FLAG_NAMES = {
    "pay_up": N_("Pay over %(times)s× last period"), "pay_down": N_("Pay under %(times)s× last period"),
    "negative": N_("Negative total"), "carried": N_("Negative balance carried"), "no_data": N_("KPI with no data"),
    "gate_cut": N_("Gate cut pay"), "cap_hit": N_("Cap hit"), "clawback": N_("Clawback"),
    "draw": N_("Draw paid or recovered"), "prorated": N_("Joined or left (prorated)"),
    "no_facts": N_("On the plan, no facts"), "no_plan": N_("Facts, but no run of the period pays them")}
_LINE_FLAGS = {"gate": "gate_cut", "cap": "cap_hit", "statement_cap": "cap_hit", "clawback": "clawback",
               "draw": "draw", "recovery": "draw",
               # `payplan.core.negative`: a negative total carried or forgiven, a negative balance recovered
               "carry": "carried", "forgive": "carried", "balance_recovery": "carried"}
_DOCUMENT = msgspec.json.Decoder()


class RepReview(msgspec.Struct, frozen=True):
    rep_id: str
    name: str
    team: str
    total: Decimal | None  # None: facts this period, but no run of the period pays the rep
    previous: Decimal | None
    change: Decimal | None
    flags: tuple[str, ...]


class RunReview(msgspec.Struct, frozen=True):
    run_id: int
    period: str
    previous_run_id: int | None
    total: Decimal
    previous_total: Decimal | None
    change: Decimal | None
    reps: list[RepReview]  # flagged reps first, then by rep id
    counts: dict[str, int]  # reps per flag, every flag named


def review(conn: Connection, run: RunRow, *, up: Decimal = Decimal(2), down: Decimal = Decimal("0.5")) -> RunReview:
    """The review of `run`; `up` and `down` are the pay-change thresholds (settings)."""
    period = parse_period(run.period)
    # An adjustment run pays differences: comparing them with last period's pay means nothing.
    previous_id, previous = _previous(conn, run, period) if run.kind == "regular" else (None, {})
    with_facts = _reps_with_facts(conn, period)
    reviewed = [_rep(row, previous.get(row.rep_id), with_facts, up, down) for row in _results(conn, run.id)]
    reviewed += _unpaid(conn, period, with_facts)
    reviewed.sort(key=lambda r: (not r.flags, r.rep_id))
    counts = {flag: sum(flag in r.flags for r in reviewed) for flag in FLAGS}
    total = sum((r.total for r in reviewed if r.total is not None), Decimal(0))
    before = sum(previous.values(), Decimal(0)) if previous_id is not None else None
    return RunReview(run.id, run.period, previous_id, total, before, None if before is None else total - before,
                     reviewed, counts)


def _results(conn: Connection, run_id: int) -> list:
    query = (select(run_results.c.rep_id, reps.c.name, reps.c.team, run_results.c.total, run_results.c.result)
             .join(reps, reps.c.id == run_results.c.rep_id).where(run_results.c.run_id == run_id))
    return list(conn.execute(query))


def _rep(row, previous: Decimal | None, with_facts: set[str], up: Decimal, down: Decimal) -> RepReview:
    flags = set(_document_flags(_DOCUMENT.decode(row.result)))
    total = row.total
    if total < 0:
        flags.add("negative")
    if previous is not None and previous > 0:
        flags.update({"pay_up"} if total > previous * up else {"pay_down"} if total < previous * down else ())
    if row.rep_id not in with_facts:
        flags.add("no_facts")
    change = None if previous is None else total - previous
    return RepReview(row.rep_id, row.name, row.team, total, previous, change, tuple(f for f in FLAGS if f in flags))


def _document_flags(document: dict) -> set[str]:
    """Flags read from a stored result: its lines, issues and the active share of the period."""
    flags = {_LINE_FLAGS[line["kind"]] for line in document.get("lines", ()) if line.get("kind") in _LINE_FLAGS
             and (line["kind"] != "gate" or Decimal(line.get("amount", "0")) < 0)}
    if any(issue.get("code") == "no-data" for issue in document.get("issues", ())):
        flags.add("no_data")
    for node in (document.get("trace") or {}).get("children", ()):
        if node.get("key") == "proration" and node.get("value") is not None and Decimal(node["value"]) < 1:
            flags.add("prorated")
    return flags


def _previous(conn: Connection, run: RunRow, period: Period) -> tuple[int | None, dict[str, Decimal]]:
    """The last approved regular run of this plan for the period before, with its adjustments:
    (its id, each rep's total); (None, {}) when there is none."""
    regular = conn.execute(
        select(runs.c.id).join(plan_versions, plan_versions.c.id == runs.c.plan_version_id)
        .where(plan_versions.c.plan_id == run.plan_id, runs.c.period == period.previous().key,
               runs.c.kind == "regular", runs.c.state.in_(FINAL_STATES))
        .order_by(runs.c.id.desc()).limit(1)).scalar()
    if regular is None:
        return None, {}
    paid = select(runs.c.id).where(or_(runs.c.id == regular, and_(runs.c.adjusts_run_id == regular,
                                                                   runs.c.state.in_(FINAL_STATES))))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for rep_id, amount in conn.execute(select(run_results.c.rep_id, run_results.c.total)
                                       .where(run_results.c.run_id.in_(paid))):
        totals[rep_id] += amount
    return regular, dict(totals)


def _reps_with_facts(conn: Connection, period: Period) -> set[str]:
    """Reps with an activity, a deal created, closed or cancelled, an NPS answer or a score in the period."""
    start, end = period.start, period.end
    within = lambda column: and_(column >= start, column <= end)  # noqa: E731 - a local shorthand
    query = union(
        select(activities.c.rep_id).where(within(activities.c.occurred_at)),
        select(deals.c.rep_id).where(or_(within(deals.c.created_at), within(deals.c.closed_at),
                                         within(deals.c.cancelled_at))),
        select(nps.c.rep_id).where(within(nps.c.answered_at)),
        select(scores.c.rep_id).where(scores.c.period == period.key))
    return set(conn.execute(query).scalars())


def _unpaid(conn: Connection, period: Period, with_facts: set[str]) -> list[RepReview]:
    """Reps with facts in the period whom no run of the period pays (any plan, any state)."""
    paid = set(conn.execute(select(func.distinct(run_results.c.rep_id))
                            .join(runs, runs.c.id == run_results.c.run_id).where(runs.c.period == period.key))
               .scalars())
    missing = sorted(with_facts - paid)
    if not missing:
        return []
    rows = conn.execute(select(reps.c.id, reps.c.name, reps.c.team).where(reps.c.id.in_(missing)))
    return [RepReview(r.id, r.name, r.team, None, None, None, ("no_plan",)) for r in rows]


def flag_name(lang: str, flag: str, up: object, down: object) -> str:
    """A flag's name in `lang` ("Pay over 2× last period" with `up` = 2)."""
    times = up if flag == "pay_up" else down if flag == "pay_down" else None
    return gettext(lang, FLAG_NAMES[flag], times=times) if times is not None else gettext(lang, FLAG_NAMES[flag])
