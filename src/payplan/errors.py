"""Domain errors raised by adapters (store, runs, imports) and mapped once at the edges.

The CLI turns them into a message and an exit code; the HTTP API into an RFC 9457
problem document (NotFound → 404, Conflict → 409, Forbidden → 403, Invalid → 422,
TooLarge → 413, Busy → 503 with Retry-After). The pure core never raises these: it returns Issues.
"""

from __future__ import annotations


class PayplanError(Exception):
    """Base of every error a user can cause; `detail` is safe to show."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, where: str = "", problems: list | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.where = where
        self.problems = problems or []


class NotFound(PayplanError):
    status, title = 404, "Not found"


class Conflict(PayplanError):
    status, title = 409, "Conflict"


class Forbidden(PayplanError):
    status, title = 403, "Forbidden"


class Invalid(PayplanError):
    status, title = 422, "Invalid input"


class TooLarge(PayplanError):
    status, title = 413, "Content too large"


class Busy(PayplanError):
    """The database stayed locked or busy through every retry; nothing was changed."""

    status, title = 503, "Service unavailable"
    retry_after = 2  # seconds, sent as Retry-After


class NoDatabase(PayplanError):
    """No payplan database where the settings point, or one at an older schema revision."""

    status, title = 503, "Service unavailable"
