"""What `payplan.access.token_cache` remembers, and for how long: TTL, the token's own expiry,
and a credential change in this process (including one that overlapped a read)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from payplan.access import token_cache
from payplan.access.token_cache import TTL_SECONDS, TokenCache
from payplan.access.users import User

REP = User(7, "iryna", "rep", "AE01")
LATER = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _cache(now: list[float], wall: list[float] | None = None) -> TokenCache:
    return TokenCache(clock=lambda: now[0], wall=(lambda: wall[0]) if wall else datetime.now().timestamp)


def test_a_token_is_remembered_for_ttl_seconds_only():
    now = [100.0]
    cache = _cache(now)
    cache.remember("tok", REP, LATER, token_cache.generation())
    assert cache.user("tok") == REP and cache.user("other") is None
    now[0] += TTL_SECONDS - 0.01
    assert cache.user("tok") == REP
    now[0] += 0.01
    assert cache.user("tok") is None and len(cache) == 0


def test_a_token_is_not_used_past_its_own_expiry():
    expires = datetime(2026, 6, 30, 12, 0, tzinfo=timezone.utc)
    wall = [expires.timestamp() - 1]
    cache = _cache([0.0], wall)
    cache.remember("tok", REP, "2026-06-30T12:00:00.000000Z", token_cache.generation())
    assert cache.user("tok") == REP
    wall[0] += 1
    assert cache.user("tok") is None


def test_forget_voids_every_entry_and_every_read_under_way():
    cache, other_app = _cache([0.0]), _cache([0.0])
    read_in = token_cache.generation()
    cache.remember("tok", REP, LATER, read_in)
    other_app.remember("tok", REP, LATER, read_in)
    overlapping = token_cache.generation()  # a request reads the database now…
    token_cache.forget()  # …while a disable commits
    assert cache.user("tok") is None and other_app.user("tok") is None
    cache.remember("late", REP, LATER, overlapping)  # what it read may be from before the change
    assert cache.user("late") is None and len(cache) == 0
    cache.remember("fresh", REP, LATER, token_cache.generation())
    assert cache.user("fresh") == REP


def test_the_memory_is_bounded_and_drops_the_oldest(monkeypatch):
    monkeypatch.setattr(token_cache, "MAX_ENTRIES", 2)
    cache = _cache([0.0])
    for token in ("a", "b", "c"):
        cache.remember(token, REP, LATER, token_cache.generation())
    assert len(cache) == 2 and cache.user("a") is None and cache.user("c") == REP
