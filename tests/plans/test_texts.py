"""Plan texts in several languages: loading, placed errors, hash, missing-text warnings, diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from payplan.plans.files import check_plan_text, load_plan, load_plan_text, plan_diff, plan_hash

DATA = Path(__file__).parents[1] / "data" / "plans"
AE = (DATA / "good" / "ae-v1.toml").read_text()
UK = (DATA / "texts" / "ae-uk.toml").read_text()


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_plan_with_texts_per_language_loads_its_default_texts_and_translations():
    plan, issues = load_plan_text(UK, "plans/ae.toml")
    assert issues == [] and plan is not None
    bonus, commission = plan.components
    assert plan.name == "Account executive plan"
    assert bonus.label == "KPI bonus"  # en is the default even when it is not first
    assert [k.label for k in bonus.kpis] == ["Demos held", "Маржа"]  # no en: the first text
    assert bonus.kpis[0].why == "Demos are where deals start."
    assert commission.label == "Demos held"
    assert plan.languages == ["en", "uk"]
    assert plan.translations == {"uk": {
        "Account executive plan": "План менеджера з продажу",
        "KPI bonus": "Бонус за показниками",
        "Demos held": "Проведені демо",
        "Pay follows profit, not volume.": "Оплата йде за прибутком, а не за обсягом.",
    }}


def test_en_is_the_default_text_wherever_it_stands_and_never_a_translation():
    text = _replace(UK, 'label = { uk = "Маржа" }', 'label = { uk = "Маржа", en = "Margin" }')
    plan, _ = load_plan_text(text, "plans/ae.toml")
    assert plan.components[0].kpis[1].label == "Margin"
    assert plan.translations["uk"]["Margin"] == "Маржа"
    assert "en" not in plan.translations


def test_plain_strings_still_load_and_leave_translations_empty():
    plan, issues = load_plan_text(AE, "plans/ae.toml")
    assert issues == []
    assert plan.name == "Account executive plan"
    assert plan.components[0].kpis[0].why == "Demos are where deals start."
    assert (plan.translations, plan.languages) == ({}, [])


def test_the_hash_of_an_existing_plan_is_unchanged_and_a_uk_label_changes_it():
    plan = load_plan(DATA / "good" / "ae-v1.toml")
    # The hash of tests/data/plans/good/ae-v1.toml before texts per language existed.
    assert plan_hash(plan) == "c87ba349947fcdf2bca673f6d2708009c897cdee78063e6f05a3c0da66cd8594"
    same_en, _ = load_plan_text(_replace(AE, 'why = "Close what you open."',
                                         'why = { en = "Close what you open." }'), "plans/ae.toml")
    assert plan_hash(same_en) == plan_hash(plan)
    with_uk, _ = load_plan_text(_replace(AE, 'why = "Close what you open."',
                                         'why = { en = "Close what you open.", uk = "Закривай, що відкрив." }'),
                                "plans/ae.toml")
    assert with_uk.components[0].kpis[1].why == "Close what you open."
    assert plan_hash(with_uk) != plan_hash(plan)


@pytest.mark.parametrize(("table", "message"), [
    ('{ en = "Demos", fr = "Démos" }', "unknown language 'fr' (choose from en, uk)"),
    ('{ en = "Demos", uk = 3 }', "the uk text must be a string, got int 3"),
    ("{}", "an empty table of texts; give a text per language (en, uk)"),
    ('{ en = "", uk = "Демо" }', "the en text is empty while another language has one"),
])
def test_a_bad_table_of_texts_is_a_placed_error(table, message):
    text = _replace(UK, 'label = { en = "Demos held", uk = "Проведені демо" }', f"label = {table}")
    plan, [issue] = load_plan_text(text, "plans/ae.toml")
    assert plan is None
    assert (issue.severity, issue.code, issue.message) == ("error", "bad-text", message)
    assert issue.where == "plans/ae.toml:25: components[0].kpis[0].label"


def test_two_translations_of_one_text_are_an_error_naming_both_keys():
    text = _replace(UK, 'label = "Demos held"', 'label = { en = "Demos held", uk = "Демо" }')
    plan, [issue] = load_plan_text(text, "plans/ae.toml")
    assert plan is None
    assert issue.where == "plans/ae.toml:41: components[1].label"
    assert issue.message == ("the uk text of 'Demos held' is 'Демо' here but 'Проведені демо' at "
                             "components[0].kpis[0].label; a text has one translation")


def test_unknown_languages_and_a_written_translations_table_are_placed_errors():
    plan, [issue] = load_plan_text(_replace(UK, 'languages = ["en", "uk"]', 'languages = ["en", "de"]'),
                                   "plans/ae.toml")
    assert plan is None
    assert (issue.where, issue.message) == ("plans/ae.toml:9: languages[1]",
                                            "unknown language 'de' (choose from en, uk)")
    plan, [issue] = load_plan_text(_replace(AE, 'currency = "USD"\n', 'currency = "USD"\ntranslations = {}\n'),
                                   "plans/ae.toml")
    assert (issue.code, issue.where) == ("unknown-key", "plans/ae.toml:9: translations")
    assert "label = { en =" in issue.message


def test_an_unknown_key_beside_texts_per_language_is_still_named():
    plan, [issue] = load_plan_text(_replace(UK, "weight = 0.5\ntarget = 12", "wieght = 0.5\ntarget = 12"),
                                   "plans/ae.toml")
    assert issue.where == "plans/ae.toml:23: components[0].kpis[0].wieght"


def test_check_warns_for_each_text_lacking_a_language_the_plan_is_printed_in():
    plan, issues = check_plan_text(UK, "plans/ae.toml")
    missing = [(i.severity, i.where, i.message) for i in issues if i.code == "missing-translation"]
    assert missing == [
        ("warning", "plans/ae.toml:26: components[0].kpis[0].why (scorecard bonus, kpi demos)",
         "no uk text for 'Demos are where deals start.'; the plan's statements are printed in en, uk"),
        ("warning", "plans/ae.toml:33: components[0].kpis[1].label (scorecard bonus, kpi margin)",
         "no en text for 'Маржа'; the plan's statements are printed in en, uk"),
    ]


def test_languages_alone_ask_for_every_text_and_plain_plans_get_no_warning():
    _, plain = check_plan_text(AE, "plans/ae.toml")
    assert [i for i in plain if i.code == "missing-translation"] == []
    _, asked = check_plan_text(_replace(AE, 'currency = "USD"\n', 'currency = "USD"\nlanguages = ["uk"]\n'),
                               "plans/ae.toml")
    wheres = [i.where.split(" ")[0] for i in asked if i.code == "missing-translation"]
    assert wheres == ["plans/ae.toml:4:", "plans/ae.toml:28:", "plans/ae.toml:35:",
                      "plans/ae.toml:42:", "plans/ae.toml:49:"]


def test_diff_names_the_key_whose_translation_changed():
    old, _ = load_plan_text(UK, "plans/ae.toml")
    new, _ = load_plan_text(_replace(UK, 'uk = "Проведені демо"', 'uk = "Демонстрації"'), "plans/ae.toml")
    changes = plan_diff(old, new)
    assert [str(c) for c in changes] == [
        "kpi demos: label (uk) Проведені демо → Демонстрації",
        "commission new-biz: label (uk) Проведені демо → Демонстрації",
    ]
    assert changes[0].path == "components[0].kpis[0].label"


def test_diff_of_an_added_translation_and_of_a_changed_default_text():
    old, _ = load_plan_text(UK, "plans/ae.toml")
    new, _ = load_plan_text(_replace(UK, 'why = "Demos are where deals start."',
                                     'why = { en = "Demos are where deals start.", uk = "Демо починають угоди." }'),
                            "plans/ae.toml")
    assert [str(c) for c in plan_diff(old, new)] == [
        "kpi demos: why (uk) (none) → Демо починають угоди."]
    renamed, _ = load_plan_text(_replace(UK, 'en = "KPI bonus"', 'en = "Scorecard bonus"'), "plans/ae.toml")
    assert [str(c) for c in plan_diff(old, renamed)] == ["scorecard bonus: label KPI bonus → Scorecard bonus"]
