"""The language of the CLI's words: `payplan --lang en|uk`, else the terminal's locale.

The group's `--lang` is kept on the root context; without it, `LC_ALL`, `LC_MESSAGES` or
`LANG` decides (uk_UA.UTF-8 → uk, anything else → en). It applies to what a person reads
(tables, summaries, reports, and click's own words: `chosen`, `payplan.cli.click_language`);
JSON and CSV stay the same in every language.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from payplan import i18n
from payplan.i18n import LANGS, N_, Numbers, from_environment

# A run's state and kind as the tables show them.
STATES = {"draft": N_("draft"), "submitted": N_("submitted"), "approved": N_("approved"), "paid": N_("paid")}
KINDS = {"regular": N_("regular"), "adjustment": N_("adjustment")}

lang_option = click.option("--lang", type=click.Choice(LANGS), default=None,
                           help="Language of the words and numbers people read (default: the locale).")


def current() -> str:
    """The language chosen for this command: the group's `--lang`, else the locale."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("payplan.lang") if ctx is not None else None
    return chosen or from_environment(os.environ)


def chosen(args: Sequence[str]) -> str:
    """The language of a command line before click reads it (what `current()` says once the
    group has run): its last `--lang` before the command's name, else the locale. click speaks
    it from the start, so a usage error and `--help` are in it too."""
    lang = None
    words = iter(args)
    for arg in words:
        if arg == "--lang":
            lang = next(words, None)
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
        elif arg == "--" or not arg.startswith("-"):
            break
    return lang if lang in LANGS else from_environment(os.environ)


def remember(ctx: click.Context, lang: str | None) -> None:
    """Keep the group's `--lang` for the command it runs."""
    if lang is not None:
        ctx.find_root().meta["payplan.lang"] = lang


def _(message: str, **values: object) -> str:
    """`message` in the command's language, `%(name)s` values filled in."""
    return i18n.gettext(current(), message, **values)


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """The form of `singular`/`plural` for `n` in the command's language (`%(num)s` is `n`)."""
    return i18n.ngettext(current(), singular, plural, n, **values)


def word(table: dict[str, str], value: str) -> str:
    """A value's word from `table` (STATES, KINDS) in the command's language; others as they are."""
    return i18n.gettext(current(), table[value]) if value in table else value


def numbers(places: int = 2) -> Numbers:
    """Amounts (with `places` decimals) and numbers as the command's language writes them."""
    return Numbers(current(), places)


def table(rows: list[list[object]], right: frozenset[int] = frozenset()) -> list[str]:
    """`rows` (the first is the header) as lines, each column as wide as its widest cell in this
    language (a fixed width misaligns the longer words of another); `right`: numeric columns."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
            .rstrip() for row in cells]


def a_period(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: `value` when it is a period (2026-03, 2026-Q1, 2026), else a usage error."""
    from payplan.core.periods import PeriodError, parse_period

    if value is not None:
        try:
            parse_period(value)
        except PeriodError as exc:
            raise click.BadParameter(_(exc.message, **exc.fields)) from None
    return value
