"""The import benchmark at a tiny size: both spellings of the generated deals give the same facts.

Speed is the suite's business (`payplan bench`), not this test's: nothing here is timed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.bench import imports, suite
from payplan.facts.mapped import map_export
from payplan.facts.mapping import parse_mapping
from payplan.facts.rows import RepRow


def test_the_export_through_its_mapping_gives_the_native_facts():
    team = [RepRow(f"R{i}", f"Rep {i}", f"rep{i}@example.com", "AE", "T1", None, date(2024, 1, 1), None, "UAH",
                   Decimal("1000.00")) for i in range(7)]
    native, export = imports._files(500, team)
    owners = {r.email: r.rep_id for r in team}
    mapped = map_export(parse_mapping("bench.toml", imports.MAPPING), "export.csv", export, owners)
    assert [msgspec.structs.astuple(r) for r in mapped.rows] == [msgspec.structs.astuple(r)
                                                                 for r in imports._native(native)]
    assert [s.row for s in mapped.skipped] == [502]  # the partner deal after the 500 (header = row 1)


def test_the_benchmark_reports_both_rates_and_is_in_the_suite():
    result = imports.run(rows=300, reps=5, runs=1)
    assert result["rows"] == 300 and result["native_per_second"] > 0 and result["mapped_per_second"] > 0
    assert 0 < result["native_cpu_seconds"] and 0 < result["mapped_cpu_seconds"]
    row = next(row for row in suite.ROWS if row[0] == "payplan.bench.imports")
    figure, _ = row[4](result)
    assert "s CPU) vs native" in figure and "for 300 rows" in figure
