"""Progress during a period (`/me/progress`, `/teams/{id}/progress`): estimates equal runs, gains are
re-evaluations, and only whoever may see a rep sees their progress.

(a) On the demo company, each rep's estimate for a period equals what a run of that period stores.
(b) "One more unit" gains equal the difference of two `payplan evaluate` answers on fact directories
that differ by exactly that one fact. (c) Access: a rep only themself, a manager their team.
"""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from litestar.testing import TestClient

from payplan.access.users import get_user
from payplan.app import create_app
from payplan.evaluation.pipeline import evaluate_files
from payplan.evaluation.report import to_json
from payplan.runs import lifecycle as runs
from payplan.runs import views as run_views
from tests.web.conftest import company, company_template, settings_for  # noqa: F401  (fixtures)

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "examples" / "demo"


@pytest.fixture
def api(company):  # noqa: F811
    with TestClient(create_app(settings_for(company.url))) as client:
        yield client


def get(api, company, who, path):
    return api.get(path, headers=company.headers(who))


@pytest.mark.parametrize("period", ["2026-02", "2026-03"])
def test_estimates_equal_what_a_run_stores(api, company, period):  # noqa: F811
    with company.engine.begin() as conn:
        fiona = get_user(conn, "fiona")
        ae = {r.period: r for r in runs.list_runs(conn, plan_id="ae-2026") if r.kind == "regular"}[period]
        stored = {r.rep_id: r for r in run_views.list_results(conn, ae.id, fiona, with_documents=True)}
    assert len(stored) >= 5
    for rep_id, row in stored.items():
        answer = get(api, company, "fiona", f"/me/progress?rep={rep_id}&period={period}")
        assert answer.status_code == 200, answer.text
        got = answer.json()
        document = json.loads(bytes(row.result))
        assert got["plan"] == "ae-2026@1" and got["estimate"] is True and got["payable"] is False
        assert Decimal(got["total"]) == row.total, rep_id
        assert {c["id"]: Decimal(c["amount"]) for c in got["components"]} == \
               {c["id"]: Decimal(c["amount"]) for c in document["components"]}
        nodes = _kpi_nodes(document["trace"])
        assert {k["id"]: Decimal(k["attainment"]) for k in got["kpis"]} == \
               {key[4:]: Decimal(n["inputs"]["attainment"]) for key, n in nodes.items()}, rep_id


def _kpi_nodes(node, found=None):
    found = {} if found is None else found
    if node["key"].startswith("kpi.") and node["key"].count(".") == 1:
        found[node["key"]] = node
    for child in node.get("children", []):
        _kpi_nodes(child, found)
    return found


# --- (b) gains are differences of two evaluations on fact files one fact apart ----------------

def evaluate_total(plan: str, data: Path, period: str, rep: str) -> Decimal:
    evaluation = evaluate_files(ROOT / "plans" / plan, data, period, rep)
    return Decimal(json.loads(to_json(evaluation))["results"][0]["total"])


def with_row(tmp_path: Path, name: str, row: dict[str, str]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    with (data / name).open("a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fieldnames=list(row)).writerow(row)
    return data


def with_score(tmp_path: Path, rep: str, period: str, kind: str, step: Decimal) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    rows = list(csv.DictReader((data / "scores.csv").open(encoding="utf-8")))
    for row in rows:
        if (row["rep_id"], row["period"], row["kind"]) == (rep, period, kind):
            row["value"] = str(Decimal(row["value"]) + step)
    with (data / "scores.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return data


CASES = [  # rep, plan file, KPI, the one fact that differs
    ("AE01", "ae-2026-v1.toml", "demos", ("activities.csv", {"activity_id": "X1", "rep_id": "AE01", "kind": "demo",
                                                             "occurred_at": "2026-03-30"})),
    ("AE01", "ae-2026-v1.toml", "nps", ("nps.csv", {"response_id": "X2", "rep_id": "AE01",
                                                    "answered_at": "2026-03-30", "score": "10"})),
    ("AE02", "ae-2026-v1.toml", "demos", ("activities.csv", {"activity_id": "X3", "rep_id": "AE02", "kind": "demo",
                                                             "occurred_at": "2026-03-30"})),
    ("AE02", "ae-2026-v1.toml", "crm", ("score", "crm_hygiene")),
    ("SDR01", "sdr-2026.toml", "meetings", ("activities.csv", {"activity_id": "X4", "rep_id": "SDR01",
                                                               "kind": "meeting", "occurred_at": "2026-03-30"})),
    ("SDR01", "sdr-2026.toml", "calls", ("activities.csv", {"activity_id": "X5", "rep_id": "SDR01",
                                                            "kind": "call", "occurred_at": "2026-03-30"})),
]


@pytest.mark.parametrize("rep, plan, kpi, fact", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_one_more_unit_is_the_difference_of_two_evaluations(api, company, tmp_path, rep, plan, kpi, fact):
    answer = get(api, company, "fiona", f"/me/progress?rep={rep}&period=2026-03").json()
    gain = {g["kpi"]: g for g in answer["gains"]}[kpi]
    if fact[0] == "score":
        data = with_score(tmp_path, rep, "2026-03", fact[1], Decimal("0.01"))
    else:
        data = with_row(tmp_path, *fact)
    before = evaluate_total(plan, DEMO, "2026-03", rep)
    after = evaluate_total(plan, data, "2026-03", rep)
    assert Decimal(gain["change"]["total"]) == after - before
    assert after != before or kpi == "calls"


def test_a_typical_deal_is_the_difference_of_two_evaluations(api, company, tmp_path):
    answer = get(api, company, "fiona", "/me/progress?rep=AE01&period=2026-03").json()
    typical = answer["typical_deal"]
    deals = {r["deal_id"]: r for r in csv.DictReader((DEMO / "deals.csv").open(encoding="utf-8"))}
    median = next(r for r in deals.values() if r["rep_id"] == "AE01" and r["status"] == "won"
                  and r["closed_at"].startswith("2026-03") and Decimal(r["amount"]) == Decimal(typical["amount"]))
    from datetime import date
    cycle = date.fromisoformat(median["closed_at"]) - date.fromisoformat(median["created_at"])
    closed = date.fromisoformat(answer["as_of"])
    row = {**median, "deal_id": "X9", "closed_at": closed.isoformat(), "created_at": (closed - cycle).isoformat()}
    data = with_row(tmp_path, "deals.csv", row)
    before = evaluate_total("ae-2026-v1.toml", DEMO, "2026-03", "AE01")
    after = evaluate_total("ae-2026-v1.toml", data, "2026-03", "AE01")
    assert Decimal(typical["change"]["total"]) == after - before


def test_a_gate_that_cuts_pay_comes_first_with_what_reaching_it_adds(api, company, tmp_path):
    answer = get(api, company, "fiona", "/me/progress?rep=AE02&period=2026-03").json()
    gate = answer["gates"][0]
    assert gate["applies"] is True and gate["metric"] == "crm_hygiene"
    assert Decimal(gate["actual"]) < Decimal(gate["minimum"]) == Decimal("0.8")
    data = with_score(tmp_path, "AE02", "2026-03", "crm_hygiene", Decimal(gate["minimum"]) - Decimal(gate["actual"]))
    before = evaluate_total("ae-2026-v1.toml", DEMO, "2026-03", "AE02")
    after = evaluate_total("ae-2026-v1.toml", data, "2026-03", "AE02")
    assert Decimal(gate["at_stake"]["total"]) == after - before > 0


def test_the_next_tier_is_the_plans_next_band_from_the_traced_base(api, company):
    answer = get(api, company, "fiona", "/me/progress?rep=AE01&period=2026-03").json()
    tier = answer["tiers"][0]
    assert tier["component"] == "margin_commission" and Decimal(tier["next_rate"]) == Decimal("0.12")
    assert Decimal(tier["base"]) + Decimal(tier["distance"]) == Decimal(30000)


# --- (c) who may ask ----------------------------------------------------------------------------

@pytest.mark.parametrize("who, path, status", [
    ("iryna", "/me/progress?period=2026-03", 200),
    ("iryna", "/me/progress?rep=AE02&period=2026-03", 404),
    ("iryna", "/reps/AE02/progress?period=2026-03", 404),
    ("iryna", "/reps/AE01/progress?period=2026-03", 200),
    ("iryna", "/teams/MGR01/progress?period=2026-03", 404),
    ("iryna", "/teams/AE01/progress?period=2026-03", 404),  # a rep has no team, not even an empty one
    ("olena", "/me/progress?rep=AE02&period=2026-03", 200),
    ("olena", "/reps/AE01/progress?period=2026-03", 200),
    ("olena", "/teams/MGR01/progress?period=2026-03", 200),
    ("olena", "/teams/MGR02/progress?period=2026-03", 404),
    ("olena", "/me/progress?rep=AE04&period=2026-03", 404),
    ("fiona", "/teams/MGR02/progress?period=2026-03", 200),
    ("fiona", "/me/progress", 404),  # not a rep: no own progress
    ("fiona", "/me/progress?rep=AE01&period=2026-13", 400),
    ("fiona", "/me/progress?rep=AE01&period=0541-12", 422),
    ("fiona", "/me/progress?rep=NOBODY&period=2026-03", 404),
])
def test_who_may_see_progress(api, company, who, path, status):
    assert get(api, company, who, path).status_code == status


def test_the_team_sums_its_estimates(api, company):
    team = get(api, company, "olena", "/teams/MGR01/progress?period=2026-03").json()
    reps = {r["rep_id"]: r for r in team["reps"]}
    assert reps and all(r["rep_id"] != "MGR01" for r in team["reps"])
    for rep_id, row in reps.items():
        own = get(api, company, "olena", f"/me/progress?rep={rep_id}&period=2026-03").json()
        assert Decimal(own["total"]) == Decimal(row["total"])
    assert Decimal(team["totals"]["USD"]) == sum(Decimal(r["total"]) for r in reps.values())
    assert Decimal(team["team_quota"]) > 0


def test_a_manager_demoted_to_rep_sees_only_their_own_progress(api, company):
    """The facts still name MGR01 as AE01–AE03's manager; olena's role is what decides."""
    before = get(api, company, "olena", "/teams/MGR01/progress?period=2026-03")
    assert before.status_code == 200 and {"AE01", "AE02", "AE03"} <= {r["rep_id"] for r in before.json()["reps"]}
    demoted = api.post("/users/olena/role", json={"role": "rep"}, headers=company.headers("admin"))
    assert demoted.status_code == 204
    assert get(api, company, "olena", "/me").json()["role"] == "rep"
    for path, rep in (("/teams/MGR01/progress?period=2026-03", "MGR01"), ("/reps/AE01/progress?period=2026-03", "AE01"),
                      ("/me/progress?rep=AE02&period=2026-03", "AE02")):
        refused = get(api, company, "olena", path)
        assert refused.status_code == 404, path
        assert refused.json()["detail"] == f"rep '{rep}' does not exist" and "total" not in refused.json()
    own = get(api, company, "olena", "/me/progress?period=2026-03")
    assert own.status_code == 200 and (own.json()["rep_id"], own.json()["plan"]) == ("MGR01", "manager-2026@1")
    assert get(api, company, "fiona", "/teams/MGR01/progress?period=2026-03").json() == before.json()
