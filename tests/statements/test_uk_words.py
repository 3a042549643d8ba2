"""No English word of the catalog on a uk statement.

The statement's own words come from the gettext catalog; a uk PDF must print none of
their English msgids. What the plan and the engine write (component and KPI labels,
causes, formulas, sources: a later step of issue #12 turns those into messages) may still
be English, so a msgid phrase that the statement's own English inputs also contain is not
checked: it could come from them.
"""

from __future__ import annotations

import re

import msgspec

from payplan.i18n import catalog_path
from payplan.statements.view import from_calculation
from babel.messages.pofile import read_po

from .conftest import needs_poppler, pdftotext


def phrases() -> set[str]:
    """The fixed parts of every msgid the uk catalog translates ("Correction of run #")."""
    with catalog_path("uk").open("rb") as po:
        catalog = read_po(po, locale="uk")
    out = set()
    for m in catalog:
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id:
            out.update(part.strip(" .:,#()–—") for part in re.split(r"%\(\w+\)s", m.id))
    return {p for p in out if re.search(r"[A-Za-z]{2}", p)}


def engine_text(calc) -> str:
    """Every string the plan and the engine put in the view."""
    texts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.append(node)

    walk(msgspec.to_builtins(from_calculation(calc)))
    return "\n".join(texts)


def english_left(text: str, calc) -> list[str]:
    inputs = engine_text(calc)
    found = []
    for phrase in sorted(phrases()):
        pattern = r"(?<![A-Za-z])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![A-Za-z])"
        if re.search(pattern, text) and not re.search(pattern, inputs):
            found.append(phrase)
    return found


@needs_poppler
def test_uk_statement_prints_no_english_word_of_the_catalog(pdf_uk, ae01_uah):
    text = pdftotext(pdf_uk, layout=False)
    assert "Розрахунковий лист" in text
    assert english_left(text, ae01_uah) == []


@needs_poppler
def test_the_check_finds_english(pdf_en, ae01):
    """The same check on the English statement finds the catalog's words (so it can fail)."""
    left = english_left(pdftotext(pdf_en, layout=False), ae01)
    assert "Compensation statement" in left and "Total payable" in left
