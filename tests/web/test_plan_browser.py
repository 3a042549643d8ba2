"""In chromium: a rep reads their plan and acknowledges it; finance sees who has not acknowledged.

The figures checked come from plans/ae-2026-v1.toml and the demo's reps.csv; the date shown
is the API's record of the acknowledgement, written as the page's language writes it.
"""

from __future__ import annotations

import csv
import tomllib
from decimal import Decimal

import httpx

from payplan.statements.i18n import Formatter

from .conftest import PLANS, ROOT, follow, shoot, sign_in

AE = tomllib.loads((PLANS / "ae-2026-v1.toml").read_text(), parse_float=Decimal)


def test_a_rep_acknowledges_their_plan_and_finance_sees_who_has_not(browser, server, page):
    sign_in(page, "iryna")
    follow(page, "nav >> text=My plan")
    page.goto("/me/plan?period=2026-03")
    assert page.locator("h1").inner_text() == AE["name"]["en"]
    weights = page.locator("tr[data-kpi] .weight").all_inner_texts()
    assert [Decimal(w.rstrip("%")) for w in weights] == \
        [k["weight"] * 100 for c in AE["components"] if c["kind"] == "scorecard" for k in c["kpis"]]
    assert page.locator("tr[data-tier]").count() == 3
    page.click("#acknowledgement button")
    page.wait_for_load_state()
    record = httpx.get(f"{server.url}/me/plan?period=2026-03", headers=server.company.headers("iryna")).json()
    when = Formatter("en", "USD").iso_date(record["acknowledged_at"][:10])
    assert page.locator("#acknowledgement").inner_text().strip() == f"Acknowledged on {when}"
    assert page.locator("#acknowledgement button").count() == 0
    shoot(page, "plan-acknowledged")

    context = browser.new_context(base_url=server.url)
    finance = context.new_page()
    sign_in(finance, "fiona")
    finance.click("nav >> text=Plans")
    finance.click(f"a:text-is('{record['plan']['ref']}')")
    finance.wait_for_load_state()
    reps = [r for r in csv.DictReader((ROOT / "examples" / "demo" / "reps.csv").open(encoding="utf-8"))
            if r["role"] == "AE" and r["hired_on"] <= "2026-06-30"]
    pending = finance.locator("#roster tr.pending").evaluate_all("rows => rows.map(r => r.dataset.rep)")
    assert pending == sorted(r["rep_id"] for r in reps if r["rep_id"] != "AE01")
    assert finance.locator("#roster tr[data-rep=AE01] .when").inner_text() == when
    shoot(finance, "plan-roster")
    context.close()
