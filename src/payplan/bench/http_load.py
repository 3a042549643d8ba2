"""The API benchmark's load generator: keep-alive HTTP/1.1 GETs on asyncio streams, checked answers.

Runs in its own process (`payplan.bench.api`): `connections` connections on one event
loop, each sending its next request when the previous answer is complete; latency is
from writing a request to reading its last byte. Every answer must be 200 with exactly
the expected body, so an error page can't pass for speed. Kept cheap (pre-built request
bytes, no JSON parsing) because on a small machine it shares the CPU with the server.
Must not touch any database.
"""

from __future__ import annotations

import asyncio
import statistics
import time

HOST = "127.0.0.1"


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
