"""`payplan users add`: the people who use payplan, with their roles and API tokens."""

from __future__ import annotations

import sys

import click

from payplan.access.users import add_user
from payplan.cli.database import transaction
from payplan.store.service_schema import ROLES


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
