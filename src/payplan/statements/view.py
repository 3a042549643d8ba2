"""The statement view model: what a statement shows, as plain values.

Built from (plan, rep, RepResult, run info, carried state in) and nothing else:
no I/O, no formatting (amounts stay Decimals, the engine's words stay templates
with their named values; `wording.py` and `render.py` write them in a language). Every pay line of the result appears exactly once, in the section
of its component, so sections add up to components and components to the total.
Must not compute pay: figures come from the result and its trace.
"""

from __future__ import annotations

import re

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.inputs import CarriedState, Rep
from payplan.core.metrics import lookup
from payplan.core.periods import parse_period
from payplan.core.plan import Commission, Draw, Plan, Scorecard
from payplan.core.result import Line, RepResult
from payplan.core.issues import Issue
from payplan.core.trace import Node, Value
from payplan.statements.calculation import Adjustment, Calculation, RunInfo
from payplan.statements.tiers import Rerate, TierRow, rerate, tier_rows
from payplan.statements.steps import TraceRow, number, trace_rows

ZERO = Decimal(0)


class _View(msgspec.Struct, frozen=True, kw_only=True):
    pass


class KpiRow(_View):
    id: str
    label: str
    metric: str
    unit: str  # count / money / ratio / days / score (the metric catalog's)
    weight: Decimal
    target: Decimal | str | None
    actual: Decimal | str | None
    attainment: Decimal
    points: Decimal
    why: str = ""
    note: str = ""  # threshold / floor / cap applied (a template over `note_inputs`)
    note_inputs: dict[str, Value] = {}


class GateRow(_View):
    label: str
    applied: bool
    condition: str  # a template over `inputs` (`payplan.core.trace.fill`)
    why: str = ""
    inputs: dict[str, Value] = {}


class ScorecardView(_View):
    kpis: list[KpiRow]
    score: Decimal | str | None
    payout_ratio: Decimal | str | None
    target_incentive: Decimal | str | None
    bonus_before_gates: Decimal | str | None
    gates: list[GateRow]


class SliceRow(_View):
    index: int
    tier: str  # the plan's label for the tier, or ""
    amount: Decimal  # the part of the deal's credited base in this band
    rate: Decimal  # the rate finally paid on it
    mode: str  # marginal / retroactive (re-rated or a retroactive tier) / lookup
    band: TierRow | None = None  # the plan's band it lies in


class DealRow(_View):
    deal_id: str
    base: Decimal | None  # credited: after the share
    share: Decimal | None
    slices: list[SliceRow]
    rate: Decimal | None
    amount: Decimal
    conversion: str = ""  # a converted deal's original amount, rate and date (a template, filled in wording)
    inputs: dict[str, Value] = {}  # of `conversion`

    @property
    def before_share(self) -> Decimal | None:
        """The deal's base before the credit share (credited base / share)."""
        if self.base is None or not self.share:
            return self.base
        return self.base / self.share


class LineRow(_View):
    kind: str
    label: str
    amount: Decimal
    deal_id: str | None = None
    rep_id: str | None = None
    base: Decimal | None = None
    rate: Decimal | None = None
    cause: str = ""
    link: tuple[str, str, str] | None = None  # (period, component label, deal id) reversed
    reverses_run: int | None = None  # the run an adjustment line corrects (`links` "run N")
    inputs: dict[str, Value] = {}  # of the label and cause, templates as the engine wrote them


class Section(_View):
    """One component of pay: its lines, and the details that explain them."""

    id: str
    kind: str
    label: str
    why: str
    amount: Decimal
    lines: list[LineRow]
    deals: list[DealRow] = []
    scorecard: ScorecardView | None = None
    tiers: list[TierRow] = []  # a tiered commission's schedule, as the plan states it
    rerate: Rerate | None = None  # a retroactive tier reached this period
    engine: bool = False  # a section the engine adds (clawbacks, a negative balance): its label is ours


class StatementView(_View):
    rep: Rep
    period: str
    period_start: date
    period_end: date
    plan_id: str
    plan_version: int
    plan_name: str
    plan_hash: str
    currency: str
    run: RunInfo
    total: Decimal
    sections: list[Section]
    draw_in: Decimal | None
    draw_out: Decimal | None
    trace: list[TraceRow]
    issues: list[Issue]
    # The negative balance owed (negative totals carried forward), in and out of the period;
    # None both when the rep owes none either side.
    negative_in: Decimal | None = None
    negative_out: Decimal | None = None
    adjustment: Adjustment | None = None  # an adjustment run's paid before / due now / difference
    # The plan's own texts in other languages (`Plan.translations`): language → {text → text}.
    texts: dict[str, dict[str, str]] = {}

    @property
    def kpis(self) -> list[KpiRow]:
        return [k for s in self.sections if s.scorecard for k in s.scorecard.kpis]


def build(plan: Plan, rep: Rep, result: RepResult, run: RunInfo, state_in: CarriedState,
          plan_hash: str) -> StatementView:
    """The view of one statement (pure: same arguments, same view)."""
    period = parse_period(result.period)
    has_draw = any(isinstance(c, Draw) for c in plan.components)
    owed = state_in.negative_balance or result.state.negative_balance
    return StatementView(
        rep=rep, period=result.period, period_start=period.start, period_end=period.end,
        plan_id=plan.id, plan_version=plan.version, plan_name=plan.name, plan_hash=plan_hash,
        currency=result.currency, run=run, total=result.total,
        sections=[_section(plan, result, c.id, c.kind, c.label, c.amount) for c in result.components],
        draw_in=state_in.draw_balance if has_draw else None,
        draw_out=result.state.draw_balance if has_draw else None,
        trace=trace_rows(result.trace, kinds={c.id: c.kind for c in result.components}),
        issues=list(result.issues), texts=plan.translations,
        negative_in=state_in.negative_balance if owed else None,
        negative_out=result.state.negative_balance if owed else None,
    )


def from_calculation(calc: Calculation) -> StatementView:
    view = build(calc.plan, calc.inputs.rep, calc.result, calc.run, calc.state_in, calc.plan_hash)
    return view if calc.adjustment is None else msgspec.structs.replace(view, adjustment=calc.adjustment)


def _section(plan: Plan, result: RepResult, cid: str, kind: str, label: str, amount: Decimal) -> Section:
    comp = next((c for c in plan.components if c.id == cid), None)
    own = [ln for ln in result.lines if ln.component == cid]
    labels = {c.id: c.label or c.id for c in plan.components}
    is_deal = [ln.kind == "commission" and ln.deal_id is not None for ln in own]
    tiers = tier_rows(comp) if isinstance(comp, Commission) else []
    node = next((n for n in result.trace.children if n.key == cid), None)
    base = node.find(f"{cid}.base") if node else None
    return Section(
        id=cid, kind=kind, label=label or (comp.label if comp else "") or cid,
        why=getattr(comp, "why", ""), amount=amount,
        lines=[_line(ln, labels) for ln, deal in zip(own, is_deal) if not deal],
        deals=[_deal(ln, tiers) for ln, deal in zip(own, is_deal) if deal],
        scorecard=_scorecard(comp, node) if isinstance(comp, Scorecard) and node else None,
        tiers=tiers if len(tiers) > 1 else [],
        rerate=rerate(comp, _decimal(base.value) if base else None) if isinstance(comp, Commission) else None,
        engine=comp is None,
    )


def _decimal(value: object) -> Decimal | None:
    found = number(value)
    return found if isinstance(found, Decimal) else None


def _line(ln: Line, labels: dict[str, str]) -> LineRow:
    run = _RUN.fullmatch(ln.links or "")
    return LineRow(kind=ln.kind, label=ln.label, amount=ln.amount, deal_id=ln.deal_id, rep_id=ln.rep_id,
                   base=ln.base, rate=ln.rate, cause=ln.cause, link=None if run else _link(ln.links, labels),
                   reverses_run=int(run[1]) if run else None, inputs=ln.inputs)


_RUN = re.compile(r"run (\d+)")  # an adjustment line's link (`payplan.runs.adjustments`)


def _link(links: str | None, labels: dict[str, str]) -> tuple[str, str, str] | None:
    """"2026-02/margin_commission/D9001" → ("2026-02", "Margin commission", "D9001")."""
    if not links:
        return None
    parts = links.split("/")
    if len(parts) != 3:
        return ("", links, "")
    period, cid, deal = parts
    return (period, labels.get(cid, cid), deal)


def _deal(ln: Line, tiers: list[TierRow]) -> DealRow:
    def band(i: int) -> TierRow | None:
        return tiers[i] if 0 <= i < len(tiers) else None

    return DealRow(deal_id=ln.deal_id or "", base=ln.base, share=ln.share, rate=ln.rate, amount=ln.amount,
                   conversion=ln.cause, inputs=ln.inputs,
                   slices=[SliceRow(index=s.tier, tier=b.label if (b := band(s.tier)) else "", amount=s.amount,
                                    rate=s.rate, mode=s.mode, band=b) for s in ln.slices])


def _scorecard(comp: Scorecard, node: Node) -> ScorecardView:
    def value(key: str) -> Decimal | str | None:
        found = node.find(key)
        return number(found.value) if found else None

    rows = [_kpi(kpi, node.find(f"kpi.{kpi.id}")) for kpi in comp.kpis]
    gates = [GateRow(label=n.label, applied=n.value == "applied", condition=n.formula, why=n.source, inputs=n.inputs)
             for n in node.children if n.key.startswith(f"{comp.id}.gate.")]
    gates += [GateRow(label=n.label, applied=True, condition=n.formula, inputs=n.inputs)
              for n in node.children if n.key == f"{comp.id}.multiplier" and n.value != "none"]
    return ScorecardView(kpis=rows, score=value(f"{comp.id}.score"),
                         payout_ratio=value(f"{comp.id}.payout_ratio"),
                         target_incentive=value(f"{comp.id}.target_incentive"),
                         # a window scorecard has no gates: its bonus is the window's due so far
                         bonus_before_gates=value(f"{comp.id}.payout") if comp.measure == "period"
                         else value(f"{comp.id}.due"), gates=gates)


def _kpi(kpi, node: Node | None) -> KpiRow:
    def value(name: str, old_key: str | None = None) -> Decimal | str | None:
        return kpi_figure(node, kpi.id, name, old_key)

    bounds = node.find(f"kpi.{kpi.id}.bounds") if node else None
    attainment, points = value("attainment"), value("points")
    unit = lookup(kpi.metric).unit if lookup(kpi.metric) else "score"
    return KpiRow(id=kpi.id, label=kpi.label or kpi.id, metric=kpi.metric, unit=unit, weight=kpi.weight,
                  target=value("target"), actual=value("actual", "value"), why=kpi.why,
                  note=bounds.formula if bounds else "", note_inputs=bounds.inputs if bounds else {},
                  attainment=attainment if isinstance(attainment, Decimal) else ZERO,
                  points=points if isinstance(points, Decimal) else ZERO)


def kpi_figure(node: Node | None, kpi_id: str, name: str, old_key: str | None = None) -> Decimal | str | None:
    """One figure of a KPI's trace node: its input `name`, or the child `kpi.<id>.<name>`
    (the trace's older shape, one child node per step)."""
    if node is None:
        return None
    if name in node.inputs:
        found = node.inputs[name]
        return None if found is None else number(found)
    child = node.find(f"kpi.{kpi_id}.{old_key or name}")
    return number(child.value) if child is not None and child.value not in (None, "") else None
