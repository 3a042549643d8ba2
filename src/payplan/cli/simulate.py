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
@click.option("--role", default="", metavar="ROLE", help="Compare the reps of this role (default: every rep "
              "either plan covers).")
@click.option("--team", default="", metavar="TEAM", help="Compare the reps of this team.")
@click.option("--cross-population", "cross", is_flag=True,
              help="Allow plans for different populations (different roles); the report is labelled as such.")
@click.option("--set", "edits", multiple=True, metavar="PARAMETER=VALUE",
              help="Change a parameter of the proposal first, e.g. bonus.kpis.demos.weight=10%. Repeatable.")
@click.option("--budget", default=None, metavar="AMOUNT", help="Fit --fit so the proposal's cost over the "
              "window meets this amount.")
@click.option("--fit", "lever", default=None, metavar="PARAMETER",
              help="The parameter to fit to --budget: COMPONENT.target_incentive, COMPONENT.tiers.N.rate, "
                   "COMPONENT.rate or multiplier.")
@click.option("--tolerance", default="1", metavar="AMOUNT", show_default=True,
              help="How close to --budget the fitted cost must come.")
@click.option("--scenario", "scenarios", multiple=True, metavar="SHIFTS",
              help="Score both plans on history shifted by e.g. 'demos +10%' or 'EMEA: lead_conversion -2pts; "
                   "deal_size +5%'. Repeatable.")
def simulate(baseline: str, proposal: str, periods: str, data_dir: Path | None, fmt: str,
             output: Path | None, threshold: str, role: str, team: str, cross: bool, edits: tuple[str, ...],
             budget: str | None, lever: str | None, tolerance: str, scenarios: tuple[str, ...]) -> None:
    """What PROPOSAL would have paid over past periods next to BASELINE, rep by rep (read only).

    One population is compared under both plans; reps only one plan covers are listed apart.
    """
    import os

    from payplan.cli.language import current
    from payplan.simulation import simulate as simulation
    from payplan.simulation.report import render

    question = _question(threshold, role, team, cross, edits, budget, lever, tolerance, scenarios)
    workers = os.cpu_count() or 1
    if cross:  # said before anything else, whatever the format
        click.echo(_cross_notice(current()), err=True)
    if data_dir is not None:
        plans_url = _settings_url() if simulation.needs_database(baseline, proposal) else None
        sim = simulation.simulate_data(data_dir, baseline, proposal, periods, question=question,
                                       plans_url=plans_url, workers=workers)
    else:
        sim = simulation.simulate_database(_settings_url(), baseline, proposal, periods, question=question,
                                           workers=workers)
    report = render(sim, fmt, current())  # HTML and PDF in `payplan --lang`; JSON and CSV in none
    if output is not None:
        output.write_bytes(report)
        click.echo(f"wrote {output} ({len(sim.comparison.reps)} reps, cost change "
                   f"{sim.comparison.totals.cost_delta} {sim.currency})", err=True)
    else:
        click.echo(report, nl=False)  # bytes go to stdout's buffer as they are


def _question(threshold, role, team, cross, edits, budget, lever, tolerance, scenarios):
    from payplan.simulation.drafts import parse_edit
    from payplan.simulation.model import Budget, Question

    if (budget is None) != (lever is None):
        raise click.UsageError("--budget and --fit go together: the amount, and the parameter to fit to it")
    fitted = None if budget is None else Budget(_amount(budget, "--budget"), lever, _amount(tolerance, "--tolerance"))
    return Question(role=role, team=team, cross_population=cross, edits=[parse_edit(e) for e in edits],
                    budget=fitted, scenarios=list(scenarios), threshold=_amount(threshold, "--threshold"))


def _cross_notice(lang: str) -> str:
    from payplan.i18n import gettext
    from payplan.simulation.report import CROSS_NOTICE

    return gettext(lang, CROSS_NOTICE)


def _amount(text: str, option: str = "--threshold"):
    from payplan.core.money import D, MoneyError

    try:
        return D(text.strip())
    except MoneyError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _settings_url() -> str:
    from payplan.cli.database import database_url

    return database_url()
