"""The month-end close's first steps on the web: import a fact file, and create a run.

`/finance/import` takes one CSV or JSON fact file through the API's own upload path
(`payplan.facts.uploads.import_upload`), or a CRM export through a mapping of the
mappings folder (`payplan.facts.mapped_imports.import_mapped`, "check only" to import
nothing): checked exactly like a file on disk, all rows or none, every problem naming
the file, row and column, shown on the page with nothing written. "Record changes" takes
a stored row the CRM changed since its import (a deal cancelled) as a change, listed on the
page, not as a conflict (`payplan.facts.changes`). It lists the kinds this viewer may
import, the mappings, and the files imported lately. `POST /finance/runs` creates a draft
run of a published plan version for a period (`payplan.runs.lifecycle.create_run`) and
opens its review; under PAYPLAN_JOBS=workers it queues the run
(`payplan.runs.jobs.enqueue_run`) and opens the job's page (`payplan.web.jobs`). Must stay
thin: checks, permissions and storage are the functions' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import Connection, select

from payplan.api.db import Database
from payplan.errors import Invalid, PayplanError
from payplan.facts.audited import may_import
from payplan.facts.mapped_imports import import_mapped
from payplan.facts.mapping import find_mapping, mapping_path, mappings_in
from payplan.facts.problems import FactError
from payplan.facts.uploads import KINDS, import_upload
from payplan.jobs.imports import enqueue_import, enqueue_mapped
from payplan.i18n import N_
from payplan.runs import lifecycle as runs
from payplan.runs.jobs import enqueue_run
from payplan.store.service_schema import fact_imports, users
from payplan.web.errors import wants_html
from payplan.web.finance import FINANCE, run_list_page
from payplan.web.templating import gettext, page

FORMATS = {"csv": "csv", "json": "json"}
UPLOAD_LIMIT = 50_000_000  # a month of a large company's activities fits; the API's own limit is a setting


@dataclass
class Upload:
    file: UploadFile
    kind: str = ""
    mapping: str = ""  # a mapping's id: the file is a CRM export read through it
    check: str = ""  # "1": check only, import nothing
    update: str = ""  # "1": rows the CRM changed since their import are changed, not refused


@dataclass
class NewRun:
    plan: str = ""
    period: str = ""


def _recent(conn: Connection) -> list:
    """The twenty latest imports: when, who, which kind and file (and mapping), and the days they cover."""
    query = (select(fact_imports.c.imported_at, users.c.name, fact_imports.c.kind, fact_imports.c.source,
                    fact_imports.c.first_day, fact_imports.c.last_day, fact_imports.c.mapping_id,
                    fact_imports.c.mapping_version)
             .join(users, users.c.id == fact_imports.c.user_id).order_by(fact_imports.c.id.desc()).limit(20))
    return list(conn.execute(query))


def import_page(request: Request, db: Database, *, status: int = 200, report: object = None,
                problems: list[str] | None = None, kind: str = "") -> Template:
    kinds = [k for k in KINDS if may_import(request.user.role, k)]
    mappings = [m for m in _mappings(request) if may_import(request.user.role, m.kind)]
    return page(request, "import.html", status=status, kinds=kinds, chosen=kind, report=report,
                problems=problems or [], recent=db.read(_recent), mappings=mappings)


def _mappings(request: Request) -> list:
    try:
        return mappings_in(request.app.state.settings.mappings)
    except PayplanError:
        return []  # a broken mapping is named when it is chosen, not on every visit


@get("/finance/import", guards=[FINANCE], sync_to_thread=True)
def import_form(request: Request, db: NamedDependency[Database]) -> Template:
    """The import form, and the files imported lately."""
    return import_page(request, db)


def _format(upload: UploadFile) -> str:
    extension = (upload.filename or "").rsplit(".", 1)[-1].lower()
    if extension not in FORMATS:
        raise Invalid(N_("%(file)s: choose a .csv or .json file"), file=upload.filename or N_("the file"),
                      words=() if upload.filename else ("file",))
    return FORMATS[extension]


@post("/finance/import", guards=[FINANCE], sync_to_thread=True, request_max_body_size=UPLOAD_LIMIT)
def import_file(request: Request, db: NamedDependency[Database],
                data: Annotated[Upload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Template | Redirect:
    """Import one fact file, all rows or none; the page says what was imported or every problem.
    Under PAYPLAN_JOBS=workers the file is queued with its job, and the job's page opens."""
    if data.mapping:
        return _import_mapped(request, db, data)
    if data.kind not in KINDS or not may_import(request.user.role, data.kind):
        return import_page(request, db, status=403, kind=data.kind,
                           problems=[gettext("a %(role)s may not import %(kind)s facts", role=request.user.role,
                                                     kind=data.kind)])
    try:
        fmt = _format(data.file)
        body = data.file.file.read()
        if request.app.state.settings.jobs == "workers" and data.check != "1":
            job_id = db.write(lambda conn: enqueue_import(conn, {f"{data.kind}.{fmt}": body}, request.user,
                                                          upload=data.kind, update=data.update == "1"))
            return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)
        report = db.write(import_upload, data.kind, fmt, body, request.user, data.update == "1", data.check == "1")
    except FactError as exc:
        return import_page(request, db, status=422, kind=data.kind, problems=[p.say(gettext) for p in exc.problems])
    except PayplanError as exc:
        return import_page(request, db, status=exc.status, kind=data.kind, problems=[exc.say(gettext)])
    return import_page(request, db, report=report, kind=data.kind)


def _import_mapped(request: Request, db: Database, data: Upload) -> Template | Redirect:
    """A CRM export through the chosen mapping (or only checked); problems listed, nothing written.
    Under PAYPLAN_JOBS=workers an import (not a check) is queued with the mapping, and the job's page opens."""
    try:
        folder = request.app.state.settings.mappings
        mapping = find_mapping(folder, data.mapping)
        name = (data.file.filename or "export.csv").replace("/", "_")[:200]
        body = data.file.file.read()
        if request.app.state.settings.jobs == "workers" and data.check != "1":
            path = mapping_path(folder, mapping.id)
            job_id = db.write(lambda conn: enqueue_mapped(conn, path, name, body, request.user,
                                                          update=data.update == "1"))
            return Redirect(path=f"/finance/jobs/{job_id}", status_code=303)
        report = db.write(import_mapped, mapping, name, body, request.user, data.check == "1", gettext,
                          data.update == "1")
    except FactError as exc:
        return import_page(request, db, status=422, kind=data.mapping, problems=[p.say(gettext) for p in exc.problems])
    except PayplanError as exc:
        return import_page(request, db, status=exc.status, kind=data.mapping, problems=[exc.say(gettext)])
    if report.problem_count:
        return import_page(request, db, status=422, kind=data.mapping, problems=report.problems)
    return import_page(request, db, report=report, kind=data.mapping)


@post("/finance/runs", guards=[FINANCE], sync_to_thread=True, status_code=303)
def create_run_page(request: Request, db: NamedDependency[Database],
                    data: URLEncodedBody[NewRun]) -> Response:
    """Create a draft run of the chosen plan version and period, then open its review; under
    PAYPLAN_JOBS=workers, queue it and open the job's page."""
    queued = request.app.state.settings.jobs == "workers"
    try:
        if queued:
            job_id = db.write(enqueue_run, data.plan.strip(), data.period.strip(), request.user)
        else:
            run = db.write(runs.create_run, data.plan.strip(), data.period.strip(), request.user)
    except PayplanError as exc:
        if not wants_html(request):
            raise
        status, detail = exc.status, exc.say(gettext)
        return db.read(lambda conn: run_list_page(request, conn, status=status, error=detail, form=data))
    return Redirect(path=f"/finance/jobs/{job_id}" if queued else f"/finance/runs/{run.id}?done=create",
                    status_code=303)


ROUTES = [import_form, import_file, create_run_page]
