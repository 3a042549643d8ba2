"""Publishing plan versions: lint errors refused with file and line, hashes, conflicts, overlaps."""

from __future__ import annotations

from datetime import date

import pytest

from payplan.core.periods import parse_period
from payplan.errors import Conflict, Forbidden, Invalid, NotFound
from payplan.plans import versions as plan_store
from payplan.store import audit

from .conftest import PLAN_TEXT


def test_publish_records_the_version_and_its_author(tx, company):
    row = company.plan
    assert (row.ref, row.published_by, row.effective_from, row.period) == ("svc@1", company.hr1.id,
                                                                            date(2026, 3, 1), "month")
    assert len(row.hash) == 64
    assert tx(plan_store.get_plan, "svc@1") == row
    assert tx(plan_store.list_plans) == [row]
    assert tx(plan_store.in_force, "svc", parse_period("2026-05")) == row
    assert tx(plan_store.load, row).ref == "svc@1"


def test_identical_republish_returns_the_stored_version_without_audit(tx, company):
    before = tx(audit.count)
    again = tx(plan_store.publish, PLAN_TEXT + "\n# only a comment\n", "copy.toml", company.admin)
    assert again == company.plan and tx(audit.count) == before


def test_same_version_other_content_is_a_conflict(tx, company):
    changed = PLAN_TEXT.replace("rate = 0.10", "rate = 0.12")
    with pytest.raises(Conflict, match="version 2"):
        tx(plan_store.publish, changed, "changed.toml", company.hr1)


def test_lint_errors_are_refused_with_file_and_line(tx, company):
    broken = PLAN_TEXT.replace("rate = 0.10", 'rate = "ten"')
    with pytest.raises(Invalid, match=r"broken\.toml:\d+") as error:
        tx(plan_store.publish, broken, "broken.toml", company.hr1)
    assert error.value.problems


def test_overlapping_versions_are_refused(tx, company):
    v2 = PLAN_TEXT.replace("version = 1", "version = 2").replace("2026-03-01", "2026-06-01")
    with pytest.raises(Invalid, match="overlaps"):
        tx(plan_store.publish, v2, "v2.toml", company.hr1)


def test_who_may_publish_and_lookups(tx, company):
    with pytest.raises(Forbidden):
        tx(plan_store.publish, PLAN_TEXT, "plan.toml", company.ann)
    with pytest.raises(NotFound):
        tx(plan_store.get_plan, "svc@2")
    with pytest.raises(Invalid):
        tx(plan_store.get_plan, "svc")
    with pytest.raises(NotFound):
        tx(plan_store.in_force, "svc", parse_period("2026-01"))
