"""The format registry, the auto-detecting accumulator and `accumulate`.

Built-in formats: ``openai-chat``, ``openai-responses``, ``anthropic-messages``, ``gemini``,
``cohere-v2``. Add your own with `register_format` (its ``detect`` callable is asked before the
built-in rules), or install a package that declares one in the ``sseparse.formats`` entry-point group:
the group is read on first use and each entry point names a `FormatAccumulator` subclass (or any
factory of an `Accumulator`), registered under the entry point's name.

A format's traits (`FormatTraits`: terminal and skipped events, reading to EOF, its pydantic models)
are read off its factory, so `sseparse.Stream` and `sseparse.models` ask here instead of keeping
tables of their own.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

from sseparse._decoder import SSEDecoder
from sseparse._events import ServerSentEvent
from sseparse._iter import iter_events, text_error
from sseparse._json import loads
from sseparse.accumulators._base import (
    Accumulator,
    BaseAccumulator,
)
from sseparse.accumulators._detect import detect_builtin
from sseparse.accumulators._payloads import error_from_payload, is_error_payload
from sseparse.accumulators._results import (
    AccumulatedResult,
    AccumulatorClosedError,
    End,
    StreamErrorInfo,
    _short,
)
from sseparse.accumulators._tags import ReasoningTags, apply_tags, tag_names
from sseparse.accumulators._updates import (
    ErrorUpdate,
    Update,
)
from sseparse.accumulators.anthropic import AnthropicAccumulator
from sseparse.accumulators.cohere import CohereAccumulator
from sseparse.accumulators.gemini import GeminiAccumulator
from sseparse.accumulators.openai_chat import OpenAIChatAccumulator
from sseparse.accumulators.openai_responses import OpenAIResponsesAccumulator

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sseparse._typing import Buffer
    from sseparse.accumulators._tags import ReasoningTagsOption

__all__ = [
    "ENTRY_POINT_GROUP",
    "AutoAccumulator",
    "FormatTraits",
    "accumulate",
    "format_traits",
    "formats",
    "make_accumulator",
    "register_format",
    "unregister_format",
]

ENTRY_POINT_GROUP = "sseparse.formats"

_BUILTIN: dict[str, Callable[[], Accumulator]] = {
    "openai-chat": OpenAIChatAccumulator,
    "openai-responses": OpenAIResponsesAccumulator,
    "anthropic-messages": AnthropicAccumulator,
    "gemini": GeminiAccumulator,
    "cohere-v2": CohereAccumulator,
}
_FACTORIES: dict[str, Callable[[], Accumulator]] = dict(_BUILTIN)
_DETECTORS: dict[str, Callable[[ServerSentEvent, Any], bool]] = {}
# Built-in formats that `detect_builtin` does not know: asked after it (a format plugin's own `detect`).
_BUILTIN_DETECTORS: dict[str, Callable[[ServerSentEvent, Any], bool]] = {"cohere-v2": CohereAccumulator.detect}
# Formats found through the entry-point group (asked last).
_PLUGIN_DETECTORS: dict[str, Callable[[ServerSentEvent, Any], bool]] = {}
_plugins_loaded = False

_SLICE = 256 * 1024  # bytes handed to the decoder at a time when the whole body is given at once

# How many events may pass without telling the format before auto-detection gives up.
MAX_DETECT_EVENTS = 32


def register_format(
    name: str | type[Accumulator],
    factory: Callable[[], Accumulator] | None = None,
    *,
    detect: Callable[[ServerSentEvent, Any], bool] | None = None,
    replace: bool = False,
) -> None:
    """Register an accumulator for your own format (or replace a built-in one with ``replace=True``).

    ``register_format(MyFormat)`` registers a `FormatAccumulator` subclass under its ``format`` name,
    with its ``detect`` classmethod. ``register_format(name, factory, detect=...)``: ``factory()``
    returns a fresh `Accumulator`; ``detect(event, payload)`` -- ``payload`` is the event's data parsed
    as JSON, or None when it is not JSON -- returns True when the event belongs to the format.
    Registered detectors are asked before the built-in rules, newest first. Without ``detect`` the
    format is only used when asked for by name (``accumulate(source, format=name)``).
    """
    if isinstance(name, type):
        if factory is not None:
            msg = "register_format(cls) takes the class alone: its format attribute is the name"
            raise TypeError(msg)
        factory, name = name, getattr(name, "format", "")
        if detect is None:
            detect = _class_detect(factory)
    if factory is None:
        msg = "register_format(name, factory) needs a factory"
        raise TypeError(msg)
    if not isinstance(name, str) or not name:
        msg = f"a format name must be a non-empty str, not {name!r}"
        raise ValueError(msg)
    if name in _FACTORIES and not replace:
        msg = f"format {name!r} is already registered: pass replace=True to replace it"
        raise ValueError(msg)
    _FACTORIES[name] = factory
    _DETECTORS.pop(name, None)
    if detect is not None:
        _DETECTORS[name] = detect


def unregister_format(name: str) -> None:
    """Remove a format registered with `register_format` or a plugin (a built-in one goes back to its default)."""
    _DETECTORS.pop(name, None)
    _PLUGIN_DETECTORS.pop(name, None)
    if name in _BUILTIN:
        _FACTORIES[name] = _BUILTIN[name]
    else:
        _FACTORIES.pop(name, None)


def _class_detect(factory: object) -> Callable[[ServerSentEvent, Any], bool] | None:
    detect = getattr(factory, "detect", None)
    return detect if callable(detect) else None


def load_plugins(*, refresh: bool = False) -> None:
    """Register the formats of the ``sseparse.formats`` entry-point group (once; again with ``refresh``).

    A name already registered (built-in or by `register_format`) is kept; a plugin that fails to load
    is skipped with a `RuntimeWarning` naming it, so one broken package does not break the others.
    """
    global _plugins_loaded  # noqa: PLW0603 - a process-wide cache, like the registry itself
    if _plugins_loaded and not refresh:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points  # noqa: PLC0415 - only when a plugin may be needed

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in _FACTORIES:
            continue
        try:
            factory = entry.load()
        except Exception as exc:  # noqa: BLE001 - any error of someone else's package
            warnings.warn(
                f"sseparse format plugin {entry.name!r} ({entry.value}) failed to load: {exc!r}", RuntimeWarning, stacklevel=2
            )
            continue
        if not callable(factory):
            warnings.warn(f"sseparse format plugin {entry.name!r} ({entry.value}) is not a factory", RuntimeWarning, stacklevel=2)
            continue
        _FACTORIES[entry.name] = factory
        detect = _class_detect(factory)
        if detect is not None:
            _PLUGIN_DETECTORS[entry.name] = detect


def formats() -> tuple[str, ...]:
    """Return the names of the registered formats (installed plugins included)."""
    load_plugins()
    return tuple(_FACTORIES)


def make_accumulator(format: str | None = None, *, reasoning_tags: ReasoningTagsOption = None) -> Accumulator:  # noqa: A002
    """Return a fresh accumulator for ``format``, or an `AutoAccumulator` that detects it when None.

    ``reasoning_tags``: tag names (``("think", "reasoning")``, or True for those two) whose text in
    the answer is moved to reasoning, in the updates and the results (see the accumulators docs).
    """
    names = tag_names(reasoning_tags)
    accumulator: Accumulator = AutoAccumulator() if format is None else _factory(format)()
    return accumulator if names is None else ReasoningTags(accumulator, names)


def _factory(name: str) -> Callable[[], Accumulator]:
    factory = _FACTORIES.get(name)
    if factory is None:
        load_plugins(refresh=True)  # a package installed since the first look
        factory = _FACTORIES.get(name)
    if factory is None:
        msg = f"unknown format {name!r}; known formats: {', '.join(_FACTORIES)}"
        raise ValueError(msg)
    return factory


class FormatTraits(NamedTuple):
    """What the stream machinery needs to know about a format, as its accumulator class declares it.

    ``terminal_events``  event kinds after which the stream is complete.
    ``skip_events``      event kinds that carry nothing for the caller (pings): `Stream` does not yield them.
    ``read_to_eof``      no terminal marker: `Stream` reads to the end even after the result is complete.
    ``chunk_model``      ``"module:Class"`` of the pydantic model of one event, or None.
    ``final_model``      ``"module:Class"`` of the pydantic model of ``result.final``, or None.
    """

    terminal_events: frozenset[str] = frozenset()
    skip_events: frozenset[str] = frozenset()
    read_to_eof: bool = False
    chunk_model: str | None = None
    final_model: str | None = None


def format_traits(name: str) -> FormatTraits:
    """Return the `FormatTraits` of a registered format (`ValueError` for an unknown name)."""
    factory = _factory(name)
    return FormatTraits(
        terminal_events=frozenset(getattr(factory, "terminal_events", ())),
        skip_events=frozenset(getattr(factory, "skip_events", ())),
        read_to_eof=bool(getattr(factory, "read_to_eof", False)),
        chunk_model=_model_path(getattr(factory, "chunk_model", None)),
        final_model=_model_path(getattr(factory, "final_model", None)),
    )


def _model_path(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _ask(detectors: dict[str, Callable[[ServerSentEvent, Any], bool]], event: ServerSentEvent, payload: Any) -> str | None:  # noqa: ANN401
    for name, detect in reversed(detectors.items()):
        try:
            if detect(event, payload):
                return name
        except Exception:  # noqa: BLE001, S112 - a detector's bug must not stop detection
            continue
    return None


def _detect(event: ServerSentEvent, payload: Any) -> str | None:  # noqa: ANN401
    name = _ask(_DETECTORS, event, payload) or detect_builtin(event, payload) or _ask(_BUILTIN_DETECTORS, event, payload)
    if name is None:
        load_plugins()  # only now: reading the entry points costs a scan of every installed package
        name = _ask(_PLUGIN_DETECTORS, event, payload)
    return name


class AutoAccumulator:
    """An `Accumulator` that detects the format from the first events, then delegates.

    Events are held until one tells the format; they are then replayed into the format's accumulator
    (so `feed` may return the updates of several events at once). ``format`` is "" until detected and
    ``delegate`` the format's accumulator. An error payload or more than ``MAX_DETECT_EVENTS`` events
    before the format is known end the result with ``error`` (``format`` None).
    """

    def __init__(self) -> None:
        self.delegate: Accumulator | None = None
        self._held: list[ServerSentEvent] = []
        self._failure: StreamErrorInfo | None = None
        self._not_json: str | None = None
        self._closed = False

    @property
    def format(self) -> str:
        """The detected format's name, or "" while unknown."""
        return self.delegate.format if self.delegate is not None else ""

    @property
    def end(self) -> End:
        """The `End` so far."""
        if self.delegate is not None:
            return self.delegate.end
        return End.ERROR if self._failure is not None else End.TRUNCATED

    def feed(self, event: ServerSentEvent) -> list[Update]:
        """Take the next event; return the updates it caused (after detection)."""
        if self.delegate is not None:
            return self.delegate.feed(event)
        if self._closed:
            msg = "feed() called after close(): create a new accumulator for a new stream"
            raise AccumulatorClosedError(msg)
        if self._failure is not None:
            return []
        name = self._consider(event)
        if name is None:
            return []
        if isinstance(name, StreamErrorInfo):
            return [ErrorUpdate(name)]
        self.delegate = delegate = _FACTORIES[name]()
        held, self._held = self._held, []
        updates: list[Update] = []
        for item in held:
            updates.extend(delegate.feed(item))
        return updates

    def _consider(self, event: ServerSentEvent) -> str | StreamErrorInfo | None:
        """Return the format's name, the failure that ends detection, or None (undecided)."""
        self._held.append(event)
        try:
            payload = loads(event.data)
        except ValueError:
            payload = None
            if event.data.strip() != "[DONE]" and self._not_json is None:
                self._not_json = event.data
        name = _detect(event, payload)
        if name is not None and not (payload is None and len(self._held) > 1):
            return name
        if name is not None:  # [DONE] after events no format claimed (Vercel's UI message stream)
            self._failure = self._unknown()
            return self._failure
        if is_error_payload(payload, event.event):
            self._failure = _error_of(event, payload)
            return self._failure
        if len(self._held) >= MAX_DETECT_EVENTS:
            self._failure = self._unknown()
            return self._failure
        return None

    def _unknown(self) -> StreamErrorInfo:
        if self._not_json is not None:
            return StreamErrorInfo(f"event data is not JSON: {_short(self._not_json)!r}", type="invalid_json", raw=self._not_json)
        first = self._held[0] if self._held else None
        sample = _short(first.data, 120) if first is not None else ""
        message = (
            f"could not tell the stream's format from its first {len(self._held)} event(s) (first data: {sample!r}); "
            f"known formats: {', '.join(_FACTORIES)} (register your own with sseparse.register_format)"
        )
        return StreamErrorInfo(message, type="unknown_format", raw=first.data if first is not None else None)

    def close(self) -> list[Update]:
        """End of stream."""
        if self.delegate is not None:
            return self.delegate.close()
        if self._closed:
            msg = "close() was already called on this accumulator"
            raise AccumulatorClosedError(msg)
        self._closed = True
        if self._failure is None and self._held:
            self._failure = self._unknown()
            return [ErrorUpdate(self._failure)]
        return []

    def result(self) -> AccumulatedResult:
        """Return the delegate's snapshot; before detection an empty result (``truncated``, or ``error``)."""
        if self.delegate is not None:
            return self.delegate.result()
        return AccumulatedResult(format=None, end=self.end, error=self._failure)


def _error_of(event: ServerSentEvent, payload: Any) -> StreamErrorInfo:  # noqa: ANN401
    if isinstance(payload, dict):
        return error_from_payload(payload)
    return StreamErrorInfo(event.data, type="error", raw=event.data)


def _batches(source: Any) -> Iterator[Iterable[ServerSentEvent]]:  # noqa: ANN401
    """Yield the events of ``source`` in batches: the list each decoder ``feed`` returns (no per-event generator)."""
    if isinstance(source, str):
        raise text_error("accumulate()")
    if isinstance(source, (bytes, bytearray, memoryview)):
        # Fed in slices, so a large body never becomes one list of every event at once.
        view = source if isinstance(source, bytes) else bytes(source)
        chunks: Iterable[Buffer] = (view[start : start + _SLICE] for start in range(0, len(view), _SLICE))
    elif hasattr(source, "read"):
        yield iter_events(source)  # a binary file: read as iter_events reads it
        return
    else:
        iterator = iter(source)
        first = next(iterator, None)
        if first is None:
            return
        if isinstance(first, ServerSentEvent):
            yield [first]
            yield iterator
            return
        chunks = _chain(first, iterator)
    decoder = SSEDecoder()
    feed = decoder.feed
    for chunk in chunks:
        try:
            events = feed(chunk)
        except TypeError:
            if isinstance(chunk, str):
                raise text_error("accumulate()", "str chunks") from None
            raise
        yield events
    yield decoder.close()


def _chain(first: Buffer, rest: Iterator[Buffer]) -> Iterator[Buffer]:
    yield first
    yield from rest


def accumulate(
    source: Buffer | Iterable[Buffer] | Iterable[ServerSentEvent],
    format: str | None = None,  # noqa: A002 - the contract names it format
    *,
    reasoning_tags: ReasoningTagsOption = None,
) -> AccumulatedResult:
    """Rebuild the final message of an LLM stream.

    ``source``: the whole body as bytes, an iterable of bytes-likes (chunks as they arrived), a binary
    file, or an iterable of `ServerSentEvent` (text is refused: a ``str`` raises TypeError, as
    everywhere in sseparse). ``format``: ``"openai-chat"``, ``"openai-responses"``,
    ``"anthropic-messages"``, ``"gemini"``, ``"cohere-v2"`` or a registered name; None detects it from
    the first events.

    Never raises on stream content: empty or cut input gives ``end="truncated"``, data that is not JSON
    or not a known format ``end="error"`` with ``error`` saying why. ``reasoning_tags``: tag names
    (``("think", "reasoning")``, or True for those two) whose text in the answer moves to reasoning.
    """
    names = tag_names(reasoning_tags)
    accumulator = make_accumulator(format)
    auto = accumulator if isinstance(accumulator, AutoAccumulator) else None
    feed = None if auto is not None else _quiet_feed(accumulator)
    for batch in _batches(source):
        events = iter(batch)
        if feed is None:
            assert auto is not None
            for event in events:
                auto.feed(event)
                if auto.delegate is not None:
                    accumulator = auto.delegate
                    feed = _quiet_feed(accumulator)
                    break
            else:
                continue
        feed(events)
    accumulator.close()
    result = accumulator.result()
    return result if names is None else apply_tags(result, names)


def _quiet_feed(accumulator: Accumulator) -> Callable[[Iterator[ServerSentEvent]], object]:
    """Return a feed of event batches that builds no update objects (the one-call path needs none)."""
    if isinstance(accumulator, BaseAccumulator):
        return accumulator._feed_all  # noqa: SLF001

    def feed(events: Iterator[ServerSentEvent]) -> None:
        for event in events:
            accumulator.feed(event)

    return feed
