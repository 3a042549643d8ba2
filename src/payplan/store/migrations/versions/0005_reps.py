"""What reps do in payplan: acknowledge a plan version, question a statement line.

plan_acknowledgements: who acknowledged which plan version, and when.
disputes and dispute_steps: a rep's question on a line of an approved statement and its
thread (open → answered → resolved or rejected), with the adjustment run that corrects it.

Revision ID: 0005_reps
Revises: 0004_creds
Create Date: 2026-12-03
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005_reps'
down_revision: Union[str, Sequence[str], None] = '0004_creds'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('plan_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=True),
    sa.Column('acknowledged_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_versions.id'], ),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_version_id', 'user_id', name='uq_plan_acknowledgements_version_user')
    )
    op.create_table('disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='open', nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('adjustment_run_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("state IN ('open', 'answered', 'resolved', 'rejected')", name='ck_disputes_state'),
    sa.CheckConstraint("subject_kind IN ('deal', 'line', 'kpi', 'other')", name='ck_disputes_subject_kind'),
    sa.ForeignKeyConstraint(['adjustment_run_id'], ['runs.id'], ),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_run', ['run_id', 'state'], unique=False)
        batch_op.create_index('ix_disputes_rep', ['rep_id'], unique=False)
    op.create_table('dispute_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('author', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("step IN ('open', 'answer', 'reply', 'resolve', 'reject')", name='ck_dispute_steps_step'),
    sa.ForeignKeyConstraint(['author'], ['users.id'], ),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dispute_steps', schema=None) as batch_op:
        batch_op.create_index('ix_dispute_steps_dispute', ['dispute_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dispute_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_steps_dispute')
    op.drop_table('dispute_steps')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_rep')
        batch_op.drop_index('ix_disputes_run')
    op.drop_table('disputes')
    op.drop_table('plan_acknowledgements')
