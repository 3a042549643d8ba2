"""An independent route to what a plan pays: `payplan evaluate --format json`, period by period,
on the same fact files (and helpers to copy and change those files with the csv module)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

from payplan.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
PLANS = ROOT / "plans"
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]


def payplan_json(*args: str) -> dict:
    """What `payplan ARGS --format json` prints, parsed (money as Decimal); it must succeed."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # reports are written as bytes to stdout's buffer
    with contextlib.redirect_stdout(out):
        try:
            main([*args, "--format", "json"])
        except SystemExit as done:
            assert done.code in (0, None)
    out.flush()
    return json.loads(out.buffer.getvalue(), parse_float=Decimal)


def evaluate(plan: Path | str, data: Path, period: str) -> dict[str, Decimal]:
    """Each rep's total for `period`, as `payplan evaluate --format json` prints it."""
    doc = payplan_json("evaluate", "--plan", str(plan), "--data", str(data), "--period", period)
    return {r["rep_id"]: Decimal(r["total"]) for r in doc["results"]}


def window(plan: Path | str, data: Path, periods: list[str] = MONTHS) -> dict[str, Decimal]:
    """Each rep's total over `periods` (a rep scored in no period is absent)."""
    totals: dict[str, Decimal] = {}
    for period in periods:
        for rep_id, total in evaluate(plan, data, period).items():
            totals[rep_id] = totals.get(rep_id, Decimal(0)) + total
    return totals


def copy_demo(tmp_path: Path) -> Path:
    data = tmp_path / "demo"
    shutil.copytree(DEMO, data)
    return data


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
