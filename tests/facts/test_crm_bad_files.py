"""Bad CRM exports through the shipped mappings: one clear problem naming file, row and column.

Each case spoils one thing of a sample export (examples/crm/) and checks that mapping it
raises a FactError with exactly one problem at the place spoiled, so nothing is imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from payplan.facts.mapped import map_export
from payplan.facts.mapping import load_mapping
from payplan.facts.problems import FactError
from tests.facts.test_crm_mappings import CRM, MAPPINGS, demo_reps


def problems_of(mapping_id: str, name: str, data: bytes) -> list:
    with pytest.raises(FactError) as caught:
        map_export(load_mapping(MAPPINGS / f"{mapping_id}.toml"), name, data, demo_reps())
    return caught.value.problems


def sample(export: str, encoding: str) -> list[str]:
    return (CRM / export).read_bytes().decode(encoding).splitlines(keepends=True)


def test_a_utf8_file_given_to_a_windows_1251_mapping():
    data = "".join(sample("bitrix24/deals.csv", "cp1251")).encode("utf-8")
    [problem] = problems_of("bitrix24-deals", "deals.csv", data)
    assert problem.file == "deals.csv"  # the whole file: no row or column is to blame
    assert problem.fields == {"encoding": "Windows-1251"}


def test_a_windows_1251_file_given_to_a_utf8_mapping():
    data = "".join(sample("keycrm/orders.csv", "utf-8-sig")).encode("cp1251")
    [problem] = problems_of("keycrm-orders", "orders.csv", data)
    assert (problem.file, problem.row) == ("orders.csv", 1)


def test_a_missing_mapped_column():
    lines = sample("hubspot/deals.csv", "utf-8")
    lines[0] = lines[0].replace("Cost of goods", "Cost")
    [problem] = problems_of("hubspot-deals", "deals.csv", "".join(lines).encode())
    assert (problem.file, problem.row, problem.column) == ("deals.csv", 1, "Cost of goods")


def test_an_unknown_stage():
    lines = sample("salesforce/opportunities.csv", "utf-8")
    assert ",Closed Won," in lines[2]
    lines[2] = lines[2].replace(",Closed Won,", ",Closed Won - Pending,")
    [problem] = problems_of("salesforce-opportunities", "opportunities.csv", "".join(lines).encode())
    assert (problem.file, problem.row, problem.column) == ("opportunities.csv", 3, "Stage")
    assert problem.fields["value"] == "Closed Won - Pending"


def test_an_unknown_owner():
    lines = sample("pipedrive/activities.csv", "utf-8")
    assert ",Email," in lines[5]  # row 6 is an e-mail, skipped before its owner is looked up
    lines[6] = lines[6].replace(lines[6].split(",")[3], "Ostap Vyshnia")
    [problem] = problems_of("pipedrive-activities", "activities.csv", "".join(lines).encode())
    assert (problem.file, problem.row, problem.column) == ("activities.csv", 7, "Activity - Assigned to user")
    assert problem.fields["value"] == "Ostap Vyshnia"


def test_an_unknown_activity_type():
    lines = sample("bitrix24/activities.csv", "cp1251")
    lines[3] = lines[3].replace(";Зустріч;", ";Вебінар;").replace(";Дзвінок;", ";Вебінар;").replace(
        ";Демонстрація;", ";Вебінар;")
    [problem] = problems_of("bitrix24-activities", "activities.csv", "".join(lines).encode("cp1251"))
    assert (problem.file, problem.row, problem.column) == ("activities.csv", 4, "Тип")
