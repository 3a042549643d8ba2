"""A worker keeps the lease on the chunk it computes, however long the computation takes.

A claim's lease (`queue.LEASE_SECONDS`) is how long other workers wait before they take a
chunk over from a worker that died. A chunk may take longer than that to compute (an
adjustment run's recompute scores the whole period; a batch of statements renders PDFs), so
while it computes, a thread renews the lease every third of it, each time in its own short
write transaction. A killed worker's thread dies with it, so its lease still runs out. The
renewing stops when the computation ends (before the chunk is stored), or when the chunk is
no longer this worker's. Must not compute or store anything of the chunk.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from payplan.store import queue
from payplan.store.transaction import unit_of_work


class Renewal:
    """`with Renewal(engine, claim, worker, lease_seconds):` keeps the claim's lease while inside."""

    def __init__(self, engine: Engine, claim: queue.Claim, worker: str, lease_seconds: float) -> None:
        self.engine, self.claim, self.worker, self.lease = engine, claim, worker, lease_seconds
        self.renewed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"lease-{claim.job_id}-{claim.chunk}", daemon=True)

    def __enter__(self) -> Renewal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _keep(self) -> None:
        while not self._stop.wait(self.lease / 3):
            try:
                held = unit_of_work(self.engine, queue.renew, self.claim.job_id, self.claim.chunk, self.worker,
                                    self.lease)
            except Exception:  # noqa: BLE001 - the database away for a moment: try again next time
                continue
            if not held:
                return
            self.renewed += 1
