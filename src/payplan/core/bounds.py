"""Input limits checked before any work: JSON nesting, and the size of numbers.

Hostile or mistyped input must be refused at the edge with a clear message, never
reach a parser's recursion, a `Decimal` overflow or a 64-bit integer column. This
module holds the limits and the cheap checks that enforce them; the adapters
(`payplan.plans`, `payplan.facts`, `payplan.api`) call them and word the errors.
Pure: stdlib and msgspec only; must not read files, parse TOML or compute pay.
"""

from __future__ import annotations

from array import array
from decimal import Decimal
from itertools import accumulate

from payplan.core.trace import N_, fill

# Plan amounts, targets, rates, curve points: |x| < 10^15 (a quadrillion) and at most
# 28 decimal places (the decimal context's precision: 1/7 as a weight needs them all); real plans
# use at most 4 places and amounts below 10^7.
PLAN_MAGNITUDE = Decimal(10) ** 15
PLAN_PLACES = 28
# Whole numbers in a plan (version, window_days, periods, amortize_months): |n| < 10^9,
# so a version fits a 32-bit SQL INTEGER and a day count a date.
PLAN_INTEGER = 10**9
# Fact money (amount, cost, salary) is stored in cents, scores, shares and targets in
# millionths, each in a 64-bit SQL integer: the largest magnitude each column holds exactly
# (92,233,720,368,547,758.07 and 9,223,372,036,854.775807). DESIGN §8 asks for
# 12,345,678,901,234,567.89 to round-trip, so money keeps the whole 64-bit range.
INT64_MAX = 2**63 - 1
FACT_MONEY = Decimal(INT64_MAX).scaleb(-2)
FACT_MICRO = Decimal(INT64_MAX).scaleb(-6)
# Extra numeric deal columns (discount, tax…) are kept as text and enter formulas.
FACT_EXTRA = PLAN_MAGNITUDE
# JSON nested deeper than this is refused before decoding (real documents: 2 or 3).
JSON_DEPTH = 32

_KEEP = b'"[]{}'
_OTHER = bytes(b for b in range(256) if b not in _KEEP)
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def json_too_deep(data: bytes, limit: int = JSON_DEPTH) -> bool:
    """True when the JSON text `data` nests arrays/objects deeper than `limit`.

    Strings are skipped, so brackets inside them do not count. Linear and done
    in C (replace, translate, split, accumulate): cheap enough for a 20 MB upload.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # escapes pair from the left
    outside = b"".join(unescaped.translate(None, _OTHER).split(b'"')[::2])  # drop string contents
    return max(accumulate(array("b", outside.translate(_DEPTH_STEP))), default=0) > limit


def places(value: Decimal) -> int:
    """Decimal places written in `value` (1.50 → 2, 1E+3 → 0, 1E-7 → 7)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def plan_number_problem(value: Decimal | int) -> str | None:
    """Why a number written in a plan is unusable, or None when it is within bounds."""
    found = plan_number_template(value)
    return None if found is None else fill(*found)


def plan_number_template(value: Decimal | int) -> tuple[str, dict[str, object]] | None:
    """`plan_number_problem` as a message template (`trace.fill`: the number as written) and its
    named values, for a reader's language."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if abs(value) < PLAN_INTEGER else \
            (N_("{value:text} is too large (at most {most:,})"), {"value": value, "most": Decimal(PLAN_INTEGER - 1)})
    if not value.is_finite():
        return N_("{value:text} is not a finite number"), {"value": value}
    if abs(value) >= PLAN_MAGNITUDE:
        return N_("{value:text} is out of range (|x| must be below 10^15)"), {"value": value}
    if places(value) > PLAN_PLACES:
        return N_("{value:text} has more than {most} decimal places"), {"value": value, "most": PLAN_PLACES}
    return None


def bounded(value: Decimal, limit: Decimal) -> bool:
    """A finite `value` with |value| < limit."""
    return value.is_finite() and abs(value) < limit
