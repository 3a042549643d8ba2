"""The simulation as CSV: one row per rep × period, then one row per rep over the window.

Columns: rep_id, name, team, period, covered, the amounts, then each side's KPI
attainments. A cross-population comparison opens with a one-cell row `# ` + the notice.
Every text cell a spreadsheet could read as a formula (starting with = + - @, tab or
CR) is prefixed with a quote, while numbers stay numbers. The same in every language.
Must not compute anything: figures come from `payplan.simulation.simulate`.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from payplan.simulation.model import Simulation
from payplan.simulation.report_words import CROSS_NOTICE

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet evaluates: numbers as they are, risky text quoted."""
    if value is None:
        return ""
    text = str(value) if not isinstance(value, Decimal) else format(value, "f")
    if isinstance(value, (Decimal, int)) and _NUMBER.match(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(sim: Simulation) -> str:
    kpis = kpi_ids(sim)
    header = ["rep_id", "name", "team", "period", "covered", "baseline", "proposal", "delta", "revenue", "margin",
              *(f"baseline:{k}" for k in kpis[0]), *(f"proposal:{k}" for k in kpis[1])]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if sim.population.cross:
        writer.writerow([safe_cell("# " + CROSS_NOTICE)])
    writer.writerow(header)
    for row in sim.comparison.rows:
        writer.writerow([safe_cell(v) for v in (
            row.rep_id, *_who(sim, row.rep_id), row.period, row.covered, row.baseline, row.proposal, row.delta,
            row.revenue, row.margin, *(row.baseline_kpis.get(k) for k in kpis[0]),
            *(row.proposal_kpis.get(k) for k in kpis[1]))])
    for rep in sim.comparison.reps:
        writer.writerow([safe_cell(v) for v in (rep.rep_id, *_who(sim, rep.rep_id), "total", rep.change, rep.baseline,
                                                rep.proposal, rep.delta, None, None)])
    return out.getvalue()


def _who(sim: Simulation, rep_id: str) -> tuple[str, str]:
    person = sim.people.get(rep_id)
    return (person.name, person.team) if person else ("", "")


def kpi_ids(sim: Simulation) -> tuple[list[str], list[str]]:
    """KPI ids of each side, in first-seen order."""
    sides: tuple[dict[str, None], dict[str, None]] = ({}, {})
    for row in sim.comparison.rows:
        sides[0].update(dict.fromkeys(row.baseline_kpis))
        sides[1].update(dict.fromkeys(row.proposal_kpis))
    return list(sides[0]), list(sides[1])
