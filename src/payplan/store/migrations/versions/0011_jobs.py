"""The job queue: jobs, job_chunks and job_results (payplan.store.service_schema, docs/jobs.md).

Revision ID: 0011_jobs
Revises: 0010_import_mapping
Create Date: 2026-12-04
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0011_jobs'
down_revision: Union[str, Sequence[str], None] = '0010_import_mapping'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('inputs_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='queued', nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('finished_at', sa.String(length=32), nullable=True),
    sa.Column('reps_total', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'done', 'failed')", name='ck_jobs_state'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id']),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_jobs_state', 'jobs', ['state'], unique=False)
    op.create_table('job_chunks',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('chunk', sa.Integer(), nullable=False),
    sa.Column('rep_ids', sa.Text(), nullable=False),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=True),
    sa.Column('lease_until', sa.String(length=32), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'claimed', 'done')", name='ck_job_chunks_state'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id']),
    sa.PrimaryKeyConstraint('job_id', 'chunk')
    )
    op.create_index('ix_job_chunks_state', 'job_chunks', ['state', 'lease_until'], unique=False)
    op.create_table('job_results',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('chunk', sa.Integer(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),  # cents (schema.Money)
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('inputs', sa.LargeBinary(), nullable=True),
    sa.Column('input_line', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id']),
    sa.PrimaryKeyConstraint('job_id', 'rep_id')
    )


def downgrade() -> None:
    op.drop_table('job_results')
    op.drop_index('ix_job_chunks_state', table_name='job_chunks')
    op.drop_table('job_chunks')
    op.drop_index('ix_jobs_state', table_name='jobs')
    op.drop_table('jobs')
