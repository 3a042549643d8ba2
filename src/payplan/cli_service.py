"""The `payplan` commands that work on the service database (DESIGN §11).

`db upgrade`, `users add`, `import`, `plans publish`, `runs create|submit|approve|
pay|reject|show|adjust` and `audit verify`, against PAYPLAN_DATABASE_URL. Commands
that change shared state take `--as USER`; the same permission and
segregation-of-duties rules apply as in the API, because these commands call the
same functions. Each command is one transaction. Must not hold business rules;
errors are raised as payplan errors and mapped to exit codes by `payplan.cli.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import Connection

from payplan import adjustments, audit, plan_store, runs
from payplan.core.money import fmt
from payplan.fact_import import import_directory
from payplan.plans import read_plan_file
from payplan.run_views import list_results
from payplan.settings import get_settings
from payplan.store.db import make_engine
from payplan.store.service_schema import ROLES
from payplan.users import User, add_user, get_user

as_user = click.option("--as", "as_name", required=True, metavar="USER",
                       help="The user on whose behalf this is done (named in the audit log).")


def transaction(work: Callable[[Connection], object]) -> object:
    """Run `work` in one transaction on the configured database."""
    engine = make_engine(get_settings().database_url)
    try:
        with engine.begin() as conn:
            return work(conn)
    finally:
        engine.dispose()


def acting(name: str, work: Callable[[Connection, User], object]) -> object:
    return transaction(lambda conn: work(conn, get_user(conn, name)))


@click.group("db")
def db() -> None:
    """Create and migrate the database (PAYPLAN_DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create the tables or migrate them to the newest revision (alembic upgrade head)."""
    from payplan.store.migrate import upgrade  # alembic loads only for this command

    url = get_settings().database_url
    upgrade(url)
    click.echo(f"database at {_safe(url)} is up to date")


@click.group("users")
def users() -> None:
    """Manage the people who use payplan."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--rep-id", default=None, help="The rep this user is (required for --role rep).")
@click.option("--password-stdin", is_flag=True, help="Read a login password from standard input.")
def users_add(name: str, role: str, rep_id: str | None, password_stdin: bool) -> None:
    """Add a user; prints their API token once, alone on the last line."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise click.UsageError("--password-stdin: no password on standard input")
    token = transaction(lambda conn: add_user(conn, name, role, rep_id, password))
    click.echo(f"added user {name} ({role}); their API token, shown only now:")
    click.echo(token)


@click.command("import")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@as_user
def import_cmd(directory: Path, as_name: str) -> None:
    """Import the fact files found in DIRECTORY (idempotent; all-or-nothing per file)."""
    counts = acting(as_name, lambda conn, user: import_directory(conn, directory, user))
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} new")


@click.command("publish")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@as_user
def plans_publish(files: tuple[Path, ...], as_name: str) -> None:
    """Publish plan versions into the database (all or none)."""
    texts = [(read_plan_file(f), str(f)) for f in files]
    rows = acting(as_name, lambda conn, user: [plan_store.publish(conn, t, s, user) for t, s in texts])
    for row in rows:
        click.echo(f"{row.ref} {row.hash[:12]} ({row.source_name})")


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


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the audit log's hash chain; exit 1 when a row was edited, deleted or reordered."""
    problems, rows = transaction(lambda conn: (audit.verify(conn), audit.count(conn)))
    for problem in problems:
        click.secho(problem, fg="red", err=True)
    if not problems:
        click.echo(f"audit log: {rows} rows, hash chain intact")
    ctx.exit(1 if problems else 0)


def _with_totals(conn: Connection, run: runs.RunRow) -> tuple[runs.RunRow, int, object]:
    count, total = runs.run_totals(conn, run.id)
    return run, count, total


def _safe(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


COMMANDS = (db, users, import_cmd, runs_group, audit_group)
