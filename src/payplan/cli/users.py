"""`payplan users`: the people who use payplan, their roles, passwords and API tokens.

`add` (prints the first token), `list`, `token NAME` (a new token), `tokens NAME` (their
ids and dates), `revoke NAME TOKEN_ID | --all`, `password NAME --password-stdin` and
`disable NAME` (offboarding: every token revoked, every session ended). A printed token
is alone on the last line. Must not hold business rules (`payplan.access`).
"""

from __future__ import annotations

import sys

import click

from payplan.access import credentials
from payplan.access.users import add_user, end_sessions, get_user
from payplan.cli.database import transaction
from payplan.cli.language import _, ngettext, numbers, table
from payplan.settings import get_settings
from payplan.store import audit
from payplan.store.service_schema import ROLES

OPERATOR = "cli"  # the audit log's actor for commands run by whoever holds the server's shell
days_option = click.option("--days", type=click.IntRange(1, 3650), default=None,
                           help="How long the token works (default PAYPLAN_TOKEN_DAYS, 90).")


@click.group("users")
def users() -> None:
    """Manage the people who use payplan."""


def _password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError(_("--password-stdin: no password on standard input"))
    return password


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--rep-id", default=None, help="The rep this user is (required for --role rep).")
@click.option("--password-stdin", is_flag=True,
              help="Read a login password from standard input (12+ characters, not a common one).")
@days_option
def users_add(name: str, role: str, rep_id: str | None, password_stdin: bool, days: int | None) -> None:
    """Add a user; prints their API token once, alone on the last line."""
    password = _password_from_stdin() if password_stdin else None
    days = days or get_settings().token_days
    token = transaction(lambda conn: add_user(conn, name, role, rep_id, password, token_days=days))
    click.echo(ngettext("added user %(name)s (%(role)s); their API token, valid %(num)s day, shown only now:",
                        "added user %(name)s (%(role)s); their API token, valid %(num)s days, shown only now:",
                        days, name=name, role=role))
    click.echo(token)


@users.command("list")
def users_list() -> None:
    """Every user: role, rep, password or not, disabled or not, working tokens."""
    entries = transaction(credentials.list_users)
    header = [_("Name"), _("Role"), _("Rep"), _("Password"), _("Tokens"), _("State")]
    rows = [[e.name, e.role, e.rep_id or "-", _("yes") if e.has_password else _("no"), e.active_tokens,
             _("disabled %(when)s", when=e.disabled_at) if e.disabled_at else _("active")] for e in entries]
    click.echo("\n".join(table([header, *rows], right=frozenset({4}))))


@users.command("token")
@click.argument("name")
@days_option
def users_token(name: str, days: int | None) -> None:
    """A new API token for NAME, printed once, alone on the last line."""
    days = days or get_settings().token_days
    token = transaction(lambda conn: credentials.issue_token(conn, name, OPERATOR, days))
    click.echo(ngettext("a new API token for %(name)s, valid %(num)s day, shown only now:",
                        "a new API token for %(name)s, valid %(num)s days, shown only now:", days, name=name))
    click.echo(token)


@users.command("tokens")
@click.argument("name")
def users_tokens(name: str) -> None:
    """NAME's tokens: id, made, expires, revoked (never the tokens themselves)."""
    when = numbers().iso_instant
    for t in transaction(lambda conn: credentials.list_tokens(conn, name)):
        state = _("revoked %(when)s", when=when(t.revoked_at)) if t.revoked_at else _("active")
        click.echo(f"{t.id:>6}  " + _("made %(made)s  expires %(expires)s", made=when(t.created_at),
                                      expires=when(t.expires_at)) + f"  {state}")


@users.command("revoke")
@click.argument("name")
@click.argument("token_id", type=click.IntRange(1), required=False)
@click.option("--all", "revoke_every", is_flag=True, help="Revoke every token NAME holds.")
def users_revoke(name: str, token_id: int | None, revoke_every: bool) -> None:
    """Revoke one token of NAME (its id from `payplan users tokens NAME`) or --all of them."""
    if (token_id is None) == (not revoke_every):
        raise click.UsageError(_("give a TOKEN_ID or --all (not both)"))
    if token_id is not None:
        transaction(lambda conn: credentials.revoke_token(conn, name, token_id, OPERATOR))
        click.echo(_("revoked token %(token)s of %(name)s", token=token_id, name=name))
        return

    def revoke_all(conn) -> int:
        count = credentials.revoke_all(conn, get_user(conn, name))
        audit.record(conn, OPERATOR, "token.revoke", f"user {name}", {"token": "all", "count": count})
        return count

    click.echo(ngettext("revoked %(num)s token of %(name)s", "revoked %(num)s tokens of %(name)s",
                        transaction(revoke_all), name=name))


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
def users_password(name: str, password_stdin: bool) -> None:
    """Set NAME's login password (12+ characters, not a common one); ends every session of theirs."""
    password = _password_from_stdin()
    transaction(lambda conn: credentials.set_password(conn, name, password, OPERATOR))
    click.echo(_("password of %(name)s changed; their sessions have ended", name=name))


@users.command("disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Offboard NAME: no login, every token revoked, every session ended at once."""
    revoked = transaction(lambda conn: credentials.disable_user(conn, name, OPERATOR))
    click.echo(ngettext("disabled %(name)s: %(num)s token revoked, every session ended",
                        "disabled %(name)s: %(num)s tokens revoked, every session ended", revoked, name=name))


@users.command("logout")
@click.argument("name")
def users_logout(name: str) -> None:
    """End every session NAME holds (their tokens keep working)."""
    def end(conn) -> None:
        end_sessions(conn, get_user(conn, name).id)
        audit.record(conn, OPERATOR, "user.logout", f"user {name}", {})

    transaction(end)
    click.echo(_("every session of %(name)s has ended", name=name))
