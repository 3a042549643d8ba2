"""The rep breakdown API against bare Litestar endpoints (DESIGN §10): requests/s, p50 and p99.

Seeds the demo company (`payplan.demo.seed`: users with tokens, runs paid,
approved and draft) into a throw-away, migrated SQLite file, then serves, each in
its own server process with one worker and the same options (no access log; uvicorn,
or granian with `server="granian"`):

- the real app (`payplan.app.create_app`, settings from the environment) on
  that database;
- "bare + auth" (`bare_auth_app`): a Litestar app whose one route authenticates the
  same bearer token with one indexed SELECT (`payplan.access.users.user_for_token`,
  on a worker thread, as any sync handler) on the same database, and answers a small
  JSON document: the least an authenticated endpoint can do;
- "bare" (`bare_app`): one async route returning that small document, no auth;

and drives each in turn, for the same number of requests, from a load generator in
another process (`payplan.bench.http_load`: `connections` keep-alive connections).
The app is asked for the demo rep's breakdown in the approved run (`GET
/runs/{id}/results/AE01` with that rep's bearer token: the stored document of ~7 KB);
every response must be 200 with exactly the expected body (the breakdown is checked
once against the database, then compared byte for byte). A warm-up precedes each
measurement. Each round measures the three one after another, and the ratios are
taken within a round (this machine's other work slows rounds unevenly); the round
reported is the median one by the app's share of bare, with every round's ratios beside it.

Reported: requests/s, p50 and p99 latency (ms, from writing a request to reading
its last byte) for each, the app's rate as a ratio of each reference's, and each
server's CPU time per request (/proc, Linux) with the app/bare ratio (`cpu_ratio`),
which depends far less on how much CPU the client takes.

Caveat: on a 2-core machine the client and the server compete for CPU, most of all
against the bare endpoint, so absolute rates understate a dedicated server; the
ratios, measured the same way in the same round, are the figures that hold.
Needs a source checkout (the demo's facts and plans). Must not touch any database
but its own temporary file.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from payplan.bench.http_load import HOST, load

TARGET_RATIO, TARGET_BARE_RATIO, TARGET_P99_MS = 0.70, 0.40, 20.0
REP_USER, REP_ID, PERIOD = "iryna", "AE01", "2026-02"  # the demo's rep, and its approved run
BARE_PATH = "/bare"
SERVERS = ("uvicorn", "granian")
BARE_DOCUMENT = {"rep_id": REP_ID, "period": PERIOD, "total": "3617.43", "currency": "EUR"}
STARTUP_SECONDS = 60


def bare_app() -> Any:
    """The baseline: a Litestar app with one endpoint answering a small JSON document (uvicorn --factory)."""
    from litestar import Litestar, get

    @get(BARE_PATH)
    async def bare() -> dict[str, str]:
        return BARE_DOCUMENT

    return Litestar(route_handlers=[bare], debug=False)


def bare_auth_app() -> Any:
    """The authenticated baseline: the bearer token checked with one indexed SELECT on a worker
    thread (PAYPLAN_DATABASE_URL), then the small document; 401 for an unknown token."""
    from litestar import Litestar, Request, get
    from litestar.exceptions import NotAuthorizedException

    from payplan.access.users import user_for_token
    from payplan.store import make_engine

    engine = make_engine(os.environ["PAYPLAN_DATABASE_URL"], pool_size=20)

    @get(BARE_PATH, sync_to_thread=True)
    def bare_auth(request: Request) -> dict[str, str]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with engine.connect() as conn:
            user = user_for_token(conn, token) if scheme.lower() == "bearer" else None
        if user is None:
            raise NotAuthorizedException("the bearer token is not valid")
        return BARE_DOCUMENT

    return Litestar(route_handlers=[bare_auth], debug=False, on_shutdown=[engine.dispose])


def run(requests: int = 3_000, connections: int = 10, rounds: int = 3, warmup: int = 300,
        server: str = "uvicorn") -> dict:
    """Measure the three endpoints with `requests` requests over `connections` connections; figures as above."""
    with tempfile.TemporaryDirectory(prefix="payplan-bench-api-") as folder:
        url = "sqlite:///" + os.path.join(folder, "api.sqlite")
        token, run_id = seed(url)
        app_path = f"/runs/{run_id}/results/{REP_ID}"
        headers = {"Authorization": f"Bearer {token}"}
        env = {**os.environ, "PAYPLAN_DATABASE_URL": url, "PAYPLAN_SECRET": os.urandom(24).hex()}
        with serving(server, "payplan.app:create_app", env, "/health") as app_server, \
                serving(server, "payplan.bench.api:bare_auth_app", env, BARE_PATH, headers) as auth_server, \
                serving(server, "payplan.bench.api:bare_app", env, BARE_PATH) as bare_server, \
                ProcessPoolExecutor(1, mp_context=get_context("spawn")) as client:
            app_body = fetch(app_server[0], app_path, headers)
            check_breakdown(app_body, url, run_id)
            bare_body = fetch(bare_server[0], BARE_PATH, {})
            targets = {"bare": (bare_server, BARE_PATH, bare_body, {}),
                       "bare_auth": (auth_server, BARE_PATH, bare_body, headers),
                       "app": (app_server, app_path, app_body, headers)}
            all_rounds = [{name: measure(client, port, pid, path, auth, body, requests, connections, warmup)
                           for name, ((port, pid), path, body, auth) in targets.items()}
                          for _ in range(max(rounds, 1))]
    # the median round by the app's share of bare: neither the luckiest nor the most disturbed
    middle = sorted(all_rounds, key=lambda r: r["app"]["per_second"] / r["bare"]["per_second"])[len(all_rounds) // 2]
    app, bare_auth, bare = middle["app"], middle["bare_auth"], middle["bare"]
    return {"requests": requests, "connections": connections, "rounds": len(all_rounds), "server": server,
            "path": app_path, "body_bytes": len(app_body), "app": app, "bare_auth": bare_auth, "bare": bare,
            "ratio": app["per_second"] / bare["per_second"], "auth_ratio": app["per_second"] / bare_auth["per_second"],
            "round_ratios": [(r["app"]["per_second"] / r["bare_auth"]["per_second"],
                              r["app"]["per_second"] / r["bare"]["per_second"]) for r in all_rounds],
            "cpu_ratio": _cpu_ratio(bare, app), "p50_ms": app["p50_ms"], "p99_ms": app["p99_ms"],
            "cpus": os.cpu_count(), "target_ratio": TARGET_RATIO, "target_bare_ratio": TARGET_BARE_RATIO,
            "target_p99_ms": TARGET_P99_MS}


def _cpu_ratio(bare: dict, app: dict) -> float | None:
    """Bare server CPU per request over the app's: the ratio a server with a core to itself would see."""
    bare_ms, app_ms = bare["server_cpu_ms_per_request"], app["server_cpu_ms_per_request"]
    return bare_ms / app_ms if bare_ms and app_ms else None


def seed(url: str) -> tuple[str, int]:
    """Migrate and seed the demo company at `url`; the rep's API token and the approved run's id."""
    from payplan import demo
    from payplan.runs import lifecycle as runs
    from payplan.store import make_engine
    from payplan.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            tokens = demo.seed(conn)
            # the AE plan's run: the demo approves the manager plan's run of the period too
            (approved,) = [r for r in runs.list_runs(conn, period=PERIOD, state="approved")
                           if r.plan_ref.startswith("ae-")]
    finally:
        engine.dispose()
    return tokens[REP_USER], approved.id


def check_breakdown(body: bytes, url: str, run_id: int) -> None:
    """The app's answer is the rep's own stored result in that run, not an error page."""
    from payplan.access.users import get_user
    from payplan.runs import views as run_views
    from payplan.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = run_views.get_result(conn, run_id, REP_ID, get_user(conn, REP_USER))
    finally:
        engine.dispose()
    document = json.loads(body)
    stored = json.loads(bytes(row.result)) if row.result is not None else {}
    if (document.get("run_id"), document.get("rep_id"), document.get("result")) != (run_id, REP_ID, stored):
        raise RuntimeError(f"the breakdown answered is not rep {REP_ID}'s result in run {run_id}: {body[:300]!r}")


@contextlib.contextmanager
def serving(server: str, factory: str, env: dict[str, str], ready_path: str,
            headers: dict[str, str] | None = None) -> Iterator[tuple[int, int]]:
    """`server` serving `factory` (one worker) on a free local port; (port, pid) once `ready_path` answers."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(_command(server, factory, port), env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(process, port, ready_path, headers or {}, log)
            yield port, process.pid
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _command(server: str, factory: str, port: int) -> list[str]:
    """The command line of one server process: one worker, no access log."""
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", HOST,
                "--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning",
                factory]
    if server != "uvicorn":
        raise ValueError(f"server must be one of {SERVERS}, not {server!r}")
    return [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port),
            "--workers", "1", "--no-access-log", "--log-level", "warning"]


def free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_ready(server: subprocess.Popen, port: int, path: str, headers: dict[str, str], log: Any) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        with contextlib.suppress(OSError):
            fetch(port, path, headers)
            return
        time.sleep(0.1)
    server.kill()
    log.seek(0)
    raise RuntimeError(f"the server for {path} did not start:\n{log.read().decode(errors='replace')[-3000:]}")


def fetch(port: int, path: str, headers: dict[str, str]) -> bytes:
    """One GET; its body (an HTTP error raises)."""
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def measure(client: ProcessPoolExecutor, port: int, pid: int, path: str, headers: dict[str, str],
            expected: bytes, requests: int, connections: int, warmup: int) -> dict:
    """Warm up, then load the endpoint from the client process; its figures plus the server's CPU time."""
    client.submit(load, port, path, headers, expected, warmup, connections).result()
    cpu_before = cpu_seconds(pid)
    figures = client.submit(load, port, path, headers, expected, requests, connections).result()
    cpu_after = cpu_seconds(pid)
    if figures["ok"] != requests:
        raise RuntimeError(f"{requests - figures['ok']} of {requests} answers from {path} were wrong: "
                           f"{figures['problems']}")
    figures["server_cpu_ms_per_request"] = (
        None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / requests)
    return figures


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` and its children (granian's worker) (Linux /proc), or None."""
    total = _process_cpu(pid)
    if total is None:
        return None
    with contextlib.suppress(OSError):
        for child in open(f"/proc/{pid}/task/{pid}/children", encoding="ascii").read().split():
            total += _process_cpu(int(child)) or 0.0
    return total


def _process_cpu(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=SERVERS, default="uvicorn")
    args = parser.parse_args()
    r = run(args.requests, args.connections, args.rounds, server=args.server)
    for name in ("app", "bare_auth", "bare"):
        f = r[name]
        print(f"{name:9}: {f['per_second']:,.0f} requests/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
              f"server CPU {f['server_cpu_ms_per_request'] or 0:.2f} ms/request")
    print(f"app = {r['auth_ratio']:.0%} of bare + auth (target ≥ {TARGET_RATIO:.0%}), {r['ratio']:.0%} of bare "
          f"(target ≥ {TARGET_BARE_RATIO:.0%}; of server CPU per request: {r['cpu_ratio'] or 0:.0%}); "
          f"app p99 {r['p99_ms']:.1f} ms (target < {TARGET_P99_MS:.0f} ms)")
    print("every round (of bare + auth, of bare): "
          + ", ".join(f"{a:.0%}/{b:.0%}" for a, b in r["round_ratios"]))
    print(f"{r['server']}, {r['requests']:,} requests × {r['rounds']} rounds, {r['connections']} connections, "
          f"body {r['body_bytes']:,} bytes, {r['cpus']} CPUs")


if __name__ == "__main__":
    main()
