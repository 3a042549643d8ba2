"""A simulation as JSON, CSV, HTML (with inline SVG charts) or PDF.

JSON is the `Simulation` value itself (amounts as decimal strings). CSV is one
row per rep × period, then one row per rep over the whole window (period
"total"); every text cell that a spreadsheet could read as a formula (starting
with = + - @, tab or CR) is prefixed with a quote, while numbers stay numbers.
HTML is one self-contained page (inline CSS and SVG, autoescaped Jinja2) in the reader's
language: words from the gettext catalogs, figures in the locale (JSON and CSV are the
same in every language); the
PDF is that page through WeasyPrint with a URL fetcher that refuses every URL,
so nothing in the data can pull a file or an address into the report.
Must not compute anything: figures come from `payplan.simulation.simulate`.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import msgspec

from payplan.core.money import minor_units
from payplan.core.issues import Issue
from payplan.i18n import DEFAULT, N_, Numbers, Words, gettext, translations
from payplan.plans.files import Change
from payplan.settings import SHIPPED_TEMPLATES, template_folders
from payplan.simulation.simulate import Simulation

TEMPLATE_DIR = SHIPPED_TEMPLATES  # package data, shipped in the wheel; a company's own folder comes first
REPORT_TEMPLATE = "simulation/report.html"
FORMATS = ("json", "csv", "html", "pdf")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def render(sim: Simulation, fmt: str, lang: str = DEFAULT) -> bytes:
    """The simulation in `fmt` (json / csv / html / pdf) as bytes; HTML and PDF in `lang`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    if fmt == "json":
        return to_json(sim)
    if fmt == "csv":
        return to_csv(sim).encode("utf-8")
    html = to_html(sim, lang)
    return html.encode("utf-8") if fmt == "html" else to_pdf(html)


def to_json(sim: Simulation) -> bytes:
    return msgspec.json.format(msgspec.json.encode(sim), indent=2) + b"\n"


# --- CSV ---------------------------------------------------------------------------------


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet evaluates: numbers as they are, risky text quoted."""
    if value is None:
        return ""
    text = str(value) if not isinstance(value, Decimal) else format(value, "f")
    if isinstance(value, (Decimal, int)) and _NUMBER.match(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(sim: Simulation) -> str:
    kpis = _kpi_ids(sim)
    header = ["rep_id", "period", "covered", "baseline", "proposal", "delta", "revenue", "margin",
              *(f"baseline:{k}" for k in kpis[0]), *(f"proposal:{k}" for k in kpis[1])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in sim.comparison.rows:
        writer.writerow([safe_cell(v) for v in (
            row.rep_id, row.period, row.covered, row.baseline, row.proposal, row.delta, row.revenue, row.margin,
            *(row.baseline_kpis.get(k) for k in kpis[0]), *(row.proposal_kpis.get(k) for k in kpis[1]))])
    for rep in sim.comparison.reps:
        writer.writerow([safe_cell(v) for v in (rep.rep_id, "total", rep.change, rep.baseline, rep.proposal,
                                                rep.delta, None, None)])
    return out.getvalue()


def _kpi_ids(sim: Simulation) -> tuple[list[str], list[str]]:
    """KPI ids of each side, in first-seen order."""
    sides: tuple[dict[str, None], dict[str, None]] = ({}, {})
    for row in sim.comparison.rows:
        sides[0].update(dict.fromkeys(row.baseline_kpis))
        sides[1].update(dict.fromkeys(row.proposal_kpis))
    return list(sides[0]), list(sides[1])


# --- HTML and PDF ------------------------------------------------------------------------


CROSS_NOTICE = N_("Cross-population comparison: the plans cover different reps, so the totals compare "
                  "different people, not the same people under two plans.")

# Words of the simulation's own values, as the report shows them.
ORIGINS = {"file": N_("file"), "draft": N_("draft"), "published": N_("published")}
CHANGES = {"gain": N_("gains"), "loss": N_("loses"), "same": N_("about the same")}
SEVERITIES = {"error": N_("error"), "warning": N_("warning")}


def _environment(lang: str):
    return _environment_over(template_folders(), lang)


@lru_cache(maxsize=8)
def _environment_over(folders: tuple[Path, ...], lang: str):
    """The report's Jinja2 environment for `folders`, speaking `lang` (one per language: no shared state)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


class Figures:
    """The report's numbers and value words in one language and currency."""

    def __init__(self, lang: str, currency: str, texts: dict[str, str] | None = None) -> None:
        self.lang = lang
        self.numbers = Words(lang, minor_units(currency), texts)
        self.ratios = Numbers(lang, 2)

    def issue(self, issue: Issue) -> str:
        """An issue found while scoring, its sentence in the report's language."""
        severity = gettext(self.lang, SEVERITIES.get(issue.severity, issue.severity))
        said = self.numbers.fill(issue.template or issue.message, issue.inputs)
        return f"{issue.where}: {severity}: {said}" if issue.where else f"{severity}: {said}"

    def money(self, value: Decimal | None) -> str:
        """1234.5 → "1,234.50" / "1 234,50"; negative with a minus sign; blank for None."""
        return self.numbers.amount(value)

    def pct(self, value: Decimal | float | None, places: int = 1) -> str:
        """A share as a percentage, rounded half-up in Decimal (a correlation may be a float)."""
        return self.numbers.pct(value, places)

    def corr(self, value: Decimal | None) -> str:
        return "—" if value is None else self.ratios.amount(value)

    def word(self, table: dict[str, str], value: str) -> str:
        return gettext(self.lang, table[value]) if value in table else value

    def plan_change(self, change: Change) -> str:
        """A difference between the plans: added or removed in words; a changed field as the plan file names it."""
        if change.field:
            return str(change)
        added = change.old is None
        message = N_("%(subject)s added") if added else N_("%(subject)s removed")
        return gettext(self.lang, message, subject=change.subject)


def to_html(sim: Simulation, lang: str = DEFAULT) -> str:
    """The report as one HTML page in `lang` (words and figures)."""
    from payplan.simulation.charts import delta_chart, pay_margin_chart

    comparison = sim.comparison
    figures = Figures(lang, sim.currency, sim.texts.get(lang))
    charts = {"delta": delta_chart(comparison.reps, figures.money, lang),
              "scatter": pay_margin_chart(comparison.rows, figures.money, lang)}
    template = _environment(lang).get_template(REPORT_TEMPLATE)
    return template.render(sim=sim, c=comparison, t=comparison.totals, kpis=_kpi_ids(sim), charts=charts,
                           money=figures.money, pct=figures.pct, corr=figures.corr, lang=lang,
                           origin=lambda o: figures.word(ORIGINS, o), change_word=lambda c: figures.word(CHANGES, c),
                           plan_change=figures.plan_change, max_rows=2000, issue=figures.issue,
                           kpi=lambda k: figures.numbers.plan_text(sim.kpi_labels.get(k, k)))


def to_pdf(html: str) -> bytes:
    """The HTML page as PDF; every URL the page might name is refused."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(TEMPLATE_DIR / "simulation") + "/",
                url_fetcher=_refusing_fetcher()).write_pdf()


def _refusing_fetcher():
    """A WeasyPrint fetcher that fetches nothing: the report is self-contained."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # pragma: no cover - WeasyPrint < 68 takes a plain callable
        return _refuse

    class RefuseAll(URLFetcher):
        def fetch(self, url, headers=None):
            _refuse(url)

    return RefuseAll(allowed_protocols=set(), allow_redirects=False)


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"refused to fetch {url!r}: the simulation report uses no external resources")
