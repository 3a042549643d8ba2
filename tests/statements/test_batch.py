"""Batches: one file per statement, named by result hash; unchanged statements are skipped."""

from __future__ import annotations

from click.testing import CliRunner

from payplan.cli.main import cli
from payplan.statements import calculation
from payplan.statements.batch import file_name, render_all

from .conftest import AE_PLAN, DEMO, calculation_for


def test_renders_once_then_skips(tmp_path):
    calcs = calculation.from_files(AE_PLAN, DEMO, "2026-03")[:3]
    first = render_all(calcs, tmp_path, "en", workers=2)
    assert len(first.rendered) == 3 and not first.skipped
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(file_name(c, "en") for c in calcs)
    again = render_all(calcs, tmp_path, "en", workers=2)
    assert not again.rendered and len(again.skipped) == 3


def test_a_changed_result_replaces_the_old_file(tmp_path):
    old, new = calculation_for("Olena", "R1"), calculation_for("Olena K.", "R1")
    render_all([old], tmp_path, "en", workers=1)
    report = render_all([new], tmp_path, "en", workers=1)
    assert [p.name for p in tmp_path.glob("*.pdf")] == [file_name(new, "en")]
    assert report.removed == [str(tmp_path / file_name(old, "en"))]


def test_file_names_are_safe():
    assert file_name(calculation_for("x", "../../etc/p w"), "uk").startswith("etc_p_w-2026-03-uk-")


def test_statements_command_from_files(tmp_path):
    args = ["statements", "--plan", str(AE_PLAN), "--data", str(DEMO), "--period", "2026-03", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "6 rendered" in result.output
    assert "0 rendered, 6 already up to date" in CliRunner().invoke(cli, args).output
