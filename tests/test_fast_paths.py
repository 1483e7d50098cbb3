"""The decoder's fast path (whole chunks, `bytes.split`/`splitlines`) against its general path.

`SSEDecoder` interprets lines through one method, but splits chunks in two ways: the fast path
(``bytes.splitlines``, or ``bytes.split`` for long LF-only chunks, with the unfinished tail held in a
bytearray) and the general path used when diagnostics or a size limit are on (a regex over each chunk,
tracking offsets). These tests feed long, varied streams through both, in chunk sizes on both sides of
the long-chunk threshold, and require identical events and connection state.
"""

from __future__ import annotations

import random

import pytest
from decoder_harness import feed_and_close
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import _decoder
from sseparse._lines import LONG_CHUNK as _LONG_CHUNK

LINE_ENDS = [b"\n", b"\r\n", b"\r"]


def _stream(rng: random.Random, n_events: int, eols: list[bytes]) -> bytes:
    out: list[bytes] = []
    for i in range(n_events):
        eol = rng.choice(eols)
        kind = rng.random()
        if kind < 0.1:
            out.append(b": keep-alive" + eol)
        if kind < 0.2:
            out.append(b"event: e" + str(i).encode() + eol)
        if kind < 0.25:
            out.append(b"id: " + str(i).encode() + eol)
        if kind < 0.28:
            out.append(b"retry: " + str(i).encode() + eol)
        payload = bytes(rng.choice(b'abcdefghij {}:,"\xc3\xa9\xff') for _ in range(rng.randint(0, 400)))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            out.append(b"data: " + payload + eol)
        out.append(eol)
    return b"".join(out)


def _chunks(data: bytes, rng: random.Random, sizes: tuple[int, int]) -> list[bytes]:
    out = []
    i = 0
    while i < len(data):
        n = rng.randint(*sizes)
        out.append(data[i : i + n])
        i += n
    return out


def _decode(chunks: list[bytes], **options: object) -> tuple[list[sseparse.ServerSentEvent], str, int | None, bool]:
    decoder = sseparse.SSEDecoder(**options)  # type: ignore[arg-type]
    events = feed_and_close(decoder, chunks)
    return events, decoder.last_event_id, decoder.retry, decoder.incomplete


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), lf_only=st.booleans(), cut=st.booleans())
def test_fast_and_general_paths_agree_on_long_chunks(seed: int, lf_only: bool, cut: bool) -> None:
    """Long LF-only chunks (bytes.split), short chunks (splitlines) and the general path agree."""
    rng = random.Random(seed)
    data = _stream(rng, rng.randint(1, 40), [b"\n"] if lf_only else LINE_ENDS)
    if cut:
        data = data[: rng.randint(0, len(data))]
    reference = _decode([data[i : i + 1] for i in range(len(data))], diagnostics=True)
    for sizes in ((1, 16), (1, _LONG_CHUNK), (_LONG_CHUNK, 8 * _LONG_CHUNK), (len(data) + 1, len(data) + 1)):
        chunks = _chunks(data, rng, sizes)
        assert _decode(chunks) == reference
        assert _decode(chunks, max_event_size=1 << 30) == reference


def test_long_chunk_split_path_holds_the_unfinished_line() -> None:
    """A long LF-only chunk that ends mid-line keeps the tail for the next chunk."""
    first = b"data: " + b"a" * (2 * _LONG_CHUNK) + b"\n\ndata: par"
    decoder = sseparse.SSEDecoder()
    assert [e.data for e in decoder.feed(first)] == ["a" * (2 * _LONG_CHUNK)]
    assert [e.data for e in decoder.feed(b"t\n\n")] == ["part"]


def test_long_chunk_without_any_line_end_is_held_whole() -> None:
    """A long chunk with no LF at all is held and completed by a later chunk."""
    decoder = sseparse.SSEDecoder()
    assert decoder.feed(b"data: " + b"b" * (4 * _LONG_CHUNK)) == []
    assert decoder.feed(b"c\n") == []
    assert [e.data for e in decoder.feed(b"\n")] == ["b" * (4 * _LONG_CHUNK) + "c"]


def test_long_chunk_with_a_cr_takes_the_cr_aware_split() -> None:
    """A long chunk containing CR is split on CR, LF and CRLF, never on LF alone."""
    body = b"data: " + b"x" * _LONG_CHUNK + b"\r\rdata: y\r\n\r\n"
    assert [e.data for e in sseparse.parse(body)] == ["x" * _LONG_CHUNK, "y"]


# -- runs of one-line data blocks (`SSEDecoder._feed_run`) ------------------------------------------

_VALUE_BYTES = [b"a", b"{", b'"', b":", b" ", b"\xc3\xa9", b"\xf0\x9f\x99\x82", b"\xff", b"\xe2\x82", b"\x00"]


def _run_stream(rng: random.Random, n_events: int) -> bytes:
    """Mostly ``data: VALUE`` blocks (short, so many fit in one chunk), now and then something else."""
    out: list[bytes] = []
    for i in range(n_events):
        value = b"".join(rng.choice(_VALUE_BYTES) for _ in range(rng.randint(0, 60)))
        roll = rng.random()
        if roll < 0.03:
            out.append(b"id: " + str(i).encode() + b"\n")
        elif roll < 0.05:
            out.append(b"event: e\n")
        elif roll < 0.07:
            out.append(b": ping\n\n")
        elif roll < 0.09:
            out.append(b"data: first line\n")
        elif roll < 0.10:
            out.append(b"\n")  # a stray blank line: dispatches nothing
        out.append(b"data: " + value + b"\n\n")
    return b"".join(out)


def _spy_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the chunks `_feed_run` decodes (it returns None when a chunk is not a run)."""
    taken = [0]
    original = sseparse.SSEDecoder._feed_run

    def spy(self: sseparse.SSEDecoder, data: bytes) -> list[sseparse.ServerSentEvent] | None:
        result = original(self, data)
        taken[0] += result is not None
        return result

    monkeypatch.setattr(sseparse.SSEDecoder, "_feed_run", spy)
    return taken


def _primed() -> sseparse.SSEDecoder:
    """A decoder past its first chunk (which settles the BOM and goes through the general split)."""
    decoder = sseparse.SSEDecoder()
    assert decoder.feed(b": primed\n") == []
    return decoder


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), cut=st.booleans())
def test_runs_of_data_blocks_decode_as_byte_by_byte(seed: int, cut: bool) -> None:
    """Long chunks of one-line data blocks (UTF-8, invalid bytes, NUL, interruptions) give what 1-byte reads give."""
    rng = random.Random(seed)
    data = _run_stream(rng, rng.randint(1, 200))
    if cut:
        data = data[: rng.randint(0, len(data))]
    reference = _decode([data[i : i + 1] for i in range(len(data))])
    for sizes in ((_LONG_CHUNK + 1, 4 * _LONG_CHUNK), (len(data) + 1, len(data) + 1)):
        assert _decode(_chunks(data, rng, sizes)) == reference


def test_the_run_path_is_taken_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run path really runs on OpenAI-like streams, with pending bytes of every length before it."""
    rng = random.Random(7)
    data = b"".join(b"data: " + str(rng.random()).encode() * rng.randint(1, 9) + b"\n\n" for _ in range(400))
    expected = _decode([data])[0]
    taken = _spy_runs(monkeypatch)
    for first in range(12):  # the first chunk ends after 0..11 bytes: pending holds part of "data: "
        taken[0] = 0
        chunks = [data[:first], *(data[i : i + 2000] for i in range(first, len(data), 2000))]
        assert _decode(chunks)[0] == expected
        # Missed only where a chunk boundary falls between the two LFs of a blank line, or at the end.
        assert taken[0] >= 3 * len(chunks) // 4


def test_run_values_are_utf8_decoded_with_replacement(monkeypatch: pytest.MonkeyPatch) -> None:
    """Non-ASCII values in a run are UTF-8 (not Latin-1), and invalid bytes become U+FFFD (R3)."""
    values = [b"plain", "é🙂日本".encode(), b"bad \xff\xe2\x82 end", b"", b"x" * 600]
    body = b"".join(b"data: " + v + b"\n\n" for v in values)
    decoder = _primed()
    taken = _spy_runs(monkeypatch)
    assert [e.data for e in decoder.feed(body)] == ["plain", "é🙂日本", "bad \ufffd\ufffd end", "", "x" * 600]
    assert taken == [1]


def test_a_run_carries_the_last_event_id_and_stops_at_other_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events of a run report the sticky id; an id or event line inside the chunk is honoured."""
    pad = b"data: " + b"p" * _LONG_CHUNK + b"\n\n"
    decoder = _primed()
    assert [e.id for e in decoder.feed(b"id: 7\ndata: a\n\n")] == ["7"]
    taken = _spy_runs(monkeypatch)
    assert [(e.data, e.id) for e in decoder.feed(pad + b"data: b\n\n")] == [("p" * _LONG_CHUNK, "7"), ("b", "7")]
    assert taken == [1]
    events = decoder.feed(pad + b"data: b\n\nevent: add\ndata: c\n\nid: 8\n\ndata: d\n\n")
    assert [(e.event, e.data, e.id) for e in events] == [
        ("message", "p" * _LONG_CHUNK, "7"),
        ("message", "b", "7"),
        ("add", "c", "7"),
        ("message", "d", "8"),
    ]
    assert decoder.last_event_id == "8"


def test_pending_bytes_of_another_field_keep_a_chunk_off_the_run_path() -> None:
    """Pending bytes that start a different field keep the chunk off the run path, and decode right."""
    long_block = b"data: " + b"y" * _LONG_CHUNK + b"\n\n"
    decoder = _primed()
    assert decoder.feed(b"event: ad") == []
    assert [(e.event, e.data) for e in decoder.feed(b"d\ndata: x\n\n" + long_block)] == [
        ("add", "x"),
        ("message", "y" * _LONG_CHUNK),
    ]
    for held, rest in ((b"da", b"tum: 1"), (b"do", b"ta: 1")):  # not "data: " once pending and chunk meet
        decoder = _primed()
        assert decoder.feed(held) == []
        events = decoder.feed(rest + b"\n\ndata: x\n\n" + long_block)
        assert [(e.event, e.data) for e in events] == [("message", "x"), ("message", "y" * _LONG_CHUNK)]
    decoder = _primed()
    assert decoder.feed(b"event: add") == []  # a whole field line, its LF still to come
    assert [(e.event, e.data) for e in decoder.feed(b"\n\ndata: x\n\n" + long_block)] == [
        ("message", "x"),
        ("message", "y" * _LONG_CHUNK),
    ]


def test_a_chunk_that_starts_with_another_field_is_not_a_run() -> None:
    """A one-line block of another field at the chunk's start is no data block."""
    decoder = _primed()
    events = decoder.feed(b"retry: 5\n\ndata: x\n\n" + b"data: " + b"y" * _LONG_CHUNK + b"\n\n")
    assert [(e.data, e.retry) for e in events] == [("x", None), ("y" * _LONG_CHUNK, None)]
    assert decoder.retry == 5


# -- the CPython behaviour the fast path relies on ---------------------------------------------------


def test_removeprefix_returns_the_line_itself_when_the_prefix_is_absent() -> None:
    """`_process` tells ``data: `` lines from other lines by identity (``value is not line``).

    On an interpreter whose ``bytes.removeprefix`` returned a copy, every line would be taken for a
    data line; this fails first, naming the assumption.
    """
    lines = b"event: e\nid: 1\nretry: 5\ndata:x\ndata\n: comment\nDATA: y\n\xef\xbb\xbfdata: z\n".splitlines()
    lines += b"x" * 1000 + b"\n", b"a\nb".split(b"\n")[1]  # made by slicing and by split as well
    for line in lines:
        assert line.removeprefix(b"data: ") is line, f"bytes.removeprefix copied {line[:20]!r}: _process needs the same object"
    assert b"data: x".removeprefix(b"data: ") == b"x"
    assert b"data: ".removeprefix(b"data: ") == b""


def test_lines_that_are_not_data_lines_are_interpreted_as_their_fields() -> None:
    """The behaviour the identity test serves, on the fast path: only ``data: `` lines add data."""
    decoder = sseparse.SSEDecoder()
    events = decoder.feed(b"event: e\nid: 7\nretry: 9\ndata:x\ndata\n: c\nDATA: no\ndata: y\n\n")
    assert events == [sseparse.ServerSentEvent("e", "x\n\ny", "7", 9)]


def _state_of(decoder: sseparse.SSEDecoder) -> object:
    return decoder._state


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"event: delta", "delta"),
        (b"event: ", "message"),  # an empty type dispatches as "message"
        (b"event:  two spaces", " two spaces"),  # only one space after the colon is dropped
        (b"event: a:b c", "a:b c"),  # everything after the first colon and its space
        (b"event: caf\xc3\xa9 \xff", "caf\u00e9 \ufffd"),  # UTF-8, invalid bytes replaced
        (b"event:nospace", "nospace"),  # not the inline case: `_field` reads it
        (b"event", "message"),  # no colon: the name alone, an empty value
        (b"eventx: y", "message"),  # another field name, ignored
    ],
)
def test_event_lines_set_the_type_inline_as_field_would(line: bytes, expected: str) -> None:
    """`_process` reads ``event: `` lines inline (Anthropic and Responses send one per event) the way `_field` does."""
    body = line + b"\ndata: d\n\nevent: next\ndata: e\n\ndata: f\n\n"
    for chunks in ([body], [body[i : i + 1] for i in range(len(body))]):
        for diagnostics in (False, True):
            decoder = sseparse.SSEDecoder(diagnostics=diagnostics)
            events = [event for chunk in chunks for event in decoder.feed(chunk)]
            assert [(e.event, e.data) for e in events] == [(expected, "d"), ("next", "e"), ("message", "f")]


def test_fast_state_is_the_bytes_class_and_every_other_state_takes_the_slow_path() -> None:
    """`feed` tests state and chunk type with one identity comparison: only bytes in the fast state skip `_feed_slow`."""
    assert _decoder._FAST is bytes
    others = (_decoder._START, _decoder._AFTER_CR, _decoder._GENERAL, _decoder._CLOSED)
    assert len(set(others)) == len(others)
    assert not any(isinstance(state, type) for state in others)  # no chunk's class can be one of them

    decoder = sseparse.SSEDecoder()
    assert _state_of(decoder) is _decoder._START
    decoder.feed(b"data: a\r")  # the BOM is decided; the chunk ends with CR
    assert _state_of(decoder) is _decoder._AFTER_CR
    assert decoder.feed(b"\ndata: b\n") == []  # the LF belongs to the CRLF: no blank line yet
    assert _state_of(decoder) is _decoder._FAST
    assert decoder.feed(bytearray(b"\n")) == [sseparse.ServerSentEvent(data="a\nb")]  # not bytes: the slow path, same answer
    decoder.close()
    assert _state_of(decoder) is _decoder._CLOSED
    general = sseparse.SSEDecoder(diagnostics=True)
    assert general.feed(b"data: a\n\n") == [sseparse.ServerSentEvent(data="a")]
    assert _state_of(general) is _decoder._GENERAL
