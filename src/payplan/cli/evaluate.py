"""`payplan evaluate` and `payplan explain`: score reps from a plan file and fact files.

No database is needed: the fact files are imported into an in-memory SQLite
database and take the service's own path (`payplan.evaluation.pipeline`), which
returns the text to print and the exit code. Must not hold business rules.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
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
    from payplan.cli.language import current

    run_evaluate = _pipeline("run_evaluate")
    _finish(ctx, run_evaluate(plan=plan_path, data=data_dir, period=period, rep=rep_id, fmt=fmt, lang=current()))


@click.command()
@click.option("--plan", "plan_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--period", required=True)
@click.option("--rep", "rep_id", required=True)
@click.pass_context
def explain(ctx: click.Context, plan_path: Path, data_dir: Path, period: str, rep_id: str) -> None:
    """Explain one rep's pay for a period, step by step."""
    from payplan.cli.language import current

    run_explain = _pipeline("run_explain")
    _finish(ctx, run_explain(plan=plan_path, data=data_dir, period=period, rep=rep_id, lang=current()))


def _pipeline(name: str):
    try:
        from payplan.evaluation import pipeline
    except ImportError:
        raise click.ClickException(f"'{name}' is not available in this build (payplan.evaluation.pipeline is missing)") from None
    return getattr(pipeline, name)


def _finish(ctx: click.Context, outcome: tuple[str, int]) -> None:
    text, code = outcome
    if text:
        click.echo(text)
    ctx.exit(code)
