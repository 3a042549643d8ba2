"""What a run stores per rep besides its result: the inputs it scored, so statements never re-evaluate.

One rep's blob holds the plan hash, the rep's `RepInputs` (metric values with their
evidence, credited deals, targets, team) and the `CarriedState` it started the period
with, as msgspec JSON, packed on every database (`payplan.store.packed.pack`: LZ4 when that
is smaller; the first byte says which, `{` plain JSON, `L` compressed, `Z` zlib as stored
before LZ4). A
statement of any run is the stored result laid beside these inputs; `payplan verify`
re-computes the result from them. Rows of runs stored before revision 0003_stmt have no
blob (NULL). Must not query or evaluate.
"""

from __future__ import annotations

import msgspec

from payplan.core.inputs import CarriedState, RepInputs
from payplan.store.packed import pack, unpack

_encoder = msgspec.json.Encoder(decimal_format="string")


class StoredInputs(msgspec.Struct, frozen=True, kw_only=True):
    """One rep's scored inputs, as stored in `run_results.inputs`."""

    plan_hash: str
    inputs: RepInputs
    state_in: CarriedState = CarriedState()


_decoder = msgspec.json.Decoder(StoredInputs)


def encode_inputs(plan_hash: str, inputs: RepInputs, state_in: CarriedState | None) -> bytes:
    """The stored bytes: JSON, or `L` + LZ4(JSON) when compression pays."""
    return pack(_encoder.encode(StoredInputs(plan_hash=plan_hash, inputs=inputs,
                                             state_in=state_in or CarriedState())))


def decode_inputs(blob: bytes) -> StoredInputs:
    """The stored inputs back; ValueError when the bytes are not a stored-inputs blob."""
    try:
        data = unpack(blob)
    except ValueError as exc:
        raise ValueError(f"stored inputs: {exc}") from None
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"stored inputs do not decode: {exc}") from None
