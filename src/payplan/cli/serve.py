"""`payplan serve` and `payplan demo`: run the web service, or seed a demo company and serve it.

Neither has a default secret: on a non-loopback address PAYPLAN_SECRET (32+ characters) is
required, else the command exits 1 with a one-line reason; on loopback a random secret is
generated once beside the SQLite database (`payplan.access.server_secret`).
"""

from __future__ import annotations

import click

from payplan.cli.language import _


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--no-serve", is_flag=True, help="Seed the database and stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Seed a demo company into the default database and serve it."""
    from payplan import demo as seeding
    from payplan.cli.database import transaction
    from payplan.settings import get_settings
    from payplan.access.server_secret import secret_for
    from payplan.store.migrate import upgrade

    if not no_serve:
        secret_for(get_settings(), host)  # refuse before seeding, not after
    upgrade(get_settings().database_url)
    tokens = transaction(seeding.seed)
    click.echo(_("demo company seeded: users %(users)s (password '%(password)s'); runs 2026-01 paid, 2026-02 "
                 "approved, 2026-03 draft", users=", ".join(user[0] for user in seeding.USERS),
                 password=seeding.PASSWORD))
    where = f"http://{host}:{port}/signin"
    click.echo(_("once `payplan serve` runs, sign in at %(url)s as:", url=where) if no_serve
               else _("sign in at %(url)s as:", url=where))
    for name, role, _rep in seeding.USERS:
        click.echo(f"  {name} ({_(seeding.ROLES[role])}): {_(seeding.TRY[name], submitter='fiona')}")
    for name, token in tokens.items():
        click.echo(_("token for %(name)s: %(token)s", name=name, token=token))
    if not no_serve:
        serve.callback(host=host, port=port)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
def serve(host: str, port: int) -> None:
    """Run the web service on PAYPLAN_DATABASE_URL (GET /health answers when ready)."""
    import msgspec
    import uvicorn

    from payplan.access.server_secret import is_loopback, secret_for
    from payplan.app import create_app
    from payplan.cli.database import database_url
    from payplan.settings import get_settings

    settings = get_settings()
    if not is_loopback(host):
        secret_for(settings, host)  # off loopback, a missing secret is the first thing to say
    database_url()  # a fresh folder says so in one line (and no secret file is made there)
    settings = msgspec.structs.replace(settings, secret=secret_for(settings, host))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", proxy_headers=True)
