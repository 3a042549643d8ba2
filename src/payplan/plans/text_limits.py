"""Plan text bounded before `tomllib` sees it: size, line length, nesting, dotted keys, numbers.

`tomllib` is quadratic in the parts of one dotted key (a 339 KB key took minutes and
gigabytes), recurses once per nesting level, and hands long digit runs to `int()`.
`text_problems(text, source)` scans the text once, skipping strings and comments
the way TOML reads them, and returns an error Issue naming file and line for each
limit broken (at most one per limit). Limits are far above what real plans use
(the plans in `plans/` are under 5 KB, lines under 160 characters, nesting 2,
dotted keys of 2 parts). Must not interpret values: `tomllib` stays the only parser.
"""

from __future__ import annotations

import re
from decimal import Decimal

from payplan.core.issues import Issue, error
from payplan.i18n import N_

MAX_CHARS = 200_000  # characters in one plan (the API's draft limit too)
MAX_LINE = 4_000  # characters on one line
MAX_DEPTH = 16  # arrays and inline tables nested in one another, table headers included
MAX_KEY_PARTS = 16  # parts of one dotted key (a.b.c has 3)
MAX_NUMBER = 64  # characters in one bare value or key (Python's int() refuses > 4300 digits)

_SPECIAL = re.compile(r"[\"'#\[\]{}\n=,.]")
_BARE_RUN = re.compile(r"[^\s\"'#\[\]{}=,]{%d,}" % (MAX_NUMBER + 1))
_CLOSE = {'"""': re.compile(r'(?<!\\)(?:\\\\)*"""'), "'''": re.compile("'''")}
_CLOSE_ONE = {'"': re.compile(r'(?<!\\)(?:\\\\)*"|\n'), "'": re.compile(r"'|\n")}


def text_problems(text: str, source: str) -> list[Issue]:
    """Every limit `text` breaks, as errors placed at `source:line`; [] when it is safe to parse."""
    if len(text) > MAX_CHARS:
        return [error("plan-too-large", N_("the plan has {count:,} characters; at most {most:,} are accepted"), source,
                      count=Decimal(len(text)), most=Decimal(MAX_CHARS))]
    issues = _long_line(text, source)
    issues += _Scan(text, source).run()
    return issues


def _long_line(text: str, source: str) -> list[Issue]:
    if len(text) <= MAX_LINE:
        return []
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE:
            return [error("line-too-long", N_("line {line} has {count:,} characters; at most {most:,} are accepted"),
                          f"{source}:{number}", line=number, count=Decimal(len(line)), most=Decimal(MAX_LINE))]
    return []


class _Scan:
    """One pass over the text outside strings and comments: depth, dotted parts, bare runs."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.line, self.depth, self.dots = 1, 0, 0
        self.found: dict[str, Issue] = {}

    def run(self) -> list[Issue]:
        pos, text = 0, self.text
        while True:
            match = _SPECIAL.search(text, pos)
            end = match.start() if match else len(text)
            if end - pos > MAX_NUMBER:
                self._bare(pos, end)
            if match is None or len(self.found) == 3:
                return list(self.found.values())
            pos = self._special(match.group(), end)

    def _special(self, char: str, pos: int) -> int:
        """Handle the special character at `pos`; the position to scan on from."""
        if char in "\"'":
            return self._string(pos)
        if char == "#":
            stop = self.text.find("\n", pos)
            return len(self.text) if stop < 0 else stop
        if char == ".":
            self.dots += 1
            if self.dots >= MAX_KEY_PARTS:
                self._fail("key-too-long", N_("a dotted key has more than {most} parts"), most=MAX_KEY_PARTS)
        else:
            self.dots = 0
            self.line += char == "\n"
            self.depth += 1 if char in "[{" else -1 if char in "]}" and self.depth else 0
            if self.depth > MAX_DEPTH:
                self._fail("too-deep", N_("arrays and tables are nested more than {most} deep"), most=MAX_DEPTH)
        return pos + 1

    def _string(self, pos: int) -> int:
        quote = self.text[pos : pos + 3]
        closer = _CLOSE.get(quote)
        if closer is None:
            quote = self.text[pos]
            closer = _CLOSE_ONE[quote]
        match = closer.search(self.text, pos + len(quote))
        end = match.end() if match else len(self.text)
        if len(quote) == 3 and match:  # up to two more quotes end a multi-line string's content
            end += len(self.text[end : end + 2]) - len(self.text[end : end + 2].lstrip(quote[0]))
        self.line += self.text.count("\n", pos, end)
        if end and self.text[end - 1] == "\n":
            self.line -= 1  # an unclosed one-line string: the newline is read as a newline
            end -= 1
        return end

    def _bare(self, start: int, end: int) -> None:
        if _BARE_RUN.search(self.text, start, end):
            self._fail("value-too-long", N_("a bare key or value has more than {most} characters (quote long text)"),
                       most=MAX_NUMBER)

    def _fail(self, code: str, message: str, **inputs: object) -> None:
        if code not in self.found:
            self.found[code] = error(code, message, f"{self.source}:{self.line}", **inputs)
