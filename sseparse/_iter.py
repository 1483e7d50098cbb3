"""parse / iter_events / aiter_events: the decoder over whole bytes, iterables, files and async iterables.

No asyncio import: ``async for`` needs none, so `aiter_events` works under asyncio, trio or anyio.
"""

from __future__ import annotations

from sseparse._decoder import SSEDecoder
from sseparse._errors import EventTooLargeError

# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
    from typing import Any, Protocol

    from sseparse._events import ServerSentEvent
    from sseparse._typing import Buffer

    class _Readable(Protocol):
        def read(self, size: int = ..., /) -> bytes | None: ...


__all__ = ["aiter_events", "iter_events", "parse", "text_error"]

READ_SIZE = 64 * 1024


# One rule for text everywhere (parse, iter_events, aiter_events, accumulate, Stream, AsyncStream):
# str is refused. SSE is UTF-8 bytes; text was decoded by someone else (with whatever charset they
# guessed, invalid bytes already replaced or raised) and is often split into lines with the line
# ends removed, which loses where events end. The decoder needs the bytes to do both right.
_TEXT_HINT = (
    "Server-Sent Events are UTF-8 bytes, and text may have been decoded with another charset or split "
    "into lines without their line ends. Pass the raw bytes: httpx response.iter_bytes() "
    "(aiter_bytes()), requests response.iter_content(None), aiohttp response.content.iter_any(); "
    "for text you wrote yourself, text.encode()"
)


def text_error(caller: str, what: str = "str", hint: str = "") -> TypeError:
    """Return the TypeError for text given where bytes are needed; ``caller`` names the function the user called."""
    return TypeError(f"{caller} takes bytes, not {what}. {_TEXT_HINT}{hint}")


def parse(data: Buffer, **options: Any) -> list[ServerSentEvent]:  # noqa: ANN401
    """Decode a complete stream held in memory: ``feed(data)`` then ``close()``.

    Keyword options are those of `SSEDecoder` (``last_event_id``, ``dispatch_incomplete``, ...).
    ``data`` is bytes (or any bytes-like); a ``str`` is refused with a TypeError (see `text_error`).
    """
    if isinstance(data, str):
        raise text_error("parse()")
    decoder = SSEDecoder(**options)
    events = decoder.feed(data)
    events.extend(decoder.close())
    return events


def byte_chunks(source: Iterable[Buffer] | _Readable, caller: str, hint: str = "") -> Iterator[Buffer]:
    """Return an iterator of byte chunks over an iterable of bytes-likes or a binary file object.

    Raises `TypeError` at once for a single ``str`` or bytes-like, which would be iterated as
    characters or ints. A file is read with ``read1`` when it has one, so pipes and sockets hand on
    bytes as soon as they arrive. ``caller`` and ``hint`` make the error messages name the API used.
    """
    if isinstance(source, str):
        raise text_error(caller, hint=hint)
    if isinstance(source, (bytes, bytearray, memoryview)):
        msg = f"{caller} takes an iterable of byte chunks or a binary file, not a single bytes object{hint}"
        raise TypeError(msg)
    read = getattr(source, "read1", None) or getattr(source, "read", None)
    if read is None:
        return iter(source)  # type: ignore[arg-type]
    return _read_file(read, caller)


def _read_file(read: Callable[[int], bytes | None], caller: str) -> Iterator[bytes]:
    while True:
        chunk = read(READ_SIZE)
        if chunk is None:  # "no data yet" from a non-blocking file: spinning here would burn a core
            msg = f"the file is non-blocking and had no data ready; give {caller} a blocking file or an iterable of chunks"
            raise BlockingIOError(msg)
        if not chunk:  # end of file
            return
        yield chunk


def iter_events(source: Iterable[Buffer] | _Readable, **options: Any) -> Iterator[ServerSentEvent]:  # noqa: ANN401
    """Yield events from an iterable of bytes-likes or a binary file object, as they complete.

    A file is read with ``read1`` when it has one, so pipes and sockets yield events as soon as they
    arrive. At the end the decoder is closed (R6: an unfinished last event is discarded unless
    ``dispatch_incomplete=True``). A wrong ``source`` or option raises here, not at the first event.

    With ``max_event_size``, an event over the limit ends the iteration as `Stream` does: every event
    completed before it (in the same chunk too, and any completed after it in that chunk) is yielded
    first, then `EventTooLargeError` is raised (its ``events`` are those already yielded).
    """
    chunks = byte_chunks(source, "iter_events()", "; use parse() for one bytes object")
    return _decoded(chunks, SSEDecoder(**options), "iter_events()")


def _decoded(chunks: Iterator[Buffer], decoder: SSEDecoder, caller: str) -> Iterator[ServerSentEvent]:
    feed = decoder.feed
    for chunk in chunks:
        try:
            events = feed(chunk)
        except EventTooLargeError as exc:
            yield from exc.events  # nothing completed is lost; then the caller's limit is reported
            raise
        except TypeError:
            if isinstance(chunk, str):
                raise text_error(caller, "str chunks") from None
            raise
        yield from events
    yield from decoder.close()


async def aiter_events(source: AsyncIterable[Buffer], **options: Any) -> AsyncIterator[ServerSentEvent]:  # noqa: ANN401
    """Yield events from an async iterable of bytes-likes (httpx ``aiter_bytes()``, aiohttp ``iter_any()``...).

    An event over ``max_event_size`` ends the iteration as in `iter_events`: the completed events
    first, then `EventTooLargeError`.
    """
    if not hasattr(source, "__aiter__"):
        msg = f"aiter_events() takes an async iterable of byte chunks, not {type(source).__name__}"
        raise TypeError(msg)
    decoder = SSEDecoder(**options)
    feed = decoder.feed
    async for chunk in source:
        try:
            events = feed(chunk)
        except EventTooLargeError as exc:
            for event in exc.events:
                yield event
            raise
        except TypeError:
            if isinstance(chunk, str):
                raise text_error("aiter_events()", "str chunks") from None
            raise
        for event in events:
            yield event
    for event in decoder.close():
        yield event
