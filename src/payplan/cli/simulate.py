"""`payplan simulate`: what a proposed plan would have paid, next to the baseline (read only).

Plans are files (drafts) or published `ID@VERSION`s; facts come from `--data` or
the database at PAYPLAN_DATABASE_URL, opened read only. Must not hold business
rules: they live in `payplan.simulation`.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
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

    from payplan.cli.language import current
    from payplan.simulation import simulate as simulation
    from payplan.simulation.report import render

    amount = _amount(threshold)
    workers = os.cpu_count() or 1
    if data_dir is not None:
        plans_url = _settings_url() if simulation.needs_database(baseline, proposal) else None
        sim = simulation.simulate_data(data_dir, baseline, proposal, periods, amount, plans_url=plans_url,
                                       workers=workers)
    else:
        sim = simulation.simulate_database(_settings_url(), baseline, proposal, periods, amount, workers=workers)
    report = render(sim, fmt, current())  # HTML and PDF in `payplan --lang`; JSON and CSV in none
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
    from payplan.cli.database import database_url

    return database_url()
