"""click's own words in the CLI's language: "Usage:", "Error: No such option", "Show this message
and exit." and the rest are Ukrainian under uk (`--lang uk` or a uk locale) and click's English
under en; the click catalog translates every message of the installed click.

The catalog's messages are extracted here from the installed click as the README's `pybabel
extract` does, so a click upgrade with new words fails the catalog test until they are added.
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from click.testing import CliRunner

from payplan.cli import click_language, language
from payplan.cli.main import cli
from payplan.i18n import catalog_path

from .test_evaluate import payplan

ENGLISH = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
UK_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "uk_UA.UTF-8"}
CLICK_WORDS = ("Usage", "Options:", "Commands:", "Error", "Try ", "for help", "No such", "Missing", "Invalid value",
               "Show this message", "Show the version", "required]", "Did you mean", "unexpected extra", "[default:")


def run(*args: str, env: dict[str, str] = ENGLISH) -> str:
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="payplan")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


def english_of_click(text: str) -> list[str]:
    return [w for w in CLICK_WORDS if w in text]


# The CLI's language, chosen before click reads the command line.

@pytest.mark.parametrize("args, env, lang", [
    (["--lang", "uk", "runs", "list"], ENGLISH, "uk"),
    (["--lang=uk", "--help"], ENGLISH, "uk"),
    (["--help"], UK_LOCALE, "uk"),
    (["--lang", "en", "runs"], UK_LOCALE, "en"),
    (["--lang", "uk", "--lang", "en"], ENGLISH, "en"),
    (["runs", "--lang", "uk"], ENGLISH, "en"),  # a command's own option, not the CLI's language
    (["--lang", "de", "runs"], UK_LOCALE, "uk"),  # click refuses "de"; the locale's language says so
], ids=str)
def test_the_language_is_chosen_from_the_command_line_then_the_locale(monkeypatch, args, env, lang):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert language.chosen(args) == lang


# Usage errors.

@pytest.mark.parametrize("flags, env", [(("--lang", "uk"), ENGLISH), ((), UK_LOCALE)], ids=["--lang uk", "LANG=uk_UA"])
def test_an_unknown_option_in_ukrainian(flags, env):
    out = run(*flags, "runs", "--foo", env=env)
    assert out.splitlines() == [
        "Використання: payplan runs [OPTIONS] COMMAND [ARGS]...",
        "Спробуйте 'payplan runs --help', щоб отримати довідку.",
        "",
        "Помилка: Немає параметра '--foo'.",
    ]


def test_a_missing_argument_and_a_missing_option_in_ukrainian():
    out = run("--lang", "uk", "import")
    assert out.splitlines()[-1] == "Помилка: Не вказано аргумент 'DIR|EXPORT'."
    assert out.startswith("Використання: payplan import [OPTIONS] DIR|EXPORT\n")
    assert run("--lang", "uk", "runs", "show", "1").splitlines()[-1] == "Помилка: Не вказано параметр '--as'."
    assert english_of_click(out) == []


def test_an_invalid_period_in_ukrainian():
    out = run("--lang", "uk", "runs", "list", "--period", "2026-13")
    assert out.splitlines()[-1] == ("Помилка: Неприпустиме значення '--period': '2026-13': місяць має бути від 01 "
                                    "до 12")
    assert english_of_click(out) == []


def test_other_usage_errors_in_ukrainian(tmp_path):
    assert run("--lang", "uk", "evaluat").splitlines()[-1] == (
        "Помилка: Немає команди 'evaluat'. Можливо, ви мали на увазі 'evaluate'?")
    assert run("--lang", "uk", "runs", "list", "x", "y").splitlines()[-1] == (
        "Помилка: Отримано зайві аргументи (x y)")
    assert run("--lang", "uk", "runs", "list", "--period").splitlines()[-1] == (
        "Помилка: Параметр '--period' потребує 1 аргумент.")
    assert run("--lang", "de", env=UK_LOCALE).splitlines()[-1] == (  # the locale's language: "de" is refused
        "Помилка: Неприпустиме значення '--lang': 'de' не є жодним із варіантів 'en', 'uk'.")
    # A click.Path's name is made when the command is declared: it is Ukrainian too.
    assert run("--lang", "uk", "verify", str(tmp_path / "nope.pdf")).splitlines()[-1] == (
        f"Помилка: Неприпустиме значення 'PDF': Файл '{tmp_path / 'nope.pdf'}' не існує.")
    assert run("--lang", "uk", "verify", str(tmp_path)).splitlines()[-1] == (
        f"Помилка: Неприпустиме значення 'PDF': Файл '{tmp_path}' є каталогом.")


# --help and --version.

def test_help_headings_in_ukrainian():
    lines = run("--lang", "uk", "--help").splitlines()
    assert lines[0] == "Використання: payplan [OPTIONS] COMMAND [ARGS]..."
    assert "Параметри:" in lines and "Команди:" in lines
    assert "  --version       Показати версію і вийти." in lines  # declared with the group, at import
    assert "  -h, --help      Показати цю довідку і вийти." in lines
    assert english_of_click("\n".join(lines)) == []


def test_a_commands_help_in_ukrainian():
    out = run("--lang", "uk", "runs", "show", "--help")
    assert out.startswith("Використання: payplan runs show [OPTIONS] RUN_ID\n")
    assert "[обов'язково]" in out and "Показати цю довідку і вийти." in out
    assert "[типово: json]" in run("--lang", "uk", "simulate", "--help")
    assert english_of_click(out) == []


def test_payplans_own_help_in_ukrainian_and_back_in_english():
    """A command's docstring and its options' help come from the catalog (`payplan.cli.help_texts`)."""
    top = run("--lang", "uk", "--help")
    assert "payplan: відкрита, зрозуміла" in top and "payplan: open, explainable" not in top
    evaluate = run("--lang", "uk", "evaluate", "--help")
    assert "Оцінити працівників за планом за період із файлів фактів." in evaluate
    assert "Score reps" not in evaluate
    submit = run("--lang", "uk", "runs", "--help")
    assert "Send draft run N" not in submit and "submit" in submit  # a command's short help, and its name
    english = run("evaluate", "--help")
    assert "Score reps on a plan for a period from fact files." in english and "Оцінити" not in english


def test_the_version_in_ukrainian():
    assert re.fullmatch(r"payplan, версія \S+\n", run("--lang", "uk", "--version"))


# English stays click's English, before and after Ukrainian in the same process.

ENGLISH_UNKNOWN_OPTION = ["Usage: payplan runs [OPTIONS] COMMAND [ARGS]...", "Try 'payplan runs --help' for help.", "",
                          "Error: No such option '--foo'."]


@pytest.mark.parametrize("flags, env", [((), ENGLISH), (("--lang", "en"), UK_LOCALE)], ids=["C locale", "--lang en"])
def test_english_is_unchanged(flags, env, tmp_path):
    run("--lang", "uk", "runs", "show", "--help")  # Ukrainian first: nothing of it stays
    run("--lang", "uk", "verify", str(tmp_path))
    assert run(*flags, "runs", "--foo", env=env).splitlines() == ENGLISH_UNKNOWN_OPTION
    assert run(*flags, "runs", "list", "--period", "2026-13", env=env).splitlines()[-1] == (
        "Error: Invalid value for '--period': '2026-13': month must be 01..12")
    assert run(*flags, "import", env=env).splitlines()[-1] == "Error: Missing argument 'DIR|EXPORT'."
    assert run(*flags, "verify", str(tmp_path), env=env).splitlines()[-1] == (
        f"Error: Invalid value for 'PDF': File '{tmp_path}' is a directory.")
    lines = run(*flags, "--help", env=env).splitlines()
    assert lines[0] == "Usage: payplan [OPTIONS] COMMAND [ARGS]..."
    assert "Options:" in lines and "Commands:" in lines
    assert "  --version       Show the version and exit." in lines
    assert "  -h, --help      Show this message and exit." in lines
    out = run(*flags, "runs", "show", "--help", env=env)
    assert "[required]" in out and "Show this message and exit." in out
    assert re.fullmatch(r"payplan, version \S+\n", run(*flags, "--version", env=env))


# The console entry point shows click's errors itself, after click returned.

def test_the_console_command_speaks_ukrainian_and_english():
    out = payplan("--lang", "uk", "runs", "--foo", env=ENGLISH)
    assert out.returncode == 2 and out.stderr.splitlines() == [
        "Використання: payplan runs [OPTIONS] COMMAND [ARGS]...",
        "Спробуйте 'payplan runs --help', щоб отримати довідку.",
        "",
        "Помилка: Немає параметра '--foo'.",
    ]
    out = payplan("runs", "--foo", env=ENGLISH)
    assert out.returncode == 2 and out.stderr.splitlines() == ENGLISH_UNKNOWN_OPTION
    out = payplan("runs", "list", "--period", "2026-13", env=UK_LOCALE)
    assert out.returncode == 2 and out.stderr.splitlines()[-1] == (
        "Помилка: Неприпустиме значення '--period': '2026-13': місяць має бути від 01 до 12")


def test_every_click_module_speaks_through_the_catalog():
    with click_language.speaking("uk"):
        for name, module in list(sys.modules.items()):
            if name == "click" or name.startswith("click."):
                stdlib = [attr for attr, value in vars(module).items()
                          if value is gettext.gettext or value is gettext.ngettext]
                assert stdlib == [], name
        from click import exceptions, termui, types

        assert exceptions.ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 3) == (
            "(Можливо, ви мали на увазі одне з: {possibilities}?)")
        assert termui._("Press any key to continue...") == "Натисніть будь-яку клавішу, щоб продовжити..."
        assert [types.ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.",
                               n).format(name="--x", nargs=n) for n in (1, 3, 5, 21)] == [
            "Параметр '--x' потребує 1 аргумент.", "Параметр '--x' потребує 3 аргументи.",
            "Параметр '--x' потребує 5 аргументів.", "Параметр '--x' потребує 21 аргумент."]
    assert click.exceptions._("Usage:") == "Usage:"  # English again after the block


# The catalog.

def click_messages() -> set[str | tuple[str, str]]:
    """Every message of the installed click, as README's `pybabel extract` of the click catalog finds them."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    found = {message for _, _, message, _, _ in
             extract_from_dir(str(Path(click.__file__).parent), [("**.py", "python")], keywords=keywords)}
    found |= {message for _, message, _, _ in
              extract_from_file("python", click_language.__file__, keywords={"msgid": None})}
    return found


def click_catalog():
    with catalog_path("uk", "click").open("rb") as po:
        return read_po(po, locale="uk", domain="click")


FIELD = re.compile(r"%\(\w+\)s|\{[^{}]*\}")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def test_the_click_catalog_translates_every_message_of_the_installed_click():
    messages = click_messages()
    assert "Usage:" in messages and ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)") in messages
    catalog = click_catalog()
    ids = {m.id for m in catalog if m.id}
    assert sorted(map(str, messages - ids)) == [], "missing from click.po: run pybabel update (README: Languages)"
    assert sorted(map(str, ids - messages)) == [], "click.po keeps messages click no longer has"
    assert catalog.num_plurals == 3
    for m in catalog:
        if not m.id:
            continue
        assert not m.fuzzy, m.id
        if isinstance(m.id, tuple):
            assert len(m.string) == 3 and all(m.string), m.id
            allowed = fields(m.id[0]) | fields(m.id[1])
            assert all(fields(form) <= allowed for form in m.string), m.id
            assert all(fields(form) == fields(m.id[1]) for form in m.string[1:]), m.id
        else:
            assert m.string and fields(m.string) == fields(m.id), m.id
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_the_click_catalog_is_ukrainian():
    for m in click_catalog():
        if m.id and m.id != "Choice({choices})":  # a repr, for programmers
            for form in m.string if isinstance(m.string, tuple) else (m.string,):
                assert re.search("[а-яіїєґ]", FIELD.sub("", form)), m.id
