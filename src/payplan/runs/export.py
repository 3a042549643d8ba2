"""Payroll export of an approved or paid run: what payroll loads, and the accrual journal.

Three shapes, each read from what the run stored (never re-evaluated):
- `payroll`: one row per rep — id, name, payroll id (from reps.csv), period, currency, the
  total and one column per component of the plan;
- `lines`: one row per line of each rep's pay (the long form);
- `journal`: accrual entries per component, debit the expense account and credit the
  accrued-liability account the plan names (`[accounting]`), with the capitalised part of
  commissions (ASC 340-40) debited to the contract-cost asset and its first month's
  amortisation expensed. Every entry balances.

Amounts are plain decimals with the currency's places; CSV text cells that a spreadsheet
would read as a formula are made inert with a leading apostrophe. Must not change anything,
and must not decide who may export (the callers do).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import msgspec
from babel.numbers import get_currency_precision
from sqlalchemy import Connection, select

from payplan.core.periods import parse_period
from payplan.core.plan import Accounting, Commission, Plan
from payplan.core.trace import fill
from payplan.errors import Conflict
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.runs.rows import RunRow
from payplan.store.schema import reps
from payplan.store.service_schema import FINAL_STATES, run_results

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DOCUMENT = msgspec.json.Decoder()


class Entry(msgspec.Struct, frozen=True):
    """One journal line: a debit or a credit (the other is zero) to an account."""

    account: str
    debit: Decimal
    credit: Decimal
    memo: str


class Payroll(msgspec.Struct, frozen=True):
    """A run's payroll export: the rows, the component columns, the lines, the journal."""

    run: dict
    currency: str
    components: list[str]
    reps: list[dict]
    lines: list[dict]
    total: Decimal
    journal: list[Entry] = []
    journal_date: str = ""


def payroll(conn: Connection, run: RunRow) -> Payroll:
    """The export of `run`; Conflict unless it is approved or paid."""
    if run.state not in FINAL_STATES:
        raise Conflict(N_("run %(run)s is %(state)s: only an approved or paid run can be exported for payroll"),
                       run=run.id, state=run.state, words=("state",))
    plan = plan_store.load(conn, plan_store.get_plan_by_id(conn, run.plan_version_id))
    places = Decimal(1).scaleb(-get_currency_precision(plan.currency))
    query = (select(run_results.c.rep_id, reps.c.name, reps.c.payroll_id, run_results.c.total, run_results.c.result)
             .join(reps, reps.c.id == run_results.c.rep_id).where(run_results.c.run_id == run.id)
             .order_by(run_results.c.rep_id))
    rows, lines, columns = [], [], [c.id for c in plan.components]
    first_month = Decimal(0)  # the amortisation schedules' first months, over every rep
    for rep_id, name, payroll_id, total, document in conn.execute(query):
        doc = _DOCUMENT.decode(document)
        if doc.get("amortization"):
            first_month += Decimal(doc["amortization"]["schedule"][0])
        amounts = {c["id"]: Decimal(c["amount"]) for c in doc.get("components", ())}
        columns += [cid for cid in amounts if cid not in columns]  # clawback, statement cap, negative balance
        head = {"rep_id": rep_id, "name": name, "payroll_id": payroll_id or "", "period": run.period,
                "currency": plan.currency}
        rows.append({**head, "total": total.quantize(places), "components": amounts})
        lines += [{**head, "component": ln.get("component", ""), "kind": ln.get("kind", ""),
                   "label": fill(ln.get("label", ""), ln.get("inputs") or {}), "deal_id": ln.get("deal_id", ""),
                   "amount": Decimal(ln["amount"]).quantize(places)} for ln in doc.get("lines", ())]
    for row in rows:
        row["components"] = {cid: row["components"].get(cid, Decimal(0)).quantize(places) for cid in columns}
    info = {"id": run.id, "kind": run.kind, "plan": run.plan_ref, "period": run.period, "state": run.state,
            "outputs_hash": run.outputs_hash}
    sums = {cid: sum((r["components"][cid] for r in rows), Decimal(0)) for cid in columns}
    entries = journal(plan, sums, first_month.quantize(places), run)
    return Payroll(info, plan.currency, columns, rows, lines, sum((r["total"] for r in rows), Decimal(0)),
                   entries, parse_period(run.period).end.isoformat())


def journal(plan: Plan, sums: dict[str, Decimal], first_month: Decimal, run: RunRow) -> list[Entry]:
    """Accrual entries: per component, debit its expense (or, capitalised, the contract-cost
    asset) and credit accrued commissions; then the first month of amortisation. A negative
    amount (a clawback) posts the other way round."""
    books = plan.accounting or Accounting()
    capitalise = books.amortize_months is not None
    commissions = {c.id for c in plan.components if isinstance(c, Commission)}
    entries: list[Entry] = []
    for cid, amount in sums.items():
        if amount == 0:
            continue
        debit = books.asset_account if capitalise and cid in commissions else books.expense_account
        entries += _pair(debit, books.liability_account, amount, f"run {run.id} {run.period}: {cid}")
    if capitalise and first_month:
        entries += _pair(books.amortization_account, books.asset_account, first_month,
                         f"run {run.id} {run.period}: first month of {books.amortize_months} amortised")
    return entries


def _pair(debit: str, credit: str, amount: Decimal, memo: str) -> list[Entry]:
    zero = amount - amount  # keeps the currency's places
    if amount < 0:
        debit, credit, amount = credit, debit, -amount
    return [Entry(debit, amount, zero, memo), Entry(credit, zero, amount, memo)]


def journal_csv(export: Payroll) -> str:
    """The journal: date, reference, account, debit, credit, currency, memo (debits = credits)."""
    reference = f"payplan-run-{export.run['id']}"
    header = ["date", "reference", "account", "debit", "credit", "currency", "memo"]
    return _csv([header, *([export.journal_date, reference, e.account, e.debit, e.credit, export.currency, e.memo]
                           for e in export.journal)])


def payroll_csv(export: Payroll) -> str:
    """One row per rep: id, name, payroll id, period, currency, total, one column per component."""
    header = ["rep_id", "name", "payroll_id", "period", "currency", "total", *export.components]
    body = [[r["rep_id"], r["name"], r["payroll_id"], r["period"], r["currency"], r["total"],
             *(r["components"][c] for c in export.components)] for r in export.reps]
    return _csv([header, *body])


def lines_csv(export: Payroll) -> str:
    """The long form: one row per line of each rep's pay."""
    header = ["rep_id", "name", "payroll_id", "period", "currency", "component", "kind", "label", "deal_id", "amount"]
    return _csv([header, *([line[h] for h in header] for line in export.lines)])


def payroll_json(export: Payroll) -> bytes:
    """The run, the component ids, one object per rep and the lines; amounts as decimal strings."""
    return msgspec.json.encode(export)


def cell(value: object) -> str:
    """A CSV cell: decimals as plain text, text that a spreadsheet would run made inert."""
    if isinstance(value, Decimal):
        return format(value, "f")
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
