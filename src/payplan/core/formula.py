"""Declared commission bases: small arithmetic formulas over a deal's fields.

`amount / 1.12`, `amount - discount`, `(amount - cost) * 0.9`, `max(amount - cost, 0)`.
Only + - * /, parentheses, numbers, field names and the per-deal functions
`max`, `min` (2 to 8 arguments) and `abs` (1) are allowed; numbers are read from
their source text as Decimal (never float). Compiles once to a closure. Must not
evaluate anything but arithmetic.
"""

from __future__ import annotations

import ast
import operator
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Callable

from payplan.core.trace import N_, Value, fill

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

Fields = dict[str, Decimal]


class FormulaError(ValueError):
    """A formula that cannot be parsed, or a field a deal does not have.

    `template` is one of the constant texts below with its named `inputs`
    (`trace.fill`); `str()` is the English sentence."""

    def __init__(self, template: str, **inputs: Value) -> None:
        super().__init__(fill(template, inputs))
        self.template, self.inputs = template, inputs


NOT_A_FORMULA = N_("'{formula}' is not a formula: {reason}")
NOT_ALLOWED = N_("'{formula}': only + - * / ( ), numbers, deal fields and max, min, abs are allowed")
UNKNOWN_FUNCTION = N_("'{formula}': unknown function {function}(); only + - * / ( ), numbers, deal fields and "
                      "max, min, abs are allowed")
ARITY = N_("'{formula}': {function}() takes {fewest} to {most} arguments, not {count}")
ARITY_ONE = N_("'{formula}': {function}() takes 1 argument, not {count}")
DIVISION_BY_ZERO = N_("division by zero in the commission base formula")
NO_FIELD = N_("the deal has no field '{field}'")


def compile_formula(text: str) -> tuple[Callable[[Fields], Decimal], frozenset[str]]:
    """Compile `text` to (function of a field mapping, the field names it reads)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(NOT_A_FORMULA, formula=text, reason=exc.msg) from None
    names: set[str] = set()
    fn = _build(tree.body, text.strip(), names)
    return fn, frozenset(names)


def _build(node: ast.AST, src: str, names: set[str]) -> Callable[[Fields], Decimal]:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        op = _OPS[type(node.op)]
        left, right = _build(node.left, src, names), _build(node.right, src, names)
        return lambda f: _apply(op, left(f), right(f))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand, src, names)
        sign = -1 if isinstance(node.op, ast.USub) else 1
        return lambda f: sign * inner(f)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        value = Decimal(ast.get_source_segment(src, node) or str(node.value))
        return lambda f: value
    if isinstance(node, ast.Call):
        return _call(node, src, names)
    if isinstance(node, ast.Name):
        name = node.id
        names.add(name)
        return lambda f: _field(f, name)
    raise FormulaError(NOT_ALLOWED, formula=src)


# name → (function of its Decimal arguments, fewest arguments, most arguments)
_FUNCTIONS = {"max": (max, 2, 8), "min": (min, 2, 8), "abs": (abs, 1, 1)}


def _call(node: ast.Call, src: str, names: set[str]) -> Callable[[Fields], Decimal]:
    """max(…), min(…) or abs(…) of sub-formulas, with a bounded number of arguments."""
    name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
    if name not in _FUNCTIONS or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        if name in _FUNCTIONS:
            raise FormulaError(NOT_ALLOWED, formula=src)
        raise FormulaError(UNKNOWN_FUNCTION, formula=src, function=name)
    fn, fewest, most = _FUNCTIONS[name]
    if not fewest <= len(node.args) <= most:
        count = str(len(node.args))
        if most == 1:
            raise FormulaError(ARITY_ONE, formula=src, function=name, count=count)
        raise FormulaError(ARITY, formula=src, function=name, fewest=str(fewest), most=str(most), count=count)
    args = [_build(a, src, names) for a in node.args]
    if len(args) == 1:
        only = args[0]
        return lambda f: fn(only(f))
    return lambda f: fn(*(a(f) for a in args))


def _apply(op, left: Decimal, right: Decimal) -> Decimal:
    try:
        return op(left, right)
    except (DivisionByZero, InvalidOperation):
        raise FormulaError(DIVISION_BY_ZERO) from None


def _field(fields: Fields, name: str) -> Decimal:
    try:
        return fields[name]
    except KeyError:
        raise FormulaError(NO_FIELD, field=name) from None
