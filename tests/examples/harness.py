"""Runs one worked example folder through the real pipeline and compares expectations.

A folder `tests/examples/EXnn/` holds `plan.toml`, `facts/` (fact files in the
project's format) and `expected.json`:

    {"example": "EX05-…", "period": "2026-03",
     "expect": [{"rep_id": "r1", "period": "2026-03", "total": "6900.00",
                 "components": {"commission": "6900.00"},
                 "lines": [{"deal_id": "d2", "kind": "commission", "amount": "1100.00", "rate": "0.055"}],
                 "trace": {"commission.quota": "100000"},
                 "state": {"draw_balance": "500"},
                 "amortization": {"monthly": "50.00"}}]}

`"warnings"` lists the warnings expected for the rep-period (code and message inputs):
exactly those of the codes named are recorded.
Numbers compare as Decimals (so "0.0550" equals "0.055"); every listed field must match.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from payplan.evaluation.pipeline import evaluate_files, evaluate_periods, load_checked_plan, periods_for
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts

HERE = Path(__file__).parent


def folders() -> list[Path]:
    return sorted(p for p in HERE.iterdir() if (p / "expected.json").exists())


def run(folder: Path) -> None:
    spec = json.loads((folder / "expected.json").read_text())
    evaluation = evaluate_files(folder / "plan.toml", folder / "facts", spec["period"])
    check(spec, evaluation.results, evaluation.issues)


def run_on(folder: Path, engine) -> None:
    """The example on a given fact store (a file SQLite, PostgreSQL), its facts imported there."""
    spec = json.loads((folder / "expected.json").read_text())
    plan = load_checked_plan(folder / "plan.toml")
    with engine.begin() as conn:
        import_facts(conn, read_facts(folder / "facts"))
        results, issues = evaluate_periods(plan, conn, periods_for(plan, spec["period"]))
    check(spec, results, issues)


def check(spec: dict, results: list, issues: list) -> None:
    errors = [i for i in issues if i.severity == "error"]
    assert not errors, errors
    by_key = {(r.rep_id, r.period): r for r in results}
    for want in spec["expect"]:
        key = (want["rep_id"], want.get("period", spec["period"]))
        assert key in by_key, f"no result for {key}; have {sorted(by_key)}"
        check_result(by_key[key], want)
        check_warnings(issues, want, key)


def check_result(result, want: dict) -> None:
    where = f"{result.rep_id} {result.period}"
    if "total" in want:
        assert result.total == Decimal(want["total"]), f"{where}: total {result.total} != {want['total']}"
    assert sum((ln.amount for ln in result.lines), Decimal(0)) == result.total, f"{where}: lines do not add up"
    components = {c.id: c.amount for c in result.components}
    for cid, amount in want.get("components", {}).items():
        assert components.get(cid) == Decimal(amount), f"{where}: component {cid} {components.get(cid)} != {amount}"
    for line in want.get("lines", []):
        assert any(_line_matches(ln, line) for ln in result.lines), f"{where}: no line like {line}; lines: {result.lines}"
    for key, value in want.get("trace", {}).items():
        node = result.trace.find(key)
        assert node is not None, f"{where}: no trace node {key}"
        assert _same(node.value, value), f"{where}: trace {key} = {node.value}, expected {value}"
    for key, value in want.get("state", {}).items():
        assert _same(getattr(result.state, key), value), f"{where}: state {key} = {getattr(result.state, key)}"
    for key, value in want.get("amortization", {}).items():
        got = getattr(result.amortization, key)
        assert _same(got, value), f"{where}: amortization {key} = {got}, expected {value}"


def check_warnings(issues, want: dict, key: tuple[str, str]) -> None:
    """`"warnings": [{"code": …, <input>: …}]`: exactly these warnings of these codes for the rep-period."""
    if "warnings" not in want:
        return
    place = f"{key[0]} {key[1]} "
    codes = {w["code"] for w in want["warnings"]}
    got = [i for i in issues if i.severity == "warning" and i.code in codes and i.where.startswith(place)]
    for w in want["warnings"]:
        fields = {k: v for k, v in w.items() if k != "code"}
        assert any(i.code == w["code"] and all(str(i.inputs.get(k)) == v for k, v in fields.items())
                   for i in got), f"{place}: no warning like {w}; got {got}"
    assert len(got) == len(want["warnings"]), f"{place}: warnings {got}, expected {want['warnings']}"


def _line_matches(line, want: dict) -> bool:
    return all(_same(getattr(line, k), v) for k, v in want.items())


def _same(got, want) -> bool:
    if isinstance(want, dict):  # a struct such as a line's Slice, compared field by field
        if isinstance(got, dict):  # a mapping such as the state's windows, compared key by key
            return all(_same(got.get(k), v) for k, v in want.items())
        return all(_same(getattr(got, k, None), v) for k, v in want.items())
    if isinstance(want, list):
        return list(map(str, got)) == list(map(str, want)) or (
            len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want)))
    if isinstance(want, str) and _is_number(want):
        try:
            return Decimal(str(got)) == Decimal(want)
        except Exception:
            return False
    return got == want


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
        return True
    except Exception:
        return False
