"""The plans a simulation compares: a draft (TOML text or a file), a published version, and inline edits.

A draft is linted like any plan file: errors refuse the simulation (`PlanError`,
each issue placed in the file), warnings are kept for the report. Inline edits
("demos weight 10%", `payplan.core.levers`) change the proposal after it is resolved,
and the edited plan is linted again. Nothing here publishes: a draft stays a value.
Must not score or render.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from payplan.core import lint
from payplan.core.bounds import PLAN_MAGNITUDE, PLAN_PLACES, bounded, places
from payplan.core.issues import Issue
from payplan.core.levers import LeverError, set_lever
from payplan.core.plan import Plan
from payplan.errors import Invalid, NotFound
from payplan.i18n import N_
from payplan.plans.files import PlanError, check_plan_text, plan_hash, read_plan_file
from payplan.simulation.model import Edit, PlanChoice


class DraftPlan(msgspec.Struct, frozen=True):
    """A plan given as TOML text (a draft not yet published), e.g. in an API request."""

    toml: str
    name: str = "draft.toml"


def resolve_plan(given: str | DraftPlan, conn: Connection | None, *,
                 files: bool = True) -> tuple[Plan, PlanChoice, list[Issue]]:
    """A draft (TOML text or, when `files`, a plan file) or a published "id@version" found through
    `conn`, with its lint warnings; PlanError for its errors."""
    if isinstance(given, DraftPlan):
        text, origin, name, label = given.toml, "draft", given.name, given.name
    elif files and (Path(given).suffix == ".toml" or Path(given).exists()):
        text, origin, name, label = read_plan_file(given), "file", given, given
    elif "@" in given:
        if conn is None:
            raise NotFound(N_("plan %(plan)s: no such file, and no database of published plans to look it up in"),
                           plan=given)
        (text, name), origin, label = _published(conn, given), "published", given
    else:
        what = N_("a plan file (*.toml) nor a published ID@VERSION") if files else N_("a published ID@VERSION")
        raise Invalid(N_("plan %(plan)r is neither %(what)s"), plan=given, what=what, words=("what",))
    plan, issues = check_plan_text(text, name)
    errors = [i for i in issues if i.severity == "error"]
    if plan is None or errors:
        raise PlanError(errors)
    return plan, PlanChoice(label, plan.ref, plan_hash(plan), plan.name, origin), issues


def _published(conn: Connection, ref: str) -> tuple[str, str]:
    """(source text, source name) of a published plan version; NotFound when there is none."""
    from payplan.plans import versions as plan_store

    try:
        row = plan_store.get_plan(conn, ref)
        return plan_store.plan_source(conn, row), row.source_name
    except DBAPIError:
        raise NotFound(N_("plan %(plan)s: the database holds no published plans "
                          "(run 'payplan db upgrade' and 'payplan plans publish')"), plan=ref) from None


def edited(plan: Plan, choice: PlanChoice, edits: list[Edit]) -> tuple[Plan, PlanChoice, list[Issue]]:
    """`plan` with `edits` applied and linted again: errors refuse (PlanError), warnings come back."""
    if not edits:
        return plan, choice, []
    for n, edit in enumerate(edits):
        if not bounded(edit.value, PLAN_MAGNITUDE) or places(edit.value) > PLAN_PLACES:
            raise Invalid(N_("change %(path)s: %(value)s must be a finite number below 10^15 with at most "
                             "%(places)s decimal places"), path=edit.path, value=edit.value, places=PLAN_PLACES,
                          where=f"edits[{n}].value")
        try:
            plan = set_lever(plan, edit.path, edit.value)
        except LeverError as exc:
            raise Invalid(exc.template, where=f"edits[{n}]", **exc.inputs) from None
    issues = [msgspec.structs.replace(i, where=f"{plan.ref}: {i.where}")
              for i in lint.check_plan(plan)]
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise PlanError(errors)
    given = f"{choice.given} + " + ", ".join(f"{e.path}={e.value}" for e in edits)
    return plan, PlanChoice(given, plan.ref, plan_hash(plan), plan.name, "edited"), issues


def parse_edit(text: str) -> Edit:
    """"bonus.kpis.demos.weight=10%" or "…=0.10" → Edit; Invalid when it is not PATH=NUMBER[%]."""
    path, sep, value = text.partition("=")
    number = value.strip().replace(",", "").replace("_", "")
    scale = Decimal(100) if number.endswith("%") else Decimal(1)
    try:
        parsed = Decimal(number.rstrip("%").strip()) / scale
    except InvalidOperation:
        parsed = None
    if not sep or not path.strip() or parsed is None or not parsed.is_finite():
        raise Invalid(N_("change %(text)r: write it as PARAMETER=VALUE, such as bonus.kpis.demos.weight=10%% "
                         "or bonus.target_incentive=1500"), text=text)
    return Edit(path.strip(), parsed)
