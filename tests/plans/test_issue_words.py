"""A plan's findings keep their English `message` and carry the template it was filled from,
which the catalogs translate: `issue_words` says them in uk with the same values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from payplan.core.issues import Issue, error, sentence
from payplan.core.lint import check_plan
from payplan.core.trace import fill
from payplan.i18n import translations
from payplan.plans.files import check_plan_text, load_plan
from payplan.plans.issue_words import line, said

DATA = Path(__file__).parents[1] / "data" / "plans"
FILES = sorted(DATA.rglob("*.toml"))


def issues_of(path: Path) -> list[Issue]:
    return check_plan_text(path.read_text(encoding="utf-8"), str(path))[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_finding_is_its_template_filled_in_and_the_catalogs_translate_it(path):
    for issue in issues_of(path):
        if not issue.template:
            continue
        assert issue.message == fill(issue.template, issue.inputs)
        assert "{" not in issue.message or "label = {" in issue.message
        uk = translations("uk").gettext(issue.template)
        assert uk != issue.template, issue.template
        assert said(issue, "uk") != issue.message


def test_the_values_are_kept_as_json_and_said_again_after_a_round_trip():
    plan = load_plan(DATA / "good" / "ae-v1.toml")
    bad = msgspec.structs.replace(plan, effective_to=plan.effective_from.replace(year=2025))
    [issue] = [i for i in check_plan(bad) if i.code == "effective-dates"]
    assert issue.message == "effective_to 2025-01-01 is before effective_from 2026-01-01"
    stored = msgspec.json.decode(msgspec.json.encode(issue), type=Issue)
    assert said(stored, "uk") == said(issue, "uk") == "effective_to 2025-01-01 раніше за effective_from 2026-01-01"


def test_a_sentence_inside_a_sentence_is_said_in_the_same_language():
    issue = error("bad-number", "{key}: {problem}", "components[0].rate", key="rate",
                  problem=sentence("{value:text} has more than {most} decimal places", value=Decimal("1E-30"), most=28))
    assert issue.message == "rate: 1E-30 has more than 28 decimal places"
    assert said(issue, "uk") == "rate: 1E-30 має понад 28 знаків після коми"


def test_a_line_is_str_of_the_issue_in_a_language():
    issue = msgspec.structs.replace(error("no-kpis", "scorecard {card} has no KPIs", "components[0]", card="bonus"),
                                    severity="accepted", reason="a draft")
    assert line(issue, "en") == str(issue)
    assert line(issue, "uk") == "components[0]: прийнято: картка KPI bonus не має жодного KPI [no-kpis] (a draft)"


def test_a_finding_without_values_is_found_by_its_message():
    issue = error("no-components", "the plan has no components, so it pays nothing", "components")
    assert issue.template == "" and said(issue, "uk") == "у плані немає компонентів, тож він нічого не виплачує"
