"""Progress pages: a rep's estimate of the period so far ("My progress") and a manager's team.

`/progress` is the viewer's own (`?rep=` another rep a manager, finance, HR or admin may
see; `?period=2026-03` another month); `/progress/team/{rep_id}` a manager's team. Both
show exactly what `GET /me/progress` and `GET /teams/{id}/progress` answer
(`payplan.runs.progress_report`), and refuse exactly as they do (404). Must stay thin.
"""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.api.progress import PeriodQuery, RepPath, RepQuery
from payplan.plans import versions as plan_store
from payplan.runs.progress_report import rep_progress, team_progress
from payplan.errors import NotFound
from payplan.web.templating import gettext, language, page


def _texts(conn, refs: set[str]) -> dict[str, str]:
    """The plans' own texts (labels) in the page's language: English text → translated."""
    texts: dict[str, str] = {}
    for ref in sorted(refs):
        texts |= plan_store.load(conn, plan_store.get_plan(conn, ref)).translations.get(language(), {})
    return texts


def _mine(conn, user, rep, period):
    found = rep_progress(conn, user, rep, period)
    return found, _texts(conn, {found.plan})


def _team(conn, user, rep_id, period):
    found = team_progress(conn, user, rep_id, period)
    return found, _texts(conn, {r.plan for r in found.reps})


@get("/progress", guards=[EVERYONE], sync_to_thread=True)
def progress_page(request: Request, db: NamedDependency[Database], period: PeriodQuery = None,
                  rep: RepQuery = None) -> Template:
    """The estimate of the period so far and what moves it, for the viewer or `?rep=`. The viewer's
    own home says why there is nothing to estimate (no plan pays them in the period) instead of a 404."""
    try:
        found, texts = db.read(_mine, request.user, rep, period)
    except NotFound as exc:
        if rep is not None and rep != request.user.rep_id:
            raise
        return page(request, "progress.html", p=None, texts={}, missing=exc.say(gettext))
    return page(request, "progress.html", p=found, texts=texts)


@get("/progress/team/{rep_id:str}", guards=[EVERYONE], sync_to_thread=True)
def team_page(request: Request, rep_id: RepPath, db: NamedDependency[Database],
              period: PeriodQuery = None) -> Template:
    """Every rep under the manager: attainment per KPI, estimate and flags, and the team's totals."""
    found, texts = db.read(_team, request.user, rep_id, period)
    return page(request, "team_progress.html", t=found, texts=texts)


ROUTES = [progress_page, team_page]
