"""The pages' access rules and refusals without a browser (Litestar's TestClient, fast).

One rule everywhere: a browser (Accept: text/html) that is not signed in is sent to
/signin and comes back afterwards; a signed-in user on a page that is not for their
role, or on a result that is not theirs, gets an HTML page with the status (403, 404)
and the reason; refused actions and bad forms come back on their page with the
reason. Other clients get the API's problem documents. Nothing answers 500.
"""

from __future__ import annotations

import pytest

from payplan.access.users import get_user

from .conftest import HTML, PASSWORD

PROBLEM = "application/problem+json"
PAGES = ["/", "/pay", "/pay/1/AE01", "/finance/runs", "/finance/runs/1", "/hr/simulation"]
# page → the roles it is for (the others get 403); "/" and breakdowns are for everyone
FOR = {"/pay": {"rep", "manager"}, "/finance/runs": {"finance", "admin"}, "/finance/runs/1": {"finance", "admin"},
       "/hr/simulation": {"hr", "admin"}}
USERS = {"iryna": "rep", "olena": "manager", "fiona": "finance", "hanna": "hr", "admin": "admin"}


def sign_in(client, name: str, password: str = PASSWORD, **extra):
    client.get("/signin", headers=HTML)
    token = client.cookies.get("payplan_csrf")
    return client.post("/signin", data={"name": name, "password": password, "_csrf_token": token, **extra},
                       headers=HTML, follow_redirects=False)


def post_form(client, path: str, **fields):
    return client.post(path, data={"_csrf_token": client.cookies.get("payplan_csrf"), **fields}, headers=HTML)


@pytest.mark.parametrize("path", PAGES)
def test_a_browser_not_signed_in_is_sent_to_sign_in_and_other_clients_get_401(client, path):
    response = client.get(path, headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/signin?next={path}"
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 401 and response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("name, role", USERS.items())
@pytest.mark.parametrize("path", sorted(FOR))
def test_each_page_is_for_its_roles_and_others_get_a_403_page(client, path, name, role):
    assert sign_in(client, name).status_code == 303
    response = client.get(path, headers=HTML)
    if role in FOR[path]:
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    else:
        assert response.status_code == 403 and "text/html" in response.headers["content-type"]
        assert f"the role &#39;{role}&#39; may not do this" in response.text


@pytest.mark.parametrize("name, home", [("iryna", "/progress"), ("olena", "/progress"), ("fiona", "/finance/runs"),
                                        ("hanna", "/hr/simulation"), ("admin", "/finance/runs")])
def test_home_sends_each_role_to_its_pages(client, name, home):
    sign_in(client, name)
    response = client.get("/", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == home


def test_signing_in_goes_back_to_the_page_asked_for_but_never_to_another_site(client):
    assert sign_in(client, "iryna", next="/pay/1/AE01").headers["location"] == "/pay/1/AE01"
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert sign_in(client, "iryna", next=elsewhere).headers["location"] == "/"


@pytest.mark.parametrize("name, password, message", [
    ("iryna", "wrong", "Unknown name or wrong password."),
    ("nobody", "wrong", "Unknown name or wrong password."),
    ("iryna", "", "Enter your name and your password."),
])
def test_a_failed_sign_in_shows_the_form_again_with_a_message(client, name, password, message):
    response = sign_in(client, name, password)
    assert response.status_code == 401 and message in response.text
    assert client.get("/pay", headers=HTML, follow_redirects=False).status_code == 303


def test_signing_in_without_the_csrf_token_is_refused(client):
    response = client.post("/signin", data={"name": "iryna", "password": PASSWORD}, headers=HTML,
                           follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/pay", headers=HTML, follow_redirects=False).status_code == 303


def test_signing_out_forgets_the_session(client):
    sign_in(client, "iryna")
    assert client.get("/pay", headers=HTML).status_code == 200
    response = post_form(client, "/signout")
    assert response.url.path == "/signin"
    assert client.get("/pay", headers=HTML, follow_redirects=False).status_code == 303


def test_a_rep_gets_404_for_another_reps_result_or_a_draft(client, company):
    sign_in(client, "iryna")
    runs = company.runs
    assert client.get(f"/pay/{runs['jan']}/AE01", headers=HTML).status_code == 200
    for path in (f"/pay/{runs['jan']}/AE02", f"/pay/{runs['sdr_mar']}/SDR01", "/pay/999/AE01"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 404 and "Not Found" in response.text


def test_a_manager_sees_the_team_but_not_the_other_team(client, company):
    sign_in(client, "olena")  # MGR01: AE01–AE03 and SDR01, SDR04 report to her
    listing = client.get("/pay", headers=HTML).text
    assert 'data-rep="AE02"' in listing and 'data-rep="AE04"' not in listing
    assert client.get(f"/pay/{company.runs['jan']}/AE02", headers=HTML).status_code == 200
    assert client.get(f"/pay/{company.runs['jan']}/AE04", headers=HTML).status_code == 404


def test_the_submitter_cannot_approve_and_the_page_says_why(client, company):
    run_id = company.runs["sdr_mar"]
    sign_in(client, "fiona")
    assert "was submitted for approval" in post_form(client, f"/finance/runs/{run_id}/submit").text
    refused = post_form(client, f"/finance/runs/{run_id}/approve")
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert f"fiona submitted run {run_id} and so cannot approve it" in refused.text
    assert company.run_state(run_id).state == "submitted"


def test_a_stale_page_cannot_act_on_a_run_that_changed(client, company):
    run_id = company.runs["sdr_mar"]
    sign_in(client, "fiona")
    post_form(client, f"/finance/runs/{run_id}/submit", revision="1")
    response = post_form(client, f"/finance/runs/{run_id}/submit", revision="1")
    assert response.status_code == 409 and "is submitted, so it cannot be submitted" in response.text


def test_the_plans_publisher_cannot_approve_its_runs(client, company):
    """admin publishes a plan; finance runs and submits it; admin's approval is refused on the page."""
    from payplan.plans import versions as plan_store
    from payplan.plans.files import read_plan_file
    from payplan.runs import lifecycle as runs

    from .conftest import PLANS

    with company.engine.begin() as conn:
        admin, fiona = get_user(conn, "admin"), get_user(conn, "fiona")
        text = read_plan_file(PLANS / "manager-2026.toml").replace('id = "manager-2026"', 'id = "mgr-by-admin"')
        ref = plan_store.publish(conn, text, "manager-2026.toml", admin).ref
        run = runs.create_run(conn, ref, "2026-03", fiona)
        runs.submit(conn, run.id, fiona)
    sign_in(client, "admin")
    refused = post_form(client, f"/finance/runs/{run.id}/approve")
    assert refused.status_code == 403 and f"admin published plan {ref}" in refused.text


def test_paying_a_run_that_is_not_approved_is_a_conflict_on_the_page(client, company):
    sign_in(client, "fiona")
    response = post_form(client, f"/finance/runs/{company.runs['sdr_mar']}/pay")
    assert response.status_code == 409 and "is draft, so it cannot be paid" in response.text


@pytest.mark.parametrize("fields, status, message", [
    ({"baseline": "ae-2026@1", "proposal": "ae-2026@2", "start": "2026-03", "end": "2026-01"}, 422,
     "the range ends before it starts"),
    ({"baseline": "ae-2026@1", "proposal": "sdr-eur@1", "start": "2026-01", "end": "2026-03"}, 422,
     "plans pay in different currencies"),
    ({"baseline": "ae-2026@1", "proposal": "nope@3", "start": "2026-01", "end": "2026-03"}, 404,
     "plan nope@3 is not published"),
    ({"baseline": "ae-2026@1", "proposal": "../etc/passwd", "start": "2026-01"}, 422, "is neither"),
    ({"baseline": "ae-2026@1", "proposal": "ae-2026@2", "start": ""}, 422, "give the first period"),
    ({"baseline": "ae-2026@1", "proposal": "ae-2026@2", "start": "March"}, 422, "periods"),
    ({}, 422, "choose a baseline and a proposal plan"),
])
def test_a_bad_simulation_form_comes_back_with_the_reason(client, fields, status, message):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", **fields)
    assert response.status_code == status and message in response.text.replace("&#39;", "'")
    assert 'class="report"' not in response.text


def test_a_simulation_shows_the_report_escaped_in_a_sandboxed_frame(client):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", baseline="ae-2026@1", proposal="ae-2026@2", start="2026-01",
                         end="2026-02")
    assert response.status_code == 200
    assert '<iframe class="report" title="Simulation report" sandbox srcdoc="&lt;!DOCTYPE html&gt;' in response.text


def test_names_are_escaped_on_the_pages(client, company):
    from sqlalchemy import update

    from payplan.store.schema import reps

    with company.engine.begin() as conn:
        conn.execute(update(reps).where(reps.c.id == "AE01").values(name="<script>alert(1)</script>"))
    sign_in(client, "fiona")
    page = client.get(f"/finance/runs/{company.runs['jan']}", headers=HTML).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_stay_out_of_the_api_schema(client, company):
    paths = client.get("/schema/openapi.json", headers=company.headers("admin")).json()["paths"]
    assert not {p for p in paths if p in ("/", "/signin", "/signout", "/web.css")
                or p.startswith(("/pay", "/finance", "/hr"))}


def test_a_breakdown_shows_the_negative_balance_carried_in_and_out(client, company):
    """A KPI that takes pay away: AE02's median sales cycle is far above 1 day in January
    and February, so each month scores −1 × 1,000 = −1,000.00, which the default policy
    carries forward: each month pays 0.00 and the balance owed grows 0 → 1,000 → 2,000."""
    from payplan.plans import versions as plan_store
    from payplan.runs import lifecycle as runs
    from tests.penalty_plan import plan_text

    with company.engine.begin() as conn:
        hanna, fiona, felix = (get_user(conn, name) for name in ("hanna", "fiona", "felix"))
        ref = plan_store.publish(conn, plan_text("penalty"), "penalty.toml", hanna).ref
        ids = []
        for month in ("2026-01", "2026-02"):  # February starts from January's approved state
            run = runs.create_run(conn, ref, month, fiona)
            runs.submit(conn, run.id, fiona)
            ids.append(runs.approve(conn, run.id, felix).id)
    sign_in(client, "fiona")
    for run_id, owed_in, owed_out in zip(ids, ("0.00", "1,000.00"), ("1,000.00", "2,000.00")):
        page = client.get(f"/pay/{run_id}/AE02", headers=HTML).text
        assert 'id="total">$0.00<' in page.replace("\n", "")
        assert f'id="negative-in">{owed_in}<' in page and f'id="negative-out">{owed_out}<' in page
        assert "Negative total carried forward" in page
    untouched = client.get(f"/pay/{company.runs['jan']}/AE02", headers=HTML).text
    assert "Negative balance owed" not in untouched  # no balance either side: no rows
