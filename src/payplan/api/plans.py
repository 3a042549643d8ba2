"""Plan versions: publish (`POST /plans`, a TOML body; admin and HR), list and read.

Finance, HR and admin list and read every version; a rep only the versions they are on,
a manager theirs and those their team is on (`payplan.runs.acknowledgements.may_read`,
the plan page's rule): a rep who can read the plan that pays them understands their
targets. Any other version answers 404, exactly like one that is not published, and
is not listed. Publishing lints the text and refuses errors (422 naming key and line);
re-publishing identical content returns the stored version. Must stay thin: storing
and checking are `payplan.plans.versions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import PathParameter, QueryParameter, RawBody
from sqlalchemy import Connection
from typing_extensions import Annotated

from payplan.api.auth import EVERYONE, allow
from payplan.api.db import Database
from payplan.api.problems import problem_responses
from payplan.api.runs import PLAN_REF
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.plans.versions import PlanVersionRow
from payplan.runs import acknowledgements as acks

PlanRef = Annotated[str, PathParameter(max_length=210, pattern=PLAN_REF, description="id@version, e.g. ae-2026@1")]
TOML_TYPES = ("application/toml", "text/toml", "text/x-toml", "text/plain")
SourceName = Annotated[str, QueryParameter(name="source", min_length=1, max_length=300, required=False,
                                      description="File name the plan is known by (shown in errors).")]


class PlanVersion(msgspec.Struct):
    """A published plan version (immutable; identified by its content hash)."""

    ref: str
    plan_id: str
    version: int
    hash: str
    name: str
    effective_from: date
    effective_to: date | None
    period: str
    currency: str
    source_name: str
    published_by: int
    published_at: str


class PlanDocument(PlanVersion):
    """A plan version with its TOML source."""

    source: str = ""


def version_of(row: PlanVersionRow) -> PlanVersion:
    fields = msgspec.structs.asdict(row)
    fields.pop("id")
    return PlanVersion(ref=row.ref, **fields)


@dataclass
class TomlOperation(Operation):
    """The OpenAPI operation of a publication: documents the TOML request body."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(required=True, description="One plan file (TOML, UTF-8).", content={
            "application/toml": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))})


@post("/plans", guards=[allow(*plan_store.PUBLISHERS)], sync_to_thread=True, operation_class=TomlOperation,
      tags=["plans"], responses=problem_responses(400, 401, 403, 409, 413, 415, 422))
def publish_plan(request: Request, body: RawBody, db: NamedDependency[Database],
                 source: SourceName = "plan.toml") -> PlanVersion:
    """Publish one plan version from its TOML text."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in TOML_TYPES:
        raise HTTPException(status_code=415, detail="send the plan as application/toml")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(N_("%(file)s is not UTF-8 text"), file=source, where=source) from None
    return version_of(db.write(plan_store.publish, text, source, request.user))


@get("/plans", guards=[EVERYONE], sync_to_thread=True, tags=["plans"], responses=problem_responses(400, 401, 403))
def list_plans(request: Request, db: NamedDependency[Database]) -> list[PlanVersion]:
    """The published plan versions the caller may read (a rep: those they are on; a manager: theirs and
    their team's; finance, HR, admin: every one), by plan id and version."""
    return [version_of(row) for row in db.read(acks.readable_versions, request.user)]


@get("/plans/{ref:str}", guards=[EVERYONE], sync_to_thread=True, tags=["plans"],
     responses=problem_responses(400, 401, 403, 404, 422))
def get_plan(request: Request, ref: PlanRef, db: NamedDependency[Database]) -> PlanDocument:
    """One plan version ("ae-2026@1") with its source; 404 for a version the caller may not read."""
    row, source = db.read(lambda conn: _with_source(conn, acks.open_ref(conn, ref, request.user)))
    return PlanDocument(**msgspec.structs.asdict(version_of(row)), source=source)


def _with_source(conn: Connection, row: PlanVersionRow) -> tuple[PlanVersionRow, str]:
    return row, plan_store.plan_source(conn, row)


ROUTES = [publish_plan, list_plans, get_plan]
