"""The Litestar application: `create_app(settings)` wires engine, auth, errors and routes.

One SQLAlchemy engine per app (`app.state.engine`), a transaction per request
(`payplan.api.db`), authentication and CSRF (`payplan.api.auth`), one exception
handler (`payplan.web.errors.web_error`: the problem documents of `payplan.api.problems`, an
HTML page for a browser), and the route modules, one per domain. The
OpenAPI document is served at `/schema/openapi.json` (and browsable at `/schema`);
like everything but `/health` and the login page it requires authentication. The
web pages for people (`payplan.web`) are one router beside the API's routes.
Every response carries the security headers of `payplan.api.headers` and
`Cache-Control: no-store` (pages, results, statements and exports show pay; only the
stylesheet may be cached). There is no default secret: an app without one (or with a
short one) is refused. Must not hold business rules.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from sqlalchemy.engine import make_url

from payplan import web
from payplan.access.server_secret import check_length
from payplan.access.throttle import Throttle
from payplan.access.token_cache import TokenCache
from payplan.api import acknowledgements, audit, auth, db, facts, plans, progress, results, runs, session, simulate, statements
from payplan.api import disputes, jobs
from payplan.api.bodies import refuse_deep_json
from payplan.api import users as user_admin
from payplan.api.headers import SECURITY_HEADERS
from payplan.api.plain_json import PlainJsonResponse
from payplan.api.result_cache import ResultCache
from payplan.settings import SettingError, Settings, get_settings
from payplan.store import make_engine
from payplan.store.db import is_memory
from payplan.web.errors import web_error


def _openapi() -> OpenAPIConfig:
    bearer = SecurityScheme(type="http", scheme="bearer", description="An API token from 'payplan users add'.")
    cookie = SecurityScheme(type="apiKey", name=auth.SESSION_COOKIE, security_scheme_in="cookie",
                            description="The session cookie set by POST /login (send x-csrf-token on writes).")
    return OpenAPIConfig(
        title="payplan", version="0.1.0",
        description="Incentive compensation: facts, plans, runs, results, audit. Errors are RFC 9457 problems.",
        components=Components(security_schemes={"bearer": bearer, "session": cookie}),
        security=[{"bearer": []}, {"session": []}],
        path="/schema", render_plugins=[ScalarRenderPlugin()],
    )


def _route_handlers(settings: Settings) -> list:
    return [*session.ROUTES, facts.router(settings.max_upload_bytes), *plans.ROUTES, *acknowledgements.ROUTES, *runs.ROUTES,
            *results.ROUTES, *audit.ROUTES, *user_admin.ROUTES, *simulate.ROUTES, *statements.ROUTES, *disputes.ROUTES,
            *progress.ROUTES, *jobs.ROUTES,
            web.router()]


def _security_headers() -> list[ResponseHeader]:
    return [ResponseHeader(name=name, value=value) for name, value in SECURITY_HEADERS.items()]


def _pool(url: str) -> dict:
    """A file SQLite database gets a connection pool as large as the requests a server runs at
    once (the default 5 opens and closes overflow connections, each with its PRAGMAs, under
    load); in-memory SQLite has a pool of its own kind, PostgreSQL keeps SQLAlchemy's default."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not is_memory(parsed.database, parsed.query):
        return {"pool_size": 20}
    return {}


def create_app(settings: Settings | None = None) -> Litestar:
    """A new app for `settings` (default: from the environment)."""
    settings = settings or get_settings()
    if not settings.secret:
        raise SettingError("PAYPLAN_SECRET is not set: there is no default secret (use payplan serve, "
                           "or set it: PAYPLAN_SECRET=$(openssl rand -hex 32))")
    check_length("PAYPLAN_SECRET", settings.secret)
    check_length("PAYPLAN_PREVIOUS_SECRET", settings.previous_secret)
    engine = make_engine(settings.database_url, **_pool(settings.database_url))
    # /health's own small pool: it answers even when every request connection is taken.
    parsed = make_url(settings.database_url)
    health_engine = (engine if is_memory(parsed.database, parsed.query)
                     else make_engine(settings.database_url, pool_size=1, max_overflow=1, pool_timeout=1))
    return Litestar(
        route_handlers=_route_handlers(settings),
        state=State({"engine": engine, "db": db.Database(engine), "health_engine": health_engine,
                     "settings": settings, "throttle": Throttle(), "tokens": TokenCache(),
                     "results": ResultCache()}),
        dependencies=db.DEPENDENCIES,
        middleware=[auth.session_middleware(settings.secret, settings.secure_cookies, settings.previous_secret),
                    auth.Authenticate,
                    auth.csrf_middleware(settings.secret, settings.secure_cookies, settings.previous_secret)],
        response_class=PlainJsonResponse,  # decimals as plain text: never 0E+2, never -0
        response_headers=_security_headers(),
        cache_control=CacheControlHeader(no_store=True),
        exception_handlers={Exception: web_error},  # problem documents; a page for a browser
        before_request=refuse_deep_json,  # JSON nesting bounded before any handler decodes it
        openapi_config=_openapi(),
        template_config=web.template_config(),
        request_max_body_size=settings.max_upload_bytes,
        on_shutdown=[engine.dispose, health_engine.dispose],
        debug=False,
    )
