"""The period's credited deals, read once: every deal metric's totals and the deal list.

`read_deals` runs one query over the deals closed, created or cancelled in a span (one
row per deal, flagged in SQL as won / lost / lead / lead won / clawed back, with its
cycle days) and one over their credits, then in one pass in Python adds up each owner's
`DealTotals` for every (scope, product filter) asked for, and builds each rep's credited
`Deal`s won or clawed back in the span. Money stays in stored integer units (cents,
millionths of share), so the sums are exact. Quota credits feed the totals, commission
credits the deal list (a deal without credits for a purpose goes whole to its owner).
Must not build engine values (`payplan.store.metrics` does) nor query per rep.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timezone
from decimal import Decimal
from operator import attrgetter
from typing import Iterable, NamedTuple, Sequence
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import BigInteger, Connection, String, and_, case, func, literal, or_, select, type_coerce

from payplan.core.inputs import Deal
from payplan.store.aggregates import Only
from payplan.store.fx import FxAmounts
from payplan.store.schema import credits, deals
from payplan.store.sqlparts import ONE_DAY, SHARE_UNITS, UTC, day_span, units, until, within, won_by, zone_of

_FIELDS = msgspec.json.Decoder(dict[str, Decimal])  # exact: decimal strings, never floats
# stored units × these are the exact values with their places (amounts have at most 19 digits)
CENT, MICRO = Decimal("0.01"), Decimal("0.000001")
# a row's flags, one bit each (`_flags`)
WON, LOST, LEAD, LEAD_WON, CLAWED, CLOSED = 1, 2, 4, 8, 16, 32
Filter = tuple[str, str]  # (scope, product) of the deal totals asked for


class DealTotals(msgspec.Struct, array_like=True):
    """Deal aggregates of one owner; money in cents × millionths of share ("share units")."""

    won: int = 0
    won_ids: tuple[str, ...] = ()
    revenue: int = 0  # Σ amount × share, in 10**-8
    margin: int = 0  # Σ (amount − cost) × share, in 10**-8
    amount: int = 0  # Σ whole deal amounts, in cents
    cycle_days: int = 0
    lost: int = 0
    lost_ids: tuple[str, ...] = ()
    leads: int = 0
    lead_ids: tuple[str, ...] = ()
    leads_won: int = 0
    median_days: int = 0  # Σ of the middle one or two cycle lengths of the won deals
    median_count: int = 0  # how many middle values (0 without won deals, else 1 or 2)


class PeriodDeals(NamedTuple):
    totals: dict[Filter, dict[str, DealTotals]]  # (scope, product) → owner → totals
    deals: dict[str, tuple[Deal, ...]]  # rep → credited deals won or clawed back, by (closed_at, id)


def read_deals(conn: Connection, span, filters: Iterable[Filter] = (), *, only: Only = None,
               deal_reps: Only = None, with_deals: bool = True, owners: dict[str, dict[str, list[str]]] | None = None,
               fx: FxAmounts | None = None, fields: bool = True) -> PeriodDeals:
    """Totals for `filters` of the owners in `only` (None: all) and the deals of `deal_reps`.

    `owners`: rep id → the owners whose team / subtree scope holds it, per scope
    (`scope_members`); needed for filters of those scopes. `with_deals=False` builds no
    deal list; `fields=False` leaves each deal's extra fields undecoded (empty).
    """
    filters = sorted(set(filters))
    owners = owners or {}
    needed = _needed_reps(filters, only, deal_reps if with_deals else [], owners)
    # each credited rep's totals (by product when a filter names one), then each filter's owners'
    by_product = any(product for _, product in filters)
    query, credit_query = _query(span, fx, fields and with_deals, needed)
    rows = conn.execute(query).all()
    split: dict[str, list] = defaultdict(list)
    for credit in conn.execute(credit_query):
        split[credit[0]].append(credit)
    build = _deal_builder(span, fx, fields) if with_deals else None
    acc, listed = _one_pass(rows, split, bool(filters), by_product, build,
                            None if deal_reps is None else set(deal_reps))
    keep = None if only is None else set(only)
    totals = {f: _owner_totals(acc, f, by_product, owners, keep) for f in filters}
    by_date = attrgetter("closed_at", "id")
    return PeriodDeals(totals, {rep: tuple(sorted(found, key=by_date)) if len(found) > 1 else tuple(found)
                                for rep, found in listed.items()})


def _one_pass(rows: list, split: dict[str, list], counting: bool, by_product: bool, build,
              wanted: set[str] | None) -> tuple[dict, dict[str, list[Deal]]]:
    """Each credited rep's accumulated totals (`_add`; by (rep, product) when `by_product`)
    when `counting`, and the `wanted` reps' (None: all) deals when there is a `build`.
    `split`: deal id → its credit rows (rep, share, counts_for), for the deals that have any."""
    acc: dict = {}
    listed: dict[str, list[Deal]] = defaultdict(list)
    counted = (CLOSED | LEAD) if counting else 0  # a row only clawed back: no metric counts it
    for row in rows:
        rep, flags, shares = row[1], row[4], split.get(row[0])
        if shares is None:  # the whole deal to its owner
            if flags & counted:
                _add(acc, (rep, row[6]) if by_product else rep, row, SHARE_UNITS)
            if build and flags & (WON | CLAWED) and (wanted is None or rep in wanted):
                listed[rep].append(build(row, rep, SHARE_UNITS))
            continue
        if flags & counted:
            for credited, share in _credited(shares, rep, "quota"):
                _add(acc, (credited, row[6]) if by_product else credited, row, share)
        if build and flags & (WON | CLAWED):
            for credited, share in _credited(shares, rep, "commission"):
                if wanted is None or credited in wanted:
                    listed[credited].append(build(row, credited, share))
    return acc, listed


def _owner_totals(acc: dict, f: Filter, by_product: bool, owners: dict[str, dict[str, list[str]]],
                  keep: set[str] | None) -> dict[str, DealTotals]:
    """owner → DealTotals of filter `f`, from the credited reps' accumulated rows (`_add`): a
    team or subtree owner's are its members' together, a deal credited to two of them
    counting twice (as one row per credit) but listed once."""
    scope, product = f
    groups: dict[str, list[list]] = defaultdict(list)
    for key, t in acc.items():
        rep, found = key if by_product else (key, "")
        if product and found != product:
            continue
        for owner in (rep,) if scope == "self" else owners[scope].get(rep, ()):
            if keep is None or owner in keep:
                groups[owner].append(t)
    return {owner: _totals(ts, scope != "self") for owner, ts in groups.items()}


def _needed_reps(filters: list[Filter], only: Only, deal_reps: Only,
                 owners: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """The credited reps whose rows matter, or None for every rep (no id list in the SQL)."""
    if only is None and filters or deal_reps is None:
        return None
    asked = set(only or ())
    reps = set(deal_reps)
    for scope in {s for s, _ in filters}:
        if scope == "self":
            reps |= asked
        else:
            reps |= {rep for rep, above in owners.get(scope, {}).items() if asked.intersection(above)}
    return sorted(reps)


def _query(span, fx: FxAmounts | None, fields: bool, needed: list[str] | None):
    """One row per deal closed, created or clawed back in `span`, its flags computed once; the
    deal's own columns as stored (each CASE SQLite evaluates again for every column it wraps)."""
    d = deals.c
    start, end, zone = span.start, span.end, zone_of(span)
    closed, created = within(d, "closed_at", span), within(d, "created_at", span)
    won_then = won_by(end, d, zone)
    clawed = and_(d.status == "cancelled", within(d, "cancelled_at", span), until(d, "closed_at", start - ONE_DAY, zone))
    source = deals
    amount, cost = units(d.amount), func.coalesce(units(d.cost), 0)
    if fx is not None and fx.table is not None:
        source = source.outerjoin(fx.table, fx.table.c.deal_id == d.id)
        amount, cost = func.coalesce(fx.table.c.amount, amount), func.coalesce(fx.table.c.cost, cost)
    won = and_(closed, won_then)
    where = or_(closed, created, clawed)
    if needed is not None:
        where = and_(where, or_(d.rep_id.in_(needed), d.id.in_(select(credits.c.deal_id).where(
            credits.c.rep_id.in_(needed)))))
    query = select(
        d.id, d.rep_id, amount, cost,
        _flags((won, WON), (and_(d.status == "lost", closed), LOST), (created, LEAD),
               (and_(created, won_then), LEAD_WON), (clawed, CLAWED), (closed, CLOSED)),
        case((won, day_span(d.created_at, d.closed_at))), d.product, d.currency,
        *(_stored_day(column) for column in (d.closed_at, d.created_at, d.cancelled_at)),
        d.fields if fields else literal(None),
    ).select_from(source).where(where)
    if zone != UTC:
        query = query.add_columns(d.closed_at_utc, d.created_at_utc, d.cancelled_at_utc)
    # the same deals' credits on their own: joined, each of the deals would cost a lookup in
    c = credits.c  # the credits, which only a few deals have
    split = select(c.deal_id, c.rep_id, units(c.share), c.counts_for).select_from(
        credits.join(deals, d.id == c.deal_id)).where(where).order_by(c.deal_id, c.rep_id)
    return query, split


def _stored_day(column):
    """A date column as the driver returns it, unconverted: SQLite's text, parsed only for the
    deals listed (`_deal_builder`); PostgreSQL's driver returns a date anyway."""
    return type_coerce(column, String)


def _flags(*conditions):
    """The row's flags as one integer: the sum of the bits whose condition holds."""
    total = None
    for condition, bit in conditions:
        term = case((condition, literal(bit, BigInteger)), else_=literal(0, BigInteger))
        total = term if total is None else total + term
    return total


def _credited(shares: list, owner: str, purpose: str) -> list[tuple[str, int]]:
    """(rep, share) of a credited deal's credit rows (deal, rep, share, counts_for) counting for
    `purpose` (or both); the whole deal to its `owner` when none does."""
    found = [(rep, share) for _, rep, share, counts_for in shares if counts_for in ("both", purpose)]
    return found or [(owner, SHARE_UNITS)]


def _add(acc: dict, key, row, share: int) -> None:
    """Adds one credited row (closed or created in the span) to the totals under `key`: won,
    whole-deal cents, whole-deal margin cents, amount cents, lost, leads, cycle days, leads
    won, split credit in cents × millionths of share and its margin."""
    t = acc.get(key)
    if t is None:
        t = acc[key] = [[], 0, 0, 0, [], [], [], 0, 0, 0]
    flags = row[4]
    if flags & WON:
        amount = row[2]
        t[0].append(row[0])
        if share == SHARE_UNITS:  # whole: the share units are a power of ten
            t[1] += amount
            t[2] += amount - row[3]
        else:
            t[8] += amount * share
            t[9] += (amount - row[3]) * share
        t[3] += amount
        t[6].append(row[5])
    if flags & LOST:
        t[4].append(row[0])
    if flags & LEAD:
        t[5].append(row[0])
        if flags & LEAD_WON:
            t[7] += 1


def _totals(ts: list[list], unique: bool) -> DealTotals:
    """Accumulated rows (`_add`, one or several reps') as DealTotals, the median from the
    sorted cycle days."""
    if len(ts) == 1:
        won_ids, whole, whole_margin, amount, lost_ids, lead_ids, days, leads_won, revenue, margin = ts[0]
    else:
        won_ids, lost_ids, lead_ids, days = ([x for t in ts for x in t[i]] for i in (0, 4, 5, 6))
        whole, whole_margin, amount, leads_won, revenue, margin = (sum(t[i] for t in ts) for i in (1, 2, 3, 7, 8, 9))
    revenue += whole * SHARE_UNITS  # cents × millionths of share
    margin += whole_margin * SHARE_UNITS
    days = sorted(days)
    n = len(days)
    middle = ((days[n // 2], 1) if n % 2 else (days[n // 2 - 1] + days[n // 2], 2)) if n else (0, 0)
    ids = (lambda found: tuple(sorted(set(found)))) if unique else (lambda found: tuple(sorted(found)))
    return DealTotals(n, ids(won_ids), revenue, margin, amount, sum(days), len(lost_ids), ids(lost_ids),
                      len(lead_ids), ids(lead_ids), leads_won, *middle)


def _deal_builder(span, fx: FxAmounts | None, fields: bool):
    """row, rep, share → the rep's credited Deal (won, or cancelled: clawed back)."""
    start, zone = span.start, zone_of(span)
    notes = fx.notes if fx is not None else {}
    pay_currency = fx.currency if fx is not None else ""
    one, decode, parse = Decimal(1), _FIELDS.decode, date.fromisoformat
    tz = None if zone == UTC else ZoneInfo(zone)

    def day(stored, instant):
        return stored if instant is None else instant.replace(tzinfo=timezone.utc).astimezone(tz).date()

    def build(row, rep: str, share: int) -> Deal:
        id, cost, closed, created, cancelled, text = row[0], row[3], row[8], row[9], row[10], row[11]
        if closed.__class__ is str:  # SQLite: the stored text (`_stored_day`)
            closed, created, cancelled = parse(closed), parse(created), cancelled and parse(cancelled)
        if tz is not None:
            closed, created, cancelled = day(closed, row[12]), day(created, row[13]), day(cancelled, row[14])
        clawback = closed < start
        # CENT × stored cents: the exact amount with two places, as Decimal(cents).scaleb(-2) but faster
        return Deal(id, "cancelled" if clawback else "won", CENT * row[2], CENT * cost, closed, created,
                    cancelled if clawback else None, row[6], pay_currency if id in notes else row[7],
                    one if share == SHARE_UNITS else MICRO * share, rep,
                    decode(text) if fields and text and text != "{}" else {}, notes.get(id))

    return build


def scope_members(managers: dict[str, str | None], scopes: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    """scope → rep id → the owners whose scope holds the rep: its manager ("team"), or
    every manager above it ("subtree"), as `sqlparts.scope_owners` pairs them."""
    found: dict[str, dict[str, list[str]]] = {}
    for scope in scopes:
        if scope == "team":
            found[scope] = {rep: [boss] for rep, boss in managers.items() if boss}
        elif scope == "subtree":
            found[scope] = {rep: _above(rep, managers) for rep in managers if managers.get(rep)}
    return found


def _above(rep: str, managers: dict[str, str | None]) -> list[str]:
    chain, boss = [], managers.get(rep)
    while boss and boss not in chain and len(chain) <= len(managers):
        chain.append(boss)
        boss = managers.get(boss)
    return chain
