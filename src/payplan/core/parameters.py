"""Plan values per rep: `[[parameters]]` keys with defaults, the rep's values from parameters.csv.

A field names a parameter with `<field>_param = "key"` (`PARAM_FIELDS` lists which).
`resolve(plan, inputs)` gives the plan as the rep sees it: every referenced field
replaced by the rep's value in effect (`RepInputs.parameters`, chosen by the store:
latest `effective_from` ≤ the period's start) or the plan's default, and a trace node
saying where each value came from. `references` lists every reference, for the lint
and the tally (which declines plans with parameters).
Must not read facts or files: the store resolves which row is in effect.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from payplan.core.inputs import RepInputs
from payplan.core.plan import Commission, Kpi, Plan, Scorecard
from payplan.core.trace import N_, Node

__all__ = ["PARAM_FIELDS", "references", "resolve", "uses_parameters"]

# the fields a `<field>_param` reference may replace, per plan value
PARAM_FIELDS: dict[type, tuple[str, ...]] = {
    Commission: ("rate", "target_incentive", "quota"),
    Scorecard: ("target_incentive",),
    Kpi: ("target",),
}

_HEADING = N_("Plan parameters")
_FROM_FILE = N_("{key} = {value} ({source})")
_DEFAULT = N_("{key} = {value} (plan default)")


def references(plan: Plan) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(key path of the reference, parameter key) for every `<field>_param` set in the plan."""
    for i, comp in enumerate(plan.components):
        yield from _refs(comp, ("components", i))
        if isinstance(comp, Scorecard):
            for j, kpi in enumerate(comp.kpis):
                yield from _refs(kpi, ("components", i, "kpis", j))


def _refs(value: msgspec.Struct, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for field in PARAM_FIELDS.get(type(value), ()):
        if key := getattr(value, f"{field}_param"):
            yield (*path, f"{field}_param"), key


def uses_parameters(plan: Plan) -> bool:
    return bool(plan.parameters) or any(True for _ in references(plan))


def resolve(plan: Plan, inputs: RepInputs) -> tuple[Plan, Node]:
    """The plan with the rep's parameter values in its fields, and the trace of those values."""
    node = Node("parameters", _HEADING)
    values = {}
    for param in plan.parameters:
        given = inputs.parameters.get(param.key)
        value = given.value if given is not None else param.default
        values[param.key] = value
        if given is not None:
            node.add(Node(f"parameters.{param.key}", param.label or param.key, value=value, formula=_FROM_FILE,
                          inputs={"key": param.key, "value": value, "source": given.source}))
        else:
            node.add(Node(f"parameters.{param.key}", param.label or param.key, value=value, formula=_DEFAULT,
                          inputs={"key": param.key, "value": value}))
    components = [_with_values(comp, values) for comp in plan.components]
    return msgspec.structs.replace(plan, components=components), node


def _with_values(value, values: dict):
    fields = PARAM_FIELDS.get(type(value), ())
    changes = {f: values[key] for f in fields if (key := getattr(value, f"{f}_param")) in values}
    if isinstance(value, Scorecard):
        changes["kpis"] = [_with_values(kpi, values) for kpi in value.kpis]
    return msgspec.structs.replace(value, **changes) if changes else value
