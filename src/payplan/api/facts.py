"""Fact imports: `POST /facts/{kind}` with a CSV (`text/csv`) or JSON (`application/json`) body.

Admin and finance import every kind; HR imports targets only. The body limit is
the settings' `max_upload_bytes`: Litestar refuses a larger declared
`Content-Length` before reading anything, and stops reading a longer stream (413).
Must stay thin: parsing and storing are `payplan.facts.uploads`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from litestar import Request, Response, Router, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, RawBody

from payplan.access.users import User
from payplan.api import mapped
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.facts.uploads import ImportReport, import_upload
from payplan.facts import audited as fact_import
from payplan.jobs.imports import enqueue_import
from payplan.runs.jobs import JobStatus, job_status

FactKind = Literal["reps", "activities", "deals", "credits", "scores", "nps", "targets", "parameters"]
FORMATS = {"text/csv": "csv", "application/csv": "csv", "application/json": "json"}


def may_import(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Admin and finance import everything, HR only targets (403 otherwise)."""
    user = connection.user
    role = getattr(user, "role", "")
    kind = connection.path_params.get("kind")
    if not fact_import.may_import(role, kind or ""):
        raise PermissionDeniedException(f"a {role or 'user'} may not import {kind} facts")


def _format(request: Request) -> str:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in FORMATS:
        raise HTTPException(status_code=415, detail="send the file as text/csv or application/json")
    return FORMATS[media]


_BODY = RequestBody(
    description="One fact file: CSV with a header row, or a JSON array of objects (DESIGN §4 columns).",
    required=True,
    content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
             "application/json": OpenAPIMediaType(schema=Schema(type=OpenAPIType.ARRAY,
                                                                items=Schema(type=OpenAPIType.OBJECT)))},
)


@dataclass
class UploadOperation(Operation):
    """The OpenAPI operation of an upload: documents the CSV/JSON request body."""

    def __post_init__(self) -> None:
        self.request_body = _BODY


_QUEUED = ResponseSpec(JobStatus, description="Queued for the workers (PAYPLAN_JOBS=workers): poll the Location; "
                                              "once done, `imported` holds the new rows.", generate_examples=False)


@post("/{kind:str}", guards=[may_import], sync_to_thread=True, status_code=200, operation_class=UploadOperation,
      responses={**problem_responses(400, 401, 403, 409, 413, 415, 422), 202: _QUEUED})
def import_facts(kind: FromPath[FactKind], request: Request, body: RawBody,
                 db: NamedDependency[Database], update: FromQuery[bool] = False) -> ImportReport | Response[JobStatus]:
    """Import one fact file of `kind`; all rows or none, one audit record. `update=true`: a row
    stored before with other content (a deal the CRM has since won or cancelled) is changed, each
    change listed in `changed` and the audit row; else it refuses the file (422 names the row). With
    PAYPLAN_JOBS=workers the file is queued with its job for `payplan worker` (202, Location: /jobs/{id})."""
    user: User = request.user
    fmt = _format(request)
    if request.app.state.settings.jobs == "workers":
        status = db.write(lambda conn: job_status(conn, enqueue_import(conn, {f"{kind}.{fmt}": body}, user,
                                                                       upload=kind, update=update)))
        return Response(status, status_code=202, headers={"Location": f"/jobs/{status.id}"})
    return db.write(import_upload, kind, fmt, body, user, update)


def router(max_upload_bytes: int) -> Router:
    """The /facts routes with the upload limit from the settings."""
    return Router("/facts", route_handlers=[import_facts, *mapped.ROUTES], request_max_body_size=max_upload_bytes,
                  tags=["facts"])
