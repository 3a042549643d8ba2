"""How a run's results are stored: evaluated, encoded and inserted a chunk at a time inside the
caller's transaction (`payplan.runs.chunked`), bound as UTF-8 bytes, and hashed exactly as stored."""

from __future__ import annotations

import hashlib

import msgspec
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, insert, select

from payplan.runs import chunked
from payplan.runs import lifecycle as runs
from payplan.runs.recompute import recompute
from payplan.store.service_schema import audit_log, run_results
from payplan.store.utf8_text import Utf8Text


def stored(tx, run_id):
    query = (select(run_results.c.rep_id, run_results.c.result, run_results.c.state)
             .where(run_results.c.run_id == run_id).order_by(run_results.c.rep_id))
    # the result reads back as its JSON bytes (payplan.store.packed), the state as text
    return tx(lambda conn: [(rep_id, result.decode(), state) for rep_id, result, state in conn.execute(query)])


def digest(rows) -> str:
    """The outputs hash as documented: SHA-256 of "rep\\tresult\\tstate\\n" lines in rep order."""
    h = hashlib.sha256()
    for rep_id, result, state in sorted(rows):
        h.update(f"{rep_id}\t{result}\t{state}\n".encode())
    return h.hexdigest()


def test_outputs_hash_is_that_of_the_stored_text_whatever_the_chunk_size(tx, company, monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK", 1)  # every rep its own chunk
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    rows = stored(tx, run.id)
    assert len(rows) == 4 and run.outputs_hash == digest(rows)
    detail = tx(lambda conn: conn.execute(select(audit_log.c.detail).where(
        audit_log.c.object == f"run {run.id}", audit_log.c.action == "run.create")).scalar_one())
    assert msgspec.json.decode(detail)["outputs_hash"] == run.outputs_hash

    monkeypatch.setattr(chunked, "CHUNK", 3)  # a full chunk and a partial one
    again = tx(recompute, run.id, company.fin1)
    assert again.outputs_hash == run.outputs_hash and stored(tx, run.id) == rows


def test_a_failure_while_storing_leaves_nothing_behind(engine, company, monkeypatch):
    original, chunks = chunked.store_rows, []

    def fail_on_second_chunk(conn, run_id, rows):
        chunks.append(len(rows))
        if len(chunks) == 2:
            raise RuntimeError("disk full")
        original(conn, run_id, rows)

    monkeypatch.setattr(chunked, "CHUNK", 2)
    monkeypatch.setattr(chunked, "store_rows", fail_on_second_chunk)
    with pytest.raises(RuntimeError, match="disk full"), engine.begin() as conn:
        runs.create_run(conn, "svc@1", "2026-03", company.fin1)
    assert chunks == [2, 2]  # the first chunk was inserted, then the transaction rolled back
    with engine.connect() as conn:
        assert conn.execute(select(run_results.c.rep_id)).all() == []
        assert runs.list_runs(conn) == []


def test_utf8_bytes_are_stored_and_read_back_as_the_same_text(engine):
    probe = Table("utf8_probe", MetaData(), Column("id", Integer, primary_key=True), Column("doc", Text))
    probe.create(engine)
    doc = '{"cause":"≥ 80% of quota — ₴ 1 200","mark":"😀","escaped":"\\u0000\\n"}'
    as_bytes = insert(probe).values(id=bindparam("id"), doc=bindparam("doc", type_=Utf8Text()))
    with engine.begin() as conn:
        conn.execute(as_bytes, [{"id": 1, "doc": doc.encode()}, {"id": 2, "doc": b""}])
        conn.execute(insert(probe), [{"id": 3, "doc": doc}, {"id": 4, "doc": ""}])
        got = conn.execute(select(probe.c.doc).order_by(probe.c.id)).scalars().all()
        if engine.dialect.name == "sqlite":  # text, not a blob, byte for byte the same
            types = conn.exec_driver_sql("SELECT typeof(doc), hex(doc) FROM utf8_probe ORDER BY id").all()
            assert [t for t, _ in types] == ["text"] * 4 and types[0][1] == types[2][1]
    assert got == [doc, "", doc, ""]
