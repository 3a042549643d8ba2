"""Domain errors raised by adapters (store, runs, imports) and mapped once at the edges.

The CLI turns them into a message and an exit code; the HTTP API into an RFC 9457
problem document (NotFound → 404, Conflict → 409, Forbidden → 403, Invalid → 422,
TooLarge → 413, Busy → 503 with Retry-After). The pure core never raises these: it returns Issues.

A reason is a message id with named fields, as the catalogs write them:
`raise Conflict(N_("run %(run)s is %(state)s; only a draft can be recomputed"), run=run.id,
state=run.state, words=("state",))`. `detail` is the English sentence (what the API, the logs
and the exception's `str()` say); `say(translate)` writes it in a reader's language, translating
the message id and the fields named in `words` (our own words, such as a run's state). A plain
sentence without fields still works and is translated only if the catalog has it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping


def fill(message: str, fields: Mapping[str, object]) -> str:
    """`message` with its `%(name)s` fields filled in (as it is when there are none)."""
    return message % dict(fields) if fields else message


def say(message: str, fields: Mapping[str, object], words: tuple[str, ...],
        translate: Callable[[str], str]) -> str:
    """`message` and the fields named in `words` translated by `translate`, then filled in."""
    values = {k: translate(v) if k in words and isinstance(v, str) else v for k, v in fields.items()}
    return fill(translate(message), values)


class PayplanError(Exception):
    """Base of every error a user can cause; `detail` is safe to show."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, where: str = "", problems: list | None = None,
                 words: tuple[str, ...] = (), **fields: object) -> None:
        self.message = detail
        self.fields = fields
        self.words = tuple(words)
        self.detail = fill(detail, fields)
        super().__init__(self.detail)
        self.where = where
        self.problems = problems or []

    def say(self, translate: Callable[[str], str]) -> str:
        """The reason in the language `translate` (a message id → its translation) writes."""
        return say(self.message, self.fields, self.words, translate)


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


def reason_record(exc: PayplanError) -> str:
    """The reason of `exc` as stored text (a failed job's `error`): JSON of its message id, fields
    and words, so that it can be said later in the reader's language (`stored_reason`)."""
    record = {"message": exc.message, "fields": exc.fields, "words": list(exc.words)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def stored_reason(text: str) -> PayplanError:
    """The reason `reason_record` stored; any other text (written before, or by hand) as a plain sentence."""
    try:
        record = json.loads(text)
        return PayplanError(record["message"], words=tuple(record["words"]), **record["fields"])
    except (ValueError, TypeError, KeyError):
        return PayplanError(text)
