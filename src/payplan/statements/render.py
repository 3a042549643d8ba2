"""Statement view → HTML, with one Jinja2 template for the web page and the PDF.

The environment always autoescapes (a plain `jinja2.Environment()` does not),
so a rep named `<script>…</script>` prints as text. The stylesheet is not
inlined: the PDF gets it through WeasyPrint's `stylesheets=` (parsed once),
the web page through a `<link>` to `css_href`. Must not do I/O beyond loading
templates.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
import re

import jinja2
import msgspec
from markupsafe import Markup, escape

from payplan.settings import SHIPPED_TEMPLATES, template_file, template_folders
from payplan.statements import listing as lines
from payplan.statements.chart import attainment_chart
from payplan.statements.columns import text_units
from payplan.statements.i18n import Formatter
from payplan.statements import deals as deal_lines
from payplan.statements.deals import deal_head, deal_listing
from payplan.statements.footer import page_style
from payplan.statements.listing import kpi_head, kpi_listing, wrap
from payplan.statements.reasons import reasons
from payplan.statements.steps import TraceRow
from payplan.statements.view import StatementView
from payplan.statements.wording import localize

# The shipped templates (package data, so an installed wheel has them too); a company's
# own folder comes first when PAYPLAN_TEMPLATES_DIR is set (`payplan.settings`).
TEMPLATE_DIR = SHIPPED_TEMPLATES
STATEMENT_TEMPLATE = "statement/statement.html"
COVER_TEMPLATE = "statement/merged.html"
STATEMENT_CSS = TEMPLATE_DIR / "statement" / "statement.css"


def statement_css() -> Path:
    """The statement stylesheet in use: the company's own, else the shipped one."""
    return template_file("statement/statement.css")


def environment() -> jinja2.Environment:
    """The statement Jinja environment over the template folders in use."""
    return _environment(template_folders())


@lru_cache(maxsize=4)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """Autoescape on for every template, strict undefined; the first folder with a name wins."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_html(view: StatementView, lang: str = "en", *, css_href: str | None = None, part=None) -> str:
    """The statement as an HTML document in `lang` ("en" or "uk").

    Args:
        view: the statement's view model.
        lang: the language of labels, numbers and dates.
        css_href: when given, a `<link rel=stylesheet>` to it (the web page);
            the PDF passes the stylesheet to WeasyPrint instead.
        part: one version's part of a merged statement (`payplan.statements.merged.Part`).
    """
    fmt = Formatter(lang, view.currency, view.texts.get(lang))
    view = localize(view, fmt)
    template = environment().get_template(STATEMENT_TEMPLATE)
    listings = {s.id: deal_listing(s.deals, fmt, s.tiers[0].unit if s.tiers else "money")
                for s in view.sections if s.deals}
    listings.update({s.id: kpi_listing(s.scorecard.kpis, fmt) for s in view.sections if s.scorecard})
    parts = page_parts(fmt)
    reference = (f"{view.rep.name or view.rep.id} · {fmt.month(view.period_start)} · "
                 f"{view.plan_id}@{view.plan_version} · {view.plan_hash[:12]}")
    return template.render(v=view, f=fmt, _=fmt.gettext, lang=lang, css_href=css_href, listings=listings,
                           deal_head=deal_head(fmt), kpi_head=kpi_head(fmt),
                           chart=attainment_chart(view.kpis, fmt), page_parts=parts, doc_ref=reference,
                           page_style=page_style(reference, *parts),
                           trace=trace_groups(view.trace, fmt), lines=lines, deal_lines=deal_lines,
                           code=code, part=part,
                           reasons=_reasons(view, fmt))


def render_merged(views: list[StatementView], parts: list, lang: str = "en") -> str:
    """A merged statement (`payplan.statements.merged`) as one HTML document: a first page with
    each part's version, days in force and amount and their sum, then each part's statement on
    pages of its own. `views[i]` is `parts[i]`'s view; page numbers run through the whole."""
    fmt = Formatter(lang, views[0].currency, views[0].texts.get(lang))
    rows = [{"number": p.number, "first": p.first, "last": p.last, "view": localize(v, fmt)}
            for p, v in zip(parts, views)]
    cover = environment().get_template(COVER_TEMPLATE).render(
        v=rows[0]["view"], parts=rows, total=sum((v.total for v in views), Decimal(0)), f=fmt, _=fmt.gettext,
        lang=lang, page_parts=page_parts(fmt))
    bodies = "".join(f'<div class="next-part">{_body(render_html(v, lang, part=p))}</div>'
                     for p, v in zip(parts, views))
    return cover.replace("</body>", bodies + "\n</body>")


def _body(html: str) -> str:
    return html[html.index(">", html.index("<body")) + 1:html.rindex("</body>")]


def _reasons(view: StatementView, fmt: Formatter):
    """Why a correction statement's pay changed, metrics named by their KPI's label."""
    if view.adjustment is None:
        return None
    return reasons(view.adjustment, fmt, {k.metric: k.label for k in view.kpis if k.label})


def page_parts(fmt: Formatter) -> tuple[str, str]:
    """The words around the page numbers ("Page", "of"), for CSS `string-set`."""
    text = fmt.gettext("Page %(n)s of %(m)s", n="\0", m="\0")
    before, middle, _ = (text.split("\0") + ["", ""])[:3]
    return before.strip(), middle.strip()  # string-set trims them; the CSS puts spaces back


class TraceStep(msgspec.Struct, frozen=True):
    """One step of the trace as printed: bold label, its sentence and its evidence,
    both already broken into lines that fit (the template prints them preformatted)."""

    label: str
    lines: list[str]
    notes: list[str]


TRACE_MM = {1: 180.0, 2: 175.0}  # text width of a top-level step and of the steps under it
TRACE_PT = {1: 7.8, 2: 7.2}  # statement.css: .d1 and .d2 font sizes
NOTE_PT = 6.5  # statement.css: .tr small
SAFETY_MM = 2.0


def trace_step(row: TraceRow, fmt: Formatter) -> TraceStep:
    """A trace row's printed text in `fmt`'s language."""
    depth = 1 if row.depth <= 1 else 2
    label = row.label
    if row.value != "":
        label = f"{label}: {trace_value(row, fmt)}"
    width, pt = TRACE_MM[depth] - SAFETY_MM, TRACE_PT[depth]
    lines = wrap(f"— {row.sentence}", width, pt, text_units(label + " ", bold=True)) if row.sentence else []
    details = "; ".join(f"{d.label}: {trace_value(d, fmt)}" + (f" ({d.sentence})" if d.sentence else "")
                        for d in row.details)
    note = plain("; ".join(part for part in (row.source, details) if part))
    return TraceStep(label=label, lines=lines, notes=wrap(note, width, NOTE_PT) if note else [])


def trace_value(row: TraceRow, fmt: Formatter) -> str:
    """A trace value in its unit: money to the currency's places, ratios (points, attainment,
    weights, rates) as percentages with two places, other numbers plainly."""
    if not isinstance(row.value, Decimal):
        return fmt.number(row.value)
    if row.unit == "money":
        return fmt.amount(row.value)
    if row.unit == "ratio":
        return fmt.pct(row.value, 2)
    return fmt.number(row.value)


CODE = re.compile(r"`([^`\n]+)`")


def code(text: str) -> Markup:
    """Markdown `code` spans as <code>, the rest escaped (plan `why` texts, the footer)."""
    return Markup(CODE.sub(lambda m: str(Markup("<code>{}</code>").format(m.group(1))), str(escape(text))))


def plain(text: str) -> str:
    """Markdown `code` spans without their backticks (text printed preformatted)."""
    return CODE.sub(r"\1", text)


def trace_groups(rows: list[TraceRow], fmt: Formatter) -> list[tuple[TraceStep, list[TraceStep]]]:
    """The trace as (top-level step, the deeper steps under it), in reading order."""
    groups: list[tuple[TraceStep, list[TraceStep]]] = []
    for row in rows:
        if row.depth <= 1 or not groups:
            groups.append((trace_step(row, fmt), []))
        else:
            groups[-1][1].append(trace_step(row, fmt))
    return groups
