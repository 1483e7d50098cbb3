"""SSEDecoder: bytes in any chunking -> events, exactly as the WHATWG rules say (standard library only).

Rule 1: nothing here raises on input bytes. Bad input becomes U+FFFD (R3) or, when the caller asks for
them, a `Diagnostic`. Only misuse (feeding a closed decoder, passing ``str``) and a limit the caller
set (``max_event_size``) raise.

Rule 2: lines are split on bytes and each field value is decoded once. CR, LF and ``:`` are ASCII and
never occur inside a UTF-8 multibyte sequence, so decoding line by line gives exactly what decoding the
whole stream first would give (R3), and ``data`` lines of one event are joined as bytes and decoded once
at dispatch.

The rule numbers (R1..R12) are those of SSE-RULES.md and docs/conformance.md.

There are two paths through the same interpretation code (`_process`):
- the fast path, used when neither diagnostics nor a size limit were asked for, hands whole chunks to
  `LineSplitter.feed` and interprets the lines in one tight loop; two shortcuts before it handle
  the commonest shapes of LLM streams without splitting lines (a chunk that is exactly one
  ``data:`` event, and a long chunk of one-line ``data:`` events);
- the general path also knows where each line starts, which terminator ended it, and how large the
  pending event is, and feeds `_process` in batches.
The test-suite runs every conformance case through both.
"""

from __future__ import annotations

from itertools import product

from sseparse._errors import DecoderClosedError, EventTooLargeError
from sseparse._events import MAX_RETRY, Diagnostic, new_event
from sseparse._lines import CR, CRLF, LF, LONG_CHUNK, LineSplitter

# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse._events import ServerSentEvent
    from sseparse._typing import Buffer

__all__ = ["SSEDecoder"]

BOM = b"\xef\xbb\xbf"
_DATA = b"data: "
_MESSAGE = ("message",)
_NONE = (None,)
_EOL_NAMES = {LF: "LF", CRLF: "CRLF", CR: "CR"}
_FIELDS = ("data", "event", "id", "retry")

# What `feed` does with the next chunk (``SSEDecoder._state``). In the fast state it is the class
# `bytes` itself, so `feed` tests the state and the chunk's type with one identity comparison
# (``data.__class__ is self._state``; a second test costs a tenth of a tiny read); every other state
# is a name, which no chunk's class can be.
_FAST = bytes  # no diagnostics, no size limit, no CR waiting for its LF: `feed` handles the chunk itself
_START = "start"  # R2: the first bytes may still be a BOM; `_feed_slow` decides, then goes to _FAST or _GENERAL
_AFTER_CR = "after-cr"  # as _FAST, but the last chunk ended with CR: the next goes whole to the splitter (R5)
_GENERAL = "general"  # diagnostics or a size limit: every chunk goes through `_feed_general`
_CLOSED = "closed"  # `close` was called: feeding is misuse

# No limit by default: both LLM SDKs buffer whole events without a cap, and a cap that is too small
# silently breaks large tool-call payloads. eventsource-parser's maxBufferSize is opt-in too.
DEFAULT_MAX_EVENT_SIZE: int | None = None


def _redecode_non_ascii(values: list[str]) -> None:
    """Replace each Latin-1-decoded value that is not ASCII by its UTF-8 decoding (U+FFFD for bad bytes)."""
    ascii_flags = list(map(str.isascii, values))
    i = -1
    for _ in range(ascii_flags.count(False)):
        i = ascii_flags.index(False, i + 1)
        values[i] = values[i].encode("latin-1").decode("utf-8", "replace")


def _big_retry(value: bytes) -> int | None:
    """Return a ``retry`` of 20 digits or more (leading zeros allowed) if it is at most `MAX_RETRY`, else None.

    Bounded before conversion: a value of thousands of digits costs no int conversion (which would
    raise past Python's int_max_str_digits) and no big-number arithmetic.
    """
    digits = value.lstrip(b"0")
    if len(digits) > 20:
        return None
    number = int(digits or b"0")
    return number if number <= MAX_RETRY else None


def _retry_problem(value: str) -> str | None:
    """Return why a ``retry`` value is ignored, or None when it is valid."""
    if not value:
        return "an empty retry is ignored (the spec is ambiguous here)"
    if not (value.isascii() and value.isdigit()):
        return "retry must be ASCII digits only"
    if _big_retry(value.encode()) is None:
        return f"retry is larger than {MAX_RETRY} ms (2**64 - 1)"
    return None


class SSEDecoder:
    """Incremental (sans-I/O) Server-Sent Events decoder.

    Feed it bytes as they arrive with `feed`, in any chunking, and call `close` at end of stream.
    Each call returns the events it completed, in order. ``last_event_id`` and ``retry`` hold the
    connection state a reconnect needs.

    Keyword options:

    ``last_event_id``      seed for the last event ID (what the previous connection ended with), so
                           events of a resumed stream that carry no ``id`` still report it.
    ``max_event_size``     bytes one pending event may hold, its unfinished line included (comment
                           lines do not count once complete); ``None`` means no limit. An event over
                           the limit is dropped, the decoder skips to the blank line that ends it, and
                           `feed` raises `EventTooLargeError` carrying the events it completed.
    ``dispatch_incomplete`` at `close`, dispatch the unfinished last event instead of discarding it
                           (captured logs often lose the final blank line). Off by default, as the
                           spec says (R6).
    ``diagnostics``        collect a `Diagnostic` for every odd thing in the input in
                           ``self.diagnostics``.
    ``on_diagnostic``      call this with each `Diagnostic` as it is found (implies the general path).
    ``on_retry``           call this with every valid ``retry`` value in stream order, including those
                           of blocks that dispatch no event.

    Where the spec leaves room, this decoder chooses (see docs/conformance.md):

    - An empty ``retry`` (``retry`` or ``retry:``) is ignored, like any other value that is not ASCII
      digits. "Consists of only ASCII digits" is vacuously true of "", but Chromium resets to its
      default, Firefox uses its 500 ms floor and the common libraries ignore it; ignoring is the only
      choice that keeps the previous server-sent value.
    - The last event ID of a new connection is what the caller seeds with ``last_event_id`` (default
      ``""``, as the spec text says for a fresh stream). Browsers carry it across reconnections, and
      the web-platform tests require that, so `reset` and the stream layer's reconnect seed it.
    """

    __slots__ = (
        "_block_size",
        "_collect",
        "_comment_dropped",
        "_data",
        "_deferred_cr",
        "_dispatch_incomplete",
        "_eol_first",
        "_event",
        "_general",
        "_head",
        "_id_buf",
        "_in_block",
        "_limit",
        "_lineno",
        "_mixed_reported",
        "_on_diagnostic",
        "_on_retry",
        "_retry_block",
        "_skipping",
        "_splitter",
        "_state",
        "diagnostics",
        "incomplete",
        "last_event_id",
        "retry",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        last_event_id: str = "",
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
        dispatch_incomplete: bool = False,
        diagnostics: bool = False,
        on_diagnostic: Callable[[Diagnostic], object] | None = None,
        on_retry: Callable[[int], object] | None = None,
    ) -> None:
        if not isinstance(last_event_id, str):
            msg = f"last_event_id must be a str, not {type(last_event_id).__name__}"  # type: ignore[unreachable]
            raise TypeError(msg)
        if "\0" in last_event_id or "\n" in last_event_id or "\r" in last_event_id:
            msg = "last_event_id cannot contain NUL, CR or LF: no id field could have produced it"
            raise ValueError(msg)
        if max_event_size is not None and (
            isinstance(max_event_size, bool) or not isinstance(max_event_size, int) or max_event_size < 1
        ):
            msg = f"max_event_size must be a positive int or None, not {max_event_size!r}"
            raise ValueError(msg)
        self._splitter = LineSplitter()
        #: The last event ID string: what a reconnect sends as ``Last-Event-ID`` (R12.1).
        self.last_event_id = last_event_id
        #: The last valid reconnection time in milliseconds, or None (R11).
        self.retry: int | None = None
        #: True after `close` when an unfinished event or line was discarded (or, with
        #: ``dispatch_incomplete``, dispatched) at end of stream (R6).
        self.incomplete = False
        #: The diagnostics found so far, when ``diagnostics=True``.
        self.diagnostics: list[Diagnostic] = []
        self._collect = diagnostics
        self._on_diagnostic = on_diagnostic
        self._on_retry = on_retry
        self._limit = max_event_size
        self._dispatch_incomplete = dispatch_incomplete
        self._general = diagnostics or on_diagnostic is not None or max_event_size is not None
        # State of the block (event) being parsed.
        self._data: list[bytes] = []  # data values, joined and decoded once at dispatch
        self._event = ""  # event type buffer
        self._id_buf = last_event_id  # last event ID buffer (sticky; R11 id)
        self._retry_block: int | None = None  # a valid retry seen in this block
        self._in_block = False  # a field line arrived since the last blank line
        # Stream state.
        self._state: type[bytes] | str = _START
        self._head = b""  # bytes held while they could still be the start of a BOM (state _START)
        # General-path state.
        self._lineno = 0
        self._block_size = 0
        self._skipping = False  # dropping an oversized event up to its blank line
        self._comment_dropped = False  # the unfinished line is a comment whose bytes were dropped (limit)
        self._eol_first: int | None = None
        self._mixed_reported = False
        self._deferred_cr: tuple[int, int] | None = None  # a chunk-final CR: LF or not is unknown yet

    # -- public API ---------------------------------------------------------------------------------

    def feed(self, data: Buffer) -> list[ServerSentEvent]:
        """Decode the next chunk and return the events it completed (possibly none).

        An event is returned as soon as the first byte of its terminating blank line arrives.
        """
        if data.__class__ is not self._state:  # not bytes, or not the fast state
            return self._feed_slow(data)
        # `10 in data` (an int needle) is a bare memchr: far cheaper than `b"\n" in data` or find().
        if 10 not in data:
            if 13 not in data:  # no line end at all (tiny reads, long lines): the splitter holds the bytes
                self._splitter.pending += data
                return []
        elif not self._data and not self._in_block:
            if data[-2:] == b"\n\n" and data[:6] == _DATA and not self._splitter.pending:
                value = data[6:-2]
                if 10 not in value and 13 not in value:
                    # Exactly one whole event of one data line, nothing else pending (one read per
                    # event, the most common shape of LLM streams): what `_process` would do.
                    return [new_event(("message", value.decode("utf-8", "replace"), self.last_event_id, None))]
            if len(data) > LONG_CHUNK:
                run = self._feed_run(data)
                if run is not None:
                    return run
        splitter = self._splitter  # the general case, as `_split` (inlined: a call per chunk costs)
        lines = splitter.feed(data)
        if splitter.cr_pending:
            self._state = _AFTER_CR
        return self._process(lines) if lines else []

    def _split(self, data: bytes) -> list[ServerSentEvent]:
        """Split ``data`` into lines with the splitter and interpret them (the fast path's general case).

        After a chunk that ends with CR, the next chunk must come here whole (state _AFTER_CR): the
        splitter swallows an LF at its start, which belongs to the same CRLF (R5).
        """
        splitter = self._splitter
        lines = splitter.feed(data)
        self._state = _AFTER_CR if splitter.cr_pending else _FAST
        return self._process(lines) if lines else []

    def _feed_run(self, data: bytes) -> list[ServerSentEvent] | None:
        """Decode a run of ``data: VALUE`` blocks in one go, or return None (nothing done) if this is not one.

        No event is pending and no CR waits for its LF (state _FAST). When ``data`` holds no CR and a
        blank line ends at ``end``, the pending line and ``data[:end]`` make whole blocks; when each
        of them is one ``data: `` line (OpenAI-style streams), one split of the chunk finds all the values.
        """
        if 13 in data:
            return None
        end = data.rfind(b"\n\n") + 2
        if end < 2:
            return None
        splitter = self._splitter
        pending = splitter.pending  # the run's first line may start in the pending bytes
        held = len(pending)
        if not (pending.startswith(_DATA) if held >= 6 else _DATA.startswith(pending) and data.startswith(_DATA[held:])):
            return None  # its first line is some other field (an "event:" line, say): no work done
        # Latin-1 maps each byte to one character, so the text splits exactly where the bytes do,
        # and an ASCII value comes out as it would from UTF-8 (R3: LF and ":" are ASCII, so a value
        # decoded alone is what decoding the whole stream gives).
        values = data.decode("latin-1").split("\n\ndata: ")
        tail = data[end:]  # after the last blank line: the start of the next block, or b""
        if tail.startswith(_DATA):
            values.pop()  # the split cut the tail's own data line off as the last piece
        else:
            values[-1] = values[-1][: len(values[-1]) - len(tail) - 2]  # the last value, then LF LF tail
        values[0] = (pending.decode("latin-1") + values[0] if held else values[0])[6:]  # drop "data: "
        joined = "".join(values)
        if "\n" in joined:  # a value with an LF: some block has another line
            return None
        if not joined.isascii():
            _redecode_non_ascii(values)
        if held:
            splitter.take_pending()
        # `product` varies only the value and reuses its result tuple: cheaper than zip() here.
        events = list(map(new_event, product(_MESSAGE, values, (self.last_event_id,), _NONE)))
        if 10 not in tail:  # the start of the next block's first line (no CR in data): the splitter holds it
            splitter.pending += tail
        else:  # field lines of the next block, and maybe the start of another
            events += self._process(splitter.feed(tail))
        return events

    def close(self) -> list[ServerSentEvent]:
        """End the stream and return the events this completes (normally none: R6 discards the rest).

        Sets ``incomplete`` when an unfinished event or line was discarded. With
        ``dispatch_incomplete=True`` the unfinished event is dispatched and returned instead.
        """
        if self._state is _CLOSED:
            msg = "close() was already called on this SSEDecoder"
            raise DecoderClosedError(msg)
        events: list[ServerSentEvent] = []
        if self._state is _START and self._head:
            # Fewer than three bytes, all a prefix of the BOM: content of an unfinished line (they
            # hold no line end), handled below like any other unterminated tail.
            self._splitter.feed(self._head)
            self._head = b""
        self._state = _CLOSED
        offset = self._splitter.pending_offset
        tail = self._splitter.close()
        if self._deferred_cr is not None:
            self._note_eol(CR, *self._deferred_cr)
            self._deferred_cr = None
        unfinished_line = tail is not None and not tail.startswith(b":") and not self._comment_dropped
        self.incomplete = unfinished_line or ((self._in_block or bool(self._data)) and not self._skipping)
        if self.incomplete:
            if self._general:
                what = "dispatched (dispatch_incomplete=True)" if self._dispatch_incomplete else "discarded"
                message = f"the stream ended inside an event, which was {what} (R6)"
                self._diag("incomplete-event", message, offset, self._lineno + 1)
            if self._dispatch_incomplete:
                lines = [tail, b""] if tail else [b""]
                events.extend(self._process(lines))
        return events

    def reset(self, *, last_event_id: str | None = None) -> None:
        """Forget everything buffered and start a new stream (e.g. after a reconnect).

        The connection state survives: ``last_event_id`` (unless given) and ``retry``.
        """
        seed = self.last_event_id if last_event_id is None else last_event_id
        retry = self.retry
        self.__init__(  # type: ignore[misc]
            last_event_id=seed,
            max_event_size=self._limit,
            dispatch_incomplete=self._dispatch_incomplete,
            diagnostics=self._collect,
            on_diagnostic=self._on_diagnostic,
            on_retry=self._on_retry,
        )
        self.retry = retry

    @property
    def closed(self) -> bool:
        """True once `close` was called."""
        return self._state is _CLOSED

    # -- interpretation (shared by both paths) ------------------------------------------------------

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        """Interpret complete lines (R7-R12) and return the events they dispatch.

        ``data`` lines, ``event: `` lines and blank lines are handled inline; the rarer fields go
        through `_field`. Every field but ``data: `` sets ``_in_block``. So a block made only of data
        lines needs no bookkeeping: its event type is ``message``, its retry is None and the last
        event ID string is already current.
        """
        events: list[ServerSentEvent] = []
        parts = self._data
        for line in lines:
            if line:
                value = line.removeprefix(b"data: ")
                # CPython returns the line itself when the prefix is absent, so identity tells the two
                # cases apart without a second test (tests/test_fast_paths.py guards that assumption).
                if value is not line:  # the common case: "data: " + value
                    parts.append(value)
                elif line.startswith(b"event: "):  # the next most common (Anthropic, Responses): what `_field` does
                    self._in_block = True
                    self._event = line[7:].decode("utf-8", "replace")
                else:
                    self._field(line)
            elif self._in_block:
                # R7/R12: a blank line dispatches. R12.1: the last event ID string is set even when
                # no event fires; R12.2/R12.7: the data and event type buffers are cleared, the ID
                # buffer is not.
                self._in_block = False
                event_id = self.last_event_id = self._id_buf
                event_type = self._event or "message"
                self._event = ""
                retry = self._retry_block
                self._retry_block = None
                if parts:
                    # R12.3: the data buffer is the values joined by LF, minus one trailing LF.
                    data = b"\n".join(parts).decode("utf-8", "replace")
                    parts.clear()
                    events.append(new_event((event_type, data, event_id, retry)))
            elif parts:
                data = b"\n".join(parts).decode("utf-8", "replace")
                parts.clear()
                events.append(new_event(("message", data, self.last_event_id, None)))
        return events

    def _field(self, line: bytes) -> None:
        """Interpret one non-blank line other than ``data: ...`` (R8-R11)."""
        colon = line.find(b":")
        if colon == 0:  # R8: a comment
            return
        self._in_block = True
        if colon > 0:  # R9: the name is before the first colon; one optional space starts the value
            name = line[:colon]
            value = line[colon + 2 :] if line[colon + 1 : colon + 2] == b" " else line[colon + 1 :]
        else:  # R10: no colon: the whole line is the name, the value is empty
            name = line
            value = b""
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id":
            if b"\0" not in value:  # R11: an id containing NUL is ignored entirely
                self._id_buf = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():  # bytes.isdigit: ASCII digits only, and not ""
            retry = int(value) if len(value) < 20 else _big_retry(value)
            if retry is not None:
                self._retry_block = self.retry = retry
                if self._on_retry is not None:
                    self._on_retry(retry)
        # R11: any other name is ignored.

    # -- slow and general paths ---------------------------------------------------------------------

    @staticmethod
    def _to_bytes(data: Buffer) -> bytes:
        if isinstance(data, str):
            msg = "SSEDecoder.feed() takes bytes (or bytearray/memoryview), not str: encode the text as UTF-8"
            raise TypeError(msg)
        # Not bytes(data): bytes(3) is three NUL bytes and bytes([100]) is b"d". memoryview takes
        # exactly the buffer-protocol objects the signature promises and raises TypeError otherwise.
        return memoryview(data).tobytes()

    def _feed_slow(self, data: Buffer) -> list[ServerSentEvent]:
        """Feed a chunk that is not ``bytes``, or any chunk while the state is not _FAST."""
        if self._state is _CLOSED:
            msg = "feed() called after close(): create a new SSEDecoder (or call reset()) for a new stream"
            raise DecoderClosedError(msg)
        chunk = data if data.__class__ is bytes else self._to_bytes(data)
        assert isinstance(chunk, bytes)
        if self._state is _START:
            # R2: one BOM, once, at byte 0 -- possibly split across chunks.
            head = self._head + chunk
            if len(head) < len(BOM) and BOM.startswith(head):
                self._head = head
                return []
            self._state = _GENERAL if self._general else _FAST
            self._head = b""
            if head.startswith(BOM):
                chunk = head[len(BOM) :]
                self._splitter.advance(len(BOM))
            else:
                chunk = head
        if self._state is _GENERAL:
            return self._feed_general(chunk)
        if self._state is _AFTER_CR:
            return self._split(chunk)  # the splitter swallows an LF that completes the CRLF
        return self.feed(chunk)  # bytes, state _FAST: the fast path

    def _feed_general(self, data: bytes) -> list[ServerSentEvent]:
        """Feed one chunk on the general path: line by line, with diagnostics and/or the size limit."""
        splitter = self._splitter
        swallowed, lines = splitter.feed_positions(data)
        check = self._collect or self._on_diagnostic is not None
        if self._deferred_cr is not None and data:
            self._note_eol(CRLF if swallowed else CR, *self._deferred_cr)
            self._deferred_cr = None
        limit = self._limit
        events: list[ServerSentEvent] = []
        batch: list[bytes] = []
        overflow = False
        last = len(lines) - 1
        for i, (line, kind, offset) in enumerate(lines):
            self._lineno += 1
            if check:
                self._check_line(line, kind, offset, last=i == last)
            if self._skipping:
                if line == b"":  # the blank line that ends the dropped event
                    self._skipping = False
                    self._block_size = 0
                    batch.append(line)
                continue
            if line is None:  # a comment whose bytes were dropped for its length (R8: ignored anyway)
                self._comment_dropped = False
                continue
            if limit is not None and self._grows_past_limit(line, limit):
                events.extend(self._process(batch))
                batch = []
                self._drop_event(offset, self._lineno)
                overflow = True
                continue
            batch.append(line)
        if batch:
            events.extend(self._process(batch))
        if limit is not None and self._bound_pending(limit):
            overflow = True
        if overflow:
            assert limit is not None
            raise EventTooLargeError(limit, events)
        return events

    def _check_line(self, line: bytes | None, kind: int, offset: int, *, last: bool) -> None:
        """Report what is odd about one line, then about its line end (diagnostics only).

        The line's content comes first, then its line end: a chunk-final CR is only judged (CR or
        CRLF) when the next chunk comes, so this order does not depend on chunking.
        """
        if line:
            self._inspect(line, offset, self._lineno)
        elif line is None and self._comment_dropped:
            message = "comment line ignored (longer than max_event_size: its text was not kept)"
            self._diag("comment", message, offset, self._lineno)
        end = offset + (len(line) if line is not None else 0)
        if last and kind == CR and self._splitter.cr_pending:
            self._deferred_cr = (end, self._lineno)
        else:
            self._note_eol(kind, end, self._lineno)

    def _grows_past_limit(self, line: bytes, limit: int) -> bool:
        """Count a complete line towards the pending event's size; True when the event grows past ``limit``."""
        if not line:  # a blank line ends the event
            self._block_size = 0
            return False
        if line[:1] == b":":  # complete comment lines do not count (R8: ignored)
            return False
        self._block_size += len(line)
        return self._block_size > limit

    def _bound_pending(self, limit: int) -> bool:
        """Keep the unfinished line within ``limit``; return True when that drops the pending event."""
        splitter = self._splitter
        pending = splitter.pending_size
        if not pending or not (self._skipping or self._block_size + pending > limit):
            return False
        if self._skipping:  # inside a dropped event: its bytes are not kept
            splitter.drop_pending()
            return False
        if splitter.pending_is_comment:
            # R8: comments are ignored and complete ones do not count towards the limit, so a long one
            # only loses its bytes (memory stays bounded) and the event around it survives, as it
            # does when the same comment arrives in one chunk.
            if pending > limit:
                splitter.drop_pending()
                self._comment_dropped = True
            return False
        self._drop_event(splitter.pending_offset, self._lineno + 1)
        splitter.drop_pending()
        return True

    def _drop_event(self, offset: int, lineno: int) -> None:
        """Forget the pending event (it grew past the limit) and skip to its blank line."""
        self._data.clear()
        self._event = ""
        self._retry_block = None
        self._in_block = True  # so the blank line that ends the dropped event still commits its id (R12.1)
        self._skipping = True
        self._block_size = 0
        self._diag(
            "event-too-large",
            f"an event grew past max_event_size={self._limit} bytes and was dropped",
            offset,
            lineno,
        )

    def _inspect(self, line: bytes, offset: int, lineno: int) -> None:
        """Report what is odd about one complete, non-blank line (diagnostics only)."""
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._diag(
                "invalid-utf8",
                f"invalid UTF-8 byte {line[exc.start]:#04x} replaced with U+FFFD",
                offset + exc.start,
                lineno,
                value=line[exc.start : exc.end].hex(" "),
            )
        text = line.decode("utf-8", "replace")
        if text[0] == ":":
            self._diag("comment", "comment line ignored", offset, lineno, value=text[1:])
            return
        name, colon, value = text.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name not in _FIELDS:
            if name.startswith("\ufeff"):
                message = "a byte order mark after the start of the stream is content; this field is ignored"
                self._diag("misplaced-bom", message, offset, lineno, name, value)
            else:
                self._diag("unknown-field", f"unknown field {name!r} ignored", offset, lineno, name, value)
        elif name == "retry" and (why := _retry_problem(value)) is not None:
            shown = value if len(value) <= 40 else f"{value[:20]}...({len(value)} characters)"
            self._diag("invalid-retry", f"invalid retry value {shown!r} ignored: {why}", offset, lineno, name, value)
        elif name == "id" and "\0" in value:
            self._diag("id-contains-nul", "an id containing U+0000 is ignored", offset, lineno, name, value)

    def _note_eol(self, kind: int, offset: int, lineno: int) -> None:
        if self._eol_first is None:
            self._eol_first = kind
        elif kind != self._eol_first and not self._mixed_reported:
            self._mixed_reported = True
            self._diag(
                "mixed-line-endings",
                f"line ends with {_EOL_NAMES[kind]} but earlier lines end with {_EOL_NAMES[self._eol_first]}",
                offset,
                lineno,
            )

    def _diag(self, kind: str, message: str, offset: int, line: int, field: str | None = None, value: str | None = None) -> None:  # noqa: PLR0913
        diagnostic = Diagnostic(kind, message, offset, line, field, value)
        if self._collect:
            self.diagnostics.append(diagnostic)
        if self._on_diagnostic is not None:
            self._on_diagnostic(diagnostic)
