"""Login throttling: failed passwords per user name and per client address, with exponential back-off.

Each key ("user:NAME", "addr:HOST") keeps a streak of failures. `FREE_FAILURES`
failures are free; the streak then locks the key for `BASE_LOCK` seconds after its
last failure, doubling with each further failure up to `MAX_LOCK`. A failure that
comes `WINDOW` seconds or more after the streak's lock ended starts a new streak, and
a successful login clears its keys. So five wrong passwords in a minute lock a name
for a minute (the 6th attempt is refused), the next one for two, and so on. While a
key is locked the caller answers 429 with Retry-After without checking the password.
Kept in the process's memory (per replica: see docs/security.md), at most `MAX_KEYS`
keys: past it the keys not locked go first, idle longest first, so failures spread over
many other names cannot push a locked one out; locked keys go only past `HARD_MAX_KEYS`
(~10 MB). Must not check passwords nor read the clock itself: callers pass `now` (seconds).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

FREE_FAILURES = 5
WINDOW = 60.0
BASE_LOCK = 60.0
MAX_LOCK = 3600.0
MAX_KEYS = 10_000
HARD_MAX_KEYS = 100_000
EVICT_LOOKS = 64  # locked keys passed over a failure at most: each failure costs little, whatever the flood


class Throttle:
    """Failure streaks by key: (failures in the streak, time of the last one)."""

    def __init__(self) -> None:
        self._streaks: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, keys: tuple[str, ...], now: float) -> int:
        """Whole seconds until every one of `keys` may try again; 0 when none is locked."""
        with self._lock:
            wait = max((_locked_until(self._streaks.get(key)) - now for key in keys), default=0.0)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, keys: tuple[str, ...], now: float) -> None:
        """Record one wrong password for each key."""
        with self._lock:
            for key in keys:
                streak = self._streaks.pop(key, None)
                count = 0 if streak is None or now >= _locked_until(streak) + WINDOW else streak[0]
                self._streaks[key] = (count + 1, now)
            if len(self._streaks) > MAX_KEYS:
                self._evict(now)

    def _evict(self, now: float) -> None:
        """Toward MAX_KEYS by the keys not locked at `now`, idle longest first (a lost streak of
        fewer than FREE_FAILURES costs an attacker little); a locked key met on the way is kept
        and looked at again last. Past HARD_MAX_KEYS, the keys idle longest, locked or not."""
        looked = 0
        while len(self._streaks) > MAX_KEYS and looked < EVICT_LOOKS:
            key, streak = next(iter(self._streaks.items()))
            if _locked_until(streak) <= now:
                del self._streaks[key]
            else:
                self._streaks.move_to_end(key)
                looked += 1
        while len(self._streaks) > HARD_MAX_KEYS:
            self._streaks.popitem(last=False)

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """Forget the failures of `keys`."""
        with self._lock:
            for key in keys:
                self._streaks.pop(key, None)


def _locked_until(streak: tuple[int, float] | None) -> float:
    return 0.0 if streak is None else streak[1] + lock_seconds(streak[0])


def lock_seconds(failures: int) -> float:
    """How long a streak of `failures` locks its key after its last failure: 0 below
    FREE_FAILURES, then BASE_LOCK, 2×BASE_LOCK, 4×… up to MAX_LOCK."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(BASE_LOCK * 2 ** (failures - FREE_FAILURES), MAX_LOCK)


def keys_for(name: str, address: str | None) -> tuple[str, ...]:
    """The throttle keys of one login attempt."""
    return (f"user:{name.strip().lower()[:100]}", f"addr:{address or 'unknown'}")
