"""The metric catalog: every metric's name, unit, direction, family and definition.

A metric is computed from facts by exactly one SQL implementation in
`payplan.store.metrics`; this module only describes metrics and names the
variants a plan asks for (`MetricSpec`: a metric, an optional product or
activity-kind filter, and a scope). Must not compute metric values.
"""

from __future__ import annotations

import msgspec

from payplan.core.trace import N_


# A metric's unit → the `trace.fill` spec its values are written with (others plainly).
UNIT_SPECS = {"money": "money", "ratio": "pts"}


class MetricDef(msgspec.Struct, frozen=True):
    name: str
    unit: str  # count / money / ratio / days / score
    better: str  # higher / lower
    family: str  # activity / conversion / volume / profit / cycle / quality
    definition: str  # a constant English text (`N_`), translated where read


_CATALOG = [
    MetricDef("calls", "count", "higher", "activity", N_("activities of kind 'call' in the period")),
    MetricDef("meetings", "count", "higher", "activity", N_("activities of kind 'meeting' in the period")),
    MetricDef("demos", "count", "higher", "activity", N_("activities of kind 'demo' in the period")),
    MetricDef("activities", "count", "higher", "activity", N_("activities of any kind (or the filtered kind)")),
    MetricDef("leads", "count", "higher", "activity", N_("deals created in the period")),
    MetricDef("deals_won", "count", "higher", "volume", N_("deals closed won in the period (credited share counts as one deal)")),
    MetricDef("deals_lost", "count", "lower", "conversion", N_("deals closed lost in the period")),
    MetricDef("win_rate", "ratio", "higher", "conversion", N_("won / (won + lost) among deals closed in the period")),
    MetricDef("lead_conversion", "ratio", "higher", "conversion", N_("of the deals created in the period, the share already won")),
    MetricDef("revenue", "money", "higher", "volume", N_("sum of credited amount (amount x share) of deals won in the period")),
    MetricDef("margin", "money", "higher", "profit", N_("sum of credited (amount - cost) of deals won in the period")),
    MetricDef("margin_rate", "ratio", "higher", "profit", N_("margin / revenue of deals won in the period")),
    MetricDef("avg_deal_size", "money", "higher", "volume", N_("mean amount of deals won in the period (whole deal amount)")),
    MetricDef("cycle_days_median", "days", "lower", "cycle", N_("median days from created_at to closed_at of deals won in the period")),
    MetricDef("cycle_days_mean", "days", "lower", "cycle", N_("mean days from created_at to closed_at of deals won in the period")),
    MetricDef("crm_hygiene", "ratio", "higher", "quality", N_("CRM hygiene score for the period (0..1, from scores)")),
    MetricDef("script_compliance", "ratio", "higher", "quality", N_("script compliance score for the period (0..1, from scores)")),
    MetricDef("nps", "score", "higher", "quality", N_("percent of promoters (9-10) minus percent of detractors (0-6) among answers in the period, -100..100")),
]

CATALOG: dict[str, MetricDef] = {m.name: m for m in _CATALOG}

# Metrics that only measure volume: a scorecard built from these alone is a classic mistake.
VOLUME_FAMILIES = frozenset({"activity", "volume"})
QUALITY_FAMILIES = frozenset({"quality", "profit"})

ACTIVITY_METRICS = frozenset({"calls", "meetings", "demos", "activities"})
DEAL_METRICS = frozenset(
    {"leads", "deals_won", "deals_lost", "win_rate", "lead_conversion", "revenue", "margin",
     "margin_rate", "avg_deal_size", "cycle_days_median", "cycle_days_mean"}
)
SCORE_PREFIX = "score:"  # custom scorecard measures imported through scores.csv


class MetricSpec(msgspec.Struct, frozen=True, order=True):
    """A metric as a plan uses it: name plus optional filter and scope.

    `name` is a catalog name or `score:KIND` for a custom score kind.
    """

    name: str
    product: str = ""
    kind: str = ""  # activity kind filter for `activities`
    scope: str = "self"  # self / team (direct reports) / subtree
    # a window of ISO dates inside the period (a SPIFF's): only facts dated within it count
    starts: str = ""
    ends: str = ""

    @property
    def key(self) -> str:
        parts = [f"product={self.product}"] if self.product else []
        if self.kind:
            parts.append(f"kind={self.kind}")
        if self.starts:
            parts.append(f"from={self.starts}")
        if self.ends:
            parts.append(f"to={self.ends}")
        text = self.name + (f"[{','.join(parts)}]" if parts else "")
        return text if self.scope == "self" else f"{self.scope}:{text}"


# How a metric adds up over a window of periods (a scorecard with `measure = "window"`):
# "sum" of the periods' values (counts, amounts); "ratio" of the summed numerators and
# denominators (× the scale, NPS's 100), never an average of the periods' ratios; "mean" of
# the periods' values (a score given per period). A median has no window total: refused.
WINDOW_SUMS = {**dict.fromkeys(ACTIVITY_METRICS | {"leads", "deals_won", "deals_lost", "revenue", "margin"}, "sum"),
               **dict.fromkeys(("win_rate", "lead_conversion", "margin_rate", "avg_deal_size",
                                "cycle_days_mean", "nps"), "ratio"),
               "crm_hygiene": "mean", "script_compliance": "mean"}
RATIO_SCALE = {"nps": 100}


def window_rule(name: str) -> str | None:
    """"sum", "ratio" or "mean": how the metric adds up over a window; None when it cannot."""
    return "mean" if name.startswith(SCORE_PREFIX) else WINDOW_SUMS.get(name)


def lookup(name: str) -> MetricDef | None:
    """The catalog entry for `name`; custom score kinds get a generic entry."""
    if name in CATALOG:
        return CATALOG[name]
    if name.startswith(SCORE_PREFIX) and len(name) > len(SCORE_PREFIX):
        return MetricDef(name, "score", "higher", "quality", N_("a custom score from scores (its kind follows 'score:')"))
    return None
