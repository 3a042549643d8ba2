"""A correction statement says why pay changed: the deals that differ from what the run that paid
before scored, and the fact files imported since; its table adds up and `payplan verify` passes
(SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import msgspec
import pytest
from sqlalchemy import select, update

from payplan.core.changes import input_changes
from payplan.core.inputs import CarriedState, Deal, MetricValue, PaidDeal, Rep, RepInputs, Target, TeamMember
from payplan.facts.audited import import_directory
from payplan.runs import adjustments
from payplan.runs import lifecycle as runs
from payplan.runs.why import Why
from payplan.statements.calculation import Adjustment, decode
from payplan.statements.from_run import statement_calculation
from payplan.statements.i18n import Formatter
from payplan.statements.pdf import read_attachment
from payplan.statements.reasons import reasons
from payplan.statements.verify import printed_lines, verify_pdf
from payplan.store.schema import deals
from payplan.store.service_schema import fact_imports, run_results
from tests.service_db import DATA, company, db_url, engine, tx  # noqa: F401 - fixtures

from .conftest import approve, needs_poppler, pdftotext

# tests/data/service/plan.toml: 10% of won revenue, a recoverable 100 USD guarantee. March as
# approved: A1 won D1 (2000) → 200 commission; A2 won D2 (500) → 50 commission + 50 guarantee.
# Then fin1 imports late/deals.csv (D5: A2 won 1000 on 2026-03-20, created 2026-02-15) and the
# CRM cancels D1 on 2026-03-14. Facts are append-only through import (a stored deal id with other
# content is refused), so the cancellation reaches the store as a correction of D1's row.
A2_TABLE = [("Commission", "50.00", "150.00", "100.00"), ("Recoverable guarantee", "50.00", "0.00", "-50.00"),
            ("Total payable", "100.00", "150.00", "50.00")]
A1_TABLE = [("Commission", "200.00", "0.00", "-200.00"), ("Recoverable guarantee", "0.00", "100.00", "100.00"),
            ("Total payable", "200.00", "100.00", "-100.00")]
_ROW = re.compile(r"^(\S.*?)\s{2,}(-?[\d,]+\.\d\d)\s+(-?[\d,]+\.\d\d)\s+(-?[\d,]+\.\d\d)\s*$")


@pytest.fixture
def corrected(tx, company):
    """March approved; D5 imported and D1 cancelled; their adjustment run approved: (march, adjustment)."""
    c = company
    march = approve(tx, c, tx(runs.create_run, "svc@1", "2026-03", c.fin1).id)
    tx(import_directory, DATA / "late", c.fin1)
    tx(lambda conn: conn.execute(update(deals).where(deals.c.id == "D1").values(
        status="cancelled", cancelled_at=date(2026, 3, 14))))
    adjustment = tx(adjustments.create_adjustment, march.id, c.fin1)
    return march, approve(tx, c, adjustment.id)


def fact_folder(folder, deal: str, rep: str = ""):
    """`folder` with the company's reps.csv (plus `rep`) and a deals.csv of one `deal` row."""
    (folder / "reps.csv").write_text((DATA / "late" / "reps.csv").read_text() + (f"{rep}\n" if rep else ""))
    (folder / "deals.csv").write_text(
        f"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n{deal}\n")
    return folder


def en_day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def imported_on(tx) -> list[date]:
    rows = tx(lambda conn: conn.execute(select(fact_imports.c.imported_at).order_by(fact_imports.c.id)).scalars().all())
    return [date.fromisoformat(at[:10]) for at in rows]


def flat(text: str) -> str:
    return " ".join(text.split())


def correction_table(text: str) -> list[tuple[str, str, str, str]]:
    """The rows of the "Correction of run #N" table as printed (pdftotext -layout)."""
    section = text.split("Correction of run #", 1)[1].split("Why this changed", 1)[0]
    return [m.groups() for line in section.splitlines() if (m := _ROW.match(line.strip()))]


def printed(tmp_path, renderer, calc, lang: str) -> tuple[bytes, str]:
    pdf = renderer.statement(calc, lang)
    path = tmp_path / f"{calc.result.rep_id}-{lang}.pdf"
    path.write_bytes(pdf)
    return pdf, pdftotext(path)


def adds_up(table: list[tuple[str, str, str, str]], total: Decimal) -> None:
    figures = [(label, *(Decimal(x.replace(",", "")) for x in row)) for label, *row in table]
    assert all(now - before == difference for _, before, now, difference in figures)
    *lines, (_, _, _, total_difference) = figures
    assert sum(difference for *_, difference in lines) == total_difference == total


@needs_poppler
def test_the_correction_names_the_new_deal_and_the_file_imported(tx, corrected, renderer, tmp_path):
    march, adjustment = corrected
    calc = tx(statement_calculation, adjustment.id, "A2")
    pdf, text = printed(tmp_path, renderer, calc, "en")
    verdict = verify_pdf(pdf)
    assert verdict.ok and verdict.total == Decimal("50.00"), verdict.differences
    assert correction_table(text) == A2_TABLE
    adds_up(A2_TABLE, calc.result.total)
    day = imported_on(tx)[-1]  # before it: the company's facts, imported before March was scored
    words = flat(text)
    assert (f"Why this changed Compared with the facts of run #{march.id}: "
            "• Deal D5 added: won on March 20, 2026, amount 1,000.00 "
            f"Fact files imported since run #{march.id} was calculated: "
            f"• deals.csv imported by fin1 on {en_day(day)} (days February 15, 2026 – March 20, 2026)") in words


@needs_poppler
def test_the_correction_names_the_cancelled_deal_in_english_and_ukrainian(tx, corrected, renderer, tmp_path):
    march, adjustment = corrected
    calc = tx(statement_calculation, adjustment.id, "A1")
    pdf, text = printed(tmp_path, renderer, calc, "en")
    assert verify_pdf(pdf).ok and correction_table(text) == A1_TABLE
    adds_up(A1_TABLE, calc.result.total)
    assert "• Deal D1 no longer counts: it was won on March 10, 2026, amount 2,000.00" in flat(text)
    assert "Corrected compensation" in flat(text)  # the title: not the regular statement's
    assert f"reverses run {march.id}" in flat(text)  # the line correcting what March paid
    pdf, text = printed(tmp_path, renderer, calc, "uk")
    verdict = verify_pdf(pdf)
    assert verdict.ok and verdict.total == Decimal("-100.00"), verdict.differences
    day = imported_on(tx)[-1]
    months = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()
    words = flat(text).replace("\u202f", " ").replace("\xa0", " ")
    assert (f"Чому це змінилося Порівняно з фактами розрахунку #{march.id}: "
            "• Угода D1 більше не враховується: була виграна 10 березня 2026 р., сума 2 000,00 "
            f"Файли фактів, імпортовані після розрахунку #{march.id}: "
            f"• deals.csv імпортував(ла) fin1 {day.day} {months[day.month - 1]} {day.year} р. "
            "(факти з 15 лютого 2026 р. по 20 березня 2026 р.)") in words
    assert f"сторнує розрахунок {march.id}" in words
    for english in ("Why this changed", "Deal D1", "no longer counts", "imported by", "Compared with", "run"):
        assert english not in words


def test_a_second_correction_compares_with_the_first(tx, company, corrected, tmp_path):
    """D6 (A2 won 400 on 2026-03-25) after the first correction: only D6 and its file are named."""
    _, first = corrected
    tx(import_directory, fact_folder(tmp_path, "D6,A2,2026-03-01,2026-03-25,won,400.00,0.00,USD,Core,"),
       company.admin)
    second = tx(adjustments.create_adjustment, first.adjusts_run_id, company.fin1)
    calc = tx(statement_calculation, second.id, "A2")
    assert [(ln.component, ln.before, ln.now, ln.difference) for ln in calc.adjustment.lines] == [
        ("commission", Decimal("150.00"), Decimal("190.00"), Decimal("40.00")),
        ("draw", Decimal("0.00"), Decimal("0.00"), Decimal(0))]  # 50 paid, then 50 taken back
    why = calc.adjustment.why
    assert why.compared_with == first.id and why.unknown == ""
    assert [(c.subject, c.key, c.what, c.amount) for c in why.changes] == [("deal", "D6", "added", Decimal("400.00"))]
    assert [(f.source, f.imported_by, f.first_day, f.last_day) for f in why.files] == [
        ("deals.csv", "admin", date(2026, 3, 1), date(2026, 3, 25))]


@needs_poppler
def test_without_stored_inputs_the_reason_is_not_known(tx, corrected, renderer, tmp_path):
    march, adjustment = corrected
    tx(lambda conn: conn.execute(update(run_results).where(run_results.c.run_id == march.id).values(inputs=None)))
    calc = tx(statement_calculation, adjustment.id, "A2")
    assert calc.adjustment.why.unknown == "no_inputs" and calc.adjustment.why.changes == ()
    pdf, text = printed(tmp_path, renderer, calc, "en")
    assert verify_pdf(pdf).ok
    words = flat(text)
    assert f"The reason is not known: run #{march.id} was stored before runs kept their facts." in words
    assert "• deals.csv imported by fin1" in words  # the files are still named


@needs_poppler
def test_verify_counts_each_figure_so_an_edited_one_fails(tx, corrected, renderer, tmp_path):
    _, adjustment = corrected
    pdf, text = printed(tmp_path, renderer, tx(statement_calculation, adjustment.id, "A2"), "en")
    calc = decode(read_attachment(pdf))
    assert printed_lines([calc], text) == []
    # 50.00 is printed 12 times: the total card, the summary (guarantee, total), the table (two paid
    # before, a difference, the total's difference), the guarantee's heading, line and subtotal, and
    # the two lines' causes ("paid 50.00"). One edited figure is found though eleven are left.
    edited = re.sub(r"(?<![\d.,])50\.00", "55.00", text, count=1)
    assert [str(p) for p in printed_lines([calc], edited)] == [
        "printed amounts: 50.00 is printed 12 times by this calculation, 11 times on the pages "
        "(a printed figure was changed)"]


def test_a_rep_the_adjusted_run_did_not_pay(tx, company, tmp_path):
    """A4, hired in 2025 but first in the facts after March was approved: nothing to compare with."""
    c = company
    march = approve(tx, c, tx(runs.create_run, "svc@1", "2026-03", c.fin1).id)
    folder = fact_folder(tmp_path, "D7,A4,2026-03-02,2026-03-09,won,300.00,0.00,USD,Core,",
                         rep="A4,Al New,al@example.com,AE,East,,2025-06-01,,USD")
    tx(import_directory, folder, c.admin)
    adjustment = tx(adjustments.create_adjustment, march.id, c.fin1)
    calc = tx(statement_calculation, adjustment.id, "A4")
    assert calc.result.total == Decimal("100.00")  # 30 commission, topped up to the 100 guarantee
    said = reasons(calc.adjustment, Formatter("en", "USD"))
    assert said.changes == [] and said.unknown == (
        f"The reason is not known: run #{march.id} did not include this employee.")
    # A4 came with reps.csv: a rep with no end of employment can be paid from their file's first day on
    day = en_day(imported_on(tx)[-1])
    assert said.files == [f"reps.csv imported by admin on {day} (days from January 1, 2025 on)",
                          f"deals.csv imported by admin on {day} (days March 2, 2026 – March 9, 2026)"]


@pytest.mark.parametrize("why, said", [
    (None, "The reason is not known: this statement was printed before the reasons were kept."),
    (Why(compared_with=3), "The reason is not known: the facts are the same as those of run #3."),
    (Why(compared_with=3, unknown="not_scored"),
     "The reason is not known: this correction has no facts for this employee."),
])
def test_a_correction_never_prints_no_reason(why, said):
    for lang, word in (("en", said), ("uk", "Причина невідома: ")):
        printed_reasons = reasons(Adjustment(3, (), why), Formatter(lang, "USD"))
        assert printed_reasons.unknown.startswith(word) and printed_reasons.changes == printed_reasons.files == []


def test_every_kind_of_change_in_words():
    before = RepInputs(Rep("A1", team="West"), "2026-03", {"demos": MetricValue(Decimal(6), 6),
                                                           "revenue": MetricValue(Decimal("500.00"), 1)},
                       (Deal("D0042", "won", Decimal("1000.00"), closed_at=date(2026, 3, 2)),),
                       {"quota": Target(Decimal(5000), "targets.csv row 2")},
                       (TeamMember(Rep("B1"), (Deal("D3", "won", Decimal("400.00"), closed_at=date(2026, 3, 3)),)),))
    now = RepInputs(Rep("A1", team="East", terminated_on=date(2026, 3, 15)), "2026-03",
                    {"demos": MetricValue(Decimal(8), 8), "revenue": MetricValue(Decimal("1500.00"), 2)},
                    (Deal("D0042", "cancelled", Decimal("1000.00"), closed_at=date(2026, 3, 2),
                          cancelled_at=date(2026, 3, 14)),),
                    {"quota": Target(Decimal(6000), "targets.csv row 5")}, (TeamMember(Rep("B1")),))
    state_now = CarriedState(Decimal("80.00"), {"D9": PaidDeal(Decimal("90.00"), "2026-02", "commission")}, ("D8",))
    why = Why(compared_with=4, changes=tuple(input_changes(before, now, CarriedState(), state_now)))
    said = reasons(Adjustment(4, (), why), Formatter("en", "USD"))
    assert said.intro == "Compared with the facts of run #4:" and said.unknown == ""
    assert said.changes == [
        "Employee record, team: West → East", "Employee record, left on: — → March 15, 2026",
        "Deal D0042: status won → cancelled (cancelled on March 14, 2026)",
        "Metric demos: 6 → 8",  # the count says the same and is not repeated
        "Metric revenue: 500.00 → 1,500.00", "Metric revenue: facts counted 1 → 2",
        "Target quota: 5,000 → 6,000",
        "Deal D3 (B1) no longer counts: it was won on March 3, 2026, amount 400.00",
        "Draw balance owed, carried in: 0.00 → 80.00", "Commission paid earlier on deal D9: — → 90.00",
        "Deal D8 already clawed back"]
    uk = [s.replace("\u202f", " ") for s in reasons(Adjustment(4, (), why), Formatter("uk", "UAH")).changes]
    assert uk[1:4] == ["Дані працівника, дата звільнення: — → 15 березня 2026 р.",
                       "Угода D0042: статус виграна → скасована (скасована 14 березня 2026 р.)",
                       "Показник demos: 6 → 8"]


def test_the_correction_carries_out_the_draw_balance_the_run_stored(tx, corrected):
    """A1's cancelled D1 leaves A1 on the 100 guarantee: a top-up added to the balance owed,
    so 100.00 is carried out — the same on the statement as in the run's stored state."""
    _, adjustment = corrected
    calc = tx(statement_calculation, adjustment.id, "A1")
    stored = tx(lambda conn: conn.execute(select(run_results.c.state).where(
        run_results.c.run_id == adjustment.id, run_results.c.rep_id == "A1")).scalar_one())
    assert calc.result.state.draw_balance == Decimal("100") == msgspec.json.decode(stored, type=CarriedState).draw_balance
