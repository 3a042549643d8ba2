"""The API's response class: JSON bodies with every decimal in plain text (`payplan.core.plain`).

Litestar's msgspec encoder writes a Decimal as `str(d)` (`0E+2`, `-0.00`) and never
hands it to a type encoder, so the app's default response class renders JSON through
`encode_plain`. Must not hold business rules.
"""

from __future__ import annotations

from typing import Any

from litestar import Response
from litestar.serialization import default_serializer, encode_json

from payplan.core.plain import encode_plain


class PlainJsonResponse(Response):
    """A Response whose JSON body has no exponent and no negative zero in any decimal."""

    def render(self, content: Any, media_type: str, enc_hook: Any = default_serializer) -> bytes:
        if isinstance(content, (bytes, str)) or "json" not in media_type:
            return super().render(content, media_type, enc_hook)
        return encode_plain(content, lambda value: super(PlainJsonResponse, self).render(value, media_type, enc_hook),
                            enc_hook)
