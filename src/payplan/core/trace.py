"""The explanation tree: how every number of a result was reached.

Each node has a stable key (`kpi.demos.attainment`), a label a rep can read,
the formula in words/symbols, its inputs with their sources and its value.
Statements, the API breakdown and simulations all render this one tree.
Must not format for a medium (no HTML, no terminal colours).
"""

from __future__ import annotations

import string
from functools import lru_cache
from collections.abc import Mapping
from decimal import Decimal

import msgspec

from payplan.core.money import fmt, pct


Value = Decimal | int | str | None

def N_(message: str) -> str:
    """Marks an engine text (a label, a formula template, a cause) for `pybabel extract`:
    the English template is the message id its translation is found by."""
    return message


PERCENT_PLACES = {"pct": 1, "pct2": 2}  # `fill` specs of a ratio printed as a percentage
CENT = Decimal("0.01")
TEXT_SPECS = frozenset({"date", "word", "interval", "text"})  # `fill` specs of a text value
WORD_SPECS = TEXT_SPECS | {"money", "pct", "pct2", "pts"}  # specs a text value ignores


class Node(msgspec.Struct, omit_defaults=True, gc=False):
    """One step of a calculation.

    `value` is the number reached (a Decimal; JSON prints it as a decimal string)
    or a word ("applied"). `formula` is a template over `inputs`
    ("{actual} / {target}", format specs allowed: "{attainment:.1%}", see `fill`),
    filled in only when a person reads it (`sentence`), so evaluation never formats
    numbers. The template is also the message id a translation is found by, so the
    same words read in any language. `label` may name inputs too ("Deal {deal}",
    `heading`). `evidence` lists the fact ids behind a metric value.
    """

    key: str
    label: str
    value: Value = None
    formula: str = ""
    inputs: dict[str, Value] = {}
    source: str = ""
    evidence: tuple[str, ...] = ()
    children: list[Node] = []

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child

    def find(self, key: str) -> Node | None:
        """Depth-first search by key; `parent.input` finds a named input of a node
        (`kpi.demos.attainment` is the `attainment` input of node `kpi.demos`)."""
        if self.key == key:
            return self
        for child in self.children:
            if (found := child.find(key)) is not None:
                return found
        head, _, name = key.rpartition(".")
        if head == self.key and name in self.inputs:
            return Node(key, name, value=self.inputs[name])
        return None

    def walk(self, depth: int = 0):
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def sentence(node: Node) -> str:
    """The node's formula with its named inputs filled in ("{actual} / {target}" → "5 / 8")."""
    return fill(node.formula, node.inputs)


def heading(node: Node) -> str:
    """The node's label with its named inputs filled in ("Deal {deal}" → "Deal D-7")."""
    return fill(node.label, node.inputs)


def fill(template: str, inputs: Mapping[str, Value]) -> str:
    """`template` with its `{name}` fields filled in from `inputs`, in English.

    A field's spec says what the value is, so a translation can print it in its
    language: `money` (an amount, cents kept), `pct`/`pct2` (a ratio as a percentage
    with one/two places), `pts` (up to two places), `date` (an ISO date), `word` (a
    word of ours, translated where read), `interval` (a band "[1, 1.2)", its numbers
    written in the reader's way), `text` (a value exactly as a plan file writes it, in
    every language: "0.90", "2026-03-31"), none (a plain number or a name). A value
    that is a sentence of its own (`{"template": ..., "inputs": ...}`, `issues.sentence`)
    is filled first. A template that does not fit its inputs prints as written.
    """
    if not inputs or "{" not in template or not plain_fields(template):
        return template
    try:
        return template.format_map({k: _Shown(v) for k, v in inputs.items()})
    except (KeyError, ValueError, IndexError, TypeError):
        return template


_FIELDS = string.Formatter()  # parses a template as str.format does: "{{" is a brace, not a field


@lru_cache(maxsize=4096)
def plain_fields(template: str) -> bool:
    """Every field of `template` is a plain name (`{cap}`, `{cap:money}`, `{x:{unit}}`), never an
    attribute or an item (`{value.__init__}`, `{x[0]}`): a plan's own text (a label, a
    translation) is a template too, and must not reach past the values it is given."""
    try:
        for _, field, spec, conversion in _FIELDS.parse(template):
            if field is None:
                continue
            if conversion or not field.isidentifier() or (spec and "{" in spec and not plain_fields(spec)):
                return False
    except ValueError:  # not a template at all: printed as written
        return False
    return True


def shown(value: Value) -> str:
    """A value as a person reads it: plain decimals, at most six places, no exponent."""
    return format(_Shown(value), "")


class _Shown:
    """Formats a Decimal plainly by default, or with an explicit spec ("{x:.1%}")."""

    __slots__ = ("value",)

    def __init__(self, value: Value) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        value = self.value
        if spec == "text" or isinstance(value, Mapping):
            return _text(value)
        if isinstance(value, str) and spec and spec not in TEXT_SPECS:
            value = _decimal(value)  # a stored document keeps decimals as JSON strings
        if not isinstance(value, Decimal):
            return "" if value is None else format(str(value), "" if spec in WORD_SPECS else spec)
        if spec == "pts":  # points: a ratio as a percentage, up to two places: 0.1313 → "13.13%"
            text = format((value * 100).quantize(Decimal("0.01")), "f")
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
        if spec in PERCENT_PLACES:
            return pct(value, PERCENT_PLACES[spec])
        if spec == "money":  # cents kept: 1428.8 → "1428.80" (a statement writes its currency's places)
            return fmt(value if value.as_tuple().exponent <= -2 else value.quantize(CENT))
        if spec:
            return format(value, spec)
        text = format(value, "f")
        if "." in text:
            head, _, tail = text.partition(".")
            tail = tail[:6]
            stripped = tail.rstrip("0")
            tail = stripped if len(stripped) >= min(len(tail), 2) else tail[:2]
            text = f"{head}.{tail}" if tail else head
        return "0" if text == "-0" else text


def _text(value: object) -> str:
    """A value as written (`str`), or a sentence of its own filled in."""
    if isinstance(value, Mapping):
        return fill(str(value.get("template", "")), value.get("inputs") or {})
    return "" if value is None else str(value)


def _decimal(text: str) -> Decimal | str:
    """A decimal written as text ("1234.50") as a Decimal; other text as it is."""
    try:
        found = Decimal(text)
    except ArithmeticError:
        return text
    return found if found.is_finite() else text
