"""One period's reps as the tally scores them together: their inputs by column, and a run's scratch.

`Columns` is what a simulation's metric cache keeps per period, beside the
inputs themselves: each metric as a list of small codes into its distinct values
(values repeat — 12 demos, a 25% conversion — so a plan scores each distinct
value once and each rep only looks its score up), and each rep's won deals with
their revenue and margin bases and running sums. Nothing in it depends on a plan,
so every plan variant of a simulation reads the same `Columns`; each part is
built on first use and kept. `Batch` is one plan's scratch over them: prorates,
the reps declined so far, the KPI columns found, paid lines.
Must not compute anything a plan decides.
"""

from __future__ import annotations

from decimal import Decimal, Inexact, localcontext
from itertools import accumulate

from payplan.core.inputs import RepInputs
from payplan.core.periods import Period

ZERO = Decimal(0)


class Deals:
    """Each rep's won deals on one base (revenue or margin): ids, bases and running sums
    (ZERO + b1 + b2 …, as the engine sums them); whether those sums were exact, the ids
    distinct and no base negative (`rising`); the running sums' highest point; and, when
    some base is negative, the deals that pay (see `paying`)."""

    __slots__ = ("ids", "bases", "sums", "exact", "distinct", "rising", "high", "paying")

    def __init__(self, items: list[RepInputs] | None, margin: bool = False) -> None:
        for name in self.__slots__:
            setattr(self, name, [])
        if items is None:
            return
        with localcontext() as ctx:
            for item in items:
                won = [d for d in item.deals if d.status == "won"]
                if margin:
                    bases = [(d.amount - d.cost) * d.share for d in won]
                else:
                    bases = [d.amount * d.share for d in won]
                ids = [d.id for d in won]
                ctx.flags[Inexact] = False
                sums = list(accumulate(bases, initial=ZERO))
                rising = not bases or min(bases) >= ZERO
                self.ids.append(ids)
                self.bases.append(bases)
                self.sums.append(sums)
                self.exact.append(not ctx.flags[Inexact])
                self.distinct.append(len(set(ids)) == len(ids))
                self.rising.append(rising)
                self.high.append(max(sums))
                self.paying.append(None if rising else paying(bases, sums))

    def select(self, picks: list[int]) -> Deals:
        """The same for the reps at `picks`, in that order."""
        out = Deals(None)
        for name in self.__slots__:
            setattr(out, name, list(map(getattr(self, name).__getitem__, picks)))
        return out


def paying(bases: list[Decimal], sums: list[Decimal]) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    """(deal index, lo, hi, hi − lo) of each deal that pays when the running sum also
    falls: lo and hi are the running sums before and after the deal raised to 0 if
    below, as the engine clamps them; a deal with hi ≤ lo pays nothing. hi − lo is
    the base itself, or hi when lo was raised (the values the engine's subtraction
    gives when the sums are exact)."""
    out = []
    for k, base in enumerate(bases):
        lo, hi = sums[k], sums[k + 1]
        raised = lo < ZERO
        if raised:
            lo = ZERO
        if hi > lo:
            out.append((k, lo, hi, hi if raised else base))
    return out


class Columns:
    """One period's inputs for every rep, by column (see the module docstring)."""

    __slots__ = ("items", "ids", "_metrics", "_deals")

    def __init__(self, items: list[RepInputs]) -> None:
        self.items = items
        self.ids = [item.rep.id for item in items]
        self._metrics: dict[str, tuple[list[int], list[Decimal | None]]] = {}
        self._deals: dict[bool, Deals] = {}

    def __len__(self) -> int:
        return len(self.items)

    def metric(self, key: str) -> tuple[list[int], list[Decimal | None]]:
        """(each rep's code, the distinct values by code); None for a missing metric or value.
        Values are told apart by their text: 12 and 12.0 divide into different quotients."""
        got = self._metrics.get(key)
        if got is None:
            codes, values, index = [], [], {}
            for item in self.items:
                mv = item.metrics.get(key)
                value = mv.value if mv is not None else None
                text = str(value)
                code = index.get(text)
                if code is None:
                    code = index[text] = len(values)
                    values.append(value)
                codes.append(code)
            got = self._metrics[key] = (codes, values)
        return got

    def deals(self, margin: bool) -> Deals:
        got = self._deals.get(margin)
        if got is None:
            got = self._deals[margin] = Deals(self.items, margin)
        return got

    def select(self, rep_ids: list[str]) -> Columns:
        """The columns of the reps in `rep_ids` it holds, in that order, sharing what is built."""
        if rep_ids == self.ids:
            return self
        position = {rep_id: i for i, rep_id in enumerate(self.ids)}
        picks = [position[rep_id] for rep_id in rep_ids if rep_id in position]
        out = Columns([self.items[i] for i in picks])
        for key, (codes, values) in self._metrics.items():
            # codes renumbered over the values these reps have: a plan scores no value of another rep
            renumber: dict[int, int] = {}
            picked = [renumber.setdefault(code, len(renumber)) for code in map(codes.__getitem__, picks)]
            out._metrics[key] = (picked, [values[code] for code in renumber])
        for margin, deals in self._deals.items():
            out._deals[margin] = deals.select(picks)
        return out

    def warm(self) -> Columns:
        """Build every part now (a metric cache does, so no plan variant pays for it)."""
        for key in {key for item in self.items for key in item.metrics}:
            self.metric(key)
        self.deals(True)
        self.deals(False)
        return self


class Batch:
    """One plan's scratch over a period's `Columns`.

    `scaled` holds the reps whose targets a partial period prorates; `odd` lists
    those and the reps with target overrides (their targets may differ from the
    plan's); `dead` the reps a step declined (their outcome is `evaluate`'s, so the
    other steps' figures for them are never read); `paid` each rep's paid deal lines
    when the plan claws back; `flags` the signals of the decimal context it runs in.
    """

    __slots__ = ("columns", "items", "period", "prorates", "odd", "scaled", "kpis", "paid", "dead", "flags")

    def __init__(self, columns: Columns, period: Period, prorates: list[Decimal], scaled: set[int],
                 paid: list[list] | None, flags) -> None:
        self.columns, self.items, self.period = columns, columns.items, period
        self.prorates, self.scaled, self.paid, self.flags = prorates, scaled, paid, flags
        self.odd = sorted(scaled.union(i for i, item in enumerate(self.items) if item.targets))
        self.kpis: dict[str, list[Decimal]] = {}  # KPI id → attainment to 4 places, per rep
        self.dead: set[int] = set()

    def __len__(self) -> int:
        return len(self.items)
