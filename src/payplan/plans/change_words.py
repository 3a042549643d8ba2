"""The differences between two plans as sentences HR can read ("Product demos weight 15% → 10%").

`describe(changes, old, new)` turns the raw diff of `payplan.plans.diff` into `Phrase`s:
a gettext message id with `{name}` fields (`payplan.i18n.Words.fill` writes them in a
language), the fields that are phrases themselves (a subject, a value with its unit), and
the English text for a JSON reader. Both plans are read to name what changed by its label,
print shares as percentages and money in the plan's currency, and say what a new gate does.
Version, effective dates and text changes are left out: they do not change what is paid.
Must not decide whether a change is allowed, nor format for a medium.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import msgspec

from payplan.core.levers import LeverError, find
from payplan.core.metrics import lookup
from payplan.core.plan import Commission, Gate, Kpi, Multiplier, Plan, Scorecard, Tier
from payplan.core.trace import fill
from payplan.i18n import N_, Words
from payplan.plans.diff import Change

SKIPPED = frozenset({"version", "effective_from", "effective_to", "label", "why", "name", "description"})
SHARES = frozenset({"weight", "rate", "factor", "share", "salary_share", "payout_cap", "min_attainment", "kpi_min",
                    "multiplier"})
MONEY = frozenset({"target_incentive", "amount", "cap", "per_deal", "per_unit", "quota", "team_quota", "floor",
                   "threshold"})
KPI_SHARES = frozenset({"weight", "threshold", "floor", "cap"})  # of attainment, not money
FIELDS = {"weight": N_("weight"), "rate": N_("rate"), "factor": N_("factor"), "share": N_("share"),
          "target": N_("target"), "target_incentive": N_("target incentive"), "amount": N_("amount"),
          "cap": N_("cap"), "floor": N_("floor"), "threshold": N_("threshold"), "quota": N_("quota"),
          "per_deal": N_("amount per deal"), "per_unit": N_("amount per unit"), "from": N_("from"), "to": N_("to"),
          "min": N_("minimum"), "payout_cap": N_("payout cap"), "salary_share": N_("share of salary"),
          "multiplier": N_("multiplier of all variable pay")}
SUBJECTS = {"plan": N_("plan"), "eligibility": N_("eligibility"), "rounding": N_("rounding"),
            "proration": N_("proration"), "clawback": N_("clawback")}
GATE_EFFECT = {Decimal(0): N_("new gate: {metric} below {min} cancels the {component}"),
               Decimal("0.5"): N_("new gate: {metric} below {min} halves the {component}")}
GATE_MULTIPLIES = N_("new gate: {metric} below {min} multiplies the {component} by {factor}")
_SEGMENT = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


class Phrase(msgspec.Struct, frozen=True):
    """A sentence: `template` (a message id) filled with `inputs` and with `parts` (phrases) written first."""

    template: str
    inputs: dict[str, str] = {}
    parts: dict[str, Phrase] = {}
    text: str = ""  # in English


def phrase(template: str, inputs: dict[str, object] | None = None, parts: dict[str, Phrase] | None = None) -> Phrase:
    values = {k: _plain(v) for k, v in (inputs or {}).items()}
    english = fill(template, {**values, **{k: p.text for k, p in (parts or {}).items()}})
    return Phrase(template, values, parts or {}, english)


def value_phrase(value: Decimal | str | None, unit: str, currency: str) -> Phrase:
    """A value in its unit: a share as a percentage, money with the currency, else as written."""
    number = _decimal(value)
    if number is None:
        return phrase("{value}", {"value": "—" if value in (None, "(none)") else value})
    if unit == "share":
        return phrase("{value:pts}", {"value": number})
    if unit == "money":
        return phrase("{value:money} {currency}", {"value": number, "currency": currency})
    return phrase("{value}", {"value": number})


def describe(changes: list[Change], old: Plan, new: Plan) -> list[Phrase]:
    """Each change that alters pay, in words (skipped: version, dates, texts)."""
    out = []
    for change in changes:
        words = _words(change, old, new)
        if words is not None:
            out.append(words)
    return out


def change_line(change: Change, words: Words) -> str:
    """A raw difference as the plan files name it, in the language of `words`: its subject's words
    translated ("комісія new-biz, рівень 2: rate 0.05 → 0.06"), fields and values as written."""
    subject = words.fill(change.words["template"], change.words["inputs"]) if change.words else change.subject
    if not change.field:
        return words.text(N_("%(subject)s added") if change.old is None else N_("%(subject)s removed")) \
            % {"subject": subject}
    return f"{subject}: {change.field} {_written(change.old, words)} → {_written(change.new, words)}"


def _written(value: str | None, words: Words) -> str:
    return words.text(NONE) if value == NONE else str(value)


NONE = N_("(none)")  # `diff.render` of an absent value


def lever_words(plan: Plan, path: str) -> Phrase:
    """The parameter a budget fit moves, in words ("Product demos weight"); the path itself if unknown."""
    try:
        lever = find(plan, path)
    except LeverError:
        return phrase("{value}", {"value": path})
    comp = next((c for c in plan.components if c.id == lever.component), None)
    subject = _label(comp) if comp is not None else phrase("{name:word}", {"name": N_("plan")})
    if lever.kpi:
        kpi = next(k for k in comp.kpis if k.id == lever.kpi)
        subject = _label(kpi)
    elif lever.tier:
        subject = phrase(N_("{component} tier {n}"), {"n": lever.tier}, {"component": _label(comp)})
    return _field_of(subject, lever.field)


def _words(change: Change, old: Plan, new: Plan) -> Phrase | None:
    field = change.field.split(" (")[0]
    if field in SKIPPED or change.path in SKIPPED:
        return None
    chain = _chain(old if change.new is None else new, change.path if not change.field else
                   change.path.rpartition(".")[0])
    if not change.field:
        return _added_or_removed(change, chain, change.new is not None, new.currency)
    unit = _unit(chain, field)
    subject = _subject(chain, change.subject)
    return phrase(N_("{subject} {field} {old} → {new}"), {},
                  {"subject": subject, "field": _field_word(field), "old": value_phrase(change.old, unit, new.currency),
                   "new": value_phrase(change.new, unit, new.currency)})


def _added_or_removed(change: Change, chain: list, added: bool, currency: str) -> Phrase:
    item = chain[-1] if chain else None
    if isinstance(item, Gate) and added:
        return _gate(item, _component(chain), currency)
    if isinstance(item, Kpi):
        template = N_("new KPI {subject}, weight {weight}") if added else N_("KPI {subject} removed")
        return phrase(template, {}, {"subject": _label(item), "weight": value_phrase(item.weight, "share", currency)})
    if item is not None and _component(chain) is item:
        template = N_("new component {subject}") if added else N_("component {subject} removed")
        return phrase(template, {}, {"subject": _label(item)})
    template = N_("{subject} added") if added else N_("{subject} removed")
    return phrase(template, {}, {"subject": _subject(chain, change.subject)})


def _gate(gate: Gate, comp, currency: str) -> Phrase:
    """ "new gate: CRM hygiene below 80% halves the KPI bonus"."""
    if gate.metric:
        kpi = next((k for k in getattr(comp, "kpis", ()) if k.metric == gate.metric), None)
        metric = _label(kpi) if kpi is not None else phrase("{name}", {"name": gate.metric})
        known = lookup(gate.metric)
        unit = {"ratio": "share", "money": "money"}.get(known.unit if known else "", "number")
        least = gate.min
    else:
        metric, unit, least = phrase("{name:word}", {"name": N_("any KPI")}), "share", gate.kpi_min
    template = GATE_EFFECT.get(gate.factor, GATE_MULTIPLIES)
    return phrase(template, {}, {"metric": metric, "min": value_phrase(least, unit, currency),
                                 "component": _label(comp), "factor": phrase("{value}", {"value": gate.factor})})


def _unit(chain: list, field: str) -> str:
    """share / money / number: how the field's values read."""
    item, comp = (chain[-1] if chain else None), _component(chain)
    if isinstance(item, Kpi):
        return "share" if field in KPI_SHARES else _metric_unit(item.metric) if field == "target" else "number"
    if isinstance(item, Gate) and field == "min":
        return _metric_unit(item.metric or "")
    if isinstance(item, (Tier, Multiplier)) and field in ("from", "to"):
        on = comp.tiers_on if isinstance(item, Tier) else comp.multipliers_on
        return "money" if on == "amount" else "share"
    if isinstance(item, Scorecard) and field == "cap":
        return "share"
    return "share" if field in SHARES else "money" if field in MONEY else "number"


def _metric_unit(metric: str) -> str:
    known = lookup(metric)
    return {"ratio": "share", "money": "money"}.get(known.unit if known else "", "number")


def _subject(chain: list, fallback: str) -> Phrase:
    """What a change is about: a KPI or component by its label, a tier / multiplier / gate of a component."""
    item, comp = (chain[-1] if chain else None), _component(chain)
    if isinstance(item, Kpi) or (item is not None and item is comp):
        return _label(item)
    for kind, template in ((Tier, N_("{component} tier {n}")), (Multiplier, N_("{component} multiplier {n}")),
                           (Gate, N_("{component} gate {n}"))):
        if isinstance(item, kind) and comp is not None:
            n = _position(comp, item)
            return phrase(template, {"n": n}, {"component": _label(comp)})
    return phrase("{name:word}", {"name": SUBJECTS.get(fallback, fallback)})


def _position(comp, item) -> int:
    for field in ("tiers", "multipliers", "gates"):
        for i, other in enumerate(getattr(comp, field, ())):
            if other is item:
                return i + 1
    return 0


def _field_of(subject: Phrase, field: str) -> Phrase:
    return phrase(N_("{subject} {field}"), {}, {"subject": subject, "field": _field_word(field)})


def _field_word(field: str) -> Phrase:
    return phrase("{name:word}", {"name": FIELDS.get(field, field)})


def _label(item) -> Phrase:
    return phrase("{name:word}", {"name": getattr(item, "label", "") or getattr(item, "id", "")})


def _component(chain: list):
    return next((x for x in chain if isinstance(x, (Scorecard, Commission)) or hasattr(x, "__struct_config__")
                 and getattr(x.__struct_config__, "tag", None)), None)


def _chain(plan: Plan, path: str) -> list:
    """The values along `path` ("components[0].kpis[2]") in `plan`; shorter where it does not lead."""
    out: list = []
    here: object = plan
    for name, index in _SEGMENT.findall(path):
        here = _get(here, name)
        if index and isinstance(here, list) and int(index) < len(here):
            here = here[int(index)]
        if here is None:
            break
        out.append(here)
    return out


def _get(value: object, encoded: str):
    if not isinstance(value, msgspec.Struct):
        return None
    for f in msgspec.structs.fields(value):
        if f.encode_name == encoded:
            return getattr(value, f.name)
    return None


def _decimal(value: Decimal | str | None) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        return None


def _plain(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)
