"""Command-line encodings of an evaluation: the JSON contract, a table, an explanation.

The table is for a person, in their language: reps by name with the id, the plan's
component labels, amounts with thousands separators and the currency's places, a totals
row. The JSON shape is a contract other tools read (DESIGN §11): amounts are plain decimal
strings (`payplan.core.plain`) and output is byte-identical for identical inputs. Must not compute pay.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from payplan.core.money import minor_units
from payplan.core.plain import encode_plain
from payplan.core.result import RepResult
from payplan.core.trace import Node
from payplan.i18n import N_, Numbers, Words, translations
from payplan.plans import issue_words

_encoder = msgspec.json.Encoder(decimal_format="string")

# The components the engine adds to a plan's own (their ids are reserved), as the table heads them.
ENGINE_COMPONENTS = {"clawback": N_("Clawback"), "negative_balance": N_("Negative balance"),
                     "statement_cap": N_("Statement cap"), "proration": N_("Proration")}


def to_json(evaluation) -> bytes:
    """The `payplan evaluate --format json` document."""
    plan = evaluation.plan
    doc = {
        "plan": {"id": plan.id, "version": plan.version, "hash": evaluation.hash},
        "period": evaluation.period,
        "results": [result_dict(r) for r in evaluation.results],
        "issues": evaluation.issues,
    }
    return encode_plain(doc, _encoder.encode)


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


def table_rows(evaluation, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per rep and period, one column per component, then a totals
    row (the sums of the amounts as printed) when there is more than one row."""
    _ = translations(lang).gettext
    numbers = Numbers(lang, minor_units(evaluation.plan.currency))
    components = _components(evaluation, lang)
    header = [_("Rep"), _("Period"), *components.values(), _("Total")]
    rows, sums = [], [Decimal(0)] * (len(components) + 1)
    for r in evaluation.results:
        amounts = {c.id: c.amount for c in r.components}
        values = [*(amounts.get(i) for i in components), r.total]
        rows.append([_rep_name(evaluation, r.rep_id), r.period, *(numbers.amount(v) for v in values)])
        sums = [s + numbers.rounded(v) if v is not None else s for s, v in zip(sums, values)]
    if len(rows) > 1:
        rows.append([_("Total"), "", *(numbers.amount(s) for s in sums)])
    return header, rows


def _components(evaluation, lang: str) -> dict[str, str]:
    """Component id → its label in the plan (or its id; the engine's own in `lang`), in first-seen order."""
    labels = {key: translations(lang).gettext(message) for key, message in ENGINE_COMPONENTS.items()}
    texts = evaluation.plan.translations.get(lang, {})  # the plan's own labels in `lang`
    labels.update((c.id, texts.get(c.label, c.label) if c.label else c.id) for c in evaluation.plan.components)
    ids: dict[str, str] = {}
    for r in evaluation.results:
        ids.update((c.id, labels.get(c.id, c.id)) for c in r.components if c.id not in ids)
    return ids


def _rep_name(evaluation, rep_id: str) -> str:
    """"Iryna Bondarenko (AE01)"; the id alone when the facts give no name."""
    name = evaluation.names.get(rep_id)
    return f"{name} ({rep_id})" if name else rep_id


def explain_lines(result: RepResult, currency: str, lang: str = "en", plan_texts: dict[str, str] | None = None) -> list[str]:
    """The trace as indented lines a rep can follow, then the pay lines, in `lang`
    (the engine's words from the catalog, the plan's from its own translations)."""
    words = Words(lang, minor_units(currency), plan_texts)
    _ = words.catalog.gettext
    total = f"{words.amount(result.total)} {currency}"
    out = [_("%(rep)s, %(period)s: total %(total)s") % {"rep": result.rep_id, "period": result.period, "total": total}, ""]
    for depth, node in result.trace.walk():
        if depth == 0:
            continue
        out.append("  " * (depth - 1) + _node_text(node, words))
    out += ["", _("Lines:")]
    for ln in result.lines:
        extra = ""
        if ln.deal_id and ln.base is not None:
            extra = " " + _("(deal %(deal)s, base %(base)s, rate %(rate)s)") % {
                "deal": ln.deal_id, "base": words.amount(ln.base), "rate": "" if ln.rate is None else words.pct(ln.rate, 2)}
        cause = words.fill(ln.cause, ln.inputs)
        out.append(f"  {words.fill(ln.label, ln.inputs)}{extra}: {words.amount(ln.amount)}" + (f" — {cause}" if cause else ""))
    out.append("  " + _("Total: %(total)s") % {"total": total})
    return out


def _node_text(node: Node, words: Words) -> str:
    _ = words.catalog.gettext
    text = words.fill(node.label, node.inputs)
    # A KPI's sentence already ends with its points; its raw ratio value would only confuse.
    if node.value is not None and node.value != "" and "points" not in node.inputs:
        text += f": {words.value(node.value, 'word')}"
    said = words.fill(node.formula, node.inputs)
    if said:
        text += f"  [{said}]"
    if node.source and len(node.source) < 200:
        text += "  " + _("(source: %(source)s)") % {"source": words.fill(node.source, node.inputs)}
    if node.evidence:
        shown_ids = ", ".join(node.evidence[:8])
        if len(node.evidence) > 8:
            text += "  " + _("(facts: %(ids)s … %(n)s in all)") % {"ids": shown_ids, "n": len(node.evidence)}
        else:
            text += "  " + _("(facts: %(ids)s)") % {"ids": shown_ids}
    return text


def table_text(evaluation, lang: str = "en") -> str:
    """A plain aligned table for the terminal in `lang`, a rule above the totals, then any issues."""
    header, rows = table_rows(evaluation, lang)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    numeric = [i >= 2 for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).rjust(w) if num else str(c).ljust(w) for c, w, num in zip(cells, widths, numeric))
    rule = line(["-" * w for w in widths])
    _ = translations(lang).gettext
    plan = evaluation.plan
    title = _("plan %(plan)s (%(hash)s), %(period)s, %(currency)s") % {
        "plan": plan.ref, "hash": evaluation.hash[:12], "period": evaluation.period, "currency": plan.currency}
    out = [title, line(header), rule]
    body = [line(r) for r in rows]
    out += body[:-1] + [rule, body[-1]] if len(rows) > 1 else body
    out += [issue_words.line(i, lang) for i in evaluation.issues]
    return "\n".join(out)
