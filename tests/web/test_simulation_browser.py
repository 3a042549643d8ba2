"""HR simulates a draft in chromium: paste, check, change a weight inline, simulate, fit a budget, download the PDF.

The totals on the page are checked against `POST /simulations` for the same question;
the budget fit's cost against the budget; the PDF through `pdftotext`.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal

import httpx


from .conftest import PLANS, shoot, shoot_element, sign_in
from .test_browser import dec

DRAFT = (PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8").replace("target_incentive = 2000",
                                                                         "target_incentive = 2400")
WEIGHT = "kpi_bonus.kpis.demos.weight"
QUESTION = {"baseline": "ae-2026@2", "proposal": {"toml": DRAFT}, "periods": "2026-01..2026-03",
            "edits": [{"path": WEIGHT, "value": "0.2"}]}


def _report_totals(page) -> tuple[Decimal, Decimal]:
    cells = page.frame_locator("iframe.report").locator("tr", has_text="Total pay").locator("td.num")
    return dec(cells.nth(0).inner_text()), dec(cells.nth(1).inner_text())


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.click(button)


def test_hr_checks_edits_simulates_fits_and_downloads_a_draft(page, server, tmp_path):
    sign_in(page, "hanna")
    page.select_option("#baseline", "ae-2026@2")
    page.check("#source-draft")
    page.fill("#toml", DRAFT)
    page.fill("#start", "2026-01")
    page.fill("#end", "2026-03")
    _submit(page, "#check")
    assert "no errors" in page.inner_text("#checked")
    weight = page.locator(f'[data-path="{WEIGHT}"]')
    assert weight.input_value() == "10"  # 0.10 in the plan, shown as a percentage
    assert page.input_value("#toml") == DRAFT  # the pasted draft is kept
    weight.fill("20")
    _submit(page, "#simulate")
    shown = _report_totals(page)
    api = httpx.post(server.url + "/simulations", json=QUESTION, headers=server.company.headers("hanna")).json()
    totals = api["comparison"]["totals"]
    assert shown == (Decimal(totals["baseline"]["total"]), Decimal(totals["proposal"]["total"]))
    assert page.locator(f'[data-path="{WEIGHT}"]').input_value() == "20"  # the change stays in the form

    budget = (shown[1] * Decimal("1.1")).quantize(Decimal(1))
    page.fill("#budget", str(budget))
    page.select_option("#lever", "kpi_bonus.target_incentive")
    page.fill("#tolerance", "5")
    _submit(page, "#simulate")
    fit = page.inner_text("#fit")
    assert "KPI bonus — target incentive" in fit
    cost = dec(fit.split(" costs ")[1].split(" over ")[0])
    assert abs(cost - budget) <= Decimal(5)
    assert page.frame_locator("iframe.report").locator("tr", has_text="Total pay").count() == 1
    shoot(page, "simulation-draft-budget")
    shoot_element(page.locator("iframe.report"), "simulation-report")

    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / "simulation.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "simulation.pdf" and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = text.replace(",", "")
    assert "ae-2026@2" in text and "Total pay" in text
    assert "Population" in text and "Fitting the budget" in text and f"{budget}" in flat  # stated
    fitted = fit.split(" = ")[1].split(" costs ")[0].replace(",", "")
    assert fitted in flat  # the value found for the fitted parameter
