"""Money and rates: the one place that makes, checks and rounds Decimals.

Never builds a Decimal from a float. Knows currencies' minor units and the rounding
modes a plan may choose. Must not know about plans, periods or facts.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}

# ISO 4217 minor units for the currencies we expect; anything else defaults to 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "TND": 3}

# Amounts beyond this magnitude are refused: they are typing errors, not money.
_LIMIT = Decimal("1e20")


class MoneyError(ValueError):
    """A value that is not an acceptable decimal amount or rate."""


def D(value: object) -> Decimal:
    """Parse an amount or rate exactly. Accepts str, int and Decimal; never float.

    Rejects NaN, infinities, exponents that put the value out of range, and
    empty strings.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"{value!r} is not an exact decimal (floats are refused)")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            raise MoneyError("empty value")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number") from None
    else:
        raise MoneyError(f"{value!r} is not a decimal number")
    return check(result)


def check(value: Decimal) -> Decimal:
    """Return `value` if it is finite and within range, else raise MoneyError."""
    if not value.is_finite():
        raise MoneyError(f"{value} is not a finite number")
    if abs(value) >= _LIMIT:
        raise MoneyError(f"{value} is out of range")
    return value


def minor_units(currency: str) -> int:
    """Number of decimal places of a currency's minor unit (USD 2, JPY 0)."""
    return MINOR_UNITS.get(currency.upper(), 2)


def quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_money(value: Decimal, places: int = 2, mode: str = "half_up") -> Decimal:
    """Round to `places` decimals with the plan's rounding mode."""
    return settled(value).quantize(quantum(places), rounding=ROUNDING_MODES[mode])


_SETTLE = Decimal("1e-12")


def settled(value: Decimal) -> Decimal:
    """`value` at twelve places at most, before it is rounded to money.

    A division's quotient is cut at 28 digits, so a product built on one can fall a hair
    short of the exact value: 157 × (0.6 × 11469 / 1256 + 0.8) is exactly 985.775, computed
    985.7749999999999999999999999, which half-up would round to 985.77. Settled at twelve
    places it is 985.775 again and rounds to 985.78, as the exact arithmetic does. A value
    with twelve places or fewer (every amount and rate a plan or a fact file writes) keeps
    its value.
    """
    try:
        return value.quantize(_SETTLE, rounding=ROUND_HALF_EVEN)  # fewer places: only zeros added
    except InvalidOperation:  # too many digits at twelve places (beyond any amount): as it is
        return value


def fmt(value: Decimal | None) -> str:
    """Plain decimal string without exponent, as JSON and traces print it.

    Trailing zeros past the second decimal are dropped (0.50000000 → "0.50"),
    so computed ratios stay short while amounts keep their cents ("10.00").
    """
    if value is None:
        return ""
    text = format(value, "f")
    head, dot, tail = text.partition(".")
    if dot:
        keep = min(len(tail), 2)
        tail = tail.rstrip("0")
        tail = tail + "0" * max(0, keep - len(tail))
        text = f"{head}.{tail}" if tail else head
    return "0" if text == "-0" else text


def pct(ratio: Decimal, places: int = 1) -> str:
    """A ratio printed as a percentage: 1.1667 → '116.7%'."""
    return f"{round_money(ratio * HUNDRED, places)}%"
