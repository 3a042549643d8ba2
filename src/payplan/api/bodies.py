"""Request bodies bounded before they are decoded: JSON nested too deep is a 400.

msgspec decodes JSON recursively and raises `RecursionError` on a body like
`[[[[…` ten thousand deep. `refuse_deep_json`, the app's `before_request` hook,
reads the body (within the app's size limit, cached for the handler) and scans
it with `payplan.core.bounds.json_too_deep` when the body is JSON: a JSON media
type, or any body of a handler that takes JSON `data`. Must not decode bodies
or hold limits of its own.
"""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import HTTPException

from payplan.core.bounds import JSON_DEPTH, json_too_deep

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


async def refuse_deep_json(request: Request) -> None:
    """400 (a problem document) when a JSON body nests deeper than the limit; else nothing."""
    if request.method not in _WRITES:
        return None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    decodes_json = request.route_handler.parsed_data_field is not None and media not in _FORMS
    if not (media == "application/json" or media.endswith("+json") or decodes_json):
        return None
    if json_too_deep(await request.body()):
        raise HTTPException(status_code=400, detail=f"the JSON body is nested more than {JSON_DEPTH} levels deep")
    return None
