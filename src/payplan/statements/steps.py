"""The trace ("How this was calculated") as statement rows: steps, their values and units.

Which values are money (printed with the currency's places), which are ratios (printed
as percentages) and which are plain numbers is told by the trace node's key and the
kind of the component it belongs to. Must not format: `render.py` prints the rows.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import msgspec

from payplan.core.trace import Node, Value

MAX_EVIDENCE = 12  # fact ids listed per trace node before "+N more"

# The last part of a node key whose value is money, or a ratio (`kpi.<id>` nodes are points, a ratio).
MONEY = frozenset({"target_incentive", "payout", "base", "quota", "balance_in", "balance_out", "earned",
                   "draw", "team_base", "cap", "floor", "total", "statement_cap"})
RATIO = frozenset({"score", "payout_ratio", "attainment", "raw", "bounds", "rate", "team_attainment",
                   "proration", "points"})
MONEY_DEALS = frozenset({"commission"})
MONEY_COMPONENTS = frozenset({"clawback"})  # every step under these is an amount (a deal's clawback)  # `<id>.deals` is the deal lines' sum here, elsewhere a count


class TraceRow(msgspec.Struct, frozen=True, kw_only=True):
    depth: int
    key: str
    label: str  # the engine's label, a template over `inputs` (`payplan.core.trace.fill`)
    value: Decimal | str
    sentence: str  # the node's formula, a template over `inputs`
    source: str
    inputs: dict[str, Value] = {}
    details: list[TraceRow] = []  # deeper steps, printed compactly under this one
    unit: str = ""  # "money" (printed with the currency's places), "ratio" (a percentage) or ""


def value_unit(key: str, kinds: dict[str, str]) -> str:
    """"money", "ratio" or "" for the value of trace node `key` (`kinds`: component id → kind)."""
    parts = key.split(".")
    if key in kinds or parts[-1] in MONEY or kinds.get(parts[0]) in MONEY_COMPONENTS:
        return "money"
    if parts[0] == "kpi" and len(parts) == 2 or parts[-1] in RATIO:
        return "ratio"
    if parts[-1] == "deals" and kinds.get(parts[0]) in MONEY_DEALS:
        return "money"
    return ""


def trace_rows(root: Node, open_depth: int = 2, kinds: dict[str, str] | None = None) -> list[TraceRow]:
    """The trace below the root in reading order: nodes down to `open_depth` as rows,
    each carrying its deeper steps as `details`; evidence lists shortened. `kinds`:
    component id → kind, to tell which values are money."""
    rows, kinds = [], kinds or {}
    for depth, node in root.walk():
        if 0 < depth <= open_depth:
            details = [_trace_row(d + depth + 1, n, kinds) for child in node.children if depth == open_depth
                       for d, n in child.walk()]
            rows.append(_trace_row(depth, node, kinds, details))
    return rows


def _trace_row(depth: int, node: Node, kinds: dict[str, str], details: list[TraceRow] | None = None) -> TraceRow:
    source = _short(", ".join(node.evidence)) if node.evidence else _short(node.source)
    return TraceRow(depth=depth, key=node.key, label=node.label, value=number(node.value),
                    sentence=node.formula, source=source, details=details or [], inputs=node.inputs,
                    unit=value_unit(node.key, kinds))


def _short(source: str) -> str:
    parts = source.split(", ")
    if len(parts) <= MAX_EVIDENCE:
        return source
    return ", ".join(parts[:MAX_EVIDENCE]) + f" … (+{len(parts) - MAX_EVIDENCE})"


def number(value: object) -> Decimal | str:
    """A trace value as a Decimal when it is one, else the text ("passed", "")."""
    if isinstance(value, Decimal):
        return value
    if value is None:
        return ""
    text = str(value)
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        return text
    return parsed if parsed.is_finite() else text
