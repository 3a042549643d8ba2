"""`payplan import DIR` and `payplan import --mapping M EXPORT [--check]`: import facts on a user's behalf.

A directory holds payplan's own fact files; an export (a CRM's CSV or XLSX) is read
through a mapping file (docs/importing.md). Both are idempotent and all or nothing;
`--check` imports nothing and says what would be imported, what is skipped and why,
and the first problems (exit 1 when there are any). Must stay thin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from payplan.cli.database import acting, as_user
from payplan.cli.language import _, ngettext
from payplan.cli.worker import changed_rows, new_rows, queued_job
from payplan.facts.audited import import_directory
from payplan.facts.changes import FactChange, counts
from payplan.facts.imports import CHANGED_ROW
from payplan.facts.problems import FactError
from payplan.i18n import N_
from payplan.facts.mapped_imports import MappedReport, import_mapped
from payplan.facts.mapping import load_mapping
from payplan.jobs.imports import directory_files, enqueue_import, enqueue_mapped
from payplan.settings import get_settings


@click.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path), metavar="DIR|EXPORT")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A mapping file (mappings/X.toml): SOURCE is then a CRM export read through it.")
@click.option("--check", is_flag=True, help="With --mapping: import nothing, say what would be imported.")
@click.option("--no-wait", is_flag=True, help="Queue the import as a job and print the job's number at once "
                                              "(see: payplan jobs show N).")
@click.option("--update", is_flag=True, help="Record rows the CRM changed since they were imported (a deal won, "
                                             "lost or cancelled since) instead of refusing the file; each change "
                                             "is printed and audited.")
@as_user
def import_cmd(source: Path, mapping: Path | None, check: bool, as_name: str, no_wait: bool = False,
               update: bool = False) -> None:
    """Import the fact files in DIR, or a CRM EXPORT through --mapping (idempotent; all or nothing).

    With PAYPLAN_JOBS=workers an import is a job for `payplan worker` (its files, and the mapping's,
    are sent with it), waited for; `--no-wait` queues it and prints the job's number first."""
    if mapping is None:
        if check or not source.is_dir():
            raise click.UsageError(_("give a directory of fact files, or an export with --mapping"))
        files = directory_files(source)
        changes: list[FactChange] = []
        with _update_hint():
            if no_wait or get_settings().jobs == "workers":
                counts = _as_job(as_name, no_wait, lambda conn, user: enqueue_import(conn, files, user, update=update))
            else:
                counts = acting(as_name, lambda conn, user: import_directory(conn, source, user,
                                                                             changes if update else None))
        _say(counts)
        _say_changes(changes)
        return
    if source.is_dir():
        raise click.UsageError(_("with --mapping, give the export file, not a directory"))
    _import_export(source, mapping, check, as_name, no_wait, update)


def _import_export(source: Path, mapping: Path, check: bool, as_name: str, no_wait: bool, update: bool) -> None:
    """A CRM export through `mapping`: checked or imported here, or imported as a job."""
    if no_wait and check:
        raise click.UsageError(_("--check says now what an import would do: it is not queued"))
    data = source.read_bytes()
    if (no_wait or get_settings().jobs == "workers") and not check:
        _say(_as_job(as_name, no_wait, lambda conn, user: enqueue_mapped(conn, mapping, source.name, data, user,
                                                                         update=update)))
        return
    loaded = load_mapping(mapping)
    with _update_hint():
        report: MappedReport = acting(as_name, lambda conn, user: import_mapped(  # type: ignore[assignment]
            conn, loaded, source.name, data, user, check, lambda message: _(message), update))
    _show(report)
    _say_changes(report.changed, report.checked_only)
    if report.problem_count:
        raise SystemExit(1)


@contextmanager
def _update_hint() -> Iterator[None]:
    """A file refused for a row the CRM changed since its import says how to record the change."""
    try:
        yield
    except FactError as exc:
        if any(p.message == CHANGED_ROW for p in exc.problems):
            exc.hint = N_("to record the CRM's changes to rows already imported, import again with --update")
        raise


def _as_job(as_name: str, no_wait: bool, enqueue) -> dict[str, int] | None:
    """Queue the import; with `no_wait` print the job's number (a local worker imports it on the
    default) and give None, else wait for the workers, say how many stored rows it changed, and
    give the new rows per kind."""
    status = queued_job(as_name, no_wait, enqueue)
    if status is None:
        return None
    for kind, count in status.changed.items():
        click.echo(changed_rows(kind, count))
    return status.imported


def _say(counts: dict[str, int] | None) -> None:
    """The new rows per kind (nothing after --no-wait: the job's number was said)."""
    for kind, count in (counts or {}).items():
        click.echo(new_rows(kind, count))


def _say_changes(changes: list[FactChange], checked: bool = False) -> None:
    """Each row the import changed (or, `checked`, would change), column by column (an empty value
    said as such)."""
    for kind, count in counts(changes).items():
        click.echo(ngettext("%(kind)s: %(num)s row would change", "%(kind)s: %(num)s rows would change", count,
                            kind=kind) if checked else
                   changed_rows(kind, count))
    for c in changes:
        click.echo("  " + _("%(key)s, %(column)s: %(before)s → %(now)s", key=c.key, column=c.column,
                            before=c.before or _("empty"), now=c.now or _("empty")))


def _show(report: MappedReport) -> None:
    if report.problem_count:
        click.echo(_("%(file)s through %(mapping)s v%(version)s: %(count)s problems, nothing would be imported; "
                     "the first:", file=report.file, mapping=report.mapping, version=report.version,
                     count=report.problem_count), err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        return
    line = (_("%(kind)s: %(rows)s rows would be imported (%(new)s new), %(skipped)s skipped") if report.checked_only
            else _("%(kind)s: %(rows)s rows imported (%(new)s new), %(skipped)s skipped"))
    click.echo(f"{report.file} ({report.mapping} v{report.version}) → "
               + line % {"kind": report.kind, "rows": report.imported, "new": report.inserted,
                         "skipped": len(report.skipped)})
    for skipped in report.skipped:
        click.echo("  " + _("row %(row)s skipped: %(reason)s", row=skipped.row, reason=skipped.reason))
