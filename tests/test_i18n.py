"""The gettext catalogs are complete and compile: what CI checks with `pybabel`.

`pybabel extract -F babel.cfg` (here through Babel's API, with the same mapping) must find
no message that a catalog lacks, the uk and en catalogs must translate every message (none empty,
none fuzzy), no catalog may keep a message the code no longer uses, and both must compile
(`pybabel compile`, whose checks are `Catalog.check()`: the placeholders of each
translation match its msgid's).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from payplan.i18n import LANGS, best_match, catalog_path, gettext, ngettext, translations

ROOT = Path(__file__).resolve().parents[1]


def extracted() -> set[str | tuple[str, ...]]:
    """Every msgid (a tuple for a plural) `pybabel extract -F babel.cfg .` finds."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return {message for _, _, message, _, _ in found}


def catalog(lang: str):
    with catalog_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain="payplan")


@pytest.fixture(scope="module")
def messages() -> set[str | tuple[str, ...]]:
    return extracted()


def test_extraction_finds_the_statement_and_page_words(messages):
    assert "Compensation statement" in messages  # a statement template
    assert "Active share of the period" in messages  # an N_() table in Python


@pytest.mark.parametrize("lang", LANGS)
def test_every_extracted_message_is_in_the_catalog_and_no_other(messages, lang):
    ids = {m.id for m in catalog(lang) if m.id}
    assert sorted(map(str, messages - ids)) == [], f"missing from {lang}: run pybabel update (README: Languages)"
    assert sorted(map(str, ids - messages)) == [], f"{lang} keeps messages no code uses"


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_each_catalog_translates_every_message(lang):
    """uk in Ukrainian; en spelled out too (mostly the msgid itself), so neither catalog has a gap."""
    untranslated = [m.id for m in catalog(lang) if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple)
                                                                                    else [m.string]))]
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_compiles_without_errors(lang):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog(lang).check()]
    assert problems == []
    assert translations(lang).gettext("Compensation statement")


@pytest.mark.skipif(shutil.which("pybabel", path=str(Path(sys.executable).parent)) is None,
                    reason="the pybabel command is not beside this Python")
def test_pybabel_compile_passes(tmp_path):
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent))
    for lang in LANGS:
        done = subprocess.run([pybabel, "compile", "-i", str(catalog_path(lang)), "-o", str(tmp_path / f"{lang}.mo"),
                               "-l", lang, "--statistics"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "error" not in done.stderr.lower(), done.stderr


def test_words_and_plurals_in_uk():
    assert gettext("uk", "Correction of run #%(n)s", n=4) == "Коригування розрахунку #4"
    assert gettext("en", "Correction of run #%(n)s", n=4) == "Correction of run #4"
    forms = ("Total, %(num)s rep", "Total, %(num)s reps")
    assert [ngettext("uk", *forms, n) for n in (1, 3, 5, 21)] == [
        "Разом, 1 працівник", "Разом, 3 працівники", "Разом, 5 працівників", "Разом, 21 працівник"]
    assert ngettext("en", *forms, 1) == "Total, 1 rep"


def test_the_language_a_browser_asks_for():
    assert best_match("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7") == "uk"
    assert best_match("de-DE,en;q=0.5,uk;q=0.4") == "en"
    assert best_match("fr, de") is None
    assert best_match("uk;q=0, en") == "en"
    assert best_match(None) is None
