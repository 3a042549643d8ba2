"""The "Why this changed" list of a correction statement, worded and formatted in one language.

Turns an adjustment's `Why` (`payplan.runs.why`: the input changes counted by
`payplan.core.changes`, the fact files imported since the run that paid before) into
short sentences with the statement's formatter: amounts as `f.amount`, dates as
`f.date`, metric values in their unit, words from the gettext catalogs. When no change
can be named it says why the reason is not known, so the list is never empty. Must not
compute, read or decide anything: it words what `Why` holds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.changes import Change
from payplan.core.metrics import lookup
from payplan.facts.importers import EARLIEST, OPEN_END
from payplan.i18n import N_
from payplan.runs.why import FactFile
from payplan.statements.calculation import Adjustment
from payplan.statements.i18n import Formatter


# The sentences whose words depend on the change's subject, field or status, marked for `pybabel extract`.
_CHANGED = {"target": N_("Target %(target)s: %(before)s → %(now)s"),
            "rep": N_("Employee record, %(field)s: %(before)s → %(now)s"),
            "draw": N_("Draw balance owed, carried in: %(before)s → %(now)s"),
            "paid_deal": N_("Commission paid earlier on deal %(deal)s: %(before)s → %(now)s")}
_ADDED_REMOVED = {("team", "added"): N_("Team member %(rep)s added"),
                  ("team", "removed"): N_("Team member %(rep)s no longer in the team"),
                  ("clawed_back", "added"): N_("Deal %(deal)s already clawed back"),
                  ("clawed_back", "removed"): N_("Deal %(deal)s no longer clawed back"),
                  ("deal", "added"): N_("Deal %(deal)s added: %(status)s on %(day)s, amount %(amount)s"),
                  ("deal", "removed"): N_("Deal %(deal)s no longer counts: it was %(status)s on %(day)s, "
                                          "amount %(amount)s")}
_UNKNOWN = {"no_inputs": N_("run #%(n)s was stored before runs kept their facts"),
            "not_in_run": N_("run #%(n)s did not include this employee"),
            "not_scored": N_("this correction has no facts for this employee"),
            "same_inputs": N_("the facts are the same as those of run #%(n)s"),
            "not_kept": N_("this statement was printed before the reasons were kept")}
FIELDS = {"status": N_("status"), "amount": N_("amount"), "cost": N_("cost"), "share": N_("share"),
          "closed_at": N_("closed on"), "created_at": N_("created on"), "cancelled_at": N_("cancelled on"),
          "product": N_("product"), "currency": N_("currency"), "name": N_("name"), "email": N_("email"),
          "role": N_("role"), "team": N_("team"), "manager_id": N_("manager"), "hired_on": N_("hired on"),
          "terminated_on": N_("left on"), "salary": N_("salary")}
STATUSES = {"won": N_("won"), "cancelled": N_("cancelled"), "lost": N_("lost"), "open": N_("open")}


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
    why, _ = adjustment.why, fmt.gettext
    if why is None:
        return Reasons("", [], "", [], _("The reason is not known: %(why)s.", why=_(_UNKNOWN["not_kept"])))
    n = why.compared_with
    changes = [text for c in why.changes if (text := sentence(c, why.changes, fmt, names or {}))]
    unknown = "" if changes else _("The reason is not known: %(why)s.",
                                   why=_(_UNKNOWN[why.unknown or "same_inputs"], n=n))
    files = [file_sentence(f, fmt) for f in why.files]
    return Reasons(_("Compared with the facts of run #%(n)s:", n=n) if changes else "", changes,
                   _("Fact files imported since run #%(n)s was calculated:", n=n) if files else "", files, unknown)


def sentence(c: Change, changes: tuple[Change, ...], fmt: Formatter, names: dict[str, str] | None = None) -> str:
    """One change as a sentence ("" for a count said by its metric's value already)."""
    _ = fmt.gettext
    before, now = value(c, c.before, fmt), value(c, c.now, fmt)
    if c.subject in ("deal", "team_deal"):
        return _deal(c, before, now, fmt)
    if c.subject == "metric":
        if c.field == "count" and _told_by_value(c, changes):
            return ""
        metric = (names or {}).get(c.key, c.key)
        if c.field == "count":
            return _("Metric %(metric)s: facts counted %(before)s → %(now)s", metric=metric, before=before, now=now)
        return _("Metric %(metric)s: %(before)s → %(now)s", metric=metric, before=before, now=now)
    if c.subject in ("team", "clawed_back"):  # a member or a deal id added or removed
        text = _ADDED_REMOVED.get((c.subject, c.what))
        return _(text, rep=c.key, deal=c.key) if text else ""
    if c.subject not in _CHANGED:
        return ""
    return _(_CHANGED[c.subject], target=c.key, deal=c.key, field=word(FIELDS, c.field, fmt), before=before, now=now)


def _deal(c: Change, before: str, now: str, fmt: Formatter) -> str:
    _ = fmt.gettext
    deal = f"{c.key} ({c.member})" if c.member else c.key
    if c.what != "changed":
        return _(_ADDED_REMOVED["deal", c.what], deal=deal, status=word(STATUSES, c.status, fmt),
                 day=fmt.date(c.day), amount=fmt.amount(c.amount))
    text = _("Deal %(deal)s: %(field)s %(before)s → %(now)s", deal=deal, field=word(FIELDS, c.field, fmt),
             before=before, now=now)
    if c.day is None:
        return text
    when = _("%(status)s on %(day)s", status=word(STATUSES, c.now, fmt), day=fmt.date(c.day))
    return f"{text} ({when})"


def value(c: Change, text: str, fmt: Formatter) -> str:
    """`before` or `now` of a change as printed: in its kind, a metric in its unit, "—" for none."""
    if text == "":
        return "—"
    if c.subject == "metric" and c.field == "value":
        found = lookup(_metric_name(c.key))
        return fmt.measure(Decimal(text), found.unit if found else "score")
    if c.kind == "amount":
        return fmt.amount(Decimal(text))
    if c.kind in ("number", "count"):
        return fmt.number(Decimal(text), 4 if c.kind == "number" else 0)
    if c.kind == "date":
        return fmt.date(date.fromisoformat(text))
    return word(STATUSES, text, fmt) if c.field == "status" else text


def word(words: dict[str, str], name: str, fmt: Formatter) -> str:
    """A field name or deal status in words ("closed_at": "closed on", "won": "виграна"); else as it is."""
    return fmt.gettext(words[name]) if name in words else name


def file_sentence(f: FactFile, fmt: Formatter) -> str:
    """One imported file, with the days it can pay on: open-ended for rows in effect until
    replaced (parameters, rates) and for reps without an end of employment (`facts.importers`)."""
    said = {"source": f.source, "who": f.imported_by, "when": fmt.date(f.imported_at.date()),
            "first": fmt.date(f.first_day), "last": fmt.date(f.last_day)}
    if f.last_day >= OPEN_END:
        if f.first_day <= EARLIEST:
            return fmt.gettext("%(source)s imported by %(who)s on %(when)s (every day)", **said)
        return fmt.gettext("%(source)s imported by %(who)s on %(when)s (days from %(first)s on)", **said)
    if f.first_day <= EARLIEST:
        return fmt.gettext("%(source)s imported by %(who)s on %(when)s (days until %(last)s)", **said)
    return fmt.gettext("%(source)s imported by %(who)s on %(when)s (days %(first)s – %(last)s)", **said)


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
