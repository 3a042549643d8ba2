"""The rep breakdown API benchmark at its quick size: both servers answered every request correctly.

Speed is the suite's business (`payplan bench`), not this test's: nothing here is timed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from payplan.bench import api, suite


def test_quick_run_checks_every_answer_of_both_endpoints():
    quick = next(row[3] for row in suite.ROWS if row[0] == "payplan.bench.api")
    result = api.run(**quick)

    assert result["requests"] == quick["requests"] and result["connections"] == 10
    assert result["path"].endswith(f"/results/{api.REP_ID}") and result["body_bytes"] > 1000
    for name in ("app", "bare_auth", "bare"):
        figures = result[name]
        assert figures["requests"] == figures["ok"] == quick["requests"], figures["problems"]
        assert figures["per_second"] > 0 and 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert result["ratio"] == pytest.approx(result["app"]["per_second"] / result["bare"]["per_second"])
    assert result["auth_ratio"] == pytest.approx(result["app"]["per_second"] / result["bare_auth"]["per_second"])
    assert result["round_ratios"] == [(pytest.approx(result["auth_ratio"]), pytest.approx(result["ratio"]))]
    assert result["p99_ms"] == result["app"]["p99_ms"]
    figure, target = next(row[4] for row in suite.ROWS if row[0] == "payplan.bench.api")(result)
    assert "requests/s" in figure and "70%" in target and "40%" in target


def test_the_bare_auth_reference_refuses_an_unknown_token(tmp_path, monkeypatch):
    """The authenticated reference really checks the token (a wrong one is 401, not the document)."""
    from litestar.testing import TestClient

    url = f"sqlite:///{tmp_path / 'ref.sqlite'}"
    token, _ = api.seed(url)
    monkeypatch.setenv("PAYPLAN_DATABASE_URL", url)
    with TestClient(api.bare_auth_app()) as client:
        assert client.get(api.BARE_PATH, headers={"Authorization": f"Bearer {token}"}).json() == api.BARE_DOCUMENT
        assert client.get(api.BARE_PATH, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
        assert client.get(api.BARE_PATH).status_code == 401


def test_load_generator_counts_wrong_answers():
    """An error page or another body is not counted as a good answer (so it can't pass for speed)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            status, body = (200, b'{"ok":1}') if self.path == "/good" else (404, b'{"status":404}')
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((api.HOST, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        with ThreadPoolExecutor(1) as client:  # its own thread: pytest may already run an event loop here
            good, other_body, missing = client.map(lambda args: api.load(port, *args, 20, 2), [
                ("/good", {}, b'{"ok":1}'), ("/good", {}, b'{"ok":2}'), ("/missing", {}, b'{"ok":1}')])
    finally:
        server.shutdown()
    assert (good["requests"], good["ok"]) == (20, 20)
    assert (other_body["ok"], missing["ok"]) == (0, 0) and missing["problems"][0].startswith("404")


def test_suite_lists_the_api_row():
    rows = [row for row in suite.ROWS if row[0] == "payplan.bench.api"]
    assert len(rows) == 1 and rows[0][3]  # quick sizes exist
