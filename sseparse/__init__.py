"""sseparse: Server-Sent Events done right -- a spec-exact, fast, sans-I/O decoder.

Everything public is importable from here; the submodules are private.
"""

from __future__ import annotations

from sseparse._decoder import SSEDecoder
from sseparse._encoder import encode
from sseparse._errors import DecoderClosedError, EventTooLargeError, SSEError
from sseparse._events import KINDS as DIAGNOSTIC_KINDS
from sseparse._events import Diagnostic, ServerSentEvent
from sseparse._iter import aiter_events, iter_events, parse

__version__ = "0.1.0.dev0"

__all__ = [
    "DIAGNOSTIC_KINDS",
    "DecoderClosedError",
    "Diagnostic",
    "EventTooLargeError",
    "SSEDecoder",
    "SSEError",
    "ServerSentEvent",
    "__version__",
    "aiter_events",
    "encode",
    "iter_events",
    "parse",
]
