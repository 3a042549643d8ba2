"""CRM exports through mapping files: `GET /facts/mappings`, `POST /facts/mapped/{mapping}`.

Mappings are read, at each request, from the folder the settings name
(`PAYPLAN_MAPPINGS`, default `./mappings`); one is chosen by its id. The body is the
export itself (CSV as `text/csv`, XLSX as its own media type or
`application/octet-stream`); `?file=` names it in problems, `?check=true` only
checks and `?update=true` records the rows the CRM changed since their import. Who
may import which kind is `payplan.facts.audited`'s rule. Under PAYPLAN_JOBS=workers an
import is queued, the mapping's file travelling with the job
(`payplan.jobs.imports.enqueue_mapped`). Must stay thin: mapping and storing are
`payplan.facts.mapped_imports`.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, RawBody
import msgspec

from payplan.access.users import User
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.facts.audited import IMPORTERS
from payplan.facts.mapped_imports import MappedReport, import_mapped
from payplan.facts.mapping import find_mapping, mapping_path, mappings_in
from payplan.jobs.imports import enqueue_mapped
from payplan.runs.jobs import JobStatus, job_status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"text/csv": "csv", "application/csv": "csv", "text/plain": "csv", XLSX: "xlsx",
         "application/octet-stream": ""}


class MappingInfo(msgspec.Struct):
    id: str
    version: int
    kind: str
    title: str


def may_import_any(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Only the roles that import facts (403 otherwise); the kind is checked once the mapping is known."""
    role = getattr(connection.user, "role", "")
    if role not in IMPORTERS:
        raise PermissionDeniedException(f"a {role or 'user'} may not import facts")


def mappings_folder(request: Request) -> str:
    return request.app.state.settings.mappings


@get("/mappings", guards=[may_import_any], sync_to_thread=True, responses=problem_responses(401, 403, 422))
def list_mappings(request: Request) -> list[MappingInfo]:
    """The mappings of the company's mappings folder (id, version, the fact kind, title)."""
    return [MappingInfo(m.id, m.version, m.kind, m.title) for m in mappings_in(mappings_folder(request))]


_QUEUED = ResponseSpec(JobStatus, description="Queued for the workers (PAYPLAN_JOBS=workers), with the mapping as "
                                              "it is now: poll the Location; once done, `imported` holds the new rows.",
                       generate_examples=False)


@post("/mapped/{mapping:str}", guards=[may_import_any], sync_to_thread=True, status_code=200,
      responses={**problem_responses(400, 401, 403, 404, 409, 413, 415, 422), 202: _QUEUED})
def import_through_mapping(mapping: FromPath[str], request: Request, body: RawBody, db: NamedDependency[Database],
                           file: FromQuery[str | None] = None,
                           check: FromQuery[bool] = False,
                           update: FromQuery[bool] = False) -> MappedReport | Response[JobStatus]:
    """Import one CRM export through the mapping `mapping`: all rows or none (or, checked, nothing).
    `update=true`: a row stored with other content (a deal the CRM cancelled since) is changed and
    listed in `changed`, not refused.
    With PAYPLAN_JOBS=workers an import (not a check) is queued for `payplan worker` (202, Location: /jobs/{id})."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in MEDIA:
        raise HTTPException(status_code=415, detail="send the export as text/csv or as XLSX")
    name = (file or "").strip().replace("/", "_")[:200] or f"export.{MEDIA[media] or 'csv'}"
    if MEDIA[media] == "xlsx" and not name.lower().endswith(".xlsx"):
        name += ".xlsx"
    loaded = find_mapping(mappings_folder(request), mapping)
    user: User = request.user
    if request.app.state.settings.jobs == "workers" and not check:
        path = mapping_path(mappings_folder(request), loaded.id)
        status = db.write(lambda conn: job_status(conn, enqueue_mapped(conn, path, name, body, user, update=update)))
        return Response(status, status_code=202, headers={"Location": f"/jobs/{status.id}"})
    return db.write(lambda conn: import_mapped(conn, loaded, name, body, user, check, update=update))


ROUTES = [list_mappings, import_through_mapping]
