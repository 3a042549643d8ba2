"""The keyed chain: rows from before the key are sealed explicitly, a wrong key is named, digests vouch for tables."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import delete, insert, select, update

from payplan.runs import lifecycle as runs
from payplan.settings import get_settings
from payplan.store import audit
from payplan.store.records import canonical_json
from payplan.store.service_schema import audit_log, run_results, users
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database


def _keyless(conn):
    """Rewrite the log as a release before the key wrote it: SHA-256 links, no digests."""
    rows = [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings()]
    conn.execute(delete(audit_log))
    prev = ""
    for row in rows:
        detail = msgspec.json.decode(row["detail"])
        detail.pop("digests", None)
        row = {**row, "detail": canonical_json(detail), "prev_hash": prev}
        # the old link, written out here rather than taken from the code under test
        fields = canonical_json({k: row[k] for k in ("id", "at", "actor", "action", "object", "detail")})
        row["hash"] = hashlib.sha256((prev + fields).encode()).hexdigest()
        conn.execute(insert(audit_log).values(**row))
        prev = row["hash"]
    return len(rows)


def test_a_row_is_an_hmac_of_the_previous_link_and_its_content(tx, company):
    key = tx(audit.audit_key)
    first, second = tx(lambda conn: [dict(r) for r in conn.execute(
        select(audit_log).order_by(audit_log.c.id).limit(2)).mappings()])
    fields = canonical_json({k: second[k] for k in ("id", "at", "actor", "action", "object", "detail")})
    expected = hmac.new(key, b"payplan-audit/2\n" + first["hash"].encode() + b"\n" + fields.encode(),
                        hashlib.sha256).hexdigest()
    assert second["prev_hash"] == first["hash"] and second["hash"] == expected
    # the row records what the write left in the table, as SHA-256 of the users row
    assert set(msgspec.json.decode(first["detail"])["digests"]) == {"users 1"}


def test_a_keyless_log_is_refused_until_sealed_then_verifies(tx, company):
    rows = tx(_keyless)
    problems = tx(audit.verify)
    assert problems == ["audit row 1: written before the audit key, in a keyless chain that anyone can "
                        "re-chain: seal it with `payplan audit rekey`"]
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)  # the first keyed write seals the old rows
    log = tx(audit.entries)
    assert [r["action"] for r in log[:2]] == ["run.create", "audit.rekey"]
    sealed = msgspec.json.decode(log[1]["detail"])
    assert sealed["legacy_rows"] == rows and sealed["legacy_head"] == log[1]["prev_hash"]
    # everything stored when the first keyed write came, the new run included (written before its row)
    assert {"facts deals", "facts reps", "plan_versions 1", "users 1", f"runs {run.id}"} <= set(sealed["digests"])
    report = tx(audit.check)
    assert report.problems == [] and report.legacy_rows == rows and report.rows == rows + 2
    tx(lambda conn: conn.execute(update(audit_log).where(audit_log.c.id == 3).values(actor="mallory")))
    assert tx(audit.verify) == ["audit row 3: its content does not match its hash (the row was edited)"]
    assert run.id == 1


def test_a_rewritten_keyless_past_is_caught_by_the_anchor(tx, company):
    """Deleting every keyed row, rewriting the keyless ones and letting the next write seal
    them again leaves a chain that holds on its own: the anchor finance kept catches it."""
    tx(_keyless)
    tx(runs.create_run, "svc@1", "2026-03", company.fin1)  # sealed, then one keyed row
    anchor = tx(audit.head)
    assert tx(audit.verify, anchor) == []

    def rewrite(conn):
        first_keyed = conn.execute(select(audit_log.c.id).where(audit_log.c.action == "audit.rekey")).scalar()
        conn.execute(delete(audit_log).where(audit_log.c.id >= first_keyed))
        conn.execute(update(audit_log).where(audit_log.c.id == 1).values(actor="mallory"))
        _keyless(conn)
    tx(rewrite)
    tx(runs.create_run, "svc@1", "2026-04", company.fin1)  # seals the rewritten past
    assert tx(audit.verify) == []  # without the anchor this cannot be told from an honest upgrade
    problems = tx(audit.verify, anchor)
    assert problems == [f"audit row {anchor.seq}: its MAC is not the anchor's {anchor} "
                        "(the log was rewritten from this row on)"]


def test_another_key_is_named(tx, company, monkeypatch):
    monkeypatch.setenv("PAYPLAN_AUDIT_KEY", "0123456789abcdef" * 4)
    get_settings.cache_clear()
    try:
        assert tx(audit.verify) == ["audit row 1: its content does not match its hash (the row was edited, "
                                    "or PAYPLAN_AUDIT_KEY is not the key this log was written with)"]
    finally:
        monkeypatch.delenv("PAYPLAN_AUDIT_KEY")
        get_settings.cache_clear()


def test_anchor_truncation_and_appended_rows(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    anchor = tx(audit.head)
    tx(runs.submit, run.id, company.fin1)
    report = tx(audit.check, anchor)
    assert report.problems == [] and len(report.appended) == 1
    assert str(report.appended[0]).startswith(f"audit row {anchor.seq + 1}: run.submit run {run.id} by fin1")
    tx(lambda conn: conn.execute(delete(audit_log).where(audit_log.c.id >= anchor.seq)))
    problems = tx(audit.verify, anchor)
    assert problems[0].startswith(f"the log ends at row {anchor.seq - 1} but the anchor names row {anchor.seq}")
    assert problems[1:] == [f"runs {run.id}: not in the audit log (written outside payplan)"]


def test_a_stored_total_is_checked_against_its_document(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(lambda conn: conn.execute(update(run_results).where(run_results.c.rep_id == "A1")
                                 .values(total=Decimal("2000.00"))))
    assert tx(audit.verify) == [f"run {run.id}, rep A1: stored total 2000.00 is not its result's total 200.00"]


@pytest.mark.parametrize("text", ["short", ""])
def test_a_short_audit_key_is_refused(monkeypatch, text):
    from payplan.settings import SettingError

    monkeypatch.setenv("PAYPLAN_AUDIT_KEY", text)
    get_settings.cache_clear()
    try:
        if text:
            with pytest.raises(SettingError, match="PAYPLAN_AUDIT_KEY is too short"):
                get_settings()
        else:
            assert get_settings().audit_key is None
    finally:
        get_settings.cache_clear()


def test_sealing_a_keyed_log_takes_on_a_change_made_by_hand(tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(lambda conn: conn.execute(update(run_results).where(run_results.c.rep_id == "A1")
                                 .values(total=Decimal("2000.00"))))
    assert tx(audit.verify) != []
    tx(lambda conn: conn.execute(update(run_results).where(run_results.c.rep_id == "A1")
                                 .values(total=Decimal("200.00"))))
    tx(lambda conn: conn.execute(update(users).where(users.c.name == "hr1").values(role="finance")))
    assert tx(audit.verify) == [f"users {company.hr1.id}: does not match its digest in audit row "
                                f"{_added_row(tx, 'hr1')} (changed outside payplan)"]
    row = tx(audit.seal, "admin")
    assert tx(audit.entries)[0]["action"] == "audit.seal" and tx(audit.verify) == []
    assert row == tx(audit.head).seq and run.id == 1


def _added_row(tx, name):
    return next(e["id"] for e in tx(audit.entries) if e["action"] == "user.add" and e["object"] == f"user {name}")
