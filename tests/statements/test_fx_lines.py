"""A converted deal's statement line shows its original amount, the rate and the rate's date
(the worked example tests/examples/EX-fx-close-date-last-earlier, figures from its note)."""

from __future__ import annotations

from pathlib import Path

from payplan.statements import calculation

from .conftest import needs_poppler, pdftotext

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "EX-fx-close-date-last-earlier"


@needs_poppler
def test_statement_prints_each_conversion(renderer, tmp_path):
    calc = calculation.from_files(EXAMPLE / "plan.toml", EXAMPLE / "facts", "2026-03", ["r1"])[0]
    path = tmp_path / "r1.pdf"
    path.write_bytes(renderer.statement(calc, "en"))
    text = " ".join(pdftotext(path, layout=False).split())
    assert "USD 1,200.00 × 41.2345 (NBU 2026-03-10) = UAH 49,481.40" in text
    assert "EUR 850.50 × 45.1234 (NBU 2026-03-20) = UAH 38,377.45" in text
    assert "USD 333.33 × 41.5012 (NBU 2026-03-27, the last rate before 2026-03-29) = UAH 13,833.59" in text
    assert "5,584.62" in text
