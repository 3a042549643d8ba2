"""Issue #15: every rate and amount the API answers is a plain decimal string, never 0E+2, never -0."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from litestar import get
from litestar.testing import create_test_client

from payplan.api.plain_json import PlainJsonResponse
from payplan.app import create_app
from tests.api.conftest import settings_for


class Summary(msgspec.Struct):
    total: Decimal
    rates: list[Decimal]
    note: str


@get("/awkward", sync_to_thread=False)
def awkward() -> Summary:
    # str() of these: 0E+2, -0.00, 2E+3, 1E-7
    return Summary(Decimal("0E+2"), [Decimal("-0.00"), Decimal(1000) / Decimal("0.5"), Decimal("1E-7")], "0E+2")


def test_json_bodies_write_every_decimal_plainly():
    with create_test_client([awkward], response_class=PlainJsonResponse) as client:
        answer = client.get("/awkward")
    assert answer.status_code == 200
    assert answer.json() == {"total": "0", "rates": ["0.00", "2000", "0.0000001"], "note": "0E+2"}


def test_the_app_answers_with_the_plain_response_class(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    assert app.response_class is PlainJsonResponse
