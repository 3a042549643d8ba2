#!/usr/bin/env python3
"""Generate the demo company in examples/demo/ (DESIGN §4 fact files), deterministically.

Twelve people in two teams: two managers, six account executives (one hired in
the middle of March), four SDRs (one terminated in the middle of April).
January to June 2026: activities, deals (won / lost / open / cancelled, with
cost and product; a few with `discount` and `tax` columns), split credits,
CRM-hygiene and script-compliance scores, NPS answers and target overrides.

Run from anywhere: `python3 scripts/make_demo_data.py [OUTPUT_DIR]`. The same
seed always writes byte-identical files. Uses only the standard library.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20260101
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)
MONTHS = [(2026, m) for m in range(1, 7)]
PRODUCTS = ["core", "analytics", "support"]
CENT = Decimal("0.01")

# rep_id, name, role, team, manager_id, hired_on, terminated_on, salary (per month)
REPS = [
    ("MGR01", "Olena Kovalenko", "MANAGER", "EAST", "", "2023-02-01", "", "6000.00"),
    ("MGR02", "Andrii Shevchenko", "MANAGER", "WEST", "", "2022-09-12", "", "6000.00"),
    ("AE01", "Iryna Bondarenko", "AE", "EAST", "MGR01", "2024-03-04", "", "4000.00"),
    ("AE02", "Taras Melnyk", "AE", "EAST", "MGR01", "2024-11-18", "", "4000.00"),
    ("AE03", "Sofiia Tkachenko", "AE", "EAST", "MGR01", "2025-05-05", "", "4000.00"),
    ("AE04", "Dmytro Kravchenko", "AE", "WEST", "MGR02", "2023-08-21", "", "4000.00"),
    ("AE05", "Kateryna Oliinyk", "AE", "WEST", "MGR02", "2025-01-13", "", "4000.00"),
    ("AE06", "Maksym Lysenko", "AE", "WEST", "MGR02", "2026-03-16", "", "4000.00"),
    ("SDR01", "Yuliia Moroz", "SDR", "EAST", "MGR01", "2025-06-02", "", "2500.00"),
    ("SDR02", "Bohdan Savchenko", "SDR", "WEST", "MGR02", "2025-09-15", "", "2500.00"),
    ("SDR03", "Anna Rudenko", "SDR", "WEST", "MGR02", "2026-01-05", "", "2500.00"),
    ("SDR04", "Serhii Marchenko", "SDR", "EAST", "MGR01", "2025-10-06", "2026-04-15", "2500.00"),
]


def money(value: float | Decimal) -> str:
    return str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP))


def month_days(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def active_days(rep: tuple, year: int, month: int) -> list[date]:
    """Working days of the month on which the rep was employed."""
    start, end = month_days(year, month)
    hired = date.fromisoformat(rep[5])
    left = date.fromisoformat(rep[6]) if rep[6] else LAST
    days = []
    day = max(start, hired)
    while day <= min(end, left):
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(folder / name, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def make_reps() -> list[list[str]]:
    return [[r[0], r[1], f"{r[1].split()[0].lower()}.{r[1].split()[1].lower()}@example.com", r[2], r[3],
             r[4], r[5], r[6], "USD", r[7]] for r in REPS]


def make_activities(rng: random.Random) -> list[list[str]]:
    volume = {"AE": {"call": (25, 45), "meeting": (6, 14), "demo": (4, 12)},
              "SDR": {"call": (70, 130), "meeting": (7, 17)},
              "MANAGER": {"meeting": (4, 8)}}
    rows, n = [], 0
    for rep in REPS:
        for year, month in MONTHS:
            days = active_days(rep, year, month)
            if not days:
                continue
            share = len(days) / 22
            for kind, (lo, hi) in volume[rep[2]].items():
                for _ in range(round(rng.randint(lo, hi) * min(share, 1))):
                    n += 1
                    rows.append([f"A{n:05d}", rep[0], kind, rng.choice(days).isoformat()])
    rows.sort(key=lambda r: (r[3], r[0]))
    return rows


def make_deals(rng: random.Random) -> list[list[str]]:
    rows, n = [], 0
    per_month = {"AE": (4, 7), "SDR": (1, 3)}
    for rep in REPS:
        if rep[2] not in per_month:
            continue
        for year, month in MONTHS:
            days = active_days(rep, year, month)
            if not days:
                continue
            for _ in range(rng.randint(*per_month[rep[2]])):
                n += 1
                rows.append(_deal(rng, f"D{n:04d}", rep, rng.choice(days)))
    return rows


def _deal(rng: random.Random, deal_id: str, rep: tuple, created: date) -> list[str]:
    small = rep[2] == "SDR"
    amount = Decimal(rng.randint(1500, 6000) if small else rng.randint(4000, 42000)) + Decimal(rng.randint(0, 99)) / 100
    cost = amount * Decimal(rng.randint(40, 78)) / 100
    closed = created + timedelta(days=rng.randint(8, 55))
    left = date.fromisoformat(rep[6]) if rep[6] else LAST
    roll = rng.random()
    status, cancelled = "won", ""
    if closed > min(LAST, left) or roll < 0.18:
        status, closed_text = "open", ""
    elif roll < 0.48:
        status, closed_text = "lost", closed.isoformat()
    else:
        closed_text = closed.isoformat()
        if roll > 0.955:
            cancel_on = closed + timedelta(days=rng.randint(10, 60))
            if cancel_on <= LAST:
                status, cancelled = "cancelled", cancel_on.isoformat()
    discount = tax = ""
    if rng.random() < 0.15:
        discount = money(amount * Decimal(rng.choice([5, 10, 15])) / 100)
        tax = money(amount * Decimal("0.20"))
    return [deal_id, rep[0], created.isoformat(), closed_text, status, money(amount), money(cost), "USD",
            rng.choice(PRODUCTS), cancelled, discount, tax]


def fixed_deals(rows: list[list[str]]) -> None:
    """Make sure the story deals exist whatever the random draw gave."""
    by_id = {r[0]: r for r in rows}
    # A won AE deal cancelled 25 days after closing: clawed back (inside the 90-day window).
    rows.append(["D9001", "AE01", "2026-01-12", "2026-02-10", "cancelled", "28400.00", "15620.00", "USD",
                 "analytics", "2026-03-07", "", ""])
    # A won deal cancelled 120 days after closing: outside the window, no clawback.
    rows.append(["D9002", "AE04", "2026-01-05", "2026-01-20", "cancelled", "12500.00", "6900.00", "USD",
                 "core", "2026-05-20", "", ""])
    # A large, low-margin deal: a big amount that earns little commission.
    rows.append(["D9003", "AE02", "2026-02-02", "2026-03-18", "won", "40000.00", "37500.00", "USD",
                 "core", "", "2000.00", "8000.00"])
    # Deals sourced by SDRs and closed by AEs: credited 70/30 in credits.csv.
    rows.append(["D9004", "AE03", "2026-02-09", "2026-03-12", "won", "18250.00", "9100.00", "USD",
                 "analytics", "", "", ""])
    rows.append(["D9005", "AE05", "2026-03-02", "2026-04-08", "won", "22600.00", "11800.00", "USD",
                 "support", "", "1130.00", "4520.00"])
    assert not {"D9001", "D9002", "D9003", "D9004", "D9005"} & set(by_id)


def make_credits() -> list[list[str]]:
    return [["D9004", "AE03", "0.7"], ["D9004", "SDR01", "0.3"],
            ["D9005", "AE05", "0.7"], ["D9005", "SDR02", "0.3"]]


def make_scores(rng: random.Random) -> list[list[str]]:
    rows = []
    for rep in REPS:
        for year, month in MONTHS:
            if not active_days(rep, year, month):
                continue
            period = f"{year}-{month:02d}"
            # AE02 slips below the 80% CRM-hygiene gate in March and April.
            low = rep[0] == "AE02" and month in (3, 4)
            hygiene = rng.randint(62, 78) if low else rng.randint(80, 99)
            rows.append([rep[0], period, "crm_hygiene", f"{hygiene / 100:.2f}"])
            if rep[2] != "MANAGER":
                rows.append([rep[0], period, "script_compliance", f"{rng.randint(72, 98) / 100:.2f}"])
    return rows


def make_nps(rng: random.Random) -> list[list[str]]:
    rows, n = [], 0
    for rep in REPS:
        if rep[2] != "AE":
            continue
        for year, month in MONTHS:
            days = active_days(rep, year, month)
            for _ in range(rng.randint(3, 8) if days else 0):
                n += 1
                score = rng.choices(range(11), weights=[1, 1, 1, 1, 2, 2, 3, 6, 9, 10, 9])[0]
                rows.append([f"N{n:04d}", rep[0], rng.choice(days).isoformat(), str(score)])
    return rows


def make_targets() -> list[list[str]]:
    rows = []
    for year, month in MONTHS:
        period = f"{year}-{month:02d}"
        rows.append(["team", "WEST", period, "demos", "6"])  # the WEST market is slower: fewer demos
        rows.append(["team", "EAST", period, "team_margin", "70000"])
        rows.append(["team", "EAST", period, "team_quota", "70000"])
        rows.append(["team", "WEST", period, "team_margin", "55000"])
        rows.append(["team", "WEST", period, "team_quota", "55000"])
        rows.append(["rep", "AE03", period, "avg_deal_size", "12000"])  # newer AE: smaller accounts
    rows.append(["rep", "SDR03", "2026-01", "meetings", "6"])  # first month of a new SDR
    rows.append(["rep", "SDR03", "2026-02", "meetings", "9"])
    return rows


def main(folder: Path) -> None:
    rng = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, "reps.csv", ["rep_id", "name", "email", "role", "team", "manager_id", "hired_on",
                               "terminated_on", "currency", "salary"], make_reps())
    write(folder, "activities.csv", ["activity_id", "rep_id", "kind", "occurred_at"], make_activities(rng))
    deals = make_deals(rng)
    fixed_deals(deals)
    write(folder, "deals.csv", ["deal_id", "rep_id", "created_at", "closed_at", "status", "amount", "cost",
                                "currency", "product", "cancelled_at", "discount", "tax"], deals)
    write(folder, "credits.csv", ["deal_id", "rep_id", "share"], make_credits())
    write(folder, "scores.csv", ["rep_id", "period", "kind", "value"], make_scores(rng))
    write(folder, "nps.csv", ["response_id", "rep_id", "answered_at", "score"], make_nps(rng))
    write(folder, "targets.csv", ["scope", "scope_id", "period", "metric", "target"], make_targets())


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "examples" / "demo"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
