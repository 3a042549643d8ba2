"""RFC 9457 problem documents: the one place where errors become HTTP responses.

`problem_response(request, exc)` is the app's only exception handler. It maps
payplan's domain errors (`PayplanError` and its NotFound/Conflict/Forbidden/
Invalid/TooLarge), fact-file and plan-file errors (`FactError`, `PlanError`),
Litestar's own HTTP errors (401, 403, 404, 405, 413, validation) and anything
unexpected (500, logged, no internals shown) to `application/problem+json`.
Must not decide policy: statuses come from the exception types.
"""

from __future__ import annotations

import decimal
import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.exc import DataError

from payplan.api.auth import is_anonymous_miss
from payplan.api.headers import ERROR_HEADERS
from payplan.errors import Busy, PayplanError
from payplan.facts.problems import FactError, FactProblem
from payplan.plans.files import PlanError

PROBLEM_JSON = "application/problem+json"
TEXT = r"^[^\x00-\x1f\x7f]*$"  # free text in paths and queries: no control characters
log = logging.getLogger("payplan.api")


class ProblemItem(msgspec.Struct, omit_defaults=True):
    """One thing wrong: a fact-file cell (file/row/column), a plan key (where) or a field."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    where: str | None = None
    code: str | None = None


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem document; `errors` lists every problem found (imports, plans)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemItem] = []


_SLUGS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
          409: "conflict", 413: "too-large", 415: "unsupported-media-type", 422: "invalid", 429: "too-many-requests",
          500: "internal",
          503: "unavailable"}


def problem_type(status: int) -> str:
    """A stable URN naming the kind of problem (`urn:payplan:problem:not-found`)."""
    return f"urn:payplan:problem:{_SLUGS.get(status, str(status))}"


def problem_response(request: Request, exc: Exception) -> Response:
    """Map any exception raised while handling `request` to a problem document response."""
    if is_anonymous_miss(request, exc):
        exc = NotAuthorizedException("authentication required")
    status, title, detail, errors, headers = _describe(exc)
    if isinstance(exc, Busy):
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc.__cause__)
    elif status >= 500:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    problem = Problem(problem_type(status), title, status, detail, request.url.path, errors)
    if status == 401:
        headers = {**headers, "WWW-Authenticate": 'Bearer realm="payplan"'}
    return Response(msgspec.json.encode(problem), status_code=status, media_type=PROBLEM_JSON,
                    headers={**ERROR_HEADERS, **headers})


def status_of(exc: Exception) -> tuple[int, dict[str, str]]:
    """The status and the headers (Retry-After, Allow) the API answers `exc` with."""
    status, _, _, _, headers = _describe(exc)
    return status, headers


def _describe(exc: Exception) -> tuple[int, str, str, list[ProblemItem], dict[str, str]]:
    """(status, title, detail, errors, headers) for one exception."""
    if isinstance(exc, PayplanError):
        items = _items(exc.problems) or ([ProblemItem(exc.detail, where=exc.where)] if exc.where else [])
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else {}
        return exc.status, exc.title, exc.detail, items, headers
    if isinstance(exc, FactError):
        return 422, "Invalid fact file", _first_line(exc, "the fact file has problems"), _items(exc.problems), {}
    if isinstance(exc, PlanError):
        return 422, "Invalid plan", _first_line(exc, "the plan has problems"), _items(exc.issues), {}
    if isinstance(exc, DataError):  # a backstop: the readers bound lengths and characters first
        return 422, "Invalid input", _unstorable(exc), [], {}
    if isinstance(exc, (decimal.DecimalException, OverflowError)):  # a backstop: edges bound numbers first
        return 422, "Invalid input", "a number in the request is outside the range payplan computes with", [], {}
    if isinstance(exc, ValidationException):
        return 400, "Bad request", _clean_detail(exc), _validation_items(exc.extra), {}
    if isinstance(exc, HTTPException):
        status = exc.status_code
        return status, _phrase(status), _clean_detail(exc), [], dict(exc.headers or {})
    return 500, "Internal server error", "An unexpected error occurred; it has been logged.", [], {}


# What PostgreSQL's SQLSTATE says a refused value was (psycopg refuses a NUL itself, without one).
_UNSTORABLE = {
    "22001": "a text in the request is longer than its database column holds",
    "22003": "a number in the request is outside the range payplan computes with",
    "22021": "a text in the request has a character the database cannot store",
    "22P05": "a text in the request has a character the database cannot store",
}


def _unstorable(exc: DataError) -> str:
    """Why the database refused a value, as far as its error says (never the value nor the SQL)."""
    state = getattr(exc.orig, "sqlstate", None)
    if state is None and "NUL" in str(exc.orig):
        return "a text in the request has a NUL character, which the database cannot store"
    return _UNSTORABLE.get(state or "", "a value in the request cannot be stored")


def _items(problems: list | tuple) -> list[ProblemItem]:
    """ProblemItems from FactProblems, Issues, dicts or strings."""
    return [_item(p) for p in problems]


def _item(problem: Any) -> ProblemItem:
    if isinstance(problem, FactProblem):
        return ProblemItem(problem.reason, file=problem.file, row=problem.row, column=problem.column)
    if isinstance(problem, dict):
        known = {k: problem[k] for k in ("file", "row", "column", "where", "code") if problem.get(k) is not None}
        return ProblemItem(str(problem.get("message", "")), **known)
    if hasattr(problem, "message"):  # an Issue (severity, code, message, where)
        return ProblemItem(str(problem.message), where=getattr(problem, "where", None) or None,
                           code=getattr(problem, "code", None) or None)
    return ProblemItem(str(problem))


def _validation_items(extra: Any) -> list[ProblemItem]:
    """Litestar's validation `extra` ([{message, key, source}]) as ProblemItems."""
    if not isinstance(extra, list):
        return []
    items = []
    for entry in extra:
        if isinstance(entry, dict):
            where = " ".join(str(entry[k]) for k in ("source", "key") if entry.get(k))
            items.append(ProblemItem(str(entry.get("message", "invalid value")), where=where or None))
    return items


def _first_line(exc: Exception, fallback: str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else fallback


def _clean_detail(exc: HTTPException) -> str:
    """The exception's own detail, never a repr of internals."""
    detail = exc.detail if isinstance(exc.detail, str) else ""
    return detail or _phrase(exc.status_code)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI response entries (problem+json) for the given error statuses."""
    return {status: ResponseSpec(Problem, description=_phrase(status), media_type=PROBLEM_JSON,
                                 generate_examples=False) for status in statuses}
