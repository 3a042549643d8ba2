"""The explanation tree: how every number of a result was reached.

Each node has a stable key (`kpi.demos.attainment`), a label a rep can read,
the formula in words/symbols, its inputs with their sources and its value.
Statements, the API breakdown and simulations all render this one tree.
Must not format for a medium (no HTML, no terminal colours).
"""

from __future__ import annotations

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
