"""payplan's own `--help` texts (a command's docstring, an option's `help=`) in the CLI's language.

click shows a command's docstring and each option's `help=` as they were declared. They are
payplan's words like any other, so they are in the catalog `payplan`: `extract` (the babel.cfg
method for the CLI's modules) finds them beside the usual `_()`/`N_()` calls, and `translate`
writes a command tree's texts in a language, keeping the English it was declared with so it
can write them back (`payplan.cli.click_language.speaking` calls it on the way in and out).
Must not change what a command does, only what its help says.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from io import BytesIO

import click
from babel.messages.extract import extract_python

from payplan import i18n

_DECLARED = "_payplan_english"  # the attribute keeping a text's English, per object and field


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's Python extraction, and every command docstring and `help="..."` of the module."""
    source = fileobj.read()
    yield from extract_python(BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_command(node):
            doc = ast.get_docstring(node)  # cleaned as click's help formatter cleans it
            if doc:
                yield node.lineno, "", doc, []
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) and \
                        isinstance(keyword.value.value, str) and keyword.value.value:
                    yield keyword.value.lineno, "", keyword.value.value, []


def _is_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated with `….command(…)` or `….group(…)`: its docstring is a command's help."""
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in ("command", "group"):
            return True
    return False


def translate(command: click.Command, lang: str) -> None:
    """Write the help of `command`, its subcommands and their options in `lang` (English: as declared)."""
    catalog = i18n.translations(lang)
    words: Callable[[str], str] = lambda text: catalog.gettext(inspect.cleandoc(text))
    for cmd in command_tree(command):
        _say(cmd, "help", words)
        for param in cmd.params:
            if isinstance(param, click.Option):
                _say(param, "help", words)


def command_tree(command: click.Command) -> Iterator[click.Command]:
    """`command` and every command below it, each once."""
    todo, seen = [command], set()
    while todo:
        cmd = todo.pop()
        if id(cmd) in seen:
            continue
        seen.add(id(cmd))
        yield cmd
        if isinstance(cmd, click.Group):
            todo.extend(cmd.commands.values())


def _say(owner: object, field: str, words: Callable[[str], str]) -> None:
    """`owner.field` in the catalog's language, from the English it was first seen with."""
    kept = owner.__dict__.setdefault(_DECLARED, {})
    english = kept.setdefault(field, getattr(owner, field))
    if english:
        setattr(owner, field, words(english))
