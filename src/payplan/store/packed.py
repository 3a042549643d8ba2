"""Stored JSON documents, compressed: a run's result documents (their traces are most of a database).

A result document is ~9 KB of JSON, mostly its trace. `pack` turns the document's
bytes into what is stored: `L` followed by an LZ4 block (its size first), or the JSON
itself when compressing does not make it smaller (its first byte, `{`, says so). LZ4
compresses a month's documents 2.6 times where zlib at level 1 did 3.5 times, but in a
sixth of the time, and reads them back five times faster: packing was a sixth of a
monthly run's chunk (docs/performance.md). Documents stored before (`Z` followed by zlib
data) are read as they are. `unpack` is the one way back: every reader of
`run_results.result` and `job_results.result` gets the document through it
(`PackedJson`, the columns' type, calls it on every value read), so what a reader
sees, and the outputs hash over it, are the JSON bytes as they were before packing.

`PackedJson` binds bytes (or a str, encoded as UTF-8): packed on SQLite; on PostgreSQL
the JSON bytes as they are, which the server compresses itself with lz4 (`server_lz4`:
set on the columns where the server has it; pglz otherwise). There lz4 costs the client
nothing and stored a month of 10,000 results in about a third of the time pglz (the
default) or zlib on the client took, in 13% more bytes than pglz (docs/performance.md).
Must not know what a document holds, nor hash anything.
"""

from __future__ import annotations

import zlib
from typing import Any

import lz4.block
from sqlalchemy import Connection, text
from sqlalchemy.types import LargeBinary, TypeDecorator

PLAIN, LZ4, ZLIB = b"{", b"L", b"Z"  # ZLIB: documents packed before LZ4, read only
MAX_DOCUMENT = 64 * 1024 * 1024  # an LZ4 block claiming more is refused, not allocated


def pack(document: bytes) -> bytes:
    """The stored bytes of a JSON document: `L` + an LZ4 block, or the JSON when that is not larger."""
    packed = lz4.block.compress(document, store_size=True)
    return LZ4 + packed if len(packed) + 1 < len(document) else bytes(document)


class Packed(bytes):
    """Bytes `pack` has already made (in a process that computed them), bound as they are."""


def packs(dialect_name: str) -> bool:
    """Whether documents are packed by the client on this database (SQLite), not by the server."""
    return dialect_name != "postgresql"


def unpack(stored: bytes | bytearray | memoryview) -> bytes:
    """The JSON bytes of a stored document; ValueError when `stored` is not one."""
    data = bytes(stored)
    if data[:1] == LZ4:
        if len(data) < 5 or int.from_bytes(data[1:5], "little") > MAX_DOCUMENT:
            raise ValueError("a stored document is not a valid LZ4 block")
        try:
            return lz4.block.decompress(data[1:])
        except lz4.block.LZ4BlockError as exc:
            raise ValueError(f"a stored document is not a valid LZ4 block: {exc}") from None
    if data[:1] == ZLIB:
        try:
            return zlib.decompress(data[1:])
        except zlib.error as exc:
            raise ValueError(f"a stored document is not valid zlib data: {exc}") from None
    if data[:1] != PLAIN:
        raise ValueError("a stored document starts with none of '{', 'L' and 'Z'")
    return data


class PackedJson(TypeDecorator):
    """A JSON document column stored packed (`pack`) and read back as its JSON bytes (`unpack`)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Packed):
            return bytes(value)
        document = value.encode() if isinstance(value, str) else value
        return pack(document) if packs(dialect.name) else bytes(document)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else unpack(value)


def server_lz4(conn: Connection, table: str, column: str = "result", method: str = "lz4") -> None:
    """On PostgreSQL 14 or later built with lz4: the server compresses `table.column` with
    `method` (lz4; "default" to undo). Nothing elsewhere."""
    if conn.dialect.name != "postgresql" or (conn.dialect.server_version_info or (0,)) < (14,):
        return
    has_lz4 = conn.execute(text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                "WHERE name = 'default_toast_compression'")).scalar()
    if has_lz4:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')
