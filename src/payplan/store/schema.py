"""The fact tables (SQLAlchemy Core) and the exact column types for money and rates.

Plain, portable tables for SQLite and PostgreSQL: the importer fills them, the
metric SQL reads them, the web service (and its Alembic migrations) will share
them. Money is stored as integer minor units and scores, shares and targets as
integer millionths, so values and SQL `SUM`s stay exact on both databases.
Must not hold queries or import logic.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

from payplan.core.money import D

metadata = MetaData()


class Scaled(TypeDecorator):
    """A Decimal stored as a BigInteger count of 10**-places units; refuses to lose digits."""

    impl = BigInteger
    cache_ok = True
    places = 2

    def process_bind_param(self, value: object, dialect: object) -> int | None:
        if value is None:
            return None
        return to_units(D(value), self.places)

    def process_result_value(self, value: object, dialect: object) -> Decimal | None:
        return None if value is None else from_units(value, self.places)


class Money(Scaled):
    """An amount with 2 decimal places, stored as integer minor units (cents)."""

    cache_ok = True
    places = 2


class Micro(Scaled):
    """A score, share or target with up to 6 decimal places, stored in millionths.

    Read back without trailing zeros (0.9, 12000), unlike Money which keeps cents.
    """

    cache_ok = True
    places = 6

    def process_result_value(self, value: object, dialect: object) -> Decimal | None:
        return None if value is None else trim(from_units(value, self.places))


def trim(value: Decimal) -> Decimal:
    """`value` without trailing fractional zeros and without an exponent: 0.900000 → 0.9."""
    integral = value.to_integral_value()
    return integral.quantize(Decimal(1)) if value == integral else value.normalize()


def to_units(value: Decimal, places: int) -> int:
    """`value` in 10**-places units; ValueError if that would drop a digit."""
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places and cannot be stored exactly")
    return int(scaled)


def from_units(units: object, places: int) -> Decimal:
    """A stored integer (or a PostgreSQL numeric SUM of them) back to a Decimal."""
    return D(units).scaleb(-places)


reps = Table(
    "reps", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    Column("role", String(64), nullable=False, server_default=""),
    Column("team", String(128), nullable=False, server_default=""),
    Column("manager_id", String(64), ForeignKey("reps.id")),
    Column("hired_on", Date),
    Column("terminated_on", Date),
    Column("currency", String(3), nullable=False),
    Column("salary", Money()),
    Column("payroll_id", String(64)),  # the rep's id in the payroll system (optional)
    Index("ix_reps_manager", "manager_id"),
    Index("ix_reps_team", "team"),
)

activities = Table(
    "activities", metadata,
    Column("id", String(64), primary_key=True),
    Column("rep_id", String(64), ForeignKey("reps.id"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("occurred_at", Date, nullable=False),  # the UTC day of a timestamp with an offset
    Column("occurred_at_utc", DateTime),  # its instant (naive UTC); NULL for a day or a wall-clock time
    # both cover the per-period GROUP BY rep, kind: the first needs no sort (one
    # period of data), the second reads only the period (years of data); ANALYZE picks
    Index("ix_activities_rep_kind", "rep_id", "kind", "occurred_at", "id"),
    Index("ix_activities_period", "occurred_at", "rep_id", "kind", "id"),
)

deals = Table(
    "deals", metadata,
    Column("id", String(64), primary_key=True),
    Column("rep_id", String(64), ForeignKey("reps.id"), nullable=False),
    Column("created_at", Date, nullable=False),
    Column("closed_at", Date),
    Column("status", String(16), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("cost", Money()),
    Column("currency", String(3), nullable=False),
    Column("product", String(128), nullable=False, server_default=""),
    Column("cancelled_at", Date),
    Column("fields", Text, nullable=False, server_default="{}"),  # JSON object of decimal strings
    # the instants (naive UTC) of timestamps given with an offset, as for activities
    Column("created_at_utc", DateTime),
    Column("closed_at_utc", DateTime),
    Column("cancelled_at_utc", DateTime),
    Index("ix_deals_closed", "closed_at"),
    Index("ix_deals_created", "created_at"),
    Index("ix_deals_cancelled", "cancelled_at"),
    Index("ix_deals_rep", "rep_id"),
)

credits = Table(
    "credits", metadata,
    Column("deal_id", String(64), ForeignKey("deals.id"), primary_key=True),
    Column("rep_id", String(64), ForeignKey("reps.id"), primary_key=True),
    Column("share", Micro(), nullable=False),
    Column("counts_for", String(16), nullable=False, server_default="both"),  # both / quota / commission
    Index("ix_credits_rep", "rep_id"),
)

scores = Table(
    "scores", metadata,
    Column("rep_id", String(64), ForeignKey("reps.id"), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("kind", String(64), primary_key=True),
    Column("value", Micro(), nullable=False),
    Index("ix_scores_period", "period", "kind"),
)

nps = Table(
    "nps", metadata,
    Column("id", String(64), primary_key=True),
    Column("rep_id", String(64), ForeignKey("reps.id"), nullable=False),
    Column("answered_at", Date, nullable=False),
    Column("answered_at_utc", DateTime),  # as for activities
    Column("score", Integer, nullable=False),
    Index("ix_nps_period", "answered_at", "rep_id", "score", "id"),
)

targets = Table(
    "targets", metadata,
    Column("scope", String(8), primary_key=True),
    Column("scope_id", String(128), primary_key=True),
    Column("period", String(8), primary_key=True),
    Column("metric", String(128), primary_key=True),
    Column("target", Micro(), nullable=False),
    Index("ix_targets_period", "period"),
)

# Per-rep plan values (`[[parameters]]` keys): the row in effect is the latest effective_from ≤ period start.
parameters = Table(
    "parameters", metadata,
    Column("rep_id", String(64), ForeignKey("reps.id"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("effective_from", Date, primary_key=True),
    Column("value", Micro(), nullable=False),
)

# Dated exchange rates (fx_rates.csv): 1 from_currency = rate to_currency on day.
fx_rates = Table(
    "fx_rates", metadata,
    Column("day", Date, primary_key=True),
    Column("from_currency", String(3), primary_key=True),
    Column("to_currency", String(3), primary_key=True),
    Column("rate", Micro(), nullable=False),
    Index("ix_fx_rates_pair", "from_currency", "to_currency", "day"),
)

FACT_TABLES = {"reps": reps, "activities": activities, "deals": deals, "credits": credits,
               "scores": scores, "nps": nps, "targets": targets, "parameters": parameters, "fx_rates": fx_rates}
