"""A local worker: how a job queued on the embedded default is computed with no service to run.

`start_local_worker(url)` starts a detached `payplan worker --until-idle` on the database at
`url` (its own session: it outlives the command or request that queued the job, and exits
once the queue is empty). The command line (`runs create --no-wait`, `statements --no-wait`)
and the API (`POST /runs/{id}/statements` with PAYPLAN_JOBS=local) call it. Must not queue
or compute anything itself.
"""

from __future__ import annotations

import os
import subprocess
import sys


def start_local_worker(database_url: str) -> None:
    """A detached `payplan worker --until-idle` on `database_url`."""
    env = {**os.environ, "PAYPLAN_DATABASE_URL": database_url}
    subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--until-idle"], env=env,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
