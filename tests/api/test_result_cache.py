"""The rep breakdown served from memory (`payplan.api.result_cache`) and bearer tokens remembered
(`payplan.access.token_cache`), SQLite and PostgreSQL: the same bytes as the database path, and every
credential change or ownership rule in force on the very next request."""

from __future__ import annotations

import pytest

from payplan.access.credentials import set_password
from payplan.api import results
from payplan.api.result_cache import ResultCache


def _breakdown(client, world, who, rep="A1", run="approved"):
    return client.get(f"/runs/{world.runs[run]}/results/{rep}", headers=world.headers(who))


def test_a_cached_breakdown_is_the_uncached_response_byte_for_byte(world, world_client, monkeypatch):
    cache = world_client.app.state.results
    first = _breakdown(world_client, world, "rep")
    assert first.status_code == 200 and len(cache) == 1
    document = first.json()
    assert (document["run_id"], document["rep_id"]) == (world.runs["approved"], "A1")
    monkeypatch.setattr(results, "_breakdown", lambda *a: pytest.fail("read from the database again"))
    again = _breakdown(world_client, world, "rep")
    assert again.content == first.content
    assert again.headers.items() == first.headers.items()
    assert _breakdown(world_client, world, "finance").content == first.content  # finance sees all: from memory


def test_a_draft_result_is_never_kept(world, world_client):
    first = _breakdown(world_client, world, "finance", run="draft")
    assert first.status_code == 200 and first.json()["rep_id"] == "A1"
    assert len(world_client.app.state.results) == 0


def test_another_rep_cannot_read_a_kept_breakdown(world, world_client):
    assert _breakdown(world_client, world, "rep").status_code == 200  # A1's, now in memory
    refused = _breakdown(world_client, world, "rep2")  # A2 asks for A1's
    assert refused.status_code == 404
    assert _breakdown(world_client, world, "outsider").status_code == 404
    assert _breakdown(world_client, world, "rep2", rep="A2").json()["rep_id"] == "A2"


def test_a_disabled_users_remembered_token_is_refused_on_the_next_request(world, world_client, monkeypatch):
    assert _breakdown(world_client, world, "rep").status_code == 200  # token and breakdown now in memory
    assert len(world_client.app.state.tokens) >= 1 and len(world_client.app.state.results) == 1
    monkeypatch.setattr(results, "_breakdown", lambda *a: pytest.fail("read from the database"))
    assert _breakdown(world_client, world, "rep").status_code == 200  # from memory alone
    assert world_client.post("/users/rep/disable", headers=world.headers("admin")).status_code == 200
    assert _breakdown(world_client, world, "rep").status_code == 401
    assert world_client.get("/me", headers=world.headers("rep")).status_code == 401


def test_a_role_change_takes_effect_on_the_next_request(world, world_client):
    assert _breakdown(world_client, world, "finance").status_code == 200  # token and breakdown remembered
    changed = world_client.post("/users/finance/role", json={"role": "manager"}, headers=world.headers("admin"))
    assert changed.status_code == 204
    me = world_client.get("/me", headers=world.headers("finance"))
    assert me.json()["role"] == "manager"
    assert _breakdown(world_client, world, "finance").status_code == 404  # a manager of no team sees nothing
    assert world_client.post("/users/finance/role", json={"role": "rep"},
                             headers=world.headers("admin")).status_code == 422  # a rep needs a rep id


def test_a_revoked_remembered_token_is_refused_on_the_next_request(world, world_client):
    assert _breakdown(world_client, world, "rep").status_code == 200
    listed = world_client.get("/users/rep/tokens", headers=world.headers("admin")).json()
    assert world_client.delete(f"/users/rep/tokens/{listed[0]['id']}", headers=world.headers("admin")).status_code == 204
    assert _breakdown(world_client, world, "rep").status_code == 401


def test_the_kept_bodies_are_bounded_in_bytes_and_keyed_by_the_runs_hash():
    cache = ResultCache(max_bytes=10)
    cache.put(1, "A1", "h1", b"12345")
    cache.put(1, "A2", "h1", b"123456")  # 11 bytes in all: the oldest goes
    assert (cache.get(1, "A1"), cache.get(1, "A2"), len(cache)) == (None, b"123456", 1)
    cache.put(2, "A1", "h2", b"x" * 11)  # larger than the whole budget: never kept
    assert cache.get(2, "A1") is None
    cache.put(1, "A2", "h9", b"other")  # the run's hash is another: the old entry no longer answers
    assert cache.get(1, "A2") == b"other"


def test_a_bearer_read_skips_the_session_but_a_login_still_gets_its_cookie(world, world_client):
    read = _breakdown(world_client, world, "rep")
    assert read.status_code == 200 and "set-cookie" not in read.headers
    with world.engine.begin() as conn:
        set_password(conn, "rep2", "a-long-enough-password-2026", "test")
    login = world_client.post("/login", data={"name": "rep2", "password": "a-long-enough-password-2026"},
                              headers=world.headers("rep"))  # a bearer header on a POST: the session is made
    assert login.status_code == 200 and "payplan_session=" in login.headers.get("set-cookie", "")
