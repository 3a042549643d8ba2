"""The pages in the reader's language beyond their words: the language switch, statement links
that keep the language, plan names, kinds and dates written as the page's language writes them."""

from __future__ import annotations

import re

from .conftest import HTML
from .test_pages import sign_in


def test_the_language_switch_marks_the_language_of_the_page(client):
    uk = client.get("/signin?lang=uk", headers=HTML).text
    assert '<a href="?lang=uk" hreflang="uk" lang="uk" aria-current="true" class="on">uk</a>' in uk
    assert '<a href="?lang=en" hreflang="en" lang="en">en</a>' in uk
    en = client.get("/signin?lang=en", headers=HTML).text
    assert '<a href="?lang=en" hreflang="en" lang="en" aria-current="true" class="on">en</a>' in en
    assert "&#34;" not in uk + en


def test_statement_links_on_the_pages_carry_the_pages_language(client, company):
    r = company.runs
    statement = f"/runs/{r['mar']}/results/AE01/statement"
    assert sign_in(client, "iryna").status_code == 303
    pay = client.get("/pay?lang=uk", headers=HTML).text
    assert f'href="{statement}.html?lang=uk"' in pay and f'href="{statement}.pdf?lang=uk"' in pay
    breakdown = client.get(f"/pay/{r['mar']}/AE01", headers=HTML).text  # the cookie keeps uk
    assert f'href="{statement}.html?lang=uk"' in breakdown and f'href="{statement}.pdf?lang=uk"' in breakdown
    assert sign_in(client, "fiona").status_code == 303
    run = client.get(f"/finance/runs/{r['mar']}?lang=en", headers=HTML).text
    assert f'href="{statement}.html?lang=en"' in run and f'href="{statement}.pdf?lang=en"' in run


def test_a_statement_asked_without_lang_speaks_the_cookies_language_and_the_api_english(client, company):
    statement = f"/runs/{company.runs['mar']}/results/AE01/statement"
    assert sign_in(client, "iryna").status_code == 303
    client.get("/pay?lang=uk", headers=HTML)  # a browser that chose uk on a page
    html = client.get(f"{statement}.html").text
    assert "Розрахунковий лист винагороди" in html and "Compensation statement" not in html
    assert "Compensation statement" in client.get(f"{statement}.html?lang=en").text  # ?lang= still wins
    pdf = client.get(f"{statement}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-disposition"].endswith('-uk.pdf"')
    client.cookies.clear()  # an API client: a bearer token, no cookie
    api = client.get(f"{statement}.html", headers=company.headers("iryna")).text
    assert "Compensation statement" in api and "Розрахунковий лист винагороди" not in api


def test_plan_names_on_the_plans_list_and_the_simulation_form_are_in_the_pages_language(client):
    assert sign_in(client, "hanna").status_code == 303
    plans = client.get("/finance/plans?lang=uk", headers=HTML).text
    assert "<td>Розвиток продажів 2026</td>" in plans and "Sales development 2026" not in plans
    form = client.get("/hr/simulation", headers=HTML).text
    assert "sdr-2026@1 — Розвиток продажів 2026 (USD, щомісяця)" in form and "Sales development 2026" not in form
    en = client.get("/hr/simulation?lang=en", headers=HTML).text
    assert "sdr-2026@1 — Sales development 2026 (USD, monthly)" in en


ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
UK_MOMENT = re.compile(r"\b\d{1,2} [а-яіїє]+\. \d{4} р\., \d{2}:\d{2}\b")  # "6 груд. 2026 р., 03:08"


def _visible(html: str) -> str:
    body = re.sub(r"(?s)<head.*?</head>|<textarea.*?</textarea>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _dispute(company) -> int:
    from payplan.access.users import get_user
    from payplan.runs import disputes

    with company.engine.begin() as conn:
        iryna, fiona = get_user(conn, "iryna"), get_user(conn, "fiona")
        opened = disputes.open_dispute(conn, company.runs["mar"], "deal", "D0007", "замало", iryna).id
        disputes.take_step(conn, opened, "answer", "перевіряємо", fiona)
    return opened


def test_dates_and_times_on_the_pages_are_written_as_the_pages_language_writes_them(client, company):
    dispute = _dispute(company)
    assert sign_in(client, "fiona").status_code == 303
    client.get("/finance/runs?lang=uk", headers=HTML)
    for path in ("/finance/runs", f"/finance/runs/{company.runs['mar']}", "/finance/import", "/pay/disputes",
                 f"/pay/disputes/{dispute}"):
        shown = _visible(client.get(path, headers=HTML).text)
        assert not ISO_DAY.search(shown), (path, ISO_DAY.search(shown))
        assert UK_MOMENT.search(shown), path
    run = _visible(client.get(f"/finance/runs/{company.runs['mar']}?lang=en", headers=HTML).text)
    assert re.search(r"Created [^·]+ · [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M", run)


def test_progress_says_the_day_counted_to_in_the_pages_language(client):
    assert sign_in(client, "iryna").status_code == 303
    shown = _visible(client.get("/progress?period=2026-03&lang=uk", headers=HTML).text)
    assert re.search(r"Пораховано до \d{1,2} [а-яіїє]+\. \d{4} р\.;", shown) and not ISO_DAY.search(shown)
