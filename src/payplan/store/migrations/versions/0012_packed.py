"""run_results.result and job_results.result packed: the JSON documents stored compressed (bytes).

Each stored document becomes bytes: on SQLite rewritten by `payplan.store.packed.pack`
(zlib, `Z` first); on PostgreSQL its UTF-8 JSON, compressed by the server with lz4 where
it has it (`server_lz4`; existing values keep their pglz until rewritten). The JSON, what
readers and the outputs hash see, is unchanged. Downgrade turns them back into text.

Revision ID: 0012_packed
Revises: 0011_jobs
Create Date: 2026-12-04
"""
from __future__ import annotations

from typing import Callable, Sequence, Union

import sqlalchemy as sa
from alembic import op

from payplan.store.packed import pack, server_lz4, unpack

revision: str = '0012_packed'
down_revision: Union[str, Sequence[str], None] = '0011_jobs'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEYS = {"run_results": ("run_id", "rep_id"), "job_results": ("job_id", "rep_id")}
CHUNK = 500  # rows read and rewritten at a time


def upgrade() -> None:
    for table, key in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("result", existing_type=sa.Text(), type_=sa.LargeBinary(),
                                  existing_nullable=False, postgresql_using="convert_to(result, 'UTF8')")
        if op.get_bind().dialect.name == "postgresql":
            server_lz4(op.get_bind(), table)
        else:
            _rewrite(table, key, lambda value: pack(_bytes(value)))


def downgrade() -> None:
    for table, key in KEYS.items():
        if op.get_bind().dialect.name == "postgresql":
            server_lz4(op.get_bind(), table, method="default")
        else:
            _rewrite(table, key, lambda value: unpack(_bytes(value)))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("result", existing_type=sa.LargeBinary(), type_=sa.Text(),
                                  existing_nullable=False, postgresql_using="convert_from(result, 'UTF8')")
        if op.get_bind().dialect.name == "sqlite":  # the JSON bytes were copied as blobs: text again
            op.execute(f"UPDATE {table} SET result = CAST(result AS TEXT)")


def _bytes(value: object) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]


def _rewrite(table: str, key: tuple[str, str], convert: Callable[[object], bytes]) -> None:
    """Replace every row's `result` by convert(result), CHUNK rows at a time in key order."""
    conn = op.get_bind()
    first, second = key
    read = sa.text(f"SELECT {first}, {second}, result FROM {table} WHERE ({first} > :a OR ({first} = :a AND "
                   f"{second} > :b)) ORDER BY {first}, {second} LIMIT {CHUNK}")
    write = sa.text(f"UPDATE {table} SET result = :result WHERE {first} = :a AND {second} = :b"
                    ).bindparams(sa.bindparam("result", type_=sa.LargeBinary()))
    after: tuple[object, str] = (-1, "")
    while rows := conn.execute(read, {"a": after[0], "b": after[1]}).all():
        conn.execute(write, [{"a": a, "b": b, "result": convert(value)} for a, b, value in rows])
        after = (rows[-1][0], rows[-1][1])
