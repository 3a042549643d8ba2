"""The role × endpoint matrix (DESIGN §7): every endpoint, every role, the expected status.

Each case runs on a private copy of the world (conftest.World): plan ae-2026@1 published by
hr; run `approved` (2026-03: submitted by finance, approved by finance2), `submitted`
(2026-02, submitted by finance) and `draft` (2026-01). The "rep" user is A1, whose manager
is "manager" (M1, team EMEA: A1, A2); U1 is in another team. Ownership answers 404.
"""

from __future__ import annotations

import pytest

from .conftest import PLANS

ROLES = ("anonymous", "admin", "finance", "hr", "manager", "rep")
OK, CREATED, GONE, NO, DENY, ANON, CONFLICT = 200, 201, 204, 403, 404, 401, 409

TARGETS = b"scope,scope_id,period,metric,target\nrep,A1,2026-05,revenue,100\n"
DEALS = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
         b"M9,A2,2026-04-01,2026-04-20,won,700.00,100.00,EUR,Core,\n")
BODIES = {
    "targets": {"content": TARGETS, "headers": {"Content-Type": "text/csv"}},
    "deals": {"content": DEALS, "headers": {"Content-Type": "text/csv"}},
    "plan": {"content": (PLANS / "ae-2026-v2.toml").read_bytes(), "headers": {"Content-Type": "application/toml"}},
    "run": {"json": {"plan": "ae-2026@1", "period": "2026-04"}},
    "reason": {"json": {"reason": "the March deals are incomplete"}},
    "login": {"data": {"name": "rep", "password": "not the password"}},
    "new_user": {"json": {"name": "newbie", "role": "finance", "password": "a-new-finance-password-26"}},
    "new_password": {"json": {"password": "another-long-password-2026"}},
    "new_role": {"json": {"role": "rep"}},
    "upload": {"data": {"kind": "deals"}, "files": {"file": ("deals.csv", DEALS, "text/csv")}},
    "run_form": {"data": {"plan": "ae-2026@1", "period": "2026-04"}},
    "reject_form": {"data": {"reason": "the March deals are incomplete"}},
    "ack_form": {"data": {"plan_version_id": "1", "period": "2026-03"}},
    "simulation": {"json": {"baseline": "ae-2026@1", "proposal": "ae-2026@1", "periods": "2026-01..2026-03"}},
    # a body naming one of the world's runs: made per case from `world.runs`
    "dispute": lambda runs: {"json": {"run_id": runs["approved"], "subject_kind": "deal", "subject": "LATE1",
                                      "text": "LATE1 is missing"}},
    "answer": {"json": {"step": "answer", "text": "we are checking the CRM export"}},
    "dispute_form": lambda runs: {"data": {"run_id": runs["approved"], "subject_kind": "deal", "subject": "LATE1",
                                           "text": "LATE1 is missing"}},
    "answer_form": {"data": {"step": "answer", "text": "we are checking the CRM export"}},
}


def row(method, path, expected, body=None):
    """One endpoint: `expected` maps role → status; roles not named expect `expected['*']`."""
    statuses = {role: expected.get(role, expected.get("*")) for role in ROLES}
    return method, path, body, statuses


MATRIX = [
    row("GET", "/health", {"*": OK}),
    row("GET", "/login", {"*": OK}),
    row("GET", "/me", {"*": OK, "anonymous": ANON}),
    row("GET", "/schema/openapi.json", {"*": OK, "anonymous": ANON}),
    row("POST", "/logout", {"*": GONE, "anonymous": ANON}),
    # a form post without the CSRF token is refused; bearer requests skip CSRF and fail the password
    row("POST", "/login", {"*": ANON, "anonymous": NO}, "login"),
    row("POST", "/facts/targets", {"*": NO, "admin": OK, "finance": OK, "hr": OK, "anonymous": ANON}, "targets"),
    row("POST", "/facts/deals", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}, "deals"),
    # CRM exports through mappings: the roles that import; the kind is checked once the mapping is known
    row("GET", "/facts/mappings", {"*": NO, "admin": OK, "finance": OK, "hr": OK, "anonymous": ANON}),
    row("POST", "/facts/mapped/nope", {"*": NO, "admin": DENY, "finance": DENY, "hr": DENY, "anonymous": ANON}, "deals"),
    row("POST", "/plans", {"*": NO, "admin": CREATED, "hr": CREATED, "anonymous": ANON}, "plan"),
    # a plan version: a rep reads the ones they are on, a manager theirs and their team's (A1 is on ae-2026@1)
    row("GET", "/plans", {"*": OK, "anonymous": ANON}),
    row("GET", "/plans/ae-2026@1", {"*": OK, "anonymous": ANON}),
    row("GET", "/plans/ae-2026@9", {"*": DENY, "anonymous": ANON}),
    # plan version 1 is ae-2026@1: the rep (A1) is on it, the manager's team is; the manager is not
    row("GET", "/plans/1/page", {"*": OK, "anonymous": ANON}),
    row("POST", "/plans/1/acknowledgements", {"*": NO, "rep": CREATED, "anonymous": ANON}),
    row("GET", "/plans/1/acknowledgements", {"*": OK, "rep": NO, "anonymous": ANON}),
    row("POST", "/runs", {"*": CREATED, "manager": NO, "rep": NO, "anonymous": ANON}, "run"),
    row("GET", "/runs", {"*": OK, "anonymous": ANON}),
    # no job in the world (PAYPLAN_JOBS=local computes runs in the request): makers get 404
    row("GET", "/jobs/1", {"*": DENY, "manager": NO, "rep": NO, "anonymous": ANON}),
    # a run's statements as a job: those who see every result queue it (202); the world has no done job
    row("POST", "/runs/{approved}/statements", {"*": 202, "manager": NO, "rep": NO, "anonymous": ANON}),
    row("GET", "/jobs/1/statements.zip", {"*": DENY, "manager": NO, "rep": NO, "anonymous": ANON}),
    row("GET", "/runs/{approved}", {"*": OK, "anonymous": ANON}),
    row("GET", "/runs/{draft}", {"*": OK, "manager": DENY, "rep": DENY, "anonymous": ANON}),
    row("GET", "/runs/{submitted}", {"*": OK, "manager": DENY, "rep": DENY, "anonymous": ANON}),
    row("POST", "/runs/{draft}/submit", {"*": OK, "manager": NO, "rep": NO, "anonymous": ANON}),
    row("POST", "/runs/{draft}/recompute", {"*": OK, "manager": NO, "rep": NO, "anonymous": ANON}),
    # finance submitted it, so finance may not approve it; HR never approves
    row("POST", "/runs/{submitted}/approve", {"*": NO, "admin": OK, "anonymous": ANON}),
    row("POST", "/runs/{submitted}/reject", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}, "reason"),
    row("POST", "/runs/{approved}/pay", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/runs/{approved}/adjust", {"*": CREATED, "manager": NO, "rep": NO, "anonymous": ANON}),
    # the review and the payroll export: finance's view of a run
    row("GET", "/runs/{draft}/review", {"*": OK, "manager": NO, "rep": NO, "anonymous": ANON}),
    row("GET", "/runs/{approved}/export.csv", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("GET", "/runs/{approved}/export.csv?form=journal", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("GET", "/runs/{approved}/export.json", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("GET", "/runs/{draft}/export.csv", {"*": NO, "admin": CONFLICT, "finance": CONFLICT, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results", {"*": OK, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results/A1", {"*": OK, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results/A2", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results/U1", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/runs/{draft}/results/A1", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/runs/{draft}/results", {"*": OK, "anonymous": ANON}),
    # statements: exactly who may read the result, as a PDF or the web page. The approved run's
    # facts changed after approval; its statements still render from what the run stored
    # (they were 409 before runs kept their inputs), for viewers who may see the result at all.
    row("GET", "/runs/{submitted}/results/A1/statement.pdf", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/runs/{submitted}/results/A1/statement.html?lang=uk",
        {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results/A1/statement.pdf", {"*": OK, "anonymous": ANON}),
    row("GET", "/runs/{approved}/results/A2/statement.pdf", {"*": OK, "rep": DENY, "anonymous": ANON}),
    # a period's statement under a plan id (every version's part): as the parts' results
    row("GET", "/plans/ae-2026/periods/2026-03/statements/A1/statement.pdf", {"*": OK, "anonymous": ANON}),
    row("GET", "/plans/ae-2026/periods/2026-03/statements/A2/statement.pdf",
        {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/plans/ae-2026/periods/2026-02/statements/A1/statement.pdf",
        {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/statement.css", {"*": OK, "anonymous": ANON}),
    row("GET", "/audit", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("GET", "/audit/verify", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    # progress during a period (an estimate): a rep only themself, a manager their team (M1: A1, A2);
    # a team (even an empty one) is for managers, finance, HR and admin
    row("GET", "/me/progress?rep=A1&period=2026-03", {"*": OK, "anonymous": ANON}),
    row("GET", "/me/progress?rep=U1&period=2026-03", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/reps/A1/progress?period=2026-03", {"*": OK, "anonymous": ANON}),
    row("GET", "/reps/A2/progress?period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/reps/U1/progress?period=2026-03", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/teams/A1/progress?period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/teams/M1/progress?period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/progress?rep=A1&period=2026-03", {"*": OK, "anonymous": ANON}),
    row("GET", "/progress?rep=A2&period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/progress/team/A1?period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/progress/team/M1?period=2026-03", {"*": OK, "rep": DENY, "anonymous": ANON}),
    # HR simulates plan changes (read only); finance approves payouts but does not simulate
    row("POST", "/simulations", {"*": NO, "admin": OK, "hr": OK, "anonymous": ANON}, "simulation"),
    # a queued simulation's report (PAYPLAN_JOBS=workers): no such job in the world
    row("GET", "/simulations/1", {"*": NO, "admin": DENY, "hr": DENY, "anonymous": ANON}),
    # users and credentials: admins only (rep2's token is the 7th made, in USERS' order)
    row("GET", "/users", {"*": NO, "admin": OK, "anonymous": ANON}),
    row("POST", "/users", {"*": NO, "admin": CREATED, "anonymous": ANON}, "new_user"),
    row("POST", "/users/rep2/disable", {"*": NO, "admin": OK, "anonymous": ANON}),
    row("POST", "/users/rep2/role", {"*": NO, "admin": GONE, "anonymous": ANON}, "new_role"),
    row("POST", "/users/rep2/password", {"*": NO, "admin": GONE, "anonymous": ANON}, "new_password"),
    row("GET", "/users/rep2/tokens", {"*": NO, "admin": OK, "anonymous": ANON}),
    row("POST", "/users/rep2/tokens", {"*": NO, "admin": CREATED, "anonymous": ANON}),
    row("DELETE", "/users/rep2/tokens/7", {"*": NO, "admin": GONE, "anonymous": ANON}),
    # web pages (payplan.web): these clients do not ask for text/html, so refusals are the API's problems
    # (a browser is sent to /signin instead of a 401 and gets an HTML page with the same status otherwise);
    # redirects are followed: "/" lands on each role's home page, the buttons back on the run page
    row("GET", "/", {"*": OK, "anonymous": ANON}),
    row("GET", "/signin", {"*": OK}),
    row("POST", "/signin", {"*": ANON, "anonymous": NO}, "login"),
    row("POST", "/signout", {"*": OK, "anonymous": ANON}),
    row("GET", "/web.css", {"*": OK}),
    row("GET", "/pay", {"*": NO, "rep": OK, "manager": OK, "anonymous": ANON}),
    row("GET", "/pay/{approved}/A1", {"*": OK, "anonymous": ANON}),
    row("GET", "/pay/{approved}/A2", {"*": OK, "rep": DENY, "anonymous": ANON}),
    row("GET", "/pay/{approved}/U1", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    row("GET", "/pay/{draft}/A1", {"*": OK, "rep": DENY, "manager": DENY, "anonymous": ANON}),
    # the plan page (JSON for these clients): no manager plan is published in this world
    row("GET", "/me/plan?period=2026-03", {"*": NO, "rep": OK, "manager": DENY, "anonymous": ANON}),
    row("POST", "/me/plan/acknowledge", {"*": NO, "rep": OK, "manager": NO, "anonymous": ANON}, "ack_form"),
    row("GET", "/plans/1/view", {"*": OK, "anonymous": ANON}),
    row("GET", "/finance/plans", {"*": NO, "admin": OK, "finance": OK, "hr": OK, "anonymous": ANON}),
    row("GET", "/finance/runs", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("GET", "/finance/runs/{draft}", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/finance/runs/{draft}/submit", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    # finance submitted it, so finance may not approve it (the page shows why); HR never approves
    row("POST", "/finance/runs/{submitted}/approve", {"*": NO, "admin": OK, "anonymous": ANON}),
    row("POST", "/finance/runs/{approved}/pay", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/finance/runs/{submitted}/reject", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON},
        "reject_form"),
    row("POST", "/finance/runs/{draft}/recompute", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    # the world's facts changed since the run was approved: the adjustment run opens
    row("POST", "/finance/runs/{approved}/adjust", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/finance/runs/{approved}/statements", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/finance/runs", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}, "run_form"),
    # a job's page (payplan.web.jobs): as GET /jobs/1, makers only; with a job: tests/web/test_job_pages.py
    row("GET", "/finance/jobs/1", {"*": DENY, "manager": NO, "rep": NO, "anonymous": ANON}),
    row("GET", "/finance/import", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}),
    row("POST", "/finance/import", {"*": NO, "admin": OK, "finance": OK, "anonymous": ANON}, "upload"),
    row("GET", "/hr/simulation", {"*": NO, "admin": OK, "hr": OK, "anonymous": ANON}),
    # an empty form is invalid input (422); a filled one is tested in tests/web
    row("POST", "/hr/simulation", {"*": NO, "admin": 422, "hr": 422, "anonymous": ANON}),
    # disputes: only the person paid opens one, on their own result; `{dispute}` is A2's (rep2's):
    # the rep (A1) does not see it, their manager does; finance and admin answer; HR takes no part
    row("POST", "/disputes", {"*": NO, "rep": CREATED, "manager": DENY, "anonymous": ANON}, "dispute"),
    row("GET", "/disputes", {"*": OK, "hr": NO, "anonymous": ANON}),
    row("GET", "/disputes/{dispute}", {"*": OK, "rep": DENY, "hr": NO, "anonymous": ANON}),
    row("POST", "/disputes/{dispute}/steps", {"*": NO, "admin": OK, "finance": OK, "rep": DENY, "anonymous": ANON},
        "answer"),
    # their pages (payplan.web.disputes): the same rules; a form that worked lands on the thread
    row("GET", "/pay/disputes", {"*": OK, "hr": NO, "anonymous": ANON}),
    row("GET", "/pay/disputes/{dispute}", {"*": OK, "rep": DENY, "hr": NO, "anonymous": ANON}),
    row("POST", "/pay/disputes", {"*": NO, "rep": OK, "manager": DENY, "anonymous": ANON}, "dispute_form"),
    row("POST", "/pay/disputes/{dispute}/steps", {"*": NO, "admin": OK, "finance": OK, "rep": DENY, "anonymous": ANON},
        "answer_form"),
]

CASES = [pytest.param(method, path, body, role, statuses[role], id=f"{method} {path} as {role}")
         for method, path, body, statuses in MATRIX for role in ROLES]


@pytest.mark.parametrize("method, path, body, role, expected", CASES)
def test_role_endpoint_matrix(world, world_client, method, path, body, role, expected):
    headers = {} if role == "anonymous" else world.headers(role)
    made = BODIES.get(body, {})
    kwargs = dict(made(world.runs) if callable(made) else made)
    kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
    response = world_client.request(method, path.format(**world.runs), **kwargs)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_the_matrix_covers_every_route(app):
    """A new endpoint without a row in MATRIX fails here."""
    covered = {(m, p.split("?")[0]) for m, p, _, _ in MATRIX}
    normal = {(m, p.replace("{approved}", "{run_id}").replace("{draft}", "{run_id}")
               .replace("{submitted}", "{run_id}").replace("ae-2026@1", "{ref}").replace("A1", "{rep_id}")
               .replace("/facts/targets", "/facts/{kind}")
               .replace("/facts/mapped/nope", "/facts/mapped/{mapping}").replace("/users/rep2", "/users/{name}")
               .replace("/tokens/7", "/tokens/{token_id}").replace("/plans/1/", "/plans/{version_id}/")
               .replace("{dispute}", "{dispute_id}").replace("/jobs/1", "/jobs/{job_id}")
               .replace("/simulations/1", "/simulations/{job_id}")
               .replace("/plans/ae-2026/periods/2026-03/", "/plans/{plan_id}/periods/{period}/")) for m, p in covered}
    routes = {(method, route.path_format) for route in app.routes for method in getattr(route, "methods", ())
              if method not in ("HEAD", "OPTIONS") and not route.path_format.startswith("/schema")}
    assert routes - normal == set()


def test_finance2_may_approve_what_finance_submitted(world, world_client):
    path = f"/runs/{world.runs['submitted']}/approve"
    assert world_client.post(path, headers=world.headers("finance")).status_code == 403
    response = world_client.post(path, headers=world.headers("finance2"))
    assert response.status_code == 200 and response.json()["state"] == "approved"


def test_the_plan_publisher_may_not_approve_its_runs(world, world_client):
    plan = (PLANS / "sdr-2026.toml").read_bytes()
    published = world_client.post("/plans", content=plan, headers={"Content-Type": "application/toml",
                                                                    **world.headers("admin")})
    assert published.status_code == 201, published.text
    ref = published.json()["ref"]
    run = world_client.post("/runs", json={"plan": ref, "period": "2026-03"}, headers=world.headers("finance"))
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]
    assert world_client.post(f"/runs/{run_id}/submit", headers=world.headers("finance2")).status_code == 200
    refused = world_client.post(f"/runs/{run_id}/approve", headers=world.headers("admin"))
    assert refused.status_code == 403 and "published" in refused.json()["detail"]
    assert world_client.post(f"/runs/{run_id}/approve", headers=world.headers("finance")).status_code == 200


@pytest.mark.parametrize("who, visible", [("rep", {"A1"}), ("manager", {"A1", "A2"}),
                                          ("finance", {"A1", "A2", "U1"}), ("hr", {"A1", "A2", "U1"})])
def test_results_are_filtered_by_viewer(world, world_client, who, visible):
    response = world_client.get(f"/runs/{world.runs['approved']}/results", headers=world.headers(who))
    assert {r["rep_id"] for r in response.json()} == visible


def test_reps_and_managers_see_no_draft_results_or_runs(world, world_client):
    for who in ("rep", "manager"):
        assert world_client.get(f"/runs/{world.runs['draft']}/results", headers=world.headers(who)).json() == []
        listed = {r["id"] for r in world_client.get("/runs", headers=world.headers(who)).json()}
        assert listed == {world.runs["approved"]}


def test_breakdown_has_totals_components_lines_and_trace(world, world_client):
    response = world_client.get(f"/runs/{world.runs['approved']}/results/A1", headers=world.headers("rep"))
    document = response.json()["result"]
    assert {"total", "components", "lines", "trace", "currency", "period"} <= set(document)
    assert document["total"] == response.json()["total"]


def test_a_manager_demoted_to_rep_no_longer_sees_the_team(world, world_client):
    """M1 still manages A1 and A2 in the facts; once "manager" is a rep, the team answers 404."""
    before = world_client.get("/teams/M1/progress?period=2026-03", headers=world.headers("manager"))
    assert before.status_code == 200 and {r["rep_id"] for r in before.json()["reps"]} == {"A1", "A2"}
    demoted = world_client.post("/users/manager/role", json={"role": "rep"}, headers=world.headers("admin"))
    assert demoted.status_code == 204
    for path in ("/teams/M1/progress?period=2026-03", "/progress/team/M1?period=2026-03",
                 "/reps/A1/progress?period=2026-03", "/runs/{approved}/results/A1".format(**world.runs)):
        refused = world_client.get(path, headers=world.headers("manager"))
        assert refused.status_code == 404, path
    assert world_client.get(f"/runs/{world.runs['approved']}/results", headers=world.headers("manager")).json() == []


def _published(world, world_client, *files):
    for name in files:
        response = world_client.post("/plans", content=(PLANS / name).read_bytes(),
                                     headers={"Content-Type": "application/toml", **world.headers("hr")})
        assert response.status_code == 201, response.text


@pytest.mark.parametrize("who, readable", [
    ("rep", ["ae-2026@1"]),  # A1 is an AE
    ("manager", ["ae-2026@1", "manager-2026@1", "sdr-2026@1"]),  # M1 a manager; A1 (AE) and S1 (SDR, under A1)
    ("finance", ["ae-2026@1", "manager-2026@1", "sdr-2026@1"]),
    ("hr", ["ae-2026@1", "manager-2026@1", "sdr-2026@1"]),
    ("admin", ["ae-2026@1", "manager-2026@1", "sdr-2026@1"]),
])
def test_plans_lists_and_reads_only_the_versions_the_viewer_may_read(world, world_client, who, readable):
    """The plan page's rule (docs/plan-page.md) on GET /plans and GET /plans/{ref}: any other version
    answers 404, exactly as one that is not published."""
    _published(world, world_client, "manager-2026.toml", "sdr-2026.toml")
    listed = world_client.get("/plans", headers=world.headers(who))
    assert [p["ref"] for p in listed.json()] == readable
    for ref in ("ae-2026@1", "manager-2026@1", "sdr-2026@1"):
        response = world_client.get(f"/plans/{ref}", headers=world.headers(who))
        if ref in readable:
            assert response.status_code == 200 and response.json()["ref"] == ref
            assert f'id = "{ref.split("@")[0]}"' in response.json()["source"]
        else:
            assert response.status_code == 404 and "source" not in response.json()
            assert response.json()["detail"] == f"plan {ref} is not published"
    missing = world_client.get("/plans/manager-2026@9", headers=world.headers(who))
    assert missing.status_code == 404 and missing.json()["detail"] == "plan manager-2026@9 is not published"


def test_a_manager_demoted_to_rep_reads_only_their_own_plans(world, world_client):
    _published(world, world_client, "manager-2026.toml", "sdr-2026.toml")
    assert world_client.post("/users/manager/role", json={"role": "rep"}, headers=world.headers("admin")).status_code == 204
    assert [p["ref"] for p in world_client.get("/plans", headers=world.headers("manager")).json()] == ["manager-2026@1"]
    assert world_client.get("/plans/ae-2026@1", headers=world.headers("manager")).status_code == 404
