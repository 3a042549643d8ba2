"""Draws over several periods: guarantee vs advance, recoverable or not, the balance carried
(hand-computed from the worked examples EX20, EX22–EX24)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from payplan.core.engine import evaluate
from payplan.core.inputs import CarriedState, Deal, Rep, RepInputs
from payplan.core.periods import parse_range
from payplan.core.plan import Commission, Draw, Plan


def _plan(draw: Draw, start: date = date(2026, 1, 1)) -> Plan:
    return Plan(id="p", version=1, name="draws", effective_from=start, period="month", currency="USD",
                components=[Commission(id="commission", rate=D(1)), draw])


def _run(plan: Plan, earnings: list[str], hired: date = date(2025, 1, 1), first: str = "2026-01",
         balance: str = "0") -> list[tuple[D, D]]:
    """(total paid, balance owed after) for each month, earnings booked as one deal a month."""
    months = parse_range(f"{first}..{first}")
    while len(months) < len(earnings):
        months.append(months[-1].next())
    state, out = CarriedState(draw_balance=D(balance)), []
    for month, earned in zip(months, earnings):
        deals = (Deal(f"E{month.key}", "won", D(earned), closed_at=month.start),) if D(earned) else ()
        result = evaluate(plan, RepInputs(Rep("r", hired_on=hired), month.key, deals=deals), state, month)
        state = result.state
        out.append((result.total, state.draw_balance))
    return out


def test_recoverable_guarantee_six_months_ex20():
    # Terry Smythe is a new rep: the six draw months count from the hire date.
    plan = _plan(Draw(id="draw", amount=D(2000), periods=6))
    got = _run(plan, ["2750", "3000", "1500", "2375", "3000", "2750"], hired=date(2026, 1, 1))
    assert got == [(D(2750), 0), (D(3000), 0), (D(2000), D(500)), (D(2000), D(125)), (D(2875), 0), (D(2750), 0)]


def test_shortfalls_accumulate_ex22():
    got = _run(_plan(Draw(id="draw", amount=D(2000))), ["1500", "800"])
    assert got == [(D(2000), D(500)), (D(2000), D(1700))]


def test_weekly_table_reconstructed_ex24():
    got = _run(_plan(Draw(id="draw", amount=D(1000))), ["400", "600", "1500", "1200", "1400"])
    assert [t for t, _ in got] == [D(1000)] * 4 + [D(1100)]
    assert [b for _, b in got] == [D(600), D(1000), D(500), D(300), D(0)]


def test_guarantee_vs_advance_ex23():
    guarantee = _plan(Draw(id="draw", amount=D(100)))
    assert _run(guarantee, ["200"]) == [(D(200), 0)]
    assert _run(guarantee, ["50"]) == [(D(100), D(50))]
    advance = _plan(Draw(id="draw", amount=D(100), type="advance"))
    assert _run(advance, ["200"]) == [(D(300), D(100))]
    # next month the advance is first repaid from earnings, then paid again
    assert _run(advance, ["200", "150"]) == [(D(300), D(100)), (D(150), D(100))]


def test_non_recoverable_draws_leave_no_balance():
    guarantee = _plan(Draw(id="draw", amount=D(100), recoverable=False))
    assert _run(guarantee, ["50", "300"]) == [(D(100), 0), (D(300), 0)]
    advance = _plan(Draw(id="draw", amount=D(100), type="advance", recoverable=False))
    assert _run(advance, ["200"]) == [(D(300), 0)]


def test_draw_stops_after_its_periods_but_recovery_continues():
    plan = _plan(Draw(id="draw", amount=D(1000), periods=2))
    # months 1-2 under the draw (300 owed after two shortfalls of 100 and 200), month 3 without
    got = _run(plan, ["900", "800", "1000", "500"], hired=date(2026, 1, 1))
    assert got == [(D(1000), D(100)), (D(1000), D(300)), (D(700), 0), (D(500), 0)]


def test_draw_periods_count_from_hire():
    plan = _plan(Draw(id="draw", amount=D(1000), periods=1))
    got = _run(plan, ["0", "0"], hired=date(2026, 2, 1))
    assert got == [(D(0), 0), (D(1000), D(1000))]


def test_prorated_draw_and_its_recovery_are_in_cents():
    plan = _plan(Draw(id="draw", amount=D(2000)))
    # hired 15 March: 17 of 31 days → draw 2000 × 17/31 = 1,096.77; earned 1,500 repays
    # 1,500 − 1,096.77 = 403.23 of the 500 owed
    got = _run(plan, ["1500"], hired=date(2026, 3, 15), first="2026-03", balance="500")
    assert got == [(D("1096.77"), D("96.77"))]


def test_carried_balance_is_recovered_only_above_the_draw():
    got = _run(_plan(Draw(id="draw", amount=D(1000))), ["1000", "1250"], balance="400")
    assert got == [(D(1000), D(400)), (D(1000), D(150))]


def test_ramp_draw_counts_from_hire_not_from_plan_start():
    # Hired in November 2025, a 3-period ramp covers Nov, Dec, Jan: February pays no draw.
    plan = _plan(Draw(id="draw", amount=D(1000), periods=3))
    got = _run(plan, ["0", "0"], hired=date(2025, 11, 1))
    assert got == [(D(1000), D(1000)), (D(0), D(1000))]


def test_starts_counts_the_periods_from_the_later_of_hire_and_starts():
    # Began 2025-12-01 for a rep hired long before: Dec, Jan, Feb are its three periods.
    plan = _plan(Draw(id="draw", amount=D(1000), periods=3, starts=date(2025, 12, 1)))
    assert _run(plan, ["0", "0", "0"], hired=date(2024, 5, 1)) == [
        (D(1000), D(1000)), (D(1000), D(2000)), (D(0), D(2000))]
    # a rep hired after the draw began counts from the hire: Mar, Apr, May
    assert _run(plan, ["0", "0"], hired=date(2026, 3, 1), first="2026-03") == [
        (D(1000), D(1000)), (D(1000), D(2000))]


def test_opening_balance_is_carried_in_once_where_the_history_begins():
    plan = _plan(Draw(id="draw", amount=D(1000), starts=date(2025, 10, 1), opening_balance=D(600)))
    # January (the plan's first period) takes the 600; February does not add it again
    assert _run(plan, ["1300", "1500"]) == [(D(1000), D(300)), (D(1200), D(0))]
    # a period after the first, evaluated with its carried state, adds nothing
    assert _run(plan, ["1300"], first="2026-02", balance="300") == [(D(1000), D(0))]
    # a rep hired on or after the day the history begins owes nothing
    assert _run(plan, ["1300"], hired=date(2026, 1, 1)) == [(D(1300), D(0))]


def test_opening_balance_of_a_draw_starting_inside_the_history_is_owed_at_its_start():
    plan = _plan(Draw(id="draw", amount=D(1000), starts=date(2026, 2, 10), opening_balance=D(400)))
    # no draw before the period it starts in; February carries in the 400
    assert _run(plan, ["500", "1000"]) == [(D(500), D(0)), (D(1000), D(400))]
