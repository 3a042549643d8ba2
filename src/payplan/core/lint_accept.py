"""Lint that respects decisions: warnings a plan acknowledges in `[lint] accept`.

`acknowledge(plan, issues)` turns each warning an accept names (by rule, and by key
path when `where` is given) into an issue of severity "accepted" carrying the
accept's reason, and adds the accept's own problems: an empty reason is an error,
an accept that matches no warning is a warning (the plan changed, or the rule is
misspelt). Errors are never accepted. Pure: stdlib and msgspec only; must not read
files or compute pay.
"""

from __future__ import annotations

import msgspec

from payplan.core.issues import Issue, error, warning
from payplan.core.plan import Accept, Plan
from payplan.core.trace import N_


def acknowledge(plan: Plan, issues: list[Issue]) -> list[Issue]:
    """`issues` with the warnings the plan accepts marked accepted, then the accepts' own issues."""
    used: set[int] = set()
    out = []
    for issue in issues:
        index = _match(plan.lint.accept, issue)
        if index is None:
            out.append(issue)
            continue
        used.add(index)
        out.append(msgspec.structs.replace(issue, severity="accepted", reason=plan.lint.accept[index].reason))
    for index, accept in enumerate(plan.lint.accept):
        at = f"lint.accept[{index}]"
        if not accept.reason.strip():
            out.append(error("accept-reason", N_("accepting '{rule}' needs a reason: say why the plan keeps what "
                                                 "the warning points at"), f"{at}.reason", rule=accept.rule))
        if index not in used:
            unused = N_("'{rule}' is accepted but no such warning fires at {where}: remove the accept") \
                if accept.where else N_("'{rule}' is accepted but no such warning fires: remove the accept")
            out.append(warning("accept-unused", unused, f"{at}.rule", rule=accept.rule, where=accept.where))
    return out


def _match(accepts: list[Accept], issue: Issue) -> int | None:
    """The first accept naming this warning's rule (and a key path it lies at or under)."""
    if issue.severity != "warning":
        return None
    path = issue.where.split(" ", 1)[0]
    for index, accept in enumerate(accepts):
        if accept.rule == issue.code and (not accept.where or path == accept.where
                                          or path.startswith((accept.where + ".", accept.where + "["))):
            return index
    return None
