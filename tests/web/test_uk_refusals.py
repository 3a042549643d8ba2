"""Refusals and errors a browser reads, said whole in the page's language: a locked sign-in, an
expired form, a role's refusal, a simulation form's bad field, and addresses no page answers.

Tests marked NEW-MSGID assert the Ukrainian of a message id added with them: they pass once the
uk catalog translates it."""

from __future__ import annotations

import re
from html import unescape

import pytest

from .conftest import HTML, PASSWORD
from .test_pages import PROBLEM, post_form, sign_in

UK = {**HTML, "Accept-Language": "uk-UA,uk;q=0.9"}


def message(html: str, element_id: str = "") -> str:
    """The text of the page's alert (or of the element with `element_id`), as a reader sees it."""
    pattern = rf'(?s)id="{element_id}"[^>]*>(.*?)</(?:p|div)>' if element_id else r'(?s)role="alert"[^>]*>(.*?)</p>'
    (found,) = re.findall(pattern, html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found)).split())


def _lock(client, lang: str):
    client.get(f"/signin?lang={lang}", headers=HTML)
    for _ in range(5):
        assert sign_in(client, "iryna", "wrong").status_code == 401
    locked = sign_in(client, "iryna", PASSWORD)
    assert locked.status_code == 429
    return locked, int(locked.headers["retry-after"])


def test_a_locked_sign_in_says_how_long_to_wait_in_words(client):
    locked, wait = _lock(client, "en")
    assert f"Too many wrong passwords: try again in {wait} seconds." in locked.text


def test_a_locked_sign_in_says_how_long_to_wait_in_ukrainian(client):
    locked, wait = _lock(client, "uk")
    assert '<html lang="uk">' in locked.text and "try again" not in locked.text
    assert f"Забагато неправильних паролів: спробуйте ще раз через {wait} секунд." in locked.text


def test_an_expired_form_says_so_instead_of_the_csrf_check(client):
    client.get("/signin?lang=en", headers=HTML)
    refused = client.post("/signin", data={"name": "iryna", "password": PASSWORD, "_csrf_token": "stale"},
                          headers=HTML, follow_redirects=False)
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert message(refused.text) == "The form expired: reload the page and try again."
    assert "CSRF" not in refused.text
    api = client.post("/signin", data={"name": "iryna", "password": PASSWORD, "_csrf_token": "stale"})
    assert api.status_code == 403 and api.json()["detail"] == "CSRF token verification failed"


def test_an_expired_form_in_ukrainian(client):
    client.get("/signin?lang=uk", headers=HTML)
    refused = client.post("/signin", data={"name": "iryna", "password": PASSWORD, "_csrf_token": "stale"},
                          headers=HTML, follow_redirects=False)
    assert refused.status_code == 403 and '<html lang="uk">' in refused.text and "CSRF" not in refused.text
    assert message(refused.text) == "Форма застаріла: оновіть сторінку і спробуйте ще раз."


def test_a_roles_refusal_names_the_roles_in_words(client):
    assert sign_in(client, "iryna").status_code == 303
    uk = client.get("/finance/runs?lang=uk", headers=HTML)
    assert uk.status_code == 403
    assert message(uk.text) == "роль «менеджер з продажу» не може цього робити (дозволено: адміністратор, фінанси)"
    en = client.get("/finance/runs?lang=en", headers=HTML)
    assert message(en.text) == "the role 'rep' may not do this (allowed: admin, finance)"
    api = client.get("/finance/runs", headers={"Accept": "application/json"})
    assert api.json()["detail"] == "the role 'rep' may not do this (allowed: admin, finance)"


@pytest.mark.parametrize("fields, said", [
    ({"lever:kpi_bonus.kpis.demos.weight": "abc", "shown:kpi_bonus.kpis.demos.weight": "15"},
     "Бонус за KPI — Демонстрації продукту — вага, відсотки: 'abc' — не число"),
    ({"budget": "багато", "lever": "kpi_bonus.target_incentive"}, "Бюджет за періоди: 'багато' — не число"),
    ({"budget": "1000", "tolerance": "x", "lever": "kpi_bonus.target_incentive"}, "Допуск: 'x' — не число"),
])
def test_a_simulation_forms_bad_field_is_named_by_its_label(client, fields, said):
    assert sign_in(client, "hanna").status_code == 303
    assert client.get("/hr/simulation?lang=uk", headers=HTML).status_code == 200
    refused = post_form(client, "/hr/simulation", baseline="ae-2026@1", proposal="ae-2026@2", source="published",
                        start="2026-01", end="2026-02", **fields)
    assert refused.status_code == 422 and message(refused.text, "message") == said


def test_a_simulation_forms_bad_field_in_english(client):
    assert sign_in(client, "hanna").status_code == 303
    client.get("/hr/simulation?lang=en", headers=HTML)
    refused = post_form(client, "/hr/simulation", baseline="ae-2026@1", proposal="ae-2026@2", source="published",
                        start="2026-01", end="2026-02", budget="lots", lever="kpi_bonus.target_incentive")
    assert message(refused.text, "message") == "Budget over the periods: 'lots' is not a number"


UNKNOWN = ["/nonexistent", "/finance/runs/abc", "/plans/ae-2026/view", "/pay/abc/AE01"]


@pytest.mark.parametrize("path", UNKNOWN)
def test_a_signed_out_browser_on_an_unknown_address_is_sent_to_sign_in_and_an_api_client_gets_401(client, path):
    page = client.get(path, headers=UK, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/signin?next={path}"
    api = client.get(path, headers={"Accept": "application/json"}, follow_redirects=False)
    assert api.status_code == 401 and api.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("path", UNKNOWN)
def test_a_signed_in_browser_on_an_unknown_address_gets_a_404_page_in_its_language(client, path):
    assert sign_in(client, "fiona").status_code == 303
    page = client.get(path, headers=UK)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="uk">' in page.text and "<h1>Не знайдено</h1>" in page.text
    assert '"title"' not in page.text and "Not Found" not in page.text
    api = client.get(path, headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.headers["content-type"].startswith(PROBLEM)
    assert api.json()["title"] == "Not Found"


def test_an_unknown_address_says_so_in_words(client):
    assert sign_in(client, "fiona").status_code == 303
    page = client.get("/nonexistent?lang=en", headers=HTML)
    assert message(page.text) == "There is no page at this address: check it, or go back to your pages."


def test_an_unknown_address_says_so_in_ukrainian(client):
    assert sign_in(client, "fiona").status_code == 303
    page = client.get("/nonexistent?lang=uk", headers=HTML)
    assert message(page.text) == "За цією адресою немає сторінки: перевірте її або поверніться до своїх сторінок."


def test_a_signed_out_browser_following_a_statement_link_signs_in_first(client, company):
    path = f"/runs/{company.runs['mar']}/results/AE01/statement.html"
    page = client.get(path + "?lang=uk", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/signin?next={path}"
    assert client.get(path, follow_redirects=False).status_code == 401


def test_a_browser_gets_the_apis_status_and_headers_for_a_refused_file_a_bad_plan_and_a_lockout(client, company):
    """The HTML error page answers with the API's status (422, not 500) and keeps its headers."""
    token = company.headers("fiona")
    bad_file = client.post("/facts/deals", content=b"id,rep_id\nx,y\n",
                           headers={**token, "Accept": "text/html", "Content-Type": "text/csv"})
    assert bad_file.status_code == 422 and "deals.csv" in bad_file.text
    bad_plan = client.post("/simulations", json={"baseline": "ae-2026@2", "proposal": {"toml": "id = [oops"},
                                                 "periods": "2026-01..2026-03"},
                           headers={**company.headers("hanna"), "Accept": "text/html"})
    assert bad_plan.status_code == 422 and "draft.toml" in bad_plan.text
    wrong = client.delete("/runs", headers={**token, "Accept": "text/html"})
    assert wrong.status_code == 405 and "allow" in {k.lower() for k in wrong.headers}
