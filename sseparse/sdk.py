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

`install` gives that client object a subclass of its own class whose ``_make_sse_decoder()`` makes
an `SDKDecoder`: clients derived from it with ``with_options()`` / ``copy()`` are built from that
class, so they keep it, and ``isinstance`` checks still hold. Requests built by such a client are
remembered (weakly), so anthropic's ``Stream.raw_events(response)`` decodes their responses with
sseparse too. With ``strict=True``, a stream that ends without its terminal event raises
`sseparse.IncompleteStreamError` inside the SDK's own iteration, where the SDKs end quietly.

Nothing here imports either SDK.
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from typing import TYPE_CHECKING, Any, TypeVar

from sseparse._decoder import SSEDecoder
from sseparse._errors import EventTooLargeError, IncompleteStreamError
from sseparse._json import NotJSONError, loads

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


# The events that end a stream the SDKs read: Chat Completions and Assistants end with a ``[DONE]``
# data line, Anthropic with ``message_stop``, Responses with one of its three final events; the
# speech, transcription and image streams with their own ``*.done`` / ``*.completed``. An ``error``
# event ends a stream too (the SDK raises its own error for it).
TERMINAL_EVENTS = frozenset(
    {
        "message_stop",
        "response.completed",
        "response.incomplete",
        "response.failed",
        "error",
        "done",
        "speech.audio.done",
        "transcript.text.done",
        "image_generation.completed",
        "image_edit.completed",
    }
)


def _is_terminal(event: ServerSentEvent) -> bool:
    """Return True for the event that ends a stream (see `TERMINAL_EVENTS`): ``[DONE]``, or its type, named or in the data."""
    data = event.data
    if data.startswith("[DONE]") or event.event in TERMINAL_EVENTS:
        return True
    if not data.startswith("{") or ('"type"' not in data and '"error"' not in data):
        return False
    try:
        payload = loads(data)
    except NotJSONError:
        return False
    return isinstance(payload, dict) and (payload.get("type") in TERMINAL_EVENTS or bool(payload.get("error")))


class _Ending:
    """Tracks whether a stream has given its terminal event (``strict``); raises at the end if not."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False

    def watch(self, events: list[ServerSentEvent]) -> None:
        if not self.seen:
            self.seen = any(_is_terminal(event) for event in events)

    def check(self, decoder: SSEDecoder) -> None:
        if self.seen:
            return
        where = "inside an event" if decoder.incomplete else "before its terminal event"
        msg = f"the stream ended {where}: it was cut off ([DONE], message_stop or response.completed never came)"
        raise IncompleteStreamError(msg, last_event_id=decoder.last_event_id)


class SDKDecoder:
    """A drop-in for the SDKs' ``SSEDecoder``: ``iter_bytes`` / ``aiter_bytes`` over `SSEDecoder`.

    Keyword options are those of `SSEDecoder` (``max_event_size``, ``dispatch_incomplete``...). Each
    call of `iter_bytes` / `aiter_bytes` decodes one stream with a fresh decoder. An event over
    ``max_event_size`` ends the stream as in `sseparse.iter_events`: every completed event is yielded
    first, then `EventTooLargeError` is raised. ``strict=True``: a stream whose bytes end before its
    terminal event (`TERMINAL_EVENTS`, or ``[DONE]``) raises `sseparse.IncompleteStreamError` after
    its last event, instead of ending as if it were complete.
    """

    def __init__(self, *, strict: bool = False, **options: Any) -> None:  # noqa: ANN401
        SSEDecoder(**options)  # check the options now, not at the first stream
        self._options = options
        self.strict = strict

    def iter_bytes(self, iterator: Iterable[Buffer]) -> Iterator[SDKEvent]:
        """Yield the events of a stream given as an iterator of byte chunks."""
        decoder = SSEDecoder(**self._options)
        feed = decoder.feed
        ending = _Ending() if self.strict else None
        for chunk in iterator:
            try:
                events = feed(chunk)
            except EventTooLargeError as exc:
                yield from _convert(exc.events)  # nothing completed is lost; then the limit is reported
                raise
            if events:
                if ending is not None:
                    ending.watch(events)
                yield from _convert(events)
        events = decoder.close()
        yield from _convert(events)
        if ending is not None:
            ending.watch(events)
            ending.check(decoder)

    async def aiter_bytes(self, iterator: AsyncIterator[Buffer]) -> AsyncIterator[SDKEvent]:
        """Yield the events of a stream given as an async iterator of byte chunks."""
        decoder = SSEDecoder(**self._options)
        feed = decoder.feed
        ending = _Ending() if self.strict else None
        async for chunk in iterator:
            try:
                events = feed(chunk)
            except EventTooLargeError as exc:
                for event in _convert(exc.events):
                    yield event
                raise
            if events:
                if ending is not None:
                    ending.watch(events)
                for event in _convert(events):
                    yield event
        events = decoder.close()
        for event in _convert(events):
            yield event
        if ending is not None:
            ending.watch(events)
            ending.check(decoder)


# The requests built by installed clients, and their decoder options (for anthropic's raw_events).
_REQUESTS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _ours_if_sse(theirs: Any, options: dict[str, Any]) -> Any:  # noqa: ANN401
    """Replace the SDK's SSE decoder with `SDKDecoder`; keep any other decoder (Bedrock's AWS event-stream framing is not SSE)."""
    return SDKDecoder(**options) if type(theirs).__name__ == "SSEDecoder" else theirs


def _installed_class(base: type, options: dict[str, Any]) -> type:
    """Return a subclass of the client class ``base`` whose streams decode with `SDKDecoder` (``options``)."""

    def _make_sse_decoder(self: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        # Newer SDKs pass the request options; older ones pass nothing.
        return _ours_if_sse(base._make_sse_decoder(self, *args, **kwargs), options)  # type: ignore[attr-defined]  # noqa: SLF001

    def _build_request(self: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        request = base._build_request(self, *args, **kwargs)  # type: ignore[attr-defined]  # noqa: SLF001
        with contextlib.suppress(TypeError):  # not weakly referenceable: raw_events keeps the SDK's decoder
            _REQUESTS[request] = options
        return request

    namespace: dict[str, Any] = {
        "_make_sse_decoder": _make_sse_decoder,
        "_sseparse_base": base,
        "_sseparse_options": options,
        "__module__": base.__module__,
        "__qualname__": base.__qualname__,
        "__doc__": base.__doc__,
    }
    if callable(getattr(base, "_build_request", None)):
        namespace["_build_request"] = _build_request
    return type(base.__name__, (base,), namespace)


def _raw_events_with_sseparse(original: Any, asynchronous: bool) -> Any:  # noqa: ANN401
    """Wrap an SDK's ``Stream.raw_events(response)``: a response to an installed client's request decodes with `SDKDecoder`."""

    def raw_events(response: Any) -> Any:  # noqa: ANN401
        try:
            options = _REQUESTS.get(response.request)
        except Exception:  # noqa: BLE001 - no request on it (or not weakly referenceable): not ours
            options = None
        if options is None:
            return original(response)
        decoder = SDKDecoder(**options)
        if asynchronous:
            return decoder.aiter_bytes(response.aiter_bytes())
        return decoder.iter_bytes(response.iter_bytes())

    raw_events.__doc__ = original.__doc__
    raw_events._sseparse_original = original  # type: ignore[attr-defined]  # noqa: SLF001
    return staticmethod(raw_events)


def _cover_raw_events(client_class: type) -> None:
    """Make the SDK's ``Stream.raw_events`` / ``AsyncStream.raw_events`` use sseparse for installed clients' responses.

    The SDK's module is looked up among those already imported (its client is), never imported here.
    Responses of other clients keep the SDK's own decoder.
    """
    package = client_class.__module__.partition(".")[0]
    module = sys.modules.get(f"{package}._streaming")
    for name, asynchronous in (("Stream", False), ("AsyncStream", True)):
        cls = getattr(module, name, None)
        original = getattr(cls, "raw_events", None)
        if original is None or hasattr(original, "_sseparse_original"):
            continue
        cls.raw_events = _raw_events_with_sseparse(original, asynchronous)  # type: ignore[union-attr]


def install(client: C, *, strict: bool = False, **options: Any) -> C:  # noqa: ANN401
    """Make ``client`` decode its streams with `SDKDecoder`, and return it (the same object).

    ``client`` is an ``openai.OpenAI`` / ``AsyncOpenAI``, an ``anthropic.Anthropic`` /
    ``AsyncAnthropic``, or any client with a ``_make_sse_decoder`` method. ``options`` go to each
    `SDKDecoder` (``max_event_size``...). ``strict=True``: a stream cut before its terminal event
    (``[DONE]``, ``message_stop``, ``response.completed`` / ``incomplete`` / ``failed``) raises
    `sseparse.IncompleteStreamError` while the SDK iterates it.

    The client's class becomes a subclass of its own (``isinstance`` holds), so ``with_options()``
    and ``copy()`` give installed clients too; installing again replaces the options. anthropic's
    ``Stream.raw_events(response)`` decodes this client's responses with sseparse as well. Only the
    SDK's SSE decoder is replaced: a client that decodes another framing for some requests (Bedrock's
    AWS event streams) keeps its own decoder for those.
    """
    if not callable(getattr(client, "_make_sse_decoder", None)):
        msg = f"{type(client).__name__} has no _make_sse_decoder(): not an openai or anthropic client?"
        raise TypeError(msg)
    SSEDecoder(**options)
    base = getattr(type(client), "_sseparse_base", type(client))
    installed = _installed_class(base, {"strict": strict, **options})
    try:
        client.__class__ = installed
    except TypeError:  # a class whose instances cannot change class: this object only, as before
        theirs = client._make_sse_decoder  # type: ignore[attr-defined]  # noqa: SLF001
        decoder_options = {"strict": strict, **options}
        client._make_sse_decoder = lambda *args, **kwargs: _ours_if_sse(theirs(*args, **kwargs), decoder_options)  # type: ignore[attr-defined]  # noqa: SLF001
    _cover_raw_events(base)
    return client
