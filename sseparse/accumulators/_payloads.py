"""Reading payloads: the guarded JSON entry point (`sseparse._json.loads`, re-exported) and the in-stream error shapes."""

from __future__ import annotations

import json
from typing import Any

from sseparse._json import loads
from sseparse.accumulators._results import StreamErrorInfo

__all__ = ["error_from_payload", "exception_key", "is_error_payload", "loads"]


def exception_key(payload: dict[str, Any]) -> str | None:
    """Return the key of an AWS-style exception object (``{"modelStreamErrorException": {...}}``), or None."""
    if len(payload) == 1:
        key = next(iter(payload))
        if isinstance(key, str) and key.endswith("Exception") and isinstance(payload[key], (dict, str)):
            return key
    return None


def is_error_payload(payload: Any, event_type: str = "message") -> bool:  # noqa: ANN401
    """Return True for ``event: error`` and every in-stream error shape (see `error_from_payload`)."""
    if event_type == "error":
        return True
    return isinstance(payload, dict) and (
        isinstance(payload.get("error"), (dict, str))
        or payload.get("type") == "error"
        or payload.get("object") == "error"
        or exception_key(payload) is not None
    )


def error_from_payload(payload: Any) -> StreamErrorInfo:  # noqa: ANN401
    """Build a `StreamErrorInfo` from any in-stream error shape.

    - ``{"error": {"code", "message", "type"}}`` (OpenAI, llama.cpp, vLLM, Gemini's ``status``) or
      ``{"error": "text"}``;
    - Responses ``{"type": "error", "code", "message", "param"}``; Anthropic ``{"type": "error",
      "error": {"type", "message"}}``;
    - vLLM / Mistral ``{"object": "error", "message", "type", "code"}``;
    - Bedrock ``{"<name>Exception": {"message"}}`` (the exception frames of AWS event streams).
    """
    if isinstance(payload, dict) and (key := exception_key(payload)) is not None:
        inner = payload[key]
        message = inner.get("message") if isinstance(inner, dict) else inner
        text = message if isinstance(message, str) else json.dumps(payload, ensure_ascii=False)[:500]
        return StreamErrorInfo(text, type=key, raw=payload)
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
