"""The simulation report's words and figures in one language: value words, notices, `Figures`.

Shared by the CSV, JSON and HTML encodings (`payplan.simulation.report`). Numbers are
written by `payplan.i18n.Words` (Decimal, rounded half-up), so printed lines add up to
printed totals. Must not compute anything the simulation did not, nor know a format.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.issues import Issue
from payplan.core.money import minor_units
from payplan.i18n import N_, Numbers, Words, gettext
from payplan.plans.change_words import Phrase, change_line
from payplan.plans.files import Change

CROSS_NOTICE = N_("Cross-population comparison: the plans cover different reps, so the totals compare "
                  "different people, not the same people under two plans.")

# Words of the simulation's own values, as the report shows them.
ORIGINS = {"file": N_("file"), "draft": N_("draft"), "published": N_("published"), "edited": N_("edited")}
CHANGES = {"gain": N_("gains"), "loss": N_("loses"), "same": N_("about the same")}
SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "accepted": N_("accepted")}
# The engine's own lines of a rep's pay (`payplan.core.plan.RESERVED_IDS`).
LINES = {"proration": N_("proration"), "clawback": N_("clawbacks"), "statement_cap": N_("statement cap"),
         "negative_balance": N_("negative balance")}
REASONS = {"unreachable-high": N_("the budget is above what the parameter can reach"),
           "unreachable-low": N_("the budget is below what the parameter can reach"),
           "resolution": N_("the parameter cannot be set finer, so the cost cannot come closer"),
           "steps": N_("the search ran out of steps before meeting the budget")}
GROUP_KINDS = {"team": N_("Team"), "role": N_("Role"), "period": N_("Period")}


class Figures:
    """The report's numbers and value words in one language and currency."""

    def __init__(self, lang: str, currency: str, texts: dict[str, str] | None = None) -> None:
        self.lang = lang
        self.numbers = Words(lang, minor_units(currency), texts)
        self.ratios = Numbers(lang, 2)

    def issue(self, issue: Issue) -> str:
        """An issue found while scoring, its sentence in the report's language."""
        severity = gettext(self.lang, SEVERITIES.get(issue.severity, issue.severity))
        said = self.numbers.fill(issue.template or issue.message, issue.inputs)
        return f"{issue.where}: {severity}: {said}" if issue.where else f"{severity}: {said}"

    def money(self, value: Decimal | None) -> str:
        """1234.5 → "1,234.50" / "1 234,50"; negative with a minus sign; blank for None."""
        return self.numbers.amount(value)

    def pct(self, value: Decimal | float | None, places: int = 1) -> str:
        """A share as a percentage, rounded half-up in Decimal (a correlation may be a float)."""
        return self.numbers.pct(value, places)

    def points(self, value: Decimal) -> str:
        """Weighted KPI points (0.05 = 5 points) as a percentage with up to two places."""
        return self.numbers.points(value)

    def corr(self, value: Decimal | None) -> str:
        return "—" if value is None else self.ratios.amount(value)

    def word(self, table: dict[str, str], value: str) -> str:
        return gettext(self.lang, table[value]) if value in table else value

    def text(self, message: str) -> str:
        """A catalog word or a plan's text (a label) in the report's language."""
        return self.numbers.text(message)

    def phrase(self, said: Phrase) -> str:
        """A sentence of `payplan.plans.change_words` in the report's language."""
        parts = {name: self.phrase(part) for name, part in said.parts.items()}
        return self.numbers.fill(said.template, {**said.inputs, **parts})

    def plan_change(self, change: Change) -> str:
        """A difference between the plans as the plan files name it, its subject's words translated."""
        return change_line(change, self.numbers)
