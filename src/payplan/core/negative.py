"""Negative period totals: what the plan's `negative_total` policy makes of them.

A period's total below zero (a clawback bigger than the month's pay, a credit note) is
paid as it is (`pay`), floored at zero and forgiven (`forgive`), or floored at zero and
carried forward as a balance the rep owes (`carry`, the default). A balance owed is
recovered from the next positive totals whatever the policy of the version then in force.
`settle` is the one rule: `engine.evaluate` prints its answer as the `negative_balance`
component (applied last, after draws, on the final total) and the tally adds the same
amount to its outcome, so the two cannot disagree.

Pure (standard library and msgspec only): must not read facts, files or the clock, and
must not know how the total was made.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from payplan.core.result import Line
from payplan.core.trace import N_, Node

COMPONENT = "negative_balance"
LABEL = N_("Negative balance")
ZERO = Decimal(0)

_LABELS = {"carry": N_("Negative total carried forward"), "forgive": N_("Negative total forgiven"),
           "balance_recovery": N_("Recovery of the carried negative balance")}
_CAUSES = {"carry": N_("the period's total {total:money} is below zero: {amount:money} is carried forward as a "
                       "balance owed ({balance:money} in all), to be recovered from later pay"),
           "forgive": N_("the period's total {total:money} is below zero: it is floored at zero and forgiven"),
           "balance_recovery": N_("the period's total {total:money} repays the negative balance {balance_in:money} "
                                  "carried from earlier periods; {balance:money} still owed")}
_POLICIES = {"carry": N_("negative_total = carry: a negative total pays 0 and is carried forward, "
                         "recovered from later pay"),
             "pay": N_("negative_total = pay: a negative total is paid as it is (a deduction from pay)"),
             "forgive": N_("negative_total = forgive: a negative total pays 0 and is forgiven")}


class Settlement(NamedTuple):
    """The answer for one rep-period: the line to add (kind None: none) and the balance out."""

    kind: str | None  # "carry", "forgive", "balance_recovery", or None
    amount: Decimal  # the line's amount (0 when there is no line)
    balance: Decimal  # the negative balance carried out


def settle(policy: str, total: Decimal, balance: Decimal, money: Callable[[Decimal], Decimal]) -> Settlement:
    """What `policy` makes of a period `total` (after draws), with `balance` owed carried in;
    `money` rounds a line as the plan does."""
    if total < 0:
        if policy == "carry":
            owed = money(-total)
            return Settlement("carry", owed, balance + owed)
        if policy == "forgive":
            return Settlement("forgive", money(-total), balance)
        return Settlement(None, ZERO, balance)
    if total > 0 and balance > 0:
        recovery = min(money(balance), total)
        rest = balance - recovery
        # A remainder the plan's currency cannot hold (owed under other rounding) is settled.
        rest = rest if rest > 0 and money(rest) else ZERO
        if recovery > 0:
            return Settlement("balance_recovery", -recovery, rest)
        return Settlement(None, ZERO, rest)
    return Settlement(None, ZERO, balance)


def line(done: Settlement, total: Decimal, balance_in: Decimal) -> Line:
    """The printed line of a settlement that has one, saying why it exists."""
    kind = done.kind or "carry"
    inputs = {"total": total, "amount": done.amount, "balance": done.balance, "balance_in": balance_in}
    return Line(COMPONENT, done.kind or "", _LABELS[kind], done.amount, cause=_CAUSES[kind], inputs=inputs)


def trace(policy: str, total: Decimal, balance_in: Decimal, balance_out: Decimal) -> Node:
    """The trace node: the balance carried in, the total it applies to, the balance out."""
    node = Node(COMPONENT, LABEL, formula=_POLICIES[policy])
    node.add(Node(f"{COMPONENT}.balance_in", N_("Negative balance owed, carried in"), value=balance_in))
    node.add(Node(f"{COMPONENT}.total", N_("Total this period before it"), value=total))
    node.add(Node(f"{COMPONENT}.balance_out", N_("Negative balance owed, carried out"), value=balance_out))
    return node
