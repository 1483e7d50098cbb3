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
    "StreamHTTPError",
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
    None when the stream accumulates nothing (no format). A transport failure of the byte source (a
    read error, a dropped connection, a read timeout of the HTTP client) becomes `IncompleteStreamError`
    or `StreamTimeoutError` with the client's exception as ``__cause__``; any other exception of the
    source (and cancellation) propagates unchanged, and ``stream.result()`` still gives the partial
    result afterwards.

    ``attempts``: when `sseparse.reconnecting` gives up, the error of every attempt, this one last
    (also on the other exceptions it raises, and one exception note per earlier attempt); ``[]`` for a
    stream without reconnects.
    """

    attempts: list[BaseException]

    def __init__(self, message: str, *, partial: Any = None) -> None:  # noqa: ANN401 - the accumulator's result type
        super().__init__(message)
        self.partial = partial
        self.attempts = []


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


class StreamHTTPError(StreamError):
    """The HTTP response is not a stream: an error status (>= 400), or a content type other than ``text/event-stream``.

    Raised before any chunk is handed out, after up to 64 KiB of the body were read (then the response
    is closed). ``status`` is the status code, ``headers`` the response's own headers object, ``body``
    the bytes read. ``message``, ``code`` and ``type`` come from the JSON error body when it has one
    (OpenAI, Anthropic, Gemini, OpenAI-compatible servers); without one, ``message`` is the start of the
    body as text, or the reason phrase. ``retry_after`` is the wait in seconds the server asked for
    (``retry-after-ms``, or ``Retry-After`` in seconds or as an HTTP date), else None. ``response`` is
    the response object.
    """

    def __init__(  # noqa: PLR0913
        self,
        message: str,
        *,
        status: int,
        headers: Any = None,  # noqa: ANN401 - the HTTP library's own headers object
        body: bytes = b"",
        code: str | int | None = None,
        type: str | None = None,  # noqa: A002 - the error body's own name for it
        retry_after: float | None = None,
        response: Any = None,  # noqa: ANN401
        summary: str | None = None,
        partial: Any = None,  # noqa: ANN401
    ) -> None:
        super().__init__(summary or message, partial=partial)
        self.message = message
        self.status = status
        self.headers = headers
        self.body = body
        self.code = code
        self.type = type
        self.retry_after = retry_after
        self.response = response


class IncompleteStreamError(StreamError):
    """The byte source ended before the format's terminal marker: the stream was cut off.

    Typically a dropped connection: when the HTTP client reported it (a read error, a connection
    reset), that exception is the ``__cause__``. Everything received before the cut is in ``partial``;
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
    """No bytes arrived in time: the stream's ``idle_timeout``, or the HTTP client's read timeout (then the ``__cause__``).

    ``timeout`` is the limit in seconds when sseparse knows it, else None.
    """

    def __init__(self, message: str, *, timeout: float | None, partial: Any = None) -> None:  # noqa: ANN401
        super().__init__(message, partial=partial)
        self.timeout = timeout
