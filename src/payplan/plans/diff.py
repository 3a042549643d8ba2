"""What changed between two plan versions, in plan terms.

`plan_diff(old, new)` walks both plans field by field, generically, so a new
schema field is diffed without code here. Components and KPIs are matched by
id (reordering is not a change); tiers, multipliers and gates by position.
Each change names its subject the way a plan reader would ("kpi demos",
"commission new-biz tier 2", "rounding"). Must not judge whether a change is
allowed: publishing rules and linting live elsewhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from payplan.core.issues import sentence
from payplan.core.plan import Kpi, Plan
from payplan.core.trace import fill
from payplan.i18n import N_

_TEXTS = frozenset({"label", "why", "name", "description"})
Translations = tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]  # old plan's, new plan's
_SINGULAR = {"tiers": "tier", "multipliers": "multiplier", "gates": "gate", "components": "component", "kpis": "kpi"}
# The words of a subject a reader of another language reads translated (`Change.words`).
WORDS = {"plan": N_("plan"), "tier": N_("tier"), "multiplier": N_("multiplier"), "gate": N_("gate"),
         "component": N_("component"), "scorecard": N_("scorecard"), "commission": N_("commission"),
         "spiff": N_("spiff"), "override": N_("override"), "draw": N_("draw"), "fixed": N_("fixed"),
         "pool": N_("pool"), "eligibility": N_("eligibility"), "rounding": N_("rounding"),
         "proration": N_("proration"), "clawback": N_("clawback")}
Subject = dict[str, Any]  # an `issues.sentence`: "{kind:word} {id}", its English text is `Change.subject`


class Change(msgspec.Struct, frozen=True):
    """One difference. `field` is empty when the whole subject was added or removed
    (then `old` or `new` is None); values are rendered as a plan file would show them."""

    path: str  # key path in the new plan (the old one for removals): components[1].tiers[1].rate
    subject: str  # "kpi demos", "commission new-biz tier 2", "plan", "eligibility"
    field: str  # "rate"; "" for an added or removed subject
    old: str | None
    new: str | None
    words: Subject = {}  # `subject` as a template, its words translated where read ("комісія new-biz, рівень 2")

    def __str__(self) -> str:
        if not self.field:
            return f"{self.subject} {'added' if self.old is None else 'removed'}"
        return f"{self.subject}: {self.field} {self.old} → {self.new}"


def plan_diff(old: Plan, new: Plan) -> list[Change]:
    """The changes from plan `old` to plan `new`: the plan's own fields first,
    then its components, each in schema order."""
    changes: list[Change] = []
    texts = (old.translations, new.translations) if old.translations != new.translations else None
    _diff_struct(old, new, "", _word("plan"), changes, texts)
    return sorted(changes, key=lambda c: c.path.startswith("components"))


def _diff_struct(old: msgspec.Struct, new: msgspec.Struct, path: str, subject: Subject, out: list[Change],
                 texts: Translations | None) -> None:
    """`texts` is given when the translations differ: then equal parts are walked too."""
    for f in msgspec.structs.fields(old):
        before, after = getattr(old, f.name), getattr(new, f.name)
        key = f"{path}.{f.encode_name}" if path else f.encode_name
        if texts and f.encode_name in _TEXTS and isinstance(before, str) and isinstance(after, str):
            _diff_translations(before, after, key, subject, f.encode_name, texts, out)
        if f.encode_name == "translations" or (before == after and not texts):  # translations: per text
            continue
        if _same_struct_type(before, after):
            _diff_struct(before, after, key, subject if path else _word(f.encode_name), out, texts)
        elif _struct_list(before) and _struct_list(after):
            _diff_items(before, after, key, subject, f.encode_name, out, texts)
        elif before != after:
            out.append(_change(key, subject, f.encode_name, render(before), render(after)))


def _diff_translations(before: str, after: str, path: str, subject: Subject, field: str, texts: Translations,
                       out: list[Change]) -> None:
    """A text whose translation changed: `kpi demos: label (uk) Демо → Проведені демо`."""
    old, new = texts
    for lang in sorted(set(old) | set(new)):
        was, now = old.get(lang, {}).get(before), new.get(lang, {}).get(after)
        if was != now:
            out.append(_change(path, subject, f"{field} ({lang})", render(was), render(now)))


def _diff_items(old: list, new: list, path: str, parent: Subject, field: str, out: list[Change],
                texts: Translations | None) -> None:
    """Lists of structs: matched by `id` when items have one, else by position."""
    if all(hasattr(item, "id") for item in old + new):
        old_pos = {item.id: i for i, item in enumerate(old)}
        new_pos = {item.id: i for i, item in enumerate(new)}
        pairs = [(old_pos.get(k), new_pos.get(k)) for k in [*old_pos, *(k for k in new_pos if k not in old_pos)]]
    else:
        pairs = [(i if i < len(old) else None, i if i < len(new) else None) for i in range(max(len(old), len(new)))]
    for i, j in pairs:
        a = old[i] if i is not None else None
        b = new[j] if j is not None else None
        key = f"{path}[{j if j is not None else i}]"
        name = _name(a if a is not None else b, parent, field, j if j is not None else i)
        if a is not None and b is not None and type(a) is type(b):
            _diff_struct(a, b, key, name, out, texts)
            continue
        if a is not None:
            out.append(_change(f"{path}[{i}]", _name(a, parent, field, i), "", render(a), None))
        if b is not None:
            out.append(_change(f"{path}[{j}]", name, "", None, render(b)))


def _change(path: str, subject: Subject, field: str, old: str | None, new: str | None) -> Change:
    return Change(path, fill(subject["template"], subject["inputs"]), field, old, new, subject)


def _word(name: str) -> Subject:
    """A subject that is one word: "plan", "eligibility" (translated), a key of ours (as written)."""
    return sentence("{name:word}", name=WORDS.get(name, name))


def _name(item: Any, parent: Subject, field: str, index: int) -> Subject:
    """How a reader calls a list item: "scorecard bonus", "kpi demos", "commission c tier 2"."""
    if isinstance(item, Kpi):
        return sentence(N_("kpi {id}"), id=item.id)
    tag = item.__struct_config__.tag
    if tag and hasattr(item, "id"):
        return sentence("{kind:word} {id}", kind=WORDS.get(tag, tag), id=item.id)
    singular = _SINGULAR.get(field, field)
    item_word = WORDS.get(singular, singular)
    if parent["inputs"].get("name") == "plan":
        return sentence("{item:word} {n}", item=item_word, n=index + 1)
    return sentence(N_("{owner} {item:word} {n}"), owner=parent, item=item_word, n=index + 1)


def _same_struct_type(a: Any, b: Any) -> bool:
    return isinstance(a, msgspec.Struct) and type(a) is type(b)


def _struct_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, msgspec.Struct) for v in value)


def render(value: Any) -> str:
    """A value as a plan file would show it: 0.20, 2026-04-01, [AE, SDR], [0→0, 1→1.5]."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "→".join(render(v) for v in value)
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, msgspec.Struct):
        return _render_struct(value)
    return str(value) if value != "" else '""'


def _render_struct(value: msgspec.Struct) -> str:
    parts = []
    for f in msgspec.structs.fields(value):
        item = getattr(value, f.name)
        default = f.default_factory() if f.default_factory is not msgspec.NODEFAULT else f.default
        if f.required or item != default:
            parts.append(f"{f.encode_name} = {render(item)}")
    return "{" + ", ".join(parts) + "}"
