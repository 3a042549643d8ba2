"""The workers benchmark at a tiny size: two real `payplan worker` processes make the whole run.

Nothing here is timed (speed is `payplan bench`'s business); the figures must be there and
the run must exist with one result per rep.
"""

from __future__ import annotations

from payplan.bench import suite, workers


def test_two_workers_make_the_whole_run_and_report_their_peaks(tmp_path):
    result = workers.run(reps=30, facts=1_500, workers=2, scale=2, cache_dir=str(tmp_path))
    for size, reps in (("small", 30), ("large", 60)):
        figures = result[size]
        assert (figures["state"], figures["reps_done"], figures["reps_total"], figures["results"]) == (
            "done", reps, reps, reps)
        assert len(figures["peaks_mib"]) == 2 and figures["peak_mib"] == max(figures["peaks_mib"]) > 0
    read = next(row[4] for row in suite.ROWS if row[0] == "payplan.bench.workers")
    figure, target = read(result)
    assert "30 reps" in figure and "60" in figure and "< 400 MiB" in target
