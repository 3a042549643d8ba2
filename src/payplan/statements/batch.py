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
`PdfRenderer` and writes its files atomically. Statements rendered elsewhere (a
`statements.batch` job's files) are written the same way (`write_rendered`), their
manifest entries the same as if rendered here. Must not decide which reps get
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
from payplan.statements.calculation import Calculation, attachment_hash, encode, result_hash

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "payplan-statements-manifest/1"
FLUSH_EVERY = 50  # rendered files between manifest writes (a killed batch loses at most these entries)
_renderer = None
_NOT_WORD = re.compile(r"[\W_]+")


class Job(msgspec.Struct, frozen=True):
    """One statement to render. `data` is the calculation's exact bytes, encoded here: a
    `Calculation` pickled to a pool process no longer omits its default values (msgspec
    omits a default by identity), so it would encode to other bytes than its file name's
    and the manifest's result hash, which were computed from these."""

    calc: Calculation
    lang: str
    path: str
    data: bytes


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
    return run_source(calc.run.number) if calc.run.number is not None else calc.period


def run_source(number: int) -> str:
    return f"run {number}"


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


class _Folder:
    """One batch's writes into a folder: what the manifest lists, what is new, what was replaced."""

    def __init__(self, out: Path, listed: dict[tuple[str, str, str], Entry]) -> None:
        self.out, self.listed, self.report = out, listed, BatchReport()
        self.names = {e.file for e in listed.values()}
        self.new: dict[str, Entry] = {}
        self.replaced: list[Entry] = []

    def plan(self, e: Entry, same: Callable[[Path], bool]) -> str | None:
        """The path to write `e` to; None when it is on disk already (skipped). `same(path)` says
        whether a file there that the manifest does not list is this very statement."""
        path = self.out / e.file
        if str(path) in self.new:
            raise Conflict(N_("two statements of this batch would be written to %(file)s"), file=e.file)
        if self.listed.get(e.key) == e and path.exists():
            self.report.skipped.append(str(path))
            return None
        if path.exists() and e.file not in self.names and not same(path):
            raise Conflict(N_("%(path)s exists and was not written by this batch (not in %(manifest)s): move it away"),
                           path=str(path), manifest=MANIFEST)
        self.new[str(path)] = e
        return str(path)

    def written(self, path: str) -> None:
        """A planned file is on disk: list it (the manifest is written every `FLUSH_EVERY` files)."""
        e = self.new[path]
        if e.key in self.listed and self.listed[e.key].file != e.file:
            self.replaced.append(self.listed[e.key])
        self.listed[e.key] = e
        self.report.rendered.append(path)
        if len(self.report.rendered) % FLUSH_EVERY == 0:
            write_manifest(self.out, self.listed)


@contextmanager
def folder(out_dir: str | Path) -> Iterator[_Folder]:
    """A batch into `out_dir`, one at a time per folder: the manifest written at the end (if anything
    was written, even when the batch fails) and, when it succeeded, the replaced files removed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        batch = _Folder(out, {e.key: e for e in read_manifest(out).files})
        try:
            yield batch
        finally:
            if batch.report.rendered:  # an unchanged folder is left as it is, manifest included
                write_manifest(out, batch.listed)
        batch.report.removed = remove_replaced(out, batch.replaced, batch.listed)


def _same_content(path: Path, attachment: bytes) -> bool:
    """Whether a file not in the manifest is this statement (a batch stopped before listing it)."""
    from payplan.statements.pdf import read_attachment

    try:
        return read_attachment(path) == attachment
    except Exception:  # noqa: BLE001 - anything unreadable is not ours
        return False


def render_all(calcs: Iterable[Calculation], out_dir: str | Path, lang: str = "en", *,
               workers: int | None = None, progress: Callable[[str], None] | None = None) -> BatchReport:
    """Render every calculation's statement into `out_dir`; `progress(path)` after each."""
    with folder(out_dir) as batch:
        jobs = [Job(calc, lang, path, encode(calc)) for calc in calcs
                if (path := batch.plan(entry(calc, lang), lambda p, c=calc: _same_content(p, encode(c))))]
        for path in batch.report.skipped:
            progress and progress(path)
        for path in _run(jobs, max(1, min(workers or os.cpu_count() or 1, len(jobs)))):
            batch.written(path)
            progress and progress(path)
    return batch.report


def write_rendered(files: Iterable[tuple[Entry, bytes]], out_dir: str | Path,
                   progress: Callable[[str], None] | None = None) -> BatchReport:
    """Write statements rendered elsewhere (a job's files: `(entry, pdf)`, one at a time) into
    `out_dir`, as `render_all` writes what it renders; `progress(path)` after each."""
    from payplan.statements.pdf import read_attachment

    with folder(out_dir) as batch:
        for e, pdf in files:
            path = batch.plan(e, lambda p: _same_content(p, read_attachment(pdf)))
            if path is not None:
                write_atomically(path, pdf)
                batch.written(path)
            progress and progress(path or str(batch.out / e.file))
    return batch.report


def pdf_entry(name: str, rep_id: str, source: str, lang: str, pdf: bytes) -> Entry:
    """The manifest entry of a statement PDF rendered elsewhere (its result hash from its attachment)."""
    from payplan.statements.pdf import read_attachment

    return Entry(name, rep_id, source, lang, attachment_hash(read_attachment(pdf) or b"", lang))


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
        for job in jobs:
            yield _render(job)
        return
    with ProcessPoolExecutor(workers, initializer=renderer) as pool:
        for future in as_completed([pool.submit(_render, job) for job in jobs]):
            yield future.result()


def renderer():
    """This process's `PdfRenderer`, built at the first call and reused."""
    global _renderer
    if _renderer is None:
        from payplan.statements.pdf import PdfRenderer

        _renderer = PdfRenderer()
    return _renderer


def _render(job: Job) -> str:
    """Write one statement atomically; returns its path."""
    write_atomically(job.path, renderer().statement(job.calc, job.lang, job.data))
    return job.path


def write_atomically(path: str, data: bytes) -> None:
    """A temporary file beside `path`, renamed over it."""
    tmp = f"{path}.{os.getpid()}.part"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
