"""Binding UTF-8 bytes (encoded JSON documents) to a text column without a Python str between.

msgspec encodes a run's documents straight to UTF-8 bytes. Decoding them to str
only for the driver to encode them again costs time and memory: a str holding
any non-ASCII character (a "—" in a cause) takes two or four bytes per
character, and the sqlite3 driver keeps a UTF-8 copy beside it. A bind parameter
of type `Utf8Text` takes the bytes as they are: SQLite reads them as text in the
database encoding (`CAST(? AS TEXT)`; UTF-8, SQLite's default, which payplan
never changes), other databases get the decoded str. The stored text, and the
str read back from the column, are the same as when binding the str itself.
Must not be used for a column's own type (the schema and migrations keep Text),
nor for bytes that may not be valid UTF-8 (msgspec's output is: it refuses lone
surrogates), which SQLite would store as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Text, TypeDecorator


class utf8_text(FunctionElement):  # noqa: N801 - reads like the SQL it renders
    """A bound UTF-8 value as text: a CAST on SQLite, the value itself elsewhere."""

    type = Text()
    inherit_cache = True
    name = "utf8_text"


@compiles(utf8_text, "sqlite")
def _utf8_text_sqlite(element: utf8_text, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(utf8_text)
def _utf8_text_default(element: utf8_text, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


class Utf8Text(TypeDecorator):
    """Text bound from UTF-8 bytes (see the module docstring); read back as str."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return utf8_text(bindvalue)

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        # SQLite binds the bytes as a blob and the CAST makes it text; drivers of
        # other databases (psycopg) would send bytes as bytea, so they get a str.
        if value is None or dialect.name == "sqlite":
            return value
        return value.decode()
