"""The simulation as one HTML page (inline CSS and SVG, autoescaped Jinja2) in the reader's language.

Gathers what the template shows: the population, the cross-population
notice, the cost per team / role / period, each rep's change by name with its
components and KPIs, the reps covered by one plan only, the plan changes in words,
the budget fit, the scenarios and the charts. Words come from the gettext catalogs
and the plans' own translations, figures are written in the language.
Must not compute pay: figures come from `payplan.simulation.simulate`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from payplan.i18n import DEFAULT, gettext
from payplan.settings import template_folders
from payplan.simulation.model import Simulation
from payplan.simulation.report_csv import kpi_ids
from payplan.simulation.report_words import (CHANGES, CROSS_NOTICE, GROUP_KINDS, LINES, ORIGINS, REASONS,
                                             Figures)

REPORT_TEMPLATE = "simulation/report.html"
MAX_ROWS = 2000


def to_html(sim: Simulation, lang: str = DEFAULT) -> str:
    """The report as one HTML page in `lang` (words and figures)."""
    from payplan.simulation.charts import delta_chart, pay_margin_chart

    comparison = sim.comparison
    figures = Figures(lang, sim.currency, sim.texts.get(lang))
    charts = {"delta": delta_chart(comparison.reps, figures.money, lang),
              "scatter": pay_margin_chart(comparison.rows, figures.money, lang)}
    template = _environment(lang).get_template(REPORT_TEMPLATE)
    return template.render(
        sim=sim, c=comparison, t=comparison.totals, kpis=kpi_ids(sim), charts=charts, lang=lang, f=figures,
        money=figures.money, pct=figures.pct, corr=figures.corr, issue=figures.issue, phrase=figures.phrase,
        origin=lambda o: figures.word(ORIGINS, o), change_word=lambda c: figures.word(CHANGES, c),
        plan_change=figures.plan_change, max_rows=MAX_ROWS, cross_notice=gettext(lang, CROSS_NOTICE) if sim.population.cross else "",
        groups={kind: [g for g in sim.groups if g.kind == kind] for kind in GROUP_KINDS},
        group_kind=lambda k: figures.word(GROUP_KINDS, k), reason=lambda r: figures.word(REASONS, r),
        person=lambda rep_id: sim.people.get(rep_id), component=lambda i: _component(sim, figures, i),
        kpi=lambda k: figures.numbers.plan_text(sim.kpi_labels.get(k, k)), plan_text=figures.numbers.plan_text)


def _component(sim: Simulation, figures: Figures, component_id: str) -> str:
    if component_id in LINES:
        return figures.word(LINES, component_id)
    return figures.text(sim.component_labels.get(component_id, component_id))


def _environment(lang: str):
    return _environment_over(template_folders(), lang)


@lru_cache(maxsize=8)
def _environment_over(folders: tuple[Path, ...], lang: str):
    """The report's Jinja2 environment for `folders`, speaking `lang` (one per language: no shared state)."""
    import jinja2

    from payplan.i18n import translations

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env
