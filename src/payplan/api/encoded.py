"""A JSON body encoded already, answered as two ASGI messages with the headers every response carries.

The rep breakdown of a final run is kept encoded (`payplan.api.result_cache`); building a
Litestar `Response` around those bytes (layered headers merged and copied per request)
cost more than the rest of such a request. This sends the body with the headers Litestar
gives every JSON answer of this app: content type and length, the security headers and
`Cache-Control: no-store` (`payplan.api.headers`). Must not encode or decide anything.
"""

from __future__ import annotations

from litestar.types import Receive, Scope, Send

from payplan.api.headers import ERROR_HEADERS

# lower-case names, as Litestar sends them
_HEADERS = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in ERROR_HEADERS.items()]


class EncodedJson:
    """An ASGI app answering `body` (JSON bytes) with status 200."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.body)).encode()),
                   *_HEADERS]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})
