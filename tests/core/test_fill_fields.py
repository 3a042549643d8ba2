"""A template's fields are plain names: a plan's own text (a label, a translation) is filled in
like the engine's templates, so an attribute or item in a field must print as written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payplan.core.trace import fill, plain_fields
from payplan.i18n import Words

WALK = "{value.__init__.__globals__[Mapping].get.__globals__[sys].modules[os].environ[HOME]}"


@pytest.mark.parametrize("template, plain", [
    ("{cap:money} exceeds {x}", True), ("{actual:{unit}} vs {minimum:.0%}", True), ("{{literal}} {x}", True),
    ("{value.__class__}", False), ("{x[0]}", False), ("{x!r}", False), (WALK, False),
])
def test_only_plain_names_are_fields(template, plain):
    assert plain_fields(template) is plain


def test_a_walk_from_a_value_prints_as_written_in_english_and_in_a_translation():
    assert fill(WALK, {"value": Decimal(1)}) == WALK
    assert fill("{value:pct} of {value.real}", {"value": Decimal("0.5")}) == "{value:pct} of {value.real}"
    words = Words("uk", 2, {"{value:pts}": WALK})  # a plan translating an engine template
    assert words.fill("{value:pts}", {"value": Decimal("0.1")}) == WALK
    assert words.fill("{cap:money} і {x}", {"cap": Decimal("1234.5"), "x": "y"}) == "1\u00a0234,50 і y"
