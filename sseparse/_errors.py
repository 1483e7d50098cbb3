"""The exception hierarchy.

Bad input never raises: the decoder turns it into U+FFFD or a `Diagnostic`. What raises is misuse of
the API (feeding a closed decoder) and limits the caller opted into (``max_event_size``).
Every exception sseparse raises on purpose descends from `SSEError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sseparse._events import ServerSentEvent

__all__ = ["DecoderClosedError", "EventTooLargeError", "SSEError"]


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
