"""How the pages answer when something is refused or wrong: HTML for browsers, problems for the rest.

One rule for every page, and for every address a browser asks for (the app's own handler
too: an unknown address, an id that is not a number, an API route): a request whose `Accept`
names `text/html` (a browser) gets a page — not signed in: a 303 to the sign-in page (coming
back afterwards; an unknown address too, as the API answers it 401, not 404); a
wrong role, a result that is not theirs, a refused action: an error page with the
status (403, 404, 409, 422) and the reason in words, in the page's language (a domain
exception's reason is a message id with fields: `PayplanError.say`). Any other client gets exactly
what the JSON API answers: an RFC 9457 problem document (`payplan.api.problems`).
Unexpected errors are logged and shown without internals. Must not decide policy:
statuses come from the exceptions, as in the API.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.response import Redirect

from payplan.api.auth import is_anonymous_miss
from payplan.api.headers import ERROR_HEADERS
from payplan.api.problems import problem_response, status_of
from payplan.errors import Busy, PayplanError
from payplan.facts.problems import FactError
from payplan.plans import issue_words
from payplan.plans.files import PlanError
from payplan.i18n import N_
from payplan.web.locale import choose
from payplan.web.templating import LANG, gettext, language, page

SIGN_IN = "/signin"
# The statuses' names (HTTP's own words: `http.HTTPStatus` names the others, in English).
TITLES = {400: N_("Bad Request"), 401: N_("Unauthorized"), 403: N_("Forbidden"), 404: N_("Not Found"),
          405: N_("Method Not Allowed"), 409: N_("Conflict"), 413: N_("Content Too Large"),
          422: N_("Unprocessable Content"), 429: N_("Too Many Requests"), 500: N_("Internal Server Error")}
CSRF_FAILED = "CSRF token verification failed"  # Litestar's CSRFMiddleware, on a form posted without its token
log = logging.getLogger("payplan.web")


def wants_html(request: Request) -> bool:
    """Whether the client asked for a web page (browsers name text/html in `Accept`)."""
    return "text/html" in request.headers.get("accept", "")


def sign_in_redirect(request: Request) -> Redirect:
    """303 to the sign-in page, which comes back to this page's path afterwards."""
    back = request.url.path if request.method == "GET" else "/"
    return Redirect(path=f"{SIGN_IN}?next={quote(back, safe='/')}", status_code=303)


def web_error(request: Request, exc: Exception) -> Response:
    """The pages' exception handler (see the module docstring)."""
    if not wants_html(request):
        return problem_response(request, exc)
    if isinstance(exc, NotAuthorizedException) or is_anonymous_miss(request, exc):
        redirect = sign_in_redirect(request)
        redirect.headers.update(ERROR_HEADERS)
        return redirect
    LANG.set(choose(request))  # a guard may refuse before the pages' hook chose
    status, headers = status_of(exc)  # the API's status and headers (Retry-After, Allow), the same exception
    if isinstance(exc, Busy):
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc.__cause__)
    elif status >= 500:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return page(request, "error.html", status=status, status_title=_phrase(status), detail=describe(exc, status),
                headers={**ERROR_HEADERS, **headers})


def describe(exc: Exception, status: int) -> str:
    """A sentence safe to show for an exception the API answers with `status`."""
    if isinstance(exc, (PayplanError, FactError)):
        return exc.say(gettext)
    if isinstance(exc, PlanError):
        return "; ".join(issue_words.line(issue, language()) for issue in exc.issues)
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_FAILED:
        return gettext("The form expired: reload the page and try again.")
    if isinstance(exc, HTTPException) and not isinstance(exc, ValidationException):
        if status == 404 and _only_phrase(exc):  # no route: an unknown address, an id that is no number
            return gettext("There is no page at this address: check it, or go back to your pages.")
        return _phrase(status) if _only_phrase(exc) else exc.detail
    if status < 500:  # a request the API refuses as invalid (a bad number, a value the database refuses)
        return gettext("The request is not valid: check the address or the form and try again.")
    return gettext("Something went wrong on our side. It has been logged; please try again later.")


def _only_phrase(exc: HTTPException) -> bool:
    """Whether Litestar's exception says no more than its status's name ("Not Found"), in English."""
    if not isinstance(exc.detail, str) or not exc.detail:
        return True
    try:
        return exc.detail == HTTPStatus(exc.status_code).phrase
    except ValueError:
        return False


def _phrase(status: int) -> str:
    """The status in words, in the page's language where the catalog has it."""
    if status in TITLES:
        return gettext(TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return gettext("Error")
