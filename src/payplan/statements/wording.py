"""A statement view with its words in the reader's language.

The view model keeps the engine's texts as it wrote them: English templates with
named values ("{current:money} exceeds the cap {cap:money}", `payplan.core.trace.fill`),
and the plan's texts as the plan's default language states them. `localize` writes
every one of them in one language: a plan's text (a label, a `why`) by the plan's
own translations (`Plan.translations`) only, an engine's template there or else in the
gettext catalog, and its values are
written with Babel (`payplan.i18n.Words`). The page and the PDF both print the
localized view. Must not change a figure: only text fields are replaced.
"""

from __future__ import annotations

from msgspec.structs import replace

from payplan.i18n import Words
from payplan.statements.calculation import Adjustment, AdjustmentLine
from payplan.statements.steps import TraceRow
from payplan.statements.tiers import Rerate, TierRow
from payplan.statements.view import (DealRow, GateRow, KpiRow, LineRow, ScorecardView, Section,
                                     StatementView)


def localize(view: StatementView, words: Words) -> StatementView:
    """`view` with every text in `words`' language and every number in a text written its way."""
    sections = [_section(s, words) for s in view.sections]
    return replace(
        view, plan_name=words.plan_text(view.plan_name), sections=sections,
        trace=[_trace(r, words) for r in view.trace],
        issues=[words.fill(i.template or i.message, i.inputs) for i in view.issues],
        adjustment=_adjustment(view.adjustment, sections, words) if view.adjustment else None,
    )


def _adjustment(adj: Adjustment, sections: list[Section], words: Words) -> Adjustment:
    """The correction's components named as the statement's sections name them (a plan's label by
    its translations, an engine's component, such as the clawbacks, by the catalog); one without a
    section (it pays nothing now) by the plan's translation of its label, else the catalog's word."""
    shown = {s.id: s.label for s in sections}

    def label(line: AdjustmentLine) -> str:
        if line.component in shown:
            return shown[line.component]
        translated = words.plan_text(line.label)
        return translated if translated != line.label else words.text(line.label)

    return replace(adj, lines=tuple(replace(ln, label=label(ln)) for ln in adj.lines))


def _section(s: Section, words: Words) -> Section:
    return replace(
        s, label=words.text(s.label) if s.engine else words.plan_text(s.label), why=words.plan_text(s.why),
        lines=[_line(ln, words) for ln in s.lines],
        deals=[_deal(d, words) for d in s.deals],
        scorecard=_scorecard(s.scorecard, words) if s.scorecard else None,
        tiers=[_tier(t, words) for t in s.tiers],
        rerate=replace(s.rerate, label=words.plan_text(s.rerate.label)) if isinstance(s.rerate, Rerate) else None,
    )


def _line(ln: LineRow, words: Words) -> LineRow:
    link = (ln.link[0], words.plan_text(ln.link[1]), ln.link[2]) if ln.link else None
    return replace(ln, label=words.fill(ln.label, ln.inputs), cause=words.fill(ln.cause, ln.inputs), link=link)


def _deal(d: DealRow, words: Words) -> DealRow:
    return replace(d, conversion=words.fill(d.conversion, d.inputs), slices=[replace(sl, tier=words.plan_text(sl.tier),
                                      band=_tier(sl.band, words) if sl.band else None) for sl in d.slices])


def _tier(t: TierRow, words: Words) -> TierRow:
    return replace(t, label=words.plan_text(t.label))


def _scorecard(sc: ScorecardView, words: Words) -> ScorecardView:
    return replace(sc, kpis=[_kpi(k, words) for k in sc.kpis], gates=[_gate(g, words) for g in sc.gates])


def _kpi(k: KpiRow, words: Words) -> KpiRow:
    return replace(k, label=words.plan_text(k.label), why=words.plan_text(k.why), note=words.fill(k.note, k.note_inputs))


def _gate(g: GateRow, words: Words) -> GateRow:
    return replace(g, label=words.fill(g.label, g.inputs), condition=words.fill(g.condition, g.inputs),
                   why=words.plan_text(g.why))


def _trace(r: TraceRow, words: Words) -> TraceRow:
    value = words.text(r.value) if isinstance(r.value, str) else r.value
    return replace(r, label=words.fill(r.label, r.inputs), sentence=words.fill(r.sentence, r.inputs),
                   source=words.fill(r.source, r.inputs), value=value,
                   details=[_trace(d, words) for d in r.details])
