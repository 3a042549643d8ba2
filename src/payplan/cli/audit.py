"""`payplan audit verify`: check the hash-chained audit log."""

from __future__ import annotations

import click

from payplan.cli.database import transaction
from payplan.store import audit


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
