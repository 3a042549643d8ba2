"""Checks across fact files: references to reps and deals, manager loops, split shares.

Run after every file parsed cleanly. Must not read files.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec

from payplan.facts.problems import FactProblem
from payplan.facts.rows import FactSet, RepRow
from payplan.i18n import N_


# A reference to something the files do not hold, by what it names.
UNKNOWN = {"rep": N_("unknown rep %(value)r"), "team": N_("unknown team %(value)r"), "deal": N_("unknown deal %(value)r")}


def check_references(facts: FactSet, problems: list[FactProblem]) -> None:
    """Unknown rep, manager, deal and team references; manager loops; split shares summing to 1."""
    reps = {r.rep_id: r for r in facts.reps}
    teams = {r.team for r in facts.reps if r.team}

    def unknown(kind: str, row: msgspec.Struct, column: str, what: str = "rep") -> None:
        problems.append(FactProblem(facts.sources[kind], row.row, column, UNKNOWN.get(what, UNKNOWN["rep"]),
                                    {"value": getattr(row, column)}))

    for rep in facts.reps:
        if rep.manager_id is not None and rep.manager_id not in reps:
            unknown("reps", rep, "manager_id")
    _check_manager_loops(facts, reps, problems)
    for kind in ("activities", "deals", "credits", "scores", "nps", "parameters"):
        for row in getattr(facts, kind):
            if row.rep_id not in reps:
                unknown(kind, row, "rep_id")
    for target in facts.targets:
        if target.scope_id not in (reps if target.scope == "rep" else teams):
            unknown("targets", target, "scope_id", target.scope)
    _check_credits(facts, problems)


def _check_manager_loops(facts: FactSet, reps: dict[str, RepRow], problems: list[FactProblem]) -> None:
    for rep in facts.reps:
        seen, current = {rep.rep_id}, rep.manager_id
        while current is not None and current in reps:
            if current in seen:
                problems.append(FactProblem(facts.sources["reps"], rep.row, "manager_id",
                                            N_("the manager chain of %(rep)r loops back through %(manager)r"),
                                            {"rep": rep.rep_id, "manager": current}))
                break
            seen.add(current)
            current = reps[current].manager_id


def _check_credits(facts: FactSet, problems: list[FactProblem]) -> None:
    """The split (rows counting for both) adds up to 1; with no such row, the quota rows add
    up to 1 and so do the commission rows. Quota-only and commission-only rows beside a
    split are extra credits (an overlay's quota credit, a specialist's commission)."""
    deals = {d.deal_id for d in facts.deals}
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    first_row: dict[str, int] = {}
    for credit in facts.credits:
        if credit.deal_id not in deals:
            problems.append(FactProblem(facts.sources["credits"], credit.row, "deal_id", UNKNOWN["deal"],
                                        {"value": credit.deal_id}))
        totals[(credit.deal_id, credit.counts_for)] += credit.share
        first_row.setdefault(credit.deal_id, credit.row)
    for deal_id, row in first_row.items():
        if (deal_id, "both") in totals:
            wanted = {"both": totals[(deal_id, "both")]}
        else:
            wanted = {p: totals.get((deal_id, p), Decimal(0)) for p in ("quota", "commission")}
        for purpose, total in wanted.items():
            if total != 1 and purpose == "both":
                problems.append(FactProblem(facts.sources["credits"], row, "share",
                                            N_("the shares of deal %(deal)r add up to %(total)s, not 1"),
                                            {"deal": deal_id, "total": total}))
            elif total != 1:
                problems.append(FactProblem(facts.sources["credits"], row, "counts_for",
                    N_("deal %(deal)r has no split counting for both: its %(purpose)s shares add up to %(total)s, not 1"),
                    {"deal": deal_id, "purpose": purpose, "total": total}))
