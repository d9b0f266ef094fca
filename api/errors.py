"""Error responses that cannot themselves fail, and that never repeat what was sent."""

from __future__ import annotations

import json

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["validation_error"]


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 with FastAPI's usual `detail` (one entry per invalid field: `type`, `loc`, `msg`, `ctx`),
    without the `input` FastAPI would echo, written as ASCII JSON.

    The input can be a message or a phone number (an SMS webhook's whole form), and echoing it made a
    500 of a lone surrogate ("\\udc80" is valid JSON but cannot be encoded as UTF-8) or of raw bytes
    that are not UTF-8.
    """
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [{key: value for key, value in error.items() if key != "input"} for error in errors]
    readable = jsonable_encoder(detail, custom_encoder={bytes: lambda raw: raw.decode("utf-8", "replace")})
    body = json.dumps({"detail": readable}, ensure_ascii=True, separators=(",", ":"))
    return Response(body, status_code=422, media_type="application/json")
