"""No English on a uk statement.

The statement of a plan that gives its texts in uk (`plans/ae-2026-v1.toml`) is printed in
uk and its text extracted from the PDF. Every word in Latin letters left on it must be a
name or an id: the rep's name, the product's, ids (deal, fact, rep, plan: tokens with a
digit, `_` or `:`), and the Latin acronyms the plan's own uk texts use (KPI, CRM, NPS).
The check the issue asks for — no word of the English catalog's msgstrs — is the weaker
one; both are asserted, and the same check on the English statement finds English (so it
can fail).
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from payplan.i18n import catalog_path
from payplan.plans.files import load_plan

from .conftest import AE_PLAN, needs_poppler, pdftotext

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{[^{}]*(\{[^{}]*\}[^{}]*)?\}")
TOKEN = re.compile(r"[^\s,.;:()\[\]«»\"'“”‘’/·—–=×+−→↳%#№*<>!?]+")


def english_catalog_words() -> set[str]:
    """Every word of the English catalog's msgstrs (its placeholders left out)."""
    with catalog_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    words: set[str] = set()
    for m in catalog:
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub(" ", text or "")))
    return words


def latin_words(text: str) -> set[str]:
    """The words in Latin letters of `text` that are not ids (an id has a digit, `_` or `:`)."""
    tokens = {t.strip("-") for t in TOKEN.findall(text)}
    return {t for t in tokens if re.search(r"[A-Za-z]", t) and not re.search(r"[\d_:@]", t)}


# The product, the file the statement attaches its calculation as and the command that checks it
# ("… вкладено в цей PDF (payplan-calculation.json); перевірте його командою payplan verify").
PRODUCT = {"payplan", "PDF", "payplan-calculation", "json", "verify"}


def allowed(calc) -> set[str]:
    """Names and ids of the rep (name, team, role), the currency's code, the product's words,
    and the Latin words of the plan's uk texts (acronyms)."""
    rep = calc.inputs.rep
    plan = load_plan(AE_PLAN)
    uk = " ".join(plan.translations["uk"].values())
    names = " ".join(filter(None, (rep.name, rep.team, rep.role, calc.plan.currency)))
    return latin_words(names) | latin_words(uk) | PRODUCT


@needs_poppler
def test_a_uk_statement_prints_no_english(pdf_uk, ae01_uah):
    text = pdftotext(pdf_uk, layout=False)
    assert "Розрахунковий лист" in text and "Демонстрації продукту" in text
    left = latin_words(text) - allowed(ae01_uah)
    assert sorted(left) == []
    assert {w.lower() for w in left} & english_catalog_words() == set()


@needs_poppler
def test_the_check_finds_english_on_the_english_statement(pdf_en, ae01):
    left = latin_words(pdftotext(pdf_en, layout=False)) - allowed(ae01)
    found = {w.lower() for w in left} & english_catalog_words()
    assert {"total", "payable", "statement", "commission"} <= found
