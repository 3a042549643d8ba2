"""Issues: errors and warnings as data, each naming where it was found.

The core never raises for bad plans or facts; it returns Issues and the edges
(CLI exit codes, HTTP problem documents) decide what to do with them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from payplan.core.trace import fill


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


def error(code: str, message: str, where: str = "", /, **inputs: Any) -> Issue:
    """An error; `message` is a template over `inputs` (`trace.fill`, marked with `trace.N_`)
    when they are given, and is the message id a reader's language finds it by either way."""
    return _issue("error", code, message, where, inputs)


def warning(code: str, message: str, where: str = "", /, **inputs: Any) -> Issue:
    """A warning; `message` as for `error`."""
    return _issue("warning", code, message, where, inputs)


def sentence(template: str, **inputs: Any) -> dict[str, Any]:
    """A sentence inside an issue's sentence (`{problem}`: a formula's own error in the base's):
    a value of `inputs` that `trace.fill` writes in English, a reader's edge in its language."""
    return {"template": template, "inputs": inputs}


def listing(*words: str) -> dict[str, Any]:
    """Words of ours (each marked with `trace.N_`), each said in the reader's language, joined by ", "."""
    template = ", ".join(f"{{w{i}:word}}" for i in range(len(words)))
    return sentence(template, **{f"w{i}": word for i, word in enumerate(words)})


def _issue(severity: str, code: str, message: str, where: str, inputs: dict[str, Any]) -> Issue:
    if not inputs:
        return Issue(severity, code, message, where)
    return Issue(severity, code, fill(message, inputs), where, template=message, inputs=inputs)


def has_errors(issues: list[Issue] | tuple[Issue, ...]) -> bool:
    return any(i.severity == "error" for i in issues)
