"""The CLI speaks `--lang` or the locale: the `evaluate` table in en and uk, with names and
totals, and the simulation report in uk without an English word of the catalog.

The amounts are parsed back from the printed table and added here, independently of the
code that prints the totals row; the JSON stays the same in every language.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest

from tests.catalog_words import msgid_words

from .test_evaluate import ROOT, payplan

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
    assert "Бонус за KPI" in lines[1] and "Комісія з маржі" in lines[1]  # the plan's own uk labels
    assert "KPI bonus" not in lines[1]
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


# --- the simulation report ---------------------------------------------------------------

SIMULATE = ("simulate", "--baseline", "plans/sim/volume-only.toml", "--proposal", "plans/sim/balanced.toml",
            "--periods", "2026-01..2026-06", "--data", "examples/demo", "--format", "html", "--threshold", "500")
# Elements whose text is data or the engine's: KPI ids with attainments, the scoring issues,
# the plan differences (subjects and fields as the plan files name them).
DATA = re.compile(r'(?s)<(td|ul|p) class="(small|changes)"[^>]*>.*?</\1>')
# product, format and currency names, and the ids of the demo's plans and KPIs
ALLOWED = {"payplan", "kpi", "kpis", "csv", "json", "html", "pdf", "usd", "id", "ae", "sdr"}


def data_words() -> set[str]:
    """Words of the plan files (names, labels, ids) and of their paths as given: data, not the report's."""
    text = " ".join([*(p.read_text(encoding="utf-8") for p in (ROOT / "plans").rglob("*.toml")), *SIMULATE])
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)}


def english_in(html: str) -> list[str]:
    body = DATA.sub(" ", re.sub(r"(?s)<head.*?</head>|<style.*?</style>", " ", html))
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', body))
    words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", unescape(re.sub(r"<[^>]*>", " ", body) + " " + labels))}
    return sorted((words & msgid_words()) - ALLOWED - data_words())


def test_simulation_report_in_ukrainian_has_no_english_word_of_the_catalog():
    out = payplan("--lang", "uk", *SIMULATE, env=ENGLISH)
    assert out.returncode == 0, out.stderr
    html = out.stdout
    assert '<html lang="uk">' in html and "Хто виграє, хто втрачає" in html
    assert f"-9{NBSP}959,61" in html  # the cost change in the uk number format
    assert english_in(html) == []


def test_simulation_report_in_english_is_unchanged_in_words():
    out = payplan(*SIMULATE, env=ENGLISH)
    assert out.returncode == 0, out.stderr
    assert '<html lang="en">' in out.stdout and "Who gains, who loses" in out.stdout and "-9,959.61" in out.stdout
    assert english_in(out.stdout) != []  # the check above does see English words


# --- the service tables ------------------------------------------------------------------


def test_service_tables_in_ukrainian(tmp_path):
    env = {**ENGLISH, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'lang.sqlite'}"}

    def uk(*args: str) -> str:
        done = payplan("--lang", "uk", *args, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    uk("db", "upgrade")
    uk("users", "add", "admin", "--role", "admin")
    uk("import", "examples/demo", "--as", "admin")
    uk("plans", "publish", "plans/ae-2026-v1.toml", "--as", "admin")
    created = uk("runs", "create", "--plan", "ae-2026@1", "--period", "2026-03", "--as", "admin").splitlines()
    assert created[1] == f"чернетка розрахунку 1: ae-2026@1, 2026-03, 6 працівників, разом 18{NBSP}593,20"
    header, row = uk("runs", "list").splitlines()
    assert header.split()[:4] == ["Розрахунок", "Вид", "План", "Період"]
    assert row.split()[1:3] == ["звичайний", "ae-2026@1"] and row.endswith(f"18{NBSP}593,20")
    # each column as wide as its widest word: the plan starts where its header does
    assert header.index("План") == row.index("ae-2026@1") and header.index("Період") == row.index("2026-03")
    assert len(header) <= len(row)
    wrong = payplan("--lang", "uk", "runs", "list", "--period", "2026-3", env=env)
    assert wrong.returncode == 2 and "'2026-3' не є періодом (очікується 2026-03" in wrong.stderr
    month = payplan("--lang", "uk", "evaluate", "--plan", "plans/ae-2026-v1.toml", "--data", "examples/demo",
                    "--period", "2026-13", env=env)
    assert (month.returncode, month.stderr) == (2, "помилка: '2026-13': місяць має бути від 01 до 12\n")
    shown = uk("runs", "show", "1", "--as", "admin")
    assert "розрахунок 1: звичайний, ae-2026@1, 2026-03, чернетка (редакція" in shown
    assert f"разом: 18{NBSP}593,20" in shown and f"2{NBSP}626,52" in shown
    assert uk("users", "list").splitlines()[0].split()[:2] == ["Ім’я", "Роль"]
    assert uk("plans", "check", "plans/ae-2026-v1.toml").splitlines()[-1].startswith("перевірено 1 файл плану: 0 помилок")


def test_full_simulation_report_in_ukrainian_has_no_english_word_of_the_catalog(tmp_path):
    """With every section: reps newly covered, an inline edit, a budget fit and a scenario."""
    wider = tmp_path / "ae-2026-v2.toml"
    text = (ROOT / "plans" / "ae-2026-v2.toml").read_text(encoding="utf-8")
    wider.write_text(text.replace('roles = ["AE"]', 'roles = ["AE", "SDR"]'), encoding="utf-8")
    args = ("simulate", "--baseline", "plans/ae-2026-v1.toml", "--proposal", str(wider), "--periods",
            "2026-01..2026-03", "--data", "examples/demo", "--format", "html", "--set",
            "kpi_bonus.kpis.demos.weight=10%", "--scenario", "demos +10%", "--budget", "30000", "--fit",
            "kpi_bonus.target_incentive")
    out = payplan("--lang", "uk", *args, env=ENGLISH)
    assert out.returncode == 0, out.stderr
    html = out.stdout
    for words in ("Скільки це коштує?", "Нові в охопленні пропозиції", "Підбір під бюджет", "Сценарії",
                  "«Менеджери з продажу 2026»",  # the title names the plan as the plan does in uk
                  "Демонстрації продукту: вага 15% → 10%", "Чи йде оплата за прибутком?"):
        assert words in html, words
    path_words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", str(wider))}  # the plan's path, as given
    assert sorted(set(english_in(html)) - path_words) == []


def test_a_bad_fact_file_is_named_in_ukrainian_by_import_and_evaluate(tmp_path):
    env = {**ENGLISH, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'facts.sqlite'}"}
    bad = tmp_path / "bad"
    bad.mkdir()
    header, *rows = (ROOT / "examples" / "demo" / "deals.csv").read_text().splitlines()
    cells = rows[3].split(",")
    cells[2] = "2026-13-19"  # created_at of the fourth deal: row 5 of the file
    (bad / "deals.csv").write_text("\n".join([header, *rows[:3], ",".join(cells)]) + "\n")
    (bad / "reps.csv").write_text((ROOT / "examples" / "demo" / "reps.csv").read_text())
    assert payplan("db", "upgrade", env=env).returncode == 0
    assert payplan("users", "add", "adam", "--role", "admin", env=env).returncode == 0
    reason = "deals.csv, рядок 5, стовпець created_at: '2026-13-19' — не дата ISO 8601 (очікується РРРР-ММ-ДД)"
    imported = payplan("--lang", "uk", "import", str(bad), "--as", "adam", env=env)
    assert (imported.returncode, imported.stderr) == (1, f"помилка: {reason}\n")
    evaluated = payplan("--lang", "uk", "evaluate", "--plan", "plans/ae-2026-v1.toml", "--data", str(bad),
                        "--period", "2026-03", env=env)
    assert evaluated.returncode == 1 and reason in evaluated.stderr and "not an ISO" not in evaluated.stderr
    english = payplan("--lang", "en", "import", str(bad), "--as", "adam", env=env)
    assert english.stderr == ("error: deals.csv row 5, column created_at: '2026-13-19' is not an ISO 8601 date "
                              "(expected YYYY-MM-DD)\n")


def test_statement_and_verify_speak_ukrainian(tmp_path):
    env = {**ENGLISH, "PAYPLAN_KEY_DIR": str(tmp_path / "keys")}
    pdf = tmp_path / "ae01.pdf"
    printed = payplan("--lang", "uk", "statement", "--plan", "plans/ae-2026-v1.toml", "--data", "examples/demo",
                      "--period", "2026-03", "--rep", "AE01", "--lang", "uk", "-o", str(pdf), env=env)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == f"{pdf}: AE01, 2026-03, разом 2{NBSP}626,52 USD\n"  # AE01's March, as `evaluate` adds it
    checked = payplan("--lang", "uk", "verify", str(pdf), env=env)
    assert (checked.returncode, checked.stdout) == (
        0, f"збіг: {pdf}: перерахована сума 2{NBSP}626,52 дорівнює надрукованій\n")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    refused = payplan("--lang", "uk", "verify", str(junk), env=env)
    assert refused.returncode == 1 and refused.stdout.startswith(f"розбіжність: {junk}:\n  не PDF, який можна прочитати (")
    english = payplan("--lang", "en", "verify", str(pdf), env=env)
    assert english.stdout == f"match: {pdf}: re-computed total 2,626.52 equals the printed total\n"


def test_a_missing_plan_file_is_said_in_ukrainian():
    missing = payplan("--lang", "uk", "evaluate", "--plan", "nope.toml", "--data", "examples/demo", "--period",
                      "2026-03", env=ENGLISH)
    assert (missing.returncode, missing.stderr) == (
        1, "nope.toml: помилка: не вдається прочитати файл плану: немає такого файлу чи каталогу [unreadable]\n")
    english = payplan("evaluate", "--plan", "nope.toml", "--data", "examples/demo", "--period", "2026-03", env=ENGLISH)
    assert english.stderr == "nope.toml: error: cannot read plan file: no such file or directory [unreadable]\n"


def test_a_bad_mapping_file_is_named_in_ukrainian(tmp_path):
    mapping = tmp_path / "badmap.toml"
    mapping.write_text('id = "badmap"\nversion = 1\nkind = "dealz"\n[columns]\ndeal_id = "ID"\n', encoding="utf-8")
    export = ROOT / "examples" / "crm" / "salesforce" / "opportunities.csv"
    env = {**ENGLISH, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'map.sqlite'}"}
    uk = payplan("--lang", "uk", "import", "--mapping", str(mapping), str(export), "--check", "--as", "x", env=env)
    assert uk.returncode == 1 and uk.stderr.startswith("помилка: badmap.toml, ключ kind: 'dealz' не є одним із: reps, activities, deals")
    assert "is not one of" not in uk.stderr
