"""The explanation tree: how every number of a result was reached.

Each node has a stable key (`kpi.demos.attainment`), a label a rep can read,
the formula in words/symbols, its inputs with their sources and its value.
Statements, the API breakdown and simulations all render this one tree.
Must not format for a medium (no HTML, no terminal colours).
"""

from __future__ import annotations

from decimal import Decimal

import msgspec


class Node(msgspec.Struct, omit_defaults=True):
    key: str
    label: str
    value: str = ""
    formula: str = ""
    inputs: dict[str, str] = {}
    source: str = ""
    children: list[Node] = []

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child

    def find(self, key: str) -> Node | None:
        """Depth-first search by key (tests and renderers use it)."""
        if self.key == key:
            return self
        for child in self.children:
            if (found := child.find(key)) is not None:
                return found
        return None

    def walk(self, depth: int = 0):
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


def sentence(node: Node) -> str:
    """The node's formula with its named inputs filled in ("{actual} / {target}" → "5 / 8").

    Formulas are stored as templates so evaluation never formats numbers; renderers
    (explain, statements, the API) call this when a person reads the node.
    """
    if not node.inputs or "{" not in node.formula:
        return node.formula
    try:
        return node.formula.format_map({k: _text(v) for k, v in node.inputs.items()})
    except (KeyError, ValueError, IndexError):
        return node.formula


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            head, _, tail = text.partition(".")
            tail = tail[:6].rstrip("0")
            text = f"{head}.{tail}" if tail else head
        return text
    return str(value)
