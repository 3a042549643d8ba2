"""The pages in uk show no English word of the catalog; the language is chosen and remembered.

`?lang=uk` switches a page to Ukrainian and a cookie keeps it; without either the
browser's `Accept-Language` chooses, else English. Every word of the English catalog on a
uk page fails, the engine's sentences (causes, trace steps, gate conditions) and the
reasons of refused steps included: they are translated too. Allowed are names and ids:
the demo company's people, product and format names, and the Latin words the plans' own
uk texts use (KPI, CRM, NPS, USD).
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.catalog_words import msgid_words

from payplan.facts.mapping import mappings_in
from payplan.plans.files import load_plan

from .conftest import HTML, PLANS, ROOT
from .test_job_pages import jobs_in_every_state
from .test_pages import post_form, sign_in

# product, format and currency names, and the fact kinds (the names of the importable files' column sets)
ALLOWED = {"payplan", "kpi", "csv", "json", "xlsx", "toml", "gl", "html", "pdf", "zip", "en", "uk", "usd", "eur", "uah", "id", "ae", "sdr",
           "reps", "deals", "metrics", "targets", "credits", "activities", "scores", "nps", "parameters",
           "admin", "finance", "hr", "manager", "rep",  # the roles' ids, as a refusal names them
           "api", "cross", "population"}  # "API", and the option --cross-population a refusal names


def data_words() -> set[str]:
    """The demo company's names, the Latin words of the plans' uk texts and the mapping files' ids
    and titles (the company's own words, shown in the import form's select): data, not the pages'."""
    names = (ROOT / "examples" / "demo" / "reps.csv").read_text(encoding="utf-8")
    names += " ".join(f" {m.id} {m.title}" for m in mappings_in(ROOT / "mappings"))
    uk = " ".join(" ".join(load_plan(p).translations.get("uk", {}).values()) for p in PLANS.glob("*.toml"))
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", names + " " + uk)}


def visible(html: str) -> str:
    """The page's text as a reader sees it: no head, styles, scripts or tags."""
    body = re.sub(r"(?s)<head.*?</head>|<script.*?</script>|<style.*?</style>", " ", html)
    placeholders = " ".join(re.findall(r'(?:placeholder|title|aria-label)="([^"]*)"', body))
    return unescape(re.sub(r"<[^>]*>", " ", body) + " " + placeholders)


def english_on(html: str) -> list[str]:
    """The catalog's English words on the page; a token with a digit, `_`, `:` or `@` is an id
    (`crm_hygiene`, `AE01:2026-03:crm_hygiene`, a hash) and no word."""
    tokens = re.findall(r"[^\s,.;()\[\]«»\"'/·—–=×+−→%]+", visible(html))
    words = {w.lower() for t in tokens if not re.search(r"[\d_:@]", t) for w in re.findall(r"[A-Za-z]{2,}", t)}
    return sorted((words & msgid_words()) - ALLOWED - data_words())


@pytest.fixture
def pages(company) -> dict[str, list[str]]:
    r = company.runs
    dispute = _resolved_dispute(company)
    jobs = jobs_in_every_state(company)  # queued, done, failed
    return {"fiona": [*jobs, "/finance/runs", f"/finance/runs/{r['mar']}", f"/finance/runs/{r['sdr_mar']}",
                      f"/finance/runs/{r['sdr_feb']}", "/finance/import", f"/pay/{r['mar']}/AE01", "/pay/999/AE01",
                      "/pay/disputes", f"/pay/disputes/{dispute + 1}",
                      "/progress/team/MGR01?period=2026-03", "/progress?rep=AE01&period=2026-03",
                      "/progress?rep=AE02&period=2026-03", "/finance/plans", "/plans/1/view"],
            "iryna": ["/pay", f"/pay/{r['jan']}/AE01", f"/pay/{r['mar']}/AE01", "/pay/disputes",
                      f"/pay/disputes/{dispute}", f"/pay/disputes/{dispute + 1}", "/progress?period=2026-03",
                      "/me/plan?period=2026-03", "/me/plan?period=2026-07"],
            "olena": ["/pay", "/me/plan?period=2026-03", "/plans/3/view", "/progress?period=2026-03",
                      "/progress/team/MGR01?period=2026-03", "/pay/disputes"],
            "hanna": ["/hr/simulation", "/finance/runs", "/finance/plans", "/plans/2/view", *jobs]}


def _resolved_dispute(company) -> int:
    """iryna's dispute, answered and resolved; and an open one after it (their texts in Ukrainian: the
    check is for the pages' words, not what people write)."""
    from payplan.access.users import get_user
    from payplan.runs import disputes

    with company.engine.begin() as conn:
        iryna, fiona = get_user(conn, "iryna"), get_user(conn, "fiona")
        first = disputes.open_dispute(conn, company.runs["mar"], "deal", "D0007", "D0007: замало", iryna).id
        disputes.take_step(conn, first, "answer", "перевіряємо", fiona)
        disputes.take_step(conn, first, "resolve", "без змін", fiona)
        disputes.open_dispute(conn, company.runs["mar"], "line", "clawback/clawback/D9001", "чому?", iryna)
    return first


@pytest.mark.parametrize("who", ["fiona", "iryna", "olena", "hanna"])
def test_pages_in_uk_show_no_english_word_of_the_catalog(client, pages, who):
    assert sign_in(client, who).status_code == 303
    first = client.get(pages[who][0] + "?lang=uk", headers=HTML)
    assert first.status_code == 200 and client.cookies.get("lang") == "uk"
    for path in pages[who]:
        response = client.get(path, headers=HTML)  # the cookie keeps uk
        assert '<html lang="uk">' in response.text, path
        assert english_on(response.text) == [], path
        words = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
        assert not re.search(r"\b([A-Z]{3}) \1\b", words), path  # "2 623,43 USD USD": a code said twice


def test_the_sign_in_page_in_uk_and_the_check_finds_english(client):
    uk = client.get("/signin", headers={**HTML, "Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    assert '<html lang="uk">' in uk.text and "Увійти" in uk.text and english_on(uk.text) == []
    en = client.get("/signin", headers=HTML)
    assert '<html lang="en">' in en.text and {"sign", "password"} <= set(english_on(en.text))


def test_lang_switches_back_and_a_cookie_outranks_the_browser(client):
    assert sign_in(client, "iryna").status_code == 303
    assert "Мої виплати" in client.get("/pay?lang=uk", headers=HTML).text
    assert "Мої виплати" in client.get("/pay", headers={**HTML, "Accept-Language": "en"}).text
    back = client.get("/pay?lang=en", headers=HTML)
    assert "My pay" in back.text and client.cookies.get("lang") == "en"


def test_a_simulation_report_speaks_the_pages_language(client):
    assert sign_in(client, "hanna").status_code == 303
    assert client.get("/hr/simulation?lang=uk", headers=HTML).status_code == 200
    response = post_form(client, "/hr/simulation", baseline="ae-2026@1", proposal="ae-2026@2", start="2026-01",
                         end="2026-02")
    assert response.status_code == 200
    (report,) = re.findall(r'srcdoc="([^"]*)"', response.text)
    report = unescape(report)
    assert '<html lang="uk">' in report and "Хто виграє, хто втрачає" in report
    # the plan differences (subjects and fields as the plan files name them) are data
    assert english_on(re.sub(r'(?s)<ul class="changes">.*?</ul>', " ", report)) == []


@pytest.mark.parametrize("fields, status", [
    ({"action": "check"}, 200),  # a draft checked: its parameters in words
    ({"action": "simulate", "lever:kpi_bonus.kpis.demos.weight": "20", "shown:kpi_bonus.kpis.demos.weight": "10",
      "budget": "30000", "lever": "kpi_bonus.target_incentive", "tolerance": "5", "scenarios": "demos +10%"}, 200),
    ({"action": "check", "weights": "0.30"}, 422),  # a draft with errors
    ({"source": "published", "baseline": "ae-2026@1", "proposal": "sdr-2026@1"}, 422),  # two populations
    ({"budget": "abc", "lever": "kpi_bonus.target_incentive"}, 422),
    ({"toml": ""}, 422),
])
def test_the_simulation_forms_states_in_uk_show_no_english_word(client, fields, status):
    assert sign_in(client, "hanna").status_code == 303
    assert client.get("/hr/simulation?lang=uk", headers=HTML).status_code == 200
    draft = (PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8").replace("weight = 0.20",
                                                                             f"weight = {fields.get('weights', '0.20')}")
    form = {"baseline": "ae-2026@2", "source": "draft", "toml": draft, "start": "2026-01", "end": "2026-03"}
    asked = {k: v for k, v in fields.items() if k != "weights"}
    response = post_form(client, "/hr/simulation", **{**form, **asked})
    assert response.status_code == status and '<html lang="uk">' in response.text
    # the TOML is data; so are the places of the plan's lint errors (file, line, key path as the file writes them)
    page = re.sub(r'(?s)<textarea.*?</textarea>|<code class="where">.*?</code>', " ", response.text)
    ids = {k.id for c in load_plan(PLANS / "ae-2026-v2.toml").components for k in getattr(c, "kpis", ())}
    assert set(english_on(page)) - ids == set()  # a finding may name the plan's KPIs by id
    if "weights" in fields:  # the linter's sentence, its numbers as the file writes them
        assert "ваги KPI картки kpi_bonus у сумі дають 1.10, а не 1" in unescape(page)
