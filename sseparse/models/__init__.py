"""Typed pydantic models for each format's chunks/events and final object (``pip install "sseparse[models]"``).

This package imports pydantic; ``import sseparse`` never imports it. Every model is lenient: unknown
fields are allowed and kept. `chunk_model` / `final_model` map a format name to its models and
`parse_final` turns an `AccumulatedResult` into the typed final object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

try:
    import pydantic  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    msg = 'sseparse.models needs pydantic: pip install "sseparse[models]"'
    raise ImportError(msg) from exc

from sseparse.models import anthropic, gemini, openai_chat, openai_responses
from sseparse.models._base import Model

if TYPE_CHECKING:
    from sseparse.accumulators import AccumulatedResult

__all__ = ["Model", "anthropic", "chunk_model", "final_model", "gemini", "openai_chat", "openai_responses", "parse_final"]

_CHUNKS: dict[str, type[Model]] = {
    "openai-chat": openai_chat.ChatCompletionChunk,
    "openai-responses": openai_responses.ResponseStreamEvent,
    "anthropic-messages": anthropic.MessageStreamEvent,
    "gemini": gemini.GenerateContentResponse,
}
_FINALS: dict[str, type[Model]] = {
    "openai-chat": openai_chat.ChatCompletion,
    "openai-responses": openai_responses.Response,
    "anthropic-messages": anthropic.Message,
    "gemini": gemini.GenerateContentResponse,
}


def chunk_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of one streamed chunk/event of ``format``."""
    return _model(_CHUNKS, "chunk", format)


def final_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of the final object of ``format``."""
    return _model(_FINALS, "final", format)


def _model(models: dict[str, type[Model]], kind: str, format: str) -> type[Model]:  # noqa: A002
    try:
        return models[format]
    except KeyError:
        msg = f"no {kind} model for format {format!r}; known: {', '.join(models)}"
        raise ValueError(msg) from None


def parse_final(result: AccumulatedResult) -> Model:
    """``result.final`` as its format's typed model."""
    if result.format is None:
        msg = "the result has no format (the stream could not be read): there is no final object to parse"
        raise ValueError(msg)
    return final_model(result.format).model_validate(result.final)
