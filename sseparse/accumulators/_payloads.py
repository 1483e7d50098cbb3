"""Reading payloads: JSON parsing for the hot path and the in-stream error shapes."""

from __future__ import annotations

import json
from typing import Any

from sseparse.accumulators._results import StreamErrorInfo

__all__ = ["error_from_payload", "loads"]


_scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner behind json.loads


def loads(text: str) -> Any:  # noqa: ANN401 - JSON is Any by nature
    """Parse JSON exactly as `json.loads` does, minus its per-call overhead on the common case.

    `json.loads` goes through two Python frames and two whitespace regex matches before and after
    the C scanner; for ~200-byte chunks that is a third of the parse. The scanner is called
    directly when the text starts with a value and ends with it; anything else (leading or trailing
    whitespace, errors) takes `json.loads` itself, so results and errors are the same.
    """
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the usual JSONDecodeError (or parses after leading whitespace)
    if end != len(text):
        return json.loads(text)
    return value


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
