"""An independent shifter: the behaviour shifts of a scenario written into copies of the fact files,
with the csv module and Decimal only (no payplan code), so `payplan evaluate` can score them."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from .by_evaluate import read_rows, write_rows

CENT = Decimal("0.01")


def more_activities(data: Path, kind: str, share: Decimal) -> int:
    """For each rep × month, round_half_up(share × n) more activities of `kind` (new ids, the 15th of the
    month); how many rows were added."""
    path = data / "activities.csv"
    fields, rows = read_rows(path)
    counts = Counter((r["rep_id"], r["occurred_at"][:7]) for r in rows if r["kind"] == kind)
    added = []
    for (rep_id, month), n in sorted(counts.items()):
        extra = int((share * n).quantize(Decimal(1), ROUND_HALF_UP))
        added += [{**dict.fromkeys(fields, ""), "activity_id": f"SHIFT-{rep_id}-{month}-{i}", "rep_id": rep_id,
                   "kind": kind, "occurred_at": f"{month}-15"} for i in range(extra)]
    write_rows(path, fields, rows + added)
    return len(added)


def bigger_deals(data: Path, factor: Decimal) -> None:
    """Every deal's amount and cost × `factor`, to the cent half-up."""
    path = data / "deals.csv"
    fields, rows = read_rows(path)
    for r in rows:
        for field in ("amount", "cost"):
            if r[field]:
                r[field] = str((Decimal(r[field]) * factor).quantize(CENT, ROUND_HALF_UP))
    write_rows(path, fields, rows)
