"""Facts → the engine's `RepInputs`: every catalog metric, for every rep, from set-based SQL.

`load_inputs` runs each needed aggregate query once per (family, scope, filter)
for all reps together (`payplan.store.aggregates`), then turns the totals into
`MetricValue`s with their counts and evidence, and adds each rep's credited
deals, target overrides and (for manager overrides) team. Must not score or pay:
that is `payplan.core.engine`; must not issue one query per rep.
"""

from __future__ import annotations

from datetime import date

import msgspec

from sqlalchemy import Connection, select

from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs, TeamMember
from payplan.core.metrics import ACTIVITY_METRICS, CATALOG, DEAL_METRICS, MetricSpec
from payplan.core.periods import Period
from payplan.gcpause import collector_paused
from payplan.store import aggregates
from payplan.store.aggregates import Only
from payplan.store.deal_pass import PeriodDeals, read_deals, scope_members
from payplan.store.fx import FxAmounts
from payplan.store.metric_totals import DEAL_VALUES, count, empty_value, median, nps
from payplan.store.rows import employed_in, load_parameters, load_reps, load_targets
from payplan.store.schema import reps
from payplan.store.score_metrics import score_evidence, score_kind, score_values
from payplan.store.sqlparts import UTC, Days

__all__ = ["list_evidence", "load_inputs", "load_reps", "metric_values"]

ACTIVITY_KINDS = {"calls": "call", "meetings": "meeting", "demos": "demo"}
SCOPES = ("self", "team", "subtree")
# which credited deals a deal metric's evidence lists: won / lost in the period, created in it
DEAL_EVIDENCE = {name: ("won",) for name in DEAL_METRICS} | {
    "leads": ("lead",), "lead_conversion": ("lead",), "deals_lost": ("lost",), "win_rate": ("won", "lost")}


@collector_paused()  # builds ~10 containers a fact and no cycles (payplan.gcpause)
def load_inputs(conn: Connection, specs: list[MetricSpec], period: Period, *,
                rep_ids: set[str] | list[str] | None = None, team_scope: str | None = None,
                target_keys: set[str] | None = None, activity_ids: bool = False,
                everyone: list[Rep] | None = None, pool: bool = False, zone: str = UTC,
                fx: FxAmounts | None = None, days: tuple[date, date] | None = None,
                fields: bool = True) -> dict[str, RepInputs]:
    """RepInputs for every rep employed during `period` (or only `rep_ids`), by rep id.

    `team_scope` ("team" / "subtree") fills `RepInputs.team` with each rep's reports
    and their won deals; `target_keys` limits the target overrides loaded (None: all).
    Activity metrics carry counts only unless `activity_ids=True` (an explanation or
    statement for a few reps); deal, NPS and score metrics always list their fact ids.
    `everyone`: what `load_reps` returns, when the caller has just read it (not read again).
    `pool`: fill `RepInputs.pool` with every employed rep of the rep's team (a team pool).
    `zone`: the plan's time zone, whose calendar days the facts' timestamps fall on.
    `fx`: the period's deals converted into the pay currency (`payplan.store.fx`): deal
    metrics and credited deals then read the converted amounts.
    `days`: the days of the period whose facts count (a plan version in force for only part
    of it, `proration.version_days`); the whole period when None. Targets, parameters and
    score rows (which have no days) stay the period's.
    `fields=False`: the credited deals come without their extra fields (`Deal.fields` empty),
    for a plan whose commission base reads none (`Needs.fields`).
    `list_evidence` lists the facts behind any one metric of one rep.
    """
    if everyone is None:
        everyone = load_reps(conn)
    employed = [r for r in everyone if employed_in(r, period)]
    asked = None if rep_ids is None else set(rep_ids)
    chosen = employed if asked is None else [r for r in employed if r.id in asked]
    # Every employed rep asked for (a whole run): no id list in the SQL, where a
    # 10,000-parameter IN costs more than the rows it would leave out.
    only = None if asked is None or len(chosen) == len(employed) else sorted(r.id for r in chosen)
    teams = team_of(everyone, period, team_scope) if team_scope else {}
    mates = pool_of(employed, chosen) if pool else {}
    wanted = None if only is None else sorted({*only, *(m.id for r in chosen for m in teams.get(r.id, ())),
                                               *(m.id for ms in mates.values() for m in ms)})
    managers = {r.id: r.manager_id for r in everyone}
    values, deals = period_values(conn, specs, period, only, activity_ids=activity_ids, zone=zone, fx=fx, days=days,
                                  managers=managers, deal_reps=wanted, fields=fields)
    targets = load_targets(conn, period, _with_mates(chosen, [*mates.values(), *teams.values()]), target_keys)
    params = load_parameters(conn, period, chosen)
    defaults = [(spec.key, values[spec.key].get, empty_value(spec)) for spec in specs]
    key = period.key
    return {rep.id: RepInputs(
        rep, key, {name: get(rep.id, empty) for name, get, empty in defaults},
        deals.get(rep.id, ()), targets[rep.id],
        tuple(TeamMember(m, _won(deals.get(m.id, ())), targets[m.id]) for m in teams[rep.id]) if rep.id in teams else (),
        tuple(TeamMember(m, _won(deals.get(m.id, ())), targets[m.id]) for m in mates.get(rep.team, ())),
        params.get(rep.id, {}),
    ) for rep in chosen}


def pool_of(employed: list[Rep], chosen: list[Rep]) -> dict[str, list[Rep]]:
    """team → its employed reps by id, for the teams of `chosen` (a rep without a team has no pool)."""
    asked = {r.team for r in chosen if r.team}
    return {team: sorted((r for r in employed if r.team == team), key=lambda r: r.id) for team in asked}


def _with_mates(chosen: list[Rep], groups: list[list[Rep]]) -> list[Rep]:
    """`chosen`, then the members of `groups` not among them (whose targets a pool or override reads)."""
    seen = {r.id for r in chosen}
    return chosen + [m for ms in groups for m in ms if m.id not in seen and not seen.add(m.id)]


def list_evidence(conn: Connection, rep_id: str, spec: MetricSpec, period: Period, zone: str = UTC) -> list[str]:
    """The ids of the facts behind `spec` for one rep (or owner) in `period`, sorted, one query.

    The same ids `load_inputs(..., activity_ids=True)` puts in the metric's evidence:
    activity ids, credited deal ids, NPS response ids, or "rep:period:kind" score rows.
    """
    _check(spec)
    if spec.starts or spec.ends:
        window = window_of(spec, period, zone)
        whole = msgspec.structs.replace(spec, starts="", ends="")
        return aggregates_ids(conn, rep_id, whole, window) if window else []
    if zone != UTC and not score_kind(spec.name):
        return aggregates_ids(conn, rep_id, spec, Days(period.start, period.end, zone))
    return aggregates_ids(conn, rep_id, spec, period)


def aggregates_ids(conn: Connection, rep_id: str, spec: MetricSpec, period) -> list[str]:
    """`list_evidence` over `period` or a `Window` of it."""
    if kind := score_kind(spec.name):
        return list(score_evidence(conn, period, spec.scope, kind, rep_id))
    if spec.name in ACTIVITY_METRICS:
        return aggregates.activity_ids(conn, period, spec.scope, rep_id, activity_kind(spec))
    if spec.name == "nps":
        return aggregates.nps_ids(conn, period, spec.scope, rep_id)
    return aggregates.deal_ids(conn, period, spec.scope, spec.product, rep_id, DEAL_EVIDENCE[spec.name])


def team_of(everyone: list[Rep], period: Period, scope: str) -> dict[str, list[Rep]]:
    """manager id → reports employed in the period: direct ("team") or all ("subtree")."""
    if scope not in ("team", "subtree"):
        raise ValueError(f"unknown team scope {scope!r} (expected team or subtree)")
    direct: dict[str, list[Rep]] = {}
    for rep in everyone:
        if rep.manager_id:
            direct.setdefault(rep.manager_id, []).append(rep)

    def below(rep_id: str) -> list[Rep]:
        reports = direct.get(rep_id, [])
        return reports if scope == "team" else [x for r in reports for x in (r, *below(r.id))]

    return {rep.id: sorted((m for m in below(rep.id) if employed_in(m, period)), key=lambda m: m.id)
            for rep in everyone if rep.id in direct}


def _won(deals: tuple[Deal, ...]) -> tuple[Deal, ...]:
    return tuple(d for d in deals if d.status == "won")


def metric_values(conn: Connection, specs: list[MetricSpec], period: Period,
                  only: Only = None, *, activity_ids: bool = False,
                  zone: str = UTC, fx: FxAmounts | None = None,
                  days: tuple[date, date] | None = None) -> dict[str, dict[str, MetricValue]]:
    """spec key → rep (owner) id → MetricValue, for owners with facts (others: `empty_value`)."""
    return period_values(conn, specs, period, only, activity_ids=activity_ids, zone=zone, fx=fx, days=days,
                         with_deals=False)[0]


def period_values(conn: Connection, specs: list[MetricSpec], period: Period, only: Only = None, *,
                  activity_ids: bool = False, zone: str = UTC, fx: FxAmounts | None = None,
                  days: tuple[date, date] | None = None, managers: dict[str, str | None] | None = None,
                  deal_reps: Only = None, with_deals: bool = True,
                  fields: bool = True) -> tuple[dict[str, dict[str, MetricValue]], dict[str, tuple[Deal, ...]]]:
    """`metric_values`, and the credited deals of `deal_reps` (None: all) won or clawed back
    in the period (none unless `with_deals`), from one read of the period's deals.

    Each aggregate query runs once for all specs that share it: one activity query
    per scope (every kind asked for), one read of the deals for every (scope, product
    filter) and the deal list (`payplan.store.deal_pass`). `managers`: rep → manager,
    when the caller has the reps (else read when a team scope needs them).
    """
    for spec in specs:
        _check(spec)
    if any(s.starts or s.ends for s in specs):
        return _with_windows(conn, specs, period, only, activity_ids, zone, fx, days, managers, deal_reps, with_deals,
                             fields)
    span = facts_span(period, zone, days)
    kinds: dict[str, list[str]] = {}
    for spec in specs:
        if spec.name in ACTIVITY_METRICS:
            kinds.setdefault(spec.scope, [])
            if (kind := activity_kind(spec)) not in kinds[spec.scope]:
                kinds[spec.scope].append(kind)
    filters = {(s.scope, s.product) for s in specs if s.name in DEAL_METRICS}
    read = PeriodDeals({}, {})
    if filters or with_deals:
        scopes = sorted({scope for scope, _ in filters} - {"self"})
        owners = scope_members(load_managers(conn) if managers is None else managers, scopes) if scopes else None
        read = read_deals(conn, span, filters, only=only, deal_reps=deal_reps, with_deals=with_deals, owners=owners,
                          fx=fx, fields=fields)
    cache: dict[tuple, dict] = {}

    def fetch(family: str, scope: str) -> dict:
        if (family, scope) not in cache:
            cache[(family, scope)] = (
                aggregates.activity_counts(conn, span, scope, only, kinds[scope], activity_ids)
                if family == "activities" else aggregates.nps_totals(conn, span, scope, only))
        return cache[(family, scope)]

    asked = [s for s in specs if score_kind(s.name)]
    scores = score_values(conn, period, asked, only) if asked else {}
    result: dict[str, dict[str, MetricValue]] = {}
    for spec in specs:
        if kind := score_kind(spec.name):
            result[spec.key] = scores.get((spec.scope, kind), {})
        elif spec.name in ACTIVITY_METRICS:
            i = kinds[spec.scope].index(activity_kind(spec))
            result[spec.key] = {o: count(counts[i], ids[i]) for o, (counts, ids) in fetch("activities", spec.scope).items()}
        elif spec.name == "nps":
            result[spec.key] = {o: nps(*t) for o, t in fetch("nps", spec.scope).items()}
        elif spec.name == "cycle_days_median":
            result[spec.key] = {o: median(t) for o, t in read.totals[(spec.scope, spec.product)].items()
                                if t.median_count}
        else:
            build = DEAL_VALUES[spec.name]
            result[spec.key] = {o: build(t) for o, t in read.totals[(spec.scope, spec.product)].items()}
    return result, read.deals


def facts_span(period: Period, zone: str, days: tuple[date, date] | None = None) -> Period | Days:
    """The span the aggregates count facts in: the period (UTC days), or its days (or `days`
    of it) in the plan's time zone."""
    if zone == UTC and days is None:
        return period
    first, last = days or (period.start, period.end)
    return Days(first, last, zone)


def window_of(spec: MetricSpec, period: Period, zone: str, days: tuple[date, date] | None = None) -> Days | None:
    """The part of `period` (or of its `days`) inside the spec's date window; None when they do not meet."""
    first, last = days or (period.start, period.end)
    start = max(first, date.fromisoformat(spec.starts)) if spec.starts else first
    end = min(last, date.fromisoformat(spec.ends)) if spec.ends else last
    return Days(start, end, zone) if start <= end else None


def _with_windows(conn: Connection, specs: list[MetricSpec], period: Period, only: Only, activity_ids: bool,
                  zone: str, fx: FxAmounts | None, days: tuple[date, date] | None,
                  managers: dict[str, str | None] | None, deal_reps: Only, with_deals: bool,
                  fields: bool) -> tuple[dict[str, dict[str, MetricValue]], dict[str, tuple[Deal, ...]]]:
    """`period_values` when some specs have a date window: each such spec is computed over
    the days of its window inside the period (score metrics have no days: refused)."""
    plain = [s for s in specs if not (s.starts or s.ends)]
    result, deals = period_values(conn, plain, period, only, activity_ids=activity_ids, zone=zone, fx=fx, days=days,
                                  managers=managers, deal_reps=deal_reps, with_deals=with_deals, fields=fields)
    for spec in specs:
        if not (spec.starts or spec.ends):
            continue
        if score_kind(spec.name):
            raise ValueError(f"a score metric has no dates to window: {spec.key}")
        window, whole = window_of(spec, period, zone, days), msgspec.structs.replace(spec, starts="", ends="")
        found = period_values(conn, [whole], window, only, activity_ids=activity_ids, zone=zone, fx=fx,
                              managers=managers, with_deals=False)[0] if window else {}
        result[spec.key] = found.get(whole.key, {})
    return result, deals


def load_managers(conn: Connection) -> dict[str, str | None]:
    """rep id → manager id, of every rep (what `sqlparts.scope_owners` pairs)."""
    return dict(conn.execute(select(reps.c.id, reps.c.manager_id)).all())


def activity_kind(spec: MetricSpec) -> str:
    """The activity kind an activity metric counts ("" for every kind)."""
    return ACTIVITY_KINDS.get(spec.name, spec.kind)


def _check(spec: MetricSpec) -> None:
    if spec.name not in CATALOG and not score_kind(spec.name):
        raise ValueError(f"unknown metric {spec.name!r}")
    if spec.scope not in SCOPES:
        raise ValueError(f"unknown metric scope {spec.scope!r} in {spec.key} (expected {', '.join(SCOPES)})")
