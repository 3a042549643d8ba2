"""The calculation behind one statement: what was evaluated, and what it gave.

A `Calculation` is everything `payplan verify` needs to re-compute a statement
without the database: the plan (as JSON, plus its TOML text when known), its
hash, the rep's inputs (metric values, deals, targets), the state carried in,
the result as printed, and the run it belongs to; for an adjustment run, also
each component's amount paid before, due now and the difference, and why pay changed
(`payplan.runs.why`: the inputs that changed, the fact files imported). It is embedded in every PDF
as the JSON attachment `payplan-calculation.json`. Building one from fact
files takes the same path as `payplan evaluate`. Must not render anything.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, RepInputs
from payplan.core.plan import Plan
from payplan.core.result import ComponentResult, Line, RepResult
from payplan.i18n import N_
from payplan.plans.files import plan_hash, read_plan_file
from payplan.runs.why import Why

# /2: the engine's texts (trace labels and formulas, line labels and causes, issues) are templates
# with named values (`payplan.core.trace.fill`); a /1 document's finished English reads as before.
FORMAT = "payplan-calculation/2"
# Bump when the statement layout changes, so batches re-render old files.
RENDER_VERSION = "4"

_encoder = msgspec.json.Encoder(decimal_format="string", order="sorted")


class RunInfo(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """The run a statement belongs to; `number` None means a preview from files."""

    number: int | None = None
    state: str = "preview"  # preview / draft / submitted / approved / paid / rejected
    approved_by: str | None = None
    approved_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def approved(self) -> bool:
        return self.state in ("approved", "paid")


class AdjustmentLine(msgspec.Struct, frozen=True):
    """One component on an adjustment statement: `difference` = `now` − `before` is what it pays."""

    component: str
    label: str
    before: Decimal  # paid by the adjusted run and its earlier approved adjustments
    now: Decimal  # due on the inputs this adjustment scored
    difference: Decimal


class Adjustment(msgspec.Struct, frozen=True):
    """What an adjustment run's statement adds: the run it corrects, each component's lines,
    and why the pay changed where known (None in statements printed before it was kept)."""

    adjusts_run: int
    lines: tuple[AdjustmentLine, ...]
    why: Why | None = None


class Calculation(msgspec.Struct, frozen=True, kw_only=True):
    """One rep's evaluation with all its inputs: the statement's embedded attachment."""

    format: str = FORMAT
    plan_hash: str
    plan: Plan
    plan_toml: str = ""
    period: str
    inputs: RepInputs
    state_in: CarriedState
    result: RepResult
    run: RunInfo = RunInfo()
    adjustment: Adjustment | None = None  # an adjustment run's statement: result holds the differences


def encode(calc: Calculation) -> bytes:
    """The attachment bytes: canonical JSON (sorted keys, decimals as strings)."""
    return _encoder.encode(calc)


class PrintedResult(msgspec.Struct, frozen=True):
    """The result as an attachment holds it: figures typed, the trace kept as plain JSON."""

    rep_id: str
    period: str
    currency: str
    total: Decimal
    components: tuple[ComponentResult, ...]
    lines: tuple[Line, ...]
    state: CarriedState = CarriedState()
    trace: Any = None


class Embedded(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded attachment: everything needed to re-compute, and what was printed."""

    format: str
    plan_hash: str
    plan: Plan
    plan_toml: str = ""
    period: str
    inputs: RepInputs
    state_in: CarriedState
    result: PrintedResult
    run: RunInfo = RunInfo()
    adjustment: Adjustment | None = None


def decode(data: bytes) -> Embedded:
    """Parse an attachment; msgspec.DecodeError / ValidationError when it is not one."""
    return msgspec.json.decode(data, type=Embedded)


def result_hash(calc: Calculation, lang: str) -> str:
    """Identity of a rendered statement: same hash, same PDF content (skip re-rendering)."""
    return attachment_hash(encode(calc), lang)


def attachment_hash(data: bytes, lang: str) -> str:
    """`result_hash` of the calculation whose attachment bytes are `data` (as a PDF embeds them)."""
    digest = hashlib.sha256(data)
    digest.update(f"|{lang}|{RENDER_VERSION}".encode())
    return digest.hexdigest()


def calculate(plan: Plan, inputs: RepInputs, state_in: CarriedState | None = None, *,
              plan_toml: str = "", run: RunInfo | None = None) -> Calculation:
    """Evaluate one rep and keep everything needed to re-compute it."""
    state_in = state_in or CarriedState()
    result = evaluate(plan, inputs, state_in)
    return Calculation(plan_hash=plan_hash(plan), plan=plan, plan_toml=plan_toml,
                       period=result.period, inputs=inputs, state_in=state_in,
                       result=result, run=run or RunInfo())


def from_files(plan_path: str | Path, data_dir: str | Path, period_text: str,
               rep_ids: list[str] | None = None) -> list[Calculation]:
    """Calculations for one period from a plan file and fact files (as `payplan evaluate`).

    Earlier periods are replayed first when the plan carries state (draws,
    clawbacks), so the state carried in is the one `payplan evaluate` uses.
    """
    from payplan.evaluation.pipeline import UsageError, load_checked_plan, periods_for
    from payplan.facts.imports import import_facts
    from payplan.facts.read import read_facts
    from payplan.store.db import create_schema, make_engine

    plan = load_checked_plan(plan_path)
    periods = periods_for(plan, period_text)
    if len(periods) != 1:
        raise UsageError(N_("a statement covers one period, not %(period)s"), period=period_text)
    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:
        import_facts(conn, read_facts(data_dir))
        found = _replay(plan, conn, periods[0], rep_ids)
    toml = read_plan_file(plan_path)
    return [calculate(plan, inputs, state, plan_toml=toml) for inputs, state in found]


def _replay(plan: Plan, conn, period, rep_ids: list[str] | None) -> list[tuple[RepInputs, CarriedState]]:
    """(inputs, state carried in) per eligible rep for `period`, history replayed."""
    from payplan.core.eligibility import in_force, is_eligible
    from payplan.evaluation.pipeline import UsageError, plan_inputs, with_history
    from payplan.store.metrics import load_reps

    reps = [r for r in load_reps(conn) if is_eligible(plan, r) and (rep_ids is None or r.id in rep_ids)]
    if rep_ids and not reps:
        raise UsageError(N_("rep %(rep)s is not in the facts or not eligible for plan %(plan)s"),
                         rep=", ".join(rep_ids), plan=plan.ref)
    states: dict[str, CarriedState] = {}
    found: list[tuple[RepInputs, CarriedState]] = []
    for p in with_history(plan, [period]):
        if not in_force(plan, p):
            continue
        inputs = plan_inputs(plan, conn, p, [r.id for r in reps])
        for rep in reps:
            if rep.id not in inputs:
                continue
            state = states.get(rep.id, CarriedState())
            if p == period:
                found.append((inputs[rep.id], state))
            else:
                states[rep.id] = evaluate(plan, inputs[rep.id], state, p).state
    return found
