"""OpenAI Chat Completions: the streamed ``chat.completion.chunk`` and the final ``chat.completion``."""

from __future__ import annotations

from typing import Any

from sseparse.models._base import Field, Model

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionToolCall",
    "ChunkChoice",
    "ChunkDelta",
    "ChunkToolCall",
    "CompletionChoice",
    "CompletionUsage",
    "FunctionCall",
]


class CompletionUsage(Model):
    """``usage``: token counts (servers add their own keys, e.g. Groq's timings)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    prompt_tokens_details: dict[str, Any] | None = None
    completion_tokens_details: dict[str, Any] | None = None


class FunctionCall(Model):
    """``function`` of a tool call, or the legacy ``function_call``: name and JSON argument text."""

    name: str | None = None
    arguments: str | None = None


class ChunkToolCall(Model):
    """One ``delta.tool_calls[]`` entry: every field may be missing on continuation deltas."""

    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: FunctionCall | None = None


class ChunkDelta(Model):
    """``choices[].delta``; ``reasoning_content`` / ``reasoning`` come from compatible servers."""

    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ChunkToolCall] | None = None
    function_call: FunctionCall | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None


class ChunkChoice(Model):
    """``choices[]`` of a chunk (Azure annotation chunks have no ``delta``)."""

    index: int = 0
    # Azure annotation chunks have no delta: an empty one then (not "set": model_dump(exclude_unset=True) leaves it out)
    delta: ChunkDelta = Field(default_factory=ChunkDelta)
    logprobs: dict[str, Any] | None = None
    finish_reason: str | None = None


class ChatCompletionChunk(Model):
    """One ``chat.completion.chunk``."""

    id: str = ""
    object: str = "chat.completion.chunk"
    created: int = 0
    model: str = ""
    system_fingerprint: str | None = None
    service_tier: str | None = None
    choices: list[ChunkChoice] = Field(default_factory=list)
    usage: CompletionUsage | None = None


class ChatCompletionToolCall(Model):
    """A tool call of the final message."""

    id: str | None = None
    type: str = "function"
    function: FunctionCall


class ChatCompletionMessage(Model):
    """The final ``message`` of a choice."""

    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ChatCompletionToolCall] | None = None
    function_call: FunctionCall | None = None


class CompletionChoice(Model):
    """A choice of the final ``chat.completion``."""

    index: int
    message: ChatCompletionMessage
    logprobs: dict[str, Any] | None = None
    finish_reason: str | None = None


class ChatCompletion(Model):
    """The final ``chat.completion`` (what `sseparse.accumulate` gives as ``final``)."""

    id: str
    object: str = "chat.completion"
    created: int
    model: str
    system_fingerprint: str | None = None
    service_tier: str | None = None
    choices: list[CompletionChoice]
    usage: CompletionUsage | None = None
