"""The page footer of a PDF statement — its reference, the brand, "Page n of m" — as a CSS `@page` rule.

WeasyPrint fills a margin box from `string()` values that elements of the body set
(`string-set`), and that costs a fifth of a statement's rendering. A statement has one
reference for all its pages, so its footer is written as literal text in a `<style>` of
the document instead (`statement.html`); a merged statement's parts each have their own
reference and keep `string-set` (`merged.html`). Every character outside a small safe
set is written as a CSS escape, so no rep name can end the string or the style element.
Must not decide what the footer says beyond joining its parts.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_UNSAFE = re.compile(r"[^0-9A-Za-z ·.,:@_\-]")
BRAND = "payplan"


def page_style(reference: str, before: str, middle: str) -> Markup:
    """The `@page` rules of a statement: `reference · payplan · Page n of m`, the first page without reference."""
    numbers = f'{_string(f" {before} ")} counter(page) {_string(f" {middle} ")} counter(pages)'
    return Markup(
        f"@page {{ @bottom-right {{ content: {_string(f'{reference}  ·  {BRAND}  · ')} {numbers}; }} }}\n"
        f"@page :first {{ @bottom-right {{ content: {_string(f'{BRAND}  · ')} {numbers}; }} }}")


def _string(text: str) -> str:
    """`text` as a CSS string literal, every unsafe character escaped (`\\22 ` for a quote)."""
    return '"' + _UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"'
