"""Ownership is enforced in the query: a rep sees only themself, a manager their team."""

from __future__ import annotations

import pytest

from payplan.errors import NotFound
from payplan.runs import lifecycle as runs
from payplan.runs.views import get_result, list_results


@pytest.fixture
def approved(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, run.id, company.fin1)
    return tx(runs.approve, run.id, company.fin2)


def reps_seen(tx, run_id, viewer):
    return [r.rep_id for r in tx(list_results, run_id, viewer)]


def test_rep_sees_only_their_own(tx, company, approved):
    assert reps_seen(tx, approved.id, company.ann) == ["A1"]
    assert tx(get_result, approved.id, "A1", company.ann).result is not None
    with pytest.raises(NotFound):
        tx(get_result, approved.id, "A2", company.ann)


def test_manager_sees_their_team_recursively(tx, company, approved):
    assert reps_seen(tx, approved.id, company.maya) == ["A1", "A2", "A3"]  # M1 has no result (not an AE)
    assert reps_seen(tx, approved.id, company.ben) == ["A2", "A3"]  # A3 reports to A2
    with pytest.raises(NotFound):
        tx(get_result, approved.id, "B1", company.maya)
    with pytest.raises(NotFound):
        tx(get_result, approved.id, "A1", company.ben)


def test_finance_hr_admin_see_everyone(tx, company, approved):
    for viewer in (company.fin1, company.hr1, company.admin):
        assert reps_seen(tx, approved.id, viewer) == ["A1", "A2", "A3", "B1"]


def test_reps_do_not_see_drafts_and_missing_is_not_found(tx, company):
    draft = tx(runs.create_run, "svc@1", "2026-04", company.fin1)
    assert reps_seen(tx, draft.id, company.ann) == []
    with pytest.raises(NotFound):
        tx(get_result, draft.id, "A1", company.ann)
    with pytest.raises(NotFound):
        tx(get_result, 999, "A1", company.fin1)
