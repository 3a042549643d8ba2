"""Where each key of a TOML document sits: a map from key path to line number.

`tomllib` gives values but no positions; plan errors should still say
`plans/ae.toml:23`. This module scans an already valid TOML text once and
records the line of every table header, array element and key, under the
same path msgspec reports (`("components", 0, "kpis", 2, "weight")`).
It must not interpret values: `tomllib` stays the only TOML parser.
"""

from __future__ import annotations

import bisect
import re

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_SPACE = " \t"


def key_lines(text: str) -> dict[Path, int]:
    """Line numbers (1-based) of every key, table and array element in `text`.

    `text` should be valid TOML; on text tomllib rejects the result is partial.
    """
    scanner = _Scanner(text)
    try:
        scanner.document()
    except (IndexError, ValueError):
        pass
    return scanner.lines


def locate(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, or of its nearest enclosing key that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


class _Scanner:
    """A skeleton TOML reader that records positions and skips values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        self.table: Path = ()
        self.arrays: dict[Path, int] = {}  # array-of-tables path -> element count
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line(self) -> int:
        return bisect.bisect_left(self._newlines, self.pos) + 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip(self, newlines: bool) -> None:
        """Skip spaces and comments, and newlines too when `newlines`."""
        blank = _SPACE + ("\r\n" if newlines else "")
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in blank:
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def document(self) -> None:
        while True:
            self.skip(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                self.header()
            else:
                self.key_value(self.table)

    def header(self) -> None:
        line, array = self.line(), self.peek(2) == "[["
        self.pos += 2 if array else 1
        keys = self.keys()
        self.pos += 2 if array else 1
        path = self.resolve(keys[:-1]) + (keys[-1],)
        if array:
            count = self.arrays.get(path, 0)
            self.arrays[path] = count + 1
            self.lines.setdefault(path, line)
            path = path + (count,)
        self.lines.setdefault(path, line)
        self.table = path

    def resolve(self, keys: Path) -> Path:
        """Header keys to a path, stepping into the last element of arrays of tables."""
        path: Path = ()
        for key in keys:
            path = path + (key,)
            if path in self.arrays:
                path = path + (self.arrays[path] - 1,)
        return path

    def keys(self) -> Path:
        """A dotted key: bare or quoted parts separated by dots."""
        parts: list[str] = []
        while True:
            self.skip(newlines=False)
            if self.peek() in ('"', "'"):
                start = self.pos
                self.string()
                parts.append(self.text[start + 1 : self.pos - 1])
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError(f"no key at offset {self.pos}")
                parts.append(match.group())
                self.pos = match.end()
            self.skip(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def key_value(self, table: Path) -> None:
        line, keys = self.line(), self.keys()
        for end in range(1, len(keys) + 1):
            self.lines.setdefault(table + keys[:end], line)
        self.pos += 1  # "="
        self.skip(newlines=False)
        self.value(table + keys)

    def value(self, path: Path) -> None:
        ch = self.peek()
        if ch in ('"', "'"):
            self.string()
        elif ch == "[":
            self.array(path)
        elif ch == "{":
            self.inline_table(path)
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = match.start() if match else len(self.text)

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            self.lines.setdefault(path + (index,), self.line())
            start = self.pos
            self.value(path + (index,))
            self.skip(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            elif self.pos == start or self.peek() != "]":
                raise ValueError(f"unexpected text at offset {self.pos}")
            index += 1

    def inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip(newlines=False)
            if self.peek() == "}":
                self.pos += 1
                return
            self.key_value(path)
            self.skip(newlines=False)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise ValueError(f"unexpected text at offset {self.pos}")

    def string(self) -> None:
        quote = self.peek()
        if self.peek(3) == quote * 3:
            end = self.text.index(quote * 3, self.pos + 3) + 3
            while self.text[end : end + 1] == quote:  # up to two quotes may end the content
                end += 1
            self.pos = end
            return
        self.pos += 1
        while self.text[self.pos] != quote:
            self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
        self.pos += 1
