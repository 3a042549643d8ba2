"""A rep's statement of a run, as the PDF finance files or the HTML page a rep reads.

Who may see it is decided exactly as for the result itself (`run_views.get_result`:
a rep only their own, a manager their team, 404 otherwise); the statement is then
built from what the run stored for that rep (`statements.from_run`). The language is
`?lang=`; without it, the `lang` cookie the pages keep (a browser following a link from a
page reads the statement in the page's language), else English. Must stay thin.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.access.users import User
from payplan.api.auth import EVERYONE
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.api.results import RepId
from payplan.api.runs import PERIOD, RunId
from payplan.i18n import LANGS
from payplan.runs import views as run_views

Lang = Annotated[Literal["en", "uk"] | None, QueryParameter(
    description="Statement language (default: the `lang` cookie the web pages set, else en).")]
LANG_COOKIE = "lang"  # the web pages' language, chosen by `?lang=` (`payplan.web.templating.page`)
PlanId = Annotated[str, PathParameter(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$",
                                      description="A plan id (every version of it).")]
Period = Annotated[str, PathParameter(min_length=4, max_length=7, pattern=PERIOD, description="A period: 2026-03.")]


@lru_cache(maxsize=1)
def _renderer():
    from payplan.statements.pdf import PdfRenderer  # WeasyPrint loads on first use only

    return PdfRenderer()


def _calculation(conn: Connection, viewer: User, run_id: int, rep_id: str):
    from payplan.statements.from_run import run_calculations

    run_views.get_result(conn, run_id, rep_id, viewer)  # 404 unless the viewer may see it
    (calc,) = run_calculations(conn, run_id, rep_id)
    return calc


def _language(request: Request, lang: str | None) -> str:
    """The language asked for; else the pages' cookie (a browser), else English."""
    if lang is not None:
        return lang
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGS else "en"


@get("/runs/{run_id:int}/results/{rep_id:str}/statement.pdf", guards=[EVERYONE], sync_to_thread=True,
     tags=["statements"], media_type="application/pdf", responses=problem_responses(400, 401, 403, 404, 409, 422))
def statement_pdf(request: Request, run_id: RunId, rep_id: RepId, db: NamedDependency[Database],
                  lang: Lang = None) -> Response[bytes]:
    """The PDF statement, with its calculation attached (check it with `payplan verify`)."""
    lang = _language(request, lang)
    pdf = _renderer().statement(db.read(_calculation, request.user, run_id, rep_id), lang)
    name = f"statement-{rep_id}-run{run_id}-{lang}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _parts(conn: Connection, viewer: User, plan_id: str, period: str, rep_id: str):
    from payplan.statements.merged import period_parts

    parts = period_parts(conn, rep_id, plan_id, period)
    for part in parts:  # 404 unless the viewer may see every part (a rep: approved and paid runs only)
        run_views.get_result(conn, part.calc.run.number, rep_id, viewer)
    return parts


@get("/plans/{plan_id:str}/periods/{period:str}/statements/{rep_id:str}/statement.pdf", guards=[EVERYONE],
     sync_to_thread=True, tags=["statements"], media_type="application/pdf",
     responses=problem_responses(400, 401, 403, 404, 409, 422))
def period_statement_pdf(request: Request, plan_id: PlanId, period: Period, rep_id: RepId,
                         db: NamedDependency[Database], lang: Lang = None) -> Response[bytes]:
    """A rep's statement for a period under a plan id: one part per version in force in it (a plan
    that changed version inside the period), on one PDF with every part's calculation attached."""
    lang = _language(request, lang)
    pdf = _renderer().merged(db.read(_parts, request.user, plan_id, period, rep_id), lang)
    name = f"statement-{rep_id}-{plan_id}-{period}-{lang}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@get("/runs/{run_id:int}/results/{rep_id:str}/statement.html", guards=[EVERYONE], sync_to_thread=True,
     tags=["statements"], media_type="text/html", responses=problem_responses(400, 401, 403, 404, 409, 422))
def statement_html(request: Request, run_id: RunId, rep_id: RepId, db: NamedDependency[Database],
                   lang: Lang = None) -> Response[str]:
    """The same statement as a web page (the same template as the PDF)."""
    from payplan.statements.render import render_html
    from payplan.statements.view import from_calculation

    view = from_calculation(db.read(_calculation, request.user, run_id, rep_id))
    html = render_html(view, _language(request, lang), css_href="/statement.css")
    return Response(html, media_type="text/html; charset=utf-8")


@lru_cache(maxsize=1)
def _css() -> str:
    from payplan.statements.render import statement_css as stylesheet

    return stylesheet().read_text(encoding="utf-8")


@get("/statement.css", guards=[EVERYONE], tags=["statements"], media_type="text/css", sync_to_thread=False,
     responses=problem_responses(401))
def statement_css() -> Response[str]:
    """The statement stylesheet, for the web page (read once, then served from memory)."""
    return Response(_css(), media_type="text/css; charset=utf-8")


ROUTES = [statement_pdf, statement_html, period_statement_pdf, statement_css]
