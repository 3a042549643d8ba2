"""Dated exchange rates: the fx_rates fact table (fx_rates.csv), rates in BIGINT millionths.

Revision ID: 0009_fx_rates
Revises: 0008_instants
Create Date: 2026-12-10
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009_fx_rates'
down_revision: Union[str, Sequence[str], None] = '0008_instants'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('fx_rates',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('from_currency', sa.String(length=3), nullable=False),
    sa.Column('to_currency', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.BigInteger(), nullable=False),  # millionths (schema.Micro)
    sa.PrimaryKeyConstraint('day', 'from_currency', 'to_currency')
    )
    with op.batch_alter_table('fx_rates', schema=None) as batch_op:
        batch_op.create_index('ix_fx_rates_pair', ['from_currency', 'to_currency', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fx_rates', schema=None) as batch_op:
        batch_op.drop_index('ix_fx_rates_pair')
    op.drop_table('fx_rates')
