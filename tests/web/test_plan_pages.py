"""The plan page, its acknowledgement, who has not acknowledged, and a manager's own pay.

Values are read from the plan files and the demo company's reps.csv here, independently of
the code under test: weights, targets and tier rows from plans/ae-2026-v1.toml, the reps a
version is for from their role and employment dates.
"""

from __future__ import annotations

import csv
import re
import tomllib
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.statements.i18n import Formatter
from payplan.store.service_schema import audit_log, plan_acknowledgements

from .conftest import HTML, PLANS, ROOT
from .test_pages import post_form, sign_in

AE = tomllib.loads((PLANS / "ae-2026-v1.toml").read_text(), parse_float=Decimal)
REPS = list(csv.DictReader((ROOT / "examples" / "demo" / "reps.csv").open(encoding="utf-8")))


def version_id(company, ref: str) -> int:
    with company.engine.connect() as conn:
        return plan_store.get_plan(conn, ref).id


def ae_reps(managed_by: str | None = None) -> list[str]:
    """AE reps employed some time between 2026-01-01 and 2026-06-30 (in MGR's team, when given)."""
    def employed(r):
        return r["hired_on"] <= "2026-06-30" and (not r["terminated_on"] or r["terminated_on"] >= "2026-01-01")
    return sorted(r["rep_id"] for r in REPS if r["role"] == "AE" and employed(r)
                  and (managed_by is None or r["manager_id"] == managed_by))


def dec(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.\-]", "", text))


def test_my_plan_as_json_has_the_plan_files_kpis_tiers_and_rules(client, company):
    body = client.get("/me/plan?period=2026-03", headers=company.headers("iryna")).json()
    plan = body["plan"]
    assert plan["ref"] == "ae-2026@1" and plan["plan_version_id"] == version_id(company, "ae-2026@1")
    assert body["may_acknowledge"] is True and body["acknowledged_at"] is None
    scorecard, commission = (next(c for c in plan["components"] if c["kind"] == k) for k in ("scorecard", "commission"))
    expected = {k["id"]: k for c in AE["components"] if c["kind"] == "scorecard" for k in c["kpis"]}
    assert {k["id"]: (Decimal(k["weight"]), Decimal(k["target"])) for k in scorecard["kpis"]} == \
        {i: (k["weight"], Decimal(k["target"])) for i, k in expected.items()}
    assert all(k["why"] == expected[k["id"]]["why"]["en"] for k in scorecard["kpis"])
    tiers = next(c for c in AE["components"] if c["kind"] == "commission")["tiers"]
    assert [(Decimal(t["start"]), None if t["stop"] is None else Decimal(t["stop"]), Decimal(t["rate"]), t["mode"],
             t["label"]) for t in commission["tiers"]] == \
        [(Decimal(t["from"]), Decimal(t["to"]) if "to" in t else None, t["rate"], t.get("mode", "marginal"),
          t["label"]["en"]) for t in tiers]
    assert "No statement pays more than 15,000.00 USD a period, before draws." in plan["rules"]
    assert "A won deal cancelled within 90 days of closing takes back 100% of the commission paid on it." \
        in plan["rules"]
    gate = next(c for c in AE["components"] if c["kind"] == "scorecard")["gates"][0]
    assert f"{gate['label']['en']}: below {gate['min'] * 100:.0f}%, KPI bonus is multiplied by 0.5." in scorecard["rules"]


def test_my_plan_in_uk_uses_the_plans_own_words(client, company):
    plan = client.get("/me/plan?period=2026-03&lang=uk", headers=company.headers("iryna")).json()["plan"]
    assert plan["name"] == AE["name"]["uk"] and plan["language"] == "uk"
    assert [c["label"] for c in plan["components"]] == [c["label"]["uk"] for c in AE["components"]]
    assert "15 000,00" in " ".join(plan["rules"]).replace("\xa0", " ")


def test_the_plan_page_shows_weights_targets_and_tiers(client, company):
    sign_in(client, "iryna")
    html = client.get("/me/plan?period=2026-03", headers=HTML).text
    kpis = {k["id"]: k for c in AE["components"] if c["kind"] == "scorecard" for k in c["kpis"]}
    for kpi_id, weight in re.findall(r'data-kpi="(\w+)".*?class="num weight">([^<]+)<', html, re.S):
        assert dec(weight) == kpis[kpi_id]["weight"] * 100
    assert len(re.findall(r'data-kpi="', html)) == len(kpis)
    assert re.search(r'data-kpi="deal_size".*?class="num target">15,000.00<', html, re.S)
    rates = [dec(r) for r in re.findall(r'class="num rate">([^<]+)<', html)]
    assert rates == [t["rate"] * 100 for c in AE["components"] if c["kind"] == "commission" for t in c["tiers"]]
    assert 'action="/me/plan/acknowledge"' in html and "Acknowledged on" not in html


def test_acknowledging_is_recorded_once_audited_and_shown(client, company):
    vid, who = version_id(company, "ae-2026@1"), company.headers("iryna")
    first = client.post(f"/plans/{vid}/acknowledgements", headers=who)
    assert first.status_code == 201 and first.json()["rep_id"] == "AE01" and first.json()["plan"] == "ae-2026@1"
    again = client.post(f"/plans/{vid}/acknowledgements", headers=who)
    assert again.status_code == 200 and again.json() == first.json()  # idempotent: the first record
    with company.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(plan_acknowledgements)).scalar() == 1
        audited = conn.execute(select(audit_log.c.actor, audit_log.c.object)
                               .where(audit_log.c.action == "plan.acknowledge")).all()
    assert [tuple(a) for a in audited] == [("iryna", "plan ae-2026@1")]
    when = first.json()["acknowledged_at"]
    assert client.get("/me/plan?period=2026-03", headers=who).json()["acknowledged_at"] == when
    sign_in(client, "iryna")
    html = client.get("/me/plan?period=2026-03", headers=HTML).text
    shown = Formatter("en", "USD").iso_date(when[:10])
    assert f"Acknowledged on {shown}" in html and 'action="/me/plan/acknowledge"' not in html


def test_the_acknowledge_button_posts_and_comes_back(client, company):
    sign_in(client, "iryna")
    vid = version_id(company, "ae-2026@1")
    response = post_form(client, "/me/plan/acknowledge", plan_version_id=str(vid), period="2026-03")
    assert response.status_code == 200 and str(response.url).endswith("/me/plan?period=2026-03")
    with company.engine.connect() as conn:
        recorded = conn.execute(select(plan_acknowledgements.c.acknowledged_at, plan_acknowledgements.c.rep_id)
                                .where(plan_acknowledgements.c.plan_version_id == vid)).all()
    assert len(recorded) == 1 and recorded[0].rep_id == "AE01"
    assert f"Acknowledged on {Formatter('en', 'USD').iso_date(recorded[0].acknowledged_at[:10])}" in response.text


def test_acknowledging_from_a_versions_page_comes_back_to_it(client, company):
    sign_in(client, "iryna")
    vid = version_id(company, "ae-2026@1")
    assert 'name="back" value="view"' in client.get(f"/plans/{vid}/view", headers=HTML).text
    response = post_form(client, "/me/plan/acknowledge", plan_version_id=str(vid), back="view")
    assert response.status_code == 200 and str(response.url).endswith(f"/plans/{vid}/view")
    assert "Acknowledged on" in response.text


def test_who_has_not_acknowledged_finance_everyone_a_manager_their_team(client, company):
    vid = version_id(company, "ae-2026@1")
    client.post(f"/plans/{vid}/acknowledgements", headers=company.headers("iryna"))
    everyone = client.get(f"/plans/{vid}/acknowledgements", headers=company.headers("fiona")).json()
    assert [r["rep_id"] for r in everyone] == ae_reps()
    assert {r["rep_id"] for r in everyone if r["acknowledged_at"]} == {"AE01"}
    team = client.get(f"/plans/{vid}/acknowledgements", headers=company.headers("olena")).json()
    assert [r["rep_id"] for r in team] == ae_reps("MGR01")
    assert client.get(f"/plans/{vid}/acknowledgements", headers=company.headers("iryna")).status_code == 403
    sign_in(client, "fiona")
    page = client.get(f"/plans/{vid}/view", headers=HTML).text
    assert re.findall(r'<tr data-rep="(\w+)" class="pending"', page) == [r for r in ae_reps() if r != "AE01"]
    listing = client.get("/finance/plans", headers=HTML).text
    assert re.search(rf'data-plan="{vid}".*?>1 / {len(ae_reps())}<', listing, re.S)


def test_a_rep_may_not_read_or_acknowledge_a_plan_they_are_not_on(client, company):
    sdr, ae, rep = version_id(company, "sdr-2026@1"), version_id(company, "ae-2026@1"), company.headers("iryna")
    assert client.get(f"/plans/{sdr}/page", headers=rep).status_code == 404
    assert client.post(f"/plans/{sdr}/acknowledgements", headers=rep).status_code == 404
    assert client.get(f"/plans/{sdr}/acknowledgements", headers=rep).status_code == 403
    # nor its TOML through the API, nor its name in the list: only the AE versions she is on
    assert client.get("/plans/sdr-2026@1", headers=rep).status_code == 404
    assert [p["ref"] for p in client.get("/plans", headers=rep).json()] == ["ae-2026@1", "ae-2026@2"]
    # a manager reads the team's plan but is not on it; finance reads every plan and is on none
    assert client.post(f"/plans/{ae}/acknowledgements", headers=company.headers("olena")).status_code == 403
    assert client.post(f"/plans/{ae}/acknowledgements", headers=company.headers("fiona")).status_code == 403
    sign_in(client, "iryna")
    assert client.get(f"/plans/{sdr}/view", headers=HTML).status_code == 404
    assert client.get("/finance/plans", headers=HTML).status_code == 403
    refused = post_form(client, "/me/plan/acknowledge", plan_version_id=str(sdr))
    assert refused.status_code == 404
    with company.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(plan_acknowledgements)).scalar() == 0


def test_a_bad_period_is_a_4xx_naming_it(client, company):
    response = client.get("/me/plan?period=2026-13", headers=company.headers("iryna"))
    assert response.status_code == 422 and "period" in response.json()["detail"]
    assert client.get("/me/plan?period=2025-06", headers=company.headers("iryna")).status_code == 404


def test_a_managers_plan_page_is_their_own_plan_and_lists_the_teams(client, company):
    body = client.get("/me/plan?period=2026-03", headers=company.headers("olena")).json()
    assert body["plan"]["ref"] == "manager-2026@1" and body["may_acknowledge"] is True
    sign_in(client, "olena")
    html = client.get("/me/plan?period=2026-03", headers=HTML).text
    team = re.search(r'id="team-plans".*?</section>', html, re.S).group()
    assert {"ae-2026@1", "sdr-2026@1"} <= set(re.findall(r">([\w-]+@\d+)</a>", team))


@pytest.fixture
def manager_runs(company) -> dict[str, int]:
    with company.engine.connect() as conn:
        return {r.period: r.id for r in runs.list_runs(conn, plan_id="manager-2026")}


def test_a_manager_sees_their_own_pay_and_statement_and_their_teams(client, company, manager_runs):
    feb = manager_runs["2026-02"]
    result = client.get(f"/runs/{feb}/results/MGR01", headers=company.headers("olena"))
    assert result.status_code == 200
    total = Decimal(result.json()["total"])
    sign_in(client, "olena")
    pay = client.get("/pay", headers=HTML).text
    own = re.search(r'id="own-pay".*?</table>', pay, re.S).group()
    assert set(re.findall(r'data-rep="(\w+)"', own)) == {"MGR01"}
    assert re.search(rf'data-run="{feb}" data-rep="MGR01">.*?class="num total">([^<]+)<', own, re.S).group(1) \
        == f"{total:,.2f}"
    team = re.search(r'id="team-pay".*?</table>', pay, re.S).group()
    assert "MGR01" not in team and "AE01" in team
    assert client.get(f"/pay/{feb}/MGR01", headers=HTML).status_code == 200
    assert client.get(f"/runs/{feb}/results/MGR01/statement.html", headers=HTML).status_code == 200
    assert client.get(f"/pay/{feb}/MGR02", headers=HTML).status_code == 404  # another manager's pay


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "0000-12"])
def test_my_plan_and_progress_for_a_year_outside_1900_to_9998_are_a_422_page_and_document(client, company, period):
    said = f"&#39;{period}&#39;: the year must be from 1900 to 9998"
    assert client.get(f"/me/plan?period={period}", headers=company.headers("iryna")).json()["detail"] == \
        f"'{period}': the year must be from 1900 to 9998"
    sign_in(client, "iryna")
    for path in ("/me/plan", "/progress"):
        page = client.get(f"{path}?period={period}", headers=HTML)
        assert page.status_code == 422 and said in page.text and "Traceback" not in page.text
