"""The rep breakdown API against a bare Litestar endpoint (DESIGN §10): requests/s, p50 and p99.

Seeds the demo company (`payplan.demo.seed`: users with tokens, runs paid,
approved and draft) into a throw-away, migrated SQLite file, then serves, each in
its own uvicorn process with one worker and the same options (no access log):

- the real app (`payplan.app.create_app`, settings from the environment) on
  that database, and
- a bare Litestar app (`bare_app`: one async route returning a small JSON document),

and drives each in turn, for the same number of requests, from a load generator in
a third process: `connections` keep-alive HTTP/1.1 connections on one asyncio loop,
each sending its next request when the previous answer is complete. The app is
asked for the demo rep's breakdown in the approved run (`GET /runs/{id}/results/AE01`
with that rep's bearer token: authentication, ownership SQL, the stored document of
~7 KB); every response must be 200 with exactly the expected body (the breakdown
is checked once against the database, then compared byte for byte), so an error
page can't pass for speed. A warm-up precedes each measurement; with `rounds` > 1
the two are measured alternately and each keeps its best round (other work on the
machine only ever slows a round down).

Reported: requests/s, p50 and p99 latency (ms, from writing a request to reading
its last byte) for both, the ratio of the rates, and each server's CPU time per
request (/proc, Linux) with their ratio (`cpu_ratio`), which depends far less on
how much CPU the client takes.

Caveat: on a 2-core machine the client and the server compete for CPU. The client
is kept cheap (its own process, raw HTTP/1.1 on asyncio streams, pre-built request
bytes, no JSON parsing per response) but still takes a core's share, most of all
against the bare endpoint, so absolute rates understate a dedicated server; the
ratio between the two endpoints, measured the same way, is the figure that holds.
Needs a source checkout (the demo's facts and plans). Must not touch any database
but its own temporary file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

TARGET_RATIO, TARGET_P99_MS = 0.70, 20.0
REP_USER, REP_ID, PERIOD = "iryna", "AE01", "2026-02"  # the demo's rep, and its approved run
HOST = "127.0.0.1"
BARE_PATH = "/bare"
BARE_DOCUMENT = {"rep_id": REP_ID, "period": PERIOD, "total": "3617.43", "currency": "EUR"}
STARTUP_SECONDS = 60


def bare_app() -> Any:
    """The baseline: a Litestar app with one endpoint answering a small JSON document (uvicorn --factory)."""
    from litestar import Litestar, get

    @get(BARE_PATH)
    async def bare() -> dict[str, str]:
        return BARE_DOCUMENT

    return Litestar(route_handlers=[bare], debug=False)


def run(requests: int = 3_000, connections: int = 10, rounds: int = 2, warmup: int = 300) -> dict:
    """Measure both endpoints with `requests` requests over `connections` connections; figures as above."""
    with tempfile.TemporaryDirectory(prefix="payplan-bench-api-") as folder:
        url = "sqlite:///" + os.path.join(folder, "api.sqlite")
        token, run_id = seed(url)
        app_path = f"/runs/{run_id}/results/{REP_ID}"
        env = {**os.environ, "PAYPLAN_DATABASE_URL": url, "PAYPLAN_SECRET": os.urandom(24).hex()}
        with serving("payplan.app:create_app", env, "/health") as app_server, \
                serving("payplan.bench.api:bare_app", env, BARE_PATH) as bare_server, \
                ProcessPoolExecutor(1, mp_context=get_context("spawn")) as client:
            headers = {"Authorization": f"Bearer {token}"}
            app_body = fetch(app_server[0], app_path, headers)
            check_breakdown(app_body, url, run_id)
            bare_body = fetch(bare_server[0], BARE_PATH, {})
            best: dict[str, dict] = {}
            for _ in range(max(rounds, 1)):
                for name, (port, pid), path, body, auth in (
                        ("bare", bare_server, BARE_PATH, bare_body, {}),
                        ("app", app_server, app_path, app_body, headers)):
                    figures = measure(client, port, pid, path, auth, body, requests, connections, warmup)
                    if name not in best or figures["per_second"] > best[name]["per_second"]:
                        best[name] = figures
    app, bare = best["app"], best["bare"]
    return {"requests": requests, "connections": connections, "rounds": max(rounds, 1), "path": app_path,
            "body_bytes": len(app_body), "app": app, "bare": bare, "ratio": app["per_second"] / bare["per_second"],
            "cpu_ratio": _cpu_ratio(bare, app), "p50_ms": app["p50_ms"], "p99_ms": app["p99_ms"],
            "cpus": os.cpu_count(), "target_ratio": TARGET_RATIO, "target_p99_ms": TARGET_P99_MS}


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
def serving(factory: str, env: dict[str, str], ready_path: str) -> Iterator[tuple[int, int]]:
    """uvicorn serving `factory` (one worker) on a free local port; (port, pid) once `ready_path` answers."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port),
               "--workers", "1", "--no-access-log", "--log-level", "warning"]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(server, port, ready_path, log)
            yield port, server.pid
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_ready(server: subprocess.Popen, port: int, path: str, log: Any) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        with contextlib.suppress(OSError):
            fetch(port, path, {})
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
    """User + system CPU seconds of process `pid` (Linux /proc), or None."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


# --- the load generator (runs in its own process) -----------------------------------------


def load(port: int, path: str, headers: dict[str, str], expected: bytes, requests: int, connections: int) -> dict:
    """`requests` GETs of `path` over `connections` keep-alive connections; rate, latencies, checks."""
    return asyncio.run(_load(port, path, headers, expected, requests, connections))


async def _load(port: int, path: str, headers: dict[str, str], expected: bytes, requests: int,
                connections: int) -> dict:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    tickets = iter(range(requests))  # shared: each connection takes the next request left
    latencies: list[float] = []
    problems: list[str] = []
    clock = time.perf_counter

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for _ in tickets:
                started = clock()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status, length = _status_and_length(head)
                body = await reader.readexactly(length)
                latencies.append(clock() - started)
                if status != 200 or body != expected:
                    problems.append(f"{status}: {body[:200]!r}")
        finally:
            writer.close()

    started = clock()
    await asyncio.gather(*(connection() for _ in range(min(connections, requests))))
    seconds = clock() - started
    cut = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {"requests": len(latencies), "ok": len(latencies) - len(problems), "problems": problems[:3],
            "seconds": seconds, "per_second": len(latencies) / seconds,
            "p50_ms": statistics.median(latencies) * 1000, "p99_ms": cut[98] * 1000}


def _status_and_length(head: bytes) -> tuple[int, int]:
    """The status code and Content-Length of a response head (chunked answers are not expected)."""
    status = int(head[9:12])
    for line in head.lower().split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return status, int(line[15:])
    raise RuntimeError(f"an answer without Content-Length: {head[:300]!r}")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    r = run(args.requests, args.connections, args.rounds)
    for name in ("app", "bare"):
        f = r[name]
        print(f"{name:4}: {f['per_second']:,.0f} requests/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
              f"server CPU {f['server_cpu_ms_per_request'] or 0:.2f} ms/request")
    print(f"ratio {r['ratio']:.0%} (of server CPU per request: {r['cpu_ratio'] or 0:.0%}; "
          f"target ≥ {TARGET_RATIO:.0%}); app p99 {r['p99_ms']:.1f} ms "
          f"(target < {TARGET_P99_MS:.0f} ms); {r['requests']:,} requests × {r['rounds']} rounds, "
          f"{r['connections']} connections, body {r['body_bytes']:,} bytes, {r['cpus']} CPUs")


if __name__ == "__main__":
    main()
