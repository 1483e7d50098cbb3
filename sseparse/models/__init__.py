"""Typed pydantic models for each format's chunks/events and final object (``pip install "sseparse[models]"``).

The models need pydantic; ``import sseparse`` never imports it. Every model is lenient: unknown
fields are allowed and kept. `chunk_model` / `final_model` map a format name to its models and
`parse_final` turns an `AccumulatedResult` into the typed final object.

Loading is lazy and per format: ``import sseparse.models`` imports nothing else (so asking whether
a format has models never imports pydantic); a format's module (``sseparse.models.openai_chat`` ...)
is imported when first asked for, and each model builds its validator on first use
(``defer_build``). A stream of one format pays for that format's chunk model only, once per
process. Without pydantic, the first model asked for raises an ImportError naming the extra.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from sseparse.accumulators import AccumulatedResult
    from sseparse.models import anthropic, gemini, openai_chat, openai_responses
    from sseparse.models._base import Model

__all__ = ["Model", "anthropic", "chunk_model", "final_model", "gemini", "openai_chat", "openai_responses", "parse_final"]

# format -> (module, chunk model, final model): the one place that says which model goes with a format.
_MODELS: dict[str, tuple[str, str, str]] = {
    "openai-chat": ("openai_chat", "ChatCompletionChunk", "ChatCompletion"),
    "openai-responses": ("openai_responses", "ResponseStreamEvent", "Response"),
    "anthropic-messages": ("anthropic", "MessageStreamEvent", "Message"),
    "gemini": ("gemini", "GenerateContentResponse", "GenerateContentResponse"),
}
_SUBMODULES = frozenset(module for module, _, _ in _MODELS.values())


def __getattr__(name: str) -> ModuleType | type[Model]:
    """Import a format's module (``sseparse.models.openai_chat``) or `Model` on first access."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "Model":
        return importlib.import_module(f"{__name__}._base").Model  # type: ignore[no-any-return]
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def has_models(format: str) -> bool:  # noqa: A002
    """Return True when ``format`` has models here (without importing pydantic)."""
    return format in _MODELS


def chunk_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of one streamed chunk/event of ``format``."""
    return _model(1, "chunk", format)


def final_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of the final object of ``format``."""
    return _model(2, "final", format)


def _model(which: int, kind: str, format: str) -> type[Model]:  # noqa: A002
    entry = _MODELS.get(format)
    if entry is None:
        msg = f"no {kind} model for format {format!r}; known: {', '.join(_MODELS)}"
        raise ValueError(msg)
    model: type[Model] = getattr(importlib.import_module(f"{__name__}.{entry[0]}"), entry[which])
    return model


def parse_final(result: AccumulatedResult) -> Model:
    """``result.final`` as its format's typed model."""
    if result.format is None:
        msg = "the result has no format (the stream could not be read): there is no final object to parse"
        raise ValueError(msg)
    return final_model(result.format).model_validate(result.final)
