"""The database: tables, exact money types, migrations, metric SQL and the audit log.

`db` makes engines (SQLite and PostgreSQL, with real transactions), `schema` and
`service_schema` define the tables, `migrate` runs Alembic, `metrics` aggregates
facts into the engine's `RepInputs`, `audit` keeps the hash-chained audit log,
`idempotency` the idempotency keys, `records` the canonical encodings stored rows
share, `synthetic` generates benchmark data. Must not score or pay anything (that is
`payplan.core.engine`) and must not import the packages above it.
"""

from payplan.store.db import create_schema, make_engine
from payplan.store.metrics import load_inputs, load_reps

__all__ = ["create_schema", "load_inputs", "load_reps", "make_engine"]
