"""Credentials with a lifecycle through the API (SQLite and PostgreSQL): no forged or replayed
cookie, no expired, revoked or disabled token, throttled logins, the password policy, rotation."""

from __future__ import annotations

import hashlib

from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.testing import TestClient
from sqlalchemy import update

from payplan.access.throttle import BASE_LOCK, FREE_FAILURES
from payplan.access.token_cache import TTL_SECONDS, TokenCache
from payplan.access.users import get_user
from payplan.api.auth import SESSION_COOKIE
from payplan.app import create_app
from payplan.store.service_schema import tokens

from .conftest import PASSWORD, SECRET, settings_for

OLD_PUBLIC_SECRET = "payplan-dev-secret-change-me-0123456789abcdef"  # settings.py's default until issue #19


def _login(client, name="rep", password=PASSWORD):
    client.get("/login")
    return client.post("/login", data={"name": name, "password": password,
                                       "_csrf_token": client.cookies.get("payplan_csrf")})


def _cookie_made_with(secret: str, session: dict) -> str:
    """A session cookie sealed the way payplan seals them, with `secret` (what a forger would do)."""
    key = hashlib.sha256(b"payplan-session:" + secret.encode()).digest()
    backend = ClientSideSessionBackend(CookieBackendConfig(secret=key, key=SESSION_COOKIE))
    return b"".join(backend.dump_data(session)).decode()


def _me_with_cookie(client, cookie: str):
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get("/me")


def test_a_cookie_forged_with_the_old_public_secret_is_401(client, company):
    with company.engine.connect() as conn:
        admin = get_user(conn, "admin")
    for session in ({"user_id": admin.id}, {"user_id": admin.id, "sv": 1}):
        response = _me_with_cookie(client, _cookie_made_with(OLD_PUBLIC_SECRET, session))
        assert response.status_code == 401, response.text
    assert client.get("/audit").status_code == 401


def test_a_cookie_replayed_after_logout_is_401(client):
    assert _login(client).status_code == 200
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.get("/me").json()["name"] == "rep"
    assert client.post("/logout", headers={"x-csrf-token": client.cookies.get("payplan_csrf")}).status_code == 204
    response = _me_with_cookie(client, cookie)
    assert response.status_code == 401
    assert "session has ended" in response.json()["detail"]


def test_an_expired_token_is_401(client, company):
    """Expired in the database behind the app's back (another process): refused once the token the
    app remembers is TTL_SECONDS old, and at once by an app that did not remember it."""
    now = [0.0]
    client.app.state.tokens = TokenCache(clock=lambda: now[0])
    assert client.get("/me", headers=company.headers("finance")).status_code == 200
    with company.engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.user_id == get_user(conn, "finance").id)
                     .values(expires_at="2026-01-01T00:00:00.000000Z"))
    now[0] += TTL_SECONDS
    assert client.get("/me", headers=company.headers("finance")).status_code == 401
    with TestClient(create_app(settings_for(company.url))) as other:
        assert other.get("/me", headers=company.headers("finance")).status_code == 401


def test_a_revoked_token_is_401_and_the_users_other_tokens_keep_working(client, company):
    admin = company.headers("admin")
    second = client.post("/users/finance/tokens", json={"days": 5}, headers=admin)
    assert second.status_code == 201
    listed = client.get("/users/finance/tokens", headers=admin).json()
    assert len(listed) == 2 and listed[0]["revoked_at"] is None
    first_id = listed[1]["id"]  # newest first: the fixture's token is the older one
    assert client.delete(f"/users/finance/tokens/{first_id}", headers=admin).status_code == 204
    assert client.get("/me", headers=company.headers("finance")).status_code == 401
    assert client.get("/me", headers={"Authorization": f"Bearer {second.json()['token']}"}).status_code == 200
    assert client.delete(f"/users/finance/tokens/{first_id}", headers=admin).status_code == 404


def test_disabling_a_user_ends_their_tokens_sessions_and_logins(client, company):
    assert _login(client, "rep").status_code == 200
    cookie = client.cookies.get(SESSION_COOKIE)
    response = client.post("/users/rep/disable", headers=company.headers("admin"))
    assert response.status_code == 200 and response.json() == {"name": "rep", "tokens_revoked": 1}
    assert client.get("/me", headers=company.headers("rep")).status_code == 401
    assert _me_with_cookie(client, cookie).status_code == 401
    client.cookies.clear()
    assert _login(client, "rep").status_code == 401
    listed = {u["name"]: u for u in client.get("/users", headers=company.headers("admin")).json()}
    assert listed["rep"]["disabled_at"] is not None and listed["rep"]["active_tokens"] == 0
    assert listed["admin"]["disabled_at"] is None and listed["admin"]["active_tokens"] == 1
    assert client.post("/users/admin/disable", headers=company.headers("admin")).status_code == 409  # not oneself


def test_a_password_change_ends_the_users_sessions(client, company):
    assert _login(client, "rep").status_code == 200
    cookie = client.cookies.get(SESSION_COOKIE)
    new = "a-brand-new-password-for-rep"
    assert client.post("/users/rep/password", json={"password": new}, headers=company.headers("admin")).status_code == 204
    assert _me_with_cookie(client, cookie).status_code == 401
    client.cookies.clear()
    assert _login(client, "rep", PASSWORD).status_code == 401
    assert _login(client, "rep", new).status_code == 200


def test_the_sixth_wrong_password_within_a_minute_is_429_with_retry_after(client):
    statuses = [_login(client, "rep", f"wrong password {i}").status_code for i in range(FREE_FAILURES)]
    assert statuses == [401] * FREE_FAILURES
    sixth = _login(client, "rep", PASSWORD)  # even the right password waits out the lock
    assert sixth.status_code == 429
    assert 0 < int(sixth.headers["retry-after"]) <= BASE_LOCK
    assert sixth.json()["type"] == "urn:payplan:problem:too-many-requests"
    # another name from the same address is locked too (the address's own count)
    assert _login(client, "admin", PASSWORD).status_code == 429


def test_the_web_sign_in_is_throttled_too(client):
    client.get("/signin")
    for i in range(FREE_FAILURES):
        response = client.post("/signin", data={"name": "rep", "password": f"nope {i}",
                                                 "_csrf_token": client.cookies.get("payplan_csrf")},
                               headers={"Accept": "text/html"})
        assert response.status_code == 401
    response = client.post("/signin", data={"name": "rep", "password": PASSWORD,
                                            "_csrf_token": client.cookies.get("payplan_csrf")},
                           headers={"Accept": "text/html"})
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "Too many wrong passwords" in response.text


def test_a_short_or_common_password_is_refused_by_the_api(client, company):
    admin = company.headers("admin")
    for password, words in (("1", "at least 12"), ("short-pw-11", "at least 12"), ("Password1234", "too common")):
        response = client.post("/users", json={"name": "newbie", "role": "finance", "password": password},
                               headers=admin)
        assert response.status_code == 422, response.text
        assert words in response.json()["detail"]
        response = client.post("/users/rep/password", json={"password": password}, headers=admin)
        assert response.status_code == 422 and words in response.json()["detail"]
    assert "newbie" not in {u["name"] for u in client.get("/users", headers=admin).json()}
    created = client.post("/users", json={"name": "newbie", "role": "finance", "password": "newbie-finance-2026"},
                          headers=admin)
    assert created.status_code == 201
    assert client.get("/me", headers={"Authorization": f"Bearer {created.json()['token']}"}).json()["name"] == "newbie"


def test_a_rotated_secret_still_reads_cookies_made_with_the_previous_one(company):
    new_secret = "the-next-secret-" + "0123456789abcdef" * 2
    with TestClient(create_app(settings_for(company.url))) as old:
        assert _login(old).status_code == 200
        cookie = old.cookies.get(SESSION_COOKIE)
        csrf = old.cookies.get("payplan_csrf")
    rotated = settings_for(company.url)
    rotated = type(rotated)(**{**{f: getattr(rotated, f) for f in rotated.__struct_fields__},
                               "secret": new_secret, "previous_secret": SECRET})
    alone = type(rotated)(**{**{f: getattr(rotated, f) for f in rotated.__struct_fields__}, "previous_secret": None})
    with TestClient(create_app(alone)) as client:  # the new secret without the previous one
        assert _me_with_cookie(client, cookie).status_code == 401
    with TestClient(create_app(rotated)) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        client.cookies.set("payplan_csrf", csrf)
        response = client.get("/me")
        assert response.status_code == 200 and response.json()["name"] == "rep"
        reissued = response.cookies.get(SESSION_COOKIE)
        assert reissued and reissued != cookie  # sealed again, with the new secret
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, reissued)
        client.cookies.set("payplan_csrf", csrf)
        assert client.post("/logout", headers={"x-csrf-token": csrf}).status_code == 204  # old CSRF token too
