"""Typed pydantic models for each format's chunks/events and final object (``pip install "sseparse[models]"``).

The models need pydantic; ``import sseparse`` never imports it. Every model is lenient: unknown
fields are allowed and kept. `chunk_model` / `final_model` map a format name to its models and
`parse_final` turns an `AccumulatedResult` into the typed final object.

Which model goes with a format is the format's own declaration (``chunk_model`` / ``final_model``
on its accumulator class, ``"module:Class"``; see `sseparse.FormatAccumulator`), so a format plugin
gets typed chunks from `sseparse.Stream` the way the built-in formats do.

Loading is lazy and per format: ``import sseparse.models`` imports nothing else (so asking whether
a format has models never imports pydantic); a format's module (``sseparse.models.openai_chat`` ...)
is imported when first asked for, and each model builds its validator on first use
(``defer_build``). A stream of one format pays for that format's chunk model only, once per
process. Without pydantic, the first model asked for raises an ImportError naming the extra.
`prepare` pays that once, ahead of time: at a server's start-up, so that no request's first chunk
waits for it (and, in async code, the event loop is not held up while it builds).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from sseparse.accumulators import AccumulatedResult
    from sseparse.models import anthropic, cohere, gemini, openai_chat, openai_responses
    from sseparse.models._base import Model

__all__ = [
    "Model",
    "anthropic",
    "chunk_model",
    "cohere",
    "final_model",
    "gemini",
    "openai_chat",
    "openai_responses",
    "parse_final",
    "prepare",
]

_SUBMODULES = frozenset({"anthropic", "cohere", "gemini", "openai_chat", "openai_responses"})


def __getattr__(name: str) -> ModuleType | type[Model]:
    """Import a format's module (``sseparse.models.openai_chat``) or `Model` on first access."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "Model":
        return importlib.import_module(f"{__name__}._base").Model  # type: ignore[no-any-return]
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def _path(format: str, kind: str) -> str | None:  # noqa: A002
    """Return the ``"module:Class"`` a format declares for its ``kind`` model, or None."""
    from sseparse.accumulators import format_traits  # noqa: PLC0415 - the registry, no pydantic

    try:
        traits = format_traits(format)
    except ValueError:
        return None
    return traits.chunk_model if kind == "chunk" else traits.final_model


def has_models(format: str) -> bool:  # noqa: A002
    """Return True when ``format`` declares a chunk model (without importing pydantic)."""
    return _path(format, "chunk") is not None


def chunk_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of one streamed chunk/event of ``format``."""
    return _model("chunk", format)


def final_model(format: str) -> type[Model]:  # noqa: A002
    """Return the model of the final object of ``format``."""
    return _model("final", format)


def _model(kind: str, format: str) -> type[Model]:  # noqa: A002
    path = _path(format, kind)
    if path is None:
        from sseparse.accumulators import formats  # noqa: PLC0415

        known = [name for name in formats() if _path(name, kind) is not None]
        msg = f"no {kind} model for format {format!r}; known: {', '.join(known)}"
        raise ValueError(msg)
    module, _, name = path.partition(":")
    model: type[Model] = getattr(importlib.import_module(module), name)
    return model


def prepare(*formats: str, final: bool = False) -> None:
    """Load and build the chunk models of ``formats`` now, so a typed stream's first chunk does not wait.

    A typed `sseparse.Stream` builds its format's chunk model on first use, once per process: with
    pydantic imported that takes tens to hundreds of milliseconds, which the first stream's first
    chunk would otherwise pay (in async code, with the event loop held up). Call this at start-up,
    for the formats the program reads; ``final=True`` also builds their final models (`parse_final`).
    Calling it again costs nothing. A known format without models (a plugin's) is skipped, as typed
    streams of it yield events; an unknown name raises ValueError, and without pydantic this raises
    the ImportError that names the extra.
    """
    from sseparse.accumulators import format_traits  # noqa: PLC0415 - the registry, no pydantic

    for name in formats:
        format_traits(name)  # the registry's ValueError for an unknown name, before anything is built
    for name in formats:
        for kind in ("chunk", "final") if final else ("chunk",):
            if _path(name, kind) is not None:
                _model(kind, name).model_rebuild()  # a no-op once built


def parse_final(result: AccumulatedResult) -> Model:
    """``result.final`` as its format's typed model."""
    if result.format is None:
        msg = "the result has no format (the stream could not be read): there is no final object to parse"
        raise ValueError(msg)
    return final_model(result.format).model_validate(result.final)
