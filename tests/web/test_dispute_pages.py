"""Dispute pages without a browser: "Question this line" only for the person paid on a final run,
the list and thread scoped like the API, only the steps the viewer may take, refusals on the
thread page, and the finance review's count of open disputes.

The company (conftest): iryna is AE01, olena (MGR01) her manager; runs jan (paid), feb and mar
(approved) of ae-2026, sdr_mar a draft.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from payplan.access.users import User, get_user
from payplan.runs import disputes
from payplan.store.service_schema import audit_log, disputes as dispute_table

from .conftest import HTML
from .test_pages import post_form, sign_in


def forms_on(html: str) -> list[str]:
    return re.findall(r'<details class="ask" data-subject="([^"]*)"', html)


def open_as_iryna(client, company, **fields):
    fields = {"run_id": company.runs["mar"], "subject_kind": "deal", "subject": "D0007",
              "text": "D0007 was split with AE02; it was mine alone", **fields}
    return post_form(client, "/pay/disputes", **fields)


def others_dispute(company) -> int:
    """A dispute of AE02's (Taras, in olena's team), opened in the domain for the test."""
    with company.engine.begin() as conn:
        olena = get_user(conn, "olena")
        taras = User(olena.id, "taras", "rep", "AE02")
        return disputes.open_dispute(conn, company.runs["mar"], "kpi", "demos", "my demos are short", taras).id


def test_the_rep_gets_a_question_form_per_kpi_deal_and_line(client, company):
    sign_in(client, "iryna")
    subjects = forms_on(client.get(f"/pay/{company.runs['mar']}/AE01", headers=HTML).text)
    assert "deal:D0007" in subjects and "kpi:demos" in subjects and "other:" in subjects
    assert "line:clawback/clawback/D9001" in subjects
    assert forms_on(client.get(f"/pay/{company.runs['jan']}/AE01", headers=HTML).text)  # paid: may question too


def test_no_question_forms_for_finance_or_the_manager(client, company):
    for who in ("fiona", "olena"):
        sign_in(client, who)
        page = client.get(f"/pay/{company.runs['mar']}/AE01", headers=HTML)
        assert page.status_code == 200 and forms_on(page.text) == [] and "Question" not in page.text
        post_form(client, "/signout")


def test_open_a_dispute_from_the_breakdown_and_see_it_listed(client, company):
    sign_in(client, "iryna")
    thread = open_as_iryna(client, company)
    assert thread.status_code == 200 and "/pay/disputes/" in str(thread.url)
    assert "Deal D0007" in thread.text and "D0007 was split with AE02" in thread.text
    assert 'id="reply"' in thread.text and 'id="resolve"' not in thread.text and 'id="answer"' not in thread.text
    listed = client.get("/pay/disputes", headers=HTML)
    assert listed.text.count('data-dispute="') == 1
    again = client.get(f"/pay/{company.runs['mar']}/AE01", headers=HTML)
    assert "1 question on this run" in again.text
    with company.engine.connect() as conn:
        action = conn.execute(select(audit_log.c.action, audit_log.c.actor).order_by(audit_log.c.id.desc())).first()
    assert tuple(action) == ("dispute.open", "iryna")


def test_refusals_on_opening(client, company):
    sign_in(client, "iryna")
    empty = open_as_iryna(client, company, text="  ")
    assert empty.status_code == 422 and "text" in empty.text
    draft = open_as_iryna(client, company, run_id=company.runs["sdr_mar"])
    assert draft.status_code == 404
    with company.engine.connect() as conn:
        assert conn.execute(select(dispute_table.c.id)).first() is None


def test_scoping_of_the_list_and_the_thread(client, company):
    theirs = others_dispute(company)
    sign_in(client, "iryna")
    open_as_iryna(client, company)
    assert client.get("/pay/disputes", headers=HTML).text.count('data-dispute="') == 1
    refused = client.get(f"/pay/disputes/{theirs}", headers=HTML)
    assert refused.status_code == 404 and "text/html" in refused.headers["content-type"]
    assert post_form(client, f"/pay/disputes/{theirs}/steps", step="reply", text="x").status_code == 404
    post_form(client, "/signout")
    sign_in(client, "olena")
    assert client.get("/pay/disputes", headers=HTML).text.count('data-dispute="') == 2
    seen = client.get(f"/pay/disputes/{theirs}", headers=HTML)
    assert seen.status_code == 200 and 'id="step-form"' not in seen.text
    post_form(client, "/signout")
    sign_in(client, "hanna")
    assert client.get("/pay/disputes", headers=HTML).status_code == 403


def test_finance_answers_and_the_review_counts_open_disputes(client, company):
    mar = company.runs["mar"]
    theirs = others_dispute(company)
    sign_in(client, "fiona")
    review = client.get(f"/finance/runs/{mar}", headers=HTML)
    assert "1 dispute on this run waits for an answer" in review.text
    assert f'href="/pay/disputes?run={mar}"' in review.text
    assert 'data-disputes="1"' in client.get("/finance/runs", headers=HTML).text
    thread = client.get(f"/pay/disputes/{theirs}", headers=HTML)
    assert {'id="answer"', 'id="resolve"', 'id="reject"', 'id="adjust"'} <= set(re.findall(r'id="\w+"', thread.text))
    assert 'id="reply"' not in thread.text
    empty = post_form(client, f"/pay/disputes/{theirs}/steps", step="answer", text="", revision="1")
    assert empty.status_code == 422 and "Refused" in empty.text
    answered = post_form(client, f"/pay/disputes/{theirs}/steps", step="answer", text="Checking", revision="1")
    assert answered.status_code == 200 and "The answer was added." in answered.text
    stale = post_form(client, f"/pay/disputes/{theirs}/steps", step="reject", text="No", revision="1")
    assert stale.status_code == 409 and "changed meanwhile" in stale.text
    rejected = post_form(client, f"/pay/disputes/{theirs}/steps", step="reject", text="No", revision="2")
    assert rejected.status_code == 200 and 'id="step-form"' not in rejected.text
    again = post_form(client, f"/pay/disputes/{theirs}/steps", step="resolve", text="Yes", revision="3")
    assert again.status_code == 409
    assert "waits for an answer" not in client.get(f"/finance/runs/{mar}", headers=HTML).text


def test_a_kpi_question_names_the_kpi_by_its_label_in_the_pages_language(client, company):
    dispute_id = others_dispute(company)  # Taras asks about the KPI `demos`
    sign_in(client, "fiona")
    listed = client.get("/pay/disputes?lang=en", headers=HTML).text
    assert "KPI Product demos" in listed and "KPI demos" not in listed  # the plan's label, not its id
    thread = client.get(f"/pay/disputes/{dispute_id}?lang=uk", headers=HTML).text
    assert "KPI Демонстрації продукту" in thread
