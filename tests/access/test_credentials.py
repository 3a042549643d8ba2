"""The credential lifecycle in the database (SQLite and PostgreSQL): expiry, revocation, disabling,
session versions and the password policy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from payplan.access import credentials
from payplan.access.users import (
    add_user,
    check_password,
    end_sessions,
    session_user,
    session_version,
    user_for_token,
)
from payplan.errors import Conflict, Invalid, NotFound
from payplan.store import audit
from payplan.store.service_schema import tokens


def test_a_new_token_expires_after_the_days_asked(tx, company):
    token = tx(credentials.issue_token, "fin1", "tester", 7)
    made, expires = tx(lambda conn: conn.execute(select(tokens.c.created_at, tokens.c.expires_at)
                                                 .order_by(tokens.c.id.desc()).limit(1)).one())
    parse = lambda text: datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    assert abs(parse(expires) - parse(made) - timedelta(days=7)) < timedelta(seconds=5)
    assert tx(user_for_token, token) == company.fin1
    with pytest.raises(Invalid, match="1 to 3650 days"):
        tx(credentials.issue_token, "fin1", "tester", 0)


def test_an_expired_token_finds_nobody(tx, company):
    token = company.tokens["ann"]
    one_second_ago = (datetime.now(timezone.utc) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    tx(lambda conn: conn.execute(update(tokens).where(tokens.c.user_id == company.ann.id)
                                 .values(expires_at=one_second_ago)))
    assert tx(user_for_token, token) is None


def test_revoking_one_token_leaves_the_others(tx, company):
    second = tx(credentials.issue_token, "ann", "tester")
    first_id = tx(credentials.list_tokens, "ann")[-1].id
    tx(credentials.revoke_token, "ann", first_id, "tester")
    assert tx(user_for_token, company.tokens["ann"]) is None
    assert tx(user_for_token, second) == company.ann
    with pytest.raises(NotFound):
        tx(credentials.revoke_token, "cy", first_id, "tester")  # not cy's token


def test_disabling_revokes_every_token_ends_sessions_and_logins(tx, company):
    tx(credentials.issue_token, "admin", "tester")
    version = tx(session_version, company.admin.id)
    assert tx(session_user, company.admin.id, version) == company.admin
    assert tx(credentials.disable_user, "admin", "tester") == 2
    assert tx(user_for_token, company.tokens["admin"]) is None
    assert tx(session_user, company.admin.id, version) is None
    assert tx(session_user, company.admin.id, version + 1) is None  # disabled, whatever the version
    assert tx(check_password, "admin", "admin-pass-2026") is None
    with pytest.raises(Conflict, match="disabled already"):
        tx(credentials.disable_user, "admin", "tester")
    assert [e["action"] for e in tx(audit.entries)][0] == "user.disable"


def test_logout_and_a_password_change_move_the_session_version_on(tx, company):
    version = tx(session_version, company.admin.id)
    tx(end_sessions, company.admin.id)
    assert tx(session_user, company.admin.id, version) is None
    assert tx(session_user, company.admin.id, version + 1) == company.admin
    tx(credentials.set_password, "admin", "a-whole-new-admin-password", "tester")
    assert tx(session_user, company.admin.id, version + 1) is None
    assert tx(check_password, "admin", "a-whole-new-admin-password") == company.admin
    assert tx(check_password, "admin", "admin-pass-2026") is None


@pytest.mark.parametrize("password", ["", "1", "admin-pass", "password1234", "iloveyou1234"])
def test_add_user_refuses_a_weak_password_and_writes_nothing(tx, company, password):
    with pytest.raises(Invalid):
        tx(add_user, "newbie", "finance", None, password)
    assert "newbie" not in {u.name for u in tx(credentials.list_users)}


def test_list_users_counts_working_tokens(tx, company):
    tx(credentials.issue_token, "cy", "tester")
    listed = {u.name: u for u in tx(credentials.list_users)}
    assert listed["cy"].active_tokens == 2 and listed["ann"].active_tokens == 1
    assert listed["admin"].has_password and not listed["cy"].has_password
    assert listed["cy"].disabled_at is None
