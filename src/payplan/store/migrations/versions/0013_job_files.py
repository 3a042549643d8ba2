"""Files a job made (a batch's statement PDFs, a simulation's report): job_files (docs/jobs.md).

Revision ID: 0013_job_files
Revises: 0012_packed
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0013_job_files'
down_revision: Union[str, Sequence[str], None] = '0012_packed'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('job_files',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('chunk', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id']),
    sa.PrimaryKeyConstraint('job_id', 'item')
    )


def downgrade() -> None:
    op.drop_table('job_files')
