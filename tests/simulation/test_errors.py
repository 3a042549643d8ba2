"""Bad input to a simulation: clear errors naming what is wrong, never a traceback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from payplan.cli.main import main
from payplan.errors import Invalid, NotFound
from payplan.plans.files import PlanError
from payplan.simulation.simulate import parse_periods, simulate_data

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
VOLUME = str(ROOT / "plans" / "sim" / "volume-only.toml")
BALANCED = str(ROOT / "plans" / "sim" / "balanced.toml")


def _variant(tmp_path: Path, old: str, new: str, name: str = "variant.toml") -> str:
    path = tmp_path / name
    path.write_text(Path(BALANCED).read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text, words", [
    ("2026-06..2026-01", "ends before it starts"),
    ("2026-01..2026-04,2026-03..2026-06", "overlaps an earlier range at 2026-03"),
    ("2026-01..2026-03,2026-02", "overlaps"),
    ("2026-01..2026-Q2", "same kind"),
    ("2026-01..2026-03,2026-Q3", "same kind of period"),
    ("2026-13", "month must be 01..12"),
    ("last half-year", "is not a period"),
])
def test_bad_period_ranges(text: str, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        parse_periods(text)


def test_several_ranges_in_order() -> None:
    assert [p.key for p in parse_periods("2026-04..2026-05, 2026-01..2026-02")] == [
        "2026-01", "2026-02", "2026-04", "2026-05"]


def test_plan_for_another_currency(tmp_path: Path) -> None:
    euro = _variant(tmp_path, 'currency = "USD"', 'currency = "EUR"')
    with pytest.raises(Invalid, match="different currencies: baseline sim-volume-only@1 in USD, proposal sim-balanced@1 in EUR"):
        simulate_data(DEMO, VOLUME, euro, "2026-01..2026-06")


def test_both_plans_in_a_currency_the_reps_are_not_paid_in(tmp_path: Path) -> None:
    euro = _variant(tmp_path, 'currency = "USD"', 'currency = "EUR"')
    sim = simulate_data(DEMO, euro, euro, "2026-01..2026-06")  # as a run would, but said first
    assert str(sim.issues[0]).startswith("reps.currency: warning: the plans pay in EUR, but some eligible reps "
                                         "are paid in USD")


def test_periods_of_another_kind_than_the_plans() -> None:
    with pytest.raises(Invalid, match="pays by month, but the periods asked for are quarters"):
        simulate_data(DEMO, VOLUME, BALANCED, "2026-Q1..2026-Q2")


def test_unknown_plan_id_without_a_database() -> None:
    with pytest.raises(NotFound, match="plan nope@3: no such file, and no database"):
        simulate_data(DEMO, VOLUME, "nope@3", "2026-01..2026-06")


def test_missing_or_broken_plan_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read plan file"):
        simulate_data(DEMO, VOLUME, str(tmp_path / "missing.toml"), "2026-01..2026-06")
    broken = _variant(tmp_path, "weight = 0.35", "weight = 0.5")
    with pytest.raises(PlanError, match="weights"):
        simulate_data(DEMO, VOLUME, broken, "2026-01..2026-06")


def test_neither_file_nor_reference() -> None:
    with pytest.raises(Invalid, match="neither a plan file"):
        simulate_data(DEMO, VOLUME, "balanced", "2026-01..2026-06")


def test_negative_threshold() -> None:
    with pytest.raises(Invalid, match="must not be negative"):
        simulate_data(DEMO, VOLUME, BALANCED, "2026-01..2026-06", Decimal(-1))


@pytest.mark.parametrize("args, words", [
    (["--periods", "2026-06..2026-01"], "the range ends before it starts"),
    (["--periods", "2026-01..2026-06", "--proposal", "nope@3"], "plan nope@3 is not published"),
    (["--periods", "2026-01..2026-06", "--threshold", "lots"], "--threshold"),
])
def test_cli_errors_are_messages(args: list[str], words: str, tmp_path: Path, monkeypatch, capsys) -> None:
    from payplan.settings import get_settings
    from payplan.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    upgrade(url)
    monkeypatch.setenv("PAYPLAN_DATABASE_URL", url)
    get_settings.cache_clear()
    base = ["simulate", "--baseline", VOLUME, "--proposal", BALANCED, "--data", str(DEMO)]
    argv = base + args if "--proposal" not in args else base[:3] + base[5:] + args
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    get_settings.cache_clear()
    assert exit_info.value.code in (1, 2)
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_cli_does_not_create_a_missing_database(tmp_path: Path, monkeypatch, capsys) -> None:
    from payplan.settings import get_settings

    missing = tmp_path / "nowhere.sqlite"
    monkeypatch.setenv("PAYPLAN_DATABASE_URL", f"sqlite:///{missing}")
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "--baseline", VOLUME, "--proposal", BALANCED, "--periods", "2026-01..2026-06"])
    get_settings.cache_clear()
    assert exit_info.value.code == 1
    assert "no payplan database at" in capsys.readouterr().err
    assert not missing.exists()
