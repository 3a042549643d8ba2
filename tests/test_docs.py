"""Tests that keep the documentation honest (Datasette-style).

Every field of every Struct reachable from `Plan` and every metric of the
catalog must be named in `docs/plan-format.md`; every DESIGN §11 command that
the `payplan` CLI implements must be named in README.md; every setting (and every
`PAYPLAN_*` variable the code reads) must be in `docs/deployment.md`; every example plan in
`plans/` must load and its scorecard weights must sum to 1.
"""

from __future__ import annotations

import decimal
import re
import tomllib
from pathlib import Path

import pytest
from msgspec import inspect as mi

from payplan.core.metrics import CATALOG, SCORE_PREFIX
from payplan.core.plan import Plan, Scorecard
from payplan.plans.files import load_plan
from payplan.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PLAN_DOC = ROOT / "docs" / "plan-format.md"
README = ROOT / "README.md"
DEPLOY_DOC = ROOT / "docs" / "deployment.md"
PLANS = sorted((ROOT / "plans").glob("*.toml"))

# DESIGN §11: the stable command-line contract, as (group, command) words.
DESIGN_COMMANDS = [
    "plans check", "plans diff", "plans publish", "evaluate", "explain", "db upgrade", "users add",
    "import", "runs create", "runs submit", "runs approve", "runs pay", "runs show", "statement",
    "statements", "verify", "simulate", "demo", "serve", "bench",
]


def _structs(t: mi.Type, seen: dict[type, mi.StructType]) -> None:
    """Collect every Struct type reachable from `t` (through lists, unions, optionals)."""
    if isinstance(t, mi.StructType):
        if t.cls in seen:
            return
        seen[t.cls] = t
        for field in t.fields:
            _structs(field.type, seen)
        return
    for attr in ("item_type", "key_type", "value_type"):
        inner = getattr(t, attr, None)
        if inner is not None:
            _structs(inner, seen)
    for inner in getattr(t, "types", ()) or ():
        _structs(inner, seen)
    for inner in getattr(t, "item_types", ()) or ():
        _structs(inner, seen)


def plan_fields() -> dict[str, set[str]]:
    """Struct name → the field names as written in a plan file (encode names, tag fields)."""
    seen: dict[type, mi.StructType] = {}
    _structs(mi.type_info(Plan), seen)
    out: dict[str, set[str]] = {}
    for cls, info in seen.items():
        names = {f.encode_name for f in info.fields}
        tag_field = cls.__struct_config__.tag_field
        if tag_field:
            names.add(tag_field)
        out[cls.__name__] = names
    return out


def _doc_text() -> str:
    return PLAN_DOC.read_text(encoding="utf-8")


def test_walk_reaches_every_component_kind() -> None:
    names = set(plan_fields())
    assert {"Plan", "Scorecard", "Kpi", "Gate", "Commission", "Tier", "Multiplier", "Spiff", "Override",
            "Draw", "Fixed", "Eligibility", "Rounding", "Proration", "Clawback", "Accounting"} <= names


def test_every_plan_field_is_documented() -> None:
    doc = _doc_text()
    missing = sorted(f"{struct}.{name}" for struct, names in plan_fields().items() for name in names
                     if f"`{name}`" not in doc)
    assert not missing, f"fields not documented in docs/plan-format.md: {', '.join(missing)}"


def test_every_component_kind_and_literal_value_is_documented() -> None:
    doc = _doc_text()
    seen: dict[type, mi.StructType] = {}
    _structs(mi.type_info(Plan), seen)
    words: set[str] = set()
    for cls, info in seen.items():
        if cls.__struct_config__.tag:
            words.add(cls.__struct_config__.tag)
        for field in info.fields:
            words |= _literals(field.type)
    missing = sorted(w for w in words if f'"{w}"' not in doc)
    assert not missing, f"values not documented in docs/plan-format.md: {', '.join(missing)}"


def _literals(t: mi.Type) -> set[str]:
    if isinstance(t, mi.LiteralType):
        return {str(v) for v in t.values}
    out: set[str] = set()
    for inner in getattr(t, "types", ()) or ():
        out |= _literals(inner)
    return out


def test_every_metric_is_documented() -> None:
    doc = _doc_text()
    missing = sorted(name for name in CATALOG if f"`{name}`" not in doc)
    assert not missing, f"metrics not documented in docs/plan-format.md: {', '.join(missing)}"
    assert f"`{SCORE_PREFIX}KIND`" in doc


def _cli_commands() -> set[str] | None:
    """The command paths the click group implements ("plans check", "evaluate"), or None."""
    try:
        from payplan.cli.main import cli
    except Exception:  # the CLI is being built by others; nothing to check yet
        return None
    import click

    found: set[str] = set()

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in group.commands.items():
            path = f"{prefix}{name}"
            found.add(path)
            if isinstance(command, click.Group):
                walk(command, path + " ")

    walk(cli, "")
    return found


def test_every_implemented_cli_command_is_in_the_readme() -> None:
    commands = _cli_commands()
    if commands is None:
        pytest.skip("payplan.cli is not importable")
    readme = README.read_text(encoding="utf-8")
    implemented = [c for c in DESIGN_COMMANDS if c in commands]
    missing = [c for c in implemented if f"payplan {c}" not in readme]
    assert not missing, f"CLI commands missing from README.md: {', '.join(missing)}"


def _load(path: Path) -> Plan:
    return load_plan(path)  # texts per language (`label = { en = …, uk = … }`) need the plan loader


def test_there_are_example_plans() -> None:
    assert {p.name for p in PLANS} >= {"ae-2026-v1.toml", "ae-2026-v2.toml", "sdr-2026.toml", "manager-2026.toml"}


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_example_plan_loads_and_weights_sum_to_one(path: Path) -> None:
    plan = _load(path)
    cards = [c for c in plan.components if isinstance(c, Scorecard)]
    for card in cards:
        assert sum((k.weight for k in card.kpis), decimal.Decimal(0)) == 1, f"{path.name}: {card.id}"
        assert all(k.why for k in card.kpis), f"{path.name}: every KPI says why it matters"


def test_ae_versions_follow_each_other() -> None:
    v1, v2 = _load(ROOT / "plans" / "ae-2026-v1.toml"), _load(ROOT / "plans" / "ae-2026-v2.toml")
    assert (v1.id, v1.version, v2.id, v2.version) == ("ae-2026", 1, "ae-2026", 2)
    assert v1.effective_to is not None and v1.effective_to < v2.effective_from


def test_docs_toml_examples_parse() -> None:
    """Every ```toml block of the plan-format page is valid TOML."""
    blocks = re.findall(r"```toml\n(.*?)```", _doc_text(), re.S)
    assert blocks
    for block in blocks:
        # Blocks that show alternatives repeat a key; parse each line group separately then.
        try:
            tomllib.loads(block, parse_float=decimal.Decimal)
        except tomllib.TOMLDecodeError:
            for line in block.splitlines():
                if "=" in line and not line.lstrip().startswith("#"):
                    tomllib.loads(line, parse_float=decimal.Decimal)



def test_every_setting_is_documented_for_deployment() -> None:
    """Each `Settings` field is read from PAYPLAN_<FIELD>, and every PAYPLAN_* name in the code
    is in the deployment page's tables (a row starting with the name in backquotes)."""
    source = (ROOT / "src" / "payplan" / "settings.py").read_text(encoding="utf-8")
    fields = {f"PAYPLAN_{name.upper()}" for name in Settings.__struct_fields__}
    assert all(f'"{var}"' in source for var in fields), "a setting is read from another variable"
    read = {var for path in (ROOT / "src").rglob("*.py") for var in re.findall(r"PAYPLAN_[A-Z_]+", path.read_text(encoding="utf-8"))}
    documented = set(re.findall(r"^\| `(PAYPLAN_[A-Z_]+)`", DEPLOY_DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert fields | read <= documented, f"undocumented in docs/deployment.md: {sorted(fields | read - documented)}"


def test_readme_links_the_deployment_page() -> None:
    assert "(docs/deployment.md)" in README.read_text(encoding="utf-8")

if __name__ == "__main__":  # pragma: no cover
    for struct, names in sorted(plan_fields().items()):
        print(struct, sorted(names))
