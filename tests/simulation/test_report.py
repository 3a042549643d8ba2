"""The simulation's encodings: JSON, CSV safe against formula injection, HTML, PDF, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.cli.main import main
from payplan.core.simulate import Activity, Outcome, compare
from payplan.simulation.report import render, safe_cell, to_csv, to_html
from payplan.simulation.model import Population
from payplan.simulation.simulate import PlanChoice, Simulation, simulate_data

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
VOLUME = str(ROOT / "plans" / "sim" / "volume-only.toml")
BALANCED = str(ROOT / "plans" / "sim" / "balanced.toml")


@pytest.fixture(scope="module")
def demo_sim() -> Simulation:
    return simulate_data(DEMO, VOLUME, BALANCED, "2026-01..2026-06", Decimal(500))


def _hostile_sim() -> Simulation:
    """A simulation whose rep ids and KPI ids are what an attacker would import."""
    reps = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "<script>alert(1)</script>"]
    outcome = lambda rep, total: Outcome(rep, "2026-01", Decimal(total), {}, {"=cmd|' /C calc'!A0": Decimal("0.5")},
                                         Decimal(0))
    comparison = compare([outcome(r, 100) for r in reps], [outcome(r, 90) for r in reps],
                         {(r, "2026-01"): Activity(Decimal(1000), Decimal(-400)) for r in reps})
    choice = PlanChoice("a.toml", "a@1", "0" * 64, "=evil()", "file")
    return Simulation(Population("baseline", compared=len(reps)), choice, choice, ["2026-01"], "USD", [], comparison, [])


def test_safe_cell_quotes_formula_starts_but_keeps_numbers() -> None:
    for text in ("=1+1", "+1", "-1+2", "@A1", "\t1", "\r1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell(Decimal("-10.50")) == "-10.50"
    assert safe_cell(Decimal("0E+1")) == "0"
    assert safe_cell("AE01") == "AE01" and safe_cell(None) == ""


def test_csv_cells_never_start_a_formula() -> None:
    text = to_csv(_hostile_sim())
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            if cell and cell[0] in "=+-@\t\r":
                assert cell.startswith("-") and cell.replace(".", "").lstrip("-").isdigit(), cell
    assert rows[0][-1] == "'proposal:=cmd|' /C calc'!A0" or rows[0][-1].startswith("proposal:")
    assert {r[0] for r in rows[1:]} >= {"'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB"}
    deltas = [r[rows[0].index("delta")] for r in rows[1:]]
    assert "-10" in deltas  # a negative amount stays a number


def test_csv_has_a_row_per_rep_and_period_then_per_rep(demo_sim) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(demo_sim))))
    assert len(rows) == len(demo_sim.comparison.rows) + 6
    first = rows[0]
    assert (first["rep_id"], first["period"], first["baseline"], first["proposal"], first["delta"]) == (
        "AE01", "2026-01", "585.00", "1018.33", "433.33")
    assert first["baseline:calls"] == "0.9000" and first["proposal:crm"] == "0.9556"
    assert rows[-1]["period"] == "total" and rows[-1]["rep_id"] == "AE06"


def test_html_escapes_data_and_draws_charts() -> None:
    html = to_html(_hostile_sim())
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert html.count("<svg") == 2


def test_json_keeps_money_exact(demo_sim) -> None:
    doc = json.loads(render(demo_sim, "json"))
    assert doc["comparison"]["totals"]["cost_delta"] == "-9959.61"
    assert doc["baseline"]["ref"] == "sim-volume-only@1" and doc["proposal"]["origin"] == "file"
    assert any(c["subject"] == "commission margin_commission" for c in doc["changes"])


def test_html_and_pdf_report(demo_sim) -> None:
    html = render(demo_sim, "html").decode()
    for words in ("Cost change", "-9,959.61", "Who gains, who loses", "Pay against margin",
                  "What changed in the plan", "commission margin_commission added", "Share of pay from volume-only"):
        assert words in html
    pdf = render(demo_sim, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_pdf_fetches_nothing(tmp_path: Path) -> None:
    from payplan.simulation.report import _refusing_fetcher, to_pdf

    fetcher = _refusing_fetcher()
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", f"file://{tmp_path}"):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher.fetch(url)
    leak = tmp_path / "leak.css"
    leak.write_text('body::after { content: "LEAKED-BY-FETCH"; }')
    html = to_html(_hostile_sim()).replace("</head>", f'<link rel="stylesheet" href="file://{leak}"></head>')
    pdf = to_pdf(html)
    assert pdf.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Cost change" in text and "LEAKED-BY-FETCH" not in text


def test_cli_writes_each_format(tmp_path: Path, capsys) -> None:
    for fmt in ("json", "csv", "html", "pdf"):
        out = tmp_path / f"report.{fmt}"
        with pytest.raises(SystemExit) as exit_info:
            main(["simulate", "--baseline", VOLUME, "--proposal", BALANCED, "--periods", "2026-01..2026-06",
                  "--data", str(DEMO), "--format", fmt, "-o", str(out), "--threshold", "500"])
        assert exit_info.value.code == 0
        assert out.stat().st_size > 1000
    assert json.loads((tmp_path / "report.json").read_text())["comparison"]["totals"]["losers"] == 3
    assert "(6 reps, cost change -9,959.61 USD)" in capsys.readouterr().err  # the amount as en writes it
