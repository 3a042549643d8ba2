"""The job page under PAYPLAN_JOBS=workers: creating or recomputing a run from the pages opens
`/finance/jobs/{id}`, which refreshes itself while the job is queued (reps done of the total on a
bar), then links the run; a failed job says why, in the page's language; makers may see it, only
finance and admin get the run's link. On the default the pages compute here and now, as before."""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec
import pytest
from litestar.testing import TestClient

from payplan.access.users import get_user
from payplan.app import create_app
from payplan.jobs.worker import work_once
from payplan.runs import lifecycle as runs
from payplan.runs.jobs import enqueue_run
from payplan.runs.recompute_job import enqueue_recompute

from .conftest import HTML, settings_for
from .test_pages import post_form, sign_in

REFRESH = '<meta http-equiv="refresh" content="2">'


@pytest.fixture
def workers(company) -> Iterator[TestClient]:
    settings = msgspec.structs.replace(settings_for(company.url), jobs="workers")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def drain(company) -> None:
    while work_once(company.engine, "test-worker"):
        pass


def reps_shown(html: str) -> tuple[int, int]:
    found = re.search(r'<span id="reps">(\d+) of (\d+) reps?</span>', html)
    assert found, html
    return int(found[1]), int(found[2])


def test_a_run_created_from_the_page_opens_its_job_until_it_is_done(workers, company):
    sign_in(workers, "fiona")
    queued = post_form(workers, "/finance/runs", plan="ae-2026@1", period="2026-04")
    (job_path,) = re.findall(r"/finance/jobs/\d+", str(queued.url))
    page = queued.text
    assert queued.status_code == 200 and REFRESH in page and 'id="state">Queued' in page
    assert "Computing the run of ae-2026@1 for April 2026." in page
    done, total = reps_shown(page)
    assert done == 0 and total > 0 and f'<progress id="progress" max="{total}" value="0">' in page
    assert 'id="run"' not in page  # nothing to open yet
    drain(company)
    finished = workers.get(job_path, headers=HTML).text
    assert REFRESH not in finished and 'id="state">Done' in finished and reps_shown(finished) == (total, total)
    (run_id,) = re.findall(r'href="/finance/runs/(\d+)\?done=create" id="run"', finished)
    assert company.run_state(int(run_id)).period == "2026-04"
    assert "was created" in workers.get(f"/finance/runs/{run_id}?done=create", headers=HTML).text
    sign_in(workers, "hanna")  # HR may follow a job, but has no run pages: no link
    seen = workers.get(job_path, headers=HTML)
    assert seen.status_code == 200 and 'id="run"' not in seen.text and f"Run #{run_id}" in seen.text
    sign_in(workers, "iryna")
    assert workers.get(job_path, headers=HTML).status_code == 403


def test_a_recompute_refused_at_completion_shows_why_in_the_pages_language(workers, company):
    run_id = company.runs["sdr_mar"]
    sign_in(workers, "fiona")
    queued = post_form(workers, f"/finance/runs/{run_id}/recompute", revision="1")
    assert f"Recomputing run #{run_id} of sdr-2026@1 for March 2026 on the current facts." in queued.text
    job_path = re.findall(r"/finance/jobs/\d+", str(queued.url))[0]
    again = post_form(workers, f"/finance/runs/{run_id}/recompute", revision="1")
    assert again.status_code == 409 and "is already recomputing run" in again.text  # back on the run page
    with company.engine.begin() as conn:
        runs.submit(conn, run_id, get_user(conn, "fiona"))
        runs.approve(conn, run_id, get_user(conn, "felix"))
    drain(company)
    failed = workers.get(job_path, headers=HTML).text
    assert 'id="state">Failed' in failed and REFRESH not in failed
    assert (f"The job failed: run {run_id} is approved, so it cannot be recomputed (an approved run is "
            "immutable: corrections are adjustment runs)") in failed
    assert f'href="/finance/runs/{run_id}" id="run"' in failed
    uk = workers.get(job_path + "?lang=uk", headers=HTML).text
    assert f"Завдання не виконано: розрахунок {run_id} має стан «затверджено», тож його не можна перерахувати" in uk


def test_an_adjustment_is_queued_from_the_run_page_and_its_refusal_said_on_the_job_page(workers, company):
    run_id = company.runs["sdr_feb"]  # approved, and nothing changed since
    sign_in(workers, "fiona")
    queued = post_form(workers, f"/finance/runs/{run_id}/adjust")
    assert "Computing an adjustment of sdr-2026@1 for February 2026 on the current facts." in queued.text
    job_path = re.findall(r"/finance/jobs/\d+", str(queued.url))[0]
    again = post_form(workers, f"/finance/runs/{run_id}/adjust")
    assert again.status_code == 409 and "is already computing an adjustment of run" in again.text
    drain(company)
    failed = workers.get(job_path, headers=HTML).text
    assert (f"The job failed: recomputing run {run_id} on the current facts changes no one&#39;s pay: "
            "nothing to adjust") in failed and 'id="run"' not in failed
    uk = workers.get(job_path + "?lang=uk", headers=HTML).text
    assert "Завдання не виконано: " in uk and f"розрахунку {run_id}" in uk


def test_on_the_default_the_pages_compute_here_and_now(client, company):
    sign_in(client, "fiona")
    made = post_form(client, f"/finance/runs/{company.runs['sdr_mar']}/recompute", revision="1")
    assert made.status_code == 200 and "was recomputed on the current facts" in made.text
    assert "/finance/jobs/" not in str(made.url)


def jobs_in_every_state(company) -> list[str]:
    """Job pages to look at: one queued (a new run), one done (a recompute), one failed (a
    recompute of a run approved meanwhile), a done batch of statements, a done fact import."""
    from payplan.jobs.imports import enqueue_import
    from payplan.jobs.statements import enqueue_statements

    from .test_close_pages import APRIL

    with company.engine.begin() as conn:
        fiona, felix = get_user(conn, "fiona"), get_user(conn, "felix")
        done = enqueue_recompute(conn, company.runs["sdr_mar"], fiona)
        printed = enqueue_statements(conn, company.runs["sdr_feb"], "uk", fiona)
        imported = enqueue_import(conn, {"deals.csv": APRIL.format(amount="100.00").encode()}, fiona, upload="deals")
    drain(company)
    with company.engine.begin() as conn:
        failed = enqueue_recompute(conn, company.runs["sdr_mar"], fiona)
        runs.submit(conn, company.runs["sdr_mar"], fiona)
        runs.approve(conn, company.runs["sdr_mar"], felix)
    drain(company)
    with company.engine.begin() as conn:
        queued = enqueue_run(conn, "ae-2026@1", "2026-04", fiona)
    return [f"/finance/jobs/{n}" for n in (queued, done, failed, printed, imported)]


def test_a_file_imported_from_the_page_is_a_job_whose_page_says_what_it_imported(workers, company):
    from .test_close_pages import APRIL, deal_count, upload

    sign_in(workers, "fiona")
    before = deal_count(company)
    queued = upload(workers, "deals", "april.csv", APRIL.format(amount="12500.00"))
    (job_path,) = re.findall(r"/finance/jobs/\d+", str(queued.url))
    assert queued.status_code == 200 and REFRESH in queued.text
    assert "Importing fact files: all their rows, or none." in queued.text and 'id="reps"' not in queued.text
    assert deal_count(company) == before  # nothing until a worker imports it
    drain(company)
    done = workers.get(job_path, headers=HTML).text
    assert 'id="state">Done' in done and '<span class="imported" id="imported-deals">deals: 2 new</span>' in done
    assert 'href="/finance/import" id="imports"' in done and deal_count(company) == before + 2
    failed = upload(workers, "deals", "may.csv", APRIL.format(amount="1250O.00").replace("2026-04", "2026-05"))
    drain(company)
    said = workers.get(re.findall(r"/finance/jobs/\d+", str(failed.url))[0], headers=HTML).text
    assert 'id="state">Failed' in said and deal_count(company) == before + 2  # neither of its 2 rows
    assert "The job failed: nothing was imported: deals.csv row 3, column amount: " in said
    uk = workers.get(re.findall(r"/finance/jobs/\d+", str(failed.url))[0] + "?lang=uk", headers=HTML).text
    assert ("Завдання не виконано: нічого не імпортовано: deals.csv, рядок 3, стовпець amount: "
            "&#39;1250O.00&#39; — не десяткова сума") in uk


def test_every_statement_of_a_run_is_printed_from_its_page_and_fetched_as_one_zip(workers, company):
    import io
    import zipfile

    run_id = company.runs["sdr_feb"]
    sign_in(workers, "fiona")
    page = workers.get(f"/finance/runs/{run_id}", headers=HTML).text
    assert f'action="/finance/runs/{run_id}/statements"' in page and 'id="print"' in page
    queued = post_form(workers, f"/finance/runs/{run_id}/statements", lang="uk")
    (job_path,) = re.findall(r"/finance/jobs/\d+", str(queued.url))
    assert REFRESH in queued.text and 'id="zip"' not in queued.text
    assert f"Printing every rep's statement of run #{run_id} (sdr-2026@1, February 2026), in Українська." in queued.text
    done, total = reps_shown(queued.text)
    assert done == 0 and total > 0
    drain(company)
    finished = workers.get(job_path, headers=HTML).text
    job_id = job_path.rsplit("/", 1)[1]
    assert f'<a href="/jobs/{job_id}/statements.zip" id="zip" download>Download the {total} statements (ZIP)</a>' in finished
    fetched = workers.get(f"/jobs/{job_id}/statements.zip")  # the signed-in session fetches it
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(fetched.content)).namelist()
    assert len(names) == total and all(f"-run{run_id}-uk-" in n and n.endswith(".pdf") for n in names)
    refused = post_form(workers, f"/finance/runs/{run_id}/statements", lang="fr")
    assert refused.status_code == 422 and "unknown statement language &#39;fr&#39;" in refused.text


def test_on_the_default_the_statements_are_left_to_a_local_worker_process(client, company, monkeypatch):
    from payplan.web import finance

    started = []
    monkeypatch.setattr(finance, "start_local_worker", started.append)
    sign_in(client, "fiona")
    queued = post_form(client, f"/finance/runs/{company.runs['sdr_feb']}/statements", lang="en")
    assert re.findall(r"/finance/jobs/\d+", str(queued.url)) and started == [company.url]
