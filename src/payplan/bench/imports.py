"""Import speed: a CRM deals export through a mapping vs payplan's own deals.csv, into fresh SQLite.

Generates `rows` deals twice, the same facts in two spellings: a native deals.csv,
and a Bitrix-like export (semicolon-separated, decimal comma, thousands with a
space, day.month.year dates, stage names, owners by e-mail, a skipped pipeline).
Each is imported end to end (read, map, check, store) into a fresh SQLite database
holding the reps; the figure is the best of `runs` (other work only adds time).
Must not change any data outside its temporary databases.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal

from payplan.facts.checks import check_references
from payplan.facts.files import records_from_bytes
from payplan.facts.imports import import_facts
from payplan.facts.mapped import map_export
from payplan.facts.mapping import parse_mapping
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.read import SPECS, parse_file
from payplan.facts.rows import FactSet, RepRow
from payplan.store import create_schema, make_engine

STAGES = {"won": "Угода успішна", "lost": "Угода провалена", "open": "В роботі"}
MAPPING = {
    "id": "bench-deals", "version": 1, "kind": "deals", "encoding": "utf-8", "delimiter": ";", "decimal": ",",
    "thousands": " ", "date_formats": ["%d.%m.%Y"], "owners_from": "reps.csv:email",
    "columns": {"deal_id": "ID", "rep_id": "Відповідальний", "created_at": "Дата створення",
                "closed_at": "Дата закриття", "status": "Стадія угоди", "amount": "Сума", "currency": "Валюта",
                "product": "Продукт"},
    "expressions": {"cost": "{Сума} - {Маржа}"},
    "stages": {name: status for status, name in STAGES.items()},
    "skip": [{"column": "Воронка", "equals": "Партнери", "reason": "partner deals"}],
}


def run(rows: int = 100_000, reps: int = 200, runs: int = 3) -> dict[str, float]:
    """Seconds (wall clock; and CPU seconds of this process, SQLite's work included, which other
    work on the machine disturbs less) and rows/s of the native import and of the import through a mapping."""
    team = [RepRow(f"R{i:04d}", f"Rep {i}", f"rep{i}@example.com", "AE", "T1", None, date(2024, 1, 1), None,
                   "UAH", Decimal("1000.00")) for i in range(reps)]
    native_file, export = _files(rows, team)
    mapping = parse_mapping("bench-deals.toml", MAPPING)
    owners = {r.email.lower(): r.rep_id for r in team if r.email}
    native = [_timed(team, lambda: _native(native_file)) for _ in range(runs)]
    mapped = [_timed(team, lambda: map_export(mapping, "export.csv", export, owners).rows) for _ in range(runs)]
    native_s, mapped_s = min(t for t, _ in native), min(t for t, _ in mapped)
    return {"rows": rows, "native_seconds": native_s, "mapped_seconds": mapped_s,
            "native_per_second": rows / native_s, "mapped_per_second": rows / mapped_s,
            "native_cpu_seconds": min(c for _, c in native), "mapped_cpu_seconds": min(c for _, c in mapped)}


def _native(data: bytes) -> tuple:
    problems: list[FactProblem] = []
    records = records_from_bytes("deals.csv", data, problems)
    parsed = parse_file("deals.csv", records, SPECS["deals"], problems) if records else ()
    if problems:
        raise FactError(problems)
    return parsed


def _timed(team: list[RepRow], read: object) -> tuple[float, float]:
    """(Seconds, CPU seconds) to read (`read()` → deal rows), check and store the deals into a fresh database."""
    with tempfile.TemporaryDirectory(prefix="payplan-bench-import-") as folder:
        engine = make_engine("sqlite:///" + os.path.join(folder, "bench.sqlite"))
        create_schema(engine)
        with engine.begin() as conn:
            import_facts(conn, FactSet(reps=tuple(team), sources={"reps": "reps.csv"}))
        start, cpu = time.perf_counter(), time.process_time()
        deals = read()  # type: ignore[operator]
        problems: list[FactProblem] = []
        facts = FactSet(reps=tuple(team), deals=deals, sources={"reps": "reps.csv", "deals": "deals.csv"})
        check_references(facts, problems)
        with engine.begin() as conn:
            import_facts(conn, FactSet(deals=deals, sources={"deals": "deals.csv"}))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        engine.dispose()
    if problems:
        raise FactError(problems)
    return seconds, cpu


def _files(rows: int, team: list[RepRow]) -> tuple[bytes, bytes]:
    rng = random.Random(16)
    native = ["deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product"]
    export = [";".join(["ID", "Назва", "Відповідальний", "Дата створення", "Дата закриття", "Стадія угоди",
                        "Воронка", "Сума", "Маржа", "Валюта", "Продукт"])]
    start = date(2026, 1, 1)
    for n in range(rows):
        rep = team[n % len(team)]
        created = start + timedelta(days=rng.randrange(300))
        status = rng.choice(("won", "won", "lost", "open"))
        closed = created + timedelta(days=rng.randrange(60)) if status != "open" else None
        cents = rng.randrange(10_000, 10_000_000)
        margin = cents * rng.randrange(20, 60) // 100
        amount, cost = Decimal(cents).scaleb(-2), Decimal(cents - margin).scaleb(-2)
        product = rng.choice(("core", "analytics", "support"))
        native.append(f"B{n},{rep.rep_id},{created},{closed or ''},{status},{amount},{cost},UAH,{product}")
        export.append(";".join([f"B{n}", f"Угода {n}", str(rep.email), created.strftime("%d.%m.%Y"),
                                closed.strftime("%d.%m.%Y") if closed else "", STAGES[status], "Продажі",
                                _comma(amount), _comma(Decimal(margin).scaleb(-2)), "UAH", product]))
    export.append(";".join(["X1", "Партнерська", str(team[0].email), "01.02.2026", "", STAGES["open"], "Партнери",
                            "1,00", "0,10", "UAH", "core"]))
    return ("\n".join(native) + "\n").encode(), ("\n".join(export) + "\n").encode()


def _comma(value: Decimal) -> str:
    """12345.60 → '12 345,60', as a Ukrainian spreadsheet writes it."""
    whole, _, cents = f"{value:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", " ") + "," + cents
