"""An import on a user's behalf leaves SQLite's planner statistics fresh (`payplan.store.statistics`)."""

import shutil

from sqlalchemy import text

from payplan.access.users import get_user
from payplan.facts.audited import import_directory
from payplan.store.statistics import analyzed
from tests.service_db import DATA, company, db_url, engine, tx  # noqa: F401 - fixtures


def activity_rows(tx) -> int:
    """The activities sqlite_stat1 counted (its first number), or 0."""
    stat = tx(lambda conn: conn.execute(text(
        "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_activities_rep_kind'")).scalar())
    return int(stat.split()[0])


def test_an_import_refreshes_the_statistics(company, tx, engine, tmp_path):
    # the test company has no activities: SQLite has no statistics of their index yet
    assert not tx(analyzed, "ix_activities_rep_kind")
    for n in (2, 5):
        lines = [f"N{n}-{i},A1,call,2026-03-{10 + i}" for i in range(n)]
        shutil.copy(DATA / "facts" / "reps.csv", tmp_path)
        (tmp_path / "activities.csv").write_text("activity_id,rep_id,kind,occurred_at\n" + "\n".join(lines) + "\n")
        assert tx(import_directory, tmp_path, tx(get_user, "admin"))["activities"] == n
        assert tx(analyzed, "ix_activities_rep_kind") == (engine.dialect.name == "sqlite")
        if engine.dialect.name == "sqlite":
            assert activity_rows(tx) == {2: 2, 5: 7}[n]
