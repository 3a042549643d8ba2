"""A correction (adjustment run) as a rep reads it: on "My pay" with its statement, the kind of
its lines and the components of its correction table in the page's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, update

from payplan.access.users import get_user
from payplan.runs import lifecycle as runs
from payplan.store.schema import deals

from .conftest import HTML
from .test_pages import post_form, sign_in


@pytest.fixture
def correction(client, company) -> tuple[int, str]:
    """(run, rep): the approved adjustment of March after the CRM cancelled a deal March paid on."""
    with company.engine.begin() as conn:
        deal, rep = conn.execute(select(deals.c.id, deals.c.rep_id).where(
            deals.c.status == "won", deals.c.closed_at.between(date(2026, 3, 1), date(2026, 3, 31)))
            .order_by(deals.c.id)).first()
        conn.execute(update(deals).where(deals.c.id == deal).values(status="cancelled", cancelled_at=date(2026, 3, 31)))
    sign_in(client, "felix")
    assert post_form(client, f"/finance/runs/{company.runs['mar']}/adjust").status_code == 200
    with company.engine.begin() as conn:
        (run,) = [r.id for r in runs.list_runs(conn, plan_id="ae-2026") if r.kind == "adjustment"]
        runs.submit(conn, run, get_user(conn, "fiona"))
        runs.approve(conn, run, get_user(conn, "felix"))
    client.cookies.clear()
    return run, rep


def test_my_pay_links_a_corrections_statement_in_the_pages_language(client, correction):
    run, rep = correction
    assert rep == "AE01" and sign_in(client, "iryna").status_code == 303
    pay = client.get("/pay?lang=uk", headers=HTML).text
    (row,) = re.findall(rf'(?s)<tr data-run="{run}" data-rep="AE01">.*?</tr>', pay)
    assert "коригування" in row
    assert f'href="/runs/{run}/results/AE01/statement.html?lang=uk"' in row
    assert f'href="/runs/{run}/results/AE01/statement.pdf?lang=uk"' in row
    breakdown = client.get(f"/pay/{run}/AE01", headers=HTML).text
    assert f'href="/runs/{run}/results/AE01/statement.pdf?lang=uk"' in breakdown
    pdf = client.get(f"/runs/{run}/results/AE01/statement.pdf?lang=uk")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"


def test_a_corrections_line_kind_is_said_in_the_pages_language(client, correction):
    run, _ = correction
    sign_in(client, "iryna")
    uk = client.get(f"/pay/{run}/AE01?lang=uk", headers=HTML).text
    kinds = re.findall(r'<span class="tag">([^<]*)</span>', uk)
    assert kinds and set(kinds) == {"коригування"}
    en = client.get(f"/pay/{run}/AE01?lang=en", headers=HTML).text
    assert set(re.findall(r'<span class="tag">([^<]*)</span>', en)) == {"adjustment"}


def test_the_correction_table_names_components_as_the_statement_does(client, correction):
    run, _ = correction
    sign_in(client, "iryna")

    def table(lang: str) -> list[str]:
        html = client.get(f"/runs/{run}/results/AE01/statement.html?lang={lang}").text
        (section,) = re.findall(r'(?s)<section class="adjustment">.*?</table>', html)
        return re.findall(r'<tr><td class="l">([^<]*)</td>', section)

    assert table("uk") == ["Бонус за KPI", "Комісія з маржі", "повернення комісії"]
    assert table("en") == ["KPI bonus", "Margin commission", "clawback"]
