"""The PDF: its text in both languages, the attachment, the page numbers, escaping."""

from __future__ import annotations

import re
import subprocess

import pytest

from payplan.statements.render import render_html
from payplan.statements.view import from_calculation

from .conftest import calculation_for, needs_poppler, pdftotext

pytestmark = needs_poppler


def _row(text: str, *cells: str) -> bool:
    """Some line of the text holds every cell, in order."""
    pattern = r"\s+".join(re.escape(c) for c in cells)
    return any(re.search(pattern, line) for line in text.splitlines())


def test_english_statement_prints_total_kpis_and_deals(pdf_en):
    text = pdftotext(pdf_en)
    assert "Compensation statement" in text and "Iryna Bondarenko" in text
    assert "$2,626.52" in text
    assert _row(text, "Total payable", "2,626.52")
    assert _row(text, "Product demos", "15%", "8", "5", "62.5%", "9.38%")
    assert _row(text, "Average deal size", "15%", "15,000.00", "24,291.70", "150%", "22.5%")
    assert _row(text, "D0007", "5,255.02", "= 100% of 5,255.02", "Base 0.00–15,000.00, 5% re-rated", "8%", "420.40")
    assert _row(text, "D0006", "8,265.74", "= 100% of 8,265.74", "Base 0.00–15,000.00, 5% re-rated", "8%", "661.26")
    assert _row(text, "D0010", "14,230.78", "= 100% of 14,230.78", "1,138.46")
    assert _row(text, "1,479.24", "↳ Base 0.00–15,000.00, 5% re-rated", "8%", "118.34")
    assert _row(text, "12,751.54", "↳ Target 15,000.00–30,000.00, retroactive", "8%", "1,020.12")
    assert _row(text, "Clawback of deal D9001", "reverses Margin commission · D9001 · 2026-02", "-1,022.40")
    assert "How this was calculated" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


def test_ukrainian_statement_in_hryvnias(pdf_uk):
    text = pdftotext(pdf_uk)
    assert "Розрахунковий лист" in text and "До виплати" in text
    assert re.search(r"2\s626,52\s₴", text)
    assert _row(text, "Демонстрації продукту", "15%", "8", "5", "62,5%", "9,38%")  # the plan's uk labels
    assert _row(text, "Цикл продажу (медіана днів)", "10%", "30 дн.", "34 дн.", "86,7%", "8,67%")
    assert _row(text, "D0010", "14 230,78", "= 100% від 14 230,78", "1 138,46")
    # the uk band is too long for its column: it takes a line of its own above the slice's figures
    assert _row(text, "↳ Цільова ставка 15 000,00–30 000,00, ретроактивно")
    assert _row(text, "12 751,54", "8%", "1 020,12")
    assert _row(text, "Повернення комісії за угодою D9001")
    assert "Як це розраховано" in text and "Сторінка 1 з 2" in text


def test_draft_watermark_until_approved(ae01):
    assert 'class="watermark" aria-hidden="true">DRAFT<' in render_html(from_calculation(ae01), "en")
    assert 'class="watermark long" aria-hidden="true">ЧЕРНЕТКА<' in render_html(from_calculation(ae01), "uk")


def test_calculation_is_attached(pdf_en):
    listing = subprocess.run(["pdfdetach", "-list", str(pdf_en)], capture_output=True, text=True,
                             check=True, timeout=30).stdout
    assert "payplan-calculation.json" in listing


def test_approved_run_has_no_watermark_and_names_the_approver(renderer, ae01, tmp_path):
    from datetime import datetime, timezone

    from payplan.statements.calculation import RunInfo

    run = RunInfo(number=7, state="approved", approved_by="Olha Finance",
                  approved_at=datetime(2026, 4, 2, 9, 30, tzinfo=timezone.utc))
    path = tmp_path / "approved.pdf"
    path.write_bytes(renderer.statement(type(ae01)(**{**_fields(ae01), "run": run}), "en"))
    text = pdftotext(path)
    assert 'class="watermark' not in render_html(from_calculation(type(ae01)(**{**_fields(ae01), "run": run})))
    assert "Run #7 · Approved · Approved by Olha Finance" in text


def test_a_script_in_a_name_is_text(renderer, tmp_path):
    name = "<script>alert(1)</script>"
    calc = calculation_for(name)
    html = render_html(from_calculation(calc), "en")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    path = tmp_path / "xss.pdf"
    path.write_bytes(renderer.statement(calc, "en"))
    assert name in pdftotext(path)


def _fields(calc) -> dict:
    return {f: getattr(calc, f) for f in calc.__struct_fields__}


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_statements_take_the_fast_xml_parse(renderer, ae01, lang):
    """The templates write well-formed XHTML, so expat parses them (the HTML5 parser is the
    slow fallback); a template change that breaks this shows up here, not as a slowdown."""
    from payplan.statements.pdf import _ParsedHTML

    html = render_html(from_calculation(ae01), lang)
    assert isinstance(renderer.parse(html), _ParsedHTML)
    weird = calculation_for("Ann & <Bob> \"O'Neil\"")
    assert isinstance(renderer.parse(render_html(from_calculation(weird), lang)), _ParsedHTML)


def test_a_carried_negative_balance_is_printed_in_and_out(renderer, tmp_path):
    """tests/examples/EX26-carry in April: 5,000.00 owed from March's clawback, 3,000.00 of
    commission all recovered, 0.00 paid, 2,000.00 still owed."""
    from payplan.statements import calculation

    from .conftest import ROOT

    folder = ROOT / "tests" / "examples" / "EX26-carry"
    [april] = calculation.from_files(folder / "plan.toml", folder / "facts", "2026-04")
    view = from_calculation(april)
    assert (view.total, view.negative_in, view.negative_out) == (0, 5000, 2000)
    path = tmp_path / "april.pdf"
    path.write_bytes(renderer.statement(april, "en"))
    text = pdftotext(path)
    assert _row(text, "Total payable", "0.00")
    assert _row(text, "Negative balance owed, carried in", "5,000.00")
    assert _row(text, "Negative balance owed, carried out", "2,000.00")
    assert _row(text, "Recovery of the carried negative balance",
                "the period's total 3,000.00 repays the negative balance", "-3,000.00")
    assert "Draw balance owed" not in text  # no draw: no draw rows
