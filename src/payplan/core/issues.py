"""Issues: errors and warnings as data, each naming where it was found.

The core never raises for bad plans or facts; it returns Issues and the edges
(CLI exit codes, HTTP problem documents) decide what to do with them.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Issue(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    severity: str  # "error" | "warning" | "accepted" (a warning the plan acknowledges, with `reason`)
    code: str  # stable machine-readable code, e.g. "weights-sum"
    message: str  # one sentence a person can act on
    where: str = ""  # file, key path (kpi[2].curve), row or rep/period
    # The message as a template with its named values (`trace.fill`), when the engine wrote it:
    # a statement finds its translation by the template; `message` is the English text.
    template: str = ""
    inputs: dict[str, Any] = {}  # Any: a stored document's decimals come back as text
    reason: str = ""  # why an accepted warning stays (the plan's `[lint] accept`)

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        because = f" ({self.reason})" if self.reason else ""
        return f"{place}{self.severity}: {self.message} [{self.code}]{because}"


def error(code: str, message: str, where: str = "") -> Issue:
    return Issue("error", code, message, where)


def warning(code: str, message: str, where: str = "") -> Issue:
    return Issue("warning", code, message, where)


def has_errors(issues: list[Issue] | tuple[Issue, ...]) -> bool:
    return any(i.severity == "error" for i in issues)
