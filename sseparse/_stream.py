"""Stream and AsyncStream: typed chunks from any byte source, a clean close, typed errors.

Rule 1: the source is closed on every exit path. Normal end, the format's terminal marker (closed
*before* its item is handed out, so the connection is released even if the caller stops there),
``break`` + `Stream.close`, a ``with`` exit, an exception from anywhere, async cancellation.
Closing means: the iterator we took from the source (finalising a generator), the source's own
``close``/``aclose``, then ``response``'s. Each object is closed once, in that order.

Rule 2: one pass. Each event is decoded once, fed once to the format's accumulator (which decides
``complete`` / ``error`` / ``truncated``, so `Stream` and `sseparse.accumulate` always agree on how a
stream ended) and converted once into what the caller iterates: a chunk, the accumulator's updates
(``updates()``) or the answer text (``text_stream``). ``stream.result()`` is the accumulator's
snapshot: no second pass over anything.

Rule 2b: the snapshot never runs ahead. A read may complete many events; they are fed to the
accumulator one at a time, as the caller asks for the next item, so ``result()`` reflects exactly
the items handed out so far whatever the read sizes. The terminal event is fed before its item is
handed out, and the source is released right then.

Rule 3: errors in the *content* of the stream become `StreamError` subclasses carrying ``partial``;
errors of the *source* (a read error of the HTTP client) propagate unchanged. Items decoded before an
error are always handed out before the error is raised: nothing received is lost.

The sans-I/O part lives in `_Core`, shared by `Stream` and `AsyncStream`, and so do the decisions
around it (`_StreamBase`: reconnect or not, a truncation taken as an end, what to close); the two
classes only move bytes and close things. No asyncio import at module level: `AsyncStream` imports
it when it needs a timer (``idle_timeout``) or the default reconnect sleep.
"""

from __future__ import annotations

import time
import warnings
from threading import get_ident
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, Self, TypedDict, TypeVar, Unpack, overload

from sseparse import _sources
from sseparse._decoder import SSEDecoder
from sseparse._errors import (
    EventTooLargeError,
    IncompleteStreamError,
    StreamAPIError,
    StreamDecodeError,
    StreamError,
    StreamTimeoutError,
)
from sseparse._events import ServerSentEvent
from sseparse._iter import byte_chunks, text_error
from sseparse._json import loads
from sseparse._timings import Clock, Timings
from sseparse.accumulators import (
    BaseAccumulator,
    ResetUpdate,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallStarted,
    format_traits,
    make_accumulator,
)
from sseparse.accumulators._tags import tag_names

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
    from types import TracebackType

    from sseparse._typing import Buffer
    from sseparse.accumulators import AccumulatedResult, Accumulator, Update
    from sseparse.accumulators._tags import ReasoningTagsOption
    from sseparse.models.anthropic import MessageStreamEvent
    from sseparse.models.cohere import StreamedChatResponse
    from sseparse.models.gemini import GenerateContentResponse
    from sseparse.models.openai_chat import ChatCompletionChunk
    from sseparse.models.openai_responses import ResponseStreamEvent

    # Sources as the type checker sees them: an iterable of bytes-likes or a binary file (anything,
    # checked at run time with a message naming the right call).
    SyncSource = Iterable[Buffer] | Any
    AsyncSource = AsyncIterable[Buffer] | Any

    class _ReadOptions(TypedDict, total=False):
        """How a stream reads, whatever its source: the options `Stream` shares with `reconnecting`."""

        allow_truncated: bool
        last_event_id: str
        max_event_size: int | None
        idle_timeout: float | None
        clock: Callable[[], float] | None
        reasoning_tags: ReasoningTagsOption

    class _StreamOptions(_ReadOptions, total=False):
        """The keyword options of `Stream` besides ``raw`` (see its docstring)."""

        response: Any
        _reconnect: ReconnectPolicy | None

    class _AsyncStreamOptions(_StreamOptions, total=False):
        """The keyword options of `AsyncStream` besides ``raw`` (the same as `Stream`'s)."""


__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")
G = TypeVar("G")


# -- what the other layers provide (accumulators, models) --------------------------------------------


def _new_accumulator(fmt: str | None, reasoning_tags: tuple[str, ...] | None = None) -> Accumulator:
    """Return the format's accumulator; without a format, one that detects it (as `sseparse.accumulate` does)."""
    return make_accumulator(fmt, reasoning_tags=reasoning_tags)


# The updates that count as the first token for `Timings.first_delta`.
_DELTAS = frozenset({TextDelta, ToolCallStarted, ToolCallArgumentsDelta})


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


def _ignored_by_format(event: ServerSentEvent) -> bool:
    """Return True for data the accumulators ignore without failing (a foreign ``[DONE]``): no item."""
    from sseparse.accumulators._base import is_foreign_done  # noqa: PLC0415 - loaded on first use

    return is_foreign_done(event.data)


def _raw_converter(event: ServerSentEvent) -> Any:  # noqa: ANN401 - JSON
    return loads(event.data)


def _event_converter(event: ServerSentEvent) -> ServerSentEvent:
    return event


# -- the sans-I/O core ----------------------------------------------------------------------------------

# What the caller iterates: the stream's items (chunks, dicts, events), the accumulator's updates, or
# the answer text. The mode may change between two items; all views share one position.
ITEMS, UPDATES, TEXT = 0, 1, 2


class _Core:
    """Bytes in, events out, one event at a time; knows when the stream ended and why. Shared by both stream classes.

    The driver hands each chunk to ``decode`` and each event it returns to ``step``, which feeds the
    accumulator and returns what the caller gets for that event (a tuple of 0, 1 or more items).
    Events are stepped only as the caller asks for items, so ``result()`` reflects exactly the
    events handed out so far, however the bytes were cut. ``step`` and ``conclude`` never raise on
    content: an error is left in ``error`` for the driver to raise *after* handing out the items
    (Rule 3). ``stopped`` is set when the stream must not be read further (terminal marker or error).
    """

    __slots__ = (
        "acc",
        "acc_closed",
        "allow_truncated",
        "auto",
        "caller",
        "clock",
        "convert",
        "decoder",
        "decoder_options",
        "deferred",
        "error",
        "finished",
        "format",
        "head",
        "lines",
        "mode",
        "oversize",
        "quiet",
        "raw",
        "read_to_eof",
        "reasoning_tags",
        "replay",
        "reset_pending",
        "skip",
        "stopped",
        "text_sent",
    )

    def __init__(  # noqa: PLR0913
        self,
        fmt: str | None,
        *,
        raw: bool,
        allow_truncated: bool,
        decoder_options: dict[str, Any],
        clock: Callable[[], float] | None,
        reasoning_tags: ReasoningTagsOption = None,
        caller: str = "Stream",
    ) -> None:
        if raw and fmt is None:
            msg = "raw=True needs a format: without one, the stream yields ServerSentEvent objects"
            raise ValueError(msg)
        self.format = fmt
        self.raw = raw
        self.allow_truncated = allow_truncated
        self.decoder_options = decoder_options
        self.decoder = SSEDecoder(**decoder_options)
        # Without a format the items are the events, and an auto-detecting accumulator builds the
        # result on the side (as `sseparse.accumulate` would); it never ends or fails the stream.
        self.auto = fmt is None
        self.convert: Callable[[ServerSentEvent], Any] = _event_converter
        if fmt is not None:
            self.convert = _raw_converter if raw else _typed_converter(fmt)
        self.reasoning_tags = tag_names(reasoning_tags)
        self.acc: Accumulator = _new_accumulator(fmt, self.reasoning_tags)
        self.quiet = _quiet_feed(self.acc)
        self.deferred: list[ServerSentEvent] | None = None  # format=None: handed out, not yet accumulated
        self.finished = False
        self.acc_closed = False
        # What the format declares: ``skip_events`` carry nothing for the caller (not yielded; the
        # accumulator still sees them); ``read_to_eof``: no terminal marker, read to the end.
        traits = format_traits(fmt) if fmt is not None else None
        self.skip = traits.skip_events if traits is not None else frozenset()
        self.read_to_eof = traits is not None and traits.read_to_eof
        self.stopped = False
        self.error: BaseException | None = None
        self.oversize: EventTooLargeError | None = None
        self.mode = ITEMS
        self.clock = Clock(clock) if clock is not None else None
        self.reset_pending = False  # a restart: the next updates start with a ResetUpdate
        self.text_sent: list[str] = []  # what text_stream gave, to never give it twice after a reset
        self.replay = ""  # after a reset: text already given that the new text must repeat
        # the first bytes, kept until the first event: a body that is a JSON error document instead
        # of a stream becomes StreamAPIError at its end, not a truncation
        self.head: bytearray | None = bytearray()
        # the first chunks' shape, to tell iter_lines() sources (see _check_line); None: no more checks
        self.lines: _LineShape | None = _LineShape()
        self.caller = caller

    # -- events ---------------------------------------------------------------------------------

    def decode(self, chunk: Buffer) -> list[ServerSentEvent]:
        """Decode one chunk of the source; return its complete events (none are fed yet)."""
        if isinstance(chunk, str):
            raise text_error(self.caller, "str chunks (httpx iter_text() or iter_lines(), decoded text)")
        if self.clock is not None:
            self.clock.read(len(memoryview(chunk)))
        if self.head is not None:
            self._keep_head(chunk)
        if self.lines is not None:
            self._check_line(chunk)
        try:
            events = self.decoder.feed(chunk)
        except EventTooLargeError as exc:  # the caller's max_event_size: a dropped event ends the stream
            self.oversize = exc
            events = exc.events
        if events:
            self.head = None
            self.lines = None  # events arrive: the line ends are there
        return events

    def flush(self) -> list[ServerSentEvent]:
        """Return the events the decoder completes at the end of the source (normally none)."""
        events = self.decoder.close()
        if events:
            self.head = None
        return events

    def _check_line(self, chunk: Buffer) -> None:
        """Before the first event: refuse a source of lines with their line ends removed."""
        shape = self.lines
        assert shape is not None
        verdict = shape.add(chunk)
        if verdict is None:
            self.lines = None  # a line end, or enough chunks seen: a byte stream
        elif verdict:
            raise text_error(self.caller, "lines with their line ends removed (iter_lines())")

    def _keep_head(self, chunk: Buffer) -> None:
        head = self.head
        assert head is not None
        if len(head) + len(memoryview(chunk)) > _sources.HEAD_LIMIT:
            self.head = None  # too long for an error document: a stream, whatever it holds
        else:
            head += chunk

    def _error_document(self) -> bool:
        """At the end: when no event came and the body is a JSON error document, fail with its message."""
        head = self.head
        if not head or self.decoder.last_event_id:
            return False
        error = _sources.api_error(bytes(head), self.partial())
        if error is None:
            return False
        self.error = error
        return True

    def after_chunk(self) -> bool:
        """Return True when the stream must stop after the events of the latest chunk (an oversized event)."""
        if self.stopped:
            return True
        if self.oversize is None:
            return False
        self.stopped = True
        self.error = self.oversize
        return True

    def step(self, event: ServerSentEvent) -> tuple[Any, ...]:
        """Feed one event to the accumulator; return what the caller gets for it in the current mode."""
        if self.auto:
            return self._step_auto(event)
        updates = self._feed(event)
        acc = self.acc
        end = acc.end
        if end != "truncated" and (end == "error" or not self.read_to_eof):
            return self._stop(event, end, updates)  # a terminal marker or an error: the stream is over
        if self.mode != ITEMS:
            return self._view(updates)
        if not event.data or event.event in self.skip:
            return ()
        return self._item(event)

    def _item(self, event: ServerSentEvent) -> tuple[Any, ...]:
        """Convert one event into the item handed out (none for data the format ignores)."""
        try:
            return (self.convert(event),)
        except ValueError as exc:
            if _ignored_by_format(event):  # the accumulator ignored it too (it did not fail)
                return ()
            return self._undecodable(event, exc)

    def _step_auto(self, event: ServerSentEvent) -> tuple[Any, ...]:
        """Without a format: the event itself (or the detected format's updates in the other views).

        Once the format is known (and the first delta timed), the events handed out are kept and fed
        only when the result is asked for, so a caller who iterates events and never asks pays
        nothing for the accumulation. Streams no format claims stop being accumulated at once.
        """
        if self.mode == ITEMS:
            deferred = self.deferred
            if deferred is not None:
                if self.clock is not None and event.data:
                    self.clock.chunk()
                deferred.append(event)
                return (event,)
            self._feed(event)
            if self.quiet is not None and (self.clock is None or self.clock.first_delta is not None):
                self.deferred = []
            return (event,)
        self.catch_up()
        return self._view(self._feed(event))

    def catch_up(self) -> None:
        """Feed the events handed out but not yet accumulated (format=None); from now on feed as they go."""
        deferred = self.deferred
        if deferred is not None:
            self.deferred = None
            quiet = self.quiet
            assert quiet is not None
            for event in deferred:
                quiet(event, None)
            if self.finished:
                self._close_acc()

    def _feed(self, event: ServerSentEvent) -> list[Update] | None:
        """Feed ``event``; return its updates, or None when nobody needs them (the fast path)."""
        clock = self.clock
        if clock is not None and event.data and event.event not in self.skip and (self.auto or event.data[:1] == "{"):
            clock.chunk()  # a chunk: what a format hands out (not [DONE], not a ping)
        quiet = self.quiet
        if quiet is not None and self.mode == ITEMS and (clock is None or clock.first_delta is not None):
            quiet(event, None)
            return None
        updates = self.acc.feed(event)
        if clock is not None and clock.first_delta is None and any(type(u) in _DELTAS for u in updates):
            clock.delta()
        if self.auto and quiet is None:
            self.quiet = _quiet_feed(self.acc)  # detected: the auto accumulator now delegates
        return updates

    def _stop(self, event: ServerSentEvent, end: str, updates: list[Update] | None) -> tuple[Any, ...]:
        self.stopped = True
        if end == "error":
            self.error = self._content_error(event)
            return self._view(updates) if self.mode != ITEMS else ()
        last = self._close_acc()  # nothing more will be fed: the accumulator's last updates go out now
        if self.mode != ITEMS:
            return self._view([*(updates or ()), *last])
        if event.data.lstrip()[:1] != "{":  # [DONE] is no item; message_stop, response.completed are
            return ()
        return self._item(event)

    def _undecodable(self, event: ServerSentEvent, exc: ValueError) -> tuple[Any, ...]:
        """End the stream at data that is not JSON (``raw=True`` over a registered format that accepts it)."""
        self.stopped = True
        self.error = StreamDecodeError(f"event data is not JSON: {exc}", event=event, partial=self.partial())
        return ()

    def _view(self, updates: list[Update] | None) -> tuple[Any, ...]:
        """Return the updates as the current mode shows them: as they are, or the answer text of choice 0."""
        if self.reset_pending:
            self.reset_pending = False
            updates = [ResetUpdate(), *(updates or ())]
        if not updates:
            return ()
        if self.mode == UPDATES:
            return tuple(updates)
        return tuple(self._texts(updates))

    def _texts(self, updates: list[Update]) -> Iterator[str]:
        for update in updates:
            kind = type(update)
            if kind is ResetUpdate:
                self.replay += "".join(self.text_sent)
                self.text_sent = []
            elif isinstance(update, TextDelta) and update.choice == 0:
                text = self._unsent(update.text)
                if text:
                    self.text_sent.append(text)
                    yield text

    def _unsent(self, text: str) -> str:
        """After a reset: skip the text that repeats what was already given; refuse text that contradicts it."""
        replay = self.replay
        if not replay:
            return text
        if replay.startswith(text):
            self.replay = replay[len(text) :]
            self.text_sent.append(text)
            return ""
        if text.startswith(replay):
            self.replay = ""
            self.text_sent.append(replay)
            return text[len(replay) :]
        self.stopped = True
        msg = (
            "the stream started over with different text after text_stream had given some of it; "
            "text cannot be taken back: iterate updates() and handle ResetUpdate"
        )
        self.error = StreamError(msg, partial=self.partial())
        return ""

    def _content_error(self, event: ServerSentEvent) -> Exception:
        partial = self.result()
        error = partial.error
        if error is None:  # the accumulator always says why; be safe anyway
            return StreamDecodeError(f"the stream failed at event {event!r}", event=event, partial=partial)
        if error.type in ("invalid_json", "unknown_format"):
            return StreamDecodeError(error.message, event=event, partial=partial)
        return StreamAPIError(error.message, code=error.code, type=error.type, body=error.raw, event=event, partial=partial)

    def conclude(self, *, resumable: bool = False, reconnecting: bool = False) -> tuple[Any, ...]:
        """Decide whether the stream was complete, once the source ended and its last events were handed out.

        Returns the accumulator's last updates (as the current mode shows them). ``resumable``: a
        reconnect may continue this accumulator, so it is not closed (a stream without its terminal
        marker so far counts as truncated). ``reconnecting``: a truncation is reported even with
        ``allow_truncated``, so that the driver can decide to reconnect.
        """
        if self.stopped:
            return ()
        self.stopped = True
        if self._error_document():
            self._close_acc()
            return ()
        last: list[Update] = []
        if self.auto:
            truncated = self.decoder.incomplete
        else:
            acc = self.acc
            if not resumable:
                last = self._close_acc()  # some formats are only complete once the end is known
            if acc.end == "error":
                self.error = self._content_error(ServerSentEvent())
            truncated = acc.end == "truncated"
        if truncated and self.error is None and (reconnecting or not self.allow_truncated):
            self.error = self.truncation()
        return self._view(last) if self.mode != ITEMS else ()

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
        self.finished = True
        if self.deferred is None:  # format=None with deferred events: closed when caught up
            self._close_acc()
        if self.clock is not None:
            self.clock.end()

    def _close_acc(self) -> list[Update]:
        if self.acc_closed:
            return []
        self.acc_closed = True
        return self.acc.close()

    def result(self) -> AccumulatedResult:
        self.catch_up()
        result = self.acc.result()
        if self.clock is not None:
            result.timings = self.clock.timings(result.usage)
        return result

    def partial(self) -> AccumulatedResult | None:
        return self.result()

    def timings(self) -> Timings | None:
        if self.clock is None:
            return None
        self.catch_up()
        return self.clock.timings(self.acc.result().usage if self.clock.chunks else None)

    # -- reconnects -----------------------------------------------------------------------------

    @property
    def decoded(self) -> bool:
        """True once this connection gave an event (so items may have been handed out)."""
        return self.head is None

    def announce_reset(self) -> None:
        """Queue a `ResetUpdate`: a reconnect started over, and the result so far was discarded.

        ``updates()`` hands it out before the next event's updates; ``text_stream`` skips the text
        the new attempt repeats (see `_Core._unsent`).
        """
        self.reset_pending = True

    def reset(self, *, resume: bool) -> None:
        """Prepare for the next connection.

        Resume keeps the accumulator and the last event ID; restart starts both afresh (the
        reconnect policy announces the restart with `announce_reset` when output was handed out).
        """
        self.stopped = False
        self.error = None
        self.oversize = None
        self.head = bytearray()
        self.lines = _LineShape()
        if resume:
            self.decoder.reset()
            return
        retry = self.decoder.retry
        self.decoder = SSEDecoder(**self.decoder_options)
        self.decoder.retry = retry
        self.acc = _new_accumulator(self.format, self.reasoning_tags)
        self.quiet = _quiet_feed(self.acc)
        self.deferred = None
        self.acc_closed = False


_FIELD_STARTS = (b"data:", b"event:", b"id:", b"retry:")


class _LineShape:
    """The shape of a source's first chunks, to tell the lines of ``iter_lines()`` from a byte stream.

    ``iter_lines()`` (requests, or httpx's encoded back) yields each line without its line end and
    an empty chunk for each blank line: ``data: ...``, ``b""``, ``data: ...``. A byte stream has line
    ends, never yields ``b""`` in practice, and a cut inside a line may look like a field line once
    (content containing ``data:``), so the verdict needs all of: no line end in any chunk so far, two
    chunks that start with a field name, and an empty chunk right after one of them. Only the first
    ``LIMIT`` chunks are looked at (the check costs nothing on a long stream).
    """

    __slots__ = ("after_line", "chunks", "field_lines", "previous_line")
    LIMIT = 16

    def __init__(self) -> None:
        self.chunks = self.field_lines = 0
        self.after_line = self.previous_line = False

    def add(self, chunk: Buffer) -> bool | None:
        """Take the next chunk; return True for lines without their ends, None once it is a byte stream."""
        data = bytes(chunk)
        if b"\n" in data or b"\r" in data or self.chunks >= self.LIMIT:
            return None
        self.chunks += 1
        if not data:
            self.after_line = self.after_line or self.previous_line
            self.previous_line = False
        else:
            self.previous_line = data.startswith(_FIELD_STARTS)
            self.field_lines += self.previous_line
        return self.after_line and self.field_lines >= 2


def _quiet_feed(acc: Accumulator) -> Callable[[ServerSentEvent, None], None] | None:
    """Return the accumulator's feed that builds no update objects, or None when it has none."""
    if isinstance(acc, BaseAccumulator):
        return acc._feed  # noqa: SLF001 - the accumulators' own fast path
    delegate = getattr(acc, "delegate", None)  # an AutoAccumulator, once it knows the format
    if isinstance(delegate, BaseAccumulator):
        return delegate._feed  # noqa: SLF001
    return None


# -- what a reconnecting stream needs (implemented by sseparse._reconnect.Reconnect) ------------------


class ReconnectPolicy(Protocol):
    """The reconnect policy as the stream classes drive it (see `sseparse.reconnecting`)."""

    def resumes(self, last_event_id: str) -> bool: ...

    def seed(self, last_event_id: str) -> None: ...

    def began(self, core: _Core) -> None: ...

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


def _close_all(objects: list[Any], *, quiet: bool = False) -> None:
    """Call ``close()`` on each object that has one, each once, all of them even if one raises.

    ``quiet``: errors are dropped (closing from another thread, where the reader may be inside one).
    """
    error: BaseException | None = None
    for close in _closers(objects, _close_method):
        try:
            close()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others are closed
            error = error or exc
    if error is not None and not (quiet and isinstance(error, Exception)):
        raise error


async def _aclose_all(objects: list[Any], *, quiet: bool = False) -> None:
    """Like `_close_all`, preferring ``aclose()``; a ``close()`` that returns an awaitable is awaited."""
    error: BaseException | None = None
    for close in _closers(objects, _aclose_method):
        try:
            result = close()
            if hasattr(result, "__await__"):
                await result
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the others are closed
            error = error or exc
    if error is not None and not (quiet and isinstance(error, Exception)):
        raise error


def _sync_chunks(source: Any) -> Iterator[Buffer]:  # noqa: ANN401
    """Return an iterator of byte chunks over an iterable of bytes-likes or a binary file object."""
    if hasattr(source, "__aiter__") and not hasattr(source, "__iter__") and not hasattr(source, "read"):
        msg = f"{type(source).__name__} is an async iterable: use AsyncStream (async for) to read it"
        raise TypeError(msg)
    return byte_chunks(source, "Stream")


def _closable(obj: object) -> bool:
    return obj is not None and (callable(getattr(obj, "close", None)) or callable(getattr(obj, "aclose", None)))


# -- Stream -----------------------------------------------------------------------------------------


class _StreamBase(Generic[T, G]):
    """What `Stream` and `AsyncStream` share: options, the core, ``result()``, state, decisions.

    ``G`` is the type of the generator that reads the stream (``_run``): sync or async.

    Closing from elsewhere (another thread, another task) while the reader is inside the generator
    cannot close the generator (Python refuses: "already executing"). It sets ``_stop`` instead and
    closes the connection under the reader (`_sources.interrupt` shuts a blocked socket down); the
    reader's read then fails or ends, and the reader, seeing ``_stop``, ends cleanly (``"closed"``)
    or raises `StreamTimeoutError` (``"idle"``, the sync idle timeout's watchdog).
    """

    response: Any
    """The HTTP response: the response object given as ``source``, or whatever was passed as
    ``response=``; with `sseparse.reconnecting`, the response of the latest connection."""

    _closed = True  # until __init__ has finished (see __del__)
    _stop: str | None = None
    _gen: G | None = None

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
        idle_timeout: float | None = None,
        clock: Callable[[], float] | None = time.perf_counter,
        reasoning_tags: ReasoningTagsOption = None,
        _reconnect: ReconnectPolicy | None = None,
    ) -> None:
        if idle_timeout is not None and not idle_timeout > 0:
            msg = f"idle_timeout must be a positive number of seconds or None, not {idle_timeout!r}"
            raise ValueError(msg)
        options: dict[str, Any] = {"last_event_id": last_event_id}
        if max_event_size is not None:
            options["max_event_size"] = max_event_size
        self._core = _Core(
            format,
            raw=raw,
            allow_truncated=allow_truncated,
            decoder_options=options,
            clock=clock,
            reasoning_tags=reasoning_tags,
            caller=type(self).__name__,
        )
        self._source = source
        self._iterator: Any = None  # the chunk iterator taken from the current source
        self._reconnect = _reconnect
        self._idle_timeout = idle_timeout
        self._reader: int | None = None  # the thread that iterates (sync)
        self.format = format
        self.response = source if response is None and _sources.is_response(source) else response
        self.attempts = 0 if _reconnect is not None else 1
        """How many connections were made (1 without `sseparse.reconnecting`)."""
        if _reconnect is not None:
            _reconnect.seed(last_event_id)
        self._closed = False

    def result(self) -> AccumulatedResult:
        """Return the accumulated result so far (`sseparse.AccumulatedResult`), at any moment.

        It reflects exactly the items handed out so far (chunks, updates or text), however the bytes
        were cut: events are decoded ahead but fed to the accumulator one by one, as they are handed
        out. After the stream ended -- normally, by an error, a truncation or ``close()`` -- its
        ``end`` says how. Without a format, the format is detected from the events as
        `sseparse.accumulate` does. ``result().timings`` is ``stream.timings`` at that moment.
        """
        return self._core.result()

    @property
    def timings(self) -> Timings | None:
        """`Timings` of the stream so far: time to first byte, chunk and delta, rates (None with ``clock=None``)."""
        return self._core.timings()

    @property
    def last_event_id(self) -> str:
        """The last event ID seen: what a reconnect sends as ``Last-Event-ID``."""
        return self._core.decoder.last_event_id

    @property
    def closed(self) -> bool:
        """True once the stream was closed (explicitly, by its end, by an error, or from another thread or task)."""
        return self._closed or self._stop == "closed"

    def __repr__(self) -> str:
        state = "closed" if self.closed and self._core.stopped else "open"
        return f"{type(self).__name__}(format={self.format!r}, {state}, attempts={self.attempts})"

    def __del__(self) -> None:
        # Like an unclosed file or socket: a stream dropped with its connection still open says so.
        if self._closed or self._stop is not None:
            return
        if any(_closable(obj) for obj in (self._iterator, self._source, self.response)):
            msg = f"unclosed {self!r}: use 'with' / 'async with', or call close() / aclose(), when you stop early"
            warnings.warn(msg, ResourceWarning, stacklevel=2, source=self)

    # -- what both drivers decide the same way (they only add the I/O) -----------------------------

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

    def _connect(self, connection: tuple[Any, Any] | None) -> tuple[Any, Any]:
        """Take a connection: ``(source, response)`` from the reconnect policy, or None for the given source.

        Return the source to read and this connection's response (None when it has none); from now on
        the stream has things to close again.
        """
        if connection is None:
            response = self.response
        else:
            self._source, response = connection
            if response is None and _sources.is_response(self._source):
                response = self._source
            if response is not None:
                self.response = response
        if self._stop == "idle":
            self._stop = None
        self._closed = False
        return self._source, response

    def _http_problem(self, response: object) -> bool:
        return response is not None and _sources.response_problem(response) is not None

    def _conclude(self) -> tuple[Any, ...]:
        """Conclude when the source ended; with a reconnect policy a truncation may be retried."""
        reconnect = self._reconnect
        core = self._core
        resumable = reconnect is not None and reconnect.resumes(core.decoder.last_event_id)
        return core.conclude(resumable=resumable, reconnecting=reconnect is not None)

    def _read_error(self, exc: Exception) -> Exception | None:
        """Return what a failed read becomes: a transport failure is a truncation or a timeout; None for the rest."""
        kind = _sources.transport_failure(exc)
        if kind is None:
            return None
        core = self._core
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        suffix = "" if self.format is None else f" ({self.format})"
        if kind == "timeout":
            msg = f"the HTTP client timed out reading the stream ({what}){suffix}"
            return StreamTimeoutError(msg, timeout=None, partial=core.partial())
        msg = f"the connection failed mid-stream ({what}): the stream was cut off{suffix}"
        return IncompleteStreamError(msg, last_event_id=core.decoder.last_event_id, partial=core.partial())

    def _stopped_elsewhere(self) -> bool:
        """After the read loop: True when the stream was closed from elsewhere (a clean end); raise on an idle timeout."""
        stop = self._stop
        if stop == "idle":
            limit = self._idle_timeout
            msg = f"no bytes arrived for {limit:g} s (idle_timeout)"
            raise StreamTimeoutError(msg, timeout=limit, partial=self._core.partial())
        return stop is not None

    def _retry_wait(self, exc: BaseException) -> float | None:
        """Seconds to wait before reconnecting after ``exc``; None when it is not retried."""
        reconnect = self._reconnect
        if reconnect is None or self._stop == "closed":
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

    def _to_interrupt(self) -> list[Any]:
        """Return what another thread or task may close under a running reader: not the iterator it is inside."""
        return [obj for obj in (self._source, self.response) if obj is not self._iterator]


class Stream(_StreamBase[T, "Generator[T, None, None]"]):
    """Iterate a Server-Sent Events byte stream as typed chunks, events or dicts.

    ``source``    an HTTP response object (httpx or requests; it is read, checked and closed by the
                  stream), an iterable of bytes-likes (httpx ``response.iter_bytes()``, requests
                  ``response.iter_content(None)``, a generator) or a binary file object.
    ``format``    ``None`` yields `ServerSentEvent` objects; a format name (``"openai-chat"``,
                  ``"openai-responses"``, ``"anthropic-messages"``, ``"gemini"``, ...) yields that
                  format's typed models from `sseparse.models`, validated leniently (unknown fields
                  kept, never an error), and accumulates the result as it goes.
    ``response``  kept as ``stream.response``, checked (status and content type: `StreamHTTPError`)
                  and closed with the source. Implied when ``source`` is a response object.
    ``raw``       with a format: yield the parsed JSON dicts instead of models.
    ``allow_truncated``  a source that ends before the terminal marker is a plain end instead of
                  `IncompleteStreamError` (``stream.result().end`` still says ``"truncated"``).
    ``last_event_id``, ``max_event_size``  passed to the `SSEDecoder`.
    ``idle_timeout``  seconds without bytes before `StreamTimeoutError`; needs a response object,
                  which a watchdog thread closes to wake the blocked read.
    ``reasoning_tags``  tag names (``("think", "reasoning")``, or True for those) whose text in the
                  answer goes to reasoning, in the updates and the result (see `sseparse.accumulate`).

    The stream stops at the format's terminal marker (an exact ``[DONE]``, ``message_stop``,
    ``response.completed`` ...) and closes the source right away. Use it as a context manager, or call
    `close` when you stop early; `close` may be called from another thread while a read is blocked.
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
            self: Stream[StreamedChatResponse],
            source: SyncSource,
            format: Literal["cohere-v2"],
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

    _watchdog: Any = None  # the idle timeout's stop event (threading.Event), per connection

    def __iter__(self) -> Iterator[T]:
        self._core.mode = ITEMS
        return self._generator()

    def __next__(self) -> T:
        self._core.mode = ITEMS
        return next(self._generator())

    def updates(self) -> Iterator[Update]:
        """Iterate the accumulator's typed updates instead of the chunks.

        `TextDelta`, `ReasoningDelta`, `ToolCallStarted` / `ToolCallArgumentsDelta` /
        `ToolCallFinished`, `UsageUpdate`, `FinishUpdate`, `ErrorUpdate`, `ResetUpdate` (and any
        other update the format's accumulator gives), with everything the stream does around them:
        the source is closed at the end, on an error (raised after the updates before it, an
        `ErrorUpdate` included) and on ``close()``; reconnects go on, and a restart starts over with
        a `ResetUpdate`. Chunks, updates and `text_stream` share one position in the stream.
        """
        return self._view(UPDATES)

    @property
    def text_stream(self) -> Iterator[str]:
        """Iterate the answer text as it arrives: the text deltas of the first choice, nothing else.

        Joined, they make ``result().text``. Text is never given twice: after a restart (or a
        provider's reset) text that repeats what was given is skipped, and text that contradicts
        it raises `StreamError` (use `updates` to handle such resets yourself).
        """
        return self._view(TEXT)

    def _view(self, mode: int) -> Iterator[Any]:
        core = self._core
        gen = self._generator()
        while True:
            core.mode = mode
            try:
                item = next(gen)
            except StopIteration:
                return
            yield item

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and close the source (and ``response``). Idempotent; safe at any moment.

        From another thread while the reader is blocked: the connection is shut down under it and
        the reader's loop ends cleanly (a response object is needed to wake a blocked read; a plain
        iterator is noticed at its next chunk).
        """
        gen = self._gen
        if gen is not None and (getattr(gen, "gi_running", False) or self._reader not in (None, get_ident())):
            self._stop = self._stop or "closed"
            self._interrupt()
            return
        # runs the generator's cleanup when it was started; iterating a closed stream yields nothing
        self._generator().close()
        self._release()
        self._core.finish()

    def _interrupt(self) -> None:
        """Close the connection under a reader running in another thread."""
        for obj in (self.response, self._source):
            _sources.interrupt(obj)
        _close_all(self._to_interrupt(), quiet=True)

    def _release(self) -> None:
        if self._watchdog is not None:
            self._watchdog.set()
            self._watchdog = None
        _close_all(self._to_release(), quiet=self._stop is not None)

    def _open(self) -> Iterator[Buffer]:
        """Connect (the given source first), check the HTTP response, return the chunk iterator."""
        reconnect = self._new_attempt()
        source, response = self._connect(None if reconnect is None else reconnect.open())
        self._iterator = _sync_chunks(_sources.sync_body(source) if _sources.is_response(source) else source)
        if self._http_problem(response):
            raise _sources.http_error(response, _sources.read_head(self._iterator), self._core.partial())
        if reconnect is not None:
            reconnect.began(self._core)
        if self._idle_timeout is not None:
            return self._watched(response)
        return self._iterator  # type: ignore[no-any-return]

    def _watched(self, response: object) -> Iterator[Buffer]:
        """Yield the chunks under a watchdog thread that interrupts the read after ``idle_timeout`` s without bytes."""
        import threading  # noqa: PLC0415 - only for a sync idle timeout
        import time  # noqa: PLC0415

        if response is None:
            msg = "Stream(idle_timeout=...) needs a response object to close from its watchdog: pass the HTTP response"
            raise TypeError(msg)
        limit = self._idle_timeout
        assert limit is not None
        done = self._watchdog = threading.Event()
        reading: list[float | None] = [None]  # when the pending read started; None between reads

        def watch() -> None:
            # Only a read counts: a caller that takes its time between chunks is not an idle server.
            while True:
                since = reading[0]
                waited = 0.0 if since is None else time.monotonic() - since
                if waited >= limit:
                    self._stop = self._stop or "idle"
                    self._interrupt()
                    return
                if done.wait(limit - waited):
                    return

        threading.Thread(target=watch, name="sseparse idle_timeout", daemon=True).start()
        chunks = self._iterator
        while True:
            reading[0] = time.monotonic()
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            finally:
                reading[0] = None
            yield chunk

    def _run(self) -> Generator[T, None, None]:
        core = self._core
        self._reader = get_ident()
        try:
            while True:
                try:
                    yield from self._attempt()
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
                    if self._stop == "closed":
                        return  # closed from another thread during the wait
                else:
                    return
        finally:
            self._release()
            core.finish()

    def _attempt(self) -> Generator[T, None, None]:
        """Read one connection: hand out each event's items as the caller asks; release the source at the end."""
        core = self._core
        chunks = self._open()
        last: tuple[Any, ...] = ()
        with _ReadGuard(self):
            for chunk in chunks:
                if (yield from self._hand_out(core.decode(chunk))) or core.after_chunk() or self._stop:
                    break
            else:
                if not (yield from self._hand_out(core.flush())):
                    last = self._conclude()
        if self._stop is not None and self._stopped_elsewhere():
            return
        self._release()
        yield from last

    def _hand_out(self, events: list[ServerSentEvent]) -> Generator[T, None, bool]:
        """Step the events one by one as the caller asks; return True when the stream stopped at one.

        The source is released *before* the items of the event that stopped it are handed out, so
        the connection goes back even if the caller stops there. A close from elsewhere stops here too.
        """
        core = self._core
        step = core.step
        for event in events:
            if self._stop:
                return True
            out = step(event)
            if core.stopped:
                self._release()
                yield from out
                return True
            yield from out
        return False


# -- AsyncStream ------------------------------------------------------------------------------------


class AsyncStream(_StreamBase[T, "AsyncGenerator[T, None]"]):
    """The async twin of `Stream`: ``async for`` over an async iterable of bytes-likes.

    ``source`` is an HTTP response object (httpx ``AsyncClient`` or aiohttp; it is read, checked and
    closed by the stream) or an async iterable (httpx ``response.aiter_bytes()``, aiohttp
    ``response.content.iter_any()``, an async generator). Options are those of `Stream`;
    ``idle_timeout`` needs asyncio: when no bytes arrive for that many seconds, the stream raises
    `StreamTimeoutError` (with ``partial``) and closes the source.

    Use ``async with`` or call `aclose` (a stream dropped unclosed with its connection open gives a
    `ResourceWarning`); cancellation of the consuming task closes the source too, and `aclose` from
    another task ends a blocked reader cleanly.
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
            self: AsyncStream[StreamedChatResponse],
            source: AsyncSource,
            format: Literal["cohere-v2"],
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

    def __aiter__(self) -> AsyncIterator[T]:
        self._core.mode = ITEMS
        return self._generator()

    async def __anext__(self) -> T:
        self._core.mode = ITEMS
        return await self._generator().__anext__()

    def updates(self) -> AsyncIterator[Update]:
        """Iterate the accumulator's typed updates instead of the chunks (see `Stream.updates`)."""
        return self._view(UPDATES)

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """Iterate the answer text as it arrives (see `Stream.text_stream`)."""
        return self._view(TEXT)

    async def _view(self, mode: int) -> AsyncIterator[Any]:
        core = self._core
        gen = self._generator()
        while True:
            core.mode = mode
            try:
                item = await gen.__anext__()
            except StopAsyncIteration:
                return
            yield item

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop reading and close the source (and ``response``). Idempotent; safe at any moment.

        From another task while the reader waits for bytes: the response is closed under it and the
        reader's loop ends cleanly.
        """
        gen = self._gen
        if gen is not None and getattr(gen, "ag_running", False):
            self._stop = self._stop or "closed"
            await _aclose_all(self._to_interrupt(), quiet=True)
            return
        # runs the generator's cleanup when it was started; iterating a closed stream yields nothing
        await self._generator().aclose()
        await self._release()
        self._core.finish()

    close = aclose

    async def _release(self) -> None:
        await _aclose_all(self._to_release(), quiet=self._stop is not None)

    async def _open(self) -> AsyncIterator[Buffer]:
        reconnect = self._new_attempt()
        source, response = self._connect(None if reconnect is None else await reconnect.aopen())
        if _sources.is_response(source):
            source = _sources.async_body(source)
        if not hasattr(source, "__aiter__"):
            msg = f"AsyncStream takes an async iterable of byte chunks, not {type(source).__name__}"
            raise TypeError(msg)
        self._iterator = source.__aiter__()
        if self._http_problem(response):
            raise _sources.http_error(response, await _sources.aread_head(self._iterator), self._core.partial())
        if reconnect is not None:
            reconnect.began(self._core)
        return self._iterator  # type: ignore[no-any-return]

    async def _run(self) -> AsyncGenerator[T, None]:
        core = self._core
        try:
            while True:
                try:
                    async for item in self._attempt():
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
                    if self._stop == "closed":
                        return  # closed from another task during the wait
                else:
                    return
        finally:
            await self._release()
            core.finish()

    async def _attempt(self) -> AsyncGenerator[T, None]:
        """Read one connection: `Stream._attempt` with awaits (async generators cannot delegate)."""
        core = self._core
        step = core.step
        limit = self._idle_timeout
        next_chunk: Callable[[], Awaitable[Buffer]] | None = (await self._open()).__anext__
        last: tuple[Any, ...] = ()
        with _ReadGuard(self):
            while next_chunk is not None:
                try:
                    events = core.decode(await (next_chunk() if limit is None else self._timed(next_chunk, limit)))
                except StopAsyncIteration:
                    events, next_chunk = core.flush(), None  # the source ended: conclude after these
                for event in events:
                    if self._stop:
                        break
                    out = step(event)
                    if core.stopped:
                        await self._release()
                    for item in out:
                        yield item
                    if core.stopped:
                        break
                if core.after_chunk() or self._stop:
                    break
            else:
                last = self._conclude()
        if self._stop is not None and self._stopped_elsewhere():
            return
        await self._release()
        for item in last:
            yield item

    async def _timed(self, next_chunk: Callable[[], Awaitable[Buffer]], limit: float) -> Buffer:
        import asyncio  # noqa: PLC0415 - `import sseparse` must not import asyncio

        deadline = asyncio.timeout(limit)
        try:
            async with deadline:
                return await next_chunk()
        except TimeoutError:
            if not deadline.expired():
                raise  # the source's own TimeoutError: a transport timeout, not ours
            msg = f"no bytes arrived for {limit:g} s (idle_timeout)"
            raise StreamTimeoutError(msg, timeout=limit, partial=self._core.partial()) from None


class _ReadGuard:
    """Around the read loop: a transport failure becomes `IncompleteStreamError` / `StreamTimeoutError`.

    The client's exception becomes the ``__cause__``. After a close from elsewhere, whatever the read
    raised is the expected end of a closed connection, and is dropped.
    """

    __slots__ = ("stream",)

    def __init__(self, stream: _StreamBase[Any, Any]) -> None:
        self.stream = stream

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> bool:
        if not isinstance(exc, Exception):
            return False
        stream = self.stream
        if stream._stop is not None:  # noqa: SLF001
            return True
        failure = stream._read_error(exc)  # noqa: SLF001
        if failure is None:
            return False
        raise failure from exc
