"""Fact timestamps keep their instant: a plan's time zone buckets them by its own calendar.

activities.occurred_at_utc, deals.created_at_utc / closed_at_utc / cancelled_at_utc and
nps.answered_at_utc: the instant (naive UTC) of a timestamp given with an offset; NULL
for a date or a time without an offset. Existing rows keep NULL: their day stands.

Revision ID: 0008_instants
Revises: 0007_parameters
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0008_instants'
down_revision: Union[str, Sequence[str], None] = '0007_parameters'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS = {"activities": ("occurred_at_utc",), "deals": ("created_at_utc", "closed_at_utc", "cancelled_at_utc"),
            "nps": ("answered_at_utc",)}


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, sa.DateTime(), nullable=True))


def downgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_column(column)
