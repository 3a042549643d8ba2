"""A short-lived, in-process memory of who holds a bearer token: authentication without a query.

The API asks `TokenCache.user(token)` first; on a miss it looks the token up in the
database (`payplan.access.users.token_holder`) and `remember`s the holder, the token's
expiry and the `generation()` read *before* that query. An entry is used only while
it is younger than `TTL_SECONDS`, its token unexpired, and no credential change
happened in this process since it was read: every change made here — a user disabled,
a token revoked, a role changed (`payplan.access.credentials`) — calls `forget()`,
which bumps the process-wide generation, so the very next request of every app in the
process reads the database again. A read that overlapped a `forget()` is not kept
(its generation is stale), so a disable committed by this process is never undone by a
request that read the user just before. A change made by another process (another
replica, the `payplan users` command, a hand edit of the database) is seen within
`TTL_SECONDS`: that is the cross-process bound (docs/security.md). Unknown or refused
tokens are never remembered (a stream of bad tokens cannot fill the memory, and a token
issued elsewhere works at once). Must not decide what a user may do, nor write anything.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import datetime

from payplan.access.users import User

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_generation = 0


def generation() -> int:
    """The process-wide credential generation: read it before querying a token's holder."""
    return _generation


def forget() -> None:
    """A credential changed in this process: no entry read before now is used again."""
    global _generation
    with _lock:
        _generation += 1


class TokenCache:
    """token's SHA-256 → (user, token expiry as a Unix time, generation, when read)."""

    __slots__ = ("_entries", "_clock", "_wall", "ttl")

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self._entries: dict[bytes, tuple[User, float, int, float]] = {}
        self._clock, self._wall, self.ttl = clock, wall, ttl

    def user(self, token: str) -> User | None:
        """The remembered holder of `token`, or None: then ask the database."""
        key = _key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        user, expires, read_in, read_at = entry
        if read_in != _generation or self._clock() - read_at >= self.ttl or self._wall() >= expires:
            self._entries.pop(key, None)
            return None
        return user

    def remember(self, token: str, user: User, expires_at: str, read_in: int) -> None:
        """Keep what the database said of `token`, read in generation `read_in` (a stale read is dropped)."""
        if read_in != _generation:
            return
        entry = (user, _unix(expires_at), read_in, self._clock())
        with _lock:  # worker threads remember concurrently; the eviction iterates
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)), None)  # the oldest: dicts keep insertion order
            self._entries[_key(token)] = entry

    def __len__(self) -> int:
        return len(self._entries)


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _unix(stamp: str) -> float:
    """"2026-03-31T12:00:00.123456Z" (`payplan.store.records.now_text`) as a Unix time."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
