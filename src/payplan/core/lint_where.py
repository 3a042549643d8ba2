"""Where a lint issue lies in a plan: its key path, then the names of what it is in.

`where(plan, ("components", 0, "kpis", 2, "weight"))` is
`components[0].kpis[2].weight (scorecard bonus, kpi demos)`: the key path as the plan
file writes it, then the component and KPI names. Shared by the linter's modules.
Pure: stdlib and msgspec only.
"""

from __future__ import annotations

from typing import Any

import msgspec

from payplan.core.plan import Kpi, Plan

Path = tuple[str | int, ...]


def where(plan: Plan, path: Path) -> str:
    """`components[0].kpis[2].weight (scorecard bonus, kpi demos)`: the path, then its names."""
    names, node = [], plan
    for part in path:
        node = step(node, part)
        if isinstance(node, Kpi):
            names.append(f"kpi {node.id}")
        elif isinstance(node, msgspec.Struct) and node.__struct_config__.tag:
            names.append(f"{node.__struct_config__.tag} {getattr(node, 'id', '')}".strip())
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"{text} ({', '.join(names)})" if names else text


def step(node: Any, part: str | int) -> Any:
    """The child of a plan node by key (encoded field name) or list index, or None."""
    if isinstance(part, int):
        return node[part] if isinstance(node, (list, tuple)) and part < len(node) else None
    for f in msgspec.structs.fields(node) if isinstance(node, msgspec.Struct) else ():
        if f.encode_name == part:
            return getattr(node, f.name)
    return None
