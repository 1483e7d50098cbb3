"""sseparse: Server-Sent Events done right -- a spec-exact, fast, sans-I/O decoder.

The decoder, the streams, the accumulators and the JSON backend switch are importable from here.
Optional parts live in their own public modules, imported only when used: `sseparse.accumulators`
(also re-exported here), `sseparse.models` (pydantic), `sseparse.captures`, `sseparse.sdk`,
`sseparse.testing`, `sseparse.strategies` (Hypothesis), `sseparse.cli` and `sseparse.pytest_plugin`.
Modules whose names start with an underscore are private.
"""

from __future__ import annotations

from sseparse._decoder import TYPE_CHECKING, SSEDecoder
from sseparse._encoder import encode
from sseparse._errors import (
    DecoderClosedError,
    EventTooLargeError,
    IncompleteStreamError,
    SSEError,
    StreamAPIError,
    StreamDecodeError,
    StreamError,
    StreamHTTPError,
    StreamTimeoutError,
)
from sseparse._events import KINDS as DIAGNOSTIC_KINDS
from sseparse._events import Diagnostic, ServerSentEvent
from sseparse._iter import aiter_events, iter_events, parse

# The rest loads on first use (PEP 562), so `import sseparse` costs only the decoder: streams and
# accumulators pull in more code than an SDK that embeds the decoder needs.
_LAZY = {
    "json_backend": "sseparse._json",
    "use_json_backend": "sseparse._json",
    "keepalive": "sseparse._keepalive",
    "keepalive_sync": "sseparse._keepalive",
    "ResumeState": "sseparse._reconnect",
    "areconnecting": "sseparse._reconnect",
    "reconnecting": "sseparse._reconnect",
    "AsyncStream": "sseparse._stream",
    "Stream": "sseparse._stream",
    "Timings": "sseparse._timings",
    "AccumulatedResult": "sseparse.accumulators",
    "Accumulator": "sseparse.accumulators",
    "AccumulatorClosedError": "sseparse.accumulators",
    "Choice": "sseparse.accumulators",
    "End": "sseparse.accumulators",
    "CommentaryDelta": "sseparse.accumulators",
    "ErrorUpdate": "sseparse.accumulators",
    "FinishUpdate": "sseparse.accumulators",
    "ItemDelta": "sseparse.accumulators",
    "ReasoningDelta": "sseparse.accumulators",
    "RefusalDelta": "sseparse.accumulators",
    "ResetUpdate": "sseparse.accumulators",
    "StreamErrorInfo": "sseparse.accumulators",
    "TextDelta": "sseparse.accumulators",
    "ToolCall": "sseparse.accumulators",
    "ToolCallArgumentsDelta": "sseparse.accumulators",
    "ToolCallArgumentsError": "sseparse.accumulators",
    "ToolCallFinished": "sseparse.accumulators",
    "ToolCallStarted": "sseparse.accumulators",
    "Update": "sseparse.accumulators",
    "UsageUpdate": "sseparse.accumulators",
    "accumulate": "sseparse.accumulators",
    "make_accumulator": "sseparse.accumulators",
    "register_format": "sseparse.accumulators",
    "CallBuilder": "sseparse.accumulators",
    "FormatAccumulator": "sseparse.accumulators",
    "FormatTraits": "sseparse.accumulators",
    "Fragments": "sseparse.accumulators",
    "ParseError": "sseparse.accumulators",
    "Stop": "sseparse.accumulators",
    "Tokens": "sseparse.accumulators",
    "ToolCallTracker": "sseparse.accumulators",
    "emit": "sseparse.accumulators",
    "error_from_payload": "sseparse.accumulators",
    "format_traits": "sseparse.accumulators",
    "formats": "sseparse.accumulators",
    "is_error_payload": "sseparse.accumulators",
    "load_plugins": "sseparse.accumulators",
    "unregister_format": "sseparse.accumulators",
}

if TYPE_CHECKING:
    from sseparse._json import json_backend, use_json_backend
    from sseparse._keepalive import keepalive, keepalive_sync
    from sseparse._reconnect import ResumeState, areconnecting, reconnecting
    from sseparse._stream import AsyncStream, Stream
    from sseparse._timings import Timings
    from sseparse.accumulators import (
        AccumulatedResult,
        Accumulator,
        AccumulatorClosedError,
        CallBuilder,
        Choice,
        CommentaryDelta,
        End,
        ErrorUpdate,
        FinishUpdate,
        FormatAccumulator,
        FormatTraits,
        Fragments,
        ItemDelta,
        ParseError,
        ReasoningDelta,
        RefusalDelta,
        ResetUpdate,
        Stop,
        StreamErrorInfo,
        TextDelta,
        Tokens,
        ToolCall,
        ToolCallArgumentsDelta,
        ToolCallArgumentsError,
        ToolCallFinished,
        ToolCallStarted,
        ToolCallTracker,
        Update,
        UsageUpdate,
        accumulate,
        emit,
        error_from_payload,
        format_traits,
        formats,
        is_error_payload,
        load_plugins,
        make_accumulator,
        register_format,
        unregister_format,
    )


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'sseparse' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__version__ = "0.1.0.dev0"

__all__ = [
    "DIAGNOSTIC_KINDS",
    "AccumulatedResult",
    "Accumulator",
    "AccumulatorClosedError",
    "AsyncStream",
    "CallBuilder",
    "Choice",
    "CommentaryDelta",
    "DecoderClosedError",
    "Diagnostic",
    "End",
    "ErrorUpdate",
    "EventTooLargeError",
    "FinishUpdate",
    "FormatAccumulator",
    "FormatTraits",
    "Fragments",
    "IncompleteStreamError",
    "ItemDelta",
    "ParseError",
    "ReasoningDelta",
    "RefusalDelta",
    "ResetUpdate",
    "ResumeState",
    "SSEDecoder",
    "SSEError",
    "ServerSentEvent",
    "Stop",
    "Stream",
    "StreamAPIError",
    "StreamDecodeError",
    "StreamError",
    "StreamErrorInfo",
    "StreamHTTPError",
    "StreamTimeoutError",
    "TextDelta",
    "Timings",
    "Tokens",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsError",
    "ToolCallFinished",
    "ToolCallStarted",
    "ToolCallTracker",
    "Update",
    "UsageUpdate",
    "__version__",
    "accumulate",
    "aiter_events",
    "areconnecting",
    "emit",
    "encode",
    "error_from_payload",
    "format_traits",
    "formats",
    "is_error_payload",
    "iter_events",
    "json_backend",
    "keepalive",
    "keepalive_sync",
    "load_plugins",
    "make_accumulator",
    "parse",
    "reconnecting",
    "register_format",
    "unregister_format",
    "use_json_backend",
]
