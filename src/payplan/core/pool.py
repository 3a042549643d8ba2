"""Team pools: an amount, or a rate on the team's results, divided among the team's members.

A pool's team is the rep's `team`: the reps of it in `RepInputs.pool` (employed in the
period, as the fact store loads them) whom the plan is for (its eligibility). Each
member's evaluation divides the same pool by the same rule over the same members, so
the shares the members are shown add up to the pool to the cent: `divide` cuts it by
the largest-remainder method, ties to the lower rep id. Must not know about other
components, draws or clawbacks, nor prorate a share.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import floor

from payplan.core.base import base_function
from payplan.core.context import Ctx
from payplan.core.eligibility import is_eligible
from payplan.core.formula import FormulaError
from payplan.core.inputs import TeamMember
from payplan.core.plan import Pool
from payplan.core.result import Line
from payplan.core.trace import N_, Node

ZERO, ONE = Decimal(0), Decimal(1)


def divide(total: Decimal, weights: dict[str, Decimal], quantum: Decimal) -> dict[str, Decimal]:
    """`total` (≥ 0, a multiple of `quantum`) in proportion to `weights` (≥ 0), each share a
    multiple of `quantum`, adding up to `total` exactly (largest remainder, Hamilton's method).

    Each member first gets their exact share rounded down to the quantum; the quanta left
    go one each to the members whose exact shares lost the most, ties to the lower id.
    All weights 0 (or no total): every share is 0.
    """
    units = int(total / quantum)
    whole = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if whole <= 0 or units <= 0:
        return dict.fromkeys(weights, ZERO * quantum)
    exact = {k: units * Fraction(w) / whole for k, w in weights.items()}
    cut = {k: floor(e) for k, e in exact.items()}
    for k in sorted(weights, key=lambda k: (cut[k] - exact[k], k))[:units - sum(cut.values())]:
        cut[k] += 1
    return {k: n * quantum for k, n in cut.items()}


def evaluate_pool(c: Pool, ctx: Ctx) -> tuple[list[Line], Node]:
    label = c.label or N_("Team pool")
    node = Node(c.id, label, formula=_SPLIT[c.split], source=c.why, inputs={"team": ctx.rep.team})
    members = [m for m in ctx.inputs.pool if is_eligible(ctx.plan, m.rep)]
    fn = base_function(c.base)
    bases = {m.rep.id: _base(fn, m, ctx, c.id) for m in members}
    pool = _amount(c, sum(bases.values(), ZERO), ctx, node)
    weights = {m.rep.id: _weight(c, m, bases[m.rep.id], ctx) for m in members}
    shares = divide(pool, weights, ctx.money_quantum)
    whole = sum(weights.values(), ZERO)
    shared = Node(f"{c.id}.shares", N_("Shares of the pool"), value=sum(shares.values(), ZERO),
                  formula=N_("largest remainder: each share rounded down, the cents left to the largest fractions"))
    for rep, share in shares.items():
        shared.add(Node(f"{c.id}.share.{rep}", N_("Share of {member}"), value=share, formula=N_("weight {weight} of {total}"),
                        inputs={"member": rep, "weight": weights[rep], "total": whole}))
    node.add(shared)
    lines = []
    if ctx.rep.id in shares:
        inputs = {"pool": pool, "weight": weights[ctx.rep.id], "total": whole, "members": len(members)}
        lines.append(Line(c.id, "pool", label, shares[ctx.rep.id], base=pool, cause=_CAUSE[c.split], inputs=inputs))
    node.value = sum((ln.amount for ln in lines), ZERO)
    return lines, node


_SPLIT = {"equal": N_("the team pool in equal shares"),
          "attainment": N_("the team pool in proportion to each member's attainment"),
          "revenue": N_("the team pool in proportion to each member's credited revenue")}
_CAUSE = {"equal": N_("an equal share of the team pool {pool:money} among {members} members"),
          "attainment": N_("team pool {pool:money} × attainment {weight:pct} / the team's {total:pct}"),
          "revenue": N_("team pool {pool:money} × credited revenue {weight:money} / the team's {total:money}")}


def _base(fn, member: TeamMember, ctx: Ctx, where: str) -> Decimal:
    total = ZERO
    for deal in member.deals:
        if deal.status != "won":
            continue
        try:
            total += fn(deal) * deal.share
        except FormulaError as exc:
            ctx.fail("base-formula", N_("deal {deal}: {error}"), where, deal=deal.id, error=str(exc))
    return total


def _amount(c: Pool, team_base: Decimal, ctx: Ctx, node: Node) -> Decimal:
    """The pool: its fixed amount, or rate × the team's base; never below 0."""
    if c.amount is not None:
        pool = max(ctx.money(c.amount), ZERO)
        node.add(Node(f"{c.id}.pool", N_("Team pool"), value=pool, formula=N_("plan amount")))
        return pool
    pool = max(ctx.money((c.rate or ZERO) * team_base), ZERO)
    node.add(Node(f"{c.id}.team_base", N_("Team base"), value=team_base))
    node.add(Node(f"{c.id}.pool", N_("Team pool"), value=pool, formula=N_("{rate:pct2} × {base:money}"),
                  inputs={"rate": c.rate, "base": team_base}))
    return pool


def _weight(c: Pool, member: TeamMember, base: Decimal, ctx: Ctx) -> Decimal:
    """A member's claim on the pool under `split` (never below 0)."""
    if c.split == "equal":
        return ONE
    if c.split == "revenue":
        return max(sum((d.amount * d.share for d in member.deals if d.status == "won"), ZERO), ZERO)
    target = member.targets.get("quota")
    quota = target.value if target is not None else c.quota
    if not quota:
        ctx.warn("no-quota", N_("pool {component}: member {member} has no quota; their attainment counts as 0"),
                 c.id, component=c.id, member=member.rep.id)
        return ZERO
    return max(base / quota, ZERO)
