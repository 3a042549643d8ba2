"""HR's simulation page without a browser: drafts checked and edited, populations, budgets, downloads.

Figures are checked against `POST /simulations` for the same question, and the plan
files; nothing is published or written by the page.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from payplan.store.service_schema import plan_versions

from .conftest import HTML, PLANS
from .test_close_pages import dec
from .test_pages import post_form, sign_in

AE2 = (PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8")
DRAFT = AE2.replace("target_incentive = 2000", "target_incentive = 2500")
FORM = {"baseline": "ae-2026@2", "source": "draft", "toml": DRAFT, "start": "2026-01", "end": "2026-03"}


def _selected(html: str, select: str) -> str:
    body = re.search(rf'(?s)<select name="{select}".*?</select>', html).group(0)
    return re.search(r'<option value="([^"]*)" selected', body).group(1)


def _report_totals(html: str) -> tuple[Decimal, Decimal]:
    """The report's total pay (baseline, proposal), from the frame's HTML."""
    report = unescape(re.search(r'srcdoc="([^"]*)"', html).group(1))
    row = re.search(r"(?s)<tr><td>Total pay</td>(.*?)</tr>", report).group(1)
    return tuple(dec(cell) for cell in re.findall(r'<td class="num">([^<]*)</td>', row))


def _versions(company) -> int:
    with company.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(plan_versions)).scalar_one()


def _api_totals(client, company, **extra) -> dict:
    body = {"baseline": "ae-2026@2", "proposal": {"toml": DRAFT}, "periods": "2026-01..2026-03", **extra}
    response = client.post("/simulations", json=body, headers=company.headers("hanna"))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_default_pair_is_two_versions_of_one_plan(client):
    sign_in(client, "hanna")
    page = client.get("/hr/simulation", headers=HTML).text
    assert (_selected(page, "baseline"), _selected(page, "proposal")) == ("ae-2026@1", "ae-2026@2")
    assert 'name="lever:kpi_bonus.kpis.demos.weight"' in page  # the proposal's parameters, in words
    assert "KPI bonus — Product demos — weight, percent" in page


def test_checking_a_draft_lists_its_parameters_and_keeps_its_text(client, company):
    sign_in(client, "hanna")
    # values typed for the published plan shown before (2000) do not carry over to the draft's 2500
    stale = {"lever:kpi_bonus.target_incentive": "2000", "shown:kpi_bonus.target_incentive": "2000"}
    response = post_form(client, "/hr/simulation", **FORM, **stale, action="check")
    assert response.status_code == 200, response.text
    assert 'id="checked"' in response.text and 'class="report"' not in response.text
    assert re.search(r'name="lever:kpi_bonus.target_incentive"[^>]*value="2500"', response.text)
    assert re.search(r'name="lever:kpi_bonus.kpis.demos.weight"[^>]*value="10"', response.text)  # 0.10 as 10 %
    assert "target_incentive = 2500" in unescape(response.text)


def test_a_draft_with_errors_lists_them_with_their_line(client):
    sign_in(client, "hanna")
    broken = DRAFT.replace("weight = 0.10", "weight = nan")
    line = broken.splitlines().index("weight = nan") + 1
    response = post_form(client, "/hr/simulation", **{**FORM, "toml": broken, "draft_name": "mine.toml"},
                         action="check")
    assert response.status_code == 422 and "a plan has errors" in response.text
    assert f"mine.toml:{line}" in response.text


def test_an_edited_draft_is_simulated_as_the_api_does_and_nothing_is_published(client, company):
    sign_in(client, "hanna")
    before = _versions(company)
    response = post_form(client, "/hr/simulation", **FORM, action="simulate",
                         **{"lever:kpi_bonus.kpis.demos.weight": "20", "shown:kpi_bonus.kpis.demos.weight": "10"})
    assert response.status_code == 200, response.text
    api = _api_totals(client, company, edits=[{"path": "kpi_bonus.kpis.demos.weight", "value": "0.2"}])
    assert api["proposal"]["origin"] == "edited"
    totals = api["comparison"]["totals"]
    assert _report_totals(response.text) == (Decimal(totals["baseline"]["total"]),
                                             Decimal(totals["proposal"]["total"]))
    assert _versions(company) == before


@pytest.mark.parametrize("fields, status, message", [
    ({"baseline": "ae-2026@1", "source": "published", "proposal": "sdr-2026@1"}, 422,
     "plans for different populations"),
    ({"budget": "abc", "lever": "kpi_bonus.target_incentive"}, 422, "Budget over the periods: 'abc' is not a number"),
    ({"budget": "1000"}, 422, "choose the parameter to fit to the budget"),
    ({"toml": ""}, 422, "paste the draft plan"),
    ({"lever:kpi_bonus.nope": "3", "shown:kpi_bonus.nope": "2"}, 422, "has no parameter kpi_bonus.nope"),
    ({"lever:kpi_bonus.target_incentive": "lots", "shown:kpi_bonus.target_incentive": "2500"}, 422,
     "is not a number"),
    ({"population": "role:AE", "scenarios": "no such metric +10%"}, 422, "shift"),
    ({"format": "exe"}, 422, "unknown download format"),
])
def test_a_bad_question_comes_back_on_the_form(client, fields, status, message):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", **{**FORM, **fields})
    assert response.status_code == status and message in unescape(response.text), response.text[-3000:]
    assert 'class="report"' not in response.text and 'id="message"' in response.text


def test_a_cross_population_comparison_answers_with_a_report(client):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", baseline="ae-2026@1", source="published", proposal="sdr-2026@1",
                         start="2026-01", end="2026-03", cross="1")
    assert response.status_code == 200 and 'class="report"' in response.text
    assert 'name="cross" id="cross" value="1" checked' in response.text


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("json", "application/json"),
                                        ("pdf", "application/pdf")])
def test_downloads_of_the_same_simulation(client, company, fmt, media):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", **FORM, format=fmt)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.headers["content-disposition"] == f'attachment; filename="simulation.{fmt}"'
    if fmt == "json":
        api = _api_totals(client, company)
        assert response.json()["comparison"]["totals"] == api["comparison"]["totals"]


def test_an_uploaded_draft_is_read_and_kept_in_the_form(client):
    sign_in(client, "hanna")
    data = {k: v for k, v in FORM.items() if k != "toml"} | {"action": "check",
                                                             "_csrf_token": client.cookies.get("payplan_csrf")}
    files = {"file": ("mine.toml", DRAFT.encode(), "application/toml")}
    response = client.post("/hr/simulation", data=data, files=files, headers=HTML)
    assert response.status_code == 200, response.text
    assert "target_incentive = 2500" in unescape(response.text) and 'value="mine.toml"' in response.text
    wrong = client.post("/hr/simulation", data=data, files={"file": ("x.exe", b"MZ", "application/octet-stream")},
                        headers=HTML)
    assert wrong.status_code == 422 and "choose a .toml plan file" in wrong.text


@pytest.mark.parametrize("who, status", [("iryna", 403), ("fiona", 403), ("olena", 403), ("admin", 200)])
def test_only_hr_and_admin_simulate(client, who, status):
    sign_in(client, who)
    response = post_form(client, "/hr/simulation", **FORM, action="check")
    assert response.status_code == status
    assert ('id="simulation"' in response.text) == (status == 200)


def test_a_draft_past_its_bound_is_refused_and_a_huge_body_is_413(client):
    sign_in(client, "hanna")
    response = post_form(client, "/hr/simulation", **{**FORM, "toml": "#" * 200_001})
    assert response.status_code == 422 and "Draft plan (TOML) is longer than 200000 characters" in response.text
    huge = post_form(client, "/hr/simulation", **{**FORM, "toml": "#" * 2_000_000})
    assert huge.status_code == 413



def test_the_form_opens_on_the_last_three_months_with_facts(client) -> None:
    """The window offered ends in the month of the company's latest fact (read from the demo's files)."""
    import csv

    from .conftest import ROOT

    last = ""
    for name, column in (("activities.csv", "occurred_at"), ("deals.csv", "closed_at"), ("nps.csv", "answered_at")):
        with open(ROOT / "examples" / "demo" / name, newline="") as handle:
            last = max([last, *(row[column][:7] for row in csv.DictReader(handle) if row.get(column))])
    year, month = map(int, last.split("-"))
    first = f"{year if month > 2 else year - 1}-{(month - 3) % 12 + 1:02d}"
    sign_in(client, "hanna")
    html = client.get("/hr/simulation", headers=HTML).text
    assert re.search(rf'name="start"[^>]*value="{first}"', html) and re.search(rf'name="end"[^>]*value="{last}"', html)


def test_under_workers_simulate_opens_a_job_page_with_the_same_report(client, company):
    import msgspec
    from litestar.testing import TestClient

    from payplan.app import create_app
    from payplan.jobs.worker import work_once

    from .conftest import settings_for

    sign_in(client, "hanna")
    here = _report_totals(post_form(client, "/hr/simulation", **FORM, action="simulate").text)
    with TestClient(create_app(msgspec.structs.replace(settings_for(company.url), jobs="workers"))) as workers:
        sign_in(workers, "hanna")
        queued = post_form(workers, "/hr/simulation", **FORM, action="simulate")
        (job_path,) = re.findall(r"/finance/jobs/\d+", str(queued.url))
        assert queued.status_code == 200 and "Simulating a proposal next to ae-2026@2 over 2026-01..2026-03." \
            in queued.text and 'class="report"' not in queued.text and 'id="reps"' not in queued.text
        while work_once(company.engine, "test-worker"):
            pass
        done = workers.get(job_path, headers=HTML).text
        assert _report_totals(done) == here  # the worker's report is the request's
        job = job_path.rsplit("/", 1)[1]
        assert f'href="/simulations/{job}?format=csv&amp;lang=en" id="download-csv"' in done
        csv = workers.get(f"/simulations/{job}?format=csv&lang=en")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        uk = workers.get(job_path + "?lang=uk", headers=HTML).text
        assert f"/simulations/{job}?format=pdf&amp;lang=uk" in uk and "Завантажити" in uk
    sign_in(client, "fiona")  # finance may see the job, not simulations: no report, no downloads
    seen = client.get(job_path, headers=HTML).text
    assert 'id="state">Done' in seen and 'class="report"' not in seen and "/simulations/" not in seen


def test_a_budget_fit_says_the_value_found_as_the_page_writes_numbers(client, company):
    sign_in(client, "hanna")
    api = _api_totals(client, company, budget={"amount": "30000", "lever": "kpi_bonus.target_incentive",
                                               "tolerance": "10"})["budget"]
    found = Decimal(api["value"]).quantize(Decimal("0.01"))
    client.cookies.set("lang", "uk")
    page = post_form(client, "/hr/simulation", **FORM, action="simulate", budget="30000",
                     lever="kpi_bonus.target_incentive", tolerance="10")
    assert page.status_code == 200, page.text
    fit = unescape(re.search(r'(?s)id="fit">(.*?)</p>', page.text).group(1))
    whole, cents = f"{found:.2f}".split(".")
    written = f"{int(whole):,}".replace(",", "\u00a0") + "," + cents  # 2 500,00: a Ukrainian amount
    assert f"= {written} " in fit and f"= {found} " not in fit, fit
