"""The mapping a fact file came through: fact_imports.mapping_id and mapping_version (NULL for a native file).

Revision ID: 0010_import_mapping
Revises: 0009_fx_rates
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010_import_mapping'
down_revision: Union[str, Sequence[str], None] = '0009_fx_rates'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('fact_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mapping_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('mapping_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fact_imports', schema=None) as batch_op:
        batch_op.drop_column('mapping_version')
        batch_op.drop_column('mapping_id')
