"""The progress pages: a rep sees their estimate, labelled as one, and not another rep's; a manager their team."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

from .conftest import HTML


def test_a_rep_sees_their_estimate_and_not_another_reps(client, company):
    own = client.get("/progress?period=2026-03", headers={**HTML, **company.headers("iryna")})
    assert own.status_code == 200
    assert 'data-estimate="true"' in own.text and "not payable" in own.text and 'data-kpi="demos"' in own.text
    api = client.get("/me/progress?period=2026-03", headers=company.headers("iryna")).json()
    assert f'{Decimal(api["total"]):,.2f}' in own.text
    for path in ("/progress?rep=AE02&period=2026-03", "/progress/team/MGR01?period=2026-03"):
        assert client.get(path, headers={**HTML, **company.headers("iryna")}).status_code == 404


def test_a_manager_sees_their_team_and_links_each_rep(client, company):
    team = client.get("/progress/team/MGR01?period=2026-03", headers={**HTML, **company.headers("olena")})
    assert team.status_code == 200 and "/progress?rep=AE01&amp;period=2026-03" in team.text
    assert client.get("/progress?rep=AE02&period=2026-03", headers={**HTML, **company.headers("olena")}).status_code == 200
    assert client.get("/progress/team/MGR02", headers={**HTML, **company.headers("olena")}).status_code == 404


def test_a_manager_demoted_to_rep_no_longer_sees_the_team_page(client, company):
    olena = {**HTML, **company.headers("olena")}
    team = client.get("/progress/team/MGR01?period=2026-03", headers=olena)
    assert team.status_code == 200 and "Taras Melnyk" in team.text and 'href="/progress/team/MGR01"' in team.text
    assert client.post("/users/olena/role", json={"role": "rep"}, headers=company.headers("admin")).status_code == 204
    refused = client.get("/progress/team/MGR01?period=2026-03", headers=olena)
    assert refused.status_code == 404 and refused.headers["content-type"].startswith("text/html")
    assert "Taras Melnyk" not in refused.text and "Iryna Bondarenko" not in refused.text
    assert client.get("/progress?rep=AE02&period=2026-03", headers=olena).status_code == 404
    own = client.get("/progress?period=2026-03", headers=olena)
    assert own.status_code == 200 and 'data-estimate="true"' in own.text and "Olena Kovalenko" in own.text
    assert 'href="/progress/team/' not in own.text  # no "My team" link for a rep


def test_a_gate_that_cuts_pay_is_shown_before_the_kpis(client, company):
    html = client.get("/progress?rep=AE02&period=2026-03", headers={**HTML, **company.headers("fiona")}).text
    assert 'data-gate="crm_hygiene"' in html and html.index('data-gate="crm_hygiene"') < html.index("data-kpi=")
    assert "KPI bonus" in html  # the component the gate cuts, by its label


def test_a_home_with_nothing_to_estimate_says_why_instead_of_404(client, company):
    """No plan is in force in 2025-01: the rep's own home answers 200 with the reason (the API 404)."""
    page = client.get("/progress?period=2025-01", headers={**HTML, **company.headers("iryna")})
    assert page.status_code == 200 and 'id="no-estimate"' in page.text and 'data-estimate="true"' not in page.text
    api = client.get("/me/progress?period=2025-01", headers=company.headers("iryna"))
    assert api.status_code == 404 and api.json()["detail"] in unescape(page.text)
