"""In chromium: a rep's home is their progress with a next-tier hint; a manager sees their team and their own pay.

The figures are checked against what the run of the same period stored (its commission base,
read from the run's result over the API) and against the plan file's tiers, not against the
progress code's own answer alone.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal

import httpx

from payplan.access.users import add_user, get_user
from payplan.plans import versions as plan_store
from payplan.runs import disputes
from payplan.statements.i18n import Formatter

from .conftest import PASSWORD, PLANS, follow, shoot, sign_in
from .test_browser import dec

AE = tomllib.loads((PLANS / "ae-2026-v1.toml").read_text(), parse_float=Decimal)
EN = Formatter("en", "USD")


def _node(trace: dict, key: str) -> dict | None:
    if trace.get("key") == key:
        return trace
    for child in trace.get("children", ()):
        if (found := _node(child, key)) is not None:
            return found
    return None


def test_a_rep_sees_their_progress_and_the_next_tier(page, server):
    company = server.company
    sign_in(page, "iryna")
    assert page.url.endswith("/progress")  # the rep's home
    page.goto("/progress?period=2026-03")
    assert page.locator("[data-estimate=true]").is_visible()
    kpis = [k["id"] for c in AE["components"] if c["kind"] == "scorecard" for k in c["kpis"]]
    assert page.locator("tr[data-kpi]").evaluate_all("rows => rows.map(r => r.dataset.kpi)") == kpis

    # the estimate equals the run of the same facts: its total, and the commission base it reached
    stored = httpx.get(f"{server.url}/runs/{company.runs['mar']}/results/AE01", headers=company.headers("iryna")).json()
    assert dec(page.locator("[data-total]").inner_text()) == Decimal(stored["total"])
    commission = next(c for c in AE["components"] if c["kind"] == "commission")
    base = Decimal(str(_node(stored["result"]["trace"], f"{commission['id']}.base")["value"]))
    # the next band from the plan file: the first tier starting above the base
    upper = next(t for t in commission["tiers"] if t["from"] > base)
    hint = page.locator(f"li[data-tier={commission['id']}]").inner_text()
    assert hint == f"{EN.amount(upper['from'] - base)} more → every further unit at {EN.pct(upper['rate'])}"
    shoot(page, "progress")


def test_a_manager_sees_the_team_total_and_their_own_pay(page, server):
    company = server.company
    sign_in(page, "olena")
    follow(page, "nav >> text=My team")
    page.goto(page.url + "?period=2026-03")
    rows = page.locator("tbody tr[data-rep]")
    assert rows.count() > 1
    estimates = [dec(t) for t in rows.locator("td.num").all_inner_texts()]
    team_total = dec(page.locator("[data-team-total=USD]").inner_text())
    assert team_total == sum(estimates, Decimal(0))
    api = httpx.get(f"{server.url}/teams/MGR01/progress?period=2026-03", headers=company.headers("olena")).json()
    assert team_total == Decimal(api["totals"]["USD"])
    shoot(page, "team-progress")

    follow(page, "nav >> text=My pay")
    own = page.locator("#own-pay tr[data-run]")
    assert own.count() >= 1
    run_id = int(own.first.get_attribute("data-run"))
    shown = dec(own.first.locator("td.total").inner_text())
    stored = httpx.get(f"{server.url}/runs/{run_id}/results/MGR01", headers=company.headers("olena"))
    assert stored.status_code == 200 and Decimal(stored.json()["total"]) == shown


def test_a_rep_cannot_open_another_reps_progress_plan_or_dispute(page, server):
    """Every page and API address of another rep's progress, plan acknowledgements or dispute
    answers 403 or 404 to iryna (AE01), in chromium and over the API."""
    company = server.company
    with company.engine.begin() as conn:
        add_user(conn, "taras", "rep", "AE02", PASSWORD, actor="test")
        taras = get_user(conn, "taras")
        theirs = disputes.open_dispute(conn, company.runs["mar"], "other", "the whole month", "why so low?", taras).id
        sdr = plan_store.get_plan(conn, "sdr-2026@1").id  # a plan iryna is not on
    sign_in(page, "iryna")
    pages = ["/progress?rep=AE02&period=2026-03", "/progress/team/MGR01?period=2026-03", f"/plans/{sdr}/view",
             f"/pay/disputes/{theirs}", "/finance/plans"]
    for url in pages:
        assert page.goto(url).status in (403, 404), url
    apis = ["/reps/AE02/progress", "/teams/MGR01/progress", "/me/progress?rep=AE02", f"/plans/{sdr}/page",
            "/plans/sdr-2026@1",
            f"/plans/{sdr}/acknowledgements", f"/disputes/{theirs}"]
    for url in apis:
        assert httpx.get(server.url + url, headers=company.headers("iryna")).status_code in (403, 404), url
    assert httpx.post(f"{server.url}/plans/{sdr}/acknowledgements",
                      headers=company.headers("iryna")).status_code in (403, 404)
    # and her own answer 200, so the refusals above are about whose they are
    assert page.goto("/progress?period=2026-03").status == 200
    assert httpx.get(f"{server.url}/disputes", headers=company.headers("iryna")).json() == []
