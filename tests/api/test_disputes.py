"""Disputes through the API: open, answer, reply, resolve (with an adjustment run) or reject;
the refusals (not your result, a draft run, a second resolution, empty text), who sees what,
and the audit rows each step writes.

The world (conftest): A1 ("rep") and A2 ("rep2") report to M1 ("manager"); run `approved`
(2026-03) had a deal of A1's (LATE1) imported after approval, so it can be adjusted; the
world holds one dispute already, A2's (`world.runs["dispute"]`).
"""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import select

from payplan.store.service_schema import audit_log, dispute_steps, disputes, runs


def open_one(world, client, who="rep", **body):
    payload = {"run_id": world.runs["approved"], "subject_kind": "deal", "subject": "LATE1",
               "text": "LATE1 closed on 28 March and is not on my statement", **body}
    return client.post("/disputes", json=payload, headers=world.headers(who))


def step(world, client, dispute_id, who, name, text="see the thread", **more):
    return client.post(f"/disputes/{dispute_id}/steps", json={"step": name, "text": text, **more},
                       headers=world.headers(who))


def audit_rows(world, dispute_id):
    with world.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.actor, audit_log.c.detail)
                            .where(audit_log.c.object == f"dispute {dispute_id}").order_by(audit_log.c.id))
        return [(a, who, msgspec.json.decode(d)) for a, who, d in rows]


def test_open_answer_reply_resolve_with_an_adjustment(world, world_client):
    opened = open_one(world, world_client)
    assert opened.status_code == 201, opened.text
    thread = opened.json()
    dispute = thread["dispute"]
    assert (dispute["rep_id"], dispute["state"], dispute["subject"], dispute["revision"]) == ("A1", "open", "LATE1", 1)
    assert thread["offered"] == ["reply"] and thread["run_period"] == "2026-03"
    did = dispute["id"]

    answered = step(world, world_client, did, "finance", "answer", "Checking the CRM export")
    assert answered.status_code == 200 and answered.json()["dispute"]["state"] == "answered"
    assert answered.json()["offered"] == ["answer", "resolve", "reject"]
    replied = step(world, world_client, did, "rep", "reply", "It is deal LATE1, 5000.00 EUR")
    assert replied.json()["dispute"]["state"] == "open"
    resolved = step(world, world_client, did, "finance", "resolve", "Imported; adjustment run created", adjust=True)
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    adjustment = body["dispute"]["adjustment_run_id"]
    assert body["dispute"]["state"] == "resolved" and body["dispute"]["revision"] == 4 and body["offered"] == []
    assert body["correction"] == {"run_id": adjustment, "state": "draft", "statement": False}
    assert [s["step"] for s in body["steps"]] == ["open", "answer", "reply", "resolve"]
    assert [s["author"] for s in body["steps"]] == ["rep", "finance", "rep", "finance"]
    with world.engine.connect() as conn:
        run = conn.execute(select(runs.c.kind, runs.c.adjusts_run_id, runs.c.state).where(runs.c.id == adjustment)).one()
    assert tuple(run) == ("adjustment", world.runs["approved"], "draft")
    actions = audit_rows(world, did)
    assert [(a, who) for a, who, _ in actions] == [("dispute.open", "rep"), ("dispute.answer", "finance"),
                                                   ("dispute.reply", "rep"), ("dispute.resolve", "finance")]
    assert actions[-1][2]["adjustment_run"] == adjustment and actions[-1][2]["state"] == "resolved"
    assert actions[0][2]["text"] == "LATE1 closed on 28 March and is not on my statement"

    # once another finance user approves the adjustment, the rep's thread names their correction statement
    for who, what in (("finance", "submit"), ("finance2", "approve")):
        assert world_client.post(f"/runs/{adjustment}/{what}", headers=world.headers(who)).status_code == 200
    seen = world_client.get(f"/disputes/{did}", headers=world.headers("rep")).json()
    assert seen["correction"] == {"run_id": adjustment, "state": "approved", "statement": True}
    assert world_client.get(f"/runs/{adjustment}/results/A1", headers=world.headers("rep")).status_code == 200


def test_reject_and_naming_an_existing_adjustment_run(world, world_client):
    first = open_one(world, world_client).json()["dispute"]["id"]
    second = open_one(world, world_client, subject_kind="kpi", subject="revenue").json()["dispute"]["id"]
    rejected = step(world, world_client, first, "admin", "reject", "Not a March deal")
    assert rejected.json()["dispute"]["state"] == "rejected"
    adjustment = world_client.post(f"/runs/{world.runs['approved']}/adjust", headers=world.headers("finance")).json()
    wrong = step(world, world_client, second, "finance", "resolve", "done", adjustment_run_id=world.runs["draft"])
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["where"] == "adjustment_run_id"
    named = step(world, world_client, second, "finance", "resolve", "done", adjustment_run_id=adjustment["id"])
    assert named.status_code == 200 and named.json()["dispute"]["adjustment_run_id"] == adjustment["id"]


def test_a_dispute_resolved_twice_is_a_conflict(world, world_client):
    did = open_one(world, world_client).json()["dispute"]["id"]
    assert step(world, world_client, did, "finance", "resolve", "fixed").status_code == 200
    again = step(world, world_client, did, "finance2", "resolve", "fixed too")
    assert again.status_code == 409 and "resolved" in again.json()["detail"]
    assert [a for a, _, _ in audit_rows(world, did)] == ["dispute.open", "dispute.resolve"]


def test_a_stale_revision_is_a_conflict(world, world_client):
    did = open_one(world, world_client).json()["dispute"]["id"]
    assert step(world, world_client, did, "finance", "answer", "looking").status_code == 200
    stale = world_client.post(f"/disputes/{did}/steps?revision=1", json={"step": "resolve", "text": "ok"},
                              headers=world.headers("finance2"))
    assert stale.status_code == 409 and "revision 1" in stale.json()["detail"]
    with world.engine.connect() as conn:
        assert conn.execute(select(disputes.c.state).where(disputes.c.id == did)).scalar() == "answered"


@pytest.mark.parametrize("text", ["", "   \n "])
def test_empty_text_is_422_naming_the_field(world, world_client, text):
    refused = open_one(world, world_client, text=text)
    assert refused.status_code == 422 and refused.json()["errors"][0]["where"] == "text"
    assert "text" in refused.json()["detail"]
    did = open_one(world, world_client).json()["dispute"]["id"]
    empty = step(world, world_client, did, "finance", "answer", text)
    assert empty.status_code == 422 and empty.json()["errors"][0]["where"] == "text"


def test_bounds_on_text_subject_and_kind(world, world_client):
    assert open_one(world, world_client, text="x" * 4000).status_code == 201
    long = open_one(world, world_client, text="x" * 4001)
    assert long.status_code == 422 and "4000" in long.json()["detail"]
    kind = open_one(world, world_client, subject_kind="bonus")
    assert kind.status_code == 422 and kind.json()["errors"][0]["where"] == "subject_kind"
    subject = open_one(world, world_client, subject="")
    assert subject.status_code == 422 and subject.json()["errors"][0]["where"] == "subject"
    assert open_one(world, world_client, subject_kind="other", subject="").status_code == 201


def test_refusals_not_your_result_a_draft_a_manager_finance(world, world_client):
    # A1's manager may not open one on A1's result; finance is not paid by a statement
    assert open_one(world, world_client, who="manager").status_code in (403, 404)
    assert open_one(world, world_client, who="finance").status_code == 403
    assert open_one(world, world_client, who="hr").status_code == 403
    # the outsider (X1) has no result in the run; a draft run is no one's pay yet
    assert open_one(world, world_client, who="outsider").status_code == 404
    assert open_one(world, world_client, run_id=world.runs["draft"]).status_code == 404
    assert open_one(world, world_client, run_id=world.runs["submitted"]).status_code == 404
    with world.engine.connect() as conn:
        assert conn.execute(select(disputes.c.id).where(disputes.c.rep_id == "A1")).first() is None


def test_who_sees_and_steps_on_a_dispute(world, world_client):
    theirs = world.runs["dispute"]  # A2's
    mine = open_one(world, world_client).json()["dispute"]["id"]

    def listed(who, query=""):
        response = world_client.get(f"/disputes{query}", headers=world.headers(who))
        assert response.status_code == 200, response.text
        return {d["id"] for d in response.json()}

    assert listed("rep") == {mine} and listed("rep2") == {theirs}
    assert listed("manager") == listed("finance") == listed("admin") == {mine, theirs}
    assert listed("outsider") == set()
    assert listed("finance", f"?run={world.runs['approved']}&state=open") == {mine, theirs}
    assert listed("finance", f"?run={world.runs['draft']}") == set()
    assert listed("finance", "?state=resolved") == set()
    assert world_client.get(f"/disputes/{theirs}", headers=world.headers("rep")).status_code == 404
    assert step(world, world_client, theirs, "rep", "reply", "me too").status_code == 404
    manager = world_client.get(f"/disputes/{mine}", headers=world.headers("manager"))
    assert manager.status_code == 200 and manager.json()["offered"] == []
    assert step(world, world_client, mine, "manager", "answer").status_code == 403
    assert step(world, world_client, mine, "finance", "reply").status_code == 403
    assert step(world, world_client, mine, "rep", "resolve").status_code == 403
    assert step(world, world_client, mine, "rep", "answer", adjust=True).status_code == 403
    assert step(world, world_client, mine, "finance", "answer", adjust=True).status_code == 422
    assert step(world, world_client, mine, "finance", "close").status_code == 422
    assert world_client.get("/disputes", headers=world.headers("hr")).status_code == 403
    with world.engine.connect() as conn:
        kept = conn.execute(select(dispute_steps.c.step).where(dispute_steps.c.dispute_id == mine)).scalars().all()
    assert kept == ["open"]


def test_open_count_for_the_review(world, world_client):
    from payplan.runs.dispute_views import open_count, open_counts

    did = open_one(world, world_client).json()["dispute"]["id"]
    with world.engine.connect() as conn:
        assert open_count(conn, world.runs["approved"]) == 2 and open_counts(conn) == {world.runs["approved"]: 2}
    step(world, world_client, did, "finance", "reject", "no")
    with world.engine.connect() as conn:
        assert open_count(conn, world.runs["approved"]) == 1 and open_count(conn, world.runs["draft"]) == 0


def test_two_finance_users_resolving_at_once_resolve_it_once(world, world_client):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from payplan.access.users import get_user
    from payplan.api.db import Database
    from payplan.errors import Conflict
    from payplan.runs.disputes import take_step

    did = open_one(world, world_client).json()["dispute"]["id"]
    with world.engine.connect() as conn:
        people = [get_user(conn, name) for name in ("finance", "finance2")]
    db, barrier = Database(world.engine), threading.Barrier(2)

    def resolve(user) -> str:
        barrier.wait()
        try:
            db.write(lambda conn: take_step(conn, did, "resolve", f"fixed by {user.name}", user, revision=1))
        except Conflict:
            return "conflict"
        return "resolved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(resolve, people))
    assert outcomes == ["conflict", "resolved"]
    assert [a for a, _, _ in audit_rows(world, did)] == ["dispute.open", "dispute.resolve"]
    with world.engine.connect() as conn:
        steps = conn.execute(select(dispute_steps.c.step).where(dispute_steps.c.dispute_id == did)).scalars().all()
        assert steps == ["open", "resolve"]
