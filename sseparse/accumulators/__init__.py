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
from sseparse.accumulators._format import FormatAccumulator, emit
from sseparse.accumulators._normalize import Stop, Tokens
from sseparse.accumulators._payloads import error_from_payload, is_error_payload
from sseparse.accumulators._registry import (
    ENTRY_POINT_GROUP,
    AutoAccumulator,
    FormatTraits,
    accumulate,
    format_traits,
    formats,
    load_plugins,
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
from sseparse.accumulators._structured import ParseError
from sseparse.accumulators._toolcalls import CallBuilder, Fragments, ToolCallTracker
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
from sseparse.accumulators.cohere import CohereAccumulator
from sseparse.accumulators.gemini import GeminiAccumulator
from sseparse.accumulators.openai_chat import OpenAIChatAccumulator
from sseparse.accumulators.openai_responses import OpenAIResponsesAccumulator

__all__ = [
    "ENTRY_POINT_GROUP",
    "AccumulatedResult",
    "Accumulator",
    "AccumulatorClosedError",
    "AnthropicAccumulator",
    "AutoAccumulator",
    "BaseAccumulator",
    "CallBuilder",
    "Choice",
    "CohereAccumulator",
    "CommentaryDelta",
    "End",
    "ErrorUpdate",
    "FinishUpdate",
    "FormatAccumulator",
    "FormatTraits",
    "Fragments",
    "GeminiAccumulator",
    "ItemDelta",
    "OpenAIChatAccumulator",
    "OpenAIResponsesAccumulator",
    "ParseError",
    "ReasoningDelta",
    "RefusalDelta",
    "ResetUpdate",
    "Stop",
    "StreamErrorInfo",
    "TextDelta",
    "Tokens",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsError",
    "ToolCallFinished",
    "ToolCallStarted",
    "ToolCallTracker",
    "Update",
    "UsageUpdate",
    "accumulate",
    "emit",
    "error_from_payload",
    "format_traits",
    "formats",
    "is_error_payload",
    "load_plugins",
    "make_accumulator",
    "register_format",
    "unregister_format",
]
