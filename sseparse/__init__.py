"""sseparse: Server-Sent Events done right -- a spec-exact, fast, sans-I/O decoder.

Everything public is importable from here; the submodules are private.
"""

from __future__ import annotations

from sseparse._decoder import SSEDecoder
from sseparse._encoder import encode
from sseparse._errors import (
    DecoderClosedError,
    EventTooLargeError,
    IncompleteStreamError,
    SSEError,
    StreamAPIError,
    StreamDecodeError,
    StreamError,
    StreamTimeoutError,
)
from sseparse._events import KINDS as DIAGNOSTIC_KINDS
from sseparse._events import Diagnostic, ServerSentEvent
from sseparse._iter import aiter_events, iter_events, parse
from sseparse._reconnect import ResumeState, areconnecting, reconnecting
from sseparse._stream import AsyncStream, Stream
from sseparse.accumulators import (
    AccumulatedResult,
    Accumulator,
    AccumulatorClosedError,
    Choice,
    End,
    ErrorUpdate,
    FinishUpdate,
    ReasoningDelta,
    ResetUpdate,
    StreamErrorInfo,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallArgumentsError,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
    accumulate,
    make_accumulator,
    register_format,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DIAGNOSTIC_KINDS",
    "AccumulatedResult",
    "Accumulator",
    "AccumulatorClosedError",
    "AsyncStream",
    "Choice",
    "DecoderClosedError",
    "Diagnostic",
    "End",
    "ErrorUpdate",
    "EventTooLargeError",
    "FinishUpdate",
    "IncompleteStreamError",
    "ReasoningDelta",
    "ResetUpdate",
    "ResumeState",
    "SSEDecoder",
    "SSEError",
    "ServerSentEvent",
    "Stream",
    "StreamAPIError",
    "StreamDecodeError",
    "StreamError",
    "StreamErrorInfo",
    "StreamTimeoutError",
    "TextDelta",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsError",
    "ToolCallFinished",
    "ToolCallStarted",
    "Update",
    "UsageUpdate",
    "__version__",
    "accumulate",
    "aiter_events",
    "areconnecting",
    "encode",
    "iter_events",
    "make_accumulator",
    "parse",
    "reconnecting",
    "register_format",
]
