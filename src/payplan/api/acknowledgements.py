"""A plan version in words and its acknowledgements: `/plans/{id}/page`, `/plans/{id}/acknowledgements`.

`{id}` is the plan version's numeric id (`plan_version_id` of `GET /me/plan`). Finance,
HR and admin may read any version's page; a rep the version they are on, a manager
theirs and their team's; anything else answers 404 (`payplan.runs.acknowledgements`).
`POST /plans/{id}/acknowledgements` records the caller's acknowledgement: 201 the first
time, 200 with the first record unchanged after that (idempotent), 403 for a viewer
who may read the version but is not on it. `GET` lists the version's reps and when each
acknowledged (null: not yet): finance, HR and admin every rep, a manager their team, a
rep 403. `/me/plan` (JSON or the page) is `payplan.web.plan`'s, built by `my_plan` here.
Must stay thin.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec
from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.access.users import User
from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.core.periods import Period
from payplan.runs import acknowledgements as acks
from payplan.statements.i18n import Formatter
from payplan.statements.plan_page import PlanPage, plan_page

VersionId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The plan version's id.")]
Lang = Annotated[Literal["en", "uk"], QueryParameter(description="The language of the plan's words.")]


class PlanView(msgspec.Struct, frozen=True):
    """A plan version in words, and the viewer's acknowledgement of it."""

    plan: PlanPage
    may_acknowledge: bool  # the viewer is on this version (and so may acknowledge it)
    acknowledged_at: str | None


def view_of(conn: Connection, row, plan, viewer: User, lang: str) -> PlanView:
    page = plan_page(row.id, plan, Formatter(lang, plan.currency, plan.translations.get(lang)))
    known = acks.find(conn, row.id, viewer.id)
    return PlanView(page, acks.is_on(conn, plan, viewer), known.acknowledged_at if known else None)


def my_plan(conn: Connection, viewer: User, period: Period, lang: str) -> PlanView:
    """The version the viewer is on in `period`, in words (NotFound when none is)."""
    row, plan = acks.viewer_plan(conn, viewer, period)
    return view_of(conn, row, plan, viewer, lang)


def version_view(conn: Connection, version_id: int, viewer: User, lang: str) -> PlanView:
    """Version `version_id` in words, when the viewer may read it (NotFound otherwise)."""
    row, plan = acks.open_version(conn, version_id, viewer)
    return view_of(conn, row, plan, viewer, lang)


def today_period() -> Period:
    today = date.today()
    return Period(today.year, "month", today.month)


@get("/plans/{version_id:int}/page", guards=[EVERYONE], sync_to_thread=True, tags=["plans"],
     responses=problem_responses(400, 401, 404))
def plan_version_page(request: Request, version_id: VersionId, db: NamedDependency[Database],
                      lang: Lang = "en") -> PlanView:
    """One plan version in words: KPIs, tiers, rules, and whether the caller acknowledged it."""
    return db.read(version_view, version_id, request.user, lang)


_ACKNOWLEDGED = {201: ResponseSpec(acks.Acknowledgement, description="Recorded now.", generate_examples=False),
                 200: ResponseSpec(acks.Acknowledgement, description="Recorded before: the first record, unchanged.",
                                   generate_examples=False)}


@post("/plans/{version_id:int}/acknowledgements", guards=[EVERYONE], tags=["plans"],
      responses={**_ACKNOWLEDGED, **problem_responses(400, 401, 403, 404)})
async def acknowledge_plan(request: Request, version_id: VersionId,
                db: NamedDependency[Database]) -> Response:
    """Acknowledge the plan version the caller is on: 201 recorded now, 200 already recorded."""
    # async, the transaction in a worker thread: a sync handler answering a Response of its own is
    # wrapped twice by Litestar on a path with two handlers, and would answer a coroutine
    record, new = await to_thread.run_sync(db.write, acks.acknowledge, version_id, request.user)
    return Response(record, status_code=201 if new else 200)


@get("/plans/{version_id:int}/acknowledgements", guards=[EVERYONE], sync_to_thread=True, tags=["plans"],
     responses=problem_responses(400, 401, 403, 404))
def acknowledgements(request: Request, version_id: VersionId,
                     db: NamedDependency[Database]) -> list[acks.RosterRow]:
    """The version's reps the caller may see, with when each acknowledged it (null: not yet)."""
    return db.read(acks.roster, version_id, request.user)


ROUTES = [plan_version_page, acknowledge_plan, acknowledgements]
