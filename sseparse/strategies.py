"""hypothesis[sseparse]: strategies for property-based tests of Server-Sent Events code.

Example::

    from hypothesis import given
    from sseparse.strategies import chunkings, sse_streams

    @given(sse_streams().flatmap(lambda pair: chunkings(pair[0]).map(lambda chunks: (chunks, pair[1]))))
    def test_my_decoder(case):
        chunks, expected = case
        ...  # feed the chunks to the decoder under test, compare with expected

- `sse_streams` gives wire bytes together with the events a conforming decoder must dispatch for
  them. The expected events come from the structure that was generated (which line is a field,
  which value it carries, where the blank lines are), interpreted by a small model of the WHATWG
  rules written here -- never by running sseparse's decoder on the bytes.
- `chunkings` gives the ways a transport could split some bytes into reads.
- `events` gives `ServerSentEvent` values a conforming decoder could dispatch.

This is the only sseparse module that imports Hypothesis (the ``testing`` extra).
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - tested in a subprocess
    msg = 'sseparse.strategies needs Hypothesis: pip install "sseparse[testing]"'
    raise ImportError(msg, name="hypothesis") from exc

from sseparse._events import ServerSentEvent
from sseparse._lines import interesting_cuts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = [
    "ExpectedChoice",
    "ExpectedResult",
    "ExpectedToolCall",
    "chunkings",
    "events",
    "llm_streams",
    "sse_streams",
]

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
        elif line.name == b"retry" and line.value and all(48 <= byte <= 57 for byte in line.value):
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


@functools.lru_cache(maxsize=64)
def _slot(n: int) -> SearchStrategy[int]:
    return st.integers(0, n)


def _interleave(draw: DrawFn, fixed: list[_Line], others: list[_Line]) -> list[_Line]:
    """Put ``others`` among ``fixed`` at drawn places, keeping the order of each list."""
    slots = sorted(draw(_slot(len(fixed))) for _ in others)
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


# -- argument checking ------------------------------------------------------------------------------


def _check_bool(name: str, value: object, *, allow_none: bool = False) -> None:
    if not (isinstance(value, bool) or (allow_none and value is None)):
        msg = f"{name}={value!r} must be {'True, False or None' if allow_none else 'True or False'}"
        raise InvalidArgument(msg)


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        msg = f"{name}={value!r} must be an int >= {minimum}"
        raise InvalidArgument(msg)
    return value


def _check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        msg = f"{name}={value!r} must be a Hypothesis strategy or None"
        raise InvalidArgument(msg)


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
    _check_bool("bom", bom, allow_none=True)
    for name, value in (
        ("comments", comments),
        ("unknown_fields", unknown_fields),
        ("ids", ids),
        ("retry", retry),
        ("event_types", event_types),
        ("invalid_utf8", invalid_utf8),
        ("unfinished", unfinished),
    ):
        _check_bool(name, value)
    _check_strategy("data", data)
    _check_int("min_events", min_events, minimum=0)
    _check_int("max_events", max_events, minimum=0)
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
        _check_int("max_chunks", max_chunks, minimum=1)
    _check_bool("empty_chunks", empty_chunks)
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
    _check_strategy("data", data)
    _check_strategy("event_types", event_types)
    _check_bool("ids", ids)
    _check_bool("retry", retry)
    line_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)
    if data is None:
        data = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=24)
    if event_types is None:
        event_types = st.one_of(st.just("message"), line_text.filter(bool))
    id_values = st.just("") if not ids else line_text.map(lambda s: s.replace("\0", ""))
    retries: SearchStrategy[Any] = st.none() if not retry else st.one_of(st.none(), st.integers(0, 2**53))
    return st.builds(ServerSentEvent, event=event_types, data=data, id=id_values, retry=retries)


# -- LLM streams ----------------------------------------------------------------------------------------

LLM_FORMATS = ("openai-chat", "openai-responses", "anthropic-messages", "gemini")


@dataclass(frozen=True, slots=True)
class ExpectedToolCall:
    """A tool call an accumulator must report: its position, id, name and full arguments text."""

    index: int
    id: str | None
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ExpectedChoice:
    """One answer (an OpenAI choice, the Anthropic message, a Gemini candidate) as it must accumulate."""

    index: int
    text: str
    reasoning: str
    tool_calls: tuple[ExpectedToolCall, ...]
    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class ExpectedResult:
    """What `sseparse.accumulate(wire, format=...)` must return for a stream from `llm_streams`.

    ``format``   the wire format; ``end`` ``"complete"``, ``"error"`` or ``"truncated"``;
    ``choices``  one `ExpectedChoice` per choice index, in index order; ``text``, ``reasoning``,
                 ``tool_calls`` and ``finish_reason`` are those of the first.
    ``error``    the in-stream error message when ``end == "error"``.
    """

    format: str
    end: str
    choices: tuple[ExpectedChoice, ...]
    error: str | None = None

    @property
    def text(self) -> str:
        """The first choice's text."""
        return self.choices[0].text

    @property
    def reasoning(self) -> str:
        """The first choice's reasoning."""
        return self.choices[0].reasoning

    @property
    def tool_calls(self) -> tuple[ExpectedToolCall, ...]:
        """The first choice's tool calls."""
        return self.choices[0].tool_calls

    @property
    def finish_reason(self) -> str | None:
        """The first choice's finish reason."""
        return self.choices[0].finish_reason

    def mismatches(self, result: Any) -> list[str]:  # noqa: ANN401 - an AccumulatedResult, duck-typed
        """Return how an accumulated result differs from this expectation (empty when it matches).

        Gemini sends tool arguments as JSON objects, so there the arguments are compared as parsed
        JSON; elsewhere the text must be exactly what was streamed.
        """
        out: list[str] = []

        def differ(what: str, expected: object, got: object) -> None:
            if expected != got:
                out.append(f"{what}: expected {expected!r}, got {got!r}")

        differ("format", self.format, result.format)
        differ("end", self.end, str(result.end))
        if self.error is not None:
            differ("error message", self.error, getattr(result.error, "message", None))
        got_choices = sorted(result.choices, key=lambda choice: choice.index)
        differ("choice indexes", [c.index for c in self.choices], [c.index for c in got_choices])
        for want, got in zip(self.choices, got_choices, strict=False):
            where = f"choice {want.index}"
            differ(f"{where} text", want.text, got.text)
            differ(f"{where} reasoning", want.reasoning, got.reasoning)
            differ(f"{where} finish_reason", want.finish_reason, got.finish_reason)
            differ(f"{where} tool call count", len(want.tool_calls), len(got.tool_calls))
            for call, got_call in zip(want.tool_calls, got.tool_calls, strict=False):
                at = f"{where} tool call {call.index}"
                differ(f"{at} index", call.index, got_call.index)
                differ(f"{at} id", call.id, got_call.id)
                differ(f"{at} name", call.name, got_call.name)
                if self.format == "gemini":
                    differ(f"{at} arguments", json.loads(call.arguments), json.loads(got_call.arguments or "{}"))
                else:
                    differ(f"{at} arguments", call.arguments, got_call.arguments)
        return out


@dataclass(frozen=True, slots=True)
class _Call:
    id: str
    name: str
    fragments: tuple[str, ...]  # the arguments JSON text, in the pieces it is streamed in


@dataclass(frozen=True, slots=True)
class _Answer:
    text: tuple[str, ...]
    reasoning: tuple[str, ...]
    calls: tuple[_Call, ...]


_WORDS = st.text(st.characters(codec="utf-8"), max_size=6)
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**31), 2**31), _WORDS)
_TOOL_NAMES = st.sampled_from(("get_weather", "search", "lookup_order", "f"))
_ERROR_MESSAGES = st.sampled_from(("Overloaded", "Internal server error", "rate limited"))


@st.composite
def _split_text(draw: DrawFn, text: str) -> tuple[str, ...]:
    """Split ``text`` into fragments at drawn places (shrinks toward one fragment)."""
    cuts = sorted(set(draw(st.lists(_slot(len(text)), max_size=4))))
    edges = [0, *cuts, len(text)]
    return tuple(text[a:b] for a, b in itertools.pairwise(edges) if b > a) or ("",)


@st.composite
def _answer(draw: DrawFn, prefix: str, *, tool_calls: bool, reasoning: bool) -> _Answer:
    text = tuple(draw(st.lists(_WORDS.filter(bool), max_size=4)))
    thoughts = tuple(draw(st.lists(_WORDS.filter(bool), max_size=3))) if reasoning else ()
    calls = []
    for k in range(draw(st.integers(0, 3)) if tool_calls else 0):
        arguments = json.dumps(draw(st.dictionaries(st.sampled_from(("city", "q", "n", "units")), _JSON_SCALARS, max_size=3)))
        calls.append(_Call(f"{prefix}{k}", draw(_TOOL_NAMES), draw(_split_text(arguments))))
    return _Answer(text, thoughts, tuple(calls))


def _sse(payload: object, event: str | None = None, eol: str = "\n") -> bytes:
    head = f"event: {event}{eol}" if event else ""
    return f"{head}data: {json.dumps(payload)}{eol}{eol}".encode()


def _openai_chat(draw: DrawFn, answers: list[_Answer], end: str, *, quirks: bool) -> bytes:
    style = draw(st.sampled_from(("indexed", "index-less", "index-0") if quirks else ("indexed",)))
    sequences: list[list[dict[str, Any]]] = []
    for i, answer in enumerate(answers):
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"reasoning_content": r} for r in answer.reasoning]
        deltas += [{"content": t} for t in answer.text]
        for k, call in enumerate(answer.calls):
            where = {"index": k} if style == "indexed" else {"index": 0} if style == "index-0" else {}
            first = {**where, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.fragments[0]}}
            deltas.append({"tool_calls": [first]})
            deltas += [{"tool_calls": [{**where, "function": {"arguments": fragment}}]} for fragment in call.fragments[1:]]
        chunks: list[dict[str, Any]] = [{"index": i, "delta": delta, "finish_reason": None} for delta in deltas]
        if end == "complete":
            chunks.append({"index": i, "delta": {}, "finish_reason": "tool_calls" if answer.calls else "stop"})
        sequences.append([{"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m", "choices": [c]} for c in chunks])
    out = []
    while any(sequences):  # n>1: the choices' chunks interleave, each choice in its own order
        open_ = [s for s in sequences if s]
        out.append(_sse(draw(st.sampled_from(open_)).pop(0)) if len(open_) > 1 else _sse(open_[0].pop(0)))
    if end == "complete":
        if draw(st.booleans()):
            out.append(
                _sse(
                    {"id": "chatcmpl-1", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}
                )
            )
        out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def _anthropic(draw: DrawFn, answer: _Answer, end: str) -> bytes:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [],
        "stop_reason": None,
    }
    out = [
        _sse({"type": "message_start", "message": {**message, "usage": {"input_tokens": 1, "output_tokens": 1}}}, "message_start")
    ]
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if answer.reasoning:
        deltas = [{"type": "thinking_delta", "thinking": r} for r in answer.reasoning]
        blocks.append(
            ({"type": "thinking", "thinking": "", "signature": ""}, [*deltas, {"type": "signature_delta", "signature": "c2ln"}])
        )
    if answer.text:
        blocks.append(({"type": "text", "text": ""}, [{"type": "text_delta", "text": t} for t in answer.text]))
    for call in answer.calls:
        fragments = ("", *call.fragments) if draw(st.booleans()) else call.fragments  # the first is often ""
        start = {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
        blocks.append((start, [{"type": "input_json_delta", "partial_json": f} for f in fragments]))
    for index, (start, deltas) in enumerate(blocks):
        out.append(_sse({"type": "content_block_start", "index": index, "content_block": start}, "content_block_start"))
        for delta in deltas:
            if draw(st.integers(0, 9)) == 0:
                out.append(_sse({"type": "ping"}, "ping"))
            out.append(_sse({"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta"))
        out.append(_sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
    if end == "complete":
        stop = {"stop_reason": "tool_use" if answer.calls else "end_turn", "stop_sequence": None}
        out.append(_sse({"type": "message_delta", "delta": stop, "usage": {"output_tokens": 5}}, "message_delta"))
        out.append(_sse({"type": "message_stop"}, "message_stop"))
    return b"".join(out)


def _gemini(answer: _Answer, end: str) -> bytes:
    parts: list[dict[str, Any]] = [{"text": r, "thought": True} for r in answer.reasoning]
    parts += [{"text": t} for t in answer.text]
    parts += [{"functionCall": {"name": c.name, "args": json.loads("".join(c.fragments))}} for c in answer.calls]
    parts = parts or [{"text": ""}]  # a candidate always comes with a first chunk
    chunks: list[dict[str, Any]] = [
        {"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}]} for part in parts
    ]
    if end == "complete":
        final = {"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP", "index": 0}
        chunks.append({"candidates": [final], "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 2}})
    return b"".join(_sse(chunk, eol="\r\n") for chunk in chunks)


def _responses(answer: _Answer, end: str) -> bytes:
    events: list[dict[str, Any]] = []
    response = {"id": "resp_1", "object": "response", "model": "m", "status": "in_progress", "output": []}
    events.append({"type": "response.created", "response": response})
    items: list[dict[str, Any]] = []

    def item(added: dict[str, Any], deltas: list[dict[str, Any]], done: dict[str, Any]) -> None:
        index = len(items)
        where = {"item_id": added["id"], "output_index": index}
        events.append({"type": "response.output_item.added", "output_index": index, "item": added})
        events.extend({**delta, **where} for delta in deltas)
        events.append({"type": "response.output_item.done", "output_index": index, "item": done})
        items.append(done)

    if answer.reasoning:
        summary = "".join(answer.reasoning)
        deltas = [{"type": "response.reasoning_summary_text.delta", "summary_index": 0, "delta": r} for r in answer.reasoning]
        part: dict[str, Any] = {"type": "summary_text", "text": summary}
        item({"type": "reasoning", "id": "rs_1", "summary": []}, deltas, {"type": "reasoning", "id": "rs_1", "summary": [part]})
    if answer.text:
        text = "".join(answer.text)
        deltas = [{"type": "response.output_text.delta", "content_index": 0, "delta": t} for t in answer.text]
        part = {"type": "output_text", "text": text, "annotations": []}
        message = {"type": "message", "id": "msg_1", "role": "assistant"}
        item({**message, "status": "in_progress", "content": []}, deltas, {**message, "status": "completed", "content": [part]})
    for k, call in enumerate(answer.calls):
        base = {"type": "function_call", "id": f"fc_{k}", "call_id": call.id, "name": call.name}
        deltas = [{"type": "response.function_call_arguments.delta", "delta": f} for f in call.fragments]
        done = {**base, "arguments": "".join(call.fragments), "status": "completed"}
        item({**base, "arguments": "", "status": "in_progress"}, deltas, done)
    if end == "complete":
        usage = {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
        events.append(
            {"type": "response.completed", "response": {**response, "status": "completed", "output": items, "usage": usage}}
        )
    return b"".join(_sse({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events))


def _error(wire_format: str, message: str) -> bytes:
    if wire_format == "anthropic-messages":
        return _sse({"type": "error", "error": {"type": "overloaded_error", "message": message}}, "error")
    if wire_format == "gemini":
        return _sse({"error": {"code": 500, "message": message, "status": "INTERNAL"}}, eol="\r\n")
    if wire_format == "openai-responses":
        return _sse({"type": "error", "code": "server_error", "message": message, "param": None}, "error")
    return _sse({"error": {"message": message, "type": "server_error", "code": 500}})


_FINISH = {
    "openai-chat": ("stop", "tool_calls"),
    "openai-responses": ("completed", "completed"),
    "anthropic-messages": ("end_turn", "tool_use"),
    "gemini": ("STOP", "STOP"),
}


@st.composite
def _llm_stream(  # noqa: PLR0913
    draw: DrawFn,
    wire_format: str,
    tool_calls: bool,
    reasoning: bool,
    quirks: bool,
    ends: tuple[str, ...],
    max_choices: int,
) -> tuple[bytes, ExpectedResult]:
    end = draw(st.sampled_from(ends))
    prefix = {"openai-chat": "call_", "openai-responses": "call_", "anthropic-messages": "toolu_", "gemini": "gcall_"}[
        wire_format
    ]
    count = draw(st.integers(1, max_choices)) if wire_format == "openai-chat" else 1
    answers = [draw(_answer(f"{prefix}{i}_", tool_calls=tool_calls, reasoning=reasoning)) for i in range(count)]
    if wire_format == "openai-chat":
        wire = _openai_chat(draw, answers, end, quirks=quirks)
    elif wire_format == "anthropic-messages":
        wire = _anthropic(draw, answers[0], end)
    elif wire_format == "openai-responses":
        wire = _responses(answers[0], end)
    else:
        wire = _gemini(answers[0], end)
    error = None
    if end == "error":
        error = draw(_ERROR_MESSAGES)
        wire += _error(wire_format, error)
    elif end == "truncated" and draw(st.booleans()):
        wire += b'data: {"candidates": [{"content'  # cut inside the next event: never dispatched (R6)
    choices = []
    for i, answer in enumerate(answers):
        calls = tuple(
            ExpectedToolCall(k, None if wire_format == "gemini" else c.id, c.name, "".join(c.fragments))
            for k, c in enumerate(answer.calls)
        )
        finish = _FINISH[wire_format][bool(answer.calls)] if end == "complete" else None
        choices.append(ExpectedChoice(i, "".join(answer.text), "".join(answer.reasoning), calls, finish))
    return wire, ExpectedResult(wire_format, end, tuple(choices), error)


def llm_streams(  # noqa: PLR0913
    format: str,  # noqa: A002 - the name accumulate() uses
    *,
    tool_calls: bool = True,
    reasoning: bool = True,
    quirks: bool = True,
    errors: bool = True,
    truncated: bool = True,
    max_choices: int = 3,
) -> SearchStrategy[tuple[bytes, ExpectedResult]]:
    """Generate ``(wire_bytes, expected)``: an LLM provider's SSE stream and what it accumulates to.

    ``sseparse.accumulate(wire_bytes, format=format)`` (in any chunking) must give a result that
    ``expected.mismatches(result)`` finds nothing wrong with. The expectation is built from what was
    generated (the text, reasoning and tool-call fragments, how the stream ends), not by running
    an accumulator.

    ``format``       ``"openai-chat"``, ``"openai-responses"``, ``"anthropic-messages"`` or ``"gemini"``.
    ``tool_calls``   answers with up to three tool calls, arguments streamed in fragments (Gemini
                     sends them whole).
    ``reasoning``    reasoning text: ``reasoning_content`` (OpenAI-compatible servers), a reasoning
                     summary (Responses), thinking blocks with a signature (Anthropic), ``thought``
                     parts (Gemini).
    ``quirks``       OpenAI Chat only: tool calls without ``index``, or all at index 0 with
                     distinct ids (as several compatible servers send them).
    ``errors``       streams that end with an in-stream error (``end == "error"``).
    ``truncated``    streams cut before their terminal marker, sometimes inside an event.
    ``max_choices``  OpenAI Chat only: up to this many choices (``n>1``), their chunks interleaved.

    Shrinks toward a complete stream with one empty answer (no text, no calls, no reasoning).
    """
    if format not in LLM_FORMATS:
        msg = f"format={format!r} must be one of {', '.join(LLM_FORMATS)}"
        raise InvalidArgument(msg)
    for name, value in (
        ("tool_calls", tool_calls),
        ("reasoning", reasoning),
        ("quirks", quirks),
        ("errors", errors),
        ("truncated", truncated),
    ):
        _check_bool(name, value)
    _check_int("max_choices", max_choices, minimum=1)
    ends = ("complete",) + (("error",) if errors else ()) + (("truncated",) if truncated else ())
    return _llm_stream(format, tool_calls, reasoning, quirks, ends, max_choices)
