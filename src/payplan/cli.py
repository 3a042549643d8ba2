"""The `payplan` command line (DESIGN §11 is its contract).

Each command is a thin edge: it reads arguments, calls the library and turns
Issues into printed lines and exit codes. `main()` never shows a traceback for
a user's mistake: usage errors exit 2, plan and data errors exit 1, each with
a message on stderr. Must not hold business rules: they live in `payplan.core`,
`payplan.plans` and `payplan.pipeline`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from payplan.core.issues import Issue
from payplan.core.lint import check_versions
from payplan.core.plan import Plan
from payplan.plans import PlanError, check_plan_text, load_plan, place, plan_diff, plan_hash, read_plan_file

_REF_IN_WHERE = re.compile(r"\(([^()]+@\d+)\)$")


class PlanFileError(click.ClickException):
    """A plan file that cannot be loaded, shown as its issues (exit 1)."""

    def __init__(self, error: PlanError) -> None:
        super().__init__("\n".join(str(i) for i in error.issues))

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="payplan")
def cli() -> None:
    """payplan: open, explainable incentive compensation for B2B sales teams."""


@cli.group()
def plans() -> None:
    """Lint, compare and publish plan files (plans as code)."""


@plans.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def plans_check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Lint plan files or directories of *.toml (default: plans/); exit 1 on any error."""
    files = _plan_files(paths or (Path("plans"),))
    loaded: list[tuple[str, str, Plan]] = []
    issues: list[Issue] = []
    for file in files:
        try:
            text = read_plan_file(file)
        except PlanError as exc:
            issues += exc.issues
            continue
        plan, found = check_plan_text(text, str(file))
        issues += found
        if plan is not None:
            loaded.append((str(file), text, plan))
    issues += _place_version_issues(check_versions([plan for _, _, plan in loaded]), loaded)
    for issue in issues:
        click.secho(str(issue), fg="red" if issue.severity == "error" else "yellow")
    errors = sum(i.severity == "error" for i in issues)
    click.echo(f"checked {_count(len(files), 'plan file')}: {_count(errors, 'error')}, "
               f"{_count(len(issues) - errors, 'warning')}")
    ctx.exit(1 if errors else 0)


@plans.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
def plans_diff(old: Path, new: Path) -> None:
    """Show what changed from plan version OLD to NEW, in plan terms."""
    try:
        before, after = load_plan(old), load_plan(new)
    except PlanError as exc:
        raise PlanFileError(exc) from None
    changes = plan_diff(before, after)
    click.echo(f"{before.ref} ({old}) → {after.ref} ({new})")
    for change in changes:
        click.echo(f"  {change}")
    if not changes:
        same = plan_hash(before) == plan_hash(after)
        click.echo("  no changes" + (" (same content hash)" if same else " (only in wording or order)"))


# --- evaluation: wired by the lead to payplan.pipeline -------------------------------
# LEAD: `payplan.pipeline.run_evaluate(plan=Path, data=Path, period=str, rep=str | None,
# fmt="json" | "table") -> tuple[str, int]` returns the text to print and the exit code;
# `run_explain(plan=Path, data=Path, period=str, rep=str) -> tuple[str, int]` likewise.
# Plan and data errors may be raised as PlanError or any payplan exception: main() prints
# them without a traceback and exits 1.


@cli.command()
@click.option("--plan", "plan_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Plan file (TOML).")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory of fact files (reps.csv, deals.csv, ...).")
@click.option("--period", required=True, help="2026-03, 2026-Q1 or a range 2026-01..2026-06.")
@click.option("--rep", "rep_id", default=None, help="Only this rep.")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
@click.pass_context
def evaluate(ctx: click.Context, plan_path: Path, data_dir: Path, period: str, rep_id: str | None,
             fmt: str) -> None:
    """Score reps on a plan for a period from fact files."""
    run_evaluate = _pipeline("run_evaluate")
    _finish(ctx, run_evaluate(plan=plan_path, data=data_dir, period=period, rep=rep_id, fmt=fmt))


@cli.command()
@click.option("--plan", "plan_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--period", required=True)
@click.option("--rep", "rep_id", required=True)
@click.pass_context
def explain(ctx: click.Context, plan_path: Path, data_dir: Path, period: str, rep_id: str) -> None:
    """Explain one rep's pay for a period, step by step."""
    run_explain = _pipeline("run_explain")
    _finish(ctx, run_explain(plan=plan_path, data=data_dir, period=period, rep=rep_id))


@cli.command()
@click.option("--baseline", required=True, metavar="PLAN", help="Plan file or published ID@VERSION paid today.")
@click.option("--proposal", required=True, metavar="PLAN", help="Plan file (a draft) or ID@VERSION to try.")
@click.option("--periods", required=True, help="A range such as 2026-01..2026-06 (several: comma-separated).")
@click.option("--data", "data_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Directory of fact files; default: the database at PAYPLAN_DATABASE_URL (read only).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html", "pdf"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--threshold", default="0", metavar="AMOUNT", show_default=True,
              help="Count a rep as gaining or losing only beyond this amount over the window.")
def simulate(baseline: str, proposal: str, periods: str, data_dir: Path | None, fmt: str,
             output: Path | None, threshold: str) -> None:
    """What PROPOSAL would have paid over past periods next to BASELINE, rep by rep (read only)."""
    import os

    from payplan import simulation
    from payplan.simulation_report import render

    amount = _amount(threshold)
    workers = os.cpu_count() or 1
    if data_dir is not None:
        plans_url = _settings_url() if simulation.needs_database(baseline, proposal) else None
        sim = simulation.simulate_data(data_dir, baseline, proposal, periods, amount, plans_url=plans_url,
                                       workers=workers)
    else:
        sim = simulation.simulate_database(_settings_url(), baseline, proposal, periods, amount, workers=workers)
    report = render(sim, fmt)
    if output is not None:
        output.write_bytes(report)
        click.echo(f"wrote {output} ({len(sim.comparison.reps)} reps, cost change "
                   f"{sim.comparison.totals.cost_delta} {sim.currency})", err=True)
    else:
        click.echo(report, nl=False)  # bytes go to stdout's buffer as they are


def _amount(text: str):
    from payplan.core.money import D, MoneyError

    try:
        return D(text.strip())
    except MoneyError as exc:
        raise click.BadParameter(str(exc), param_hint="--threshold") from None


def _settings_url() -> str:
    from payplan.settings import get_settings

    return get_settings().database_url


def _pipeline(name: str):
    try:
        from payplan import pipeline
    except ImportError:
        raise click.ClickException(f"'{name}' is not available in this build (payplan.pipeline is missing)") from None
    return getattr(pipeline, name)


def _finish(ctx: click.Context, outcome: tuple[str, int]) -> None:
    text, code = outcome
    if text:
        click.echo(text)
    ctx.exit(code)


# --- the service database: db, users, import, plans publish, runs, audit -------------
# (payplan.cli_service; each command is one transaction on PAYPLAN_DATABASE_URL)

def _add_service_commands() -> None:
    from payplan.cli_service import COMMANDS, plans_publish

    plans.add_command(plans_publish)
    for command in COMMANDS:
        cli.add_command(command)


_add_service_commands()


def _add_statement_commands() -> None:
    """`statement`, `statements` and `verify` (payplan.cli_statements)."""
    from payplan.cli_statements import COMMANDS

    for command in COMMANDS:
        cli.add_command(command)


_add_statement_commands()


# --- helpers -------------------------------------------------------------------------


def _plan_files(paths: tuple[Path, ...]) -> list[Path]:
    """Files given, plus every *.toml under directories given; usage error if none."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.rglob("*.toml"))
        elif path.exists():
            files.append(path)
        else:
            raise click.UsageError(f"no such file or directory: {path}")
    if not files:
        raise click.UsageError(f"no plan files (*.toml) in {', '.join(map(str, paths))}")
    return files


def _place_version_issues(issues: list[Issue], loaded: list[tuple[str, str, Plan]]) -> list[Issue]:
    """Put each version issue in the file(s) of the plan version it names (`... (ae@2)`)."""
    placed = []
    for issue in issues:
        match = _REF_IN_WHERE.search(issue.where)
        homes = [(source, text) for source, text, plan in loaded if match and plan.ref == match.group(1)]
        for source, text in homes:
            placed += place([issue], text, source)
        placed += [] if homes else [issue]
    return placed


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _is_user_error(exc: BaseException) -> bool:
    """payplan's own exception types and I/O failures are the user's to fix, not bugs."""
    return isinstance(exc, OSError) or type(exc).__module__.startswith("payplan.")


def _exit_code(exc: BaseException) -> int:
    """2 for a payplan `UsageError` (a request that cannot be answered as asked), else 1."""
    return 2 if any(k.__name__ == "UsageError" for k in type(exc).__mro__) else 1


@cli.command()
@click.option("--quick", is_flag=True, help="Small sizes: a smoke run in seconds, not the DESIGN figures.")
def bench(quick: bool) -> None:
    """Run the benchmark suite and print one table of figures."""
    from payplan.bench import suite

    click.echo(suite.render(suite.run(quick=quick, echo=lambda m: click.echo(m, err=True))))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--no-serve", is_flag=True, help="Seed the database and stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Seed a demo company into the default database and serve it."""
    from payplan import demo as seeding
    from payplan.cli_service import transaction
    from payplan.settings import get_settings
    from payplan.store.migrate import upgrade

    upgrade(get_settings().database_url)
    tokens = transaction(seeding.seed)
    click.echo(f"demo company seeded: users {', '.join(n for n, _, _ in seeding.USERS)} "
               f"(password '{seeding.PASSWORD}'); runs 2026-01 paid, 2026-02 approved, 2026-03 draft")
    for name, token in tokens.items():
        click.echo(f"token for {name}: {token}")
    if not no_serve:
        serve.callback(host=host, port=port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
def serve(host: str, port: int) -> None:
    """Run the web service on PAYPLAN_DATABASE_URL (GET /health answers when ready)."""
    import uvicorn

    from payplan.api import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI, map every user error to a message and exit code."""
    try:
        code = cli.main(args=argv, prog_name="payplan", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = 1
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except PlanError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        code = 1
    except Exception as exc:  # noqa: BLE001 - only user errors are caught, bugs re-raised
        if not _is_user_error(exc):
            raise
        click.echo(f"error: {exc}", err=True)
        code = _exit_code(exc)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
