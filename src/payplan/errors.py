"""Domain errors raised by adapters (store, runs, imports) and mapped once at the edges.

The CLI turns them into a message and an exit code; the HTTP API into an RFC 9457
problem document (NotFound → 404, Conflict → 409, Forbidden → 403, Invalid → 422,
TooLarge → 413, Busy → 503 with Retry-After). The pure core never raises these: it returns Issues.

A reason is a message id with named fields, as the catalogs write them:
`raise Conflict(N_("run %(run)s is %(state)s; only a draft can be recomputed"), run=run.id,
state=run.state, words=("state",))`. `detail` is the English sentence (what the API, the logs
and the exception's `str()` say); `say(translate)` writes it in a reader's language, translating
the message id and the fields named in `words` (our own words, such as a run's state). A field
may be a `Phrase` (a sentence of its own, said in the same language), or a list of them. A plain
sentence without fields still works and is translated only if the catalog has it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping


def fill(message: str, fields: Mapping[str, object]) -> str:
    """`message` with its `%(name)s` fields filled in (as it is when there are none); a field that
    is a `Phrase` (or a list of them) in English."""
    return say(message, fields, (), _as_is) if fields else message


def say(message: str, fields: Mapping[str, object], words: tuple[str, ...],
        translate: Callable[[str], str]) -> str:
    """`message` and the fields named in `words` translated by `translate`, then filled in.
    A field that is a `Phrase` is said the same way; a list of Phrases, each, joined by "; "."""
    # an empty word stays empty: gettext("") is the catalog's header
    values = {k: _said(v, translate) if isinstance(v, (Phrase, list)) else
              translate(v) if k in words and isinstance(v, str) and v else v for k, v in fields.items()}
    return translate(message) % values if values else translate(message)


def _as_is(message: str) -> str:
    return message


class Phrase:
    """A sentence to say later, in the reader's language: a message id, its fields, and which
    fields are our own words. A field of an error's reason may be one (a fact file problem
    with its place, `FactProblem.phrase`), or a list of them."""

    __slots__ = ("message", "fields", "words")

    def __init__(self, message: str, fields: Mapping[str, object] | None = None, words: tuple[str, ...] = ()) -> None:
        self.message, self.fields, self.words = message, dict(fields or {}), tuple(words)

    def say(self, translate: Callable[[str], str]) -> str:
        return say(self.message, self.fields, self.words, translate)

    def record(self) -> dict:
        """As JSON data (`reason_record`): the message, fields and words."""
        return {"message": self.message, "fields": self.fields, "words": list(self.words)}

    def __str__(self) -> str:
        return self.say(_as_is)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and self.record() == other.record()

    __hash__ = None  # type: ignore[assignment]


def _said(value: object, translate: Callable[[str], str]) -> object:
    if isinstance(value, Phrase):
        return value.say(translate)
    if value and all(isinstance(v, Phrase) for v in value):  # type: ignore[union-attr]
        return "; ".join(v.say(translate) for v in value)  # type: ignore[union-attr]
    return value


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

    def phrase(self) -> Phrase:
        """The reason as a Phrase, to be a field of another reason."""
        return Phrase(self.message, self.fields, self.words)


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
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=_record)


def _record(value: object) -> object:
    return value.record() if isinstance(value, Phrase) else str(value)


def stored_reason(text: str) -> PayplanError:
    """The reason `reason_record` stored; any other text (written before, or by hand) as a plain sentence."""
    try:
        record = json.loads(text)
        return PayplanError(record["message"], words=tuple(record["words"]), **_phrases(record["fields"]))
    except (ValueError, TypeError, KeyError):
        return PayplanError(text)


def _phrases(fields: dict) -> dict:
    """Stored fields with the Phrases `_record` wrote (objects with a message) made Phrases again."""
    def back(value: object) -> object:
        if isinstance(value, dict) and "message" in value:
            return Phrase(value["message"], _phrases(value.get("fields", {})), tuple(value.get("words", ())))
        return [back(v) for v in value] if isinstance(value, list) else value
    return {k: back(v) for k, v in fields.items()}
