"""The machine under the other benchmarks: how fast it does the Decimal arithmetic they are made of.

Absolute targets (seconds, rep-periods per second) hold on some machine; this row
says how fast this one is, so figures from two machines can be set side by side
(scoring and simulation time scale with these operations). Best of several
`timeit` repeats on one core. Must not depend on payplan code: it measures Python.
"""

from __future__ import annotations

import timeit

SETUP = "from decimal import Decimal; a = Decimal('1234.56'); b = Decimal('0.15'); q = Decimal('0.01')"
OPERATIONS = {"add": "a + b", "multiply": "a * b", "quantize": "a.quantize(q)"}


def run(number: int = 200_000, repeat: int = 5) -> dict[str, float]:
    """Nanoseconds per operation, best of `repeat` runs of `number` each."""
    return {name: min(timeit.repeat(stmt, SETUP, number=number, repeat=repeat)) / number * 1e9
            for name, stmt in OPERATIONS.items()}


if __name__ == "__main__":
    print(run())
