"""The engine's texts over every worked example: templates that fit their inputs, read in English.

A template whose fields its inputs do not have prints as written (`trace.fill`), so a
misspelt field would only show as "{total:money}" in a statement: these tests catch it.
"""

from __future__ import annotations

import json
import re

import pytest

from payplan.core.trace import heading, sentence
from payplan.evaluation.pipeline import evaluate_files
from tests.examples.harness import folders

FIELD = re.compile(r"\{[A-Za-z_]\w*(?::[^{}]*)?\}")


def _results(name: str):
    folder = next(f for f in folders() if f.name == name)
    period = json.loads((folder / "expected.json").read_text())["period"]
    return evaluate_files(folder / "plan.toml", folder / "facts", period).results


@pytest.mark.parametrize("folder", folders(), ids=[f.name for f in folders()])
def test_every_text_fills_its_fields(folder):
    for result in _results(folder.name):
        texts = [text for ln in result.lines for text in (ln.title(), ln.because())]
        texts += [text for _, node in result.trace.walk() for text in (heading(node), sentence(node))]
        texts += [issue.message for issue in result.issues]
        left = [text for text in texts if FIELD.search(text)]
        assert not left, f"{result.rep_id} {result.period}: {left}"


def test_clawback_draw_and_negative_lines_read_in_english():
    claw = next(ln for r in _results("EX25") for ln in r.lines if ln.kind == "clawback")
    assert claw.label == "Clawback of deal {deal}" and claw.title() == "Clawback of deal INV1"
    assert claw.because() == ("deal INV1 cancelled on 2026-02-12, 33 days after closing; "
                              "reverses 100.0% of 10.00 paid in 2026-01")
    draws = {ln.title(): ln.because() for r in _results("EX20") for ln in r.lines if ln.component == "draw"}
    assert draws["Recoverable draw: top-up to the guaranteed 2000.00"] == (
        "earned 1500.00 < draw 2000.00; added to the balance owed")
    carried = next(ln for r in _results("EX26-carry") for ln in r.lines if ln.kind == "carry")
    assert carried.because().startswith("the period's total -5000.00 is below zero: 5000.00 is carried forward")


def test_the_proration_node_says_why_in_english():
    node = next(n for r in _results("EX36") for _, n in r.trace.walk()
                if n.key == "proration" and n.inputs.get("part") == 184)
    assert node.formula == "{part} of {whole} calendar days active ({first:date} to {last:date})"
    assert sentence(node) == "184 of 365 calendar days active (2025-07-01 to 2025-12-31)"
