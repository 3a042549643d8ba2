"""Encodings shared by the service's stored records: timestamps, canonical JSON, races.

Timestamps are ISO-8601 UTC text and JSON is msgspec's canonical encoding (keys
sorted, Decimals as strings), so a stored record's bytes and hash are the same on
SQLite and PostgreSQL. `races()` turns the database's answer to a lost race (a
unique key taken, a SQLite write lock or stale snapshot) into `Conflict`. Must not
know about runs, plans or users.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import msgspec
from sqlalchemy.exc import IntegrityError, OperationalError

from payplan.errors import Conflict
from payplan.i18n import N_

_encoder = msgspec.json.Encoder(decimal_format="string", order="sorted")


def now_text() -> str:
    """The current UTC time, e.g. "2026-03-31T12:00:00.123456Z"."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and decimal strings: equal values give equal text."""
    return _encoder.encode(value).decode()


def canonical_bytes(value: Any) -> bytes:
    """`canonical_json` as its UTF-8 bytes, for what is hashed or stored as bytes."""
    return _encoder.encode(value)


def canonical_lines(values: Iterable[Any]) -> bytes:
    """Each value's `canonical_bytes` followed by a newline, in one buffer."""
    return _encoder.encode_lines(values)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def races(what: str) -> Iterator[None]:
    """Map a lost race on `what` to Conflict (409): the caller may read again and retry."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(N_("%(what)s: %(reason)s"), what=what, reason=_reason(exc),
                       words=("reason",)) from None
    except OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise Conflict(N_("%(what)s: changed concurrently, read it again and retry"), what=what) from None


def _reason(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
    return N_("it already exists or changed concurrently") if "unique" in text.lower() else text
