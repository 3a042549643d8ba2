"""Progress during a period: a rep's estimate and what moves it, and a manager's team.

`GET /me/progress` (the viewer's own, or `?rep=` for a manager's team member or anyone
for finance, HR and admin), `GET /reps/{rep_id}/progress` and `GET /teams/{rep_id}/progress`
(`rep_id`: the manager's rep id). `?period=2026-03` chooses the month (default: the
current one, else the latest with facts). Every answer is an estimate through a run's
own evaluation path, never approved nor payable, and writes nothing. Who may ask is
`payplan.runs.progress_report.may_see` (a team: `may_see_team`, by role; others get 404).
Must stay thin.
"""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from typing_extensions import Annotated

from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.api.problems import TEXT, problem_responses
from payplan.api.runs import PERIOD
from payplan.runs.progress_report import Progress, TeamProgress, rep_progress, team_progress

PeriodQuery = Annotated[str | None, QueryParameter(name="period", min_length=4, max_length=7, pattern=PERIOD,
                                                   required=False, description="A month such as 2026-03.")]
RepQuery = Annotated[str | None, QueryParameter(name="rep", min_length=1, max_length=64, pattern=TEXT,
                                                required=False, description="Another rep's id (managers: their team).")]
RepPath = Annotated[str, PathParameter(min_length=1, max_length=64, pattern=TEXT)]
_ERRORS = problem_responses(400, 401, 404, 422)


@get("/me/progress", guards=[EVERYONE], sync_to_thread=True, tags=["progress"], responses=_ERRORS)
def my_progress(request: Request, db: NamedDependency[Database], period: PeriodQuery = None,
                rep: RepQuery = None) -> Progress:
    """The estimate of the period so far: KPIs, pace, payout, year to date, and what moves it."""
    return db.read(rep_progress, request.user, rep, period)


@get("/reps/{rep_id:str}/progress", guards=[EVERYONE], sync_to_thread=True, tags=["progress"], responses=_ERRORS)
def a_rep_progress(request: Request, rep_id: RepPath, db: NamedDependency[Database],
                   period: PeriodQuery = None) -> Progress:
    """One rep's estimate of the period so far (a rep: only themself; a manager: their team)."""
    return db.read(rep_progress, request.user, rep_id, period)


@get("/teams/{rep_id:str}/progress", guards=[EVERYONE], sync_to_thread=True, tags=["progress"], responses=_ERRORS)
def a_team_progress(request: Request, rep_id: RepPath, db: NamedDependency[Database],
                    period: PeriodQuery = None) -> TeamProgress:
    """Every rep under manager `rep_id`: attainment per KPI, estimate, flags and the team's totals."""
    return db.read(team_progress, request.user, rep_id, period)


ROUTES = [my_progress, a_rep_progress, a_team_progress]
