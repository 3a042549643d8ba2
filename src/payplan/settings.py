"""Configuration from the environment, in one typed, cached object, and where templates live.

Tests set the environment before calling `get_settings.cache_clear()`.
Must not read anything but environment variables.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import msgspec


class SettingError(ValueError):
    """An environment variable with a value payplan cannot use (the message names it)."""


class Settings(msgspec.Struct, frozen=True):
    database_url: str
    # encrypts and signs session cookies and CSRF tokens; "" when PAYPLAN_SECRET is unset. There is no
    # default: `payplan serve` refuses a public address without it (payplan.access.server_secret).
    secret: str
    max_upload_bytes: int
    timezone: str
    secure_cookies: bool = False  # PAYPLAN_SECURE_COOKIES=1 behind HTTPS: cookies only over TLS
    templates_dir: str | None = None  # a company's own templates, looked up before the shipped ones
    # PostgreSQL session limits (milliseconds): nothing waits on a lock, runs, or holds a
    # transaction open forever; a unit of work that hits one is retried, then answered 503.
    lock_timeout_ms: int = 5_000
    statement_timeout_ms: int = 300_000
    idle_in_transaction_timeout_ms: int = 60_000
    # The run review flags a rep whose pay rose above `flag_pay_up`× or fell below
    # `flag_pay_down`× what the last approved period paid.
    flag_pay_up: Decimal = Decimal(2)
    flag_pay_down: Decimal = Decimal("0.5")
    # Keys kept outside the database (payplan.keyfiles): the audit chain's HMAC key, a
    # folder for generated key files, and the statement signing key's file.
    audit_key: str | None = None
    key_dir: str | None = None
    signing_key_file: str | None = None
    previous_secret: str | None = None  # PAYPLAN_PREVIOUS_SECRET: still accepted while rotating
    token_days: int = 90  # PAYPLAN_TOKEN_DAYS: how long a new API token works
    mappings: str = "mappings"  # PAYPLAN_MAPPINGS: the folder of CRM mapping files (docs/importing.md)
    # PAYPLAN_JOBS (docs/jobs.md): "local" computes a run's chunks where it was asked (the CLI, over
    # forked processes) or in the request (the API); "workers" leaves them to `payplan worker`
    # processes (API: 202).
    jobs: str = "local"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("PAYPLAN_DATABASE_URL") or "sqlite:///payplan.sqlite",
        secret=env.get("PAYPLAN_SECRET") or "",
        max_upload_bytes=int(env.get("PAYPLAN_MAX_UPLOAD_BYTES") or 20 * 1024 * 1024),
        timezone=env.get("PAYPLAN_TIMEZONE") or "UTC",
        secure_cookies=(env.get("PAYPLAN_SECURE_COOKIES") or "").lower() in ("1", "true", "yes"),
        templates_dir=env.get("PAYPLAN_TEMPLATES_DIR") or None,
        mappings=env.get("PAYPLAN_MAPPINGS") or "mappings",
        lock_timeout_ms=_milliseconds(env, "PAYPLAN_LOCK_TIMEOUT_MS", 5_000),
        statement_timeout_ms=_milliseconds(env, "PAYPLAN_STATEMENT_TIMEOUT_MS", 300_000),
        idle_in_transaction_timeout_ms=_milliseconds(env, "PAYPLAN_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000),
        flag_pay_up=_ratio(env, "PAYPLAN_FLAG_PAY_UP", "2"),
        flag_pay_down=_ratio(env, "PAYPLAN_FLAG_PAY_DOWN", "0.5"),
        audit_key=_audit_key(env),
        key_dir=env.get("PAYPLAN_KEY_DIR") or None,
        signing_key_file=env.get("PAYPLAN_SIGNING_KEY_FILE") or None,
        previous_secret=env.get("PAYPLAN_PREVIOUS_SECRET") or None,
        token_days=_days(env, "PAYPLAN_TOKEN_DAYS", 90),
        jobs=_jobs(env),
    )


def _jobs(env: os._Environ) -> str:
    text = (env.get("PAYPLAN_JOBS") or "local").strip().lower()
    if text not in ("local", "workers"):
        raise SettingError(f"PAYPLAN_JOBS={text!r}: give local (the default) or workers")
    return text


def _ratio(env: os._Environ, name: str, default: str) -> Decimal:
    text = (env.get(name) or default).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 1000:
        raise SettingError(f"{name}={text!r}: give a ratio such as 2 or 0.5")
    return value


def _audit_key(env: os._Environ) -> str | None:
    text = env.get("PAYPLAN_AUDIT_KEY") or None
    if text is not None and len(text) < 32:
        raise SettingError("PAYPLAN_AUDIT_KEY is too short: give at least 32 random characters "
                           "(e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))')")
    return text


def _days(env: os._Environ, name: str, default: int) -> int:
    text = env.get(name) or ""
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) <= 3650:
        raise SettingError(f"{name}={text!r}: give a whole number of days from 1 to 3650")
    return int(text)


def _milliseconds(env: os._Environ, name: str, default: int) -> int:
    text = env.get(name) or ""
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) <= 86_400_000:
        raise SettingError(f"{name}={text!r}: give a whole number of milliseconds from 1 to 86400000")
    return int(text)


# The repository's templates/ folder: shipped in the wheel as payplan/templates (in a
# source checkout, src/payplan/templates is a link to it).
SHIPPED_TEMPLATES = Path(__file__).resolve().parent / "templates"


def template_folders() -> tuple[Path, ...]:
    """Where templates are looked up, the first folder holding a name wins: a company's
    own folder (PAYPLAN_TEMPLATES_DIR), then the templates shipped with payplan."""
    own = get_settings().templates_dir
    if own is None:
        return (SHIPPED_TEMPLATES,)
    folder = Path(own)
    if not folder.is_dir():
        raise NotADirectoryError(f"PAYPLAN_TEMPLATES_DIR={own} is not a folder")
    return folder, SHIPPED_TEMPLATES


def template_file(name: str) -> Path:
    """The file `name` ("statement/statement.css") from the first folder that has it."""
    folders = template_folders()
    return next((f / name for f in folders if (f / name).is_file()), folders[-1] / name)
