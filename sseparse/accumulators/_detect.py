"""Telling a stream's format from its first events (standard library only).

Each rule looks at one event: its ``event`` field and its JSON payload. Events that say nothing
(``ping`` before anything else, comments) leave the format undecided and the next event decides.
Every key read may hold any JSON type: a value is type-checked before it is hashed, compared or
walked, so a wrong type leaves the event undecided instead of raising.

| format               | tell-tale                                                                  |
|----------------------|----------------------------------------------------------------------------|
| openai-responses     | ``type`` starting with ``response.``                                       |
| anthropic-messages   | ``type`` ``message_start`` / ``content_block_*`` / ``message_delta`` / ...  |
| openai-chat          | a ``choices`` list or ``object: chat.completion.chunk``; ``data: [DONE]``  |
| gemini               | ``candidates``, ``usageMetadata`` or ``promptFeedback``                    |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sseparse._events import ServerSentEvent

__all__ = ["detect_builtin"]

_ANTHROPIC_TYPES = frozenset(
    {"message_start", "message_delta", "message_stop", "content_block_start", "content_block_delta", "content_block_stop"}
)
_CHAT_OBJECTS = frozenset({"chat.completion.chunk", "chat.completion"})


def detect_builtin(event: ServerSentEvent, payload: Any) -> str | None:  # noqa: ANN401
    """Return the built-in format this event belongs to, or None when it does not tell."""
    if not isinstance(payload, dict):
        return "openai-chat" if event.data.strip() == "[DONE]" else None
    kind = payload.get("type")
    if isinstance(kind, str):
        if kind.startswith("response."):
            return "openai-responses"
        if kind in _ANTHROPIC_TYPES:
            return "anthropic-messages"
    obj = payload.get("object")  # any JSON type: test it is a str before hashing it (a list is unhashable)
    if isinstance(payload.get("choices"), list) or (isinstance(obj, str) and obj in _CHAT_OBJECTS):
        return "openai-chat"
    if "candidates" in payload or "usageMetadata" in payload or "promptFeedback" in payload:
        return "gemini"
    return None
