"""Health, authentication (bearer and session cookie), CSRF and the problem documents."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from payplan.app import create_app

from .conftest import PASSWORD, settings_for

PROBLEM = "application/problem+json"


def test_health_answers_without_a_token(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_a_503_problem_when_the_database_is_gone(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite'}"))
    with TestClient(app) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("path", ["/me", "/schema/openapi.json", "/facts/reps", "/runs", "/plans", "/audit"])
def test_nothing_else_answers_without_a_token(client, path):
    response = client.get(path) if path != "/facts/reps" else client.post(path, content=b"x")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] and body["type"].startswith("urn:payplan:problem:")


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic YWRtaW46YWRtaW4=", "bearer"])
def test_bad_credentials_are_401(client, header):
    assert client.get("/me", headers={"Authorization": header}).status_code == 401


def test_bearer_token_identifies_the_user(client, company):
    response = client.get("/me", headers=company.headers("rep"))
    assert response.status_code == 200
    assert response.json() == {"id": response.json()["id"], "name": "rep", "role": "rep", "rep_id": "A1"}


def _login(client, name="rep", password=PASSWORD):
    page = client.get("/login")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    token = client.cookies.get("payplan_csrf")
    assert token and token in page.text
    return client.post("/login", data={"name": name, "password": password, "_csrf_token": token})


def test_login_sets_a_session_cookie_and_logout_forgets_it(client):
    assert _login(client).status_code == 200
    assert client.get("/me").json()["name"] == "rep"
    csrf = client.cookies.get("payplan_csrf")
    assert client.post("/logout", headers={"x-csrf-token": csrf}).status_code == 204
    assert client.get("/me").status_code == 401


def test_wrong_password_is_401(client):
    response = _login(client, password="wrong")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert client.get("/me").status_code == 401


def test_login_without_the_csrf_token_is_refused(client):
    response = client.post("/login", data={"name": "rep", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/me").status_code == 401


def test_cookie_requests_need_the_csrf_header_bearer_requests_do_not(client, company):
    assert _login(client, "admin").status_code == 200
    csv = (DATA_TARGET := b"scope,scope_id,period,metric,target\nrep,A1,2026-04,revenue,100\n")
    refused = client.post("/facts/targets", content=csv, headers={"Content-Type": "text/csv"})
    assert refused.status_code == 403
    csrf = client.cookies.get("payplan_csrf")
    allowed = client.post("/facts/targets", content=DATA_TARGET,
                          headers={"Content-Type": "text/csv", "x-csrf-token": csrf})
    assert allowed.status_code == 200, allowed.text
    client.cookies.clear()
    bearer = client.post("/facts/targets", content=csv, headers={"Content-Type": "text/csv", **company.headers("admin")})
    assert bearer.status_code == 200


def test_unknown_route_and_method_are_problems(client, company):
    missing = client.get("/nowhere", headers=company.headers("admin"))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM)
    wrong = client.delete("/health", headers=company.headers("rep"))
    assert wrong.status_code == 405 and wrong.headers["content-type"].startswith(PROBLEM)
    assert client.get("/nowhere").status_code == 401  # without credentials: nothing to see
    assert client.delete("/health").status_code == 401


def test_openapi_schema_is_served_to_authenticated_users(client, company):
    response = client.get("/schema/openapi.json", headers=company.headers("rep"))
    assert response.status_code == 200
    schema = response.json()
    assert "/facts/{kind}" in schema["paths"] and "/health" in schema["paths"]
    assert "Problem" in schema["components"]["schemas"]


def test_unexpected_errors_are_500_without_internals(company, monkeypatch):
    from payplan.facts import uploads

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: /etc/passwd")

    monkeypatch.setattr(uploads, "parse_upload", boom)
    with TestClient(create_app(settings_for(company.url))) as client:
        response = client.post("/facts/reps", content=b"rep_id\n", headers={"Content-Type": "text/csv",
                                                                            **company.headers("admin")})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "secret" not in response.text and "Traceback" not in response.text


def test_secure_cookies_setting_marks_both_cookies_secure(company):
    import msgspec

    settings = msgspec.structs.replace(settings_for(company.url), secure_cookies=True)
    with TestClient(create_app(settings), base_url="https://payplan.local") as client:
        page = client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()
        response = client.post("/login", data={"name": "rep", "password": PASSWORD,
                                               "_csrf_token": client.cookies.get("payplan_csrf")})
        assert response.status_code == 200
        assert all("secure" in c.lower() for c in response.headers.get_list("set-cookie"))
