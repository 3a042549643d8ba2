"""Pausing Python's cyclic garbage collector around bulk work that builds no cycles.

Scoring a run or a simulation, encoding and storing results, decoding
outcomes, and reading and importing large fact files allocate millions of small
containers that reference counting alone frees; each automatic collection meanwhile walks every live container again (the
inputs, the results so far), which on a 10,000-rep run added up to about a
second. `collector_paused` switches the collector off for such a block and back
on after it, if it was on. The switch is process-wide: other threads skip cyclic
collection meanwhile too (reference counting still frees their garbage), and a
block nested in another, or running while another thread holds one, leaves the
collector as the outer one found it. Must not call `gc.collect` or `gc.freeze`:
the objects of whoever hosts payplan (a web server, a test runner) are none of
its business.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; the collector's previous state after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
