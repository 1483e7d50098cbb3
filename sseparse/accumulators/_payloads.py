"""Reading payloads: the guarded JSON entry point (`sseparse._json.loads`, re-exported) and the in-stream error shapes."""

from __future__ import annotations

import json
from typing import Any

from sseparse._json import loads
from sseparse.accumulators._results import StreamErrorInfo

__all__ = ["error_from_payload", "loads"]


def error_from_payload(payload: Any) -> StreamErrorInfo:  # noqa: ANN401
    """Build a `StreamErrorInfo` from ``{"error": {...}}``, Responses ``{"type": "error", ...}`` or a bare string."""
    err = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(err, str):
        return StreamErrorInfo(err, raw=payload)
    body = err if isinstance(err, dict) else payload if isinstance(payload, dict) else {}
    message = body.get("message")
    kind = body.get("type")
    if kind == "error":  # Responses: the event type, not the error type
        kind = None
    code = body.get("code")
    if kind is None and isinstance(body.get("status"), str):  # Google: {"code": 429, "status": "RESOURCE_EXHAUSTED"}
        kind = body["status"]
    if kind is None and isinstance(code, str):
        kind = code
    text = message if isinstance(message, str) else json.dumps(payload, ensure_ascii=False)[:500]
    return StreamErrorInfo(text, code=code, type=kind if isinstance(kind, str) else None, raw=payload)
