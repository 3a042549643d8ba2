"""The `payplan statement`, `payplan statements` and `payplan verify` commands.

A statement comes from fact files (`--plan --data --period`, works without a
database) or from a run in the service database (`--run N`). `statements`
renders every rep of a run in worker processes with a progress bar, skipping
statements already rendered for the same result hash (with PAYPLAN_JOBS=workers or
`--no-wait`, a `statements.batch` job for `payplan worker`, its files then written the
same way). `verify` exits 0 and
prints "match" when the signature holds and the embedded calculation re-computes
to the printed figures, else exits 1 naming what differs; `keys show` prints the
public key that checks the signatures. Must not hold business
rules: errors are raised as payplan errors and mapped by `payplan.cli.main.main`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from payplan.cli import language
from payplan.cli.worker import jobs_group, start_local_worker, wait_for
from payplan.statements import LANGUAGES

lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                           callback=lambda ctx, param, value: value or language.current(),
                           help="Language of the statement (default: `payplan --lang`, else the locale).")
run_option = click.option("--run", "run_id", type=int, default=None, help="A run in the service database.")
file_options = [
    click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Plan file (TOML), instead of --run."),
    click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="Directory of fact files, with --plan."),
    click.option("--period", default=None, help="One period (2026-03), with --plan."),
]


def with_file_options(command):
    for option in reversed(file_options):
        command = option(command)
    return command


def calculations(run_id: int | None, plan_path: Path | None, data_dir: Path | None, period: str | None,
                 rep_id: str | None) -> list:
    """The calculations asked for: from a run, or from a plan file and fact files."""
    from payplan.statements import calculation

    if run_id is not None:
        if plan_path or data_dir or period:
            raise click.UsageError(language._("give either --run or --plan/--data/--period, not both"))
        from payplan.cli.database import transaction
        from payplan.statements.from_run import run_calculations

        return transaction(lambda conn: run_calculations(conn, run_id, rep_id))
    if not (plan_path and data_dir and period):
        raise click.UsageError(language._("give --run N, or all of --plan FILE --data DIR --period P"))
    return calculation.from_files(plan_path, data_dir, period, [rep_id] if rep_id else None)


@click.command("statement")
@run_option
@with_file_options
@click.option("--plan-id", "plan_id", default=None,
              help="A plan id in the service database, with --period: the rep's statement for the period, "
                   "one part per plan version in force in it.")
@click.option("--rep", "rep_id", required=True, help="The rep whose statement to print.")
@lang_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write.")
def statement(run_id: int | None, plan_path: Path | None, data_dir: Path | None, period: str | None,
              plan_id: str | None, rep_id: str, lang: str, output: Path) -> None:
    """Print one rep's pay statement as a PDF with its calculation embedded."""
    from payplan.statements.pdf import PdfRenderer

    if plan_id is not None:
        return _merged(plan_id, period, rep_id, run_id or plan_path or data_dir, lang, output)
    found = calculations(run_id, plan_path, data_dir, period, rep_id)
    if not found:
        raise click.ClickException(language._("no statement for rep %(rep)s", rep=rep_id))
    calc = found[0]
    output.write_bytes(PdfRenderer().statement(calc, lang))
    click.echo(language._("%(file)s: %(rep)s, %(period)s, total %(total)s %(currency)s", file=output,
                          rep=calc.result.rep_id, period=calc.period,
                          total=language.numbers().amount(calc.result.total), currency=calc.result.currency))


def _merged(plan_id: str, period: str | None, rep_id: str, other: object, lang: str, output: Path) -> None:
    """`statement --plan-id ID --period P`: every version's part of the period, on one statement."""
    from payplan.cli.database import transaction
    from payplan.statements.merged import period_parts, total
    from payplan.statements.pdf import PdfRenderer

    if other or not period:
        raise click.UsageError(language._("give --plan-id ID with --period P, without --run, --plan or --data"))
    parts = transaction(lambda conn: period_parts(conn, rep_id, plan_id, period))
    output.write_bytes(PdfRenderer().merged(parts, lang))
    runs = ", ".join(language._("run %(run)s (%(plan)s)", run=p.calc.run.number, plan=p.calc.plan.ref) for p in parts)
    click.echo(language._("%(file)s: %(rep)s, %(period)s, total %(total)s %(currency)s from %(runs)s", file=output,
                          rep=rep_id, period=period, total=language.numbers().amount(total(parts)),
                          currency=parts[0].calc.result.currency,
                          runs=runs))


@click.command("statements")
@run_option
@with_file_options
@lang_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the PDF files.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--as", "as_name", default=None, metavar="USER",
              help="With --run, when the statements are a job (PAYPLAN_JOBS=workers, or --no-wait): "
                   "the user who asks for them (admin, finance or HR).")
@click.option("--no-wait", is_flag=True, help="With --run: queue the statements as a job and print its number "
                                                "at once (then: payplan jobs files N -o DIR).")
def statements(run_id: int | None, plan_path: Path | None, data_dir: Path | None, period: str | None,
               lang: str, out_dir: Path, workers: int | None, as_name: str | None, no_wait: bool) -> None:
    """Print every rep's statement of a run into a directory, in parallel.

    With PAYPLAN_JOBS=workers, `--run N` queues the statements as a job for `payplan worker`,
    waits for it with its progress on stderr, then writes the files; `--no-wait` queues it and
    prints the job's number first (on the default, a local worker process renders them)."""
    from payplan.statements.batch import render_all

    from payplan.settings import get_settings

    if run_id is not None and (no_wait or get_settings().jobs == "workers"):
        return _as_job(run_id, lang, out_dir, as_name, no_wait)
    if no_wait:
        raise click.UsageError(language._("--no-wait queues the statements of a run: give --run N"))
    found = calculations(run_id, plan_path, data_dir, period, None)
    with _bar(len(found)) as advance:
        report = render_all(found, out_dir, lang, workers=workers, progress=advance)
    summary(out_dir, report)


@contextmanager
def _bar(total: int):
    """A transient progress bar of `total` statements; yields the function that advances it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(language._("statements")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("statements", total=total)
        yield lambda _path: bar.advance(task)


def summary(out_dir: Path, report) -> None:
    said = language._("%(folder)s: %(rendered)s rendered, %(skipped)s already up to date", folder=out_dir,
                      rendered=len(report.rendered), skipped=len(report.skipped))
    removed = language._(", %(removed)s outdated removed", removed=len(report.removed)) if report.removed else ""
    click.echo(said + removed)


def _as_job(run_id: int, lang: str, out_dir: Path, as_name: str | None, no_wait: bool) -> None:
    from payplan.cli.database import acting
    from payplan.cli.language import _
    from payplan.jobs.statements import enqueue_statements

    if as_name is None:
        raise click.UsageError(_("give --as USER: the statements of a run are queued as a job on their behalf"))
    job_id = acting(as_name, lambda conn, user: enqueue_statements(conn, run_id, lang, user))
    if no_wait:
        start_local_worker()
        click.echo(job_id)
        click.echo(_("job %(job)s queued: payplan jobs files %(job)s -o DIR", job=job_id))
        return
    write_job_files(wait_for(job_id).id, out_dir)


@jobs_group.command("files")
@click.argument("job_id", type=int)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the PDF files.")
def jobs_files(job_id: int, out_dir: Path) -> None:
    """Write the statements done job N rendered into a directory, as `payplan statements` does."""
    write_job_files(job_id, out_dir)


def write_job_files(job_id: int, out_dir: Path) -> None:
    """A done statements job's files into `out_dir`, as `payplan statements` writes them
    (read on one read transaction: the workers may go on writing meanwhile)."""
    from payplan.cli.database import database_url
    from payplan.jobs.statements import statement_files
    from payplan.runs.jobs import job_status
    from payplan.statements.batch import write_rendered
    from payplan.store.db import make_engine
    from payplan.store.transaction import unit_of_work

    engine = make_engine(database_url())
    try:
        total = unit_of_work(engine, job_status, job_id, write=False).files
        with _bar(total) as advance:
            report = unit_of_work(engine, lambda conn: write_rendered(statement_files(conn, job_id), out_dir,
                                                                      progress=advance), write=False)
    finally:
        engine.dispose()
    summary(out_dir, report)


@click.command("verify")
@click.argument("pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="The installation's public key (PEM, from `payplan keys show`); "
                                 "default: this installation's own.")
@click.option("--database", is_flag=True, help="Also compare with the run stored in the database.")
@click.pass_context
def verify(ctx: click.Context, pdf: Path, public_key: Path | None, database: bool) -> None:
    """Check a statement's signature, re-compute it, and compare the printed figures; exit 1 on any difference."""
    from payplan.statements.signing import load_public_key
    from payplan.statements.verify import verify_file

    try:
        key = load_public_key(public_key) if public_key is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--public-key") from None
    verdict = verify_file(pdf, key)
    if database:
        verdict = _with_database(pdf, verdict)
    total = language.numbers().amount(verdict.total) if verdict.total is not None else None
    click.echo(verdict.text(str(pdf), lambda message: language._(message), total))
    ctx.exit(0 if verdict.ok else 1)


def _with_database(pdf: Path, verdict):
    from payplan.cli.database import transaction
    from payplan.statements.against_run import run_differences
    from payplan.statements.calculation import decode
    from payplan.statements.pdf import read_attachment
    from payplan.statements.verify import Verdict

    raw = read_attachment(pdf.read_bytes()) if verdict.total is not None else None
    if raw is None:
        return verdict
    differences = transaction(lambda conn: run_differences(conn, decode(raw)))
    if not differences:
        return verdict
    return Verdict(False, verdict.total, verdict.problems + differences)


@click.group("keys")
def keys() -> None:
    """The installation's statement signing key."""


@keys.command("show")
def keys_show() -> None:
    """Print the public key that checks this installation's statements (PEM), to publish."""
    from payplan.statements.signing import fingerprint, installation_private_key, public_pem

    public = installation_private_key().public_key()
    click.echo(language._("payplan statement signing key, Ed25519, fingerprint %(fingerprint)s",
                          fingerprint=fingerprint(public)), err=True)
    click.echo(public_pem(public), nl=False)


COMMANDS = [statement, statements, verify, keys]
