"""EX-draw-start: a range evaluation equals the periods evaluated one by one (each replays
the history from the plan's start, so the opening balance is carried in exactly once)."""

from __future__ import annotations

from pathlib import Path

from payplan.evaluation.pipeline import evaluate_files

FOLDER = Path(__file__).parent / "EX-draw-start"


def test_range_equals_period_by_period():
    whole = evaluate_files(FOLDER / "plan.toml", FOLDER / "facts", "2026-01..2026-04")
    ranged = {(r.rep_id, r.period): (r.total, r.state.draw_balance) for r in whole.results}
    single = {}
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        for r in evaluate_files(FOLDER / "plan.toml", FOLDER / "facts", month).results:
            single[(r.rep_id, r.period)] = (r.total, r.state.draw_balance)
    assert ranged == single
    assert len(ranged) >= 7
