"""Why a plan file's data is not a `Plan`, in plan terms: unknown keys, and msgspec's errors explained.

`unknown_keys(data)` lists every key the schema does not have (depth first);
`unknown_key(data, path)` says one, with the key it most likely meant or the keys
allowed there; `explain(message, path, data)` turns msgspec's validation message
into a code, the offending key's path and a sentence. Sentences are
`payplan.core.issues.sentence`s (a message id and its values), said in the reader's
language where read. `payplan.plans.files` places them on lines. Must not read files.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from msgspec import inspect as mi

from payplan.core.issues import sentence
from payplan.core.plan import Plan
from payplan.i18n import N_
from payplan.plans.toml_lines import Path

_PLAN_TYPE = mi.type_info(Plan)


def unknown_keys(data: Any) -> list[Path]:
    """Every key of the plan's data that the schema does not have, depth first."""
    return _unknown_keys(data, _PLAN_TYPE, ())


def unknown_key(data: Any, path: Path) -> dict[str, Any]:
    """An unknown key at `path` in words: the key it most likely meant, else those allowed there."""
    known = _known_keys(_type_at(data, path[:-1]))
    close = difflib.get_close_matches(str(path[-1]), known, n=1)
    template = N_("unknown key '{key}'; did you mean '{close}'?") if close else \
        N_("unknown key '{key}'; expected one of: {known}")
    if path == ("translations",):
        template = N_("unknown key '{key}'; give a text per language where it is used: "
                      "label = {{ en = \"...\", uk = \"...\" }}")
    return sentence(template, key=path[-1], close=close[0] if close else "", known=", ".join(known))


def explain(message: str, path: Path, data: Any) -> tuple[str, Path, dict[str, Any]]:
    """msgspec's message in plan terms: (code, path of the offending key, the message as an `issues.sentence`)."""
    missing = re.match(r"Object missing required field `(.+)`", message)
    if missing:
        return "missing-key", path + (missing.group(1),), sentence(N_("missing required key '{key}'"),
                                                                   key=missing.group(1))
    expected = re.match(r"Expected `(.+)`, got `(.+)`", message)
    if expected:
        return "wrong-type", path, sentence(N_("expected {expected}, got {got}"), expected=expected.group(1),
                                            got=expected.group(2))
    if path and path[-1] == "kind" and message.startswith("Invalid value"):
        kinds = ", ".join(t.tag for t in _PLAN_TYPE.fields[_field_index("components")].type.item_type.types)
        return "unknown-kind", path, sentence(N_("unknown component kind {kind}; expected one of: {kinds}"),
                                              kind=message[14:], kinds=kinds)
    value = _value_at(data, path)
    choices = _type_at(data, path)
    if isinstance(choices, mi.LiteralType):
        allowed = ", ".join(str(v) for v in choices.values)
        return "invalid-value", path, sentence(N_("{value} is not allowed; expected one of: {allowed}"),
                                               value=repr(value), allowed=allowed)
    if message == "Invalid decimal string":
        return "wrong-type", path, sentence(N_("expected a decimal number, got {value}"), value=repr(value))
    return "invalid-value", path, sentence(message[0].lower() + message[1:])  # msgspec's own words


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        data = _child(data, part)
    return data


def _field_index(name: str) -> int:
    return [f.encode_name for f in _PLAN_TYPE.fields].index(name)


def _pick(t: mi.Type, value: Any) -> mi.Type:
    """The branch of a union `value` takes: by tag for components, else the non-None type."""
    if not isinstance(t, mi.UnionType):
        return t
    options = [o for o in t.types if not isinstance(o, mi.NoneType)]
    if isinstance(value, dict):
        for option in options:
            if isinstance(option, mi.StructType) and option.tag == value.get(option.tag_field or ""):
                return option
    return options[0] if len(options) == 1 else t


def _type_at(data: Any, path: Path) -> mi.Type:
    t, value = _PLAN_TYPE, data
    for part in path:
        t = _pick(t, value)
        if isinstance(t, mi.StructType) and isinstance(part, str):
            field = next((f for f in t.fields if f.encode_name == part), None)
            t = field.type if field else mi.AnyType()
        elif isinstance(t, mi.ListType):
            t = t.item_type
        elif isinstance(t, mi.TupleType) and isinstance(part, int) and part < len(t.item_types):
            t = t.item_types[part]
        else:
            return mi.AnyType()
        value = _child(value, part)
    return _pick(t, value)


def _child(value: Any, part: str | int) -> Any:
    try:
        return value[part]
    except (KeyError, IndexError, TypeError):
        return None


def _known_keys(t: mi.Type) -> list[str]:
    if not isinstance(t, mi.StructType):
        return []
    tag = [t.tag_field] if t.tag_field else []
    return tag + [f.encode_name for f in t.fields]


def _unknown_keys(value: Any, t: mi.Type, path: Path) -> list[Path]:
    """Every key in `value` that the schema type `t` does not have, depth first."""
    t = _pick(t, value)
    found: list[Path] = []
    if isinstance(t, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f.type for f in t.fields}
        for key, child in value.items():
            if key in fields:
                found += _unknown_keys(child, fields[key], path + (key,))
            elif key != t.tag_field:
                found.append(path + (key,))
    elif isinstance(t, mi.ListType) and isinstance(value, list):
        for index, child in enumerate(value):
            found += _unknown_keys(child, t.item_type, path + (index,))
    return found
