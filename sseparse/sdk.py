"""sseparse.sdk: sseparse's decoder inside the openai and anthropic clients.

Both SDKs decode their streams with an object that has ``iter_bytes(iterator)`` and
``aiter_bytes(async_iterator)`` methods yielding events with ``event``, ``data``, ``id``, ``retry``
and ``json()``; each client makes one per stream with its ``_make_sse_decoder()`` method. `SDKDecoder`
has that shape, backed by `sseparse.SSEDecoder`, so the clients keep everything they do (typed chunks,
errors, retries) and gain the spec's rules: a leading BOM is stripped instead of hiding the first
event, invalid UTF-8 becomes U+FFFD instead of raising `UnicodeDecodeError` mid-stream, and long
lines stay linear.

>>> import openai, sseparse.sdk                                        # doctest: +SKIP
>>> client = sseparse.sdk.install(openai.OpenAI())                     # doctest: +SKIP

`install` sets the method on that one client object; clients derived from it with
``with_options()`` / ``copy()`` are new objects and need their own `install`. Nothing here imports
either SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sseparse._decoder import SSEDecoder
from sseparse._errors import EventTooLargeError
from sseparse._json import loads

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

    from sseparse._events import ServerSentEvent
    from sseparse._typing import Buffer

__all__ = ["SDKDecoder", "SDKEvent", "install"]

C = TypeVar("C")


class SDKEvent:
    """One event, shaped like the SDKs' own ``ServerSentEvent``.

    As in the SDKs, ``event`` is None for a block without an ``event`` field (the spec's default type
    ``"message"``) and ``id`` is None when no event ID was ever set. ``raw`` rebuilds the event's
    field lines (anthropic exposes the wire lines there; comments and unknown fields are not kept).
    """

    __slots__ = ("data", "event", "id", "retry")

    def __init__(self, event: str | None, data: str, id: str | None, retry: int | None) -> None:  # noqa: A002
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def json(self) -> Any:  # noqa: ANN401 - JSON is Any by nature
        """Parse ``data`` as JSON."""
        return loads(self.data)

    @property
    def raw(self) -> list[str]:
        """Return the event's field lines, rebuilt (``event: ...``, ``id: ...``, ``data: ...``)."""
        lines = [] if self.event is None else [f"event: {self.event}"]
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {self.retry}")
        lines.extend(f"data: {line}" for line in self.data.split("\n"))
        return lines

    def __repr__(self) -> str:
        return f"SDKEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"


def _convert(events: list[ServerSentEvent]) -> list[SDKEvent]:
    return [SDKEvent(None if e.event == "message" else e.event, e.data, e.id or None, e.retry) for e in events]


class SDKDecoder:
    """A drop-in for the SDKs' ``SSEDecoder``: ``iter_bytes`` / ``aiter_bytes`` over `SSEDecoder`.

    Keyword options are those of `SSEDecoder` (``max_event_size``, ``dispatch_incomplete``...). Each
    call of `iter_bytes` / `aiter_bytes` decodes one stream with a fresh decoder. An event over
    ``max_event_size`` ends the stream as in `sseparse.iter_events`: every completed event is yielded
    first, then `EventTooLargeError` is raised.
    """

    def __init__(self, **options: Any) -> None:  # noqa: ANN401
        SSEDecoder(**options)  # check the options now, not at the first stream
        self._options = options

    def iter_bytes(self, iterator: Iterable[Buffer]) -> Iterator[SDKEvent]:
        """Yield the events of a stream given as an iterator of byte chunks."""
        decoder = SSEDecoder(**self._options)
        feed = decoder.feed
        for chunk in iterator:
            try:
                events = feed(chunk)
            except EventTooLargeError as exc:
                yield from _convert(exc.events)  # nothing completed is lost; then the limit is reported
                raise
            if events:
                yield from _convert(events)
        yield from _convert(decoder.close())

    async def aiter_bytes(self, iterator: AsyncIterator[Buffer]) -> AsyncIterator[SDKEvent]:
        """Yield the events of a stream given as an async iterator of byte chunks."""
        decoder = SSEDecoder(**self._options)
        feed = decoder.feed
        async for chunk in iterator:
            try:
                events = feed(chunk)
            except EventTooLargeError as exc:
                for event in _convert(exc.events):
                    yield event
                raise
            if events:
                for event in _convert(events):
                    yield event
        for event in _convert(decoder.close()):
            yield event


def install(client: C, **options: Any) -> C:  # noqa: ANN401
    """Make ``client`` decode its streams with `SDKDecoder`, and return it.

    ``client`` is an ``openai.OpenAI`` / ``AsyncOpenAI``, an ``anthropic.Anthropic`` /
    ``AsyncAnthropic``, or any client with a ``_make_sse_decoder`` method. ``options`` go to each `SDKDecoder`.
    """
    if not callable(getattr(client, "_make_sse_decoder", None)):
        msg = f"{type(client).__name__} has no _make_sse_decoder(): not an openai or anthropic client?"
        raise TypeError(msg)
    SSEDecoder(**options)
    # Newer SDKs pass the request options to _make_sse_decoder(); older ones pass nothing.
    client._make_sse_decoder = lambda *_args, **_kwargs: SDKDecoder(**options)  # type: ignore[attr-defined]  # noqa: SLF001
    return client
