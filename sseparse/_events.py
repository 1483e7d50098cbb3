"""Small value types: `ServerSentEvent` and `Diagnostic` (standard library only).

`ServerSentEvent` is built once per dispatched event, on the decoder's hot path, so it is a `tuple`
subclass with C field accessors, like `collections.namedtuple`, but without a Python ``__new__``:
the decoder builds events with `new_event` (``type.__call__`` bound to the class), which goes straight
to `tuple`'s C constructor. That is the cheapest object CPython can build per event (measured against a
``__slots__`` class with an ``__init__``: about a quarter less per event, allocation, GC and freeing
included), and it makes events immutable and hashable as value objects should be. The friendly
constructor, ``ServerSentEvent(event, data, id, retry)`` with keywords and defaults, is the
metaclass's ``__call__``.
"""

from __future__ import annotations

# `_tuplegetter` is the C descriptor `collections.namedtuple` uses for its fields (CPython and PyPy
# both ship it in `_collections`); importing `_collections` directly keeps `collections` out of the
# import of sseparse.
try:
    from _collections import _tuplegetter  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # other interpreters; tests/test_events.py runs this branch too
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str) -> property:
        return property(itemgetter(index), doc=doc)


# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Self

__all__ = ["KINDS", "MAX_RETRY", "Diagnostic", "ServerSentEvent", "new_event"]

MAX_RETRY = 2**64 - 1
"""The largest ``retry`` (milliseconds) an event stream can carry: the decoder ignores a larger one, as
Chromium does, and `encode` refuses it."""


class _EventType(type):
    """Metaclass of `ServerSentEvent`: its ``__call__`` is the keyword-friendly constructor."""

    def __call__(cls, event: str = "message", data: str = "", id: str = "", retry: int | None = None) -> Any:  # noqa: A002, ANN401
        return type.__call__(cls, (event, data, id, retry))


class ServerSentEvent(tuple, metaclass=_EventType):  # type: ignore[type-arg]
    """One dispatched event, as the WHATWG rules define it.

    ``event``  the event type; ``"message"`` when the block had no non-empty ``event`` field.
    ``data``   the data buffer with its one trailing LF removed (R12.3).
    ``id``     the last event ID string at dispatch. Sticky: an event carries the most recent ``id``
               seen in this or an earlier block, the way browsers report ``lastEventId`` (R12.1).
    ``retry``  the reconnection time (ms) set by a valid ``retry`` field inside this block, else None.

    Build one with ``ServerSentEvent(event="message", data="", id="", retry=None)`` (positional or
    keyword). Like a named tuple, an event is immutable, hashable, and unpacks as
    ``event, data, id, retry = ev``; unlike one, it equals only other events.
    """

    __slots__ = ()
    __match_args__ = ("event", "data", "id", "retry")

    if TYPE_CHECKING:

        def __new__(cls, event: str = "message", data: str = "", id: str = "", retry: int | None = None) -> Self: ...  # noqa: A002

        @property
        def event(self) -> str: ...
        @property
        def data(self) -> str: ...
        @property
        def id(self) -> str: ...
        @property
        def retry(self) -> int | None: ...
    else:
        event = _tuplegetter(0, "The event type; 'message' when the block named none.")
        data = _tuplegetter(1, "The data buffer, without its trailing LF.")
        id = _tuplegetter(2, "The last event ID string at dispatch (sticky).")
        retry = _tuplegetter(3, "The reconnection time (ms) set in this block, else None.")

    def json(self, **kwargs: Any) -> Any:  # noqa: ANN401 - JSON is Any by nature
        """Parse ``data`` as JSON (`json.loads`); keyword arguments are passed through."""
        import json  # noqa: PLC0415 - keep `import sseparse` free of work it may not need

        return json.loads(self[1], **kwargs)

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"event", "data", "id", "retry"}``, a JSON-ready dict."""
        event, data, id_, retry = self
        return {"event": event, "data": data, "id": id_, "retry": retry}

    # Equal to events only: a plain tuple with the same fields is not an event. (Returning
    # NotImplemented would let `tuple`'s own comparison answer instead.)
    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)  # type: ignore[arg-type,unused-ignore]

    def __ne__(self, other: object) -> bool:
        return other.__class__ is not self.__class__ or tuple.__ne__(self, other)  # type: ignore[arg-type,unused-ignore]

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        event, data, id_, retry = self
        parts = []
        if event != "message":
            parts.append(f"event={event!r}")
        parts.append(f"data={data!r}")
        if id_:
            parts.append(f"id={id_!r}")
        if retry is not None:
            parts.append(f"retry={retry!r}")
        return f"{self.__class__.__name__}({', '.join(parts)})"


#: ``new_event((event, data, id, retry))``: the decoder's constructor. `tuple`'s own C constructor,
#: bound to the class; it skips the metaclass's keyword handling and takes one 4-tuple.
new_event: Callable[[tuple[str, str, str, int | None]], ServerSentEvent] = type.__call__.__get__(ServerSentEvent)


# The kinds of `Diagnostic`, as plain strings so they serialise and compare without an enum import.
KINDS: dict[str, str] = {
    "invalid-utf8": "bytes that are not valid UTF-8 were replaced with U+FFFD (R3)",
    "misplaced-bom": "a byte order mark after the start of the stream is content, not a BOM (R2)",
    "unknown-field": "a field name the spec does not define was ignored (R11)",
    "invalid-retry": "a retry value that is not ASCII digits only was ignored (R11)",
    "id-contains-nul": "an id value containing U+0000 was ignored (R11)",
    "comment": "a comment line (often a keep-alive) was ignored (R8)",
    "mixed-line-endings": "the stream mixes LF, CRLF and CR line ends (R4)",
    "event-too-large": "an event exceeded max_event_size and was dropped",
    "incomplete-event": "the stream ended inside an event, which was discarded (R6)",
}


class Diagnostic:
    """Something odd in the input, reported as data (the decoder never raises on input bytes).

    ``kind``     one of the keys of ``sseparse.DIAGNOSTIC_KINDS`` (e.g. ``"invalid-retry"``).
    ``message``  a human-readable sentence.
    ``offset``   byte offset in the stream (counting a BOM) where the problem is.
    ``line``     1-based line number of the line that holds it.
    ``field``    the field name involved, if any; ``value`` the field value or offending text.
    """

    __slots__ = ("field", "kind", "line", "message", "offset", "value")

    def __init__(  # noqa: PLR0913
        self, kind: str, message: str, offset: int, line: int, field: str | None = None, value: str | None = None
    ) -> None:
        self.kind = kind
        self.message = message
        self.offset = offset
        self.line = line
        self.field = field
        self.value = value

    def _astuple(self) -> tuple[str, str, int, int, str | None, str | None]:
        return (self.kind, self.message, self.offset, self.line, self.field, self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._astuple() == other._astuple()

    __hash__ = None  # type: ignore[assignment]

    def as_dict(self) -> dict[str, Any]:
        """Return the diagnostic as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "message": self.message,
            "offset": self.offset,
            "line": self.line,
            "field": self.field,
            "value": self.value,
        }

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in (("field", self.field), ("value", self.value)) if v is not None)
        return f"Diagnostic({self.kind!r}, offset={self.offset}, line={self.line}{extra})"
