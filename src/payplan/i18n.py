"""gettext catalogs of payplan's words (domain `payplan`, languages `en` and `uk`).

The catalogs are `locale/<lang>/LC_MESSAGES/payplan.po` beside this module, made with
`pybabel` (README: "Languages"). Message ids are the English text with named
placeholders (`%(name)s`). A `.po` is compiled in memory the first time its language is
asked for and kept, so no compiled `.mo` is committed or shipped and no render reads a
file. The CLI's second domain, `click` (`locale/uk/LC_MESSAGES/click.po`: click's own
words, "Usage:", "Error: No such option ..."), is compiled the same way
(`payplan.cli.click_language`). `N_` marks a word in a module-level table for `pybabel extract` without translating
it. Also picks the language a browser asks for (`Accept-Language`) or a terminal's locale
sets (`LC_ALL`, `LC_MESSAGES`, `LANG`), and writes numbers in a language (`Numbers`).
Must not know where a language comes from in a request, nor be used by `payplan.core`.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from io import BytesIO
import re
import string
from pathlib import Path

from babel import Locale
from babel.dates import format_date
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


# What the operating system said, for the failures a user meets (the C library's own words are English).
OS_REASONS = {errno.ENOENT: N_("no such file or directory"), errno.EACCES: N_("permission denied"),
              errno.EISDIR: N_("it is a directory"), errno.ENOTDIR: N_("a part of the path is not a directory"),
              errno.ENOSPC: N_("no space left on the device"), errno.EEXIST: N_("it already exists"),
              errno.EROFS: N_("the file system is read-only")}


def catalog_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=None)
def translations(lang: str, domain: str = DOMAIN) -> Translations:
    """The compiled catalog of `lang` in `domain` (made once per process); ValueError for another language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (choose from {', '.join(LANGS)})")
    with catalog_path(lang, domain).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=domain)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=domain)


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

    def iso_date(self, iso: str) -> str:
        """An ISO date ("2026-03-14") as this language writes it; other text as it is."""
        try:
            return format_date(date.fromisoformat(iso), format="medium", locale=self.locale)
        except ValueError:
            return iso

    def iso_instant(self, iso: str | None) -> str:
        """A stored UTC instant ("2026-12-06T03:08:25.747824Z") as this language writes its day, and
        its time to the minute (UTC, as stored); other text as it is, None as ""."""
        if not iso:
            return ""
        try:
            moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return iso
        return f"{self.iso_date(moment.date().isoformat())} {moment:%H:%M} UTC"


class Words(Numbers):
    """The engine's and a plan's words in `lang`, their numbers written as `lang` writes them.

    A template ("{current:money} exceeds the cap {cap:money}", the engine's trace and line
    texts, `payplan.core.trace.fill`) is found in the plan's own translations (`plan`: its
    text → this language's text), else in the catalog; its fields are then printed by their
    spec: `money` with the currency's places, `pct`/`pct2`/`pts` and `.N%` as percentages,
    `date` as a date, `word` translated, `text` as written, a number plainly with up to six places.
    """

    def __init__(self, lang: str, places: int = 2, plan: Mapping[str, str] | None = None) -> None:
        super().__init__(lang, places)
        self.plan = plan or {}
        self.catalog = translations(lang)

    def text(self, message: str) -> str:
        """`message` in this language: the plan's translation, the catalog's, or itself."""
        if not message:
            return message  # gettext("") is the catalog's header
        found = self.plan.get(message)
        return found if found is not None else self.catalog.gettext(message)

    def plan_text(self, text: str) -> str:
        """A plan's own text (a label, a `why`) in this language, when the plan gives it."""
        return self.plan.get(text, text)

    def fill(self, template: str, inputs: Mapping[str, object] | None = None) -> str:
        """`template` in this language with `inputs` written in it; as written if they do not fit."""
        text = self.text(template)
        if not inputs or "{" not in text or not _plain_fields(text):
            return text
        try:
            return text.format_map({k: _Written(v, self) for k, v in inputs.items()})
        except (KeyError, ValueError, IndexError, TypeError):
            return text

    def value(self, value: object, spec: str = "") -> str:
        """One value as `fill` writes it: `text` as written in every language (a plan file's
        value), a sentence of its own (`{"template": ..., "inputs": ...}`) in this language."""
        if isinstance(value, Mapping):
            return self.fill(str(value.get("template", "")), value.get("inputs") or {})
        if spec == "text":
            return "" if value is None else str(value)
        if isinstance(value, str) and spec not in ("date", "word", "interval"):
            value = _stored_decimal(value, spec)
        if isinstance(value, str):
            if spec == "interval":
                return self.interval(value)
            return self.iso_date(value) if spec == "date" else self.text(value) if spec == "word" else value
        if not isinstance(value, Decimal):
            return "" if value is None else str(value)
        if spec == "money":
            return self.amount(value)
        if spec in ("pct", "pct2", "pts") or spec.endswith("%"):
            places = {"pct": 1, "pct2": 2, "pts": 2}.get(spec) or int(spec[1:-1] or 0)
            return self.pct(value, places) if spec != "pts" else self.points(value)
        return self.number(value, 6)

    def points(self, ratio: Decimal) -> str:
        """A ratio as a percentage with up to two places (0.1313 → 13.13%)."""
        return _pattern(_decimals(2, "#")).apply((ratio * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                                                 self.locale) + "%"

    def interval(self, text: str) -> str:
        """A band "[1, 1.2)" with its numbers written in this language ("[1; 1,2)" where the
        decimal mark is a comma, so the bounds stay apart)."""
        comma = self.locale.number_symbols["latn"]["decimal"] == ","
        written = _NUMBER.sub(lambda m: self.number(Decimal(m.group()), 6), text)
        return written.replace(", ", "; ") if comma else written


_FIELDS = string.Formatter()  # parses a template as str.format does: "{{" is a brace, not a field


@lru_cache(maxsize=4096)
def _plain_fields(template: str) -> bool:
    """Every field is a plain name, never an attribute or an item (`{value.__init__}`): a plan's
    translation is a template too, and must not reach past the values it is given (as
    `payplan.core.trace.plain_fields`, which this layer may not import)."""
    try:
        for _, field, spec, conversion in _FIELDS.parse(template):
            if field is None:
                continue
            if conversion or not field.isidentifier() or (spec and "{" in spec and not _plain_fields(spec)):
                return False
    except ValueError:  # not a template at all: printed as written
        return False
    return True


def _stored_decimal(text: str, spec: str) -> Decimal | str:
    """A decimal a stored document kept as text, when the field is a number: it has a spec
    of a number, or a decimal point ("1234.50"; a whole "1001" may be an id and stays text)."""
    if not spec and "." not in text:
        return text
    try:
        found = Decimal(text)
    except ArithmeticError:
        return text
    return found if found.is_finite() else text


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class _Written:
    """A value written by `Words.value` when a template is filled (`{x:money}`)."""

    __slots__ = ("value", "words")

    def __init__(self, value: object, words: Words) -> None:
        self.value, self.words = value, words

    def __format__(self, spec: str) -> str:
        return self.words.value(self.value, spec)


def _decimals(places: int, digit: str) -> str:
    return "#,##0" + ("." + digit * places if places else "")


@lru_cache(maxsize=32)
def _pattern(pattern: str):
    """A parsed Babel number pattern (parsing it on every call is slow)."""
    return parse_pattern(pattern)
