"""`payplan runs create | recompute | submit | approve | pay | reject | show | adjust`: the monthly run.

Each command is one transaction on behalf of `--as USER`, through the same
functions as the API, so segregation of duties holds here too. `create` and
`adjust` print the new run's number first (`recompute` the run's); with
PAYPLAN_JOBS=workers or `--no-wait`, `create` and `recompute` queue a job
(`payplan.cli.worker`). Must not hold business rules: they live in `payplan.runs`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import Connection

from payplan.cli.database import acting, as_user, transaction
from payplan.cli.language import KINDS, STATES, _, a_period, current, ngettext, numbers, table, word
from payplan.cli.worker import queued_job
from payplan.i18n import N_
from payplan.runs import adjustments, export
from payplan.runs.jobs import enqueue_run
from payplan.runs.recompute import recompute
from payplan.runs.adjust_job import enqueue_adjustment
from payplan.runs.recompute_job import enqueue_recompute
from payplan.runs import lifecycle as runs
from payplan.runs.review import flag_name, review
from payplan.runs.views import SEE_ALL, list_results
from payplan.settings import get_settings


_WORKERS = click.option("--workers", type=click.IntRange(min=1), default=None,
                        help="Processes computing the run here (default: one per core).")


def _processes(workers: int | None) -> int:
    """`--workers`, else the cores this process may run on."""
    if workers:
        return workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@click.group("runs")
def runs_group() -> None:
    """Pay runs: create, recompute, submit, approve, pay, reject, show, adjust."""


@runs_group.command("create")
@click.option("--plan", "plan_ref", required=True, metavar="ID@VERSION")
@click.option("--period", required=True)
@click.option("--idempotency-key", default=None, help="Running again with the same key creates no second run.")
@click.option("--no-wait", is_flag=True, help="Queue the job and print its number at once (see: payplan jobs show N).")
@_WORKERS
@as_user
def runs_create(plan_ref: str, period: str, idempotency_key: str | None, as_name: str, no_wait: bool = False,
                workers: int | None = None) -> None:
    """Evaluate every eligible rep into a new draft run; prints the run's number first.

    With PAYPLAN_JOBS=local (the default) the run is computed here, in one transaction, chunk
    by chunk over `--workers` processes (default: one per core); with
    PAYPLAN_JOBS=workers it is a job for `payplan worker`, waited for with its progress on stderr.
    `--no-wait` queues the job and prints its number first (on the default, a local worker
    process computes it)."""
    if no_wait or get_settings().jobs == "workers":
        run_id = _as_job(as_name, no_wait, lambda conn, user: enqueue_run(conn, plan_ref, period, user,
                                                                           idempotency_key))
        if run_id is None:
            return
        run, count, total = transaction(lambda conn: _with_totals(conn, runs.get_run(conn, run_id)))
    else:
        run, count, total = acting(as_name, lambda conn, user: _with_totals(
            conn, runs.create_run(conn, plan_ref, period, user, idempotency_key, _processes(workers))))
    _draft_lines(run, count, total)


@runs_group.command("recompute")
@click.argument("run_id", type=int)
@click.option("--no-wait", is_flag=True, help="Queue the job and print its number at once (see: payplan jobs show N).")
@_WORKERS
@as_user
def runs_recompute(run_id: int, as_name: str, no_wait: bool = False, workers: int | None = None) -> None:
    """Evaluate draft run N again on the current facts; prints the run's number first.

    As `runs create`: here, in one transaction, by default; a job for `payplan worker`, waited
    for, with PAYPLAN_JOBS=workers; with `--no-wait`, the job's number first."""
    if no_wait or get_settings().jobs == "workers":
        if _as_job(as_name, no_wait, lambda conn, user: enqueue_recompute(conn, run_id, user)) is None:
            return
        run, count, total = transaction(lambda conn: _with_totals(conn, runs.get_run(conn, run_id)))
    else:
        run, count, total = acting(as_name, lambda conn, user: _with_totals(
            conn, recompute(conn, run_id, user, processes=_processes(workers))))
    _draft_lines(run, count, total)


def _as_job(as_name: str, no_wait: bool, enqueue: Callable[..., int]) -> int | None:
    """Queue a job on behalf of `as_name`; with `no_wait` print its number (a local worker computes it on
    the default) and give None, else wait for the workers and give the run it made or recomputed."""
    status = queued_job(as_name, no_wait, enqueue)
    return None if status is None else status.run_id


def _draft_lines(run: runs.RunRow, count: int, total: object) -> None:
    click.echo(run.id)
    click.echo(_("draft run %(run)s: %(plan)s, %(period)s, %(reps)s, total %(total)s", run=run.id, plan=run.plan_ref,
                 period=run.period, reps=_reps(count), total=numbers().amount(total)))


@runs_group.command("adjust")
@click.argument("run_id", type=int)
@click.option("--no-wait", is_flag=True, help="Queue the job and print its number at once (see: payplan jobs show N).")
@as_user
def runs_adjust(run_id: int, as_name: str, no_wait: bool = False) -> None:
    """Recompute approved run N on current facts into an adjustment run; prints its number first.

    As `runs create`: here by default; a job for `payplan worker`, waited for, with
    PAYPLAN_JOBS=workers; with `--no-wait`, the job's number first."""
    if no_wait or get_settings().jobs == "workers":
        made = _as_job(as_name, no_wait, lambda conn, user: enqueue_adjustment(conn, run_id, user))
        if made is None:
            return
        run, count, total = transaction(lambda conn: _with_totals(conn, runs.get_run(conn, made)))
    else:
        run, count, total = acting(as_name, lambda conn, user: _with_totals(
            conn, adjustments.create_adjustment(conn, run_id, user)))
    click.echo(run.id)
    click.echo(_("adjustment run %(run)s of run %(of)s: %(reps)s, delta %(delta)s", run=run.id, of=run_id,
                 reps=_reps(count), delta=numbers().amount(total)))


def _transition(name: str, move: Callable[..., runs.RunRow], help_text: str) -> None:
    @runs_group.command(name, help=help_text)
    @click.argument("run_id", type=int)
    @as_user
    def command(run_id: int, as_name: str) -> None:
        run = acting(as_name, lambda conn, user: move(conn, run_id, user))
        click.echo(_state_line(run))


_transition("submit", runs.submit, N_("Send draft run N for approval."))
_transition("approve", runs.approve, N_("Approve submitted run N (not its submitter nor its plan's publisher)."))
_transition("pay", runs.pay, N_("Mark approved run N as paid."))


@runs_group.command("reject")
@click.argument("run_id", type=int)
@click.option("--reason", required=True)
@as_user
def runs_reject(run_id: int, reason: str, as_name: str) -> None:
    """Return submitted run N to draft."""
    run = acting(as_name, lambda conn, user: runs.reject(conn, run_id, user, reason))
    click.echo(_state_line(run))


def _state_line(run: runs.RunRow) -> str:
    return _("run %(run)s is %(state)s (revision %(revision)s)", run=run.id, state=word(STATES, run.state),
             revision=run.revision)


def _reps(count: int) -> str:
    return ngettext("%(num)s rep", "%(num)s reps", count)


@runs_group.command("show")
@click.argument("run_id", type=int)
@as_user
def runs_show(run_id: int, as_name: str) -> None:
    """Show run N: its state, total, flags and the results USER may see."""
    settings = get_settings()
    run, results, checked = acting(as_name, lambda conn, user: _shown(conn, run_id, user, settings))
    amount = numbers().amount
    click.echo(_("run %(run)s: %(kind)s, %(plan)s, %(period)s, %(state)s (revision %(revision)s)", run=run.id,
                 kind=word(KINDS, run.kind), plan=run.plan_ref, period=run.period, state=word(STATES, run.state),
                 revision=run.revision))
    if run.adjusts_run_id:
        click.echo(_("adjusts run %(run)s", run=run.adjusts_run_id))
    if run.rejected_reason:
        click.echo(_("rejected: %(reason)s", reason=run.rejected_reason))
    click.echo(_("inputs hash: %(hash)s", hash=run.inputs_hash))
    click.echo(_("outputs hash: %(hash)s", hash=run.outputs_hash))
    if checked is not None:
        click.echo(_total_line(checked, amount))
        flagged = ", ".join(f"{flag_name(current(), flag, settings.flag_pay_up, settings.flag_pay_down)} {n}"
                            for flag, n in checked.counts.items() if n)
        click.echo(_("flags: %(flags)s", flags=flagged or _("none")))
    for row in results:
        click.echo(f"  {row.rep_id:<12} {row.rep_name:<30} {amount(row.total):>14}")


def _total_line(checked, amount) -> str:
    """The run's total, and its change against the last approved run of the period before."""
    if checked.change is None:
        return _("total: %(total)s", total=amount(checked.total))
    change = ("+" if checked.change > 0 else "") + amount(checked.change)
    return _("total: %(total)s (%(change)s against run %(run)s)", total=amount(checked.total), change=change,
             run=checked.previous_run_id)


def _shown(conn: Connection, run_id: int, user, settings):
    """The run, the results `user` may see, and the review when `user` may see every rep."""
    run = runs.get_run(conn, run_id)
    checked = (review(conn, run, up=settings.flag_pay_up, down=settings.flag_pay_down)
               if user.role in SEE_ALL else None)
    return run, list_results(conn, run_id, user), checked


@runs_group.command("list")
@click.option("--period", default=None, callback=a_period, help="Only runs of this period (2026-03).")
@click.option("--state", "run_state", type=click.Choice(["draft", "submitted", "approved", "paid"]), default=None)
def runs_list(period: str | None, run_state: str | None) -> None:
    """List runs, newest first, with their state, head count and total."""
    rows = transaction(lambda conn: [(r, *runs.run_totals(conn, r.id))
                                     for r in runs.list_runs(conn, period=period, state=run_state, limit=10_000)])
    if not rows:
        # an empty list is an answer, not an error: said on stderr, exit 0
        state = word(STATES, run_state) if run_state else ""
        said = (_("no runs for %(period)s in state %(state)s", period=period, state=state) if period and state
                else _("no runs for %(period)s", period=period) if period
                else _("no runs in state %(state)s", state=state) if state else _("no runs"))
        click.echo(said, err=True)
        return
    amount = numbers().amount
    header = [_("Run"), _("Kind"), _("Plan"), _("Period"), _("State"), _("Reps"), _("Total")]
    lines = table([header, *([run.id, word(KINDS, run.kind), run.plan_ref, run.period, word(STATES, run.state), count,
                              amount(total or 0)] for run, count, total in rows)], right=frozenset({0, 5, 6}))
    click.echo("\n".join(lines))


@runs_group.command("export")
@click.argument("run_id", type=int)
@click.option("--format", "fmt_name", type=click.Choice(["csv", "json", "journal"]), default="csv", show_default=True,
              help="csv: one row per rep; json: reps and lines; journal: the accrual entries (CSV).")
@click.option("--lines", is_flag=True, help="With --format csv: the long form, one row per line of pay.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def runs_export(run_id: int, fmt_name: str, lines: bool, output: Path | None) -> None:
    """Export approved or paid run N for payroll (rows per rep or per line) or the GL journal."""
    exported = transaction(lambda conn: export.payroll(conn, runs.get_run(conn, run_id)))
    if fmt_name == "json":
        data = export.payroll_json(exported)
    else:
        writer = export.journal_csv if fmt_name == "journal" else export.lines_csv if lines else export.payroll_csv
        data = writer(exported).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
        return
    output.write_bytes(data)
    click.echo(_("wrote %(file)s: run %(run)s, %(reps)s, total %(total)s %(currency)s", file=output, run=run_id,
                 reps=_reps(len(exported.reps)), total=numbers().amount(exported.total), currency=exported.currency),
               err=True)


def _with_totals(conn: Connection, run: runs.RunRow) -> tuple[runs.RunRow, int, object]:
    count, total = runs.run_totals(conn, run.id)
    return run, count, total
