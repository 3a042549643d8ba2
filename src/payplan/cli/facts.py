"""`payplan import DIR`: import fact files on a user's behalf (idempotent, all-or-nothing per file)."""

from __future__ import annotations

from pathlib import Path

import click

from payplan.cli.database import acting, as_user
from payplan.facts.audited import import_directory


@click.command("import")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@as_user
def import_cmd(directory: Path, as_name: str) -> None:
    """Import the fact files found in DIRECTORY (idempotent; all-or-nothing per file)."""
    counts = acting(as_name, lambda conn, user: import_directory(conn, directory, user))
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} new")
