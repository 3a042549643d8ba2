"""The pages' Jinja2 environment, Litestar's template config, and `page()` to answer with one.

Autoescape is always on (a plain `jinja2.Environment()` has it off) and undefined names
fail loudly. The pages speak the request's language (`payplan.web.locale` sets it in a
context variable, so the one environment shared by every thread translates each request
on its own): words through `_()` / `ngettext()` from the gettext catalogs
(`payplan.i18n`), figures exactly as the statements print them
(`payplan.statements.i18n.Formatter` in that language): amounts with the currency's minor
units, weights, attainments and rates as percentages, KPI values in their unit. Every
page gets the signed-in user and the CSRF token its forms must post back. Must not
compute figures or query the database.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import jinja2
from babel.dates import format_time, get_datetime_format
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from litestar.utils.scope.state import ScopeState

from payplan.api.statements import LANG_COOKIE
from payplan.core.periods import PeriodError, parse_period
from payplan.core.plan import Plan
from payplan.i18n import DEFAULT, LANGS, N_, translations
from payplan.settings import SHIPPED_TEMPLATES, template_folders
from payplan.statements.i18n import Formatter

TEMPLATE_DIR = SHIPPED_TEMPLATES / "web"  # the shipped pages; a company's own web/ folder comes first
STATES = {"draft": N_("Draft"), "submitted": N_("Submitted"), "approved": N_("Approved"), "paid": N_("Paid")}
ROLES = {"rep": N_("rep"), "manager": N_("manager"), "finance": N_("finance"), "hr": N_("hr"), "admin": N_("admin")}
KINDS = {"regular": N_("regular"), "adjustment": N_("adjustment")}
PERIODS = {"month": N_("monthly"), "quarter": N_("quarterly"), "year": N_("yearly")}
LINE_KINDS = {"bonus": N_("bonus"), "commission": N_("commission"), "multiplier": N_("multiplier"), "cap": N_("cap"),
              "floor": N_("floor"), "gate": N_("gate"), "spiff": N_("spiff"), "override": N_("override"),
              "draw": N_("draw"), "recovery": N_("recovery"), "clawback": N_("clawback"), "fixed": N_("fixed"),
              "proration": N_("proration"), "pool": N_("team pool"), "adjustment": N_("adjustment"),
              "carry": N_("carried forward"), "forgive": N_("forgiven"), "balance_recovery": N_("balance recovery")}
LANG: ContextVar[str] = ContextVar("payplan_page_language", default=DEFAULT)
COOKIE = LANG_COOKIE  # remembers the language a `?lang=` chose (the statements read it too)


def language() -> str:
    """The language of the page being answered ("en" outside a request)."""
    return LANG.get()


def gettext(message: str, **values: object) -> str:
    """`message` in the page's language, `%(name)s` values filled in (for words Python hands to a page)."""
    text = translations(language()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """The form of `singular`/`plural` for `n` in the page's language (`%(num)s` is `n`, as in the templates)."""
    return translations(language()).ngettext(singular, plural, n) % {"num": n, **values}


def refusal(reason: object) -> str:
    """A refusal (`payplan.runs.duties.Refusal`: a message id with fields, some of them
    message ids too) in the page's language; any other reason as it is."""
    message, fields, words = (getattr(reason, k, None) for k in ("message", "fields", "words"))
    if message is None:
        return str(reason)
    values = {k: gettext(v) if k in (words or ()) else v for k, v in (fields or {}).items()}
    return gettext(message, **values)


def plan_name(plan: Plan) -> str:
    """A plan's name in the page's language, by the plan's own translations (as its plan page says it)."""
    return plan.translations.get(language(), {}).get(plan.name, plan.name)


def formatter(currency: str) -> Formatter:
    """The statements' formatter for `currency` in the page's language."""
    return _formatter(language(), currency)


@lru_cache(maxsize=32)
def _formatter(lang: str, currency: str) -> Formatter:
    return Formatter(lang, currency)


def amount(value: Decimal | None, currency: str) -> str:
    """1234.5 USD → "1,234.50" (no sign: the currency is named in the heading)."""
    return formatter(currency).amount(value)


def money(value: Decimal | None, currency: str) -> str:
    """1234.5 USD → "$1,234.50"."""
    return formatter(currency).money(value)


def signed(value: Decimal | None, currency: str) -> str:
    """A change: 1234.5 → "+1,234.50", -3 → "−3.00", 0 → "0.00"; blank for None."""
    if value is None:
        return ""
    shown = formatter(currency).amount(abs(value))
    return shown if value == 0 else ("+" if value > 0 else "\u2212") + shown


def pct(ratio: Decimal | None, places: int = 1) -> str:
    """0.625 → "62.5%"; blank for None."""
    return formatter("USD").pct(ratio, places)


def measure(value: Decimal | str | None, unit: str, currency: str) -> str:
    """A KPI's actual or target in its unit, as on the statement."""
    return formatter(currency).measure(value, unit)


def number(value: Decimal | str | None, places: int = 4) -> str:
    return formatter("USD").number(value, places)


def period_name(key: str) -> str:
    """"2026-03" → "March 2026"; quarters and years as they are written ("2026-Q1")."""
    try:
        period = parse_period(key)
    except PeriodError:
        return key
    return formatter("USD").month(period.start) if period.kind == "month" else key


def day(timestamp: str | date | None) -> str:
    """A date, or a stored UTC timestamp ("2026-03-14T09:30:00.000000Z"), as its date in the page's language."""
    if isinstance(timestamp, date):
        timestamp = timestamp.isoformat()
    return formatter("USD").iso_date(timestamp[:10]) if timestamp else ""


def moment(timestamp: str | None) -> str:
    """A stored UTC timestamp as its date and time to the minute in the page's language
    ("Mar 14, 2026, 9:30 AM", "14 бер. 2026 р., 09:30"); text that is no timestamp as it is."""
    if not timestamp:
        return ""
    try:
        when = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    locale = formatter("USD").locale
    clock = format_time(when, format="short", locale=locale)
    return get_datetime_format("medium", locale=locale).replace("{1}", day(timestamp)).replace("{0}", clock)


def first_upper(text: str) -> str:
    """"clawback" → "Clawback" (the rest as it is: "KPI bonus" stays)."""
    return text[:1].upper() + text[1:]


def environment() -> jinja2.Environment:
    """The pages' environment over the `web/` folder of each template folder in use."""
    return _environment(template_folders())


@lru_cache(maxsize=4)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f / "web") for f in folders]), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        lambda message: translations(language()).gettext(message),
        lambda singular, plural, n: translations(language()).ngettext(singular, plural, n), newstyle=True)
    env.filters["first_upper"] = first_upper
    env.globals.update(amount=amount, money=money, signed=signed, refusal=refusal, pct=pct, measure=measure,
                       number=number, period_name=period_name, day=day, moment=moment,
                       states=STATES, roles=ROLES, kinds=KINDS, periods=PERIODS, line_kinds=LINE_KINDS,
                       language=language, languages=LANGS)
    return env


def template_config() -> TemplateConfig:
    """The app's template config: this environment, through Litestar's Jinja engine."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def csrf_token(request: Request) -> str:
    """The token a form must post back as `_csrf_token` ('' on bearer requests, which need none)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def page(request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None,
         **context: object) -> Template:
    """The page `template` with the viewer (`user`, None when signed out) and the CSRF token."""
    user = request.scope.get("user")
    chosen = request.query_params.get("lang")
    cookies = [Cookie(key=COOKIE, value=chosen, max_age=365 * 24 * 3600, path="/", samesite="lax", httponly=True)] \
        if chosen in LANGS else None
    return Template(template_name=template, status_code=status, media_type="text/html", headers=headers,
                    cookies=cookies, context={"user": user, "csrf": csrf_token(request), **context})
