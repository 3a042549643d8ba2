"""Per-rep plan parameters: parameters.csv (rep_id, key, value, effective_from).

The value a plan's `[[parameters]]` key takes for a rep in a period is the row with
the latest effective_from on or before the period's start.

Revision ID: 0007_parameters
Revises: 0006_credit_counts
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007_parameters'
down_revision: Union[str, Sequence[str], None] = '0006_credit_counts'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('parameters',
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),  # millionths (`Micro`)
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('rep_id', 'key', 'effective_from')
    )


def downgrade() -> None:
    op.drop_table('parameters')
