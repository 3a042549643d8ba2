"""Configuration from the environment, in one typed, cached object.

Tests set the environment before calling `get_settings.cache_clear()`.
Must not read anything but environment variables.
"""

from __future__ import annotations

import os
from functools import lru_cache

import msgspec


class Settings(msgspec.Struct, frozen=True):
    database_url: str
    secret: str  # signs session cookies; set PAYPLAN_SECRET in production (shared by replicas)
    max_upload_bytes: int
    timezone: str
    secure_cookies: bool = False  # PAYPLAN_SECURE_COOKIES=1 behind HTTPS: cookies only over TLS


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("PAYPLAN_DATABASE_URL") or "sqlite:///payplan.sqlite",
        secret=env.get("PAYPLAN_SECRET") or "payplan-dev-secret-change-me-0123456789abcdef",
        max_upload_bytes=int(env.get("PAYPLAN_MAX_UPLOAD_BYTES") or 20 * 1024 * 1024),
        timezone=env.get("PAYPLAN_TIMEZONE") or "UTC",
        secure_cookies=(env.get("PAYPLAN_SECURE_COOKIES") or "").lower() in ("1", "true", "yes"),
    )
