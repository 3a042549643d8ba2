"""Plain decimal text in JSON: every Decimal written as `format(d, "f")`, never `0E+2`, never `-0`.

msgspec writes a Decimal as `str(d)`, which is `0E+2` for a zero with a positive
exponent (a rate written `0e2`, a quotient like 1000 / 0.5 = `2E+3`), `1E-7` for a
tiny value and `-0.00` for a negative zero (a clawback of nothing, a rounded -0.001).
`encode_plain(value, encode)` encodes as usual and, only when the bytes hold such a
text, encodes again from builtins with every Decimal made plain: the common case
costs a scan of the bytes for an `E+`/`E-` and a `"-0`, each a literal the regular
expression engine finds without trying every quote. Pure: stdlib and msgspec only;
must not compute pay.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable

import msgspec

# A JSON string that str(Decimal) could have written in exponent form, or a negative zero.
_NOT_PLAIN = re.compile(rb'"-?\d+(?:\.\d+)?E[+-]\d+"|"-0(?:\.0*)?"')
# The same two texts, searched from their literal parts: a pattern starting with `"` is
# tried at every quote of a document (most of the time a result's encoding took).
_NEGATIVE_ZERO = re.compile(rb'"-0(?:\.0*)?"')
_EXPONENT_TAIL = re.compile(rb'E[+-]\d+"')
_EXPONENT = re.compile(rb'"-?\d+(?:\.\d+)?E[+-]\d+"')

# The builtins of the second pass hold no Decimal once plain, so any msgspec JSON encoder
# writes them as this one does (compact, keys in order); `encode` itself may not (a web
# framework's writes a bare str as its text).
_JSON = msgspec.json.Encoder()


def plain(d: Decimal) -> str:
    """`d` without an exponent, a zero without its sign: 0E+2 → "0", -0.00 → "0.00"."""
    text = format(d, "f")
    return text[1:] if d.is_zero() and text.startswith("-") else text


def plain_value(value: Any) -> Any:
    """Builtins (dicts, lists, Decimals, ...) with every Decimal replaced by its plain text."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dict):
        return {key: plain_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_value(item) for item in value]
    return value


def not_plain(data: bytes) -> bool:
    """Whether `_NOT_PLAIN` matches `data` (the same answer, found faster)."""
    if _NEGATIVE_ZERO.search(data):
        return True
    for tail in _EXPONENT_TAIL.finditer(data):  # a mantissa holds no quote: the last one opens it
        if _EXPONENT.match(data, max(data.rfind(b'"', 0, tail.start()), 0), tail.end()):
            return True
    return False


def encode_plain(value: Any, encode: Callable[[Any], bytes],
                 enc_hook: Callable[[Any], Any] | None = None) -> bytes:
    """`encode(value)`, with every Decimal in plain text (a second pass only when needed)."""
    data = encode(value)
    if not not_plain(data):
        return data
    builtins = msgspec.to_builtins(value, builtin_types=(Decimal,), enc_hook=enc_hook)
    return _plain_parts(builtins, _JSON.encode)



def _plain_parts(value: Any, encode: Callable[[Any], bytes]) -> bytes:
    """`encode(plain_value(value))` for builtins, re-encoding only the parts that need it: a
    dict or list whose bytes are not plain is written as its members' bytes joined, each
    member re-encoded only if it is not plain itself (a result with one `0E+1` in its trace
    redoes that one branch, not its ~400 values). Compact JSON, keys in order: what msgspec
    writes for a dict with text keys and for a list."""
    if isinstance(value, Decimal):
        return encode(plain(value))
    data = encode(value)
    if not not_plain(data):
        return data
    if isinstance(value, dict) and all(type(key) is str for key in value):
        return b"{%s}" % b",".join(b"%s:%s" % (encode(key), _plain_parts(item, encode)) for key, item in value.items())
    if isinstance(value, list):
        return b"[%s]" % b",".join(_plain_parts(item, encode) for item in value)
    return encode(plain_value(value))
