"""`payplan runs create | submit | approve | pay | reject | show | adjust`: the monthly run.

Each command is one transaction on behalf of `--as USER`, through the same
functions as the API, so segregation of duties holds here too. `create` and
`adjust` print the new run's number first. Must not hold business rules: they
live in `payplan.runs`.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import Connection

from payplan.cli.database import acting, as_user
from payplan.core.money import fmt
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.views import list_results


@click.group("runs")
def runs_group() -> None:
    """Pay runs: create, submit, approve, pay, reject, show, adjust."""


@runs_group.command("create")
@click.option("--plan", "plan_ref", required=True, metavar="ID@VERSION")
@click.option("--period", required=True)
@click.option("--idempotency-key", default=None, help="Running again with the same key creates no second run.")
@as_user
def runs_create(plan_ref: str, period: str, idempotency_key: str | None, as_name: str) -> None:
    """Evaluate every eligible rep into a new draft run; prints the run's number first."""
    run, count, total = acting(as_name, lambda conn, user: _with_totals(
        conn, runs.create_run(conn, plan_ref, period, user, idempotency_key)))
    click.echo(run.id)
    click.echo(f"draft run {run.id}: {run.plan_ref}, {run.period}, {count} reps, total {fmt(total)}")


@runs_group.command("adjust")
@click.argument("run_id", type=int)
@as_user
def runs_adjust(run_id: int, as_name: str) -> None:
    """Recompute approved run N on current facts into an adjustment run; prints its number first."""
    run, count, total = acting(as_name, lambda conn, user: _with_totals(
        conn, adjustments.create_adjustment(conn, run_id, user)))
    click.echo(run.id)
    click.echo(f"adjustment run {run.id} of run {run_id}: {count} reps, delta {fmt(total)}")


def _transition(name: str, move: Callable[..., runs.RunRow], help_text: str) -> None:
    @runs_group.command(name, help=help_text)
    @click.argument("run_id", type=int)
    @as_user
    def command(run_id: int, as_name: str) -> None:
        run = acting(as_name, lambda conn, user: move(conn, run_id, user))
        click.echo(f"run {run.id} is {run.state} (revision {run.revision})")


_transition("submit", runs.submit, "Send draft run N for approval.")
_transition("approve", runs.approve, "Approve submitted run N (not its submitter nor its plan's publisher).")
_transition("pay", runs.pay, "Mark approved run N as paid.")


@runs_group.command("reject")
@click.argument("run_id", type=int)
@click.option("--reason", required=True)
@as_user
def runs_reject(run_id: int, reason: str, as_name: str) -> None:
    """Return submitted run N to draft."""
    run = acting(as_name, lambda conn, user: runs.reject(conn, run_id, user, reason))
    click.echo(f"run {run.id} is {run.state} (revision {run.revision})")


@runs_group.command("show")
@click.argument("run_id", type=int)
@as_user
def runs_show(run_id: int, as_name: str) -> None:
    """Show run N and the results USER may see."""
    run, results = acting(as_name, lambda conn, user: (runs.get_run(conn, run_id),
                                                       list_results(conn, run_id, user)))
    click.echo(f"run {run.id}: {run.kind}, {run.plan_ref}, {run.period}, {run.state} (revision {run.revision})")
    if run.adjusts_run_id:
        click.echo(f"adjusts run {run.adjusts_run_id}")
    for label, value in (("inputs", run.inputs_hash), ("outputs", run.outputs_hash)):
        click.echo(f"{label} hash: {value}")
    for row in results:
        click.echo(f"  {row.rep_id:<12} {row.rep_name:<30} {fmt(row.total):>14}")


def _with_totals(conn: Connection, run: runs.RunRow) -> tuple[runs.RunRow, int, object]:
    count, total = runs.run_totals(conn, run.id)
    return run, count, total
