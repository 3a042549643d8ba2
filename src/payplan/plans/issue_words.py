"""Issues as a person reads them in a language: a plan's lint findings, an evaluation's issues.

An `Issue` keeps its English `message` (JSON, logs, `str()`) and, when the core wrote it
as a template, the `template` and its named `inputs`: `said` finds the template in the
catalog and writes its values in the reader's language (`payplan.i18n.Words`); `line`
is `str(issue)` in that language ("file:3: components[0].kpis: помилка: … [weights-sum]").
Key paths, codes and a plan's accept reasons stay as the plan file writes them.
Must not decide what an issue is (that is `payplan.core.lint`) nor format for a medium.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from functools import lru_cache

from payplan.core.issues import Issue
from payplan.core.trace import fill
from payplan.errors import Phrase
from payplan.i18n import N_, Words

SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "accepted": N_("accepted")}


@lru_cache(maxsize=8)
def words(lang: str) -> Words:
    """The catalog's words of `lang` (made once per language)."""
    return Words(lang)


def said(issue: Issue, lang: str) -> str:
    """The issue's sentence in `lang` (its English message when the catalog lacks it)."""
    return words(lang).fill(issue.template or issue.message, issue.inputs)


def severity(issue: Issue, lang: str) -> str:
    """"error", "warning", "accepted" in `lang`."""
    return words(lang).text(SEVERITIES.get(issue.severity, issue.severity))


def line(issue: Issue, lang: str) -> str:
    """`where: severity: sentence [code] (reason)`, as `str(issue)` in `lang`."""
    place = f"{issue.where}: " if issue.where else ""
    because = f" ({issue.reason})" if issue.reason else ""
    return f"{place}{severity(issue, lang)}: {said(issue, lang)} [{issue.code}]{because}"


class IssueLines(Phrase):
    """Issues as one field of a refusal's reason (`Invalid(..., issues=IssueLines(errors))`): a line
    each, in the language of the `translate` the reason is said with (a plan's own numbers are
    written as its file writes them, `{x:text}`, so the catalog's words are all it needs)."""

    __slots__ = ("issues",)

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("%(lines)s", {"lines": "\n".join(map(str, issues))})
        self.issues = list(issues)

    def say(self, translate: Callable[[str], str]) -> str:
        return "\n".join(_line_in(issue, translate) for issue in self.issues)


def _line_in(issue: Issue, translate: Callable[[str], str]) -> str:
    place = f"{issue.where}: " if issue.where else ""
    sentence = _sentence(issue.template, issue.inputs, translate) if issue.template else translate(issue.message)
    because = f" ({issue.reason})" if issue.reason else ""
    return f"{place}{translate(SEVERITIES.get(issue.severity, issue.severity))}: {sentence} [{issue.code}]{because}"


def _sentence(template: str, inputs: Mapping[str, Any], translate: Callable[[str], str]) -> str:
    """`template` translated and filled, a value that is a sentence of its own said the same way first."""
    said_first = {k: _sentence(str(v.get("template", "")), v.get("inputs") or {}, translate)
                  if isinstance(v, Mapping) else v for k, v in inputs.items()}
    return fill(translate(template), said_first)
