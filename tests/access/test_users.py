"""Users: tokens stored only as SHA-256, roles validated, scrypt passwords."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from payplan.access.users import User, add_user, check_password, get_user, user_for_token
from payplan.errors import Conflict, Invalid, NotFound
from payplan.store.service_schema import tokens, users


def test_token_is_shown_once_and_stored_hashed(tx, company):
    token = company.tokens["ann"]
    assert len(token) >= 43
    stored = tx(lambda conn: list(conn.execute(select(tokens.c.token_hash)).scalars()))
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    assert tx(user_for_token, token) == User(company.ann.id, "ann", "rep", "A1")
    assert tx(user_for_token, token + "x") is None
    assert tx(user_for_token, "") is None


def test_passwords(tx, company):
    assert tx(check_password, "admin", "admin-pass-2026") == company.admin
    assert tx(check_password, "admin", "wrong") is None
    assert tx(check_password, "nobody", "admin-pass-2026") is None
    assert tx(check_password, "ann", "") is None  # no password set
    stored = tx(lambda conn: conn.execute(select(users.c.password_hash).where(users.c.name == "admin")).scalar())
    assert stored.startswith("scrypt$") and "admin-pass-2026" not in stored


def test_roles_and_reps_are_checked(tx, company):
    with pytest.raises(Invalid, match="unknown role"):
        tx(add_user, "x", "boss")
    with pytest.raises(Invalid, match="rep-id"):
        tx(add_user, "x", "rep")
    with pytest.raises(Invalid, match="not in the facts"):
        tx(add_user, "x", "rep", "NOPE")
    with pytest.raises(Conflict):
        tx(add_user, "ann", "finance")
    with pytest.raises(NotFound):
        tx(get_user, "x")
