"""Commission and scorecard texts are constant templates (their words translate by the
template) with the numbers as named fields, and read in English as before."""

from __future__ import annotations

import json
from pathlib import Path

from payplan.core.scorecard import KPI_SENTENCE_CURVE
from payplan.core.trace import heading, sentence
from payplan.evaluation.pipeline import evaluate_files

EXAMPLES = Path(__file__).parents[1] / "examples"


def evaluated(name: str):
    folder = EXAMPLES / name
    spec = json.loads((folder / "expected.json").read_text())
    return evaluate_files(folder / "plan.toml", folder / "facts", spec["period"]).results


def test_a_curve_kpi_prints_its_points_as_an_interval_field():
    result = evaluated("EX16")[0]
    [node] = [n for _, n in result.trace.walk() if n.formula == KPI_SENTENCE_CURVE]
    assert "{how:interval}" in node.formula and "1.4747→1" in node.inputs["how"]
    assert "(curve over 1.43036→0, 1.43036→0.5, 1.4747→1, 1.54844→1.8) → attainment" in sentence(node)


def test_payout_curve_and_bases_are_whole_sentences():
    result = evaluated("EX15")[0]
    ratio = result.trace.find("bonus.payout_ratio")
    assert ratio.formula == "payout curve at a score of {score:.2%}: {curve:interval}"
    assert sentence(ratio).endswith(": 0.7→0, 1→1, 1.5→2")
    for _, node in result.trace.walk():
        assert "{" in node.formula or not any(ch.isdigit() for ch in node.formula), node.formula
        assert heading(node)
