"""What a deal credit counts for: quota attainment, commission, or both.

credits.counts_for: "both" (every existing row), "quota" (attainment only, e.g. an
overlay) or "commission" (pay only, e.g. a specialist paid on a deal outside their quota).

Revision ID: 0006_credit_counts
Revises: 0005_reps
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006_credit_counts'
down_revision: Union[str, Sequence[str], None] = '0005_reps'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_for', sa.String(length=16), server_default='both', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.drop_column('counts_for')
