"""The rep's id in the payroll system (`reps.payroll_id`, optional), for payroll exports.

Revision ID: 0002_payroll_id
Revises: 0001
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002_payroll_id"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


# Plain ALTER TABLE on both databases: a batch (copy-and-move) migration of `reps` would
# drop a table that other tables' foreign keys point at.
def upgrade() -> None:
    op.add_column("reps", sa.Column("payroll_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("reps", "payroll_id")
