"""The report's sections: population first, the cross-population label in every format, cost per
team / role / period adding up, who wins and why by name, the reps covered apart, budget and scenarios.

Expected values come from the simulation's own JSON (or are added up here), never from the HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from payplan.simulation.model import Budget, Edit, Question
from payplan.simulation.report import CROSS_NOTICE, Figures, render
from payplan.simulation.simulate import simulate_data

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
V1, V2, SDR = (str(ROOT / "plans" / p) for p in ("ae-2026-v1.toml", "ae-2026-v2.toml", "sdr-2026.toml"))
PERIODS = "2026-01..2026-03"


def wider_v2(folder: Path) -> str:
    """ae-2026 v2 for AEs and SDRs: the SDRs are newly covered by it."""
    text = Path(V2).read_text(encoding="utf-8")
    assert 'roles = ["AE"]' in text
    path = folder / "ae-2026-v2-wider.toml"
    path.write_text(text.replace('roles = ["AE"]', 'roles = ["AE", "SDR"]'), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    question = Question(edits=[Edit("kpi_bonus.kpis.demos.weight", Decimal("0.10"))],
                        budget=Budget(Decimal(30000), "kpi_bonus.target_incentive"), scenarios=["demos +10%"])
    sim = simulate_data(DEMO, V1, wider_v2(tmp_path_factory.mktemp("plans")), PERIODS, question=question)
    return sim, json.loads(render(sim, "json")), render(sim, "html").decode()


@pytest.fixture(scope="module")
def cross():
    return simulate_data(DEMO, V1, SDR, PERIODS, question=Question(cross_population=True))


def text_of(html: str) -> str:
    body = re.sub(r"(?s)<head.*?</head>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", body)).split())


def test_population_is_stated_first(rich) -> None:
    sim, doc, html = rich
    pop = doc["population"]
    new = len(pop["newly_covered"])
    assert new == 4 and pop["compared"] == 6 and not pop["no_longer_covered"]
    first = text_of(html).split("Proposal ")[0]  # what comes before the plans and the figures
    assert f"Population: the {pop['compared']} reps both plans cover (roles AE);" in first
    assert f"{new} newly covered by the proposal and 0 no longer covered are listed apart." in first


def test_newly_covered_listed_apart_with_their_subtotal(rich) -> None:
    sim, doc, html = rich
    pop = doc["population"]
    section = html.split("Newly covered by the proposal")[1].split("</table>")[0]
    total = sum(Decimal(c["pay"]) for c in pop["newly_covered"])
    assert Decimal(pop["newly_covered_total"]) == total
    figures = Figures("en", doc["currency"])
    for covered in pop["newly_covered"]:
        person = doc["people"][covered["rep_id"]]
        assert person["name"] in section and covered["rep_id"] in section
        assert figures.money(Decimal(covered["pay"])) in section
    assert figures.money(total) in section.split("Subtotal")[1]
    compared = {r["rep_id"] for r in doc["comparison"]["reps"]}
    assert not compared & {c["rep_id"] for c in pop["newly_covered"]}  # never mixed into the comparison


@pytest.mark.parametrize("kind", ["team", "role", "period"])
def test_cost_rows_add_up_to_the_window_total(rich, kind) -> None:
    sim, doc, html = rich
    rows = [g for g in doc["groups"] if g["kind"] == kind]
    totals = doc["comparison"]["totals"]
    for side in ("baseline", "proposal"):
        assert sum(Decimal(g[side]) for g in rows) == Decimal(totals[side]["total"])
    figures = Figures("en", doc["currency"])
    table = html.split(f'data-kind="{kind}"')[1].split("</table>")[0]
    for g in rows:
        line = next(tr for tr in table.split("<tr") if f"<td>{g['key']}</td>" in tr)
        for field in ("baseline", "proposal", "delta"):
            assert figures.money(Decimal(g[field])) in line
        assert figures.pct(Decimal(g["proposal_share_of_margin"]), 2) in line
    assert figures.money(Decimal(totals["proposal"]["total"])) in table.split("Window total")[1]


def test_who_wins_and_why_names_reps_components_and_kpis(rich) -> None:
    sim, doc, html = rich
    table = html.split('class="drivers"')[1].split("</table>")[0]
    figures = Figures("en", doc["currency"])
    for driver in doc["drivers"]:
        line = next(tr for tr in table.split("<tr") if f'class="id">{driver["rep_id"]}<' in tr)
        assert doc["people"][driver["rep_id"]]["name"] in line
        assert figures.money(Decimal(driver["delta"])) in line
        for part in driver["components"]:
            if Decimal(part["delta"]) and part["id"] in doc["component_labels"]:
                assert f'{doc["component_labels"][part["id"]]} {figures.money(Decimal(part["delta"]))}' in line
        for k in driver["kpis"]:
            points = (Decimal(k["baseline"]) * 100).normalize(), (Decimal(k["proposal"]) * 100).normalize()
            assert doc["kpi_labels"][k["id"]] in line and f"{points[0]:f}%" in line


def test_changes_in_words_budget_and_scenarios(rich) -> None:
    sim, doc, html = rich
    text = text_of(html)
    assert "Product demos weight 15% → 10%" in text and "Margin commission tier 3 rate 12% → 14%" in text
    assert "<details>" in html and "kpi demos: weight 0.15 → 0.1" in html  # the raw diff, one click away
    budget = doc["budget"]
    figures = Figures("en", doc["currency"])
    section = text_of(html.split("Fitting the budget")[1].split("</div>")[0])
    assert "KPI bonus target incentive" in section
    assert f"KPI bonus target incentive 2,000.00 USD → {figures.money(Decimal(budget['value']))} USD" in section
    assert figures.money(Decimal(budget["cost"])) in section and f"Engine runs {len(budget['probes'])}" in section
    assert ("yes, within the tolerance" in section) == budget["met"]
    scenario = doc["scenarios"][0]
    rows = text_of(html.split('class="scenarios"')[1].split("</table>")[0])
    for value in (scenario["baseline"], scenario["proposal"], scenario["delta"],
                  scenario["proposal_distribution"]["p90"], scenario["baseline_distribution"]["median"]):
        assert figures.money(Decimal(value)) in rows
    assert "demos +10%" in rows


def test_csv_names_reps_and_teams(rich) -> None:
    sim, doc, html = rich
    rows = list(csv.DictReader(io.StringIO(render(sim, "csv").decode())))
    header = list(rows[0])
    assert header[:5] == ["rep_id", "name", "team", "period", "covered"]
    for row in rows:
        person = doc["people"][row["rep_id"]]
        assert (row["name"], row["team"]) == (person["name"], person["team"])


def test_cross_population_is_labelled_on_the_first_line_of_every_format(cross) -> None:
    assert cross.population.cross
    raw = render(cross, "json").decode()
    assert CROSS_NOTICE in raw.splitlines()[0]
    doc = json.loads(raw)
    assert doc["notice"] == CROSS_NOTICE and doc["population"]["kind"] == "cross"
    lines = render(cross, "csv").decode().splitlines()
    assert next(csv.reader([lines[0]])) == ["# " + CROSS_NOTICE] and lines[1].startswith("rep_id,")
    html = render(cross, "html").decode()
    assert re.search(r"<title>\s*" + re.escape(CROSS_NOTICE), html)
    assert re.search(r"<h1>\s*" + re.escape(CROSS_NOTICE), html)
    assert f'<div class="box cross">{CROSS_NOTICE}</div>' in html


def test_normal_formats_carry_no_notice(rich) -> None:
    sim, doc, html = rich
    assert "notice" not in doc and CROSS_NOTICE not in html
    assert render(sim, "csv").decode().startswith("rep_id,")
