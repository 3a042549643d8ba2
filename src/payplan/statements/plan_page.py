"""A plan version in words, in one language: what the plan page (`/me/plan`) shows.

Each KPI with its weight, target (in its metric's unit), curve and `why`; each
commission's tier schedule (`payplan.statements.tiers.tier_rows`); every gate, cap,
floor, draw, clawback, SPIFF, override and fixed amount as one sentence from the
catalog (a message id with named fields, its numbers written with Babel through
`payplan.i18n.Words`). The plan's own texts (name, labels, `why`) come from its
translations (`Plan.translations`). Must not compute pay or read the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.metrics import lookup
from payplan.core.plan import Commission, Component, Draw, Fixed, Gate, Kpi, Override, Plan, Pool, Scorecard, Spiff
from payplan.i18n import N_, Words
from payplan.statements.tiers import TierRow, tier_rows
from payplan.statements.window_words import incentive_rule, window_rules

BASES = {"revenue": N_("revenue"), "margin": N_("margin")}


class KpiView(msgspec.Struct, frozen=True):
    id: str
    label: str
    why: str
    unit: str  # the metric catalog's: count / money / ratio / days / score
    weight: Decimal
    target: Decimal | None
    target_text: str  # the target in its unit, as the page's language writes it
    curve: list[tuple[Decimal, Decimal]]
    curve_text: str  # "50% → 0%; 100% → 100%", empty without a curve


class ComponentView(msgspec.Struct, frozen=True):
    id: str
    kind: str
    label: str
    why: str
    kpis: list[KpiView] = []
    tiers: list[TierRow] = []
    rules: list[str] = []  # one sentence per gate, cap, floor, draw, SPIFF, override…


class PlanPage(msgspec.Struct, frozen=True):
    plan_version_id: int
    ref: str
    name: str
    description: str
    currency: str
    period: str
    effective_from: date
    effective_to: date | None
    language: str
    components: list[ComponentView]
    rules: list[str]  # the plan's own: statement cap, clawback


def plan_page(version_id: int, plan: Plan, words: Words) -> PlanPage:
    """`plan` in `words`' language (`words` carries the plan's translations for it)."""
    return PlanPage(version_id, plan.ref, words.plan_text(plan.name), words.plan_text(plan.description),
                    plan.currency, plan.period, plan.effective_from, plan.effective_to, words.lang,
                    [_component(c, words, plan.effective_from) for c in plan.components], _plan_rules(plan, words))


def _say(words: Words, message: str, **values: object) -> str:
    text = words.catalog.gettext(message)
    return text % values if values else text


def _plan_rules(plan: Plan, w: Words) -> list[str]:
    rules = []
    if plan.cap is not None:
        rules.append(_say(w, N_("No statement pays more than %(cap)s %(currency)s a period, before draws."),
                          cap=w.amount(plan.cap), currency=plan.currency))
    if plan.clawback is not None:
        rules.append(_say(w, N_("A won deal cancelled within %(days)s days of closing takes back %(share)s of "
                                "the commission paid on it."), days=plan.clawback.window_days,
                          share=w.pct(plan.clawback.share, 0)))
    return rules


def _component(c: Component, w: Words, start: date) -> ComponentView:
    label = w.plan_text(c.label) or c.id
    kpis = [_kpi(k, w) for k in c.kpis] if isinstance(c, Scorecard) else []
    tiers = [msgspec.structs.replace(t, label=w.plan_text(t.label)) for t in tier_rows(c)] \
        if isinstance(c, Commission) else []
    return ComponentView(c.id, c.__struct_config__.tag, label, w.plan_text(c.why), kpis, tiers,
                         _rules(c, label, w, start))


def _kpi(k: Kpi, w: Words) -> KpiView:
    found = lookup(k.metric)
    unit = found.unit if found else "count"
    curve = [(Decimal(x), Decimal(y)) for x, y in k.curve]
    return KpiView(k.id, w.plan_text(k.label) or k.id, w.plan_text(k.why), unit, k.weight, k.target,
                   _in_unit(k.target, unit, w), curve,
                   "; ".join(f"{w.pct(x, 0)} → {w.pct(y, 0)}" for x, y in curve))


def _in_unit(value: Decimal | None, unit: str, w: Words) -> str:
    if value is None:
        return "—"
    return w.amount(value) if unit == "money" else w.pct(value, 1) if unit == "ratio" else w.number(value)


def _rules(c: Component, label: str, w: Words, start: date) -> list[str]:
    rules = [_gate(g, label, w) for g in getattr(c, "gates", [])]
    if isinstance(c, Scorecard):
        rules += _scorecard(c, label, w, start)
    elif isinstance(c, Commission):
        rules += _commission(c, label, w, start)
    elif isinstance(c, Spiff):
        rules.append(_spiff(c, label, w))
    elif isinstance(c, Override):
        rules.append(_override(c, label, w))
    elif isinstance(c, Draw):
        rules.append(_draw(c, label, w))
    elif isinstance(c, Pool):
        rules.append(_pool(c, label, w))
    elif isinstance(c, Fixed):
        rules.append(_say(w, N_("%(label)s: your salary each period."), label=label) if c.from_salary else
                     _say(w, N_("%(label)s: %(amount)s each period."), label=label, amount=w.amount(c.amount)))
    cap, floor = getattr(c, "cap", None), getattr(c, "floor", None)
    if cap is not None:
        rules.append(_say(w, N_("%(label)s pays at most %(cap)s a period."), label=label, cap=w.amount(cap)))
    if floor is not None:
        rules.append(_say(w, N_("%(label)s pays at least %(floor)s a period."), label=label, floor=w.amount(floor)))
    return rules


def _gate(g: Gate, label: str, w: Words) -> str:
    name = w.plan_text(g.label) or label
    if g.kpi_min is not None:
        return _say(w, N_("%(gate)s: when any KPI's attainment is below %(min)s, %(label)s is multiplied by "
                          "%(factor)s."), gate=name, min=w.pct(g.kpi_min), label=label, factor=w.number(g.factor))
    found = lookup(g.metric or "")
    unit = found.unit if found else "count"
    return _say(w, N_("%(gate)s: below %(min)s, %(label)s is multiplied by %(factor)s."), gate=name,
                min=_in_unit(g.min, unit, w), label=label, factor=w.number(g.factor))


def _scorecard(c: Scorecard, label: str, w: Words, start: date) -> list[str]:
    rules = window_rules(c, start, w)
    if c.target_incentive is not None and c.measure == "window":
        rules.append(incentive_rule(c, label, w))
    elif c.target_incentive is not None:
        rules.append(_say(w, N_("%(label)s: %(amount)s a period at a 100%% score."), label=label,
                          amount=w.amount(c.target_incentive)))
    if c.salary_share is not None:
        rules.append(_say(w, N_("%(label)s: %(share)s of your salary a period at a 100%% score."), label=label,
                          share=w.pct(c.salary_share, 0)))
    if c.payout_curve:
        rules.append(_say(w, N_("The score pays by this curve (score → payout): %(points)s."),
                          points="; ".join(f"{w.pct(x, 0)} → {w.pct(y, 0)}" for x, y in c.payout_curve)))
    if c.payout_cap is not None:
        rules.append(_say(w, N_("%(label)s pays at most %(cap)s of its target."), label=label,
                          cap=w.pct(c.payout_cap, 0)))
    return rules


def _commission(c: Commission, label: str, w: Words, start: date) -> list[str]:
    rules = [_say(w, N_("%(label)s is paid on the %(base)s of your won deals."), label=label,
                  base=_say(w, BASES[c.base]) if c.base in BASES else c.base)]
    if c.rate is not None:
        rules.append(_say(w, N_("%(label)s: %(rate)s of the base."), label=label, rate=w.pct(c.rate, 2)))
    if c.exclude_products:
        rules.append(_say(w, N_("Deals of these products never count: %(products)s."),
                          products=", ".join(c.exclude_products)))
    rules += window_rules(c, start, w)
    for m in c.multipliers:
        rules.append(_say(w, N_("%(multiplier)s: from %(start)s to %(stop)s, %(label)s is multiplied by %(factor)s."),
                          multiplier=w.plan_text(m.label) or label, start=w.pct(m.from_, 0),
                          stop=w.pct(m.to, 0) if m.to is not None else "∞", label=label, factor=w.number(m.factor)))
    return rules


def _spiff(c: Spiff, label: str, w: Words) -> str:
    when = (w.iso_date(c.starts.isoformat()) if c.starts else "…", w.iso_date(c.ends.isoformat()) if c.ends else "…")
    if c.tiers:
        bands = "; ".join(_say(w, N_("deals %(start)s to %(stop)s: %(amount)s each"), start=w.number(t.from_),
                               stop=w.number(t.to - 1), amount=w.amount(t.rate)) if t.to is not None else
                          _say(w, N_("from deal %(start)s: %(amount)s each"), start=w.number(t.from_),
                               amount=w.amount(t.rate))
                          for t in c.tiers)
        return _say(w, N_("%(label)s: by the number of qualifying deals in the period (%(bands)s; from %(start)s "
                          "to %(end)s)."), label=label, bands=bands, start=when[0], end=when[1])
    if c.per_deal is not None:
        return _say(w, N_("%(label)s: %(amount)s per qualifying deal (from %(start)s to %(end)s)."), label=label,
                    amount=w.amount(c.per_deal), start=when[0], end=when[1])
    if c.rate is not None:
        return _say(w, N_("%(label)s: %(rate)s of each qualifying deal (from %(start)s to %(end)s)."), label=label,
                    rate=w.pct(c.rate, 2), start=when[0], end=when[1])
    return _say(w, N_("%(label)s: %(amount)s per unit (from %(start)s to %(end)s)."), label=label,
                amount=w.amount(c.per_unit), start=when[0], end=when[1])


def _override(c: Override, label: str, w: Words) -> str:
    if c.on:
        text = _say(w, N_("%(label)s: %(rate)s of the commission your team earns (%(component)s)."), label=label,
                    rate=w.pct(c.rate, 2), component=c.on)
    else:
        text = _say(w, N_("%(label)s: %(rate)s of your team's %(base)s."), label=label, rate=w.pct(c.rate, 2),
                    base=_say(w, BASES[c.base]) if c.base in BASES else c.base)
    if c.min_attainment is not None:
        text += " " + _say(w, N_("Paid once the team reaches %(min)s of its quota."), min=w.pct(c.min_attainment, 0))
    return text


SPLITS = {"equal": N_("in equal shares"), "attainment": N_("in proportion to each member's attainment"),
          "revenue": N_("in proportion to each member's credited revenue")}


def _pool(c: Pool, label: str, w: Words) -> str:
    size = (w.amount(c.amount) if c.amount is not None else
            _say(w, N_("%(rate)s of the team's %(base)s"), rate=w.pct(c.rate, 2),
                 base=_say(w, BASES[c.base]) if c.base in BASES else c.base))
    return _say(w, N_("%(label)s: a team pool of %(size)s a period, shared among the team %(split)s."), label=label,
                size=size, split=_say(w, SPLITS[c.split]))


def _draw(c: Draw, label: str, w: Words) -> str:
    if c.type == "guarantee":
        text = _say(w, N_("%(label)s: you are paid at least %(amount)s a period."), label=label,
                    amount=w.amount(c.amount))
    else:
        text = _say(w, N_("%(label)s: an advance of %(amount)s a period."), label=label, amount=w.amount(c.amount))
    if c.periods is not None:
        text += " " + _say(w, N_("For your first %(count)s periods."), count=c.periods)
    recovery = N_("It is recovered from later earnings.") if c.recoverable else N_("It is not recovered.")
    return text + " " + _say(w, recovery)
