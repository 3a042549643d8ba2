"""The fact store: SQL tables of imported facts and the metric SQL over them.

`db` makes engines, `schema` defines the tables and exact money types, `imports`
loads a validated `FactSet`, `metrics` aggregates facts into the engine's
`RepInputs`, `synthetic` generates benchmark data. Must not score or pay anything:
that is `payplan.core.engine`.
"""

from payplan.store.db import create_schema, make_engine
from payplan.store.imports import import_facts
from payplan.store.metrics import load_inputs, load_reps

__all__ = ["create_schema", "import_facts", "load_inputs", "load_reps", "make_engine"]
