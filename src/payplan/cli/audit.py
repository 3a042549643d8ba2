"""`payplan audit verify | anchor | rekey`: check the keyed audit chain and the tables it vouches for.

`anchor` prints the head of the chain (SEQ:MAC) for finance to keep outside the
database; `verify --anchor SEQ:MAC` then detects a truncated or rewritten log and
lists the rows appended since. Must not hold business rules.
"""

from __future__ import annotations

import re

import click

from payplan.cli.database import transaction
from payplan.cli.language import _, ngettext
from payplan.store import audit

_ANCHOR = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


def _anchor(ctx: click.Context, param: click.Parameter, value: str | None) -> audit.Anchor | None:
    if value is None:
        return None
    found = _ANCHOR.match(value.strip().lower())
    if found is None:
        raise click.BadParameter(_("give SEQ:MAC as printed by `payplan audit anchor` (e.g. 42:3fa9…, 64 hex digits)"))
    return audit.Anchor(int(found.group(1)), found.group(2))


@click.group("audit")
def audit_group() -> None:
    """The keyed, hash-chained audit log."""


@audit_group.command("verify")
@click.option("--anchor", callback=_anchor, metavar="SEQ:MAC", default=None,
              help="The head finance kept from `payplan audit anchor`: detects truncation, names rows since.")
@click.pass_context
def audit_verify(ctx: click.Context, anchor: audit.Anchor | None) -> None:
    """Check the chain's MACs, the anchor, and every recorded digest against the tables; exit 1 on tampering."""
    report = transaction(lambda conn: audit.check(conn, anchor))
    said = lambda phrase: phrase.say(lambda message: _(message))  # noqa: E731 - the command's language
    for problem in report.problems:
        click.secho(said(problem), fg="red", err=True)
    if report.appended:
        click.echo(ngettext("%(num)s row appended after the anchor %(seq)s:", "%(num)s rows appended after the anchor %(seq)s:",
                            len(report.appended), seq=anchor.seq))
        for line in report.appended:
            click.echo(f"  {said(line)}")
    if not report.problems:
        sealed = _(", %(rows)s rows from before the key sealed", rows=report.legacy_rows) if report.legacy_rows else ""
        click.echo(_("audit log: %(rows)s rows, hash chain intact%(sealed)s; %(objects)s objects match their "
                     "recorded digests", rows=report.rows, sealed=sealed, objects=report.objects))
    ctx.exit(1 if report.problems else 0)


@audit_group.command("anchor")
def audit_anchor() -> None:
    """Print the head of the chain, SEQ:MAC, alone on its line: keep it outside the database."""
    head = transaction(audit.head)
    if head is None:
        raise click.ClickException(_("the audit log is empty: nothing to anchor yet"))
    click.echo(str(head))


@audit_group.command("rekey")
@click.option("--as", "as_name", default="system", metavar="USER", help="Named in the audit row.")
def audit_rekey(as_name: str) -> None:
    """Seal the log with the audit key: one row recording the digest of everything stored now.

    After upgrading a database whose log predates the key it writes "audit.rekey" (the
    first keyed write does it too); on a keyed log, "audit.seal": a repair made by hand,
    taken on deliberately and on the record.
    """
    row = transaction(lambda conn: audit.seal(conn, as_name))
    click.echo(_("audit row %(row)s: sealed", row=row))
