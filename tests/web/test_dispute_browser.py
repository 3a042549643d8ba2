"""A dispute in chromium, from the rep's question to the correction statement.

iryna (AE01) questions deal D0007 on her approved March breakdown: its upsell is missing. fiona
(finance) answers, imports the missing deal, and resolves the dispute creating the adjustment run; she submits
it and, as segregation of duties wants, felix approves it. iryna then sees the resolved
thread and, through its link, her correction statement: the difference between what March
paid her and what the corrected facts pay. A dispute of another rep's is a 404 to her, on
the page and through the API.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select

from payplan.access.users import User, get_user
from payplan.runs import disputes
from payplan.store.service_schema import disputes as dispute_table

from .conftest import shoot, sign_in
from .test_browser import api, dec
from .test_close_browser import HEADER, import_file

# stored facts never change: what the CRM export missed is a new deal, the upsell booked on D0007
UPSELL = HEADER + "D0007U,AE01,2026-03-02,2026-03-20,won,8000.00,2000.00,USD,support,,,\n"


def signed_in(browser, server, name: str):
    context = browser.new_context(base_url=server.url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    sign_in(tab, name)
    return tab


def take_step(page, step: str, text: str) -> None:
    page.fill("#text", text)
    page.click(f"#{step}")
    page.wait_for_load_state()


def test_a_rep_questions_a_deal_and_sees_the_correction(browser, server, tmp_path):
    company, mar = server.company, server.company.runs["mar"]
    iryna = signed_in(browser, server, "iryna")
    iryna.goto(f"/pay/{mar}/AE01")
    row = iryna.locator('tr[data-deal="D0007"]')
    row.locator("details.ask summary").click()
    row.locator("textarea[name=text]").fill("D0007 had an upsell of 8,000.00 closed on 20 March (D0007U); it is not here")
    shoot(iryna, "dispute-ask")
    row.locator("button[type=submit]").click()
    iryna.wait_for_load_state()
    assert "/pay/disputes/" in iryna.url and iryna.locator("#state").inner_text() == "Open"
    assert iryna.locator("#subject").inner_text() == "Deal D0007"
    dispute_id = int(iryna.url.split("/pay/disputes/")[1].split("?")[0])
    shoot(iryna, "dispute-opened")

    fiona = signed_in(browser, server, "fiona")
    fiona.goto(f"/finance/runs/{mar}")
    assert "1 dispute on this run waits for an answer" in fiona.locator("#open-disputes").inner_text()
    fiona.click("#open-disputes a")
    fiona.click(f'tr[data-dispute="{dispute_id}"] td a >> nth=0')
    assert fiona.locator("#reply").count() == 0
    take_step(fiona, "answer", "Checking the CRM export for D0007")
    assert fiona.locator("#state").inner_text() == "Answered"
    import_file(fiona, tmp_path, "upsell.csv", UPSELL)
    assert "1 new" in fiona.inner_text("#message")
    fiona.goto(f"/pay/disputes/{dispute_id}")
    fiona.check("#adjust")
    take_step(fiona, "resolve", "The CRM export missed D0007U; imported and adjusted")
    assert fiona.locator("#state").inner_text() == "Resolved", fiona.locator("main").inner_text()
    assert fiona.locator("#step-form").count() == 0
    with company.engine.connect() as conn:
        adjustment = conn.execute(select(dispute_table.c.adjustment_run_id)
                                  .where(dispute_table.c.id == dispute_id)).scalar_one()
    assert adjustment is not None
    shoot(fiona, "dispute-resolved")
    fiona.click("#correction-run")
    fiona.click("#submit")
    fiona.wait_for_load_state()
    assert fiona.locator("#approve").count() == 0  # she created it: another finance user approves

    felix = signed_in(browser, server, "felix")
    felix.goto(f"/finance/runs/{adjustment}")
    felix.click("#approve")
    felix.wait_for_load_state()
    assert company.run_state(adjustment).state == "approved"

    iryna.goto(f"/pay/disputes/{dispute_id}")
    assert iryna.locator("#state").inner_text() == "Resolved"
    assert [s.get_attribute("data-step") for s in iryna.locator("#steps li").all()] == ["open", "answer", "resolve"]
    assert "imported and adjusted" in iryna.locator("#steps").inner_text()
    shoot(iryna, "dispute-correction")
    iryna.click("#correction-statement")
    iryna.wait_for_load_state()
    assert iryna.url.endswith(f"/pay/{adjustment}/AE01")
    shown = dec(iryna.locator("#total").inner_text())
    before = api(server, "iryna", f"/runs/{mar}/results/AE01")
    after = api(server, "iryna", f"/runs/{adjustment}/results/AE01")
    adjusts = after["result"]["adjusts"]
    assert dec(adjusts["previous_total"]) == dec(before["total"])
    assert shown == dec(after["total"]) == dec(adjusts["recomputed_total"]) - dec(adjusts["previous_total"])
    assert shown > 0  # one more won deal pays more commission
    lines = {ln["component"]: dec(ln["amount"]) for ln in after["result"]["lines"]}
    assert sum(lines.values()) == shown and lines["margin_commission"] > 0


def test_a_rep_cannot_open_another_reps_dispute(browser, server):
    company = server.company
    with company.engine.begin() as conn:
        olena = get_user(conn, "olena")
        theirs = disputes.open_dispute(conn, company.runs["mar"], "kpi", "demos", "short",
                                       User(olena.id, "taras", "rep", "AE02")).id
    iryna = signed_in(browser, server, "iryna")
    response = iryna.goto(f"/pay/disputes/{theirs}")
    assert response.status == 404 and "short" not in iryna.content()
    iryna.goto("/pay/disputes")
    assert iryna.locator("tr[data-dispute]").count() == 0
    refused = httpx.get(f"{server.url}/disputes/{theirs}", headers=company.headers("iryna"), timeout=10)
    assert refused.status_code == 404
