"""The shipped CRM mappings (mappings/*.toml) on their sample exports (examples/crm/, issue #16).

Each sample is mapped and compared with the hand-made expected fact file (written by
examples/crm/make_samples.py from the demo facts, never by a mapping); then the demo AE
plan is evaluated for 2026-03 on the demo facts with that CRM's files substituted and
must give the same results as on the demo facts themselves.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from payplan.evaluation.pipeline import evaluate_files
from payplan.facts.files import read_records
from payplan.facts.mapped import map_export
from payplan.facts.mapping import load_mapping
from payplan.facts.read import SPECS, parse_file
from payplan.facts.rows import content

ROOT = Path(__file__).resolve().parents[2]
DEMO, CRM, MAPPINGS = ROOT / "examples" / "demo", ROOT / "examples" / "crm", ROOT / "mappings"
PLAN = ROOT / "plans" / "ae-2026-v1.toml"

# mapping, sample export, expected fact file, rows the mapping must skip (by hand, from the sample)
CASES = [
    ("salesforce-opportunities", "salesforce/opportunities.csv", "salesforce/expected/deals.csv", 2),
    ("salesforce-activities", "salesforce/activities.csv", "salesforce/expected/activities.csv", 8),
    ("hubspot-deals", "hubspot/deals.csv", "hubspot/expected/deals.csv", 1),
    ("hubspot-engagements", "hubspot/engagements.csv", "hubspot/expected/activities.csv", 7),
    ("pipedrive-deals", "pipedrive/deals.csv", "pipedrive/expected/deals.csv", 2),
    ("pipedrive-activities", "pipedrive/activities.csv", "pipedrive/expected/activities.csv", 6),
    ("bitrix24-deals", "bitrix24/deals.csv", "bitrix24/expected/deals.csv", 1),
    ("bitrix24-activities", "bitrix24/activities.csv", "bitrix24/expected/activities.csv", 7),
    ("keycrm-orders", "keycrm/orders.csv", "keycrm/expected/deals.csv", 1),
]
CRMS = ["salesforce", "hubspot", "pipedrive", "bitrix24", "keycrm"]


def demo_reps() -> dict[str, str]:
    """Lower-cased name and e-mail → rep id, as the import finds them among the stored reps."""
    with open(DEMO / "reps.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r[c].lower(): r["rep_id"] for r in rows for c in ("name", "email")}


def mapped(mapping_id: str, export: str):
    path = CRM / export
    return map_export(load_mapping(MAPPINGS / f"{mapping_id}.toml"), path.name, path.read_bytes(), demo_reps())


def expected(kind: str, path: Path) -> list[tuple]:
    problems: list = []
    rows = parse_file(path.name, read_records(path, problems), SPECS[kind], problems)
    assert problems == []
    return [content(r) for r in rows]


@pytest.mark.parametrize("mapping_id, export, facts, skipped", CASES, ids=[c[0] for c in CASES])
def test_a_sample_export_gives_exactly_the_expected_facts(mapping_id, export, facts, skipped):
    result = mapped(mapping_id, export)
    kind = load_mapping(MAPPINGS / f"{mapping_id}.toml").kind
    assert [content(r) for r in result.rows] == expected(kind, CRM / facts)
    assert len(result.skipped) == skipped
    assert all(s.reason for s in result.skipped)
    assert result.read == len(result.rows) + skipped


def test_skipped_rows_are_named_with_their_row_and_reason():
    result = mapped("salesforce-opportunities", "salesforce/opportunities.csv")
    # make_samples.py inserts the two test opportunities at list positions 40 and 120: rows 42 and 122
    assert [(s.row, s.reason) for s in result.skipped] == [
        (42, "test opportunity (account Test Account)"), (122, "test opportunity (account Test Account)")]


def summary(folder: Path) -> list[tuple]:
    """Each rep's total, component amounts and lines (deal ids left out: a CRM numbers deals its own way)."""
    evaluation = evaluate_files(PLAN, folder, "2026-03")
    return sorted((r.rep_id, r.total, tuple((c.id, c.amount) for c in r.components),
                   tuple(sorted((ln.component, ln.kind, ln.amount, ln.base, ln.rate, ln.share) for ln in r.lines)))
                  for r in evaluation.results)


@pytest.fixture(scope="module")
def demo_summary() -> list[tuple]:
    return summary(DEMO)


@pytest.mark.parametrize("crm", CRMS)
def test_the_demo_plan_gives_the_same_results_on_a_crm_s_facts(crm, tmp_path, demo_summary):
    folder = tmp_path / "facts"
    shutil.copytree(DEMO, folder)
    mine = [c for c in CASES if c[0].startswith(crm)]
    for mapping_id, export, facts, _ in mine:
        rows = mapped(mapping_id, export).rows  # the import itself must succeed
        assert rows
        shutil.copy(CRM / facts, folder / Path(facts).name)
    if (CRM / crm / "expected" / "credits.csv").exists():  # split credits, with this CRM's deal ids
        shutil.copy(CRM / crm / "expected" / "credits.csv", folder / "credits.csv")
    activities = [a for a in csv.DictReader(open(folder / "activities.csv", encoding="utf-8"))]
    assert activities and all(a["occurred_at"].startswith("2026-03") for a in activities) == \
        any("activities" in facts for _, _, facts, _ in mine)
    assert summary(folder) == demo_summary
