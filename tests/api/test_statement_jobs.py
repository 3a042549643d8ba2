"""A run's statements as a job over HTTP: POST /runs/{id}/statements answers 202 with the
job's Location, GET /jobs/{id} shows reps done of the total and the files stored, and
GET /jobs/{id}/statements.zip gives one PDF per rep of the run, named as `payplan statements`
names them, each the statement GET …/statement.pdf makes (the same attachment)."""

from __future__ import annotations

import io
import zipfile

from payplan.jobs.worker import work_once
from payplan.statements.batch import id_hash, slug
from payplan.statements.pdf import read_attachment

from .test_jobs import workers_client


def test_a_batch_of_statements_is_queued_done_and_fetched(world):
    finance, run_id = world.headers("finance"), world.runs["approved"]
    with workers_client(world) as client:
        reps = [r["rep_id"] for r in client.get(f"/runs/{run_id}/results", headers=finance).json()]
        queued = client.post(f"/runs/{run_id}/statements?lang=uk", headers=finance)
        assert queued.status_code == 202, queued.text
        location = queued.headers["location"]
        job = client.get(location, headers=finance).json()
        assert location == f"/jobs/{job['id']}" and (job["state"], job["run_id"], job["lang"]) == ("queued", run_id, "uk")
        assert (job["reps_done"], job["reps_total"], job["files"]) == (0, len(reps), 0)
        again = client.post(f"/runs/{run_id}/statements?lang=uk", headers=world.headers("hr"))
        assert again.status_code == 202 and again.json()["id"] == job["id"]  # queued already: the same job
        assert client.get(f"{location}/statements.zip", headers=finance).status_code == 409  # not done yet
        while work_once(world.engine, "test-worker"):
            pass
        done = client.get(location, headers=finance).json()
        assert (done["state"], done["reps_done"], done["files"]) == ("done", len(reps), len(reps))
        fetched = client.get(f"{location}/statements.zip", headers=finance)
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "application/zip"
        assert client.get(f"{location}/statements.zip", headers=world.headers("rep")).status_code == 403
        single = client.get(f"/runs/{run_id}/results/{reps[0]}/statement.pdf?lang=uk", headers=finance).content
    archive = zipfile.ZipFile(io.BytesIO(fetched.content))
    names = archive.namelist()
    assert len(names) == len(reps) and all(f"-run{run_id}-uk-" in n and n.endswith(".pdf") for n in names)
    prefix = f"{slug(reps[0])}-{id_hash(reps[0])}-run{run_id}-uk-"
    (first,) = [n for n in names if n.startswith(prefix)]
    assert read_attachment(archive.read(first)) == read_attachment(single)  # the same calculation, signed alike


def test_statements_of_a_run_nobody_may_see_whole_are_refused(world, world_client):
    for who in ("manager", "rep"):
        refused = world_client.post(f"/runs/{world.runs['approved']}/statements", headers=world.headers(who))
        assert refused.status_code == 403
    missing = world_client.post("/runs/999/statements?lang=en", headers=world.headers("finance"))
    assert missing.status_code == 404
    bad = world_client.post(f"/runs/{world.runs['approved']}/statements?lang=fr", headers=world.headers("finance"))
    assert bad.status_code == 400
