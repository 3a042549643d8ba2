"""Many statements at once, in worker processes, never losing or overwriting a file it did not write.

A statement's file name is a readable slug of the rep id plus a short hash of the
exact id, then its run (or period), language and result hash:
`ZZ_1-1f0c0ab3b2-run12-en-<hash12>.pdf` (`file_name`). The slug keeps Unicode
letters and digits as they are (`Олег` stays `Олег`): readable to the people the
statements are for, with no transliteration table to choose and maintain; the
id hash makes ids that share a slug (`ZZ/1`, `ZZ_1`) distinct. `manifest.json`
in the folder lists every file the batch wrote, with its rep, run, language and
result hash: a statement already there for the same result hash is skipped, and
the only files ever deleted are manifest entries replaced by a newer result for
the same run, rep and language, after the new file and manifest are written.
Any other file in the folder is never touched. Each worker builds one
`PdfRenderer` and writes its files atomically. Must not decide which reps get
statements: callers do.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

import msgspec

from payplan.errors import Conflict, Invalid
from payplan.i18n import N_
from payplan.statements.calculation import Calculation, encode, result_hash

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "payplan-statements-manifest/1"
FLUSH_EVERY = 50  # rendered files between manifest writes (a killed batch loses at most these entries)
_renderer = None
_NOT_WORD = re.compile(r"[\W_]+")


class Job(msgspec.Struct, frozen=True):
    calc: Calculation
    lang: str
    path: str


class Entry(msgspec.Struct, frozen=True):
    """One file the batch wrote: whose statement it is, of which run (or period) and result."""

    file: str
    rep_id: str
    source: str  # "run 12", or the period of a statement from fact files
    lang: str
    result_hash: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.rep_id, self.lang)


class Manifest(msgspec.Struct):
    format: str = MANIFEST_FORMAT
    files: list[Entry] = []


class BatchReport(msgspec.Struct):
    rendered: list[str] = []
    skipped: list[str] = []
    removed: list[str] = []


def slug(rep_id: str, limit: int = 32) -> str:
    """The id's letters and digits (any script, NFC), runs of anything else as one `_`."""
    text = _NOT_WORD.sub("_", unicodedata.normalize("NFC", rep_id)).strip("_")
    return text[:limit].rstrip("_") or "rep"


def id_hash(rep_id: str) -> str:
    """10 hex digits of SHA-256 of the exact id (UTF-8): tells apart ids with one slug."""
    return hashlib.sha256(rep_id.encode()).hexdigest()[:10]


def source_of(calc: Calculation) -> str:
    return f"run {calc.run.number}" if calc.run.number is not None else calc.period


def file_name(calc: Calculation, lang: str) -> str:
    """`<slug>-<id hash>-<run N or period>-<lang>-<hash12>.pdf`."""
    rep = calc.result.rep_id
    where = f"run{calc.run.number}" if calc.run.number is not None else calc.period
    return f"{slug(rep)}-{id_hash(rep)}-{where}-{lang}-{result_hash(calc, lang)[:12]}.pdf"


def entry(calc: Calculation, lang: str) -> Entry:
    return Entry(file_name(calc, lang), calc.result.rep_id, source_of(calc), lang, result_hash(calc, lang))


def read_manifest(out: Path) -> Manifest:
    """The folder's manifest (empty when there is none); Invalid when it is not one."""
    path = out / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        manifest = msgspec.json.decode(path.read_bytes(), type=Manifest)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise Invalid(N_("%(path)s is not a payplan statements manifest (%(error)s): move it away"),
                      path=str(path), error=str(exc)) from None
    if manifest.format != MANIFEST_FORMAT:
        raise Invalid(N_("%(path)s: unknown manifest format %(format)r"), path=str(path), format=manifest.format)
    return manifest


def write_manifest(out: Path, entries: dict[tuple[str, str, str], Entry]) -> None:
    """Atomically: a temporary file renamed over the manifest; entries sorted for stable bytes."""
    manifest = Manifest(files=sorted(entries.values(), key=lambda e: (e.source, e.rep_id, e.lang)))
    tmp = out / f"{MANIFEST}.{os.getpid()}.part"
    tmp.write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=1) + b"\n")
    os.replace(tmp, out / MANIFEST)


def plan_jobs(calcs: Iterable[Calculation], out: Path, lang: str, listed: dict[tuple[str, str, str], Entry],
              report: BatchReport) -> tuple[list[Job], dict[str, Entry]]:
    """The statements still to render (and their entries by path); those on disk are skipped."""
    jobs, new, names = [], {}, {e.file for e in listed.values()}
    for calc in calcs:
        e = entry(calc, lang)
        path = out / e.file
        if e.file in new:
            raise Conflict(N_("two statements of this batch would be written to %(file)s"), file=e.file)
        if listed.get(e.key) == e and path.exists():
            report.skipped.append(str(path))
            continue
        if path.exists() and e.file not in names and not _same_content(path, calc):
            raise Conflict(N_("%(path)s exists and was not written by this batch (not in %(manifest)s): move it away"),
                           path=str(path), manifest=MANIFEST)
        jobs.append(Job(calc, lang, str(path)))
        new[str(path)] = e
    return jobs, new


def _same_content(path: Path, calc: Calculation) -> bool:
    """Whether a file not in the manifest is this statement (a batch stopped before listing it)."""
    from payplan.statements.pdf import read_attachment

    try:
        return read_attachment(path) == encode(calc)
    except Exception:  # noqa: BLE001 - anything unreadable is not ours
        return False


def render_all(calcs: Iterable[Calculation], out_dir: str | Path, lang: str = "en", *,
               workers: int | None = None, progress: Callable[[str], None] | None = None) -> BatchReport:
    """Render every calculation's statement into `out_dir`; `progress(path)` after each."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    with _locked(out):
        listed = {e.key: e for e in read_manifest(out).files}
        jobs, new = plan_jobs(calcs, out, lang, listed, report)
        for path in report.skipped:
            progress and progress(path)
        replaced: list[Entry] = []
        try:
            for done, path in enumerate(_run(jobs, max(1, min(workers or os.cpu_count() or 1, len(jobs)))), 1):
                e = new[path]
                if e.key in listed and listed[e.key].file != e.file:
                    replaced.append(listed[e.key])
                listed[e.key] = e
                report.rendered.append(path)
                if done % FLUSH_EVERY == 0:
                    write_manifest(out, listed)
                progress and progress(path)
        finally:
            if report.rendered:  # an unchanged folder is left as it is, manifest included
                write_manifest(out, listed)
        report.removed = remove_replaced(out, replaced, listed)
    return report


def remove_replaced(out: Path, replaced: list[Entry], listed: dict[tuple[str, str, str], Entry]) -> list[str]:
    """Delete files of replaced manifest entries that no current entry names."""
    current = {e.file for e in listed.values()}
    removed = []
    for old in replaced:
        path = out / old.file
        if old.file not in current and path.exists():
            path.unlink()
            removed.append(str(path))
    return removed


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """One batch at a time per folder (the manifest is read, then rewritten).

    A POSIX record lock (`lockf`), not `flock`: the render pool's forked workers would inherit
    an flock with the open file and could hold it past the batch, refusing the next one."""
    with open(out / f".{MANIFEST}.lock", "a+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # EAGAIN or EACCES: held by another process
            raise Conflict(N_("another statements batch is writing to %(folder)s"), folder=str(out)) from None
        yield


def _run(jobs: list[Job], workers: int) -> Iterator[str]:
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
