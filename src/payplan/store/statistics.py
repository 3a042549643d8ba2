"""SQLite's planner statistics (ANALYZE): whether they exist, and keeping them.

SQLite plans without statistics unless ANALYZE has run, and without them it never
skip-scans an index whose first column is not constrained: the whole-company
activity counts (`aggregates.activity_counts`) then sort the period in a temporary
B-tree instead of walking the (rep, kind, day) index. `analyze` refreshes the
statistics after facts change (an import), reading a bounded sample of each index
(`ANALYSIS_LIMIT`) so its cost does not grow with the history. PostgreSQL keeps its
own (autovacuum): both functions do nothing there. Must not change any fact.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

ANALYSIS_LIMIT = 2000  # index rows sampled per index: enough for average rows per key


def analyzed(conn: Connection, index: str) -> bool:
    """SQLite has statistics for `index` (a row in sqlite_stat1)."""
    if conn.dialect.name != "sqlite":
        return False
    found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if found.first() is None:
        return False
    return conn.execute(text("SELECT 1 FROM sqlite_stat1 WHERE idx = :index"), {"index": index}).first() is not None


def analyze(conn: Connection) -> None:
    """Refresh SQLite's statistics of the fact tables, in the caller's transaction."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    for table in ("activities", "deals", "credits", "nps", "scores"):
        conn.exec_driver_sql(f"ANALYZE {table}")
