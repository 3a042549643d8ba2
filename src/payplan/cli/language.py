"""The language of the CLI's words: `payplan --lang en|uk`, else the terminal's locale.

The group's `--lang` is kept on the root context; without it, `LC_ALL`, `LC_MESSAGES` or
`LANG` decides (uk_UA.UTF-8 → uk, anything else → en). It applies to what a person reads
(tables, summaries, reports); JSON and CSV stay the same in every language.
"""

from __future__ import annotations

import os

import click

from payplan.i18n import LANGS, from_environment, gettext

lang_option = click.option("--lang", type=click.Choice(LANGS), default=None,
                           help="Language of the words and numbers people read (default: the locale).")


def current() -> str:
    """The language chosen for this command: the group's `--lang`, else the locale."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.find_root().meta.get("payplan.lang") if ctx is not None else None
    return chosen or from_environment(os.environ)


def remember(ctx: click.Context, lang: str | None) -> None:
    """Keep the group's `--lang` for the command it runs."""
    if lang is not None:
        ctx.find_root().meta["payplan.lang"] = lang


def _(message: str, **values: object) -> str:
    """`message` in the command's language, `%(name)s` values filled in."""
    return gettext(current(), message, **values)
