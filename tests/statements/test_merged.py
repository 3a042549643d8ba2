"""The merged statement of a rep whose plan changed version inside a period (the company and
figures of `tests.runs.test_version_change`, computed there by hand): one PDF, a first page
adding up the parts, each part's own statement, and `payplan verify` checking all of them."""

from __future__ import annotations

import pytest

from payplan.cli.main import cli, main
from payplan.statements.merged import period_parts, total
from payplan.statements.pdf import PdfRenderer, pdf_text
from payplan.statements.verify import verify_pdf
from tests.runs.test_version_change import _approved, split  # noqa: F401 - the fixture
from tests.service_db import db_url, engine, tx  # noqa: F401 - fixtures
from tests.statements.conftest import needs_poppler


@pytest.fixture
def merged(tx, split):  # noqa: F811 - the imported fixture
    _approved(tx, split, "vc@1")
    _approved(tx, split, "vc@2")
    return tx(period_parts, "R1", "vc", "2026-03")


def test_the_parts_are_each_versions_run_in_order_and_add_up(merged):
    assert [(p.number, p.count, p.first.isoformat(), p.last.isoformat(), p.calc.plan.ref) for p in merged] == [
        (1, 2, "2026-03-01", "2026-03-14", "vc@1"), (2, 2, "2026-03-15", "2026-03-31", "vc@2")]
    assert [str(p.calc.result.total) for p in merged] == ["448.00", "412.00"]
    assert str(total(merged)) == "860.00"


@needs_poppler
def test_one_pdf_prints_the_parts_and_their_sum_and_verifies(merged):
    pdf = PdfRenderer().merged(merged, "en")
    text = " ".join(pdf_text(pdf).split())
    assert "Your plan changed version during this period" in text
    assert "448.00" in text and "412.00" in text and "$860.00" in text
    assert "Part 1 of 2: version 1, in force March 1, 2026 – March 14, 2026" in text
    assert "Part 2 of 2: version 2, in force March 15, 2026 – March 31, 2026" in text
    assert text.count("Total of this part") == 2
    verdict = verify_pdf(pdf)
    assert verdict.ok, verdict.differences
    assert str(verdict.total) == "860.00"


def test_a_first_page_with_another_sum_fails_verification(merged, monkeypatch):
    import payplan.statements.pdf as pdf_module

    honest = pdf_module.render_merged
    monkeypatch.setattr(pdf_module, "render_merged", lambda *a: honest(*a).replace("860.00", "861.00"))
    verdict = verify_pdf(PdfRenderer().merged(merged, "en"))
    assert not verdict.ok
    assert "printed total: the parts' sum 860.00 does not appear on the statement's pages" in verdict.differences


def test_a_single_part_is_the_plain_statement_of_its_run(merged):
    pdf = PdfRenderer().merged(merged[:1], "en")
    verdict = verify_pdf(pdf)
    assert verdict.ok and str(verdict.total) == "448.00"
    assert "Total of this part" not in pdf_text(pdf)


def test_the_cli_writes_the_merged_statement(merged, db_url, tmp_path, monkeypatch, capsys):  # noqa: F811
    from click.testing import CliRunner

    from payplan.settings import get_settings

    monkeypatch.setenv("PAYPLAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    out = tmp_path / "r1-march.pdf"
    result = CliRunner().invoke(cli, ["statement", "--plan-id", "vc", "--period", "2026-03", "--rep", "R1",
                                      "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "total 860.00 USD" in result.output
    assert verify_pdf(out.read_bytes()).ok
    with pytest.raises(SystemExit) as exited:
        main(["statement", "--plan-id", "vc", "--period", "2026-04", "--rep", "R1", "-o", str(out)])
    assert exited.value.code != 0
    assert "error: no run of plan vc for 2026-04 scored rep R1" in capsys.readouterr().err
    get_settings.cache_clear()
