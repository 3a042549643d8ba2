"""The "Why this changed" list of a correction statement, worded and formatted in one language.

Turns an adjustment's `Why` (`payplan.runs.why`: the input changes counted by
`payplan.core.changes`, the fact files imported since the run that paid before) into
short sentences with the statement's formatter: amounts as `f.amount`, dates as
`f.date`, metric values in their unit, words from the message tables. When no change
can be named it says why the reason is not known, so the list is never empty. Must not
compute, read or decide anything: it words what `Why` holds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.changes import Change
from payplan.core.metrics import lookup
from payplan.runs.why import FactFile
from payplan.statements.calculation import Adjustment
from payplan.statements.i18n import Formatter


_MESSAGE = {"target": "why_target", "rep": "why_rep", "draw": "why_draw", "paid_deal": "why_paid_deal",
            "team": "why_team", "clawed_back": "why_clawed"}


class Reasons(msgspec.Struct, frozen=True):
    """The printed list: changes under their intro, files under theirs, or why nothing is known."""

    intro: str  # "Compared with the facts of run #4:" ("" without changes)
    changes: list[str]
    files_intro: str  # "Fact files imported since run #4 was calculated:" ("" without files)
    files: list[str]
    unknown: str  # "The reason is not known: …." ("" when changes name it)


def reasons(adjustment: Adjustment, fmt: Formatter, names: dict[str, str] | None = None) -> Reasons:
    """The sentences of `adjustment.why` in `fmt`'s language; `names` gives the reader's name
    of a metric key (the KPI's label) where the plan has one."""
    why, t = adjustment.why, fmt.t
    if why is None:
        return Reasons("", [], "", [], t("why_unknown", why=t("unknown_not_kept")))
    n = why.compared_with
    changes = [text for c in why.changes if (text := sentence(c, why.changes, fmt, names or {}))]
    unknown = "" if changes else t("why_unknown", why=t(f"unknown_{why.unknown or 'same_inputs'}", n=n))
    files = [file_sentence(f, fmt) for f in why.files]
    return Reasons(t("why_compared", n=n) if changes else "", changes,
                   t("why_files", n=n) if files else "", files, unknown)


def sentence(c: Change, changes: tuple[Change, ...], fmt: Formatter, names: dict[str, str] | None = None) -> str:
    """One change as a sentence ("" for a count said by its metric's value already)."""
    t = fmt.t
    before, now = value(c, c.before, fmt), value(c, c.now, fmt)
    if c.subject in ("deal", "team_deal"):
        return _deal(c, before, now, fmt)
    if c.subject == "metric":
        if c.field == "count" and _told_by_value(c, changes):
            return ""
        metric = (names or {}).get(c.key, c.key)
        return t("why_metric_count" if c.field == "count" else "why_metric", metric=metric, before=before, now=now)
    if c.subject in ("team", "clawed_back"):  # a member or a deal id added or removed
        return t(f"{_MESSAGE[c.subject]}_{c.what}", rep=c.key, deal=c.key)
    if c.subject not in _MESSAGE:
        return ""
    return t(_MESSAGE[c.subject], target=c.key, deal=c.key, field=word("f_", c.field, fmt), before=before, now=now)


def _deal(c: Change, before: str, now: str, fmt: Formatter) -> str:
    t = fmt.t
    deal = f"{c.key} ({c.member})" if c.member else c.key
    if c.what != "changed":
        return t(f"why_deal_{c.what}", deal=deal, status=word("s_", c.status, fmt), day=fmt.date(c.day),
                 amount=fmt.amount(c.amount))
    text = t("why_deal_changed", deal=deal, field=word("f_", c.field, fmt), before=before, now=now)
    if c.day is None:
        return text
    return f"{text} ({t('why_on', status=word('s_', c.now, fmt), day=fmt.date(c.day))})"


def value(c: Change, text: str, fmt: Formatter) -> str:
    """`before` or `now` of a change as printed: in its kind, a metric in its unit, "—" for none."""
    if text == "":
        return fmt.t("none")
    if c.subject == "metric" and c.field == "value":
        found = lookup(_metric_name(c.key))
        return fmt.measure(Decimal(text), found.unit if found else "score")
    if c.kind == "amount":
        return fmt.amount(Decimal(text))
    if c.kind in ("number", "count"):
        return fmt.number(Decimal(text), 4 if c.kind == "number" else 0)
    if c.kind == "date":
        return fmt.date(date.fromisoformat(text))
    return word("s_", text, fmt) if c.field == "status" else text


def word(prefix: str, name: str, fmt: Formatter) -> str:
    """A field name or deal status in words ("f_closed_at": "closed on", "s_won": "виграна"); else as it is."""
    text = fmt.t(prefix + name)
    return name if text == prefix + name else text


def file_sentence(f: FactFile, fmt: Formatter) -> str:
    return fmt.t("why_file", source=f.source, who=f.imported_by, when=fmt.date(f.imported_at.date()),
                 first=fmt.date(f.first_day), last=fmt.date(f.last_day))


def _told_by_value(count: Change, changes: tuple[Change, ...]) -> bool:
    """Whether the metric's value changed by the same numbers (a count metric says it once)."""
    return any(c.subject == "metric" and c.key == count.key and c.field == "value" and c.before and c.now
               and Decimal(c.before) == Decimal(count.before) and Decimal(c.now) == Decimal(count.now)
               for c in changes)


def _metric_name(key: str) -> str:
    """The catalog name in a metric key: "team:revenue[product=Core]" → "revenue"."""
    for scope in ("team:", "subtree:"):
        key = key.removeprefix(scope)
    return key.split("[", 1)[0]
