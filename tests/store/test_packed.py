"""Result documents are stored packed (`payplan.store.packed`, revision 0012_packed): LZ4 bytes
whose JSON is what the outputs hash covers, zlib bytes stored before still read; the migration
packs existing runs and unpacks them on downgrade (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import zlib
from decimal import Decimal

import lz4.block
import msgspec
import pytest
from alembic import command
from sqlalchemy import select, text, update

from payplan.runs import lifecycle as runs
from payplan.statements.from_run import statement_calculation
from payplan.store import audit
from payplan.store.migrate import alembic_config, upgrade
from payplan.store.packed import pack, unpack
from payplan.store.service_schema import run_results
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database


def test_pack_compresses_and_unpack_gives_the_same_bytes():
    doc = b'{"trace":' + b'{"key":"kpi","value":"0.1688","children":[]},' * 200 + b'{}}'
    packed = pack(doc)
    assert packed[:1] == b"L" and lz4.block.decompress(packed[1:]) == doc and len(packed) < len(doc) / 10
    assert unpack(packed) == doc and unpack(memoryview(packed)) == doc
    assert pack(b"{}") == b"{}" and unpack(b"{}") == b"{}"  # compressing would make it larger
    assert unpack(b"Z" + zlib.compress(doc, 1)) == doc  # as stored before LZ4
    huge = b"L" + (2**31).to_bytes(4, "little") + b"\x00" * 8  # a size claim never allocated
    for bad in (b"Z not zlib", b"L not lz4 at all", b"L", huge, b"[1]", b""):
        with pytest.raises(ValueError):
            unpack(bad)


def _raw_rows(conn, run_id: int) -> list[tuple[str, bytes | str, str]]:
    """(rep id, stored result as the driver gives it, state) in byte order of the rep id."""
    order = 'rep_id COLLATE "C"' if conn.dialect.name == "postgresql" else "rep_id"
    return [(r[0], r[1] if isinstance(r[1], str) else bytes(r[1]), r[2]) for r in conn.execute(
        text(f"SELECT rep_id, result, state FROM run_results WHERE run_id = :id ORDER BY {order}"), {"id": run_id})]


def _totals(conn, run_id: int) -> dict[str, Decimal]:
    query = select(run_results.c.rep_id, run_results.c.total).where(run_results.c.run_id == run_id)
    return dict(conn.execute(query).all())


def _outputs_hash(rows: list[tuple[str, bytes, str]]) -> str:
    digest = hashlib.sha256()
    for rep_id, document, state in rows:
        digest.update(rep_id.encode() + b"\t" + document + b"\t" + state.encode() + b"\n")
    return digest.hexdigest()


def test_stored_results_are_compressed_and_their_json_is_what_the_outputs_hash_covers(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    rows, totals = tx(_raw_rows, run.id), tx(_totals, run.id)
    postgres = tx(lambda conn: conn.dialect.name == "postgresql")
    assert len(rows) == 4
    documents = []
    for rep_id, stored, state in rows:
        if postgres:  # the JSON itself, compressed by the server (below)
            document = stored
        else:
            assert stored[:1] == b"L", rep_id
            document = lz4.block.decompress(stored[1:])  # not through payplan's own reader
            assert len(stored) < len(document)
        assert Decimal(msgspec.json.decode(document)["total"]) == totals[rep_id]
        documents.append((rep_id, document, state))
    assert _outputs_hash(documents) == run.outputs_hash
    assert tx(audit.verify) == []  # which recomputes the outputs hash through `unpack`
    if postgres:  # the svc documents are 1.6 KB: a value is compressed from ~2 KB, so make one larger
        big = b'{"trace":"' + b"kpi " * 3000 + b'"}'
        tx(lambda conn: conn.execute(update(run_results).where(run_results.c.rep_id == "A1").values(result=big)))
        assert tx(lambda conn: conn.execute(text("SELECT pg_column_compression(result) FROM run_results "
                                                  "WHERE rep_id = 'A1'")).scalar()) == "lz4"


def test_the_migration_unpacks_and_packs_an_existing_run(db_url, engine, tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    packed = tx(_raw_rows, run.id)
    engine.dispose()
    command.downgrade(alembic_config(db_url), "0011_jobs")
    as_text = tx(_raw_rows, run.id)
    assert all(isinstance(document, str) for _, document, _ in as_text)
    postgres = tx(lambda conn: conn.dialect.name == "postgresql")  # there the JSON itself (server-compressed)
    assert [(r, (p if postgres else lz4.block.decompress(p[1:])).decode(), s) for r, p, s in packed] == as_text
    assert _outputs_hash([(r, d.encode(), s) for r, d, s in as_text]) == run.outputs_hash
    engine.dispose()
    upgrade(db_url)
    assert tx(_raw_rows, run.id) == packed  # LZ4 of the same bytes: the same bytes again
    assert tx(audit.verify) == []
    assert str(tx(statement_calculation, run.id, "A2").result.total) == "100.00"


def test_a_stored_result_that_is_not_a_document_is_reported_not_raised(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(lambda conn: conn.execute(text("UPDATE run_results SET result = :junk WHERE rep_id = 'A1'"),
                                 {"junk": b"Z not zlib"}))
    assert tx(audit.verify) == [
        f"run {run.id}: its stored results do not match the run's outputs hash "
        "(a result, a carried state or a rep was changed, added or removed)",
        f"run {run.id}, rep A1: stored total 200.00 is not its result's total None"]
