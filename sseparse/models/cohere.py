"""Cohere v2 chat: the streamed events and the final ``ChatResponse``."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sseparse.models._base import Model

__all__ = ["AssistantMessage", "ChatResponse", "StreamedChatResponse", "ToolCall", "ToolCallFunction"]


class ToolCallFunction(Model):
    """``function`` of a tool call: ``name`` and the JSON text of its ``arguments``."""

    name: str | None = None
    arguments: str | None = None


class ToolCall(Model):
    """One tool call (in a delta it is one object, not a list)."""

    id: str | None = None
    type: str | None = None
    function: ToolCallFunction | None = None


class AssistantMessage(Model):
    """``message`` of the final response: content blocks, the tool plan, calls and citations."""

    role: str = "assistant"
    content: list[dict[str, Any]] = Field(default_factory=list)
    tool_plan: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    citations: list[dict[str, Any]] = Field(default_factory=list)


class ChatResponse(Model):
    """The final ``ChatResponse`` (what `sseparse.accumulate` gives as ``final``)."""

    id: str = ""
    finish_reason: str | None = None
    message: AssistantMessage = Field(default_factory=AssistantMessage)
    usage: dict[str, Any] | None = None


class StreamedChatResponse(Model):
    """Any streamed event: ``message-start``, ``content-*``, ``tool-plan-delta``, ``tool-call-*``, ``message-end`` ..."""

    type: str
    id: str | None = None
    index: int | None = None
    delta: dict[str, Any] | None = None
