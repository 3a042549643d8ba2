"""`payplan demo`: seed a demo company into the configured database, then serve it.

Idempotent: users that exist are kept, fact imports and plan publications are
idempotent, runs are created only once per plan and period. Refuses a database with users
other than the demo's: its known password must never land beside real people and runs. Uses the same domain
functions as the CLI and the API, so the seeded history has a real audit trail.
Must not invent business rules: it only drives the service like its users would.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, select

from payplan.access.users import User, add_user, get_user
from payplan.errors import Conflict, NotFound
from payplan.facts.audited import import_directory
from payplan.i18n import N_
from payplan.plans import versions as plan_store
from payplan.plans.files import read_plan_file
from payplan.runs import lifecycle as runs
from payplan.store.service_schema import users as users_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "demo"
PLANS = ("ae-2026-v1.toml", "sdr-2026.toml", "manager-2026.toml")
# name, role, rep id: one user per role, and two finance users for segregation of duties.
USERS = (("admin", "admin", None), ("fiona", "finance", None), ("felix", "finance", None),
         ("hanna", "hr", None), ("olena", "manager", "MGR01"), ("iryna", "rep", "AE01"))
PASSWORD = "payplan-demo-2026"  # 12+ characters, as every password (payplan.access.passwords)
# What to try as each user, printed by `payplan demo`: the monthly job of each role.
# What each user can try, as `payplan demo` says it (in the command's language; `%(submitter)s` is fiona).
TRY = {
    "admin": N_("everything; the audit log at /audit, `payplan audit verify`, `payplan users list`"),
    "fiona": N_("review draft run 3 (March) at /finance/runs/3 (filter its flags) and submit it; she "
                "imported the facts, so she is not offered Approve; import a file at /finance/import"),
    "felix": N_("approve run 3 once %(submitter)s has submitted it, or reject it with a reason; then mark it "
                "paid and export it from the page (or `payplan runs export 3`)"),
    "hanna": N_("simulate at /hr/simulation, or a draft: `payplan simulate --baseline ae-2026@1 "
                "--proposal plans/ae-2026-v2.toml --periods 2026-01..2026-03`"),
    "olena": N_("your own pay and your team's, each with its breakdown, at /pay; your plan at /me/plan"),
    "iryna": N_("your pay at /pay: February's breakdown and its PDF statement; read and acknowledge your plan at "
                "/me/plan?period=2026-03"),
}
ROLES = {"admin": N_("admin"), "finance": N_("finance"), "hr": N_("hr"), "manager": N_("manager"), "rep": N_("rep")}


def seed(conn: Connection, data: Path = DATA) -> dict[str, str]:
    """Seed everything; returns the API tokens of the users created now (name → token)."""
    _refuse_others(conn)
    # Users tied to a rep need the reps imported first.
    tokens = _add_users(conn, [u for u in USERS if u[2] is None])
    import_directory(conn, data, get_user(conn, "fiona"))
    tokens |= _add_users(conn, [u for u in USERS if u[2] is not None])
    users = {name: get_user(conn, name) for name, _, _ in USERS}
    refs = [plan_store.publish(conn, read_plan_file(ROOT / "plans" / f), f"plans/{f}", users["hanna"])
            for f in PLANS]
    ae = f"{refs[0].plan_id}@{refs[0].version}"
    for period, final in (("2026-01", "paid"), ("2026-02", "approved"), ("2026-03", "draft")):
        _run(conn, ae, period, final, users)
    # The managers' own pay (their plan's runs), after the AE runs so those keep ids 1-3.
    manager = f"{refs[2].plan_id}@{refs[2].version}"
    for period, final in (("2026-01", "paid"), ("2026-02", "approved")):
        _run(conn, manager, period, final, users)
    return tokens


def _refuse_others(conn: Connection) -> None:
    """Conflict when the database has users the demo did not make (it is someone's real one)."""
    others = sorted(set(conn.execute(select(users_table.c.name)).scalars()) - {name for name, _, _ in USERS})
    if others:
        shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
        raise Conflict(N_("this database has users the demo did not make (%(names)s): the demo seeds only a new "
                          "database, or one it seeded before; set PAYPLAN_DATABASE_URL to a new one"), names=shown)


def _add_users(conn: Connection, wanted: list[tuple[str, str, str | None]]) -> dict[str, str]:
    return {name: add_user(conn, name, role, rep_id, PASSWORD, actor="demo")
            for name, role, rep_id in wanted if _missing(conn, name)}


def _missing(conn: Connection, name: str) -> bool:
    try:
        get_user(conn, name)
    except NotFound:
        return True
    return False


def _run(conn: Connection, ref: str, period: str, final: str, users: dict[str, User]) -> None:
    try:
        run = runs.create_run(conn, ref, period, users["fiona"], idempotency_key=f"demo-{ref}-{period}")
    except Conflict:
        return  # seeded before
    if final == "draft" or run.state != "draft":
        return
    runs.submit(conn, run.id, users["fiona"])
    runs.approve(conn, run.id, users["felix"])  # another finance user: segregation of duties
    if final == "paid":
        runs.pay(conn, run.id, users["felix"])
