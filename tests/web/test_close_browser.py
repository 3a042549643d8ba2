"""The whole month-end close in chromium, as two finance users walk it.

fiona imports April's deals (a file with a bad row is refused and nothing is
written; the fixed file goes in), creates the April run and reviews its flags,
submits it and is not offered Approve. felix rejects it with a reason; fiona
imports the missing deal, recomputes and resubmits; felix approves, marks it paid
and exports it. The exported CSV must sum to the run total to the cent, and its
totals must equal the API's. Screenshots go to $PAYPLAN_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from sqlalchemy import func, select

from payplan.store.schema import deals

from .conftest import follow, shoot, sign_in
from .test_browser import api, dec

HEADER = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at,discount,tax\n"
BAD = HEADER + ("W9001,AE04,2026-04-02,2026-04-20,won,48000.00,21000.00,USD,analytics,,,\n"
                "W9002,AE01,2026-04-03,2026-04-31,won,12500.00,5000.00,USD,support,,,\n")  # 31 April
FIXED = BAD.replace("2026-04-31", "2026-04-21")
MISSING = HEADER + "W9003,AE04,2026-04-06,2026-04-27,won,30000.00,12000.00,USD,analytics,,,\n"


def import_file(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    page.goto("/finance/import")
    page.select_option("#kind", "deals")
    page.set_input_files("#file", str(path))
    page.click("#upload")


def deal_count(company) -> int:
    with company.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(deals)).scalar_one()


def review_rows(page) -> dict[str, Decimal]:
    return {row.get_attribute("data-rep"): dec(row.locator("td.total").inner_text())
            for row in page.locator("#results tbody tr[data-rep]").all()
            if row.locator("td.total").inner_text() != "—"}


def sign_in_as(page, name: str) -> None:
    page.click("text=Sign out")
    sign_in(page, name)


def test_finance_closes_april_from_import_to_payroll_export(page, server, tmp_path):
    company = server.company
    sign_in(page, "fiona")
    before = deal_count(company)
    import_file(page, tmp_path, "april-deals.csv", BAD)
    assert "Nothing was imported. 1 problem:" in page.inner_text("#problems")
    assert "deals.csv row 3, column closed_at" in page.inner_text("#problems")
    assert deal_count(company) == before
    shoot(page, "import-refused")
    import_file(page, tmp_path, "april-deals.csv", FIXED)
    assert page.inner_text("#message") == "Imported deals.csv: 2 rows read, 2 new."
    assert deal_count(company) == before + 2

    follow(page, "nav >> text=Runs")
    page.select_option("#plan", "ae-2026@1")
    page.fill("#period", "2026-04")
    page.click("#create")
    assert "was created." in page.inner_text("#message")
    run_id = int(page.url.split("/finance/runs/")[1].split("?")[0])
    flags = {chip.get_attribute("data-flag") for chip in page.locator("#flags a[data-flag]").all()}
    assert len(flags) >= 4, flags
    review = api(server, "fiona", f"/runs/{run_id}/review")
    assert flags == {f for f, n in review["counts"].items() if n}
    shown = review_rows(page)
    assert sum(shown.values()) == dec(page.inner_text("#results-total")) == Decimal(review["total"])
    first_ae04 = shown["AE04"]
    shoot(page, "review")

    flag = min(flags)
    follow(page, f"#flags a[data-flag='{flag}']")
    rows = page.locator("#results tbody tr[data-rep]").all()
    assert rows and all(flag in row.get_attribute("data-flags").split() for row in rows)
    page.goto(f"/finance/runs/{run_id}")

    page.click("#submit")
    assert "submitted for approval" in page.inner_text("#message")
    assert page.locator("#approve").count() == 0
    assert "fiona submitted run" in page.inner_text("#why-approve")

    sign_in_as(page, "felix")
    page.goto(f"/finance/runs/{run_id}")
    assert page.locator("#approve").count() == 1
    page.fill("#reason", "AE04's deal W9003 closed on 27 April is missing")
    page.click("#reject")
    assert page.inner_text("#rejected") == "Rejected: AE04's deal W9003 closed on 27 April is missing"
    assert company.run_state(run_id).state == "draft"

    sign_in_as(page, "fiona")
    import_file(page, tmp_path, "april-deals-2.csv", MISSING)
    assert page.inner_text("#message") == "Imported deals.csv: 1 row read, 1 new."
    page.goto(f"/finance/runs/{run_id}")
    page.click("#recompute")
    assert "recomputed" in page.inner_text("#message")
    assert review_rows(page)["AE04"] > first_ae04  # the missing deal now pays
    page.click("#submit")
    assert company.run_state(run_id).state == "submitted"

    sign_in_as(page, "felix")
    page.goto(f"/finance/runs/{run_id}")
    page.click("#approve")
    assert company.run_state(run_id).state == "approved"
    page.click("#pay")
    assert company.run_state(run_id).state == "paid"
    run_total = dec(page.inner_text("#run-total"))
    with page.expect_download() as download:
        page.click("#export-csv")
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    totals = {row["rep_id"]: Decimal(row["total"]) for row in exported}
    assert sum(totals.values()) == run_total == Decimal(api(server, "felix", f"/runs/{run_id}")["total"])
    assert totals == {r["rep_id"]: Decimal(r["total"]) for r in api(server, "felix", f"/runs/{run_id}/results")}
    shoot(page, "paid-with-exports")
