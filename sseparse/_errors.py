"""The exception hierarchy.

Bad input never raises: the decoder turns it into U+FFFD or a `Diagnostic`. What raises is misuse of
the API (feeding a closed decoder) and limits the caller opted into (``max_event_size``).
Every exception sseparse raises on purpose descends from `SSEError`.
"""

from __future__ import annotations

# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from sseparse._events import ServerSentEvent

__all__ = [
    "DecoderClosedError",
    "EventTooLargeError",
    "IncompleteStreamError",
    "SSEError",
    "StreamAPIError",
    "StreamDecodeError",
    "StreamError",
    "StreamTimeoutError",
]


class SSEError(Exception):
    """Base class of every error sseparse raises on purpose."""


class DecoderClosedError(SSEError, RuntimeError):
    """`feed()` or `close()` was called on a decoder that is already closed."""


class EventTooLargeError(SSEError):
    """One pending event grew past ``max_event_size`` bytes.

    The oversized event is dropped and the decoder skips to the blank line that ends it, so the
    decoder stays usable and memory stays bounded. ``events`` holds every event completed by the same
    `feed()` call (before and after the oversized one), so nothing that was decoded is lost.
    """

    def __init__(self, limit: int, events: list[ServerSentEvent]) -> None:
        super().__init__(f"an event exceeded max_event_size={limit} bytes and was dropped")
        self.limit = limit
        self.events = events


class StreamError(SSEError):
    """Base class of the errors `Stream` and `AsyncStream` raise about the stream's content.

    ``partial`` is the accumulated result up to the failure (``stream.result()`` at that moment), or
    None when the stream accumulates nothing (no format, or ``accumulate=False``). Exceptions raised by
    the byte source itself (a read error, a timeout of the HTTP client) are never wrapped: they
    propagate unchanged, and ``stream.result()`` still gives the partial result afterwards.
    """

    def __init__(self, message: str, *, partial: Any = None) -> None:  # noqa: ANN401 - the accumulator's result type
        super().__init__(message)
        self.partial = partial


class StreamAPIError(StreamError):
    """The server reported an error inside the stream, after the HTTP status was already 200.

    All three shapes are recognised: a payload ``{"error": {...}}`` (OpenAI chat, compatible servers,
    Gemini), a payload with ``"type": "error"`` (OpenAI Responses), and an ``event: error`` block
    (Anthropic, LM Studio). ``message``, ``code`` and ``type`` are read from the payload when present;
    ``body`` is the whole parsed payload (or the raw data text when it is not JSON), ``event`` the
    `ServerSentEvent` that carried it.
    """

    def __init__(  # noqa: PLR0913
        self,
        message: str,
        *,
        code: str | int | None = None,
        type: str | None = None,  # noqa: A002 - the payload's own name for it
        body: object = None,
        event: ServerSentEvent | None = None,
        partial: Any = None,  # noqa: ANN401
    ) -> None:
        super().__init__(message, partial=partial)
        self.message = message
        self.code = code
        self.type = type
        self.body = body
        self.event = event


class IncompleteStreamError(StreamError):
    """The byte source ended before the format's terminal marker: the stream was cut off.

    Typically a dropped connection. Everything received before the cut is in ``partial``;
    ``last_event_id`` is what a reconnect would send as ``Last-Event-ID``.
    """

    def __init__(self, message: str, *, last_event_id: str = "", partial: Any = None) -> None:  # noqa: ANN401
        super().__init__(message, partial=partial)
        self.last_event_id = last_event_id


class StreamDecodeError(StreamError, ValueError):
    """An event's data is not the JSON the format requires. ``event`` is the offending event."""

    def __init__(self, message: str, *, event: ServerSentEvent, partial: Any = None) -> None:  # noqa: ANN401
        super().__init__(message, partial=partial)
        self.event = event


class StreamTimeoutError(StreamError, TimeoutError):
    """`AsyncStream`: no bytes arrived for ``idle_timeout`` seconds. ``timeout`` is that limit."""

    def __init__(self, message: str, *, timeout: float, partial: Any = None) -> None:  # noqa: ANN401
        super().__init__(message, partial=partial)
        self.timeout = timeout
