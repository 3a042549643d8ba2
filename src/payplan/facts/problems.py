"""Problems found in fact files, each naming the file, row and column.

A problem's `message` is a message id with named fields (`%(name)s`, as the catalogs write
them): `str()` is the English sentence (what the API and the CLI say), `say(translate)` the
same problem in a reader's language, its place (file, row or item, column) included.
Must not read or parse anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from payplan.errors import Phrase, fill
from payplan.i18n import N_

# Where a problem is, by (has a row, is a JSON item, has a column).
PLACES = {
    (True, False, True): N_("%(file)s row %(row)s, column %(column)s: %(reason)s"),
    (True, True, True): N_("%(file)s item %(row)s, column %(column)s: %(reason)s"),
    (True, False, False): N_("%(file)s row %(row)s: %(reason)s"),
    (True, True, False): N_("%(file)s item %(row)s: %(reason)s"),
    (False, False, True): N_("%(file)s column %(column)s: %(reason)s"),
    (False, True, True): N_("%(file)s column %(column)s: %(reason)s"),
    (False, False, False): N_("%(file)s: %(reason)s"),
    (False, True, False): N_("%(file)s: %(reason)s"),
}


class FactProblem(msgspec.Struct, frozen=True):
    """One thing wrong in a fact file; `row`/`column` are None when they do not apply.
    `message` is a message id filled by `fields`; those named in `words` are message ids too."""

    file: str
    row: int | None
    column: str | None
    message: str
    fields: dict[str, Any] = {}
    words: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The English sentence, without the place."""
        return fill(self.message, self.fields)

    def say(self, translate: Callable[[str], str]) -> str:
        """The problem and its place in the language `translate` writes."""
        return self.phrase().say(translate)

    def phrase(self) -> Phrase:
        """The problem and its place, to be said later (a failed import job keeps it)."""
        place = PLACES[(self.row is not None, self.file.endswith(".json"), bool(self.column))]
        return Phrase(place, {"file": self.file, "row": self.row, "column": self.column,
                              "reason": Phrase(self.message, self.fields, self.words)})

    def __str__(self) -> str:
        return str(self.phrase())


SHOWN = 100  # problems a message lists; the rest are counted


class FactError(ValueError):
    """Fact files that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[FactProblem]) -> None:
        self.problems = list(problems)
        self.hint = ""  # a message id an edge adds: what to do about them (`payplan import`'s --update)
        super().__init__(self.say(lambda message: message))

    def say(self, translate: Callable[[str], str]) -> str:
        """The first `SHOWN` problems, a line each, in the language `translate` writes, how many more, and the hint."""
        shown = [p.say(translate) for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            shown.append(Phrase(N_("… and %(more)s more problems"), {"more": len(self.problems) - SHOWN}).say(translate))
        return "\n".join(shown + ([translate(self.hint)] if self.hint else []))
