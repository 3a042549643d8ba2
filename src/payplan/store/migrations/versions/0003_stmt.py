"""run_results.inputs: each rep's scored inputs, so statements render from what the run stored.

Revision ID: 0003_stmt
Revises: 0002_payroll_id
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_stmt"
down_revision = "0002_payroll_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable column: rows of earlier runs keep NULL (no stored inputs)."""
    with op.batch_alter_table("run_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inputs", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_results", schema=None) as batch_op:
        batch_op.drop_column("inputs")
