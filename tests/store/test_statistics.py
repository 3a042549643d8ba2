"""SQLite's planner statistics (`payplan.store.statistics`) and the skip-scan they allow.

The whole company's activity counts walk the (rep, kind, day) index once ANALYZE has
run (`aggregates.activity_counts`); the values must be those of SQLite's own plan and
of PostgreSQL, with and without the activity ids, in every scope and zone.
"""

import pytest
from sqlalchemy import event

from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import parse_period
from payplan.store import load_inputs
from payplan.store.aggregates import activity_counts, skip_scan_ready
from payplan.store.metrics import facts_span
from payplan.store.statistics import analyze, analyzed

MARCH = parse_period("2026-03")
SPECS = [MetricSpec(name) for name in CATALOG] + [
    MetricSpec("activities", kind="call"), MetricSpec("calls", scope="team"), MetricSpec("calls", scope="subtree")]
INDEX = "ix_activities_rep_kind"


def statements(engine):
    """The SQL the engine runs from now on (a list that fills)."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@pytest.mark.parametrize("ids", [False, True])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Kyiv", "America/New_York"])
def test_inputs_are_the_same_once_analyzed(company, ids, zone):
    with company.connect() as conn:
        before = load_inputs(conn, SPECS, MARCH, team_scope="team", activity_ids=ids, zone=zone)
    with company.begin() as conn:
        analyze(conn)
    with company.connect() as conn:
        assert skip_scan_ready(conn) == (company.dialect.name == "sqlite")
        after = load_inputs(conn, SPECS, MARCH, team_scope="team", activity_ids=ids, zone=zone)
    assert after == before
    if zone == "UTC":  # hand-counted from tests/store/data/company: A1's March calls are C1, C2 and C6
        assert (after["A1"].metrics["calls"].count, after["A1"].metrics["calls"].evidence) == (
            3, ("C1", "C2", "C6") if ids else ())


def test_the_index_is_named_only_where_statistics_allow_a_skip_scan(company):
    seen = statements(company)
    with company.connect() as conn:
        activity_counts(conn, MARCH, "self", None, ["call", ""])
    assert not any("INDEXED BY" in sql for sql in seen)  # no statistics yet: SQLite's own plan
    with company.begin() as conn:
        analyze(conn)
    seen.clear()
    with company.connect() as conn:
        activity_counts(conn, MARCH, "self", None, ["call", ""])
        activity_counts(conn, MARCH, "self", ["A1"], ["call"])  # a chunk's reps: seeks by rep anyway
        activity_counts(conn, facts_span(MARCH, "Europe/Kyiv"), "self", None, ["call"])  # edges read the row
        activity_counts(conn, MARCH, "team", None, ["call"])
    hinted = [sql for sql in seen if f"INDEXED BY {INDEX}" in sql]
    assert len(hinted) == (1 if company.dialect.name == "sqlite" else 0)


def test_analyze_writes_statistics_on_sqlite_only(company):
    with company.connect() as conn:
        assert not analyzed(conn, INDEX)
    with company.begin() as conn:
        analyze(conn)
    with company.connect() as conn:
        assert analyzed(conn, INDEX) == (company.dialect.name == "sqlite")
        assert not analyzed(conn, "ix_no_such_index")
