"""Command-line encodings of an evaluation: the JSON contract, a table, an explanation.

The JSON shape is a contract other tools read (DESIGN §11): amounts are decimal
strings and output is byte-identical for identical inputs. Must not compute pay.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.money import fmt
from payplan.core.result import RepResult
from payplan.core.trace import Node, sentence, shown

_encoder = msgspec.json.Encoder(decimal_format="string")


def to_json(evaluation) -> bytes:
    """The `payplan evaluate --format json` document."""
    plan = evaluation.plan
    doc = {
        "plan": {"id": plan.id, "version": plan.version, "hash": evaluation.hash},
        "period": evaluation.period,
        "results": [result_dict(r) for r in evaluation.results],
        "issues": evaluation.issues,
    }
    return _encoder.encode(doc)


def result_dict(r: RepResult) -> dict:
    doc = {
        "rep_id": r.rep_id,
        "period": r.period,
        "currency": r.currency,
        "total": r.total,
        "components": [{"id": c.id, "kind": c.kind, "amount": c.amount} for c in r.components],
        "lines": r.lines,
        "trace": r.trace,
        "state": r.state,
    }
    if r.amortization is not None:
        doc["amortization"] = r.amortization
    if r.issues:
        doc["issues"] = r.issues
    return doc


def table_rows(evaluation) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per rep and period, one column per component."""
    ids: list[str] = []
    for r in evaluation.results:
        ids.extend(c.id for c in r.components if c.id not in ids)
    header = ["rep", "period", *ids, "total", evaluation.plan.currency]
    rows = []
    for r in evaluation.results:
        amounts = {c.id: c.amount for c in r.components}
        rows.append([r.rep_id, r.period, *(fmt(amounts.get(i)) for i in ids), fmt(r.total), ""])
    return header[:-1], [row[:-1] for row in rows]


def explain_lines(result: RepResult, currency: str) -> list[str]:
    """The trace as indented lines a rep can follow, then the pay lines."""
    out = [f"{result.rep_id}, {result.period}: total {fmt(result.total)} {currency}", ""]
    for depth, node in result.trace.walk():
        if depth == 0:
            continue
        out.append("  " * (depth - 1) + _node_text(node))
    out += ["", "Lines:"]
    for ln in result.lines:
        extra = f" (deal {ln.deal_id}, base {fmt(ln.base)}, rate {_rate(ln.rate)})" if ln.deal_id and ln.base is not None else ""
        out.append(f"  {ln.label}{extra}: {fmt(ln.amount)}" + (f" — {ln.cause}" if ln.cause else ""))
    out.append(f"  Total: {fmt(result.total)} {currency}")
    return out


def _node_text(node: Node) -> str:
    text = node.label
    # A KPI's sentence already ends with its points; its raw ratio value would only confuse.
    if node.value is not None and node.value != "" and "points" not in node.inputs:
        text += f": {shown(node.value)}"
    words = sentence(node)
    if words:
        text += f"  [{words}]"
    if node.source and len(node.source) < 200:
        text += f"  (source: {node.source})"
    if node.evidence:
        more = f" … {len(node.evidence)} in all" if len(node.evidence) > 8 else ""
        text += f"  (facts: {', '.join(node.evidence[:8])}{more})"
    return text


def _rate(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{fmt((rate * 100).quantize(Decimal('0.01')))}%"


def table_text(evaluation) -> str:
    """A plain aligned table for the terminal, then any issues."""
    header, rows = table_rows(evaluation)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    numeric = [i >= 2 for i in range(len(header))]
    def line(cells):
        return "  ".join(str(c).rjust(w) if num else str(c).ljust(w) for c, w, num in zip(cells, widths, numeric))
    out = [f"plan {evaluation.plan.ref} ({evaluation.hash[:12]}), {evaluation.period}, {evaluation.plan.currency}",
           line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out += [str(i) for i in evaluation.issues]
    return "\n".join(out)
