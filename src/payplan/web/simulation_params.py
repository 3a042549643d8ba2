"""What HR's simulation form offers: the proposal's parameters in words, the populations, a default pair.

`parameter_rows` labels each lever of a plan (`payplan.core.levers`) with the plan's own
component and KPI labels in the page's language and a word for the field; `fit_choices`
are the levers a budget may fit (target incentives, rates, the multiplier). The
populations are the roles and teams of the reps in the database. `default_pair` picks
the latest two versions of one plan, never plans of two populations. Must not simulate
or render.
"""

from __future__ import annotations

from dataclasses import dataclass

from payplan.core.levers import MULTIPLIER, Lever
from payplan.core.plan import Plan
from payplan.i18n import N_
from payplan.simulation.model import BudgetFit
from payplan.web.simulation_form import SimulationForm, plain
from payplan.web.templating import amount, gettext, language, number, pct

FIELDS = {"target_incentive": N_("target incentive"), "weight": N_("weight, percent"), "target": N_("target"),
          "rate": N_("rate, percent"), "from": N_("tier starts at"), "to": N_("tier ends at"),
          MULTIPLIER: N_("Multiplier of all variable pay, percent")}
FITTED = ("target_incentive", "rate", MULTIPLIER)
# The form's fields a refusal may name, by the words beside them on the form (a parameter `lever:PATH` by its row).
LABELS = {"budget": N_("Budget over the periods"), "tolerance": N_("Tolerance"), "lever": N_("Parameter to fit"),
          "start": N_("From"), "end": N_("To"), "baseline": N_("Baseline"), "proposal": N_("Proposal"),
          "population": N_("Population"), "toml": N_("Draft plan (TOML)")}


@dataclass(frozen=True)
class ParameterRow:
    path: str
    component: str  # the component's label in the page's language
    detail: str  # the KPI's or the tier's label, or ""
    field: str  # the field in words
    unit: str
    shown: str  # the plan's value as the form shows it (a share as a percentage)
    typed: str  # what the form holds now

    @property
    def changed(self) -> bool:
        return self.typed.strip() != self.shown

    @property
    def label(self) -> str:
        return " — ".join(part for part in (self.component, self.detail, self.field) if part)


def _text(plan: Plan, text: str) -> str:
    return plan.translations.get(language(), {}).get(text, text)


def _detail(plan: Plan, lever: Lever) -> str:
    comp = next((c for c in plan.components if c.id == lever.component), None)
    if comp is None:
        return ""
    if lever.kpi:
        kpi = next((k for k in comp.kpis if k.id == lever.kpi), None)
        return _text(plan, kpi.label or kpi.id) if kpi else lever.kpi
    if lever.tier:
        tier = comp.tiers[lever.tier - 1]
        named = gettext("tier %(n)s", n=lever.tier)
        return f"{named} ({_text(plan, tier.label)})" if tier.label else named
    return ""


def _component(plan: Plan, lever: Lever) -> str:
    comp = next((c for c in plan.components if c.id == lever.component), None)
    return _text(plan, comp.label or comp.id) if comp else ""


def parameter_rows(plan: Plan, levers: list[Lever], form: SimulationForm) -> list[ParameterRow]:
    """Every parameter of `plan`, labelled in words, with the value the form holds for it."""
    rows = []
    for lever in levers:
        shown = plain(lever.value, lever.unit)
        # a value typed next to another value shown was typed for another plan: start from this plan's
        same = form.shown.get(lever.path) == shown
        typed = form.typed.get(lever.path, shown) if same else shown
        rows.append(ParameterRow(lever.path, _component(plan, lever), _detail(plan, lever),
                                 gettext(FIELDS[lever.field]), lever.unit, shown, typed))
    return rows


def field_label(where: str, rows: list[ParameterRow]) -> str:
    """The form's field `where` ("budget", "lever:kpi_bonus.kpis.demos.weight") in the page's words."""
    if where.startswith("lever:"):
        return next((r.label for r in rows if r.path == where[6:]), where[6:])
    return gettext(LABELS[where]) if where in LABELS else where


def fit_choices(rows: list[ParameterRow]) -> list[ParameterRow]:
    """The parameters a budget may fit: each target incentive, each rate, the multiplier."""
    return [r for r in rows if r.path.rsplit(".", 1)[-1] in FITTED]


def fitted_value(fit: BudgetFit | None, currency: str = "") -> str:
    """The value a budget fit found, as the page's language writes it: money with the currency's
    places, a share as a percentage, a number with up to four places."""
    if fit is None:
        return ""
    if fit.unit == "money":
        return amount(fit.value, currency or "USD")
    return pct(fit.value, 2) if fit.unit == "share" else number(fit.value, 4)


def populations(reps: list) -> tuple[list[str], list[str]]:
    """The roles and the teams of the reps, sorted."""
    return sorted({r.role for r in reps if r.role}), sorted({r.team for r in reps if r.team})


def default_pair(plans: list) -> tuple[str, str]:
    """(baseline, proposal): the latest two versions of a plan with several, else the first plan twice."""
    by_id: dict[str, list] = {}
    for p in plans:
        by_id.setdefault(p.ref.rsplit("@", 1)[0], []).append(p)
    for versions in by_id.values():
        if len(versions) > 1:
            latest = sorted(versions, key=lambda p: int(p.ref.rsplit("@", 1)[1]))
            return latest[-2].ref, latest[-1].ref
    first = plans[0].ref if plans else ""
    return first, first
