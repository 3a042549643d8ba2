"""The CLI speaks `--lang` or the locale: the `evaluate` table in en and uk, with names and totals.

The amounts are parsed back from the printed table and added here, independently of the
code that prints the totals row; the JSON stays the same in every language.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from .test_evaluate import payplan

ARGS = ("evaluate", "--plan", "plans/ae-2026-v1.toml", "--data", "examples/demo", "--period", "2026-03")
ENGLISH = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
NBSP = "\u00a0"  # Babel's thousands separator in uk


def amounts(line: str, lang: str) -> list[Decimal]:
    """The amounts at the end of a table line, read back as the language writes them."""
    cells = line.split("  ")
    numbers = []
    for cell in reversed([c.strip() for c in cells if c.strip()]):
        text = cell.replace(",", "") if lang == "en" else cell.replace(NBSP, "").replace(",", ".")
        try:
            numbers.append(Decimal(text))
        except ArithmeticError:
            break
    return numbers[::-1]


def table(lang: str, env: dict, *flags: str) -> list[str]:
    out = payplan(*flags, *ARGS, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def check_totals(lines: list[str], lang: str, total_word: str) -> None:
    rows = [ln for ln in lines if "(AE0" in ln]
    (totals,) = [ln for ln in lines if ln.startswith(total_word + " ")]
    assert len(rows) == 6
    # Each row's last amount is its total; the totals row's last amount is the sum of those.
    assert amounts(totals, lang)[-1] == sum(amounts(r, lang)[-1] for r in rows)
    assert amounts(totals, lang)[-1] == Decimal("18593.20")


def test_evaluate_in_english_has_names_separators_and_totals():
    lines = table("en", ENGLISH)
    assert lines[1].split()[:2] == ["Rep", "Period"] and lines[1].split()[-1] == "Total"
    (iryna,) = [ln for ln in lines if "(AE01)" in ln]
    assert iryna.startswith("Iryna Bondarenko (AE01)") and iryna.endswith("2,626.52")
    assert "-1,022.40" in iryna and "KPI bonus" in lines[1]
    check_totals(lines, "en", "Total")


@pytest.mark.parametrize("env, flags", [(ENGLISH, ("--lang", "uk")), ({"LANG": "uk_UA.UTF-8", "LC_ALL": ""}, ())],
                         ids=["--lang uk", "LANG=uk_UA"])
def test_evaluate_in_ukrainian(env, flags):
    lines = table("uk", env, *flags)
    assert lines[0].startswith("план ae-2026@1")
    assert lines[1].split()[:2] == ["Працівник", "Період"] and lines[1].split()[-1] == "Разом"
    (iryna,) = [ln for ln in lines if "(AE01)" in ln]
    assert iryna.endswith(f"2{NBSP}626,52") and f"-1{NBSP}022,40" in iryna
    check_totals(lines, "uk", "Разом")


def test_lang_en_overrides_a_ukrainian_locale():
    lines = table("en", {"LANG": "uk_UA.UTF-8", "LC_ALL": ""}, "--lang", "en")
    assert lines[1].startswith("Rep ")


def test_json_is_the_same_in_every_language():
    english = payplan(*ARGS, "--format", "json", env=ENGLISH)
    ukrainian = payplan("--lang", "uk", *ARGS, "--format", "json", env=ENGLISH)
    assert english.returncode == ukrainian.returncode == 0
    assert english.stdout == ukrainian.stdout
    assert json.loads(english.stdout)["results"][0]["total"] == "2626.52"
