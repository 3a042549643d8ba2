"""Initial schema: the fact tables and the service tables.

Money columns are BIGINT counts of cents (`payplan.store.schema.Money`), scores,
shares and targets BIGINT millionths (`Micro`): the storage types are written out
so this revision never changes when the Python types do.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash', name='uq_audit_log_hash'),
    sa.UniqueConstraint('prev_hash', name='uq_audit_log_prev_hash')
    )
    op.create_table('reps',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('role', sa.String(length=64), server_default='', nullable=False),
    sa.Column('team', sa.String(length=128), server_default='', nullable=False),
    sa.Column('manager_id', sa.String(length=64), nullable=True),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('salary', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['manager_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reps', schema=None) as batch_op:
        batch_op.create_index('ix_reps_manager', ['manager_id'], unique=False)
        batch_op.create_index('ix_reps_team', ['team'], unique=False)

    op.create_table('targets',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('scope_id', sa.String(length=128), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('metric', sa.String(length=128), nullable=False),
    sa.Column('target', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'scope_id', 'period', 'metric')
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index('ix_targets_period', ['period'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_period', ['occurred_at', 'rep_id', 'kind', 'id'], unique=False)
        batch_op.create_index('ix_activities_rep_kind', ['rep_id', 'kind', 'occurred_at', 'id'], unique=False)

    op.create_table('deals',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('product', sa.String(length=128), server_default='', nullable=False),
    sa.Column('cancelled_at', sa.Date(), nullable=True),
    sa.Column('fields', sa.Text(), server_default='{}', nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index('ix_deals_cancelled', ['cancelled_at'], unique=False)
        batch_op.create_index('ix_deals_closed', ['closed_at'], unique=False)
        batch_op.create_index('ix_deals_created', ['created_at'], unique=False)
        batch_op.create_index('ix_deals_rep', ['rep_id'], unique=False)

    op.create_table('nps',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('answered_at', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('nps', schema=None) as batch_op:
        batch_op.create_index('ix_nps_period', ['answered_at', 'rep_id', 'score', 'id'], unique=False)

    op.create_table('scores',
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('rep_id', 'period', 'kind')
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index('ix_scores_period', ['period', 'kind'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=True),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'finance', 'hr', 'manager', 'rep')", name='ck_users_role'),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='uq_users_name')
    )
    op.create_table('credits',
    sa.Column('deal_id', sa.String(length=64), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('share', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], ),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.PrimaryKeyConstraint('deal_id', 'rep_id')
    )
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.create_index('ix_credits_rep', ['rep_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'user_id', 'scope', name='uq_idempotency_keys_key_user_scope')
    )
    op.create_table('plan_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash', name='uq_plan_versions_hash'),
    sa.UniqueConstraint('plan_id', 'version', name='uq_plan_versions_plan_version')
    )
    op.create_table('tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash', name='uq_tokens_token_hash')
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index('ix_tokens_user', ['user_id'], unique=False)

    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), server_default='regular', nullable=False),
    sa.Column('adjusts_run_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.String(length=32), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.String(length=32), nullable=True),
    sa.Column('rejected_reason', sa.Text(), nullable=True),
    sa.Column('inputs_hash', sa.String(length=64), nullable=True),
    sa.Column('outputs_hash', sa.String(length=64), nullable=True),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("kind IN ('regular', 'adjustment')", name='ck_runs_kind'),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'approved', 'paid')", name='ck_runs_state'),
    sa.ForeignKeyConstraint(['adjusts_run_id'], ['runs.id'], ),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['paid_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_versions.id'], ),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index('ix_runs_period', ['period', 'state'], unique=False)
        batch_op.create_index('ux_runs_regular', ['plan_version_id', 'period'], unique=True, sqlite_where=sa.text("kind = 'regular'"), postgresql_where=sa.text("kind = 'regular'"))

    op.create_table('run_results',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['reps.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('run_id', 'rep_id')
    )
    with op.batch_alter_table('run_results', schema=None) as batch_op:
        batch_op.create_index('ix_run_results_rep', ['rep_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('run_results', schema=None) as batch_op:
        batch_op.drop_index('ix_run_results_rep')

    op.drop_table('run_results')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index('ux_runs_regular', sqlite_where=sa.text("kind = 'regular'"), postgresql_where=sa.text("kind = 'regular'"))
        batch_op.drop_index('ix_runs_period')

    op.drop_table('runs')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_tokens_user')

    op.drop_table('tokens')
    op.drop_table('plan_versions')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('credits', schema=None) as batch_op:
        batch_op.drop_index('ix_credits_rep')

    op.drop_table('credits')
    op.drop_table('users')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index('ix_scores_period')

    op.drop_table('scores')
    with op.batch_alter_table('nps', schema=None) as batch_op:
        batch_op.drop_index('ix_nps_period')

    op.drop_table('nps')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index('ix_deals_rep')
        batch_op.drop_index('ix_deals_created')
        batch_op.drop_index('ix_deals_closed')
        batch_op.drop_index('ix_deals_cancelled')

    op.drop_table('deals')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_rep_kind')
        batch_op.drop_index('ix_activities_period')

    op.drop_table('activities')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index('ix_targets_period')

    op.drop_table('targets')
    with op.batch_alter_table('reps', schema=None) as batch_op:
        batch_op.drop_index('ix_reps_team')
        batch_op.drop_index('ix_reps_manager')

    op.drop_table('reps')
    op.drop_table('audit_log')
