"""Where an installation's secret keys live, outside its database: found, or generated once.

A key is 32 random bytes kept as hex in a file readable by its owner only (0600).
The file is, in order: the one named explicitly (e.g. PAYPLAN_SIGNING_KEY_FILE), the
file `NAME` in PAYPLAN_KEY_DIR, or `DATABASE.NAME` beside a SQLite database file.
An in-memory SQLite database gets a key for the life of the process. Anything else
(PostgreSQL without a key configured) is a `KeyFileError`: a key generated at random
on each host would make every replica disagree. Generation is race-free (O_EXCL).
Must not read settings or the database: callers pass what they know.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_PROCESS_KEYS: dict[str, bytes] = {}
KEY_BYTES = 32


class KeyFileError(ValueError):
    """A key that cannot be found or made (the message says what to set)."""


def key_file(name: str, database_url: str, *, key_dir: str | None = None,
             explicit: str | None = None) -> Path | None:
    """The file that holds key `name`, or None for an in-memory database."""
    if explicit:
        return Path(explicit)
    if key_dir:
        return Path(key_dir) / name
    path = _sqlite_file(database_url)
    if path == "":
        return None
    if path is None:
        raise KeyFileError(f"no {name} for {database_url.split('://')[0]}: set PAYPLAN_KEY_DIR (a folder "
                           "outside the database, the same on every replica) or the key's own variable")
    return Path(path + "." + name)


def installation_key(name: str, database_url: str, *, key_dir: str | None = None,
                     explicit: str | None = None, create: bool = True) -> bytes | None:
    """Key `name`'s bytes; generated (0600) when its file is missing and `create`."""
    path = key_file(name, database_url, key_dir=key_dir, explicit=explicit)
    if path is None:
        return _PROCESS_KEYS.setdefault(name, secrets.token_bytes(KEY_BYTES))
    if not path.exists():
        if not create or explicit:
            return None
        _write_new(path)
    return _read(path)


def _write_new(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(KEY_BYTES) + "\n")


def _read(path: Path) -> bytes:
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError(f"{path}: not a key file (expected {KEY_BYTES * 2} hex digits)") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path}: not a key file (expected {KEY_BYTES * 2} hex digits)")
    return key


def _sqlite_file(database_url: str) -> str | None:
    """The SQLite database's file path, "" for in-memory, None for another database."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("sqlite"):
        return None
    path = rest[1:] if rest.startswith("/") else rest
    path = path.split("?")[0]
    return "" if path in ("", ":memory:") else path
