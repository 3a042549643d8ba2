"""Benchmark: one rep's progress (estimate and what moves the pay) on the demo company.

Seeds `payplan demo`'s company into a temporary SQLite database and times
`runs.progress.score_rep` + `runs.progress_report.build` for one rep and month (the
work behind `GET /me/progress`, without HTTP), `n` times; reports the median.
Must not touch any database but its own temporary one.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from payplan import demo
from payplan.core.periods import parse_period
from payplan.runs import progress
from payplan.runs.progress_report import build
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade


def run(n: int = 50, rep: str = "AE01", period: str = "2026-03") -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            demo.seed(conn)
        times = []
        with engine.connect() as conn:
            for _ in range(n + 3):  # the first few warm the plan cache and the statements
                start = time.perf_counter()
                build(conn, progress.score_rep(conn, rep, parse_period(period)))
                times.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    return {"median_ms": statistics.median(times[3:]), "n": n, "rep": rep, "period": period}
