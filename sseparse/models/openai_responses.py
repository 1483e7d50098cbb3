"""OpenAI Responses: the streamed ``response.*`` events and the final ``response`` object.

Output items and content parts are many and keep growing, so items are typed loosely (`OutputItem`
with ``type`` and ``id``; every other field kept as an extra).
"""

from __future__ import annotations

from typing import Any

from sseparse.models._base import Model

__all__ = ["OutputItem", "Response", "ResponseError", "ResponseStreamEvent", "ResponseUsage"]


class ResponseUsage(Model):
    """``usage`` of a response."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    input_tokens_details: dict[str, Any] | None = None
    output_tokens_details: dict[str, Any] | None = None


class ResponseError(Model):
    """``error`` of a failed response, or the body of an ``error`` event."""

    code: str | int | None = None
    message: str | None = None


class OutputItem(Model):
    """One ``output[]`` item: ``message``, ``reasoning``, ``function_call``, ``*_call`` ..."""

    type: str
    id: str | None = None
    status: str | None = None


class Response(Model):
    """The ``response`` object (what `sseparse.accumulate` gives as ``final``)."""

    id: str = ""
    object: str = "response"
    created_at: float | None = None
    status: str | None = None
    model: str | None = None
    output: list[OutputItem] | None = None
    usage: ResponseUsage | None = None
    error: ResponseError | None = None
    incomplete_details: dict[str, Any] | None = None


class ResponseStreamEvent(Model):
    """Any ``response.*`` event: ``type`` and ``sequence_number``, the rest as extras."""

    type: str
    sequence_number: int | None = None
    output_index: int | None = None
    content_index: int | None = None
    item_id: str | None = None
    delta: Any = None
    response: Response | None = None
    item: OutputItem | None = None
