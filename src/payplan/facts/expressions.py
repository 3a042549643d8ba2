"""Arithmetic expressions of mapping files: `{Amount} - {Cost}` compiled once into a Decimal function.

The grammar is numbers, `{Source column}` references, `+ - * /`, unary minus and
parentheses; nothing else is accepted (no names, calls, powers or attributes), so a
mapping cannot run code. `compile_expression` returns the referenced columns and a
function of their Decimal values. Must not read cells or know fact fields.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Callable

from payplan.errors import Invalid
from payplan.i18n import N_

_TOKEN = re.compile(r"\s*(?:(\{[^{}]+\})|(\d+(?:\.\d+)?)|([-+*/()]))")

Node = Callable[[list[Decimal]], Decimal]


class Compiled:
    """An expression ready to evaluate: `columns` in the order `evaluate` takes their values."""

    def __init__(self, text: str, columns: list[str], evaluate: Node) -> None:
        self.text, self.columns, self.evaluate = text, columns, evaluate


def compile_expression(text: str) -> Compiled:
    """Parse `text`; `Invalid` saying what is wrong when it is not plain arithmetic."""
    tokens = _tokens(text)
    columns: list[str] = []
    parser = _Parser(text, tokens, columns)
    node = parser.sum()
    if parser.at < len(tokens):
        parser.refuse()
    return Compiled(text, columns, node)


def _tokens(text: str) -> list[str]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None:
            raise Invalid(N_("expression %(expression)r: only {columns}, numbers, + - * / and parentheses "
                             "are allowed (at %(rest)r)"), expression=text, rest=text[at:].strip()[:20])
        tokens.append(match.group(match.lastindex or 0))
        at = match.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens, building closures."""

    def __init__(self, text: str, tokens: list[str], columns: list[str]) -> None:
        self.text, self.tokens, self.columns, self.at = text, tokens, columns, 0

    def refuse(self) -> None:
        raise Invalid(N_("expression %(expression)r is not well-formed arithmetic"), expression=self.text)

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            op = self.tokens[self.at]
            self.at += 1
            node = _binary(op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/"):
            op = self.tokens[self.at]
            self.at += 1
            node = _binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.at += 1
            inner = self.unary()
            return lambda values: -inner(values)
        return self.atom()

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            self.refuse()
        self.at += 1
        if token == "(":
            node = self.sum()
            if self.peek() != ")":
                self.refuse()
            self.at += 1
            return node
        if token.startswith("{"):
            name = token[1:-1].strip()
            if name not in self.columns:
                self.columns.append(name)
            index = self.columns.index(name)
            return lambda values: values[index]
        if token[0].isdigit():
            number = Decimal(token)
            return lambda values: number
        self.refuse()
        raise AssertionError  # unreachable: refuse raises


def _binary(op: str, left: Node, right: Node) -> Node:
    if op == "+":
        return lambda v: left(v) + right(v)
    if op == "-":
        return lambda v: left(v) - right(v)
    if op == "*":
        return lambda v: left(v) * right(v)
    return lambda v: _divide(left(v), right(v))


def _divide(a: Decimal, b: Decimal) -> Decimal:
    try:
        return a / b
    except (ZeroDivisionError, InvalidOperation):
        raise ZeroDivisionError from None
