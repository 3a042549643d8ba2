"""The encoded breakdowns of final runs, kept in memory: a rep's breakdown answered without a query.

An approved or paid run never changes: its results are not recomputed (corrections are
adjustment runs), its state only moves on to paid, and a rep's name and the facts
behind it are never rewritten by an import. So once a breakdown of such a run has been
read and encoded, the same bytes answer every later request for it. Entries are keyed
by (run id, rep id, the run's `outputs_hash`, which covers every stored result of the
run); the run's hash is remembered when the run was seen final. A draft or submitted
run is never kept (a recompute changes it). Bounded: past `MAX_BYTES` the oldest
entries go. Per app, per process: nothing to invalidate across replicas.
Must not decide who may see a result: the caller checks that on every request
(`payplan.api.results`), from the cache only where no query is needed.
"""

from __future__ import annotations

import threading

MAX_BYTES = 64 * 1024 * 1024


class ResultCache:
    """(run id, rep id, outputs hash) → the breakdown's encoded JSON body."""

    __slots__ = ("_bodies", "_final", "_lock", "_size", "max_bytes")

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._bodies: dict[tuple[int, str, str], bytes] = {}
        self._final: dict[int, str] = {}  # run id → outputs hash, for runs seen approved or paid
        self._lock = threading.Lock()
        self._size, self.max_bytes = 0, max_bytes

    def get(self, run_id: int, rep_id: str) -> bytes | None:
        """The kept body of rep `rep_id` in final run `run_id`, or None."""
        outputs_hash = self._final.get(run_id)
        return None if outputs_hash is None else self._bodies.get((run_id, rep_id, outputs_hash))

    def put(self, run_id: int, rep_id: str, outputs_hash: str, body: bytes) -> None:
        """Keep `body`, read from run `run_id` while it was final with `outputs_hash`."""
        if len(body) > self.max_bytes:
            return
        with self._lock:  # puts come from worker threads
            self._final[run_id] = outputs_hash
            key = (run_id, rep_id, outputs_hash)
            self._size += len(body) - len(self._bodies.get(key, b""))
            self._bodies[key] = body
            while self._size > self.max_bytes:
                oldest = next(iter(self._bodies))
                self._size -= len(self._bodies.pop(oldest))

    def __len__(self) -> int:
        return len(self._bodies)
