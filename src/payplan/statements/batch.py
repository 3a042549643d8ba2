"""Many statements at once, in worker processes, never rendering the same one twice.

Each statement's file name carries its result hash
(`AE01-2026-03-en-<hash12>.pdf`, see `calculation.result_hash`): a file already
there for the same hash is skipped, and older files of the same rep, period and
language (a recomputed run) are removed once the new one is written. Each
worker builds one `PdfRenderer` (parsed CSS, fonts) and writes its files
itself, atomically. Must not decide which reps get statements: callers do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import msgspec

from payplan.statements.calculation import Calculation, result_hash

_renderer = None
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Job(msgspec.Struct, frozen=True):
    calc: Calculation
    lang: str
    path: str


class BatchReport(msgspec.Struct):
    rendered: list[str] = []
    skipped: list[str] = []
    removed: list[str] = []


def file_name(calc: Calculation, lang: str) -> str:
    """`<rep>-<period>-<lang>-<hash12>.pdf`, the rep id made safe for a file name."""
    rep = _UNSAFE.sub("_", calc.result.rep_id).strip("._") or "rep"
    return f"{rep}-{calc.period}-{lang}-{result_hash(calc, lang)[:12]}.pdf"


def plan_jobs(calcs: Iterable[Calculation], out_dir: Path, lang: str, report: BatchReport) -> list[Job]:
    """The statements still to render; those already on disk are reported as skipped."""
    jobs = []
    for calc in calcs:
        path = out_dir / file_name(calc, lang)
        if path.exists():
            report.skipped.append(str(path))
        else:
            jobs.append(Job(calc, lang, str(path)))
    return jobs


def render_all(calcs: Iterable[Calculation], out_dir: str | Path, lang: str = "en", *,
               workers: int | None = None, progress: Callable[[str], None] | None = None) -> BatchReport:
    """Render every calculation's statement into `out_dir`; `progress(path)` after each."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    jobs = plan_jobs(calcs, out, lang, report)
    for path in report.skipped:
        progress and progress(path)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    for path in _run(jobs, workers):
        report.rendered.append(path)
        report.removed += remove_stale(Path(path))
        progress and progress(path)
    return report


def _run(jobs: list[Job], workers: int):
    """Paths as their statements are written: in this process for one worker, else a pool."""
    if workers == 1:
        _init()
        for job in jobs:
            yield _render(job)
        return
    with ProcessPoolExecutor(workers, initializer=_init) as pool:
        for future in as_completed([pool.submit(_render, job) for job in jobs]):
            yield future.result()


def _init() -> None:
    global _renderer
    if _renderer is None:
        from payplan.statements.pdf import PdfRenderer

        _renderer = PdfRenderer()


def _render(job: Job) -> str:
    """Write one statement atomically (temporary file, then rename); returns its path."""
    pdf = _renderer.statement(job.calc, job.lang)
    tmp = f"{job.path}.{os.getpid()}.part"
    with open(tmp, "wb") as handle:
        handle.write(pdf)
    os.replace(tmp, job.path)
    return job.path


def remove_stale(path: Path) -> list[str]:
    """Delete earlier statements of the same rep, period and language (other hashes)."""
    prefix = path.name.rsplit("-", 1)[0] + "-"
    stale = [p for p in path.parent.glob(f"{glob_escape(prefix)}*.pdf")
             if p != path and len(p.name) == len(path.name)]
    for p in stale:
        p.unlink(missing_ok=True)
    return [str(p) for p in stale]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
