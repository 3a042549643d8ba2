"""The `RunRow` value a run is read as, and the columns it is selected from.

Kept apart so `payplan.runs.lifecycle`, `payplan.runs.adjustments` and `payplan.runs.views` share
one shape; the HTTP layer returns these (never ORM rows). Must not execute queries.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select

from payplan.store.service_schema import plan_versions, runs


class RunRow(msgspec.Struct, frozen=True):
    id: int
    plan_version_id: int
    plan_id: str
    plan_version: int
    plan_hash: str
    published_by: int  # user id of the plan version's publisher (segregation of duties)
    period: str
    kind: str  # regular / adjustment
    adjusts_run_id: int | None
    state: str  # draft / submitted / approved / paid
    created_by: int
    created_at: str
    submitted_by: int | None
    submitted_at: str | None
    approved_by: int | None
    approved_at: str | None
    paid_by: int | None
    paid_at: str | None
    rejected_reason: str | None
    inputs_hash: str | None
    outputs_hash: str | None
    revision: int  # optimistic concurrency: pass it back to change the run

    @property
    def plan_ref(self) -> str:
        return f"{self.plan_id}@{self.plan_version}"


_FROM_PLAN = {"plan_id": plan_versions.c.plan_id, "plan_version": plan_versions.c.version,
              "plan_hash": plan_versions.c.hash, "published_by": plan_versions.c.published_by}


def run_columns() -> list[Any]:
    """Columns in RunRow order; select them from runs JOIN plan_versions."""
    return [_FROM_PLAN.get(name, runs.c.get(name)) for name in RunRow.__struct_fields__]


def run_query() -> Any:
    """SELECT of RunRow's columns from runs joined to their plan version."""
    return select(*run_columns()).select_from(runs.join(plan_versions, runs.c.plan_version_id == plan_versions.c.id))


def to_run(row: Any) -> RunRow:
    return RunRow(*row)
