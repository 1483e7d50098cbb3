"""Hypothesis properties of the decoder and the encoder, checked in every decoder mode."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from decoder_harness import MODES, Outcome, decode, feed_and_close
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sseparse import EventTooLargeError, ServerSentEvent, SSEDecoder, encode, parse
from sseparse._events import MAX_RETRY

BOM = b"\xef\xbb\xbf"

# Pieces that make streams interesting: field names, separators, every line end, BOM and UTF-8
# fragments, NUL, digits and signs for retry, Unicode line-separator look-alikes.
FRAGMENTS = [
    b"data",
    b"data:",
    b"data: ",
    b"event:",
    b"id:",
    b"id",
    b"retry:",
    b"retry: ",
    b":",
    b": ",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"x",
    b"7",
    b"42",
    b"+1",
    b"\x00",
    BOM,
    b"\xef\xbb",
    b"\xff",
    b"\xe2\x82",
    b"\xac",
    b"\xf0\x9f\x98\x80",
    "\u2028".encode(),
    "\u0085".encode(),
    b"\x0b\x0c",
    b"[DONE]",
]

sse_bytes = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(b"".join),
    st.binary(max_size=120),
)
cr_free_bytes = st.lists(st.sampled_from([f for f in FRAGMENTS if b"\r" not in f]), max_size=40).map(b"".join)
modes = st.sampled_from(sorted(MODES))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def split(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """``data`` cut at arbitrary places (shrinks toward one chunk)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@SETTINGS
@given(data=sse_bytes, mode=modes, draw=st.data())
def test_rechunking_never_changes_the_result(data: bytes, mode: str, draw: st.DataObject) -> None:
    """Any chunking, in any mode, gives what the plain decoder gives for the whole input."""
    chunks = draw.draw(split(data))
    assert decode(chunks, mode=mode) == decode([data])


@SETTINGS
@given(data=cr_free_bytes, mode=modes)
def test_lf_to_crlf_on_cr_free_input_changes_nothing(data: bytes, mode: str) -> None:
    """Replacing every LF with CRLF gives the same events, retries and last event ID."""
    assert decode([data.replace(b"\n", b"\r\n")], mode=mode) == decode([data])


@SETTINGS
@given(data=cr_free_bytes, mode=modes, draw=st.data())
def test_lf_to_cr_on_cr_free_input_changes_nothing(data: bytes, mode: str, draw: st.DataObject) -> None:
    """Replacing every LF with CR gives the same result, under any chunking."""
    chunks = draw.draw(split(data.replace(b"\n", b"\r")))
    assert decode(chunks, mode=mode) == decode([data])


@SETTINGS
@given(data=sse_bytes, mode=modes)
def test_a_bom_prefix_changes_nothing(data: bytes, mode: str) -> None:
    """One BOM in front of a stream that does not start with one is stripped (R2)."""
    assume(not data.startswith(BOM))
    assert decode([BOM + data], mode=mode) == decode([data])


@SETTINGS
@given(prefix=sse_bytes, rest=sse_bytes, mode=modes)
def test_splitting_at_a_blank_line_equals_two_parses_with_the_id_seeded(prefix: bytes, rest: bytes, mode: str) -> None:
    """parse(prefix + rest) == parse(prefix) + parse(rest) seeded with the prefix's final last event ID."""
    prefix += b"\n\n"  # whatever came before, the last line of prefix is now blank
    assume(not rest.startswith(BOM))  # a BOM is stripped only at byte 0 of a stream
    first = decode([prefix], mode=mode)
    second = decode([rest], mode=mode, last_event_id=first.final_last_event_id)
    joined = Outcome(first.events + second.events, first.retry_updates + second.retry_updates, second.final_last_event_id)
    assert decode([prefix + rest], mode=mode) == joined


@SETTINGS
@given(data=st.binary(max_size=300), mode=modes, draw=st.data(), incomplete=st.booleans())
def test_arbitrary_bytes_never_raise(data: bytes, mode: str, draw: st.DataObject, incomplete: bool) -> None:
    """No byte sequence in any chunking makes any mode raise; every value has its exact type."""
    chunks = draw.draw(split(data))
    decoder = SSEDecoder(dispatch_incomplete=incomplete, **MODES[mode])
    events = feed_and_close(decoder, chunks)
    for event in events:
        assert type(event.data) is str
        assert type(event.event) is str
        assert type(event.id) is str


@SETTINGS
@given(data=sse_bytes, limit=st.integers(1, 64), draw=st.data())
def test_with_a_small_limit_only_limit_errors_are_raised_and_chunking_does_not_matter(
    data: bytes, limit: int, draw: st.DataObject
) -> None:
    """With any max_event_size the surviving events are the same under any chunking."""

    def run(chunks: list[bytes]) -> tuple[list[tuple[str, str, str, int | None]], str]:
        decoder = SSEDecoder(max_event_size=limit)
        errors: list[EventTooLargeError] = []
        events = feed_and_close(decoder, chunks, errors=errors)
        assert {error.limit for error in errors} <= {limit}
        return [(e.event, e.data, e.id, e.retry) for e in events], decoder.last_event_id

    assert run(draw.draw(split(data))) == run([data])


@SETTINGS
@given(data=sse_bytes, draw=st.data())
def test_diagnostics_do_not_depend_on_chunking(data: bytes, draw: st.DataObject) -> None:
    """Offsets, line numbers and values of diagnostics are the same under any chunking."""

    def run(chunks: list[bytes]) -> list[tuple[str, int, int, str | None, str | None]]:
        decoder = SSEDecoder(diagnostics=True)
        for chunk in chunks:
            decoder.feed(chunk)
        decoder.close()
        return [(d.kind, d.offset, d.line, d.field, d.value) for d in decoder.diagnostics]

    assert run(draw.draw(split(data))) == run([data])


# -- encode -> parse -------------------------------------------------------------------------------

no_cr = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r"), max_size=30)
one_line = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20)
id_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=20)
blocks = st.fixed_dictionaries(
    {},
    optional={
        "data": no_cr,
        "event": one_line,
        "id": id_text,
        "retry": st.integers(0, MAX_RETRY),  # a larger one is ignored by design (tests/test_hostile.py)
        "comment": no_cr,
    },
).filter(bool)


@SETTINGS
@given(block=blocks)
def test_encode_then_parse_round_trips_one_block(block: dict[str, Any]) -> None:
    """parse(encode(...)) gives back the data, type, id and retry (no event without data)."""
    raw = encode(**block)
    decoder = SSEDecoder()
    events = decoder.feed(raw) + decoder.close()
    assert not decoder.incomplete
    if block.get("data") is None:
        assert events == []
    else:
        assert events == [
            ServerSentEvent(block.get("event") or "message", block["data"], block.get("id") or "", block.get("retry"))
        ]
    assert decoder.last_event_id == (block.get("id") or "")
    assert decoder.retry == block.get("retry")


@SETTINGS
@given(seq=st.lists(blocks, max_size=6), draw=st.data())
def test_encoded_blocks_concatenated_parse_to_their_events_with_sticky_ids(
    seq: list[dict[str, Any]], draw: st.DataObject
) -> None:
    """A stream of encoded blocks, in any chunking, gives one event per data block with sticky ids."""
    stream = b"".join(encode(**block) for block in seq)
    expected = []
    last_id = ""
    for block in seq:
        if block.get("id") is not None:
            last_id = block["id"]
        if block.get("data") is not None:
            expected.append((block.get("event") or "message", block["data"], last_id, block.get("retry")))
    got = decode(draw.draw(split(stream)))
    assert list(got.events) == expected
    assert got.final_last_event_id == last_id


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"data": "a\rb"}, ValueError),
        ({"data": "a\r\nb"}, ValueError),
        ({"data": "x", "event": "a\nb"}, ValueError),
        ({"data": "x", "event": "a\rb"}, ValueError),
        ({"data": "x", "id": "a\x00b"}, ValueError),
        ({"data": "x", "id": "a\nb"}, ValueError),
        ({"data": "x", "id": "a\rb"}, ValueError),
        ({"comment": "a\rb"}, ValueError),
        ({"data": "x", "retry": -1}, ValueError),
        ({"data": "x", "retry": True}, ValueError),
        ({"data": "x", "retry": 1.5}, ValueError),
        ({}, ValueError),
        ({"data": b"x"}, TypeError),
        ({"data": "x", "id": 7.0}, TypeError),  # an int id is fine (test_encoder.py), a float is not
    ],
)
def test_encode_refuses_what_a_block_cannot_represent(kwargs: dict[str, object], error: type[Exception]) -> None:
    """CR anywhere, LF in event/id, NUL in id, bad retry and non-str values raise."""
    with pytest.raises(error):
        encode(**kwargs)  # type: ignore[arg-type]


def test_encode_data_with_nul_and_unicode_separators_round_trips() -> None:
    """NUL, U+2028, U+0085 and a leading space survive in data."""
    data = " a\x00b\u2028c\u0085d\n\ne "
    assert parse(encode(data, id="\u00fc")) == [ServerSentEvent("message", data, "\u00fc", None)]
