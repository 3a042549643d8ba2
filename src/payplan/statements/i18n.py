"""Words and number formats of a statement in `en` and `uk`.

A `Formatter` gives the statement's words from the gettext catalogs (`payplan.i18n`;
msgids are the English text) and prints money, numbers, percentages and dates with
Babel for one locale and currency. The hryvnia prints as ₴ in both languages. Must not
decide what is printed: the view model does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, parse_pattern

from payplan.core.money import minor_units
from payplan.i18n import LANGS, N_, Words

# Babel prints the ISO code where a locale has no symbol of its own (UAH in `en`).
_SYMBOLS = {"UAH": "₴"}

# Run states as a statement names them (`Formatter.state`).
RUN_STATES = {"draft": N_("Draft"), "submitted": N_("Submitted for approval"), "approved": N_("Approved"),
              "paid": N_("Paid"), "rejected": N_("Rejected")}


class Formatter(Words):
    """Babel formatting for one language and one currency, and the words of a statement:
    the catalog's and the plan's own (`plan`: its texts in this language)."""

    def __init__(self, lang: str, currency: str, plan: Mapping[str, str] | None = None) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown statement language {lang!r} (choose from {', '.join(LANGS)})")
        super().__init__(lang, minor_units(currency), plan)
        self.translations = self.catalog
        self.currency = currency

    def gettext(self, message: str, **values: object) -> str:
        """`message` (its English text, the msgid) in this language, with `%(name)s` values filled in."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def state(self, state: str) -> str:
        """A run's state in words ("approved" → "Approved" / "Затверджено")."""
        return self.gettext(RUN_STATES[state]) if state in RUN_STATES else state

    def money(self, amount: Decimal | None) -> str:
        """12 345,60 ₴ (uk) / $12,345.60 (en); empty for None."""
        if amount is None:
            return ""
        text = format_currency(amount, self.currency, locale=self.lang, currency_digits=True)
        symbol = _SYMBOLS.get(self.currency)
        return text.replace(self.currency, symbol) if symbol else text

    def amount(self, amount: Decimal | None) -> str:
        """An amount without the currency sign, with the currency's minor units."""
        if amount is None:
            return ""
        pattern = "#,##0" + ("." + "0" * self.places if self.places else "")
        return _pattern(pattern).apply(amount, self.locale)

    def number(self, value: Decimal | str | None, places: int = 4) -> str:
        """A plain number with up to `places` decimals; text values pass through."""
        if value is None or value == "":
            return ""
        if not isinstance(value, Decimal):
            return str(value)
        pattern = "#,##0." + "#" * places if places else "#,##0"
        return _pattern(pattern).apply(value, self.locale)

    def pct(self, ratio: Decimal | None, places: int = 1) -> str:
        """A ratio as a percentage: 0.625 → 62.5% / 62,5%."""
        if ratio is None:
            return ""
        if ratio == 0:
            ratio = abs(ratio)  # no "−0%"
        return self.number(ratio * 100, places).replace("-", "−") + "%"

    def rate(self, ratio: Decimal | None) -> str:
        """A commission rate: up to two decimals of a percent (8% / 12.5%)."""
        return self.pct(ratio, 2)

    def measure(self, value: Decimal | str | None, unit: str) -> str:
        """A KPI's actual or target in its unit: ratios as %, money as an amount, days."""
        if not isinstance(value, Decimal):
            return self.gettext("no data") if value in (None, "") else str(value)
        if unit == "ratio":
            return self.pct(value)
        if unit == "money":
            return self.amount(value)
        if unit == "days":
            return self.gettext("%(n)s d", n=self.number(value, 1))
        return self.number(value, 2)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, format="medium", locale=self.lang)
        return format_date(value, format="long", locale=self.lang)

    def month(self, start: date) -> str:
        """The period's month in words: "March 2026" / "березень 2026"."""
        return format_date(start, format="LLLL yyyy", locale=self.lang)


@lru_cache(maxsize=32)
def _pattern(pattern: str):
    """A parsed babel number pattern (`format_decimal` parses it on every call)."""
    return parse_pattern(pattern)
