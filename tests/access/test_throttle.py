"""Login throttling on a fake clock: the 6th try within a minute waits, longer after each further failure."""

from __future__ import annotations

from payplan.access.throttle import MAX_KEYS, MAX_LOCK, Throttle, keys_for, lock_seconds

KEYS = keys_for("Rep ", "10.0.0.1")


def fail(throttle: Throttle, times: list[float]) -> None:
    for t in times:
        throttle.failed(KEYS, t)


def test_five_failures_are_free_and_lock_the_sixth_try_for_a_minute():
    throttle = Throttle()
    fail(throttle, [0, 1, 2, 3])
    assert throttle.retry_after(KEYS, 4) == 0
    fail(throttle, [10])
    # locked 60 s after the 5th failure (at 10): at 30.5 there are 39.5 s left, rounded up
    assert throttle.retry_after(KEYS, 30.5) == 40
    assert throttle.retry_after(KEYS, 69.9) == 1
    assert throttle.retry_after(KEYS, 70) == 0


def test_each_further_failure_doubles_the_lock_up_to_an_hour():
    assert [lock_seconds(n) for n in range(4, 9)] == [0, 60, 120, 240, 480]
    assert lock_seconds(50) == MAX_LOCK == 3600
    throttle = Throttle()
    fail(throttle, [0, 1, 2, 3, 4, 70])  # the 6th failure, after the first lock ended
    assert throttle.retry_after(KEYS, 70) == 120


def test_a_quiet_spell_after_the_lock_starts_a_new_streak():
    throttle = Throttle()
    fail(throttle, [0, 1, 2, 3, 4])  # locked until 64
    fail(throttle, [64 + 60])  # a minute after the lock ended: a fresh streak of one
    assert throttle.retry_after(KEYS, 125) == 0


def test_success_clears_and_keys_are_per_name_and_per_address():
    assert keys_for("Rep ", "10.0.0.1") == ("user:rep", "addr:10.0.0.1")
    throttle = Throttle()
    fail(throttle, [0, 1, 2, 3, 4])
    other_name_same_address = keys_for("admin", "10.0.0.1")
    same_name_other_address = keys_for("rep", "10.0.0.2")
    assert throttle.retry_after(other_name_same_address, 5) == 59
    assert throttle.retry_after(same_name_other_address, 5) == 59
    assert throttle.retry_after(keys_for("admin", "10.0.0.2"), 5) == 0
    throttle.succeeded(KEYS)
    assert throttle.retry_after(KEYS, 5) == 0


def test_memory_is_bounded():
    throttle = Throttle()
    for i in range(MAX_KEYS + 10):
        throttle.failed((f"addr:{i}",), 0)
    assert len(throttle._streaks) == MAX_KEYS


def test_failures_spread_over_other_keys_do_not_unlock_a_locked_name():
    """The security probe's eviction: a name locked for a minute read 0 after 5,000 failures of
    other names, because the throttle dropped its oldest key."""
    throttle = Throttle()
    fail(throttle, [0, 1, 2, 3, 4])  # "user:rep" and its address locked until 64
    for i in range(2 * MAX_KEYS):
        throttle.failed((f"user:spray{i}", f"addr:10.1.{i // 250}.{i % 250}"), 5 + i / 1000)
    assert len(throttle._streaks) == MAX_KEYS
    assert throttle.retry_after(KEYS, 30) == 34


def test_locked_keys_go_only_past_the_hard_bound(monkeypatch):
    monkeypatch.setattr("payplan.access.throttle.MAX_KEYS", 100)
    monkeypatch.setattr("payplan.access.throttle.HARD_MAX_KEYS", 300)
    throttle = Throttle()
    for i in range(303):
        for t in range(5):
            throttle.failed((f"addr:{i}",), t)
    assert len(throttle._streaks) == 300  # 303 locked keys: the 3 idle longest went
    assert sum(throttle.retry_after((f"addr:{i}",), 5) == 59 for i in range(303)) == 300
