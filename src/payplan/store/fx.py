"""Stage 1 in the pay currency: the period's foreign-currency deals converted at dated rates.

`period_conversions` reads the won (or cancelled) deals of a period whose currency is not
the plan's, and the rates of their pairs from fx_rates, converts each deal with
`payplan.core.fx` (exact Decimal, rounded once per deal) and returns an `FxAmounts`: the
converted cents as a small derived table the metric SQL reads instead of the stored
amounts (`payplan.store.sqlparts.credited_deals`), and what each deal was before (for the
statement's conversion line). A missing rate under `missing = "error"` raises `Invalid`
naming the deal, the pair and the date. Must not aggregate nor score.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Connection, String, and_, literal, or_, select, union_all

from payplan.core.fx import Converted, MissingRate, Rates, convert, deal_rate
from payplan.core.periods import Period
from payplan.core.plan import Fx
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.store.schema import deals, fx_rates
from payplan.store.sqlparts import WON


class FxAmounts:
    """The period's converted deals: deal id → Converted, and their pay-currency cents."""

    def __init__(self, currency: str, notes: dict[str, Converted], cents: dict[str, tuple[int, int]]):
        self.currency, self.notes, self.cents = currency, notes, cents
        self.table = _table(cents) if cents else None


def _table(cents: dict[str, tuple[int, int]]):
    rows = [select(literal(i, String).label("deal_id"), literal(a, BigInteger).label("amount"),
                   literal(c, BigInteger).label("cost")) for i, (a, c) in sorted(cents.items())]
    return (rows[0] if len(rows) == 1 else union_all(*rows)).subquery("fx_amounts")


def period_conversions(conn: Connection, period: Period, currency: str, fx: Fx | None) -> FxAmounts | None:
    """The period's deals in other currencies converted into `currency`; None without `[fx]`."""
    if fx is None:
        return None
    d = deals.c
    touched = or_(d.closed_at.between(period.start, period.end), d.cancelled_at.between(period.start, period.end))
    query = (select(d.id, d.currency, d.amount, d.cost, d.closed_at)
             .where(d.currency != currency, d.status.in_(WON), touched).order_by(d.id))
    found = conn.execute(query).all()
    if not found:
        return FxAmounts(currency, {}, {})
    rates = load_rates(conn, {row.currency for row in found}, currency)
    notes, cents = {}, {}
    for deal_id, source, amount, cost, closed_at in found:
        try:
            rate = deal_rate(rates, source, currency, closed_at, period, fx.rate_date, fx.missing, fx.max_days)
        except MissingRate as missing:
            raise Invalid(N_("deal %(deal)s: no %(pair)s rate for %(day)s in fx_rates.csv "
                             "(the plan's fx.missing is %(policy)s)"),
                          deal=deal_id, pair=f"{missing.source}/{missing.target}", day=str(missing.day),
                          policy=fx.missing) from None
        cost = cost or Decimal(0)
        notes[deal_id] = Converted(source, amount, cost, rate)
        cents[deal_id] = (_cents(convert(amount, rate, currency)), _cents(convert(cost, rate, currency)))
    return FxAmounts(currency, notes, cents)


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2))


def load_rates(conn: Connection, sources: set[str], target: str) -> Rates:
    """(from, to) → [(day, rate)] sorted by day, for `sources` → `target`."""
    r = fx_rates.c
    query = (select(r.from_currency, r.to_currency, r.day, r.rate)
             .where(and_(r.from_currency.in_(sorted(sources)), r.to_currency == target))
             .order_by(r.from_currency, r.day))
    rates: Rates = {}
    for source, to, day, rate in conn.execute(query):
        rates.setdefault((source, to), []).append((day, rate))
    return rates
