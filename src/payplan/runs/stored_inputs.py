"""What a run stores per rep besides its result: the inputs it scored, so statements never re-evaluate.

One rep's blob holds the plan hash, the rep's `RepInputs` (metric values with their
evidence, credited deals, targets, team) and the `CarriedState` it started the period
with, as msgspec JSON, zlib-compressed (level 1) when that is smaller (the first byte says
which: `{` plain JSON, `Z` compressed). A statement of any run is the stored result
laid beside these inputs; `payplan verify` re-computes the result from them. Rows of
runs stored before revision 0003_stmt have no blob (NULL). Must not query or evaluate.
"""

from __future__ import annotations

import zlib

import msgspec

from payplan.core.inputs import CarriedState, RepInputs

_PLAIN, _ZLIB = b"{", b"Z"
_encoder = msgspec.json.Encoder(decimal_format="string")


class StoredInputs(msgspec.Struct, frozen=True, kw_only=True):
    """One rep's scored inputs, as stored in `run_results.inputs`."""

    plan_hash: str
    inputs: RepInputs
    state_in: CarriedState = CarriedState()


_decoder = msgspec.json.Decoder(StoredInputs)


def encode_inputs(plan_hash: str, inputs: RepInputs, state_in: CarriedState | None) -> bytes:
    """The stored bytes: JSON, or `Z` + zlib(JSON) when compression pays."""
    plain = _encoder.encode(StoredInputs(plan_hash=plan_hash, inputs=inputs, state_in=state_in or CarriedState()))
    packed = zlib.compress(plain, 1)  # level 6 saves another ~7% at twice the time
    return _ZLIB + packed if len(packed) + 1 < len(plain) else plain


def decode_inputs(blob: bytes) -> StoredInputs:
    """The stored inputs back; ValueError when the bytes are not a stored-inputs blob."""
    data = bytes(blob)
    if data[:1] == _ZLIB:
        try:
            data = zlib.decompress(data[1:])
        except zlib.error as exc:
            raise ValueError(f"stored inputs are not valid zlib data: {exc}") from None
    elif data[:1] != _PLAIN:
        raise ValueError("stored inputs start with neither '{' nor 'Z'")
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"stored inputs do not decode: {exc}") from None
