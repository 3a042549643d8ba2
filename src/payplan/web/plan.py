"""The plan page: the plan a rep or manager is on, in words, and its acknowledgement; finance's roster.

`GET /me/plan` (`?period=2026-03`, default this month) is the viewer's plan version:
a browser (`Accept: text/html`) gets the page, any other client the same view as JSON
(`payplan.api.acknowledgements.PlanView`). A manager's page also lists the versions
their team is on, each linking to `/plans/{id}/view`, which shows any version to
whoever may read it, and the roster (who acknowledged, who has not) to finance, HR,
admin (every rep) and managers (their team). `POST /me/plan/acknowledge` is the page's
button (form fields `plan_version_id`, `period`, `back`), then 303 back to the page it was on. `/finance/plans` lists
the versions with how many of their reps acknowledged. Must stay thin: who may do what
is `payplan.runs.acknowledgements`'.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import Connection

from payplan.access.users import User
from payplan.api.acknowledgements import PlanView, VersionId, my_plan, today_period, version_view
from payplan.api.auth import EVERYONE, allow
from payplan.api.db import Database
from payplan.core.periods import Period, PeriodError, parse_period
from payplan.errors import Invalid, NotFound
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs import acknowledgements as acks
from payplan.web.errors import wants_html
from payplan.web.templating import language, page, plan_name

PeriodText = Annotated[str, QueryParameter(max_length=10)]


class TeamPlan(msgspec.Struct, frozen=True):
    """A version someone in the viewer's team (or everyone, for finance) is on, and its acknowledgements."""

    plan_version_id: int
    ref: str
    name: str
    reps: int
    acknowledged: int


class AckForm(msgspec.Struct):
    plan_version_id: int
    period: str = ""
    back: str = ""  # "view": back to /plans/{id}/view, else to /me/plan


def _period(text: str) -> Period:
    if not text:
        return today_period()
    try:
        found = parse_period(text)
    except PeriodError as exc:
        if "first" in exc.fields:  # a period written right, its year out of range: say so
            raise Invalid(exc.message, where="period", **exc.fields) from None
        found = None
    if found is None or found.kind != "month":
        raise Invalid(N_("period: %(value)r is not a month (expected e.g. 2026-03)"), value=text[:10], where="period")
    return found


def team_plans(conn: Connection, viewer: User, period: Period | None) -> list[TeamPlan]:
    """The versions (in force in `period`, or all) with reps the viewer may see, with acknowledgement counts;
    their names in the page's language."""
    rows = acks.versions_in_force(conn, period) if period else \
        [(row, plan_store.load(conn, row)) for row in plan_store.list_plans(conn)]
    found = []
    for row, plan in rows:
        roster = acks.roster(conn, row.id, viewer) if viewer.role != "manager" or _sees(conn, row.id, viewer) else []
        if roster:
            found.append(TeamPlan(row.id, row.ref, plan_name(plan), len(roster),
                                  sum(r.acknowledged_at is not None for r in roster)))
    return found


def _sees(conn: Connection, version_id: int, viewer: User) -> bool:
    try:
        acks.open_version(conn, version_id, viewer)
    except NotFound:  # none of their team is on it
        return False
    return True


@get("/me/plan", guards=[allow("rep", "manager")], sync_to_thread=True)
def my_plan_page(request: Request, db: NamedDependency[Database], period: PeriodText = "") -> Template | PlanView:
    """The plan the viewer is on in `period` (default: this month): a page, or JSON for API clients."""
    chosen = _period(period)
    lang = language() if wants_html(request) else request.query_params.get("lang", "en")
    if lang not in ("en", "uk"):
        raise Invalid(N_("lang: %(value)r is not a language (en or uk)"), value=lang[:10], where="lang")
    view = db.read(my_plan, request.user, chosen, lang)
    if not wants_html(request):
        return view
    team = db.read(team_plans, request.user, chosen) if request.user.role == "manager" else []
    return page(request, "plan.html", v=view, period=period, team=team, roster=None, back="")


@get("/plans/{version_id:int}/view", guards=[EVERYONE], sync_to_thread=True)
def plan_version_view(request: Request, version_id: VersionId, db: NamedDependency[Database]) -> Template:
    """Any plan version the viewer may read, in words; with its roster for finance, HR, admin and managers."""
    user = request.user

    def read(conn: Connection) -> tuple[PlanView, list[acks.RosterRow] | None]:
        view = version_view(conn, version_id, user, language())
        return view, acks.roster(conn, version_id, user) if user.role != "rep" else None

    view, roster = db.read(read)
    return page(request, "plan.html", v=view, period="", team=[], roster=roster, back="view")


@post("/me/plan/acknowledge", guards=[allow("rep", "manager")], sync_to_thread=True, status_code=303)
def acknowledge_page(request: Request, db: NamedDependency[Database], data: URLEncodedBody[AckForm]) -> Response:
    """The plan page's Acknowledge button: records it (once), then back to the plan page."""
    db.write(acks.acknowledge, data.plan_version_id, request.user)
    if data.back == "view":
        return Redirect(path=f"/plans/{data.plan_version_id}/view", status_code=303)
    back = f"/me/plan?period={_period(data.period).key}" if data.period else "/me/plan"
    return Redirect(path=back, status_code=303)


@get("/finance/plans", guards=[allow("finance", "admin", "hr")], sync_to_thread=True)
def plan_list_page(request: Request, db: NamedDependency[Database]) -> Template:
    """Every published version, with how many of its reps acknowledged it."""
    return page(request, "plans.html", plans=db.read(team_plans, request.user, None))


ROUTES = [my_plan_page, plan_version_view, acknowledge_page, plan_list_page]
