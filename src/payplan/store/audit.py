"""The audit log: append-only, chained with a keyed MAC, one row per import, publication and state change.

`record` is called inside the transaction that makes the change, so the change and
its audit row commit or roll back together. Each row's `hash` is
HMAC-SHA256(audit key, prev_hash + canonical JSON of the row's id, time, actor,
action, object and detail). The key comes from PAYPLAN_AUDIT_KEY or a key file
(`payplan.keyfiles`), never from the database, so a row edited in the database
cannot be re-chained. A write names the objects it changed (`covers`: "runs 4",
"facts deals", …) and its row records their digests (`payplan.store.digests`);
`check` recomputes them from the tables. The end of the chain is anchored outside
the database: `head` gives SEQ:MAC for finance to keep, `check(anchor=…)` detects
truncation and names the rows appended since.

Rows written before the key (a keyless SHA-256 chain) are sealed by one
"audit.rekey" row, MAC'd with the key, that names the last keyless hash and the
digests of everything stored then; `record` writes it before its first keyed row.
A keyless chain without it fails `check`. On PostgreSQL writers take a
transaction-scoped advisory lock so two transactions never chain onto the same
row (SQLite's single writer does that already; a unique `prev_hash` backs both).
Must not decide who may do what: callers check permissions first.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

import msgspec
from sqlalchemy import Connection, func, insert, select, text

from payplan.errors import Phrase
from payplan.i18n import N_
from payplan.keyfiles import installation_key
from payplan.settings import get_settings
from payplan.store import digests
from payplan.store.records import canonical_json, now_text, sha256_text
from payplan.store.service_schema import audit_log

GENESIS = ""
REKEY = "audit.rekey"  # the first keyed row after rows written before the key
SEAL = "audit.seal"  # digests of everything, taken on by hand
_TAG = b"payplan-audit/2\n"
_LOCK_KEY = 0x7061797061  # "paypa": the advisory lock that serialises audit writers
_FIELDS = ("id", "at", "actor", "action", "object", "detail")


class Anchor(msgspec.Struct, frozen=True):
    """The head of the chain as finance keeps it outside the database: "SEQ:MAC"."""

    seq: int
    mac: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac}"


class Report(msgspec.Struct):
    """What `check` found: problems (tampering), rows appended after the anchor (news)."""

    rows: int = 0
    problems: list[Phrase] = []  # sentences to say in the reader's language (`verify`: in English)
    appended: list[Phrase] = []
    legacy_rows: int = 0
    objects: int = 0


def audit_key(conn: Connection) -> bytes:
    """The installation's audit key: PAYPLAN_AUDIT_KEY, else its key file (made once)."""
    settings = get_settings()
    if settings.audit_key:
        return settings.audit_key.encode()
    url = conn.engine.url.render_as_string(hide_password=False)
    return installation_key("audit-key", url, key_dir=settings.key_dir)


def record(conn: Connection, actor: str, action: str, object: str, detail: dict[str, Any] | None = None,
           *, covers: Iterable[str] = ()) -> int:
    """Append one audit row chained to the last one; returns its id.

    `covers` names the objects this write changed: their digests, read back from
    the tables in this transaction, go into the row's detail as "digests".
    """
    key = audit_key(conn)
    last = _last(conn)
    if last is not None and _is_keyless(last):
        _append(conn, key, last, "system", REKEY, "audit log", _baseline(conn, last))
        last = _last(conn)
    detail = dict(detail or {})
    names = list(covers)
    if names:
        detail["digests"] = {name: digests.digest(conn, name) for name in names}
    return _append(conn, key, last, actor, action, object, detail)


def seal(conn: Connection, actor: str = "system") -> int:
    """Record the digests of everything stored now: an "audit.rekey" row after a keyless chain
    (or on an empty log), else an "audit.seal" row that takes on objects written outside
    payplan, deliberately and on the record."""
    key = audit_key(conn)
    last = _last(conn)
    if last is None or _is_keyless(last):
        return _append(conn, key, last, actor, REKEY, "audit log", _baseline(conn, last))
    return _append(conn, key, last, actor, SEAL, "audit log", {"digests": _baseline(conn, last)["digests"]})


def _last(conn: Connection) -> dict[str, Any] | None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    row = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def _append(conn: Connection, key: bytes, last: dict[str, Any] | None, actor: str, action: str,
            object: str, detail: dict[str, Any]) -> int:
    row = {"id": (last["id"] + 1) if last else 1, "at": now_text(), "actor": actor, "action": action,
           "object": object, "detail": canonical_json(detail)}
    prev = last["hash"] if last else GENESIS
    conn.execute(insert(audit_log).values(**row, prev_hash=prev, hash=row_mac(key, prev, row)))
    return row["id"]


def _baseline(conn: Connection, last: dict[str, Any] | None) -> dict[str, Any]:
    return {"legacy_head": last["hash"] if last else GENESIS, "legacy_rows": last["id"] if last else 0,
            "digests": {name: digests.digest(conn, name) for name in digests.objects(conn)}}


def _is_keyless(row: dict[str, Any]) -> bool:
    return hmac.compare_digest(legacy_hash(row["prev_hash"], row), row["hash"])


def row_mac(key: bytes, prev_hash: str, row: dict[str, Any]) -> str:
    """HMAC-SHA256 under the audit key of the previous MAC and the row's canonical JSON."""
    fields = {k: row[k] for k in _FIELDS}
    message = _TAG + prev_hash.encode() + b"\n" + canonical_json(fields).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def legacy_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The keyless SHA-256 link of rows written before the audit key."""
    fields = {k: row[k] for k in _FIELDS}
    return sha256_text(prev_hash + canonical_json(fields))




def head(conn: Connection) -> Anchor | None:
    """The last row's id and MAC, for finance to keep outside the database."""
    row = conn.execute(select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).first()
    return Anchor(row.id, row.hash) if row else None


def verify(conn: Connection, anchor: Anchor | None = None) -> list[str]:
    """[] when the chain, its anchor and the recorded digests all hold, else what does not (English)."""
    return [str(p) for p in check(conn, anchor).problems]


def check(conn: Connection, anchor: Anchor | None = None) -> Report:
    """Walk the chain, then compare the digests it records with the tables."""
    report = Report()
    recorded = _walk(conn, audit_key(conn), anchor, report)
    if recorded is not None:
        report.problems += _compare(conn, recorded, report)
    return report


def _walk(conn: Connection, key: bytes, anchor: Anchor | None, report: Report) -> dict[str, tuple] | None:
    """Check every link; the digests recorded per object (latest wins), None at a broken link."""
    rekey_at = conn.execute(select(func.min(audit_log.c.id)).where(audit_log.c.action == REKEY)).scalar()
    prev, prev_id, recorded = GENESIS, None, {}
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings():
        report.rows += 1
        if row["prev_hash"] != prev:
            report.problems.append(
                Phrase(N_("audit row %(row)s: does not follow row %(after)s (a row was deleted, inserted or reordered)"),
                       {"row": row["id"], "after": prev_id}) if prev_id is not None else
                Phrase(N_("audit row %(row)s: does not follow the start of the log (a row was deleted, inserted or "
                          "reordered)"), {"row": row["id"]}))
            return None
        keyless = rekey_at is not None and row["id"] < rekey_at
        problem = _link_problem(key, prev, dict(row), keyless, rekey_at)
        if problem is None and row["id"] == rekey_at:
            problem = _rekey_problem(row, prev, report.rows - 1)
        if problem is not None:
            report.problems.append(Phrase(N_("audit row %(row)s: %(problem)s"), {"row": row["id"], "problem": problem}))
            return None
        report.legacy_rows += keyless
        if not keyless:
            for name, value in msgspec.json.decode(row["detail"]).get("digests", {}).items():
                recorded[name] = (value, row["id"])
        if anchor is not None and row["id"] > anchor.seq:
            report.appended.append(Phrase(N_("audit row %(row)s: %(action)s %(object)s by %(actor)s, %(at)s"),
                                          {k: row[k] for k in ("action", "object", "actor", "at")} | {"row": row["id"]}))
        if anchor is not None and row["id"] == anchor.seq and not hmac.compare_digest(row["hash"], anchor.mac):
            report.problems.append(Phrase(N_("audit row %(row)s: its MAC is not the anchor's %(anchor)s (the log was "
                                             "rewritten from this row on)"), {"row": row["id"], "anchor": str(anchor)}))
        prev, prev_id = row["hash"], row["id"]
    if anchor is not None and (prev_id or 0) < anchor.seq:
        report.problems.append(Phrase(N_("the log ends at row %(last)s but the anchor names row %(seq)s: rows were "
                                         "deleted from its end (truncated)"), {"last": prev_id or 0, "seq": anchor.seq}))
    return recorded


_EDITED = N_("its content does not match its hash (the row was edited)")


def _link_problem(key: bytes, prev: str, row: dict[str, Any], keyless: bool, rekey_at: int | None) -> Phrase | None:
    if keyless:
        ok = hmac.compare_digest(legacy_hash(prev, row), row["hash"])
        return None if ok else Phrase(_EDITED)
    if hmac.compare_digest(row_mac(key, prev, row), row["hash"]):
        return None
    if rekey_at is None and hmac.compare_digest(legacy_hash(prev, row), row["hash"]):
        return Phrase(N_("written before the audit key, in a keyless chain that anyone can re-chain: "
                         "seal it with `payplan audit rekey`"))
    if row["id"] == (rekey_at or 1):  # every row fails alike with another key: say so at the first
        return Phrase(N_("its content does not match its hash (the row was edited, "
                         "or PAYPLAN_AUDIT_KEY is not the key this log was written with)"))
    return Phrase(_EDITED)


def _rekey_problem(row: Any, prev: str, before: int) -> Phrase | None:
    detail = msgspec.json.decode(row["detail"])
    if detail.get("legacy_head") != prev or detail.get("legacy_rows") != before:
        return Phrase(N_("the keyless rows before this re-key row are not the ones it sealed"))
    return None


def _compare(conn: Connection, recorded: dict[str, tuple], report: Report) -> list[Phrase]:
    """Each object's digest now against the last one recorded; objects never recorded."""
    present = digests.objects(conn)
    report.objects = len(present)
    problems = []
    for name in sorted(set(present) | set(recorded), key=_natural):
        if name not in recorded:
            problems.append(Phrase(N_("%(name)s: not in the audit log (written outside payplan)"), {"name": name}))
            continue
        expected, row_id = recorded[name]
        now = digests.digest(conn, name)
        if now is None and expected is not None:
            problems.append(Phrase(N_("%(name)s: recorded in audit row %(row)s but no longer in the database"),
                                   {"name": name, "row": row_id}))
        elif now != expected:
            problems.append(Phrase(N_("%(name)s: does not match its digest in audit row %(row)s (changed outside "
                                      "payplan)"), {"name": name, "row": row_id}))
    for run_id, outputs in digests.run_ids(conn):
        problems += digests.results_problems(conn, run_id, outputs)
    return problems


def _natural(name: str) -> tuple[str, int, str]:
    table, _, key = name.partition(" ")
    return (table, int(key), "") if key.isdigit() else (table, 0, key)


def entries(conn: Connection, *, object: str | None = None, limit: int = 100,
            before: int | None = None) -> list[dict[str, Any]]:
    """Audit rows newest first, optionally for one object ("run 12"), for finance's views."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object is not None:
        query = query.where(audit_log.c.object == object)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [dict(row) for row in conn.execute(query).mappings()]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
