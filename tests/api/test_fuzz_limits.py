"""Fuzz of plan text and fact files through the API: zero 5xx, zero tracebacks, every answer under 2 s.

Plans: mutations of the real plan files (hostile numbers, deep brackets, long dotted
keys, random insertions and deletions) and random TOML-ish text, sent to POST /plans.
Facts: one row of each fact kind with one random cell in a random column (numbers at
and past the storage limits, bad dates, control characters, long text, JSON nesting),
as CSV or JSON, sent to POST /facts/{kind}. PAYPLAN_FUZZ_EXAMPLES sets the number of
cases per test and backend (default 150: under a minute for the whole file on both).
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from sqlalchemy import text

from payplan.access import users
from payplan.app import create_app
from payplan.facts.imports import import_facts
from payplan.facts.read import SPECS, read_facts
from payplan.store import make_engine

from .conftest import DATA, PG_URL, BACKENDS, _migrated, settings_for

EXAMPLES = int(os.environ.get("PAYPLAN_FUZZ_EXAMPLES") or 150)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
ROOT = Path(__file__).parents[2]
PLAN_TEXTS = [p.read_text(encoding="utf-8") for p in sorted([*ROOT.glob("plans/**/*.toml"),
                                                             *ROOT.glob("tests/data/plans/good/*.toml")])]
HOSTILE_NUMBERS = ["nan", "-nan", "inf", "-inf", "1e-999999", "1e999999", "9" * 5000, "1e15", "-1e15",
                   "999999999999999.999999999999", "0", "-0.0", "1e-12", "0.0000000000001", "1_000_000",
                   "0x7fffffffffffffff", "9223372036854775808", "1000000000", "99999999"]
HOSTILE_CELLS = ["", " ", "1e20", "100000000000000000000", "92233720368547758.08", "92233720368547758.07",
                 "9223372036854.775808", "-92233720368547758.07", "NaN", "Infinity", "-0", "0.001",
                 "1" * 400, "2026-02-30", "9999-12-31T23:59:59+14:00", "0001-01-01", "2026-13",
                 "x\x00y", "\u202e\u0000", "won", "cancelled", "A1", "M1", "EUR", "ZZZ", "1.5", "-1"]


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_client(request, tmp_path_factory):
    """One seeded database and client per backend for all the examples of this module."""
    if request.param == "sqlite":
        yield from _serve(_migrated(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite'}"))
        return
    from sqlalchemy.engine import make_url
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"payplan_fuzz_{os.getpid()}_{int(time.time())}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield from _serve(_migrated(make_url(PG_URL).set(database=name).render_as_string(hide_password=False)))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _serve(url: str):
    engine = make_engine(url)
    with engine.begin() as conn:
        import_facts(conn, read_facts(DATA / "company"))
        tokens = {who: users.add_user(conn, who, who) for who in ("admin", "hr")}
    engine.dispose()
    with TestClient(create_app(settings_for(url, max_upload_bytes=2_000_000))) as client:
        yield client, {who: {"Authorization": f"Bearer {token}"} for who, token in tokens.items()}


def answer_is_sound(client, path: str, body: bytes, headers: dict[str, str]) -> None:
    start = time.perf_counter()
    response = client.post(path, content=body, headers=headers)
    elapsed = time.perf_counter() - start
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text
    assert elapsed < 2, f"{path} took {elapsed:.2f} s"


# --- plan text ---------------------------------------------------------------------------

@st.composite
def mutated_plan(draw) -> str:
    plan = draw(st.sampled_from(PLAN_TEXTS))
    for _ in range(draw(st.integers(1, 3))):
        plan = draw(st.sampled_from(_MUTATIONS))(draw, plan)
    return plan


def _number(draw, plan: str) -> str:
    import re
    spots = [m.span() for m in re.finditer(r"(?<=[=\[,] )-?\d[\d.eE_+-]*", plan)]
    if not spots:
        return plan
    start, end = draw(st.sampled_from(spots))
    return plan[:start] + draw(st.sampled_from(HOSTILE_NUMBERS) | st.decimals(allow_nan=True).map(str)) + plan[end:]


def _insert(draw, plan: str) -> str:
    at = draw(st.integers(0, len(plan)))
    return plan[:at] + draw(st.text(alphabet='[]{}=.,"\'\n#abc019 -_e:T', max_size=40)) + plan[at:]


def _delete(draw, plan: str) -> str:
    at = draw(st.integers(0, len(plan)))
    return plan[:at] + plan[at + draw(st.integers(1, 200)):]


def _deep(draw, plan: str) -> str:
    n = draw(st.integers(1, 600))
    opener = draw(st.sampled_from(["[", "{ a = ", "[{b=["]))
    return plan + f"\nzz = {opener * n}\n"


def _dotted(draw, plan: str) -> str:
    return plan + "\n" + ".".join(["k"] * draw(st.integers(2, 5000))) + " = 1\n"


def _repeat(draw, plan: str) -> str:
    lines = plan.splitlines(keepends=True)
    line = draw(st.sampled_from(lines))
    return plan + line * draw(st.integers(1, 3000))


_MUTATIONS = [_number, _number, _insert, _delete, _deep, _dotted, _repeat]
RANDOM_TOML = st.text(alphabet='[]{}=.,"\'\n#abcxyz019 -_eE+:T\\', max_size=400)


@FUZZ
@given(st.one_of(mutated_plan(), RANDOM_TOML))
def test_fuzzed_plans_never_5xx(fuzz_client, plan):
    client, headers = fuzz_client
    answer_is_sound(client, "/plans", plan.encode("utf-8", "surrogatepass"),
                    {"Content-Type": "application/toml", **headers["hr"]})


# --- fact files --------------------------------------------------------------------------

def _base_rows() -> dict[str, dict[str, str]]:
    """The first row of each company fact file, as {column: cell}."""
    rows = {}
    for kind in SPECS:
        with open(DATA / "company" / f"{kind}.csv", encoding="utf-8", newline="") as handle:
            rows[kind] = next(csv.DictReader(handle))
    return rows


BASE = _base_rows()
NUMERIC = {"reps": ["salary"], "deals": ["amount", "cost", "discount"], "credits": ["share"],
           "scores": ["value"], "nps": ["score"], "targets": ["target"], "activities": [], "parameters": ["value"],
           "fx_rates": ["rate"]}
BIG_NUMBERS = ["1e20", "100000000000000000000", "92233720368547758.08", "9223372036854775808",
               "-92233720368547758.08", "9223372036854.775808", "1000000000000001", "NaN", "9" * 400]
CELL = st.sampled_from(HOSTILE_CELLS) | st.text(max_size=30) | st.decimals(allow_nan=True).map(str) \
    | st.integers(min_value=-(2**70), max_value=2**70).map(str)


@st.composite
def fuzzed_fact_file(draw) -> tuple[str, str, bytes]:
    kind = draw(st.sampled_from(sorted(SPECS)))
    row = {**BASE[kind], "discount": ""} if kind == "deals" else dict(BASE[kind])
    row[list(row)[0]] = draw(st.sampled_from(["FZ1", "FZ2", row[list(row)[0]]]))  # new id or a stored one
    for _ in range(draw(st.integers(1, 2))):
        if NUMERIC[kind] and draw(st.booleans()):  # half the time a number column, often past its limit
            row[draw(st.sampled_from(NUMERIC[kind]))] = draw(st.sampled_from(BIG_NUMBERS) | CELL)
        else:
            row[draw(st.sampled_from(list(row)))] = draw(CELL)
    if draw(st.booleans()):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        return kind, "text/csv", out.getvalue().encode("utf-8", "surrogatepass")
    return kind, "application/json", _json_file(draw, row)


def _json_file(draw, row: dict) -> bytes:
    """The row as a JSON array of one object, one cell replaced by a JSON value of any kind."""
    item: dict = dict(row)
    column = draw(st.sampled_from(list(row)))
    depth = draw(st.integers(1, 20_000))
    item[column] = draw(st.sampled_from([None, True, 1e300, 12345678901234567.89, 10**20, 2**63, [1], {"a": 1},
                                         "DEEP"]) | CELL)
    body = json.dumps([item])
    return body.replace('"DEEP"', "[" * depth + "]" * depth).encode("utf-8", "surrogatepass")


@FUZZ
@given(fuzzed_fact_file())
def test_fuzzed_fact_files_never_5xx(fuzz_client, upload):
    client, headers = fuzz_client
    kind, media, body = upload
    answer_is_sound(client, f"/facts/{kind}", body, {"Content-Type": media, **headers["admin"]})
