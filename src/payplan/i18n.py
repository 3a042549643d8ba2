"""gettext catalogs of payplan's words (domain `payplan`, languages `en` and `uk`).

The catalogs are `locale/<lang>/LC_MESSAGES/payplan.po` beside this module, made with
`pybabel` (README: "Languages"). Message ids are the English text with named
placeholders (`%(name)s`). A `.po` is compiled in memory the first time its language is
asked for and kept, so no compiled `.mo` is committed or shipped and no render reads a
file. `N_` marks a word in a module-level table for `pybabel extract` without translating
it. Also picks the language a browser asks for (`Accept-Language`). Must not know where
a language comes from in a request, nor be used by `payplan.core`.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "payplan"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGS = ("en", "uk")
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    """The compiled catalog of `lang` (made once per process); ValueError for another language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (choose from {', '.join(LANGS)})")
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def gettext(lang: str, message: str, **values: object) -> str:
    """`message` in `lang`, with `%(name)s` values filled in when given."""
    text = translations(lang).gettext(message)
    return text % values if values else text


def ngettext(lang: str, singular: str, plural: str, n: int, **values: object) -> str:
    """The form of `singular`/`plural` for the number `n` in `lang` (`%(num)s` is `n`, as in the templates)."""
    return translations(lang).ngettext(singular, plural, n) % {"num": n, **values}


def best_match(header: str | None) -> str | None:
    """The language of ours an `Accept-Language` header prefers most ("uk-UA,uk;q=0.9,en;q=0.8" → "uk")."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        lang = tag.strip().split("-")[0].lower()
        if lang in LANGS and quality > 0:
            wanted.append((-quality, i, lang))
    return min(wanted)[2] if wanted else None
