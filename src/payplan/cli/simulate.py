"""`payplan simulate`: what a proposed plan would have paid, next to the baseline (read only).

Plans are files (drafts) or published `ID@VERSION`s; facts come from `--data` or
the database at PAYPLAN_DATABASE_URL, opened read only. `--as USER` queues it as a job
(with PAYPLAN_JOBS=workers, or `--no-wait`), a plan file travelling as its text;
`--job N` writes a queued simulation's report. Must not hold business rules: they live
in `payplan.simulation`.
"""

from __future__ import annotations

from pathlib import Path

import click

from payplan.cli.database import transaction
from payplan.cli.language import _, ngettext, numbers
from payplan.cli.worker import queued_job
from payplan.i18n import N_
from payplan.simulation.job import enqueue_simulation


@click.command()
@click.option("--baseline", default=None, metavar="PLAN", help="Plan file or published ID@VERSION paid today.")
@click.option("--proposal", default=None, metavar="PLAN", help="Plan file (a draft) or ID@VERSION to try.")
@click.option("--periods", default=None, help="A range such as 2026-01..2026-06 (several: comma-separated).")
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
@click.option("--as", "as_name", default=None, metavar="USER",
              help="Queue it as a job on behalf of USER (hr, admin): with PAYPLAN_JOBS=workers (or --no-wait) "
                   "the workers compute it; the command waits for its report.")
@click.option("--no-wait", is_flag=True, help="With --as: queue the job, print its number at once (its report "
                                              "later: payplan simulate --job N).")
@click.option("--job", "job_id", type=int, default=None, metavar="N",
              help="The report of simulation job N, once the workers made it (no plans needed).")
def simulate(baseline: str | None, proposal: str | None, periods: str | None, data_dir: Path | None, fmt: str,
             output: Path | None, threshold: str, role: str, team: str, cross: bool, edits: tuple[str, ...],
             budget: str | None, lever: str | None, tolerance: str, scenarios: tuple[str, ...],
             as_name: str | None, no_wait: bool, job_id: int | None) -> None:
    """What PROPOSAL would have paid over past periods next to BASELINE, rep by rep (read only).

    One population is compared under both plans; reps only one plan covers are listed apart.
    """
    import os

    from payplan.cli.language import current
    from payplan.simulation import simulate as simulation

    if job_id is not None:
        return _write(_from_job(job_id), fmt, output)
    if not (baseline and proposal and periods):
        raise click.UsageError(_("give --baseline, --proposal and --periods (or --job N for a queued one)"))
    question = _question(threshold, role, team, cross, edits, budget, lever, tolerance, scenarios)
    workers = os.cpu_count() or 1
    if cross:  # said before anything else, whatever the format
        click.echo(_cross_notice(current()), err=True)
    if _queued(as_name, no_wait, data_dir):
        status = queued_job(as_name, no_wait, lambda conn, user: enqueue_simulation(
            conn, _given(baseline), _given(proposal), periods, question, user))
        if status is not None:
            _write(_from_job(status.id), fmt, output)
        return
    if data_dir is not None:
        plans_url = _settings_url() if simulation.needs_database(baseline, proposal) else None
        sim = simulation.simulate_data(data_dir, baseline, proposal, periods, question=question,
                                       plans_url=plans_url, workers=workers)
    else:
        sim = simulation.simulate_database(_settings_url(), baseline, proposal, periods, question=question,
                                           workers=workers)
    _write(sim, fmt, output)


def _write(sim, fmt: str, output: Path | None) -> None:
    """The report in `fmt` (HTML and PDF in `payplan --lang`; JSON and CSV in none), to `output` or stdout."""
    from payplan.cli.language import current
    from payplan.simulation.report import render

    report = render(sim, fmt, current())
    if output is not None:
        output.write_bytes(report)
        click.echo(ngettext("wrote %(file)s (%(num)s rep, cost change %(delta)s %(currency)s)",
                            "wrote %(file)s (%(num)s reps, cost change %(delta)s %(currency)s)",
                            len(sim.comparison.reps), file=str(output),
                            delta=numbers().amount(sim.comparison.totals.cost_delta), currency=sim.currency),
                   err=True)
    else:
        click.echo(report, nl=False)  # bytes go to stdout's buffer as they are


def _queued(as_name: str | None, no_wait: bool, data_dir: Path | None) -> bool:
    """Whether to queue the simulation: on behalf of a user (`--as`), with workers or `--no-wait`."""
    from payplan.settings import get_settings

    if no_wait and as_name is None:
        raise click.UsageError(_("--no-wait queues a job on someone's behalf: give --as USER"))
    queued = as_name is not None and (no_wait or get_settings().jobs == "workers")
    if queued and data_dir is not None:
        raise click.UsageError(_("a queued simulation reads the database's facts, not --data"))
    return queued


def _given(plan: str):
    """A plan argument as a job carries it: a published ID@VERSION, or a plan file's text (a draft)."""
    from payplan.simulation.drafts import DraftPlan
    from payplan.simulation.simulate import needs_database

    if needs_database(plan):
        return plan
    path = Path(plan)
    try:
        return DraftPlan(path.read_text(encoding="utf-8"), path.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(str(exc), param_hint="--baseline/--proposal") from None


def _from_job(job_id: int):
    """The simulation job `job_id` made; refused while it is computed or once it failed."""
    from payplan.errors import Conflict
    from payplan.runs.jobs import job_reason
    from payplan.simulation.job import simulation_of

    sim, reason = transaction(lambda conn: (simulation_of(conn, job_id), job_reason(conn, job_id)))
    if reason is not None:
        raise Conflict(N_("simulation %(job)s failed: %(error)s"), job=job_id, error=reason.phrase())
    if sim is None:
        raise Conflict(N_("simulation %(job)s is still being computed: payplan jobs show %(job)s"), job=job_id)
    return sim


def _question(threshold, role, team, cross, edits, budget, lever, tolerance, scenarios):
    from payplan.simulation.drafts import parse_edit
    from payplan.simulation.model import Budget, Question

    if (budget is None) != (lever is None):
        raise click.UsageError(_("--budget and --fit go together: the amount, and the parameter to fit to it"))
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
