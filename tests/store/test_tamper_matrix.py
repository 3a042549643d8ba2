"""A seeded matrix of 260 tamperings, each one detected by the audit check behind `payplan audit verify --anchor`.

The company has facts, a plan, users, an approved run and a draft run; finance
keeps the anchor. Each tampering is made inside a transaction, checked on that
connection (it sees the change, as `audit verify` would after a commit) and
rolled back, so every one starts from the same untouched database, which verifies.
The attacker has write access to the database but not the audit key: a re-chain
uses a keyless SHA-256 or a key of their own.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import delete, insert, select, update

from payplan.runs import lifecycle as runs
from payplan.store import audit
from payplan.store.records import canonical_json
from payplan.store.schema import FACT_TABLES
from payplan.store.service_schema import ROLES, RUN_STATES, audit_log, plan_versions, run_results, users
from payplan.store.service_schema import runs as runs_table
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database

SEED = 19
PER_KIND = 13  # 20 kinds × 13 = 260 tamperings


@pytest.fixture
def books(tx, company):
    """An approved and a draft run on top of the company; the anchor finance kept."""
    approved = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, approved.id, company.fin1)
    tx(runs.approve, approved.id, company.fin2)
    tx(runs.create_run, "svc@1", "2026-04", company.fin1)
    return tx(audit.head)


def _rows(conn, table, order):
    return [dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()]


def _log(conn):
    return _rows(conn, audit_log, [audit_log.c.id])


def _changed(value, rng):
    """A different value of the same type."""
    if isinstance(value, bool) or value is None:
        raise TypeError(value)
    if isinstance(value, Decimal):
        return value + Decimal(rng.choice(["0.01", "1", "-1", "100", "0.5"]))
    if isinstance(value, int):
        return value + rng.randint(1, 9)
    if isinstance(value, date):
        return value + timedelta(days=rng.randint(1, 30))
    last = value[-1:] or "a"
    return value[:-1] + ("X" if last != "X" else "Y")


# ---- the audit table ----------------------------------------------------------------

def edit_row(conn, rng):
    row = rng.choice(_log(conn))
    field = rng.choice(["at", "actor", "action", "object", "detail"])
    value = (canonical_json({**msgspec.json.decode(row["detail"]), "tampered": rng.randint(0, 99)})
             if field == "detail" else _changed(row[field], rng))
    conn.execute(update(audit_log).where(audit_log.c.id == row["id"]).values({field: value}))


def delete_row(conn, rng):
    row = rng.choice(_log(conn))
    conn.execute(delete(audit_log).where(audit_log.c.id == row["id"]))


def truncate(conn, rng):
    log = _log(conn)
    for row in log[-rng.randint(1, 4):]:
        conn.execute(delete(audit_log).where(audit_log.c.id == row["id"]))


def _rechain(conn, log, start, link):
    """Recompute every link from `start` on with `link(prev, row)` (the attacker's best)."""
    prev = log[start - 1]["hash"] if start else audit.GENESIS
    for row in log[start:]:
        conn.execute(delete(audit_log).where(audit_log.c.id == row["id"]))
    for row in log[start:]:
        row = {**row, "prev_hash": prev, "hash": link(prev, row)}
        conn.execute(insert(audit_log).values(**row))
        prev = row["hash"]


def _attacker_link(rng):
    own_key = secrets.token_bytes(32)
    return rng.choice([audit.legacy_hash, lambda prev, row: audit.row_mac(own_key, prev, row)])


def rechain_edit(conn, rng):
    log = _log(conn)
    start = rng.randrange(len(log))
    log[start] = {**log[start], "actor": "mallory"}
    _rechain(conn, log, start, _attacker_link(rng))


def rechain_delete(conn, rng):
    log = _log(conn)
    gone = rng.randrange(len(log))
    kept = [{**row, "id": row["id"] - (row["id"] > log[gone]["id"])} for i, row in enumerate(log) if i != gone]
    for row in log[gone:]:
        conn.execute(delete(audit_log).where(audit_log.c.id == row["id"]))
    _rechain(conn, kept, gone, _attacker_link(rng)) if gone < len(kept) else None


def append_forged(conn, rng):
    last = _log(conn)[-1]
    row = {"id": last["id"] + 1, "at": last["at"], "actor": rng.choice(["fin1", "mallory", "system"]),
           "action": rng.choice(["run.approve", "audit.rekey", "user.add"]), "object": "run 1",
           "detail": canonical_json({"n": rng.randint(0, 999)})}
    conn.execute(insert(audit_log).values(**row, prev_hash=last["hash"], hash=_attacker_link(rng)(last["hash"], row)))


def append_copy(conn, rng):
    """A real row's content and MAC replayed at the end (its MAC was made for another place)."""
    log = _log(conn)
    source = rng.choice(log[:-1])
    row = {**source, "id": log[-1]["id"] + 1, "prev_hash": log[-1]["hash"], "hash": source["hash"][::-1]}
    conn.execute(insert(audit_log).values(**row))


# ---- the business tables --------------------------------------------------------------

def _result(conn, rng):
    return rng.choice(_rows(conn, run_results, [run_results.c.run_id, run_results.c.rep_id]))


def _set_result(conn, row, **values):
    conn.execute(update(run_results).where(run_results.c.run_id == row["run_id"],
                                           run_results.c.rep_id == row["rep_id"]).values(**values))


def result_total(conn, rng):
    row = _result(conn, rng)
    _set_result(conn, row, total=_changed(row["total"], rng))


def result_document(conn, rng):
    row = _result(conn, rng)
    doc = msgspec.json.decode(row["result"])
    place = rng.choice(["total", "line"] if doc.get("lines") else ["total"])
    target = doc if place == "total" else rng.choice(doc["lines"])
    amount = Decimal(target["total" if place == "total" else "amount"]) * 3
    target["total" if place == "total" else "amount"] = str(amount)
    _set_result(conn, row, result=msgspec.json.encode(doc).decode(),
                **({"total": amount} if place == "total" else {}))


def carried_state(conn, rng):
    row = _result(conn, rng)
    state = msgspec.json.decode(row["state"])
    state["tampered"] = rng.randint(1, 99)  # e.g. a draw balance the next period starts from
    _set_result(conn, row, state=canonical_json(state))


def result_removed_or_added(conn, rng):
    row = _result(conn, rng)
    if rng.random() < 0.5:
        conn.execute(delete(run_results).where(run_results.c.run_id == row["run_id"],
                                               run_results.c.rep_id == row["rep_id"]))
    else:
        others = {r["id"] for r in _rows(conn, FACT_TABLES["reps"], [FACT_TABLES["reps"].c.id])}
        taken = {r["rep_id"] for r in _rows(conn, run_results, [run_results.c.rep_id]) if r["run_id"] == row["run_id"]}
        rep = sorted(others - taken)[0] if others - taken else None
        if rep is None:
            return result_total(conn, rng)
        conn.execute(insert(run_results).values({**row, "rep_id": rep}))


def run_state(conn, rng):
    run = rng.choice(_rows(conn, runs_table, [runs_table.c.id]))
    state = rng.choice([s for s in RUN_STATES if s != run["state"]])
    conn.execute(update(runs_table).where(runs_table.c.id == run["id"]).values(state=state))


def approved_by(conn, rng):
    run = rng.choice(_rows(conn, runs_table, [runs_table.c.id]))
    ids = [u["id"] for u in _rows(conn, users, [users.c.id]) if u["id"] != run["approved_by"]]
    conn.execute(update(runs_table).where(runs_table.c.id == run["id"]).values(approved_by=rng.choice(ids)))


def run_other_column(conn, rng):
    run = rng.choice(_rows(conn, runs_table, [runs_table.c.id]))
    column = rng.choice(["inputs_hash", "outputs_hash", "created_at", "revision"])
    conn.execute(update(runs_table).where(runs_table.c.id == run["id"]).values({column: _changed(run[column], rng)}))


def plan_source(conn, rng):
    plan = rng.choice(_rows(conn, plan_versions, [plan_versions.c.id]))
    column = rng.choice(["source", "source", "hash", "name", "effective_from", "published_by"])
    value = plan[column]
    if column == "source":
        at = rng.randrange(len(value))
        value = value[:at] + ("9" if value[at] != "9" else "8") + value[at + 1:]
    elif column == "published_by":
        value = rng.choice([u["id"] for u in _rows(conn, users, [users.c.id]) if u["id"] != value])
    else:
        value = _changed(value, rng)
    conn.execute(update(plan_versions).where(plan_versions.c.id == plan["id"]).values({column: value}))


def _fact(conn, rng):
    kind = rng.choice([k for k, t in FACT_TABLES.items() if conn.execute(select(t).limit(1)).first()])
    table = FACT_TABLES[kind]
    return table, rng.choice(_rows(conn, table, list(table.primary_key.columns)))


def _where(table, row):
    return [c == row[c.name] for c in table.primary_key.columns]


def fact_edit(conn, rng):
    table, row = _fact(conn, rng)
    keys = {c.name for c in table.primary_key.columns} | {c.name for c in table.columns if c.foreign_keys}
    column = rng.choice([c for c in row if c not in keys and row[c] is not None and c != "fields"])
    conn.execute(update(table).where(*_where(table, row)).values({column: _changed(row[column], rng)}))


def fact_delete_or_insert(conn, rng):
    table, row = _fact(conn, rng)
    if rng.random() < 0.5 and table.name != "reps":
        conn.execute(delete(table).where(*_where(table, row)))
    else:
        conn.execute(insert(table).values({**row, "id": row["id"] + "-forged"}))


def user_role(conn, rng):
    user = rng.choice(_rows(conn, users, [users.c.id]))
    role = rng.choice([r for r in ROLES if r != user["role"] and r != "rep"])
    conn.execute(update(users).where(users.c.id == user["id"]).values(role=role))


def user_added_or_renamed(conn, rng):
    user = rng.choice(_rows(conn, users, [users.c.id]))
    if rng.random() < 0.5:
        conn.execute(update(users).where(users.c.id == user["id"]).values(name=user["name"] + "2"))
    else:
        conn.execute(insert(users).values({**user, "id": 1000 + rng.randint(0, 99), "name": "mallory",
                                           "role": "admin", "rep_id": None}))


def forged_run(conn, rng):
    run = rng.choice(_rows(conn, runs_table, [runs_table.c.id]))
    conn.execute(insert(runs_table).values({**run, "id": 500 + rng.randint(0, 99), "kind": "adjustment",
                                            "adjusts_run_id": run["id"]}))


KINDS = [edit_row, delete_row, truncate, rechain_edit, rechain_delete, append_forged, append_copy,
         result_total, result_document, carried_state, result_removed_or_added, run_state, approved_by,
         run_other_column, plan_source, fact_edit, fact_delete_or_insert, user_role, user_added_or_renamed,
         forged_run]


def test_every_tampering_is_detected(engine, books):
    rng = random.Random(SEED)
    with engine.connect() as conn:
        assert audit.verify(conn, books) == []
        conn.rollback()
        missed = []
        for kind in KINDS * PER_KIND:
            trans = conn.begin()
            try:
                kind(conn, rng)
                if not audit.verify(conn, books):
                    missed.append(kind.__name__)
            finally:
                trans.rollback()
        assert audit.verify(conn, books) == []  # every tampering was rolled back
        conn.rollback()
    assert len(KINDS) * PER_KIND >= 200
    assert missed == []
