"""The server's secret: required off loopback, generated once beside a SQLite database otherwise.

There is no default secret. `secret_for(settings, host)` returns PAYPLAN_SECRET when it is
set (and long enough); without it, a server bound to a loopback address (and so
`payplan demo`) uses a random secret generated on first start into `<database>.secret`,
created with mode 0600 and reused afterwards; any other address is refused. Every
refusal is a `SettingError` with a one-line reason. Must not start servers nor sign
anything: `payplan.api.auth` uses the secret.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from payplan.settings import SettingError, Settings

MIN_LENGTH = 32
HOW = "e.g. PAYPLAN_SECRET=$(openssl rand -hex 32)"


def secret_for(settings: Settings, host: str) -> str:
    """The secret a server on `host` signs with; SettingError saying why when there is none."""
    check_length("PAYPLAN_PREVIOUS_SECRET", settings.previous_secret)
    if settings.secret:
        check_length("PAYPLAN_SECRET", settings.secret)
        return settings.secret
    if not is_loopback(host):
        raise SettingError(f"refusing to serve on {host} without PAYPLAN_SECRET: set a random secret of at "
                           f"least {MIN_LENGTH} characters ({HOW})")
    path = secret_path(settings.database_url)
    if path is None:
        raise SettingError(f"PAYPLAN_SECRET is not set and the database is not a SQLite file to keep a "
                           f"generated one beside: set it ({HOW})")
    return generated_secret(path)


def check_length(name: str, value: str | None) -> None:
    if value is not None and len(value) < MIN_LENGTH:
        raise SettingError(f"{name} has {len(value)} characters: use at least {MIN_LENGTH} ({HOW})")


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address ("localhost", 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secret_path(database_url: str) -> Path | None:
    """`<database file>.secret` for a SQLite file database; None for anything else."""
    url = make_url(database_url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database + ".secret")


def generated_secret(path: Path) -> str:
    """The secret in `path`, made (random, mode 0600) when the file does not exist."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    except OSError as exc:
        raise SettingError(f"cannot create the secret file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(32) + "\n")
    return _read(path)


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SettingError(f"the secret file {path} is readable by others (mode {stat.S_IMODE(mode):o}): "
                           f"chmod 600 {path}")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_LENGTH:
        raise SettingError(f"the secret file {path} holds {len(secret)} characters: delete it to make a new one")
    return secret
