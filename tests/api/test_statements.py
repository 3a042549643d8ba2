"""A rep downloads their own statement (PDF and HTML) once the run is approved."""

from __future__ import annotations

import subprocess
from decimal import Decimal


def _approve_february(world, world_client) -> int:
    run_id = world.runs["submitted"]
    response = world_client.post(f"/runs/{run_id}/approve", headers=world.headers("finance2"))
    assert response.status_code == 200, response.text
    return run_id


def test_rep_downloads_own_pdf_with_the_printed_total(world, world_client, tmp_path):
    run_id = _approve_february(world, world_client)
    result = world_client.get(f"/runs/{run_id}/results/A1", headers=world.headers("rep")).json()
    response = world_client.get(f"/runs/{run_id}/results/A1/statement.pdf", headers=world.headers("rep"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="statement-A1-run' in response.headers["content-disposition"]
    pdf = tmp_path / "a1.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    total = Decimal(result["total"])
    assert f"{total:,.2f}" in text  # the total as the en statement prints it
    attachments = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert "payplan-calculation.json" in attachments


def test_rep_reads_the_web_page_and_not_another_reps(world, world_client):
    run_id = _approve_february(world, world_client)
    page = world_client.get(f"/runs/{run_id}/results/A1/statement.html?lang=uk", headers=world.headers("rep"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/statement.css"' in page.text and "<script" not in page.text
    other = world_client.get(f"/runs/{run_id}/results/A2/statement.html", headers=world.headers("rep"))
    assert other.status_code == 404
    css = world_client.get("/statement.css", headers=world.headers("rep"))
    assert css.status_code == 200 and "@page" in css.text


def test_an_adjustment_runs_statement_renders_and_verifies(world, world_client):
    """An adjustment run's statement was a 422; it renders from the stored results of both runs."""
    from payplan.statements.verify import verify_pdf

    original = world.runs["approved"]  # its facts changed after approval
    made = world_client.post(f"/runs/{original}/adjust", headers=world.headers("finance"))
    assert made.status_code == 201, made.text
    adj = made.json()["id"]
    rows = world_client.get(f"/runs/{adj}/results", headers=world.headers("finance")).json()
    rep_ids = [r["rep_id"] for r in (rows["results"] if isinstance(rows, dict) else rows)]
    assert rep_ids
    for rep_id in rep_ids:
        response = world_client.get(f"/runs/{adj}/results/{rep_id}/statement.pdf", headers=world.headers("finance"))
        assert response.status_code == 200, response.text
        verdict = verify_pdf(response.content)
        assert verdict.ok, verdict.differences
    before = world_client.get(f"/runs/{original}/results/{rep_ids[0]}/statement.pdf", headers=world.headers("finance"))
    assert before.status_code == 200 and verify_pdf(before.content).ok
