"""The close's pages without a browser: import, create, review, reject, recompute and the steps each viewer sees.

Figures on the review page are checked against the JSON API's review (another path
to the same numbers) and against the rows shown, which must add up to the total
shown. A refused step comes back on its page with the reason and changes nothing;
a hidden step is named with the reason it is unavailable.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from payplan.store.schema import deals

from .conftest import HTML
from .test_pages import post_form, sign_in

HEADER = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at,discount,tax\n"
APRIL = HEADER + ("W9001,AE04,2026-04-02,2026-04-20,won,48000.00,21000.00,USD,analytics,,,\n"
                  "W9002,AE01,2026-04-03,2026-04-21,won,{amount},5000.00,USD,support,,,\n")


def dec(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", "").replace("\u2212", "-").replace("+", ""))


def shown_rows(text: str) -> dict[str, tuple[set[str], str]]:
    """rep id → (its flags, its printed total) as the review table shows them."""
    rows = re.findall(r'<tr data-rep="([^"]+)" data-flags="([^"]*)">(.*?)</tr>', text, re.DOTALL)
    return {rep: (set(flags.split()), re.search(r'class="num total">([^<]*)<', body).group(1).strip())
            for rep, flags, body in rows}


def printed_total(text: str) -> Decimal:
    return dec(re.search(r'id="results-total">([^<]*)<', text).group(1))


def column_sum(text: str, column: str) -> Decimal:
    """The sum of a column's printed amounts over the review's rows ("—" counts nothing)."""
    cells = re.findall(rf'<td class="num {column}">([^<]*)<', text)
    return sum((dec(c) for c in cells if c.strip() != "—"), Decimal(0))


def upload(client, kind: str, name: str, body: str):
    return client.post("/finance/import", data={"_csrf_token": client.cookies.get("payplan_csrf"), "kind": kind},
                       files={"file": (name, body.encode(), "text/csv")}, headers=HTML)


def deal_count(company) -> int:
    with company.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(deals)).scalar_one()


def test_a_file_with_a_bad_row_is_refused_whole_and_named_then_the_fixed_file_is_imported(client, company):
    sign_in(client, "fiona")
    before = deal_count(company)
    refused = upload(client, "deals", "april.csv", APRIL.format(amount="1250O.00"))
    assert refused.status_code == 422
    assert "Nothing was imported. 1 problem:" in refused.text
    assert "deals.csv row 3, column amount: &#39;1250O.00&#39; is not a decimal amount" in refused.text
    assert deal_count(company) == before  # the good first row was not written either
    done = upload(client, "deals", "april.csv", APRIL.format(amount="12500.00"))
    assert done.status_code == 200 and "Imported deals.csv: 2 rows read, 2 new." in done.text
    assert deal_count(company) == before + 2
    again = upload(client, "deals", "april.csv", APRIL.format(amount="12500.00"))
    assert "2 rows read, 0 new, 2 already stored." in again.text and deal_count(company) == before + 2
    assert re.search(r"<td>fiona</td><td>deals</td>\s*<td class=\"mono\">deals.csv</td>"
                     r"<td class=\"mono\"><span class=\"muted\">—</span></td><td>Apr 2, 2026 – Apr 21, 2026",
                     again.text)  # a native file: no mapping


def test_a_file_that_is_not_csv_or_json_is_refused_with_its_name(client, company):
    sign_in(client, "fiona")
    before = deal_count(company)
    refused = client.post("/finance/import", data={"_csrf_token": client.cookies.get("payplan_csrf"),
                                                   "kind": "deals"},
                          files={"file": ("april.xlsx", b"PK\x03\x04", "application/octet-stream")}, headers=HTML)
    assert refused.status_code == 422 and "april.xlsx: choose a .csv or .json file" in refused.text
    assert deal_count(company) == before


def test_finance_creates_a_run_from_the_form_and_a_second_one_for_the_period_is_refused_on_the_page(client, company):
    sign_in(client, "fiona")
    created = post_form(client, "/finance/runs", plan="ae-2026@1", period="2026-04")
    assert created.status_code == 200 and "was created." in created.text
    run_id = int(re.search(r"/finance/runs/(\d+)\?done=create", str(created.url)).group(1))
    review = client.get(f"/runs/{run_id}/review").json()  # the API, with the same session
    assert printed_total(created.text) == Decimal(review["total"])
    again = post_form(client, "/finance/runs", plan="ae-2026@1", period="2026-04")
    assert again.status_code == 409
    assert f"Refused: run {run_id} already covers ae-2026@1 for 2026-04 (state draft): recompute it" in again.text
    wrong = post_form(client, "/finance/runs", plan="ae-2026@1", period="2026-Q2")
    assert wrong.status_code == 422 and "plan ae-2026@1 pays by month" in wrong.text


def test_the_review_shows_the_apis_flags_and_changes_and_filters_by_flag_and_team(client, company):
    run_id = company.runs["mar"]
    sign_in(client, "felix")
    text = client.get(f"/finance/runs/{run_id}", headers=HTML).text
    review = client.get(f"/runs/{run_id}/review").json()
    rows = shown_rows(text)
    assert {rep: flags for rep, (flags, _) in rows.items()} == {r["rep_id"]: set(r["flags"]) for r in review["reps"]}
    paid = {rep: dec(total) for rep, (_, total) in rows.items() if total != "—"}
    assert paid == {r["rep_id"]: Decimal(r["total"]) for r in review["reps"] if r["total"] is not None}
    assert sum(paid.values()) == printed_total(text) == Decimal(review["total"])
    assert column_sum(text, "previous") == dec(re.search(r'id="previous-total">([^<]*)<', text).group(1))
    assert column_sum(text, "change") == dec(re.search(r'id="change-total">([^<]*)<', text).group(1))
    assert column_sum(text, "total") - column_sum(text, "previous") == column_sum(text, "change")
    change = Decimal(review["change"])
    assert f'id="run-change">{"+" if change > 0 else chr(0x2212)}{abs(change):,.2f} against' in text
    flagged = {f for f, n in review["counts"].items() if n}
    assert len(flagged) >= 4 and all(f'data-flag="{f}"' in text for f in flagged)

    only = client.get(f"/finance/runs/{run_id}?flag=clawback", headers=HTML).text
    claws = shown_rows(only)
    assert set(claws) == {r["rep_id"] for r in review["reps"] if "clawback" in r["flags"]} and claws
    assert printed_total(only) == sum(dec(t) for _, t in claws.values())
    west = client.get(f"/finance/runs/{run_id}?team=WEST", headers=HTML).text
    assert set(shown_rows(west)) == {r["rep_id"] for r in review["reps"] if r["team"] == "WEST"}
    assert "Total of the reps shown" in west


def test_each_viewer_sees_only_the_steps_they_may_take_and_why_not_the_others(client, company):
    run_id = company.runs["sdr_mar"]
    sign_in(client, "fiona")
    draft = client.get(f"/finance/runs/{run_id}", headers=HTML).text
    assert 'id="submit"' in draft and 'id="recompute"' in draft
    assert 'id="approve"' not in draft and 'id="pay"' not in draft and 'id="unavailable"' not in draft
    submitted = post_form(client, f"/finance/runs/{run_id}/submit").text
    assert 'id="approve"' not in submitted and 'id="reject"' in submitted and 'id="export-csv"' not in submitted
    assert (f'<li id="why-approve">Approve is not available to you: fiona submitted run {run_id} and so cannot '
            "approve it; another approver must.</li>") in submitted

    sign_in(client, "felix")
    shown = client.get(f"/finance/runs/{run_id}", headers=HTML).text
    assert 'id="approve"' in shown and 'id="reject"' in shown and 'id="unavailable"' not in shown
    approved = post_form(client, f"/finance/runs/{run_id}/approve").text
    assert 'id="pay"' in approved and 'id="export-csv"' in approved and 'id="adjust"' in approved


def test_a_rejection_needs_a_reason_and_the_reason_is_shown_until_resubmitted(client, company):
    run_id = company.runs["sdr_mar"]
    sign_in(client, "fiona")
    post_form(client, f"/finance/runs/{run_id}/submit")
    sign_in(client, "felix")
    blank = post_form(client, f"/finance/runs/{run_id}/reject", reason="   ")
    assert blank.status_code == 422 and "Refused: a rejection needs a reason" in blank.text
    assert company.run_state(run_id).state == "submitted"
    rejected = post_form(client, f"/finance/runs/{run_id}/reject", reason="SDR03's draw <looks> wrong")
    assert "was rejected and returned to draft." in rejected.text
    assert 'id="rejected">Rejected: SDR03&#39;s draw &lt;looks&gt; wrong</p>' in rejected.text
    run = company.run_state(run_id)
    assert run.state == "draft" and run.rejected_reason == "SDR03's draw <looks> wrong"
    sign_in(client, "fiona")
    recomputed = post_form(client, f"/finance/runs/{run_id}/recompute")
    assert "was recomputed on the current facts." in recomputed.text and company.run_state(run_id).state == "draft"
    resubmitted = post_form(client, f"/finance/runs/{run_id}/submit").text
    assert 'id="rejected"' not in resubmitted and company.run_state(run_id).rejected_reason is None


def test_adjusting_a_run_nothing_changed_in_is_refused_on_the_page(client, company):
    run_id = company.runs["mar"]
    sign_in(client, "felix")
    refused = post_form(client, f"/finance/runs/{run_id}/adjust")
    assert refused.status_code == 422
    assert f"recomputing run {run_id} on the current facts changes no one&#39;s pay: nothing to adjust" in refused.text


def test_a_hidden_step_says_why_in_the_pages_language(client, company):
    run_id = company.runs["sdr_mar"]
    sign_in(client, "fiona")
    post_form(client, f"/finance/runs/{run_id}/submit")
    uk = client.get(f"/finance/runs/{run_id}?lang=uk", headers=HTML).text
    assert (f"fiona подав(ла) розрахунок {run_id}, тож не може його затвердити; затвердити має інший "
            "затверджувач") in uk
    assert "cannot approve" not in uk
    assert f"fiona submitted run {run_id} and so cannot approve it" in client.get(
        f"/finance/runs/{run_id}?lang=en", headers=HTML).text  # and in English, as the API says it


def test_a_refused_recompute_says_why_in_ukrainian_and_the_api_in_english(client, company):
    run_id = company.runs["mar"]
    sign_in(client, "felix")
    client.cookies.set("lang", "uk")
    refused = post_form(client, f"/finance/runs/{run_id}/recompute")
    assert refused.status_code == 409
    assert re.search(rf"розрахунок {run_id} має стан «(затверджено|виплачено)», тож його не можна перерахувати "
                     r"\(затверджений розрахунок незмінний: виправлення — це коригувальні розрахунки\)", refused.text)
    assert "cannot be recomputed" not in refused.text and "immutable" not in refused.text
    problem = client.post(f"/finance/runs/{run_id}/recompute",
                          data={"_csrf_token": client.cookies.get("payplan_csrf")})
    assert problem.status_code == 409
    assert re.fullmatch(rf"run {run_id} is (approved|paid), so it cannot be recomputed \(an approved run is "
                        r"immutable: corrections are adjustment runs\)", problem.json()["detail"])


def test_a_bad_import_row_is_named_in_ukrainian(client, company):
    sign_in(client, "fiona")
    client.cookies.set("lang", "uk")
    refused = upload(client, "deals", "april.csv", APRIL.format(amount="1250O.00"))
    assert refused.status_code == 422
    assert "deals.csv, рядок 3, стовпець amount: &#39;1250O.00&#39; — не десяткова сума" in refused.text
    assert "is not a decimal amount" not in refused.text and "row 3" not in refused.text


@pytest.mark.parametrize("period", ["9999-12", "0000-01"])
def test_a_run_for_a_year_outside_1900_to_9998_is_refused_on_the_form(client, company, period):
    sign_in(client, "fiona")
    refused = post_form(client, "/finance/runs", plan="ae-2026@1", period=period)
    assert refused.status_code == 422 and f"&#39;{period}&#39;: the year must be from 1900 to 9998" in refused.text


def test_an_adjustment_line_names_the_run_it_corrects_in_the_pages_language(client, company):
    from datetime import date

    from sqlalchemy import update

    run_id = company.runs["mar"]
    with company.engine.begin() as conn:  # the CRM cancels a deal March paid on
        deal, rep = conn.execute(select(deals.c.id, deals.c.rep_id).where(
            deals.c.status == "won", deals.c.closed_at.between(date(2026, 3, 1), date(2026, 3, 31)))
            .order_by(deals.c.id)).first()
        conn.execute(update(deals).where(deals.c.id == deal).values(status="cancelled", cancelled_at=date(2026, 3, 31)))
    sign_in(client, "felix")
    adjusted = post_form(client, f"/finance/runs/{run_id}/adjust")
    (adjustment,) = re.findall(r"/finance/runs/(\d+)", str(adjusted.url))
    line = client.get(f"/pay/{adjustment}/{rep}", headers=HTML).text
    assert f"reverses run {run_id}" in line and " of </td>" not in line
    uk = client.get(f"/pay/{adjustment}/{rep}?lang=uk", headers=HTML).text
    assert f"сторнує розрахунок {run_id}" in uk and "reverses" not in uk


def test_a_fact_file_checked_on_the_page_writes_nothing_and_a_change_is_recorded_on_request(client, company):
    sign_in(client, "fiona")
    before = deal_count(company)
    form = {"_csrf_token": client.cookies.get("payplan_csrf"), "kind": "deals"}

    def send(body: str, **ticks: str):
        return client.post("/finance/import", data={**form, **ticks}, files={"file": ("april.csv", body.encode(),
                                                                                         "text/csv")}, headers=HTML)

    checked = send(APRIL.format(amount="12500.00"), check="1")
    assert checked.status_code == 200, checked.text
    assert "Checked deals.csv: 2 rows read, 2 would be new. Nothing was imported." in checked.text
    assert deal_count(company) == before  # only checked
    assert "2 rows read, 2 new" in send(APRIL.format(amount="12500.00")).text and deal_count(company) == before + 2
    changed = APRIL.format(amount="12600.00")
    assert send(changed).status_code == 422  # a stored deal with another amount is refused...
    would = send(changed, check="1", update="1")
    assert would.status_code == 200 and "1 stored row would change:" in would.text
    assert "Nothing was imported." in would.text
    done = send(changed, update="1")  # ...or recorded, on request
    assert done.status_code == 200 and "1 stored row changed:" in done.text
    assert re.search(r"<li>deal_id \w+, amount: 12500.00 → 12600.00</li>", done.text), done.text
