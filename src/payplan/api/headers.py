"""The security headers every response carries, and `Cache-Control: no-store`.

The app sets them with Litestar's own `response_headers` and `cache_control` (`payplan.app`);
responses made by the exception handlers (`payplan.api.problems`, `payplan.web.errors`)
do not pass through those, so they add `ERROR_HEADERS` themselves. No page may be framed
(clickjacking an approve or pay button), no response sniffed into another type, no
address with a run or rep id sent to another site as a referrer. Must not decide who
may see what.
"""

from __future__ import annotations

SECURITY_HEADERS = {
    # No page runs a script: none may run if a value ever escaped its escaping. Styles may be
    # inline (a statement's and a simulation report's own <style>, the report in a sandboxed frame).
    "Content-Security-Policy": ("script-src 'none'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
                                "object-src 'none'; form-action 'self'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
ERROR_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
