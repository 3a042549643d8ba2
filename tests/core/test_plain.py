"""Plain decimals in JSON (`payplan.core.plain`): never an exponent, never a negative zero."""

from __future__ import annotations

from decimal import Decimal as D

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from payplan.core.plain import _NOT_PLAIN, encode_plain, not_plain, plain, plain_value

ENCODER = msgspec.json.Encoder(decimal_format="string")


def test_plain_text_of_each_awkward_decimal():
    assert str(D("0E+2")) == "0E+2" and plain(D("0E+2")) == "0"
    assert plain(D("2E+3")) == "2000"
    assert plain(D("1E-7")) == "0.0000001"
    assert str(D("-0.00")) == "-0.00" and plain(D("-0.00")) == "0.00"
    assert plain(-D(0)) == "0"
    assert plain(D("-0.05")) == "-0.05" and plain(D("12.50")) == "12.50"


class Line(msgspec.Struct, omit_defaults=True):
    amount: D
    rate: D | None = None
    label: str = ""


def test_structs_lists_and_dicts_are_made_plain_and_text_is_left_alone():
    doc = {"lines": [Line(D("-0.00"), D("0E+2"), "0E+2"), Line(D("1000") / D("0.5"))], "total": D("-0")}
    assert msgspec.json.decode(encode_plain(doc, ENCODER.encode)) == {
        "lines": [{"amount": "0.00", "rate": "0", "label": "0E+2"}, {"amount": "2000"}], "total": "0"}


def test_clean_documents_are_encoded_once_and_unchanged():
    doc = {"amount": D("-0.50"), "rate": D("0.05"), "note": "-0.5"}
    assert encode_plain(doc, ENCODER.encode) == ENCODER.encode(doc)


# Texts around the two patterns (`not_plain` must answer exactly as the one regular expression).
_PIECES = [b'"', b'\\"', b"-", b"0", b"7", b".", b"E", b"e", b"+", b"-0", b"E+", b"E-", b"12", b",", b":", b"x"]


@given(st.lists(st.sampled_from(_PIECES), max_size=24))
def test_the_fast_scan_answers_as_the_regular_expression(pieces):
    data = b"".join(pieces)
    assert not_plain(data) == bool(_NOT_PLAIN.search(data))


def test_the_fast_scan_on_known_texts():
    for data, expected in ((b'{"a":"0E+2"}', True), (b'{"a":"-0.00"}', True), (b'{"a":"-0.05"}', False),
                           (b'{"a":"RE-1","b":"1.5E-7"}', True), (b'{"a":"E+2"}', False),
                           (b'{"a":"x\\"-12.5E+3"}', True), (b'{"a":"1E+"}', False), (b'', False)):
        assert not_plain(data) is expected, data


_DECIMALS = st.sampled_from([D("0E+1"), D("0E+2"), D("-0.00"), D("-0"), D("2E+3"), D("1E-7"), D("12.50"),
                             D("-0.05"), D("0"), D("1000")])
_TEXTS = st.sampled_from(["0E+2", "-0", "-0.00", "ok", "₴ 1 200", 'a"b', "\\n", ""])
_SCALARS = _DECIMALS | _TEXTS | st.integers(-5, 5) | st.none() | st.booleans()
_DOCS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_TEXTS | st.sampled_from(["raw", "total", "E+1"]), inner, max_size=4)
                     | st.dictionaries(st.integers(0, 3), inner, max_size=2), max_leaves=30)


@given(_DOCS)
def test_re_encoding_only_the_parts_that_need_it_writes_the_bytes_of_encoding_it_all_again(doc):
    for encode in (ENCODER.encode, msgspec.json.encode):
        whole = encode(plain_value(msgspec.to_builtins(doc, builtin_types=(D,))))
        assert encode_plain(doc, encode) == whole
        assert not not_plain(whole) or isinstance(doc, str) or _has_awkward_text(doc)


def _has_awkward_text(value) -> bool:
    """Whether a text of `value` (not a Decimal) looks like one that is not plain: left as it is."""
    if isinstance(value, str):
        return not_plain(msgspec.json.encode(value))
    if isinstance(value, dict):
        return any(_has_awkward_text(k) or _has_awkward_text(v) for k, v in value.items())
    return isinstance(value, list) and any(map(_has_awkward_text, value))
