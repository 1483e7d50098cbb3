"""Anthropic Messages: the streamed events and the final ``message`` object."""

from __future__ import annotations

from typing import Any

from sseparse.models._base import Field, Model

__all__ = ["ContentBlock", "Message", "MessageStreamEvent", "StreamErrorBody", "Usage"]


class Usage(Model):
    """``usage`` (cumulative: ``message_delta`` replaces ``message_start``'s figures)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class ContentBlock(Model):
    """A content block: ``text``, ``thinking`` (+ ``signature``), ``redacted_thinking``, ``tool_use`` (+ ``input``) ..."""

    type: str
    text: str | None = None
    thinking: str | None = None
    signature: str | None = None
    id: str | None = None
    name: str | None = None
    input: Any = None


class Message(Model):
    """The final ``message`` (what `sseparse.accumulate` gives as ``final``)."""

    id: str = ""
    type: str = "message"
    role: str = "assistant"
    model: str = ""
    content: list[ContentBlock] = Field(default_factory=list)
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: Usage | None = None


class StreamErrorBody(Model):
    """``error`` of an ``event: error``."""

    type: str | None = None
    message: str | None = None


class MessageStreamEvent(Model):
    """Any streamed event: ``message_start``, ``content_block_*``, ``message_delta``, ``message_stop``, ``ping``, ``error``."""

    type: str
    index: int | None = None
    message: Message | None = None
    content_block: ContentBlock | None = None
    delta: dict[str, Any] | None = None
    usage: Usage | None = None
    error: StreamErrorBody | None = None
