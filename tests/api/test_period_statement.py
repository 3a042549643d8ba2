"""A rep whose plan changed version inside a period downloads one statement for the period
(`tests.runs.test_version_change` computes its figures by hand), once every part is approved."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from payplan.app import create_app
from payplan.runs import lifecycle as runs
from payplan.statements.verify import verify_pdf
from tests.api.conftest import settings_for
from tests.runs.test_version_change import _approved, split  # noqa: F401 - the fixture
from tests.service_db import engine, tx  # noqa: F401 - fixtures on this module's db_url

URL = "/plans/vc/periods/2026-03/statements/{rep}/statement.pdf"


@pytest.fixture
def client(db_url, split):  # noqa: F811
    with TestClient(create_app(settings_for(db_url))) as test_client:
        yield test_client


def _as(split, name: str) -> dict[str, str]:  # noqa: F811
    return {"Authorization": f"Bearer {split['tokens'][name]}"}


def test_the_rep_gets_one_statement_once_both_parts_are_approved(tx, split, client):  # noqa: F811
    _approved(tx, split, "vc@1")
    draft = tx(runs.create_run, "vc@2", "2026-03", split["fin1"])
    # Part 2 is a draft: the rep sees neither it nor a statement that would leave it out.
    assert client.get(URL.format(rep="R1"), headers=_as(split, "rita")).status_code == 404
    pay = client.get("/pay", headers=_as(split, "rita"))
    assert "whole-period" not in pay.text
    tx(runs.submit, draft.id, split["fin1"])
    tx(runs.approve, draft.id, split["fin2"])
    response = client.get(URL.format(rep="R1") + "?lang=uk", headers=_as(split, "rita"))
    assert response.status_code == 200, response.text
    assert 'filename="statement-R1-vc-2026-03-uk.pdf"' in response.headers["content-disposition"]
    verdict = verify_pdf(response.content)
    assert verdict.ok and str(verdict.total) == "860.00"
    assert client.get(URL.format(rep="R2"), headers=_as(split, "rita")).status_code == 404  # not hers
    pay = client.get("/pay", headers=_as(split, "rita"))
    assert pay.text.count(f'href="{URL.format(rep="R1")}?lang=en"') == 2  # beside each part's run, in the page's language
