"""Google Gemini: ``GenerateContentResponse`` (each streamed chunk, and the merged final object)."""

from __future__ import annotations

from typing import Any

from sseparse.models._base import Field, Model

__all__ = ["Candidate", "Content", "FunctionCall", "GenerateContentResponse", "Part", "UsageMetadata"]


class FunctionCall(Model):
    """``functionCall``: whole ``args``, or streamed ``partialArgs`` with ``willContinue``."""

    name: str | None = None
    args: dict[str, Any] | None = None
    id: str | None = None
    partial_args: list[dict[str, Any]] | None = Field(default=None, alias="partialArgs")
    will_continue: bool | None = Field(default=None, alias="willContinue")


class Part(Model):
    """One part: ``text`` (``thought`` marks a thought summary), ``functionCall``, ``thoughtSignature`` ..."""

    text: str | None = None
    thought: bool | None = None
    thought_signature: str | None = Field(default=None, alias="thoughtSignature")
    function_call: FunctionCall | None = Field(default=None, alias="functionCall")


class Content(Model):
    """``content`` of a candidate."""

    role: str | None = None
    parts: list[Part] = Field(default_factory=list)


class Candidate(Model):
    """One candidate."""

    index: int = 0
    # a candidate stopped by a safety filter has no content: an empty one then (left out by exclude_unset)
    content: Content = Field(default_factory=Content)
    finish_reason: str | None = Field(default=None, alias="finishReason")


class UsageMetadata(Model):
    """``usageMetadata``: a cumulative snapshot in every chunk."""

    prompt_token_count: int | None = Field(default=None, alias="promptTokenCount")
    candidates_token_count: int | None = Field(default=None, alias="candidatesTokenCount")
    total_token_count: int | None = Field(default=None, alias="totalTokenCount")
    thoughts_token_count: int | None = Field(default=None, alias="thoughtsTokenCount")


class GenerateContentResponse(Model):
    """A streamed chunk, or the merged final response (what `sseparse.accumulate` gives as ``final``)."""

    candidates: list[Candidate] = Field(default_factory=list)
    usage_metadata: UsageMetadata | None = Field(default=None, alias="usageMetadata")
    model_version: str | None = Field(default=None, alias="modelVersion")
    response_id: str | None = Field(default=None, alias="responseId")
    prompt_feedback: dict[str, Any] | None = Field(default=None, alias="promptFeedback")
