"""Credentials with a lifecycle, and who imported which facts.

users: `session_version` (bumped on logout, disable, password change) and `disabled_at`.
tokens: `expires_at` (existing tokens expire 90 days after they were made) and `revoked_at`.
fact_imports: the importer of each fact file and the days its rows span, for segregation
of duties at approval.

Revision ID: 0004_creds
Revises: 0003_stmt
Create Date: 2026-12-03
"""
from datetime import datetime, timedelta, timezone
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0004_creds'
down_revision: Union[str, Sequence[str], None] = '0003_stmt'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('disabled_at', sa.String(length=32), nullable=True))
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.String(length=32), nullable=True))
    _expire_existing_tokens()
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.String(length=32), nullable=False)
    op.create_table('fact_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('imported_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fact_imports', schema=None) as batch_op:
        batch_op.create_index('ix_fact_imports_user_days', ['user_id', 'first_day', 'last_day'], unique=False)


def _expire_existing_tokens() -> None:
    """Tokens made before this revision never expired: they now expire 90 days after they were made."""
    tokens = sa.table('tokens', sa.column('id', sa.Integer), sa.column('created_at', sa.String),
                      sa.column('expires_at', sa.String))
    bind = op.get_bind()
    for token_id, created in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        try:
            made = datetime.strptime(created, _FORMAT)
        except ValueError:
            made = datetime.now(timezone.utc).replace(tzinfo=None)
        bind.execute(sa.update(tokens).where(tokens.c.id == token_id)
                     .values(expires_at=(made + timedelta(days=90)).strftime(_FORMAT)))


def downgrade() -> None:
    with op.batch_alter_table('fact_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_fact_imports_user_days')
    op.drop_table('fact_imports')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
    # In place: a batch (copy-and-move) of `users` would drop a table that foreign keys point at.
    op.drop_column('users', 'disabled_at')
    op.drop_column('users', 'session_version')
