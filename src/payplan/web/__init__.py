"""payplan's web pages for people: reps, managers, finance and HR (server-rendered, no JS framework).

`router()` gathers the pages (one module per concern: `signin`, `pay`, `finance`,
`close` (import and new runs), `jobs` (a queued run's progress), `simulation`, `disputes`), keeps them out of the OpenAPI schema (they are pages, not API
operations) and gives them their own error handling (`errors`: pages for browsers,
problem documents for other clients); `template_config()` is the app's Jinja2
setup (`templating`), in the language `locale` chooses for each request. Authentication, CSRF and sessions are the API's own
(`payplan.api.auth`). Must not hold business rules: the pages call the same
functions as the API's handlers.
"""

from __future__ import annotations

from litestar import Router

from payplan.web import close, disputes, finance, jobs, pay, plan, progress, signin, simulation
from payplan.web.errors import web_error
from payplan.web.locale import use_request_language
from payplan.web.templating import template_config

__all__ = ["router", "template_config"]


def router() -> Router:
    """Every page, outside the OpenAPI schema, with the pages' exception handler."""
    pages = [*signin.ROUTES, *pay.ROUTES, *finance.ROUTES, *close.ROUTES, *simulation.ROUTES,
             *disputes.ROUTES, *progress.ROUTES, *plan.ROUTES, *jobs.ROUTES]
    return Router(path="/", route_handlers=pages, before_request=use_request_language,
                  include_in_schema=False, exception_handlers={Exception: web_error})
