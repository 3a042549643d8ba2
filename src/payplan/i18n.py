"""gettext catalogs of payplan's words (domain `payplan`, languages `en` and `uk`).

The catalogs are `locale/<lang>/LC_MESSAGES/payplan.po` beside this module, made with
`pybabel` (README: "Languages"). Message ids are the English text with named
placeholders (`%(name)s`). A `.po` is compiled in memory the first time its language is
asked for and kept, so no compiled `.mo` is committed or shipped and no render reads a
file. `N_` marks a word in a module-level table for `pybabel extract` without translating
it. Also picks the language a browser asks for (`Accept-Language`) or a terminal's locale
sets (`LC_ALL`, `LC_MESSAGES`, `LANG`), and writes numbers in a language (`Numbers`).
Must not know where a language comes from in a request, nor be used by `payplan.core`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern
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


def from_environment(environ: Mapping[str, str]) -> str:
    """The language a terminal's locale names: the first of LC_ALL, LC_MESSAGES, LANG that is set
    ("uk_UA.UTF-8" → "uk"); English for any other (or none)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            lang = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return lang if lang in LANGS else DEFAULT
    return DEFAULT


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


class Numbers:
    """Numbers as a reader of `lang` writes them (Babel): "2,626.52" in en, "2 626,52" in uk.

    For tables that print the currency once, in their heading (the CLI's, the simulation
    report): amounts with the currency's `places`, plain numbers, percentages. Values are
    rounded half-up in Decimal first, so a sum of printed amounts is the printed sum.
    """

    def __init__(self, lang: str, places: int = 2) -> None:
        translations(lang)  # ValueError for a language we do not speak
        self.lang = lang
        self.places = places
        self.locale = Locale.parse(lang)  # parsed once: babel re-parses a locale name on every call

    def rounded(self, value: Decimal) -> Decimal:
        """`value` to the currency's places, half-up: what `amount` prints."""
        return value.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)

    def amount(self, value: Decimal | None) -> str:
        """An amount without the currency sign, with the currency's places; empty for None."""
        if value is None:
            return ""
        return _pattern(_decimals(self.places, "0")).apply(self.rounded(value), self.locale)

    def number(self, value: Decimal | None, places: int = 2) -> str:
        """A number with up to `places` decimals; empty for None."""
        if value is None:
            return ""
        exact = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return _pattern(_decimals(places, "#")).apply(exact, self.locale)

    def pct(self, ratio: Decimal | float | None, places: int = 1) -> str:
        """A share as a percentage (0.625 → 62.5% / 62,5%), "—" for None; a float is read as its text."""
        if ratio is None:
            return "—"
        percent = (Decimal(str(ratio)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return _pattern(_decimals(places, "0")).apply(percent, self.locale) + "%"


def _decimals(places: int, digit: str) -> str:
    return "#,##0" + ("." + digit * places if places else "")


@lru_cache(maxsize=32)
def _pattern(pattern: str):
    """A parsed Babel number pattern (parsing it on every call is slow)."""
    return parse_pattern(pattern)
