"""click's own words ("Usage:", "Error: No such option ...", "Show this message and exit.") in
the CLI's language.

click marks its texts with the standard library's `gettext`/`ngettext`, imported into each of
its modules as module-level names (`from gettext import gettext as _`), i.e. the process-wide
default text domain. They are translated by the catalog `click`
(`locale/uk/LC_MESSAGES/click.po`, compiled in memory by `payplan.i18n` like payplan's own;
English is click's text itself).

How: `install()` rebinds those module-level names, in every click module, to functions that
ask the catalog of the language chosen for the running command (`speaking`). Not
`gettext.textdomain()`/`bindtextdomain()`: the default domain is shared by every library that
uses the standard `gettext` (argparse, ...), it finds its language in the environment
(`LANGUAGE`, `LC_ALL`, ...) instead of `payplan --lang`, so it would mean rewriting
`os.environ` (which subprocesses inherit), and it reads compiled `.mo` files from a directory,
which payplan does not ship. Not `gettext.install()` either: it sets `builtins._`, which click
never reads. Rebinding the names click imported reaches every click call and nothing else.

click also translates a few texts once, when a command is declared or first parsed, not when
they are shown: the help of `--version` and `--help` (click caches the `--help` option), the
name of a `click.Path` ("file 'x' does not exist"). `speaking` writes those again, in the
chosen language, on every parameter of the command tree it is given; the `--version` message
is `VERSION_MESSAGE`, translated when it is printed.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import click
from babel.messages.pofile import read_po

from payplan import i18n
from payplan.cli import help_texts

DOMAIN = "click"


def msgid(message: str) -> str:
    """Mark `message` for the click catalog's extraction (`-k msgid`, README "Languages")."""
    return message


# A word click translates without spelling it in the call (`_(extra["required"])`, the
# "[required]" of an option's help): extraction from click cannot find it.
UNSPELLED = (msgid("required"),)

_lang: ContextVar[str] = ContextVar("payplan.cli.click_language", default=i18n.DEFAULT)


@lru_cache(maxsize=None)
def catalog(lang: str) -> stdlib_gettext.NullTranslations:
    """The click catalog of `lang`; click's own text where there is none (English)."""
    if not i18n.catalog_path(lang, DOMAIN).exists():
        return stdlib_gettext.NullTranslations()
    return i18n.translations(lang, DOMAIN)


def _gettext(message: str) -> str:
    return catalog(_lang.get()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_lang.get()).ngettext(singular, plural, n)


_installed = False


def install() -> None:
    """Bind `gettext`/`ngettext`, as every click module imported them, to the CLI's language (once).

    Imports each click module first, so one click imports later (`click._termui_impl`) is
    not missed; a module that cannot load here (`click._winconsole` off Windows) is skipped.
    """
    global _installed
    if _installed:
        return
    _installed = True
    for info in pkgutil.iter_modules(click.__path__, "click."):
        try:
            module = importlib.import_module(info.name)
        except (ImportError, AssertionError):
            continue
        for name, value in list(vars(module).items()):
            if value is stdlib_gettext.gettext:
                setattr(module, name, _gettext)
            elif value is stdlib_gettext.ngettext:
                setattr(module, name, _ngettext)


class _Deferred(str):
    """A text translated when click fills it in with `%`, not when it is declared."""

    def __mod__(self, values: object) -> str:
        return _gettext(str(self)) % values


VERSION_MESSAGE = _Deferred("%(prog)s, version %(version)s")  # click's own message, in its catalog


@lru_cache(maxsize=None)
def _msgids() -> dict[str, str]:
    """Each singular click message, and each of its translations, to its msgid."""
    found: dict[str, str] = {}
    for lang in i18n.LANGS:
        if i18n.catalog_path(lang, DOMAIN).exists():
            with i18n.catalog_path(lang, DOMAIN).open("rb") as po:
                for message in read_po(po, locale=lang, domain=DOMAIN):
                    if message.id and isinstance(message.id, str) and message.string:
                        found[message.id] = found[message.string] = message.id
    return found


def _again(text: object) -> object:
    """`text` in the current language when it is a message of click's (in any language)."""
    if not isinstance(text, str) or text not in _msgids():
        return text
    return _gettext(_msgids()[text])


def _rewrite(command: click.Command) -> None:
    """Write again the words click translated when `command`'s tree was declared."""
    for cmd in help_texts.command_tree(command):
        # click >= 8.1.8 keeps the `--help` option it made first, in `_help_option`.
        params = [*cmd.params, *filter(None, [getattr(cmd, "_help_option", None)])]
        for param in params:
            if isinstance(param, click.Option):
                param.help = _again(param.help)  # type: ignore[assignment]
                param.prompt = _again(param.prompt)  # type: ignore[assignment]
            if isinstance(param.type, click.Path):
                param.type.name = _again(param.type.name)  # type: ignore[assignment]


@contextmanager
def speaking(lang: str, command: click.Command | None = None) -> Iterator[None]:
    """click speaks `lang` inside the block (`command`'s tree too), and what it spoke before after.

    Until a language other than English is spoken, nothing is bound or rewritten: English is
    click's own text, so an English command costs nothing.
    """
    if lang != i18n.DEFAULT:
        install()
    tree = command if _installed else None
    token = _lang.set(lang)
    try:
        if tree is not None:
            help_texts.translate(tree, lang)  # payplan's own help, then click's words in it
            _rewrite(tree)
        yield
    finally:
        _lang.reset(token)
        if tree is not None:
            help_texts.translate(tree, _lang.get())
            _rewrite(tree)

