"""The explanation tree: how every number of a result was reached.

Each node has a stable key (`kpi.demos.attainment`), a label a rep can read,
the formula in words/symbols, its inputs with their sources and its value.
Statements, the API breakdown and simulations all render this one tree.
Must not format for a medium (no HTML, no terminal colours).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec


Value = Decimal | int | str | None


class Node(msgspec.Struct, omit_defaults=True, gc=False):
    """One step of a calculation.

    `value` is the number reached (a Decimal; JSON prints it as a decimal string)
    or a word ("applied"). `formula` is a template over `inputs`
    ("{actual} / {target}", format specs allowed: "{attainment:.1%}"), filled in
    only when a person reads it (`sentence`), so evaluation never formats numbers.
    `evidence` lists the fact ids behind a metric value.
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
    if not node.inputs or "{" not in node.formula:
        return node.formula
    try:
        return node.formula.format_map({k: _Shown(v) for k, v in node.inputs.items()})
    except (KeyError, ValueError, IndexError, TypeError):
        return node.formula


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
        if not isinstance(value, Decimal):
            return "" if value is None else format(str(value), spec)
        if spec == "pts":  # points: a ratio as a percentage, up to two places: 0.1313 → "13.13%"
            text = format((value * 100).quantize(Decimal("0.01")), "f")
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
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
