"""The PDF of a simulation with many reps: every page that holds table rows starts its table with
the header row, no page ends with a section title, and a cross-population PDF says so first."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.core.simulate import Activity, Outcome, compare
from payplan.simulation.model import Person, Population
from payplan.simulation.report import CROSS_NOTICE, render
from payplan.simulation.simulate import PlanChoice, Simulation

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
HEADINGS = ("What does it cost?", "Who wins and loses, and why?", "What changed in the plan", "Does pay follow profit?",
            "Per rep and period", "Cost per team", "Cost per role", "Cost per period", "Who gains, who loses",
            "Pay against margin")
REP_HEADER = re.compile(r"^\s*Rep\s+(Team|Period)\s")


def many_reps(n: int = 90, cross: bool = False) -> Simulation:
    reps = [f"R{i:03d}" for i in range(n)]
    periods = ["2026-01", "2026-02"]
    out = lambda rep, i, k: Outcome(rep, periods[k], Decimal(1000 + i * 7 + k), {}, {}, Decimal(0))
    before = [out(r, i, k) for i, r in enumerate(reps) for k in range(2)]
    after = [out(r, i * 2, k) for i, r in enumerate(reps) for k in range(2)]
    comparison = compare(before, after, {(r, p): Activity(Decimal(20000), Decimal(8000)) for r in reps for p in periods})
    choice = PlanChoice("a.toml", "a@1", "0" * 64, "Plan A", "file")
    people = {r: Person(f"Person {r}", "EAST" if i % 2 else "WEST", "AE") for i, r in enumerate(reps)}
    return Simulation(Population("cross" if cross else "baseline", roles=["AE"], compared=n), choice, choice, periods,
                      "USD", [], comparison, [], people=people)


def pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_each_page_of_rows_starts_with_the_header_and_no_page_ends_with_a_title(tmp_path: Path) -> None:
    texts = pages(render(many_reps(), "pdf"), tmp_path)
    assert len(texts) >= 4
    for number, text in enumerate(texts, 1):
        lines = [line for line in text.splitlines() if line.strip()]
        rows = [i for i, line in enumerate(lines) if re.match(r"^\s*Person R\d{3}", line)]
        if rows:
            headers = [i for i, line in enumerate(lines) if REP_HEADER.match(line)]
            assert headers and headers[0] < rows[0], f"page {number} has rows before a header row"
        assert lines[-1].strip() not in HEADINGS, f"page {number} ends with the title {lines[-1].strip()!r}"


def test_cross_population_pdf_says_so_first(tmp_path: Path) -> None:
    first = pages(render(many_reps(6, cross=True), "pdf"), tmp_path)[0]
    opening = " ".join(first.split()[:40])
    assert opening.startswith(" ".join(CROSS_NOTICE.split()[:6]))
