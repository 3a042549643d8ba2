"""Which language a page speaks: `?lang=uk|en`, else the `lang` cookie it left, else `Accept-Language`, else en.

`choose()` reads the request; `use_request_language` (the pages' before-request hook, and
the pages' error handler) puts the choice in `templating.LANG` for this request's task,
where the templates and the formatters read it. The cookie is set by `templating.page`
when a `?lang=` chose. Must not translate anything itself.
"""

from __future__ import annotations

from litestar import Request

from payplan.i18n import DEFAULT, LANGS, best_match
from payplan.web.templating import COOKIE, LANG


def choose(request: Request) -> str:
    """The language this request's page is to speak."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGS:
        return kept
    return best_match(request.headers.get("accept-language")) or DEFAULT


async def use_request_language(request: Request) -> None:
    """Before a page's handler: this request's language for everything that renders it."""
    LANG.set(choose(request))
