"""Fixtures for statement tests: calculations from the demo data, rendered PDFs, text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from payplan.core.inputs import Rep, RepInputs
from payplan.plans.files import load_plan
from payplan.runs import lifecycle
from payplan.statements import calculation
from payplan.statements.pdf import PdfRenderer

ROOT = Path(__file__).resolve().parents[2]
AE_PLAN = ROOT / "plans" / "ae-2026-v1.toml"
SDR_PLAN = ROOT / "plans" / "sdr-2026.toml"
DEMO = ROOT / "examples" / "demo"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdftotext(path: Path, layout: bool = True) -> str:
    """The PDF's text as `pdftotext -layout` prints it (or in reading order)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="session")
def renderer() -> PdfRenderer:
    return PdfRenderer()


@pytest.fixture(scope="session")
def ae01() -> calculation.Calculation:
    """AE01 in 2026-03: KPI bonus, three commissioned deals with tier slices, a clawback."""
    return calculation.from_files(AE_PLAN, DEMO, "2026-03", ["AE01"])[0]


@pytest.fixture(scope="session")
def uah_plan(tmp_path_factory) -> Path:
    """The AE plan paid in hryvnias."""
    path = tmp_path_factory.mktemp("plans") / "ae-uah.toml"
    path.write_text(AE_PLAN.read_text(encoding="utf-8").replace('currency = "USD"', 'currency = "UAH"'),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def ae01_uah(uah_plan) -> calculation.Calculation:
    return calculation.from_files(uah_plan, DEMO, "2026-03", ["AE01"])[0]


@pytest.fixture(scope="session")
def pdf_en(renderer, ae01, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "ae01-en.pdf"
    path.write_bytes(renderer.statement(ae01, "en"))
    return path


@pytest.fixture(scope="session")
def pdf_uk(renderer, ae01_uah, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "ae01-uk.pdf"
    path.write_bytes(renderer.statement(ae01_uah, "uk"))
    return path


def approve(tx, c, run_id):
    """Submit run `run_id` as fin1 and approve it as fin2 (tests.service_db's company)."""
    tx(lifecycle.submit, run_id, c.fin1)
    return tx(lifecycle.approve, run_id, c.fin2)


def calculation_for(name: str, rep_id: str = "X1") -> calculation.Calculation:
    """A calculation for a rep with any name (no facts: every metric missing)."""
    plan = load_plan(AE_PLAN)
    inputs = RepInputs(Rep(rep_id, name=name, role="AE", team="EAST"), "2026-03")
    return calculation.calculate(plan, inputs)
