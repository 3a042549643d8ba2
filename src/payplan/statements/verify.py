"""`payplan verify statement.pdf`: check a statement's signature, re-compute it, read its pages.

Reads the `payplan-calculation.json` attachment and checks its Ed25519
signature against the installation's public key (or one given), so a statement
re-made with payplan on invented inputs fails. Then rebuilds the Plan and the
RepInputs with msgspec, checks the plan against its hash, calls
`engine.evaluate` with the carried state and compares the total, every
component and every line with the embedded result. An adjustment run's statement is
checked line by line instead: each component's "due now" is the re-computed amount,
each difference is due now − paid before, and the result pays exactly the differences
("paid before" is what earlier statements printed). Finally the pages' text must show
the embedded total, and every line amount (a correction's paid before, due now and
difference) as often as the statement re-rendered from the attachment prints it, so a
figure edited on the page fails even where the same amount is printed elsewhere. Must
not trust anything in the attachment that it can re-compute, nor a key the PDF names.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from typing import Callable
from pathlib import Path

import msgspec

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from payplan.core.engine import evaluate
from payplan.errors import Phrase
from payplan.i18n import N_
from payplan.core.periods import parse_period
from payplan.core.result import RepResult
from payplan.plans.files import load_plan_text, plan_hash
from payplan.statements.calculation import Calculation, Embedded, decode
from payplan.i18n import LANGS
from payplan.statements.i18n import Formatter
from payplan.statements import ATTACHMENT_NAME
from payplan.statements.merged import PART_NAME, PART_SIGNATURE, parts_of
from payplan.statements.pdf import pdf_text, read_attachment
from payplan.statements.render import render_html, render_merged
from payplan.statements.view import from_calculation
from payplan.statements.signing import SIGNATURE_NAME, installation_public_key, signature_problem
from payplan.statements.stored import stored_result

ZERO = Decimal(0)
NOTHING = N_("nothing")  # a component one side does not have


class Verdict(msgspec.Struct, frozen=True):
    """The outcome: `ok` when every figure matched; `problems` name those that did not, each a
    sentence to say in the reader's language (`differences`: the same in English)."""

    ok: bool
    total: Decimal | None
    problems: list[Phrase]

    @property
    def differences(self) -> list[str]:
        return [str(p) for p in self.problems]

    def text(self, name: str, translate: Callable[[str], str] = lambda message: message,
             total: str | None = None) -> str:
        """The verdict in the language `translate` writes, the total written as `total` (default: as is)."""
        if self.ok:
            return Phrase(N_("match: %(file)s: re-computed total %(total)s equals the printed total"),
                          {"file": name, "total": total or self.total}).say(translate)
        head = Phrase(N_("mismatch: %(file)s:"), {"file": name}).say(translate)
        return head + "\n" + "\n".join(f"  {p.say(translate)}" for p in self.problems)


def verify_file(path: str | Path, public_key: Ed25519PublicKey | None = None) -> Verdict:
    """Verify a statement PDF on disk."""
    data = Path(path).read_bytes()
    return verify_pdf(data, public_key)


def verify_pdf(data: bytes, public_key: Ed25519PublicKey | None = None) -> Verdict:
    """Verify a statement PDF given as bytes, against `public_key` (default: the installation's)."""
    key = public_key or installation_public_key()
    if read_attachment_safely(data, PART_NAME.format(n=1)):
        return verify_parts(data, key)
    calc, differences = read_signed(data, key)
    if calc is None:
        return Verdict(False, None, differences)
    differences += check_plan(calc) + recompute(calc)
    text = pdf_text(data)
    differences += printed_total(calc, text) + printed_lines([calc], text)
    return Verdict(not differences, calc.result.total, differences)


def verify_parts(data: bytes, key: Ed25519PublicKey) -> Verdict:
    """A merged statement (`payplan.statements.merged`): every part as a statement of its own,
    then the pages must print the parts' sum and every part's figures."""
    calcs, differences, n = [], [], 1
    while read_attachment_safely(data, PART_NAME.format(n=n)):
        calc, problems = read_signed(data, key, PART_NAME.format(n=n), PART_SIGNATURE.format(n=n))
        differences += [Phrase(N_("part %(part)s: %(problem)s"), {"part": n, "problem": p})
                        for p in problems + (check_plan(calc) + recompute(calc) if calc else [])]
        if calc is None:
            return Verdict(False, None, differences)
        calcs.append(calc)
        n += 1
    text, whole = pdf_text(data), sum((c.result.total for c in calcs), ZERO)
    if not any(_flat(Formatter(lang, calcs[0].result.currency).money(whole)) in _flat(text) for lang in LANGS):
        differences.append(Phrase(N_("printed total: the parts' sum %(total)s does not appear on the statement's "
                                     "pages"), {"total": whole}))
    differences += printed_lines(calcs, text)
    return Verdict(not differences, whole, differences)


def read_attachment_safely(data: bytes, name: str) -> bytes | None:
    try:
        return read_attachment(data, name)
    except Exception:  # noqa: BLE001 - `read_signed` reports an unreadable PDF
        return None


def read_signed(data: bytes, key: Ed25519PublicKey | None, name: str = ATTACHMENT_NAME,
                signature_name: str = SIGNATURE_NAME) -> tuple[Embedded | None, list[Phrase]]:
    """The embedded calculation (None when unreadable) and what is wrong with its signature."""
    try:
        raw, signature = read_attachment(data, name), read_attachment(data, signature_name)
    except Exception as exc:  # noqa: BLE001 - any unreadable PDF is a failed verification
        return None, [Phrase(N_("not a readable PDF (%(error)s)"), {"error": f"{type(exc).__name__}: {exc}"})]
    if raw is None:
        return None, [Phrase(N_("no %(name)s attachment in this PDF"), {"name": name})]
    problem = signature_problem(raw, signature, key)
    try:
        calc = decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return None, [*([problem] if problem else []),
                      Phrase(N_("the attachment is not a payplan calculation: %(error)s"), {"error": str(exc)})]
    return calc, [problem] if problem else []


def check_plan(calc: Embedded) -> list[Phrase]:
    """The plan's content hash, and its TOML text when embedded, must agree."""
    out = []
    actual = plan_hash(calc.plan)
    if actual != calc.plan_hash:
        out.append(Phrase(N_("plan hash: embedded %(embedded)s, plan content hashes to %(actual)s"),
                          {"embedded": calc.plan_hash, "actual": actual}))
    if calc.plan_toml:
        plan, _ = load_plan_text(calc.plan_toml, "embedded plan")
        if plan is None or plan_hash(plan) != calc.plan_hash:
            out.append(Phrase(N_("plan TOML: the embedded TOML text is not the plan that was evaluated")))
    return out


def recompute(calc: Embedded) -> list[Phrase]:
    """Evaluate again and compare total, components and lines with the printed ones."""
    try:
        result = evaluate(calc.plan, calc.inputs, calc.state_in, parse_period(calc.period))
    except Exception as exc:  # noqa: BLE001 - a calculation that cannot run does not verify
        return [Phrase(N_("re-computation failed: %(error)s"), {"error": f"{type(exc).__name__}: {exc}"})]
    if calc.adjustment is not None:
        return recompute_adjustment(calc, result)
    printed = calc.result
    out = []
    if result.total != printed.total:
        out.append(Phrase(N_("total: printed %(printed)s, re-computed %(again)s"),
                          {"printed": printed.total, "again": result.total}))
    again = {c.id: c.amount for c in result.components}
    shown = {c.id: c.amount for c in printed.components}
    for cid in dict.fromkeys([*shown, *again]):
        if again.get(cid) != shown.get(cid):
            out.append(Phrase(N_("component %(component)s: printed %(printed)s, re-computed %(again)s"),
                              {"component": cid, "printed": shown.get(cid, NOTHING), "again": again.get(cid, NOTHING)},
                              ("printed", "again")))
    for i, (a, b) in enumerate(zip(printed.lines, result.lines)):
        if (a.component, a.deal_id, a.amount) != (b.component, b.deal_id, b.amount):
            fields = {"line": i + 1, "label": a.label, "deal": a.deal_id, "printed": a.amount, "again": b.amount}
            out.append(Phrase(N_("line %(line)s %(label)s (deal %(deal)s): printed %(printed)s, re-computed %(again)s")
                              if a.deal_id else N_("line %(line)s %(label)s: printed %(printed)s, re-computed %(again)s"),
                              fields))
    if len(printed.lines) != len(result.lines):
        out.append(Phrase(N_("lines: printed %(printed)s, re-computed %(again)s"),
                          {"printed": len(printed.lines), "again": len(result.lines)}))
    return out


def recompute_adjustment(calc: Embedded, result: RepResult) -> list[Phrase]:
    """Due now = re-computed per component; difference = now − before; result = the differences."""
    again: dict[str, Decimal] = {}
    for line in result.lines:
        again[line.component] = again.get(line.component, ZERO) + line.amount
    out, listed = [], set()
    for ln in calc.adjustment.lines:
        listed.add(ln.component)
        if ln.now != again.get(ln.component, ZERO):
            out.append(Phrase(N_("component %(component)s: due now printed %(printed)s, re-computed %(again)s"),
                              {"component": ln.component, "printed": ln.now, "again": again.get(ln.component, ZERO)}))
        if ln.difference != ln.now - ln.before:
            out.append(Phrase(N_("component %(component)s: difference printed %(printed)s, due now − paid before "
                                 "is %(again)s"),
                              {"component": ln.component, "printed": ln.difference, "again": ln.now - ln.before}))
    out += [Phrase(N_("component %(component)s: re-computed %(again)s, not on the statement"),
                   {"component": c, "again": a}) for c, a in again.items() if c not in listed and a != ZERO]
    paid = {c.id: c.amount for c in calc.result.components}
    owed = {ln.component: ln.difference for ln in calc.adjustment.lines if ln.difference != ZERO}
    out += [Phrase(N_("component %(component)s: pays %(paid)s, its difference is %(owed)s"),
                   {"component": c, "paid": paid.get(c, ZERO), "owed": owed.get(c, ZERO)})
            for c in dict.fromkeys([*paid, *owed]) if paid.get(c, ZERO) != owed.get(c, ZERO)]
    if calc.result.total != sum(owed.values(), ZERO):
        out.append(Phrase(N_("total: printed %(printed)s, sum of the differences %(again)s"),
                          {"printed": calc.result.total, "again": sum(owed.values(), ZERO)}))
    return out


def printed_total(calc: Embedded, text: str) -> list[Phrase]:
    """The total printed on the pages must be the attachment's total, in some language."""
    flat = _flat(text)
    for lang in LANGS:
        if _flat(Formatter(lang, calc.result.currency).money(calc.result.total)) in flat:
            return []
    return [Phrase(N_("printed total: %(total)s %(currency)s does not appear on the statement's pages"),
                   {"total": calc.result.total, "currency": calc.result.currency})]


def printed_lines(calcs: list[Embedded], text: str) -> list[Phrase]:
    """Every amount the statement prints for its figures must be on the pages as often as the
    statement re-rendered from the calculation prints it (in one of its languages): an edited
    figure fails, and the same amount printed elsewhere (a deal's amount in a correction's
    "Why this changed" list) cannot stand in for it. Several calculations: the parts of a
    merged statement, re-rendered as its parts with their first page."""
    figures = [_printed_figures(calc) for calc in calcs]
    if any(result is None for result, _ in figures):
        return []  # `recompute` has said why
    amounts = [a for _, found in figures for a in found]
    shown = [_as_calculation(calc, result) for calc, (result, _) in zip(calcs, figures)]
    first: list[Phrase] | None = None
    for lang in LANGS:
        f = Formatter(lang, calcs[0].result.currency)
        expected = _body_text(_rendered(shown, lang))
        missing = [Phrase(N_("printed amounts: %(amount)s is printed %(expected)s times by this calculation, "
                             "%(found)s times on the pages (a printed figure was changed)"),
                          {"amount": token, "expected": _count(token, expected), "found": _count(token, text)})
                   for token in dict.fromkeys(f.amount(a) for a in amounts)
                   if _count(token, text) < _count(token, expected)]
        if not missing:
            return []
        first = first if first is not None else missing
    return first or []


def _rendered(calcs: list[Calculation], lang: str) -> str:
    """The HTML a statement of these calculations prints: one statement, or a merged one."""
    if len(calcs) == 1:
        return render_html(from_calculation(calcs[0]), lang)
    return render_merged([from_calculation(c) for c in calcs], parts_of(calcs), lang)


def _printed_figures(calc: Embedded) -> tuple[RepResult | None, list[Decimal]]:
    """The result a statement prints and the amounts to find on its pages: a regular one's lines,
    components and total as re-computed; an adjustment's paid-before, due-now and difference
    amounts (which `recompute_adjustment` checked), beside its embedded result of differences."""
    if calc.adjustment is not None:
        return (stored_result(msgspec.json.encode(calc.result)),
                [a for ln in calc.adjustment.lines for a in (ln.before, ln.now, ln.difference)])
    result = _recomputed(calc)
    if result is None:
        return None, []
    return result, [ln.amount for ln in result.lines] + [c.amount for c in result.components] + [result.total]


def _recomputed(calc: Embedded) -> RepResult | None:
    try:
        return evaluate(calc.plan, calc.inputs, calc.state_in, parse_period(calc.period))
    except Exception:  # noqa: BLE001 - reported by `recompute`
        return None


def _as_calculation(calc: Embedded, result: RepResult) -> Calculation:
    return Calculation(plan_hash=calc.plan_hash, plan=calc.plan, plan_toml=calc.plan_toml, period=calc.period,
                       inputs=calc.inputs, state_in=calc.state_in, result=result, run=calc.run,
                       adjustment=calc.adjustment)


def _body_text(html: str) -> str:
    body = re.sub(r"(?s)<head.*?</head>|<style.*?</style>|<title.*?</title>", " ", html)
    return unescape(re.sub(r"<[^>]*>", " ", body))


def _count(token: str, text: str) -> int:
    """Occurrences of an amount as a whole number (not inside a longer one), spaces ignored."""
    pattern = r"(?<![\d.,])" + r"\s*".join(map(re.escape, _flat(token))) + r"(?![\d])"
    return len(re.findall(pattern, text))


def _flat(text: str) -> str:
    """Text without any kind of space, so extraction differences do not matter."""
    return re.sub(r"[\s\u00a0\u2000-\u200b\u202f]+", "", text)
