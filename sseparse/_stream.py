"""Stream and AsyncStream: typed chunks from any byte source, a clean close, typed errors.

Rule 1: the source is closed on every exit path. Normal end, the format's terminal marker (closed
*before* the last items are handed out, so the connection is released even if the caller stops
there), ``break`` + `Stream.close`, a ``with`` exit, an exception from anywhere, async cancellation.
Closing means: the iterator we took from the source (finalising a generator), the source's own
``close``/``aclose``, then ``response``'s. Each object is closed once, in that order.

Rule 2: one pass. Each event is decoded once, fed once to the format's accumulator (which decides
``complete`` / ``error`` / ``truncated``, so `Stream` and `sseparse.accumulate` always agree on how a
stream ended) and converted once into what the caller iterates. ``stream.result()`` is the
accumulator's snapshot: no second pass over anything.

Rule 3: errors in the *content* of the stream become `StreamError` subclasses carrying ``partial``;
errors of the *source* (a read error of the HTTP client) propagate unchanged. Items decoded before an
error are always handed out before the error is raised: nothing received is lost.

The sans-I/O part lives in `_Core`, shared by `Stream` and `AsyncStream`, and so do the decisions
around it (`_StreamBase`: reconnect or not, a truncation taken as an end, what to close); the two
classes only move bytes and close things. No asyncio import at module level: `AsyncStream` imports
it when it needs a timer (``idle_timeout``) or the default reconnect sleep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, Self, TypedDict, TypeVar, Unpack, overload

from sseparse._decoder import SSEDecoder
from sseparse._errors import (
    EventTooLargeError,
    IncompleteStreamError,
    StreamAPIError,
    StreamDecodeError,
    StreamTimeoutError,
)
from sseparse._events import ServerSentEvent
from sseparse._iter import byte_chunks
from sseparse._json import loads

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
    from types import TracebackType

    from sseparse._typing import Buffer
    from sseparse.accumulators._base import AccumulatedResult, Accumulator
    from sseparse.models.anthropic import MessageStreamEvent
    from sseparse.models.gemini import GenerateContentResponse
    from sseparse.models.openai_chat import ChatCompletionChunk
    from sseparse.models.openai_responses import ResponseStreamEvent

    # Sources as the type checker sees them: an iterable of bytes-likes or a binary file (anything,
    # checked at run time with a message naming the right call).
    SyncSource = Iterable[Buffer] | Any
    AsyncSource = AsyncIterable[Buffer] | Any

    class _StreamOptions(TypedDict, total=False):
        """The keyword options of `Stream` besides ``raw`` (see its docstring)."""

        response: Any
        allow_truncated: bool
        last_event_id: str
        max_event_size: int | None
        _reconnect: ReconnectPolicy | None

    class _AsyncStreamOptions(_StreamOptions, total=False):
        """The keyword options of `AsyncStream` besides ``raw``."""

        idle_timeout: float | None


__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")
G = TypeVar("G")


# Events that carry nothing for the caller and are skipped (the accumulator still sees them).
_SKIP_EVENTS: dict[str, frozenset[str]] = {"anthropic-messages": frozenset({"ping"})}
# Formats without a terminal marker: their accumulator may call the stream complete early (Gemini:
# every candidate has a finishReason) but the server may still send more, so read to the end.
_READ_TO_EOF = frozenset({"gemini"})

# -- what the other layers provide (accumulators, models) --------------------------------------------


def _new_accumulator(fmt: str) -> Accumulator:
    from sseparse.accumulators import make_accumulator  # noqa: PLC0415 - loaded on first use

    return make_accumulator(fmt)


def _typed_converter(fmt: str) -> Callable[[ServerSentEvent], Any]:
    """Return the function that turns one event of ``fmt`` into its typed model.

    Lenient: unknown fields are kept (the models allow extras), and data that fails validation (a
    known field of an unexpected type) is built without validation instead of raising. A format
    without models in `sseparse.models` (one registered by the user) yields its `ServerSentEvent`
    objects (or dicts with ``raw=True``) and never imports pydantic. Only the format's own chunk
    model is loaded, and it builds its validator once per process, on first use.
    """
    from sseparse import models  # noqa: PLC0415 - pydantic loads on the first typed stream

    if not models.has_models(fmt):
        return _event_converter
    try:
        model = models.chunk_model(fmt)
    except ImportError as exc:
        msg = (
            f"Stream(..., {fmt!r}) yields typed chunks, which need pydantic: "
            f'pip install "sseparse[models]", or pass raw=True for plain dicts'
        )
        raise ImportError(msg, name="pydantic") from exc
    from pydantic import ValidationError  # noqa: PLC0415

    model.model_rebuild()  # the deferred build: once per process (a no-op when built)
    validate = model.__pydantic_validator__.validate_json  # model_validate_json minus a Python call
    construct = model.model_construct

    def convert(event: ServerSentEvent) -> Any:  # noqa: ANN401 - the format's model
        try:
            return validate(event.data)
        except ValidationError:
            return construct(**loads(event.data))

    return convert


def _raw_converter(event: ServerSentEvent) -> Any:  # noqa: ANN401 - JSON
    return loads(event.data)


def _event_converter(event: ServerSentEvent) -> ServerSentEvent:
    return event


# -- the sans-I/O core ----------------------------------------------------------------------------------


class _Core:
    """Bytes in, items out; knows when the stream ended and why. Shared by both stream classes.

    ``feed`` and ``eof`` return the items completed so far and never raise on content: an error is
    left in ``error`` for the driver to raise *after* handing out the items (Rule 3). ``stopped`` is
    set when the stream must not be read further (terminal marker or error).
    """

    __slots__ = (
        "acc",
        "acc_closed",
        "allow_truncated",
        "convert",
        "decoder",
        "decoder_options",
        "error",
        "format",
        "raw",
        "read_to_eof",
        "skip",
        "stopped",
    )

    def __init__(self, fmt: str | None, *, raw: bool, allow_truncated: bool, decoder_options: dict[str, Any]) -> None:
        if raw and fmt is None:
            msg = "raw=True needs a format: without one, the stream yields ServerSentEvent objects"
            raise ValueError(msg)
        self.format = fmt
        self.raw = raw
        self.allow_truncated = allow_truncated
        self.decoder_options = decoder_options
        self.decoder = SSEDecoder(**decoder_options)
        self.acc: Accumulator | None = None
        self.acc_closed = False
        self.convert: Callable[[ServerSentEvent], Any] = _event_converter
        if fmt is not None:
            self.acc = _new_accumulator(fmt)
            self.convert = _raw_converter if raw else _typed_converter(fmt)
        self.skip = _SKIP_EVENTS.get(fmt or "", frozenset())
        self.read_to_eof = fmt in _READ_TO_EOF
        self.stopped = False
        self.error: BaseException | None = None

    # -- events ---------------------------------------------------------------------------------

    def feed(self, chunk: Buffer) -> list[Any]:
        try:
            events = self.decoder.feed(chunk)
        except EventTooLargeError as exc:  # the caller's max_event_size: a dropped event ends the stream
            items = self._items(exc.events) if self.acc is not None else exc.events
            self.stopped = True
            self.error = self.error or exc
            return items
        if not events or self.acc is None:
            return events
        return self._items(events)

    def _items(self, events: list[ServerSentEvent]) -> list[Any]:
        acc = self.acc
        assert acc is not None
        feed = acc.feed
        convert = self.convert
        skip = self.skip
        out: list[Any] = []
        for event in events:
            feed(event)
            end = acc.end
            if end != "truncated" and (end == "error" or not self.read_to_eof):
                # a terminal marker or an error: the stream is over
                self.stopped = True
                if end == "error":
                    self.error = self._content_error(event)
                elif event.data.lstrip()[:1] == "{":  # message_stop, response.completed: items too
                    self._convert(event, out)
                return out
            if event.data and event.event not in skip:
                try:
                    out.append(convert(event))
                except ValueError:
                    self._convert(event, out)
                    return out
        return out

    def _convert(self, event: ServerSentEvent, out: list[Any]) -> None:
        """Convert one event into ``out``.

        Data that is not JSON (``raw=True`` over a registered format that accepts such data) ends the
        stream with `StreamDecodeError`.
        """
        try:
            out.append(self.convert(event))
        except ValueError as exc:
            self.stopped = True
            self.error = StreamDecodeError(f"event data is not JSON: {exc}", event=event, partial=self.partial())

    def _content_error(self, event: ServerSentEvent) -> Exception:
        partial = self.result()
        error = partial.error
        if error is None:  # the accumulator always says why; be safe anyway
            return StreamDecodeError(f"the stream failed at event {event!r}", event=event, partial=partial)
        if error.type in ("invalid_json", "unknown_format"):
            return StreamDecodeError(error.message, event=event, partial=partial)
        return StreamAPIError(error.message, code=error.code, type=error.type, body=error.raw, event=event, partial=partial)

    def eof(self, *, resumable: bool = False, reconnecting: bool = False) -> list[Any]:
        """Flush the decoder at the end of the source and decide whether the stream was complete.

        ``resumable``: a reconnect may continue this accumulator, so it is not closed (a stream
        without its terminal marker so far counts as truncated). ``reconnecting``: a truncation is
        reported even with ``allow_truncated``, so that the driver can decide to reconnect.
        """
        events = self.decoder.close()
        items = self._items(events) if events and self.acc is not None else events
        if self.stopped:
            return items
        self.stopped = True
        acc = self.acc
        if acc is None:
            truncated = self.decoder.incomplete
        else:
            if acc.end == "truncated" and not resumable:
                self._close_acc()  # some formats are only complete once the end is known
            if acc.end == "error":
                self.error = self._content_error(ServerSentEvent())
                return items
            truncated = acc.end == "truncated"
        if truncated and (reconnecting or not self.allow_truncated):
            self.error = self.truncation()
        return items

    def raise_error(self) -> None:
        """Raise the error the stream ended with, if any (after its items were handed out)."""
        if self.error is not None:
            raise self.error

    def truncation(self) -> IncompleteStreamError:
        where = "inside an event" if self.decoder.incomplete else "before the format's terminal marker"
        msg = f"the byte source ended {where}: the stream was cut off"
        if self.format is not None:
            msg += f" ({self.format})"
        return IncompleteStreamError(msg, last_event_id=self.decoder.last_event_id, partial=self.partial())

    # -- results --------------------------------------------------------------------------------

    def finish(self) -> None:
        """End the stream for good (any reason): let the accumulator decide its ``end``."""
        self.stopped = True
        self._close_acc()

    def _close_acc(self) -> None:
        if self.acc is not None and not self.acc_closed:
            self.acc_closed = True
            self.acc.close()

    def result(self) -> AccumulatedResult:
        if self.acc is None:
            msg = "result() needs a format: Stream(source, format='openai-chat') accumulates as it goes"
            raise TypeError(msg)
        return self.acc.result()

    def partial(self) -> AccumulatedResult | None:
        return None if self.acc is None else self.acc.result()

    # -- reconnects -----------------------------------------------------------------------------

    def reset(self, *, resume: bool) -> None:
        """Prepare for the next connection.

        Resume keeps the accumulator and the last event ID; restart starts both afresh.
        """
        self.stopped = False
        self.error = None
        if resume:
            self.decoder.reset()
            return
        retry = self.decoder.retry
        self.decoder = SSEDecoder(**self.decoder_options)
        self.decoder.retry = retry
        if self.format is not None:
            self.acc = _new_accumulator(self.format)
            self.acc_closed = False


# -- what a reconnecting stream needs (implemented by sseparse._reconnect.Reconnect) ------------------


class ReconnectPolicy(Protocol):
    """The reconnect policy as the stream classes drive it (see `sseparse.reconnecting`)."""

    @property
    def resume(self) -> bool: ...

    def seed(self, last_event_id: str) -> None: ...

    def open(self) -> tuple[Any, Any]: ...

    async def aopen(self) -> tuple[Any, Any]: ...

    def retry_wait(self, exc: BaseException, core: _Core, attempts: int) -> float | None: ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


# -- closing things ---------------------------------------------------------------------------------


def _closers(objects: list[Any], find: Callable[[Any], Any]) -> Iterator[Callable[[], Any]]:
    """Yield the close function ``find`` picks for each object that has one, each object once."""
    seen: list[int] = []
    for obj in objects:
        if obj is None or id(obj) in seen:
            continue
        seen.append(id(obj))
        close = find(obj)
        if close is not None:
            yield close


def _close_method(obj: Any) -> Any:  # noqa: ANN401
    return getattr(obj, "close", None)


def _aclose_method(obj: Any) -> Any:  # noqa: ANN401
    return getattr(obj, "aclose", None) or getattr(obj, "close", None)


def _close_all(objects: list[Any]) -> None:
    """Call ``close()`` on each object that has one, each once, all of them even if one raises."""
    error: BaseException | None = None
    for close in _closers(objects, _close_method):
        try:
            close()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others are closed
            error = error or exc
    if error is not None:
        raise error


async def _aclose_all(objects: list[Any]) -> None:
    """Like `_close_all`, preferring ``aclose()``; a ``close()`` that returns an awaitable is awaited."""
    error: BaseException | None = None
    for close in _closers(objects, _aclose_method):
        try:
            result = close()
            if hasattr(result, "__await__"):
                await result
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others are closed
            error = error or exc
    if error is not None:
        raise error


def _sync_chunks(source: Any) -> Iterator[Buffer]:  # noqa: ANN401
    """Return an iterator of byte chunks over an iterable of bytes-likes or a binary file object."""
    if hasattr(source, "__aiter__") and not hasattr(source, "__iter__") and not hasattr(source, "read"):
        msg = f"{type(source).__name__} is an async iterable: use AsyncStream (async for) to read it"
        raise TypeError(msg)
    return byte_chunks(source, "Stream")


# -- Stream -----------------------------------------------------------------------------------------


class _StreamBase(Generic[T, G]):
    """What `Stream` and `AsyncStream` share: options, the core, ``result()``, state, decisions.

    ``G`` is the type of the generator that reads the stream (``_run``): sync or async.
    """

    response: Any
    """Whatever was passed as ``response=`` (e.g. the HTTP response, to read its headers); with
    `sseparse.reconnecting`, the response of the latest connection."""

    def __init__(  # noqa: PLR0913
        self,
        source: Any,  # noqa: ANN401
        format: str | None = None,  # noqa: A002
        *,
        response: Any = None,  # noqa: ANN401
        raw: bool = False,
        allow_truncated: bool = False,
        last_event_id: str = "",
        max_event_size: int | None = None,
        _reconnect: ReconnectPolicy | None = None,
    ) -> None:
        options: dict[str, Any] = {"last_event_id": last_event_id}
        if max_event_size is not None:
            options["max_event_size"] = max_event_size
        self._core = _Core(format, raw=raw, allow_truncated=allow_truncated, decoder_options=options)
        self._source = source
        self._iterator: Any = None  # the chunk iterator taken from the current source
        self._reconnect = _reconnect
        self._closed = False
        self.format = format
        self.response = response
        self.attempts = 0 if _reconnect is not None else 1
        """How many connections were made (1 without `sseparse.reconnecting`)."""
        if _reconnect is not None:
            _reconnect.seed(last_event_id)

    def result(self) -> AccumulatedResult:
        """Return the accumulated result so far (`sseparse.AccumulatedResult`), at any moment.

        After the stream ended -- normally, by an error, a truncation or ``close()`` -- its ``end``
        says how. Needs a format (``TypeError`` otherwise).
        """
        return self._core.result()

    @property
    def last_event_id(self) -> str:
        """The last event ID seen: what a reconnect sends as ``Last-Event-ID``."""
        return self._core.decoder.last_event_id

    @property
    def closed(self) -> bool:
        """True once the stream was closed (explicitly, by its end, or by an error)."""
        return self._closed

    def __repr__(self) -> str:
        state = "closed" if self._closed and self._core.stopped else "open"
        return f"{type(self).__name__}(format={self.format!r}, {state}, attempts={self.attempts})"

    # -- what both drivers decide the same way (they only add the I/O) -----------------------------

    _gen: G | None = None

    def _run(self) -> G:
        raise NotImplementedError

    def _generator(self) -> G:
        """Return the generator that reads the stream, made on first use (iteration or close)."""
        gen = self._gen
        if gen is None:
            gen = self._gen = self._run()
        return gen

    def _new_attempt(self) -> ReconnectPolicy | None:
        """Count the connection about to be made by the reconnect policy; return it (None: no policy)."""
        reconnect = self._reconnect
        if reconnect is not None:
            self.attempts += 1
        return reconnect

    def _connect(self, connection: tuple[Any, Any] | None) -> Any:  # noqa: ANN401
        """Take a connection: ``(source, response)`` from the reconnect policy, or None for the given source.

        Return the source to read; from now on the stream has things to close again.
        """
        if connection is not None:
            self._source, response = connection
            if response is not None:
                self.response = response
        self._closed = False
        return self._source

    def _end_of_source(self) -> list[Any]:
        """Flush the core when the source ended; with a reconnect policy a truncation may be retried."""
        reconnect = self._reconnect
        return self._core.eof(resumable=reconnect is not None and reconnect.resume, reconnecting=reconnect is not None)

    def _retry_wait(self, exc: BaseException) -> float | None:
        """Seconds to wait before reconnecting after ``exc``; None when it is not retried."""
        reconnect = self._reconnect
        if reconnect is None:
            return None
        return reconnect.retry_wait(exc, self._core, self.attempts)

    def _ends_quietly(self, exc: BaseException) -> bool:
        """Return True when ``exc``, not retried, is a plain end: a truncation the caller accepts (``allow_truncated``)."""
        return isinstance(exc, IncompleteStreamError) and self._core.allow_truncated

    def _to_release(self) -> list[Any]:
        """Mark the stream released; return what to close, in order (nothing when it already was)."""
        if self._closed:
            return []
        self._closed = True
        return [self._iterator, self._source, self.response]


class Stream(_StreamBase[T, "Generator[T, None, None]"]):
    """Iterate a Server-Sent Events byte stream as typed chunks, events or dicts.

    ``source``    an iterable of bytes-likes (httpx ``response.iter_bytes()``, requests
                  ``response.iter_content(None)``, a generator) or a binary file object.
    ``format``    ``None`` yields `ServerSentEvent` objects; a format name (``"openai-chat"``,
                  ``"openai-responses"``, ``"anthropic-messages"``, ``"gemini"``, ...) yields that
                  format's typed models from `sseparse.models`, validated leniently (unknown fields
                  kept, never an error), and accumulates the result as it goes.
    ``response``  kept as ``stream.response`` and closed with the source.
    ``raw``       with a format: yield the parsed JSON dicts instead of models.
    ``allow_truncated``  a source that ends before the terminal marker is a plain end instead of
                  `IncompleteStreamError` (``stream.result().end`` still says ``"truncated"``).
    ``last_event_id``, ``max_event_size``  passed to the `SSEDecoder`.

    The stream stops at the format's terminal marker (an exact ``[DONE]``, ``message_stop``,
    ``response.completed`` ...) and closes the source right away. Use it as a context manager, or call
    `close` when you stop early.
    """

    if TYPE_CHECKING:
        # What the stream yields, for type checkers: see _StreamOptions for the keyword options.

        @overload
        def __init__(
            self: Stream[dict[str, Any]],
            source: SyncSource,
            format: str,
            *,
            raw: Literal[True],
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[ChatCompletionChunk],
            source: SyncSource,
            format: Literal["openai-chat"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[ResponseStreamEvent],
            source: SyncSource,
            format: Literal["openai-responses"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[MessageStreamEvent],
            source: SyncSource,
            format: Literal["anthropic-messages"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[GenerateContentResponse],
            source: SyncSource,
            format: Literal["gemini"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[ServerSentEvent],
            source: SyncSource,
            format: None = None,
            *,
            raw: Literal[False] = False,
            **options: Unpack[_StreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: Stream[Any], source: SyncSource, format: str, *, raw: bool = False, **options: Unpack[_StreamOptions]
        ) -> None: ...
        def __init__(self, *args: Any, **kwargs: Any) -> None: ...

    def __iter__(self) -> Iterator[T]:
        return self._generator()

    def __next__(self) -> T:
        return next(self._generator())

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and close the source (and ``response``). Idempotent; safe at any moment."""
        # runs the generator's cleanup when it was started; iterating a closed stream yields nothing
        self._generator().close()
        self._release()
        self._core.finish()

    def _release(self) -> None:
        _close_all(self._to_release())

    def _open(self) -> Iterator[Buffer]:
        """Connect (the given source first) and return the chunk iterator."""
        reconnect = self._new_attempt()
        source = self._connect(None if reconnect is None else reconnect.open())
        self._iterator = _sync_chunks(source)
        return self._iterator  # type: ignore[no-any-return]

    def _run(self) -> Generator[T, None, None]:
        core = self._core
        try:
            while True:
                try:
                    for chunk in self._open():
                        items = core.feed(chunk)
                        if core.stopped:
                            break
                        yield from items
                    else:
                        items = self._end_of_source()
                    self._release()
                    yield from items
                    core.raise_error()
                except Exception as exc:
                    wait = self._retry_wait(exc)
                    if wait is None:
                        if self._ends_quietly(exc):
                            return  # out of attempts, and the caller takes a truncation as an end
                        raise
                    self._release()
                    assert self._reconnect is not None
                    self._reconnect.sleep(wait)
                else:
                    return
        finally:
            self._release()
            core.finish()


# -- AsyncStream ------------------------------------------------------------------------------------


class AsyncStream(_StreamBase[T, "AsyncGenerator[T, None]"]):
    """The async twin of `Stream`: ``async for`` over an async iterable of bytes-likes.

    ``source`` is an async iterable (httpx ``response.aiter_bytes()``, aiohttp
    ``response.content.iter_any()``, an async generator). Options are those of `Stream`, plus
    ``idle_timeout``: when no bytes arrive for that many seconds, the stream raises
    `StreamTimeoutError` (with ``partial``) and closes the source (needs asyncio).

    Use ``async with`` or call `aclose`; cancellation of the consuming task closes the source too.
    """

    if TYPE_CHECKING:
        # What the stream yields, for type checkers: see _AsyncStreamOptions for the keyword options.

        @overload
        def __init__(
            self: AsyncStream[dict[str, Any]],
            source: AsyncSource,
            format: str,
            *,
            raw: Literal[True],
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[ChatCompletionChunk],
            source: AsyncSource,
            format: Literal["openai-chat"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[ResponseStreamEvent],
            source: AsyncSource,
            format: Literal["openai-responses"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[MessageStreamEvent],
            source: AsyncSource,
            format: Literal["anthropic-messages"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[GenerateContentResponse],
            source: AsyncSource,
            format: Literal["gemini"],
            *,
            raw: Literal[False] = False,
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[ServerSentEvent],
            source: AsyncSource,
            format: None = None,
            *,
            raw: Literal[False] = False,
            **options: Unpack[_AsyncStreamOptions],
        ) -> None: ...
        @overload
        def __init__(
            self: AsyncStream[Any], source: AsyncSource, format: str, *, raw: bool = False, **options: Unpack[_AsyncStreamOptions]
        ) -> None: ...
        def __init__(self, *args: Any, **kwargs: Any) -> None: ...

    else:

        def __init__(self, source, format=None, *, idle_timeout=None, **options):  # noqa: A002, ANN001, ANN003, ANN204
            if idle_timeout is not None and not idle_timeout > 0:
                msg = f"idle_timeout must be a positive number of seconds or None, not {idle_timeout!r}"
                raise ValueError(msg)
            super().__init__(source, format, **options)
            self._idle_timeout = idle_timeout

    _idle_timeout: float | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        return self._generator()

    async def __anext__(self) -> T:
        return await self._generator().__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop reading and close the source (and ``response``). Idempotent; safe at any moment."""
        # runs the generator's cleanup when it was started; iterating a closed stream yields nothing
        await self._generator().aclose()
        await self._release()
        self._core.finish()

    close = aclose

    async def _release(self) -> None:
        await _aclose_all(self._to_release())

    async def _open(self) -> AsyncIterator[Buffer]:
        reconnect = self._new_attempt()
        source = self._connect(None if reconnect is None else await reconnect.aopen())
        if not hasattr(source, "__aiter__"):
            msg = f"AsyncStream takes an async iterable of byte chunks, not {type(source).__name__}"
            raise TypeError(msg)
        self._iterator = source.__aiter__()
        return self._iterator  # type: ignore[no-any-return]

    async def _run(self) -> AsyncGenerator[T, None]:  # noqa: C901
        core = self._core
        limit = self._idle_timeout
        try:
            while True:
                try:
                    next_chunk = (await self._open()).__anext__
                    while True:
                        try:
                            chunk = await (next_chunk() if limit is None else self._timed(next_chunk, limit))
                        except StopAsyncIteration:
                            items = self._end_of_source()
                            break
                        items = core.feed(chunk)
                        if core.stopped:
                            break
                        for item in items:
                            yield item
                    await self._release()
                    for item in items:
                        yield item
                    core.raise_error()
                except Exception as exc:
                    wait = self._retry_wait(exc)
                    if wait is None:
                        if self._ends_quietly(exc):
                            return
                        raise
                    await self._release()
                    assert self._reconnect is not None
                    await self._reconnect.asleep(wait)
                else:
                    return
        finally:
            await self._release()
            core.finish()

    async def _timed(self, next_chunk: Callable[[], Awaitable[Buffer]], limit: float) -> Buffer:
        import asyncio  # noqa: PLC0415 - `import sseparse` must not import asyncio

        deadline = asyncio.timeout(limit)
        try:
            async with deadline:
                return await next_chunk()
        except TimeoutError:
            if not deadline.expired():
                raise  # the source's own TimeoutError: not ours to reinterpret
            msg = f"no bytes arrived for {limit:g} s (idle_timeout)"
            raise StreamTimeoutError(msg, timeout=limit, partial=self._core.partial()) from None
