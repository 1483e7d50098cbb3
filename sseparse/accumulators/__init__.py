"""Accumulators: rebuild the final message of an LLM stream, incrementally, per wire format.

`sseparse.accumulate` is the one-call entry point. For live rendering make an accumulator with
`make_accumulator` (or a format class below), `feed` it events and render the returned updates.

Layering: this package sits above the decoder (``sseparse._iter``) and imports only the standard
library; pydantic models live in `sseparse.models` and are imported only when asked for.
"""

from __future__ import annotations

from sseparse.accumulators._base import (
    Accumulator,
    BaseAccumulator,
)
from sseparse.accumulators._registry import (
    AutoAccumulator,
    accumulate,
    formats,
    make_accumulator,
    register_format,
    unregister_format,
)
from sseparse.accumulators._results import (
    AccumulatedResult,
    AccumulatorClosedError,
    Choice,
    End,
    StreamErrorInfo,
    ToolCall,
    ToolCallArgumentsError,
)
from sseparse.accumulators._updates import (
    CommentaryDelta,
    ErrorUpdate,
    FinishUpdate,
    ItemDelta,
    ReasoningDelta,
    RefusalDelta,
    ResetUpdate,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
)
from sseparse.accumulators.anthropic import AnthropicAccumulator
from sseparse.accumulators.gemini import GeminiAccumulator
from sseparse.accumulators.openai_chat import OpenAIChatAccumulator
from sseparse.accumulators.openai_responses import OpenAIResponsesAccumulator

__all__ = [
    "AccumulatedResult",
    "Accumulator",
    "AccumulatorClosedError",
    "AnthropicAccumulator",
    "AutoAccumulator",
    "BaseAccumulator",
    "Choice",
    "CommentaryDelta",
    "End",
    "ErrorUpdate",
    "FinishUpdate",
    "GeminiAccumulator",
    "ItemDelta",
    "OpenAIChatAccumulator",
    "OpenAIResponsesAccumulator",
    "ReasoningDelta",
    "RefusalDelta",
    "ResetUpdate",
    "StreamErrorInfo",
    "TextDelta",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsError",
    "ToolCallFinished",
    "ToolCallStarted",
    "Update",
    "UsageUpdate",
    "accumulate",
    "formats",
    "make_accumulator",
    "register_format",
    "unregister_format",
]
