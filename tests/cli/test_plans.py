"""`payplan plans check` and `payplan plans diff`: output, exit codes, no tracebacks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from payplan.cli.main import cli, main

DATA = Path(__file__).parents[1] / "data" / "plans"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_good_plans_exits_0(runner):
    result = runner.invoke(cli, ["plans", "check", str(DATA / "good")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "checked 2 plan files: 0 errors, 0 warnings"


def test_check_warnings_only_exits_0(runner):
    result = runner.invoke(cli, ["plans", "check", str(DATA / "warn" / "sdr-volume.toml")])
    assert result.exit_code == 0
    assert ": warning: scorecard activity ties the bonus to one metric (calls)" in result.output
    assert "[ignores-margin]" in result.output
    assert result.output.splitlines()[-1] == "checked 1 plan file: 0 errors, 5 warnings"


def test_check_errors_exit_1_with_file_line_and_code(runner):
    bad = DATA / "bad"
    result = runner.invoke(cli, ["plans", "check", str(bad / "malformed.toml"), str(bad / "typo-key.toml")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{bad / 'malformed.toml'}:33: error: not valid TOML: Invalid value (column 10) [toml-syntax]"
    assert lines[1].startswith(f"{bad / 'typo-key.toml'}:32: components[0].kpis[1].wieght: error: unknown key")
    assert lines[-1] == "checked 2 plan files: 3 errors, 0 warnings"


def test_check_finds_overlapping_versions_across_files(runner):
    result = runner.invoke(cli, ["plans", "check", str(DATA / "versions")])
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if "[versions-overlap]" in x]
    assert line.startswith(f"{DATA / 'versions' / 'ae-v2.toml'}:5: effective_from (ae@2): error:")
    assert "set effective_to = 2026-03-14 in ae@1" in line


def test_check_defaults_to_plans_dir(runner, tmp_path, monkeypatch):
    (tmp_path / "plans").mkdir()
    shutil.copy(DATA / "good" / "ae-v1.toml", tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["plans", "check"])
    assert result.exit_code == 0
    assert "checked 1 plan file" in result.output


def test_check_missing_path_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["plans", "check", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_diff_prints_changes(runner):
    result = runner.invoke(cli, ["plans", "diff", str(DATA / "good" / "ae-v1.toml"), str(DATA / "good" / "ae-v2.toml")])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("ae@1 (") and "→ ae@2 (" in lines[0]
    assert "  kpi demos: weight 0.15 → 0.20" in lines
    assert "  commission new-biz tier 2: rate 0.06 → 0.07" in lines
    assert "  spiff spiff-q1 added" in lines
    assert len(lines) == 9


def test_diff_of_same_plan_reformatted(runner):
    result = runner.invoke(cli, ["plans", "diff", str(DATA / "good" / "ae-v1.toml"),
                                 str(DATA / "format" / "ae-v1-reformatted.toml")])
    assert result.exit_code == 0
    assert "no changes (same content hash)" in result.output


def test_diff_of_broken_plan_exits_1(runner):
    result = runner.invoke(cli, ["plans", "diff", str(DATA / "good" / "ae-v1.toml"), str(DATA / "bad" / "malformed.toml")])
    assert result.exit_code == 1
    assert "malformed.toml:33: error: not valid TOML" in result.output
    assert "Traceback" not in result.output


def test_main_maps_usage_errors_to_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["plans", "diff", "only-one.toml"])
    assert exit_.value.code == 2
    assert "Missing argument" in capsys.readouterr().err


def test_main_reports_missing_pipeline_or_plan_without_traceback(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["plans", "diff", str(tmp_path / "a.toml"), str(tmp_path / "b.toml")])
    assert exit_.value.code == 1
    assert "cannot read plan file" in capsys.readouterr().err


def test_real_subprocess_has_no_traceback():
    exe = shutil.which("payplan")
    command = [exe] if exe else [sys.executable, "-m", "payplan.cli"]
    done = subprocess.run([*command, "plans", "check", str(DATA / "bad")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "malformed.toml:33: error" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("checked 7 plan files:")


def test_main_maps_payplan_usage_errors_to_2_and_others_to_1(capsys, monkeypatch):
    class UsageError(ValueError):
        __module__ = "payplan.evaluation.pipeline"

    class FactError(ValueError):
        __module__ = "payplan.facts.read"

    for error, code in ((UsageError("give a month such as 2026-03"), 2), (FactError("deals.csv row 3"), 1)):
        def boom(*args, error=error, **kwargs):
            raise error
        monkeypatch.setattr("payplan.cli.plans.load_plan", boom)
        with pytest.raises(SystemExit) as exit_:
            main(["plans", "diff", "a.toml", "b.toml"])
        assert exit_.value.code == code
        assert f"error: {error}" in capsys.readouterr().err


def test_main_prints_a_domain_error_in_the_commands_language(capsys, monkeypatch):
    from payplan.errors import NotFound
    from payplan.i18n import N_

    def boom(*args, **kwargs):
        raise NotFound(N_("plan %(plan)s is not published"), plan="ae-2026@9")

    monkeypatch.setattr("payplan.cli.plans.load_plan", boom)
    for lang, said in (("uk", "помилка: план ae-2026@9 не опубліковано"), ("en", "error: plan ae-2026@9 is not published")):
        with pytest.raises(SystemExit) as exit_:
            main(["--lang", lang, "plans", "diff", "a.toml", "b.toml"])
        assert exit_.value.code == 1
        assert capsys.readouterr().err.strip() == said


def test_main_says_a_file_error_in_the_commands_language(capsys, monkeypatch, tmp_path):
    """An operating system's error names the file and says why in the command's language."""
    missing = tmp_path / "nowhere" / "a.toml"

    def boom(*args, **kwargs):
        return open(missing)

    monkeypatch.setattr("payplan.cli.plans.load_plan", boom)
    for lang, reason in (("uk", "помилка: %s: немає такого файлу чи каталогу"), ("en", "error: %s: no such file or directory")):
        with pytest.raises(SystemExit) as exit_:
            main(["--lang", lang, "plans", "diff", "a.toml", "b.toml"])
        assert exit_.value.code == 1
        assert capsys.readouterr().err.strip() == reason % missing


def test_check_warns_for_a_text_missing_a_language_and_exits_0(runner):
    result = runner.invoke(cli, ["plans", "check", str(DATA / "texts" / "ae-uk.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"{DATA / 'texts' / 'ae-uk.toml'}:26: components[0].kpis[0].why (scorecard bonus, kpi demos): "
                        "warning: no uk text for 'Demos are where deals start.'; the plan's statements are printed "
                        "in en, uk [missing-translation]")
    assert lines[-1] == "checked 1 plan file: 0 errors, 2 warnings"


def test_check_of_a_bad_table_of_texts_exits_1_without_traceback(runner, tmp_path):
    text = (DATA / "texts" / "ae-uk.toml").read_text().replace('uk = "Маржа"', 'fr = "Marge"')
    (tmp_path / "ae.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["plans", "check", str(tmp_path / "ae.toml")])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (f"{tmp_path / 'ae.toml'}:33: components[0].kpis[1].label: error: "
                                             "unknown language 'fr' (choose from en, uk) [bad-text]")


def test_diff_of_a_changed_translation_names_the_key(runner, tmp_path):
    old = DATA / "texts" / "ae-uk.toml"
    (tmp_path / "new.toml").write_text(old.read_text().replace('uk = "План', 'uk = "Новий план'),
                                       encoding="utf-8")
    result = runner.invoke(cli, ["plans", "diff", str(old), str(tmp_path / "new.toml")])
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        "  plan: name (uk) План менеджера з продажу → Новий план менеджера з продажу"]
