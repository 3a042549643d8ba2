"""A run created from the pages under PAYPLAN_JOBS=workers, in chromium: the job's page shows the
job queued (0 reps done, a bar), refreshes itself while a worker (a thread here, as `payplan
worker` would) computes it, reaches "Done" and links the run, which opens with its review.
Screenshots go to $PAYPLAN_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import msgspec
import pytest
from playwright.sync_api import expect

from payplan.jobs.worker import work_once

from .conftest import follow, serve, settings_for, shoot, sign_in, tab_on


@pytest.fixture
def workers_page(browser, company) -> Iterator:
    settings = msgspec.structs.replace(settings_for(company.url), jobs="workers")
    for server in serve(company, settings):
        yield from tab_on(browser, server)


def drained_until(page, company, done: str, timeout: int = 30_000) -> None:
    """A worker (a thread here, as `payplan worker` would) drains the queue until the job's page,
    refreshing itself, says `done`."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            if not work_once(company.engine, "browser-test-worker"):
                stop.wait(0.1)
    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    try:
        expect(page.locator("#state")).to_have_text(done, timeout=timeout)
    finally:
        stop.set()
        worker.join(timeout=10)


def test_a_run_created_under_workers_is_followed_to_done_and_opened(workers_page, company):
    page = workers_page
    sign_in(page, "fiona")
    page.goto("/finance/runs")
    page.select_option("#plan", "ae-2026@1")
    page.fill("#period", "2026-04")
    follow(page, "#create")
    assert re.search(r"/finance/jobs/\d+$", page.url)
    expect(page.locator("#state")).to_have_text("Queued")
    done, total = map(int, re.findall(r"\d+", page.locator("#reps").inner_text()))
    assert done == 0 and total > 0 and page.locator("#progress").get_attribute("value") == "0"
    shoot(page, "job-queued")
    drained_until(page, company, "Done")  # the page refreshed itself
    assert page.locator("#reps").inner_text() == f"{total} of {total} reps"
    assert page.locator("#progress").get_attribute("value") == str(total)
    shoot(page, "job-done")
    follow(page, "#run")
    run_id = int(re.search(r"/finance/runs/(\d+)", page.url)[1])
    assert f"Run #{run_id} was created." in page.locator("#message").inner_text()
    assert company.run_state(run_id).period == "2026-04"


def test_every_statement_is_printed_from_the_run_page_and_downloaded_as_a_zip(workers_page, company, tmp_path):
    import zipfile

    page, run_id = workers_page, company.runs["sdr_feb"]
    sign_in(page, "fiona")
    page.goto(f"/finance/runs/{run_id}")
    page.select_option("#print-lang", "uk")
    shoot(page, "run-print")
    follow(page, "#print")
    assert re.search(r"/finance/jobs/\d+$", page.url)
    expect(page.locator("#state")).to_have_text("Queued")
    drained_until(page, company, "Done", timeout=60_000)
    total = int(re.findall(r"\d+", page.locator("#reps").inner_text())[-1])
    shoot(page, "statements-job-done")
    with page.expect_download() as download:
        page.click("#zip")
    path = tmp_path / "statements.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert len(names) == total > 0 and all(f"-run{run_id}-uk-" in n for n in names)


def test_a_simulation_under_workers_opens_its_job_page_which_shows_the_report(workers_page, company):
    page = workers_page
    sign_in(page, "hanna")
    page.goto("/hr/simulation?lang=uk")
    page.select_option("#baseline", "ae-2026@1")
    page.select_option("#proposal", "ae-2026@2")
    page.fill("#start", "2026-01")
    page.fill("#end", "2026-03")
    follow(page, "#simulate")
    assert re.search(r"/finance/jobs/\d+$", page.url)
    expect(page.locator("#state")).to_have_text("У черзі")
    drained_until(page, company, "Виконано")  # the page refreshed itself
    report = page.frame_locator("iframe.report")
    expect(report.locator("h1")).to_contain_text("Скільки виплатив би план")
    job = page.url.rsplit("/", 1)[1]
    assert page.get_attribute("#download-pdf", "href") == f"/simulations/{job}?format=pdf&lang=uk"
    with page.expect_download() as download:
        page.click("#download-csv")
    assert download.value.suggested_filename == "simulation.csv"
    shoot(page, "simulation-job-done")
