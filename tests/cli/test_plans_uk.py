"""`payplan plans check`, `plans diff` and `evaluate` say a plan's findings in Ukrainian:
the sentence from the catalog with the plan's real numbers and names, the place (file,
line, key path) and the code as written, no English sentence left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from payplan.cli.main import cli, main

DATA = Path(__file__).parents[1] / "data" / "plans"
GOOD = (DATA / "good" / "ae-v1.toml").read_text(encoding="utf-8")


def check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["--lang", "uk", "plans", "check", *args])
    return result.exit_code, result.output.splitlines()


def test_a_weights_sum_error_is_said_in_ukrainian_with_the_plans_numbers():
    code, lines = check(str(DATA / "bad" / "lint-errors.toml"))
    assert code == 1
    [weights] = [line for line in lines if line.endswith("[weights-sum]")]
    assert weights.endswith(":22: components[0].kpis (scorecard bonus): помилка: ваги KPI картки bonus у сумі "
                            "дають 0.95, а не 1: 0.10 (demos) + 0.35 (win-rate) + 0.30 (margin) + 0.20 (crm) "
                            "[weights-sum]")
    assert "KPI weights" not in weights and "sum to" not in weights


def test_other_findings_are_whole_ukrainian_sentences():
    code, lines = check(str(DATA / "bad" / "lint-errors.toml"))
    text = "\n".join(lines)
    assert "помилка: невідома метрика 'crm_hygeine'; можливо, ви мали на увазі 'crm_hygiene'? [unknown-metric]" in text
    assert ("помилка: розрив між tiers[0] (від 0 до 40000) і tiers[1] (від 50000 до 100000): від 40000 до 50000 "
            "нічого не виплачується") in text
    assert lines[-1] == "перевірено 1 файл плану: 3 помилки, 0 попереджень"
    for english in ("unknown metric", "did you mean", "gap between", "nothing pays", "error:"):
        assert english not in text


def test_warnings_and_the_file_readers_own_findings_in_ukrainian():
    code, lines = check(str(DATA / "warn" / "sdr-volume.toml"), str(DATA / "bad" / "typo-key.toml"))
    text = "\n".join(lines)
    assert ("попередження: картка KPI activity прив’язує премію до однієї метрики (calls); додайте KPI розміру "
            "угод, маржі або клієнтів [single-kpi]") in text
    assert ("components[0].kpis[1].wieght: помилка: невідомий ключ 'wieght'; можливо, ви мали на увазі 'weight'? "
            "[unknown-key]") in text
    assert "warning:" not in text and "ties the bonus" not in text and "unknown key" not in text


def test_an_accepted_warning_keeps_its_plans_reason(tmp_path):
    plan = tmp_path / "ae.toml"
    plan.write_text(GOOD + '\n[lint]\naccept = [{ rule = "no-such-rule", reason = "керівник погодив" }]\n',
                    encoding="utf-8")
    code, lines = check(str(plan))
    [unused] = [line for line in lines if "[accept-unused]" in line]
    assert unused.endswith("lint.accept[0].rule: попередження: 'no-such-rule' прийнято, але такого попередження "
                           "немає: приберіть це прийняття [accept-unused]")


def test_a_value_as_the_plan_file_writes_it_and_dates_unchanged(tmp_path):
    plan = tmp_path / "ae.toml"
    plan.write_text(GOOD.replace("effective_to = 2026-03-31", "effective_to = 2025-12-31"), encoding="utf-8")
    code, lines = check(str(plan))
    assert code == 1
    assert any(line.endswith("effective_to: помилка: effective_to 2025-12-31 раніше за effective_from 2026-01-01 "
                             "[effective-dates]") for line in lines), lines


def test_english_stays_as_it_was():
    result = CliRunner().invoke(cli, ["--lang", "en", "plans", "check", str(DATA / "bad" / "lint-errors.toml")])
    assert ("components[0].kpis (scorecard bonus): error: KPI weights of scorecard bonus sum to 0.95, not 1: "
            "0.10 (demos) + 0.35 (win-rate) + 0.30 (margin) + 0.20 (crm) [weights-sum]") in result.output


def test_plans_diff_of_a_broken_plan_says_its_errors_in_ukrainian():
    result = CliRunner().invoke(cli, ["--lang", "uk", "plans", "diff", str(DATA / "good" / "ae-v1.toml"),
                                      str(DATA / "bad" / "malformed.toml")])
    assert result.exit_code == 1
    assert "malformed.toml:33: помилка: некоректний TOML: Invalid value (стовпець 10) [toml-syntax]" in result.output
    assert "not valid TOML" not in result.output


@pytest.mark.parametrize("lang, said", [
    ("uk", "помилка: ваги KPI картки bonus у сумі дають 0.95, а не 1"),
    ("en", "error: KPI weights of scorecard bonus sum to 0.95, not 1"),
])
def test_evaluate_refuses_a_plan_with_errors_in_the_commands_language(capsys, lang, said):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", lang, "evaluate", "--plan", str(DATA / "bad" / "lint-errors.toml"), "--data",
              "examples/demo", "--period", "2026-03"])
    assert exit_.value.code == 1
    assert said in capsys.readouterr().err


# --- the raw plan differences: `plans diff` and the simulation report ----------------------------

PLANS = Path(__file__).parents[2] / "plans"


def test_plans_diff_says_its_subjects_in_ukrainian_and_keeps_the_files_keys_and_values():
    result = CliRunner().invoke(cli, ["--lang", "uk", "plans", "diff", str(PLANS / "ae-2026-v1.toml"),
                                      str(PLANS / "ae-2026-v2.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()[1:]
    assert lines == ["  план: version 1 → 2", "  план: effective_from 2026-01-01 → 2026-07-01",
                     "  план: effective_to 2026-06-30 → (немає)", "  KPI demos: weight 0.15 → 0.10",
                     "  KPI nps: weight 0.15 → 0.20", "  комісія margin_commission, рівень 3: rate 0.12 → 0.14"]


def test_plans_diff_in_english_is_the_changes_as_they_were():
    result = CliRunner().invoke(cli, ["--lang", "en", "plans", "diff", str(PLANS / "ae-2026-v1.toml"),
                                      str(PLANS / "ae-2026-v2.toml")])
    assert "  plan: version 1 → 2" in result.output and "  plan: effective_to 2026-06-30 → (none)" in result.output
    assert "  commission margin_commission tier 3: rate 0.12 → 0.14" in result.output


def test_the_simulation_reports_plan_differences_in_ukrainian():
    result = CliRunner().invoke(cli, ["--lang", "uk", "simulate", "--baseline", str(PLANS / "sim" / "volume-only.toml"),
                                      "--proposal", str(PLANS / "sim" / "balanced.toml"), "--periods",
                                      "2026-01..2026-02", "--data", "examples/demo", "--format", "html"])
    assert result.exit_code == 0, result.output
    [changes] = re.findall(r'(?s)<ul class="changes">(.*?)</ul>', result.output)
    items = re.findall(r"<li>(.*?)</li>", changes)
    assert "план: id sim-volume-only → sim-balanced" in items
    assert "вилучено: картка KPI volume_bonus" in items and "додано: комісія margin_commission" in items
    assert not any(item.startswith("plan:") or item.endswith((" added", " removed")) for item in items)


def test_a_plan_with_errors_is_refused_by_publish_with_its_findings_in_ukrainian(tmp_path):
    from .test_evaluate import payplan

    env = {"PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'publish.sqlite'}"}
    assert payplan("db", "upgrade", env=env).returncode == 0
    assert payplan("users", "add", "hanna", "--role", "hr", env=env).returncode == 0
    refused = payplan("--lang", "uk", "plans", "publish", str(DATA / "bad" / "lint-errors.toml"), "--as", "hanna",
                      env=env)
    said = refused.stderr
    assert refused.returncode == 1 and "Traceback" not in said
    assert "lint-errors.toml" in said.splitlines()[0] and "не був опублікований" in said.splitlines()[0]
    assert "від 0 до 40000" in said  # a sentence within the finding's sentence, in Ukrainian too
    assert "помилка: невідома метрика 'crm_hygeine'; можливо, ви мали на увазі 'crm_hygiene'? [unknown-metric]" in said
    assert "unknown metric" not in said and "error:" not in said
