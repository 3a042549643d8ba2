"""Money and scaled values are exact on every backend, including SQL SUM."""

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from payplan.store.schema import Micro, Money

BIG = Decimal("12345678901234567.89")


@pytest.fixture
def ledger(engine):
    meta = MetaData()
    table = Table("ledger", meta, Column("id", Integer, primary_key=True),
                  Column("amount", Money()), Column("rate", Micro()))
    meta.create_all(engine)
    yield table
    meta.drop_all(engine)


def test_big_amount_round_trips_exactly(engine, ledger):
    with engine.begin() as conn:
        conn.execute(insert(ledger), [{"id": 1, "amount": BIG, "rate": Decimal("0.123456")}])
        amount, rate = conn.execute(select(ledger.c.amount, ledger.c.rate)).one()
    assert amount == BIG and str(amount) == "12345678901234567.89"
    assert rate == Decimal("0.123456")


def test_sql_sum_equals_python_sum(engine, ledger):
    amounts = [BIG] + [Decimal("0.10"), Decimal("0.20"), Decimal("-0.05"), Decimal("99999999.99"),
                       Decimal("0.01")] * 7
    with engine.begin() as conn:
        conn.execute(insert(ledger), [{"id": i, "amount": a} for i, a in enumerate(amounts)])
        total = conn.execute(select(func.sum(ledger.c.amount))).scalar_one()
    assert total == sum(amounts) and isinstance(total, Decimal)
    assert str(total) == "12345679601234569.64"


def test_values_that_would_lose_digits_are_refused(engine, ledger):
    with pytest.raises(StatementError, match="more than 2 decimal places"):
        with engine.begin() as conn:
            conn.execute(insert(ledger), [{"id": 1, "amount": Decimal("1.005")}])
    with pytest.raises(StatementError, match="more than 6 decimal places"):
        with engine.begin() as conn:
            conn.execute(insert(ledger), [{"id": 2, "rate": Decimal("0.1234567")}])
    with pytest.raises(StatementError, match="float"):
        with engine.begin() as conn:
            conn.execute(insert(ledger), [{"id": 3, "amount": 0.1}])
