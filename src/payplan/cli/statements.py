"""The `payplan statement`, `payplan statements` and `payplan verify` commands.

A statement comes from fact files (`--plan --data --period`, works without a
database) or from a run in the service database (`--run N`). `statements`
renders every rep of a run in worker processes with a progress bar, skipping
statements already rendered for the same result hash. `verify` exits 0 and
prints "match" when the signature holds and the embedded calculation re-computes
to the printed figures, else exits 1 naming what differs; `keys show` prints the
public key that checks the signatures. Must not hold business
rules: errors are raised as payplan errors and mapped by `payplan.cli.main.main`.
"""

from __future__ import annotations

from pathlib import Path

import click

from payplan.cli import language
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
            raise click.UsageError("give either --run or --plan/--data/--period, not both")
        from payplan.cli.database import transaction
        from payplan.statements.from_run import run_calculations

        return transaction(lambda conn: run_calculations(conn, run_id, rep_id))
    if not (plan_path and data_dir and period):
        raise click.UsageError("give --run N, or all of --plan FILE --data DIR --period P")
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
        raise click.ClickException(f"no statement for rep {rep_id}")
    calc = found[0]
    output.write_bytes(PdfRenderer().statement(calc, lang))
    click.echo(f"{output}: {calc.result.rep_id}, {calc.period}, total {calc.result.total} {calc.result.currency}")


def _merged(plan_id: str, period: str | None, rep_id: str, other: object, lang: str, output: Path) -> None:
    """`statement --plan-id ID --period P`: every version's part of the period, on one statement."""
    from payplan.cli.database import transaction
    from payplan.statements.merged import period_parts, total
    from payplan.statements.pdf import PdfRenderer

    if other or not period:
        raise click.UsageError("give --plan-id ID with --period P, without --run, --plan or --data")
    parts = transaction(lambda conn: period_parts(conn, rep_id, plan_id, period))
    output.write_bytes(PdfRenderer().merged(parts, lang))
    runs = ", ".join(f"run {p.calc.run.number} ({p.calc.plan.ref})" for p in parts)
    click.echo(f"{output}: {rep_id}, {period}, total {total(parts)} {parts[0].calc.result.currency} from {runs}")


@click.command("statements")
@run_option
@with_file_options
@lang_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the PDF files.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
def statements(run_id: int | None, plan_path: Path | None, data_dir: Path | None, period: str | None,
               lang: str, out_dir: Path, workers: int | None) -> None:
    """Print every rep's statement of a run into a directory, in parallel."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from payplan.statements.batch import render_all

    found = calculations(run_id, plan_path, data_dir, period, None)
    columns = (TextColumn("statements"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("statements", total=len(found))
        report = render_all(found, out_dir, lang, workers=workers, progress=lambda _: bar.advance(task))
    click.echo(f"{out_dir}: {len(report.rendered)} rendered, {len(report.skipped)} already up to date"
               + (f", {len(report.removed)} outdated removed" if report.removed else ""))


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
    click.echo(verdict.text(str(pdf)))
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
    return Verdict(False, verdict.total, verdict.differences + differences)


@click.group("keys")
def keys() -> None:
    """The installation's statement signing key."""


@keys.command("show")
def keys_show() -> None:
    """Print the public key that checks this installation's statements (PEM), to publish."""
    from payplan.statements.signing import fingerprint, installation_private_key, public_pem

    public = installation_private_key().public_key()
    click.echo(f"payplan statement signing key, Ed25519, fingerprint {fingerprint(public)}", err=True)
    click.echo(public_pem(public), nl=False)


COMMANDS = [statement, statements, verify, keys]
