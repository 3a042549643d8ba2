"""The progress answers: one rep's (`/me/progress`) and a manager's team (`/teams/{id}/progress`), with who may ask.

Assembles `runs.progress` (the estimate, through a run's own path) and `runs.whatif`
(what moves the pay) into one value the API returns and the pages show. Access is
`runs.views`' rule: a rep only themself, a manager their team (everyone whose
`manager_id` chain leads to them) and themself, finance, HR and admin everyone;
anything else answers NotFound, as a rep that does not exist. A team is for the viewer's
role, not for what the facts say: a manager's (their own, or one inside it), and finance,
HR and admin any; a rep none, even one whom the facts still name as someone's manager
(a manager demoted to rep). Must not write anything.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
from sqlalchemy import Connection, select

from payplan.access.users import User
from payplan.core.inputs import Rep
from payplan.errors import NotFound
from payplan.i18n import N_
from payplan.runs import progress, whatif
from payplan.runs.progress import ComponentEstimate, KpiProgress
from payplan.runs.views import SEE_ALL
from payplan.store.metrics import load_reps
from payplan.store.schema import targets


class Progress(msgspec.Struct, frozen=True):
    """A rep's estimate for a period: never approved, never payable."""

    rep_id: str
    rep_name: str
    plan: str
    period: str
    currency: str
    as_of: date
    working_days_left: int
    total: Decimal
    components: list[ComponentEstimate]
    kpis: list[KpiProgress]
    ytd_paid: Decimal  # approved and paid runs this year
    ytd_estimated: Decimal  # paid in the other periods of the year + this estimate
    gates: list[whatif.GateWatch]
    gains: list[whatif.Gain]
    tiers: list[whatif.TierStep]
    typical_deal: whatif.TypicalDeal | None
    estimate: bool = True
    approved: bool = False
    payable: bool = False


class TeamRow(msgspec.Struct, frozen=True):
    rep_id: str
    rep_name: str
    plan: str
    currency: str
    total: Decimal
    kpis: list[KpiProgress]
    flags: list[str]  # "gate" (a gate cuts pay), "gate_near", "issues" (the engine warned)


class TeamProgress(msgspec.Struct, frozen=True):
    manager_id: str
    manager_name: str
    period: str
    reps: list[TeamRow]
    totals: dict[str, Decimal]  # currency → sum of the estimates
    team: str
    team_quota: Decimal | None  # targets.csv's team_quota of the manager's team, when there is one
    estimate: bool = True


def rep_progress(conn: Connection, viewer: User, rep_id: str | None, period_text: str | None,
                 today: date | None = None) -> Progress:
    """`rep_id`'s (default: the viewer's own) progress; NotFound unless the viewer may see it."""
    everyone = load_reps(conn)
    rep_id = rep_id or viewer.rep_id
    if rep_id is None:
        raise NotFound(N_("you are not a rep: ask for one with ?rep="))
    may_see(viewer, rep_id, everyone)
    period = progress.choose_period(conn, period_text, today)
    return build(conn, progress.score_rep(conn, rep_id, period, today, everyone))


def build(conn: Connection, scoring: progress.Scoring) -> Progress:
    """The progress value of one scored rep (the bench times this with `score_rep`)."""
    days = progress.working_days_after(scoring.as_of, scoring.period.end)
    moves = whatif.moves(conn, scoring)
    paid, other = progress.year_to_date(conn, scoring.rep.id, scoring.period)
    result = scoring.result
    return Progress(scoring.rep.id, scoring.rep.name, scoring.plan_ref, scoring.period.key, result.currency,
                    scoring.as_of, days, result.total, progress.components(scoring), progress.kpis(scoring, days),
                    paid, other + result.total, moves.gates, moves.gains, moves.tiers, moves.typical_deal)


def team_progress(conn: Connection, viewer: User, manager_id: str, period_text: str | None,
                  today: date | None = None) -> TeamProgress:
    """Every rep under `manager_id`: attainment per KPI, estimate and flags, and the team's totals."""
    everyone = load_reps(conn)
    may_see_team(viewer, manager_id, everyone)
    manager = progress.find_rep(everyone, manager_id)
    period = progress.choose_period(conn, period_text, today)
    rows = []
    for rep in team_members(everyone, manager_id):
        try:
            scoring = progress.score_rep(conn, rep.id, period, today, everyone)
        except NotFound:
            continue  # not employed in the period, or on no plan in force
        rows.append(_row(scoring))
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.currency] = totals.get(row.currency, Decimal(0)) + row.total
    return TeamProgress(manager.id, manager.name, period.key, rows, totals, manager.team,
                        team_quota(conn, manager.team, period.key))


def _row(scoring: progress.Scoring) -> TeamRow:
    days = progress.working_days_after(scoring.as_of, scoring.period.end)
    watched = whatif.gates(scoring)
    flags = ["gate"] if any(g.applies for g in watched) else ["gate_near"] if watched else []
    if scoring.result.issues:
        flags.append("issues")
    return TeamRow(scoring.rep.id, scoring.rep.name, scoring.plan_ref, scoring.result.currency,
                   scoring.result.total, progress.kpis(scoring, days), flags)


def team_quota(conn: Connection, team: str, period_key: str) -> Decimal | None:
    t = targets.c
    value = conn.execute(select(t.target).where(t.scope == "team", t.scope_id == team, t.period == period_key,
                                                t.metric == "team_quota")).scalar()
    return None if value is None else Decimal(str(value))


def team_members(everyone: list[Rep], manager_id: str) -> list[Rep]:
    """Everyone whose manager chain leads to `manager_id`, by id."""
    below: dict[str, list[Rep]] = {}
    for rep in everyone:
        if rep.manager_id:
            below.setdefault(rep.manager_id, []).append(rep)
    found, todo, seen = [], [manager_id], {manager_id}
    while todo:
        for rep in below.get(todo.pop(), []):
            if rep.id not in seen:
                seen.add(rep.id)
                found.append(rep)
                todo.append(rep.id)
    return sorted(found, key=lambda r: r.id)


def may_see(viewer: User, rep_id: str, everyone: list[Rep]) -> None:
    """NotFound unless `viewer` may see `rep_id`'s progress (or team): the rule of `runs.views`."""
    if viewer.role in SEE_ALL:
        return
    if viewer.rep_id is not None and viewer.role in ("rep", "manager"):
        if rep_id == viewer.rep_id:
            return
        if viewer.role == "manager" and rep_id in {r.id for r in team_members(everyone, viewer.rep_id)}:
            return
    raise NotFound(N_("rep %(rep)r does not exist"), rep=rep_id)


def may_see_team(viewer: User, manager_id: str, everyone: list[Rep]) -> None:
    """NotFound unless `viewer`'s role may see the team under `manager_id`: finance, HR and admin
    any; a manager their own and any inside it; a rep none (only their own progress)."""
    if viewer.role not in (*SEE_ALL, "manager"):
        raise NotFound(N_("rep %(rep)r does not exist"), rep=manager_id)
    may_see(viewer, manager_id, everyone)
