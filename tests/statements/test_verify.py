"""`payplan verify`: a fresh statement matches; an altered attachment names what differs."""

from __future__ import annotations

import io

import msgspec
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from payplan.cli.main import cli
from payplan.statements import ATTACHMENT_NAME
from payplan.statements.pdf import read_attachment
from payplan.statements.verify import verify_pdf

from .conftest import AE_PLAN, DEMO


def _with_attachment(pdf: bytes, data: bytes) -> bytes:
    """The same PDF pages with the calculation attachment replaced by `data`."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer._root_object.pop("/Names", None)
    writer.add_attachment(ATTACHMENT_NAME, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _altered(pdf: bytes, change) -> bytes:
    doc = msgspec.json.decode(read_attachment(pdf))
    change(doc)
    return _with_attachment(pdf, msgspec.json.encode(doc))


def test_fresh_statement_matches(pdf_en, pdf_uk):
    for path in (pdf_en, pdf_uk):
        verdict = verify_pdf(path.read_bytes())
        assert verdict.ok, verdict.differences
    result = CliRunner().invoke(cli, ["verify", str(pdf_en)])
    assert result.exit_code == 0 and "match" in result.output


def test_altered_deal_amount_is_a_mismatch(pdf_en, tmp_path):
    def richer(doc):
        deal = next(d for d in doc["inputs"]["deals"] if d["id"] == "D0010")
        deal["amount"] = str(int(float(deal["amount"])) + 1000)

    path = tmp_path / "altered.pdf"
    path.write_bytes(_altered(pdf_en.read_bytes(), richer))
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1
    assert "mismatch" in result.output
    assert "total: printed 2626.52, re-computed" in result.output
    assert "component margin_commission: printed 2220.12" in result.output
    assert "(deal D0010)" in result.output


def test_altered_printed_total_is_a_mismatch(pdf_en):
    def claim_more(doc):
        doc["result"]["total"] = "9999.99"

    verdict = verify_pdf(_altered(pdf_en.read_bytes(), claim_more))
    assert not verdict.ok
    assert any(d.startswith("total: printed 9999.99, re-computed 2626.52") for d in verdict.differences)
    assert any(d.startswith("printed total: 9999.99") for d in verdict.differences)


def test_altered_plan_fails_its_hash(pdf_en):
    def sweeter(doc):
        doc["plan"]["components"][1]["tiers"][0]["rate"] = "0.5"

    verdict = verify_pdf(_altered(pdf_en.read_bytes(), sweeter))
    assert not verdict.ok and any(d.startswith("plan hash:") for d in verdict.differences)


def test_pdf_without_attachment(renderer, tmp_path):
    verdict = verify_pdf(renderer.html_to_pdf("<p>hello</p>"))
    assert not verdict.ok and "no payplan-calculation.json" in verdict.differences[0]


def test_statement_command_writes_a_verifiable_pdf(tmp_path):
    out = tmp_path / "s.pdf"
    result = CliRunner().invoke(cli, ["statement", "--plan", str(AE_PLAN), "--data", str(DEMO), "--period",
                                      "2026-03", "--rep", "AE02", "--lang", "uk", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert verify_pdf(out.read_bytes()).ok
