"""SSE strategies: streams with the events they must decode to, chunkings, events.

The expected events come from the structure that was generated (which line is a field, which value
it carries, where the blank lines are), interpreted by a small model of the WHATWG rules written
here -- never by running sseparse's decoder on the bytes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse._events import MAX_RETRY, ServerSentEvent
from sseparse._lines import interesting_cuts
from sseparse.strategies._common import check_bool, check_int, check_strategy, slot

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = ["BOM", "LINE_ENDINGS", "chunkings", "events", "sse_streams"]


BOM = b"\xef\xbb\xbf"
LINE_ENDINGS = ("\n", "\r\n", "\r")
_KNOWN = (b"data", b"event", b"id", b"retry")

# Characters that break naive parsers: Unicode line separators (R4), NUL, a BOM inside the
# stream (R2), a second space or a colon in a value (R9), non-ASCII and the replacement character.
_SPECIAL_CHARS = ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x00", "\ufeff", " ", ":", "\t", "é", "€", "😀", "\ufffd")
# Byte sequences that are not UTF-8 (R3): lone continuation and lead bytes, a surrogate, an overlong
# form, a code point past U+10FFFF, truncated sequences, and half a BOM.
_BAD_UTF8 = (b"\xff", b"\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xf0\x9f\x98", b"\xe2\x82", b"\xef\xbb")
# Field names that look like the four known ones but are not (R11: compared literally).
_LOOKALIKE_NAMES = (
    b"Data",
    b"DATA",
    b"data ",
    b" data",
    BOM + b"data",
    b"dat",
    b"datas",
    b"data\x00",
    b"ID",
    b"retry ",
    b"Event",
)
# Retry values that only ASCII digits make valid (R11); Python's int() accepts several of these.
_BAD_RETRIES = ("-1", "+5", " 5", "5 ", "1.5", "1e3", "0x10", "1_000", "\uff15", "\u0665", "5\x00", "", "1 000", "ten")


# -- the model --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a generated stream, as sent and as a conforming decoder reads it."""

    raw: bytes  # the bytes of the line, without its terminator
    name: bytes | None = None  # the field name; None for a comment or a blank line
    value: bytes = b""  # the field value a decoder sees: after the colon, one leading space removed


_BLANK = _Line(b"")


def _valid_retry(value: bytes) -> bool:
    """R11: ASCII digits only; and a value above 2**64 - 1 ms is ignored, as Chromium does."""
    return bool(value) and all(48 <= byte <= 57 for byte in value) and int(value) <= MAX_RETRY


def _expected_events(lines: Sequence[_Line], last_event_id: str) -> list[ServerSentEvent]:
    """Interpret complete lines by the WHATWG rules (R7-R12), from their generated structure."""
    events: list[ServerSentEvent] = []
    id_buffer = last_event_id
    data: list[str] = []
    event_type = ""
    retry: int | None = None
    for line in lines:
        if line.name is None:
            if not line.raw:  # R7: a blank line dispatches
                if data:  # R12.2: no data, no event
                    events.append(ServerSentEvent(event_type or "message", "\n".join(data), id_buffer, retry))
                data, event_type, retry = [], "", None  # R12.7, and the id buffer is kept (R12.1)
            continue  # R8: a comment
        text = line.value.decode("utf-8", "replace")  # R3; LF and ':' never sit inside a sequence
        if line.name == b"data":
            data.append(text)
        elif line.name == b"event":
            event_type = text
        elif line.name == b"id":
            if "\0" not in text:
                id_buffer = text
        elif line.name == b"retry" and _valid_retry(line.value):
            retry = int(line.value)
    return events


@dataclass(frozen=True, slots=True)
class _Options:
    line_endings: tuple[str, ...]
    bom: bool | None
    comments: bool
    unknown_fields: bool
    ids: bool
    retry: bool
    event_types: bool
    invalid_utf8: bool
    unfinished: bool
    data: SearchStrategy[str] | None
    min_events: int
    max_events: int
    last_event_id: str


# -- building blocks ----------------------------------------------------------------------------------


def _values(*, invalid_utf8: bool) -> SearchStrategy[bytes]:
    """Bytes for a field value or a comment: no CR or LF, shrinking toward ``b""``."""
    chars = st.one_of(st.characters(codec="utf-8", exclude_characters="\r\n"), st.sampled_from(_SPECIAL_CHARS))
    text = st.text(chars, max_size=8).map(lambda s: s.encode("utf-8"))
    if not invalid_utf8:
        return text
    junk = st.binary(max_size=4).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
    return st.lists(st.one_of(text, st.sampled_from(_BAD_UTF8), junk), max_size=3).map(b"".join)


_FORMS = st.sampled_from(("space", "colon", "bare"))


@st.composite
def _field(draw: DrawFn, names: SearchStrategy[bytes], values: SearchStrategy[bytes]) -> _Line:
    """Draw a field line: ``name: value``, ``name:value`` or a bare ``name`` (R9, R10)."""
    name = draw(names)
    form = draw(_FORMS)
    if form == "bare":
        return _Line(name, name, b"")
    value = draw(values)
    if form == "space":
        return _Line(name + b": " + value, name, value)
    # R9: exactly one leading space is removed, so "name:" + " x" is read as "x".
    return _Line(name + b":" + value, name, value[1:] if value[:1] == b" " else value)


def _retry_values() -> SearchStrategy[bytes]:
    valid = st.tuples(st.integers(0, 2), st.integers(0, 2**64)).map(lambda z: "0" * z[0] + str(z[1]))
    return st.one_of(valid, st.sampled_from(_BAD_RETRIES)).map(lambda s: s.encode("utf-8"))


def _other_lines(opts: _Options, values: SearchStrategy[bytes]) -> SearchStrategy[_Line] | None:
    """Lines that are not data lines: comments, event, id, retry and unknown fields."""
    kinds: list[SearchStrategy[_Line]] = []
    if opts.comments:
        kinds.append(values.map(lambda v: _Line(b":" + v)))
    if opts.event_types:
        kinds.append(_field(st.just(b"event"), values))
    if opts.ids:
        kinds.append(_field(st.just(b"id"), st.one_of(values, st.sampled_from((b"\x00", b"1\x002")))))  # NUL: ignored
    if opts.retry:
        kinds.append(_field(st.just(b"retry"), _retry_values()))
    if opts.unknown_fields:
        if opts.invalid_utf8:
            raw_names = st.binary(min_size=1, max_size=6)
        else:
            raw_names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=4).map(lambda s: s.encode("utf-8"))
        arbitrary = raw_names.filter(lambda n: not (set(n) & {10, 13, 58}) and n not in _KNOWN)  # no LF, CR, ':'
        kinds.append(_field(st.one_of(st.sampled_from(_LOOKALIKE_NAMES), arbitrary), values))
    return st.one_of(kinds) if kinds else None


@st.composite
def _payload_lines(draw: DrawFn, payloads: SearchStrategy[str]) -> list[_Line]:
    """Draw the data lines that carry one drawn payload exactly."""
    payload = draw(payloads)
    if not isinstance(payload, str) or "\r" in payload:
        msg = f"data= must generate str without CR (a CR ends the line), got {payload!r}"
        raise InvalidArgument(msg)
    lines = []
    for part in payload.split("\n"):
        value = part.encode("utf-8")
        # Forms that keep the payload exact: "data:" + a leading space would lose that space.
        forms: tuple[str, ...] = ("space",) + (() if value[:1] == b" " else ("colon",)) + (() if value else ("bare",))
        form = draw(_FORMS_BY_CHOICE[forms])
        raw = b"data" if form == "bare" else b"data:" + (b" " if form == "space" else b"") + value
        lines.append(_Line(raw, b"data", value))
    return lines


_FORMS_BY_CHOICE: dict[tuple[str, ...], SearchStrategy[str]] = {
    forms: st.sampled_from(forms) for forms in (("space",), ("space", "colon"), ("space", "bare"), ("space", "colon", "bare"))
}


def _interleave(draw: DrawFn, fixed: list[_Line], others: list[_Line]) -> list[_Line]:
    """Put ``others`` among ``fixed`` at drawn places, keeping the order of each list."""
    slots = sorted(draw(slot(len(fixed))) for _ in others)
    out: list[_Line] = []
    j = 0
    for i, line in enumerate([*fixed, None]):
        while j < len(others) and slots[j] == i:
            out.append(others[j])
            j += 1
        if line is not None:
            out.append(line)
    return out


def _stream(opts: _Options) -> SearchStrategy[tuple[bytes, list[ServerSentEvent]]]:
    # Every strategy is built once here, not per draw: building one costs more than drawing from it.
    values = _values(invalid_utf8=opts.invalid_utf8)
    other = _other_lines(opts, values)
    some_others = st.lists(other, max_size=4) if other is not None else st.just([])
    data_lines = (
        _payload_lines(opts.data) if opts.data is not None else st.lists(_field(st.just(b"data"), values), min_size=1, max_size=3)
    )
    return _draw_stream(
        opts,
        some_others,
        st.lists(some_others, max_size=2),
        data_lines,
        st.one_of(data_lines.map(lambda ls: ls[0]), *([other] if other is not None else [])),
        st.sampled_from(opts.line_endings),
    )


@st.composite
def _draw_stream(  # noqa: PLR0913
    draw: DrawFn,
    opts: _Options,
    some_others: SearchStrategy[list[_Line]],
    dataless_blocks: SearchStrategy[list[list[_Line]]],
    data_lines: SearchStrategy[list[_Line]],
    last_line: SearchStrategy[_Line],
    endings: SearchStrategy[str],
) -> tuple[bytes, list[ServerSentEvent]]:
    blocks: list[list[_Line]] = []
    for _ in range(draw(st.integers(opts.min_events, opts.max_events))):
        blocks.extend(draw(dataless_blocks))  # blocks that dispatch nothing (R12.2)
        blocks.append(_interleave(draw, draw(data_lines), draw(some_others)))
    blocks.extend(draw(dataless_blocks))
    lines = [line for block in blocks for line in (*block, _BLANK)]
    unterminated = b""
    if opts.unfinished:
        # R6: a block without its blank line is never dispatched; an unterminated line never read.
        tail = draw(_TAILS)
        if tail in {"block", "both"}:
            lines += _interleave(draw, draw(data_lines), draw(some_others))
        if tail in {"line", "both"}:
            unterminated = draw(last_line).raw
    bom = draw(st.booleans()) if opts.bom is None else opts.bom
    first = lines[0].raw if lines else unterminated
    if not bom and first.startswith(BOM):
        # These three bytes at offset 0 would be read as the BOM and stripped (R2): send one on
        # purpose, or put a comment first when BOMs were excluded.
        if opts.bom is None:
            bom = True
        else:
            lines.insert(0, _Line(b":"))
    # Line endings: one kind for the whole stream, or mixed line by line.
    mixed = len(opts.line_endings) > 1 and draw(st.booleans())
    single = draw(endings)
    out = [BOM] if bom else []
    previous = ""
    for line in lines:
        ending = draw(endings) if mixed else single
        if previous == "\r" and not line.raw and ending == "\n":
            # CR then an empty line ended by LF is one CRLF on the wire (R4), so the blank line
            # would vanish: end it with CRLF or CR instead (the CR proves CR is allowed).
            ending = "\r\n" if "\r\n" in opts.line_endings else "\r"
        out += (line.raw, ending.encode("ascii"))
        previous = ending
    out.append(unterminated)
    return b"".join(out), _expected_events(lines, opts.last_event_id)


_TAILS = st.sampled_from(("none", "block", "line", "both"))


def _check_last_event_id(value: object) -> str:
    if not isinstance(value, str) or set(value) & {"\0", "\r", "\n"}:
        msg = f"last_event_id={value!r} must be a str without NUL, CR or LF (no id field could produce it)"
        raise InvalidArgument(msg)
    return value


# -- public strategies -------------------------------------------------------------------------------


def sse_streams(  # noqa: PLR0913
    *,
    line_endings: Sequence[str] = LINE_ENDINGS,
    bom: bool | None = None,
    comments: bool = True,
    unknown_fields: bool = True,
    ids: bool = True,
    retry: bool = True,
    event_types: bool = True,
    invalid_utf8: bool = True,
    unfinished: bool = True,
    data: SearchStrategy[str] | None = None,
    min_events: int = 0,
    max_events: int = 6,
    last_event_id: str = "",
) -> SearchStrategy[tuple[bytes, list[ServerSentEvent]]]:
    r"""Generate ``(wire_bytes, expected_events)``: an SSE stream and what a decoder must make of it.

    A decoder created with ``last_event_id`` (``""`` by default), fed the bytes in any chunking and
    closed, must dispatch exactly ``expected_events`` (`ServerSentEvent` values). The stream has
    between ``min_events`` and ``max_events`` blocks that dispatch an event, mixed with blocks that
    dispatch nothing (comments, ``id``/``event``/``retry`` only, extra blank lines). Each option
    narrows what is generated:

    ``line_endings``    the terminators to use, from ``"\n"``, ``"\r\n"``, ``"\r"``; with more than
                        one, a stream uses one of them or mixes them line by line.
    ``bom``             ``None``: sometimes a leading BOM; ``True``: always; ``False``: never.
    ``comments``        comment lines (``:`` ...), including empty ones and ``:data: x``.
    ``unknown_fields``  unknown and look-alike field names (``Data``, ``data ``, ``\ufeffdata``...).
    ``ids``             ``id`` fields: empty ones (which reset the id), NUL ones (ignored), sticky ids.
    ``retry``           ``retry`` fields, valid (leading zeros, beyond 32 bits) and invalid.
    ``event_types``     ``event`` fields, empty ones included.
    ``invalid_utf8``    bytes that are not UTF-8 in values, comments and field names.
    ``unfinished``      an event without its blank line and/or an unterminated line at the end.
    ``data``            a strategy for the data of each event (``str`` without CR; LF starts a new
                        ``data`` line); ``expected_events`` then carry exactly those strings.
                        By default data is short text with separators, NULs, non-ASCII and (with
                        ``invalid_utf8``) bad bytes, over one to three ``data`` lines.

    Everything also varies the field forms ``name: value``, ``name:value`` and bare ``name``.
    Shrinks toward ``min_events`` events that are each one ``data`` line with an empty value and a
    blank line (such as ``b"data\n\n"``), with LF line endings, no BOM and nothing else.
    """
    endings = tuple(line_endings) if not isinstance(line_endings, str) else ()
    if not endings or any(ending not in LINE_ENDINGS for ending in endings):
        msg = f"line_endings={line_endings!r} must be a non-empty sequence of '\\n', '\\r\\n' and '\\r'"
        raise InvalidArgument(msg)
    check_bool("bom", bom, allow_none=True)
    for name, value in (
        ("comments", comments),
        ("unknown_fields", unknown_fields),
        ("ids", ids),
        ("retry", retry),
        ("event_types", event_types),
        ("invalid_utf8", invalid_utf8),
        ("unfinished", unfinished),
    ):
        check_bool(name, value)
    check_strategy("data", data)
    check_int("min_events", min_events, minimum=0)
    check_int("max_events", max_events, minimum=0)
    if min_events > max_events:
        msg = f"min_events={min_events} must not be greater than max_events={max_events}"
        raise InvalidArgument(msg)
    opts = _Options(
        line_endings=tuple(dict.fromkeys(endings)),
        bom=bom,
        comments=comments,
        unknown_fields=unknown_fields,
        ids=ids,
        retry=retry,
        event_types=event_types,
        invalid_utf8=invalid_utf8,
        unfinished=unfinished,
        data=data,
        min_events=min_events,
        max_events=max_events,
        last_event_id=_check_last_event_id(last_event_id),
    )
    return _stream(opts)


def chunkings(
    data: bytes | bytearray | memoryview, *, max_chunks: int | None = None, empty_chunks: bool = True
) -> SearchStrategy[list[bytes]]:
    """Generate the ways a transport could split ``data`` into reads: lists whose join is ``data``.

    Cuts fall anywhere, often next to CR, LF and non-ASCII bytes and after each of the first three
    bytes (where a BOM is), or the data comes in fixed-size reads (one byte at a time included).

    ``max_chunks``    at most this many chunks (``None``: no limit beyond the length of ``data``).
    ``empty_chunks``  include empty reads (``b""``), which some transports deliver.

    Shrinks toward a single chunk, ``[data]``.
    """
    if not isinstance(cast("object", data), (bytes, bytearray, memoryview)):
        msg = f"data must be bytes, not {type(data).__name__}"
        raise InvalidArgument(msg)
    data = bytes(data)
    if max_chunks is not None:
        check_int("max_chunks", max_chunks, minimum=1)
    check_bool("empty_chunks", empty_chunks)
    n = len(data)
    limit = 64 if max_chunks is None else max_chunks
    lo, hi = (0, n) if empty_chunks else (1, n - 1)
    if hi < lo or limit == 1:
        return st.just([data])
    cut = st.integers(lo, hi)
    interesting = [c for c in interesting_cuts(data) if lo <= c <= hi]
    if interesting:
        cut = st.one_of(cut, st.sampled_from(interesting))
    cuts = st.lists(cut, max_size=limit - 1, unique=not empty_chunks)
    smallest_read = max(1, -(-n // max_chunks)) if max_chunks is not None else 1

    def split(points: list[int]) -> list[bytes]:
        edges = [0, *sorted(points), n]
        return [data[a:b] for a, b in itertools.pairwise(edges)]

    def reads(size: int) -> list[bytes]:
        return [data[i : i + size] for i in range(0, n, size)] or [data]

    # The first branch shrinks to no cuts at all, that is one chunk.
    return st.one_of(cuts.map(split), st.integers(smallest_read, max(smallest_read, n)).map(reads))


def events(
    *,
    data: SearchStrategy[str] | None = None,
    event_types: SearchStrategy[str] | None = None,
    ids: bool = True,
    retry: bool = True,
) -> SearchStrategy[ServerSentEvent]:
    r"""Generate `ServerSentEvent` values that a conforming decoder could dispatch.

    Such an event has a non-empty type (``"message"`` by default), data without CR, an id without
    NUL, CR or LF, and a non-negative retry or None, so ``sseparse.encode`` can send each of them.

    ``data``         a strategy for ``data`` (default: text without CR, LF allowed).
    ``event_types``  a strategy for ``event`` (default: ``"message"`` or short text without CR/LF).
    ``ids``          generate non-empty ids (otherwise ``id`` is always ``""``).
    ``retry``        generate retry values (otherwise ``retry`` is always None).

    Shrinks toward ``ServerSentEvent(data="")``: type ``"message"``, empty id, no retry.
    """
    check_strategy("data", data)
    check_strategy("event_types", event_types)
    check_bool("ids", ids)
    check_bool("retry", retry)
    line_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)
    if data is None:
        data = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=24)
    if event_types is None:
        event_types = st.one_of(st.just("message"), line_text.filter(bool))
    id_values = st.just("") if not ids else line_text.map(lambda s: s.replace("\0", ""))
    retries: SearchStrategy[Any] = st.none() if not retry else st.one_of(st.none(), st.integers(0, 2**53))
    return st.builds(ServerSentEvent, event=event_types, data=data, id=id_values, retry=retries)
