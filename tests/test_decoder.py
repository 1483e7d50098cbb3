"""SSEDecoder behaviour through its public API: timing of events, close(), reset(), misuse, state."""

from __future__ import annotations

import array
import pickle

import pytest
from decoder_harness import MODES

from sseparse import DecoderClosedError, ServerSentEvent, SSEDecoder, SSEError, parse

ALL_MODES = pytest.mark.parametrize("mode", sorted(MODES))


def make(mode: str, **options: object) -> SSEDecoder:
    """A decoder in one of the harness modes."""
    return SSEDecoder(**MODES[mode], **options)  # type: ignore[arg-type]


# -- when events come out ------------------------------------------------------------------------


@ALL_MODES
def test_event_is_returned_by_the_feed_that_brings_the_first_byte_of_its_blank_line(mode: str) -> None:
    """No event is held back waiting for more input."""
    decoder = make(mode)
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\n") == [ServerSentEvent(data="a")]


@ALL_MODES
def test_r5_cr_ends_the_event_at_once_and_the_following_lf_is_swallowed(mode: str) -> None:
    """A blank line ended by CR dispatches immediately; its LF in the next chunk is not another line."""
    decoder = make(mode)
    assert decoder.feed(b"id: 1\rdata: a\r") == []
    assert decoder.feed(b"\r") == [ServerSentEvent(data="a", id="1")]
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: b\r\n\r\n") == [ServerSentEvent(data="b", id="1")]


@ALL_MODES
def test_r5_crlf_split_across_chunks_is_one_terminator(mode: str) -> None:
    """'data: a' CR | LF 'data: b' is one event with two data lines, not two events."""
    decoder = make(mode)
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\ndata: b\r\n\r\n") == [ServerSentEvent(data="a\nb")]


@ALL_MODES
def test_only_one_lf_is_swallowed_after_a_chunk_final_cr(mode: str) -> None:
    """CR | LF LF: the second LF is a blank line."""
    decoder = make(mode)
    decoder.feed(b"data: a\r")
    assert decoder.feed(b"\n\n") == [ServerSentEvent(data="a")]


@ALL_MODES
def test_a_later_lf_is_not_swallowed_after_an_empty_chunk(mode: str) -> None:
    """An empty chunk between CR and LF does not change how the LF is read."""
    decoder = make(mode)
    decoder.feed(b"data: a\r")
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\n") == [ServerSentEvent(data="a")]


@ALL_MODES
def test_events_of_one_chunk_come_out_in_order(mode: str) -> None:
    """A chunk holding several events returns all of them, in stream order."""
    assert [e.data for e in make(mode).feed(b"data: 1\n\ndata: 2\r\rdata: 3\r\n\r\n")] == ["1", "2", "3"]


# -- state --------------------------------------------------------------------------------------


@ALL_MODES
def test_last_event_id_changes_only_at_a_blank_line(mode: str) -> None:
    """R12.1: the id buffer becomes the last event ID string when the block is dispatched."""
    decoder = make(mode)
    decoder.feed(b"id: 7\n")
    assert decoder.last_event_id == ""
    decoder.feed(b"\n")
    assert decoder.last_event_id == "7"


@ALL_MODES
def test_retry_attribute_and_callback_follow_valid_retry_fields(mode: str) -> None:
    """retry holds the last valid value; on_retry sees every valid one, invalid ones are ignored."""
    seen: list[int] = []
    decoder = make(mode, on_retry=seen.append)
    assert decoder.retry is None
    decoder.feed(b"retry: 10\nretry: x\nretry: 020\n\nretry: -5\n\n")
    assert seen == [10, 20]
    assert decoder.retry == 20


def test_seeded_last_event_id_is_reported_until_the_stream_changes_it() -> None:
    """last_event_id= seeds both the attribute and the ids of events."""
    decoder = SSEDecoder(last_event_id="41")
    assert decoder.last_event_id == "41"
    assert decoder.feed(b"data: a\n\n") == [ServerSentEvent(data="a", id="41")]


@pytest.mark.parametrize("bad", ["a\x00", "a\n", "a\r"])
def test_seed_that_no_id_field_could_produce_is_refused(bad: str) -> None:
    """A seed with NUL, CR or LF raises ValueError."""
    with pytest.raises(ValueError, match="last_event_id"):
        SSEDecoder(last_event_id=bad)


def test_seed_must_be_a_str() -> None:
    """A bytes seed raises TypeError."""
    with pytest.raises(TypeError, match="last_event_id"):
        SSEDecoder(last_event_id=b"1")  # type: ignore[arg-type]


# -- input types ---------------------------------------------------------------------------------


@ALL_MODES
def test_feed_accepts_every_bytes_like(mode: str) -> None:
    """bytes, bytearray, memoryview (also sliced) and array.array are all accepted."""
    decoder = make(mode)
    events = decoder.feed(bytearray(b"data: a\n"))
    events += decoder.feed(memoryview(b"xxdata: b\n")[2:])
    events += decoder.feed(array.array("B", b"\n"))
    assert events == [ServerSentEvent(data="a\nb")]


@ALL_MODES
def test_feed_str_raises_type_error_before_and_after_the_bom_check(mode: str) -> None:
    """Text is refused with a message saying to encode it, on a fresh and on a running decoder."""
    decoder = make(mode)
    with pytest.raises(TypeError, match="not str"):
        decoder.feed("data: a\n\n")  # type: ignore[arg-type]
    decoder.feed(b"data: a\n")
    with pytest.raises(TypeError, match="not str"):
        decoder.feed("\n")  # type: ignore[arg-type]
    assert decoder.feed(b"\n") == [ServerSentEvent(data="a")]


@ALL_MODES
@pytest.mark.parametrize("bad", [3, [100, 97], None])
def test_feed_refuses_objects_that_are_not_buffers(mode: str, bad: object) -> None:
    """An int is not three NUL bytes and a list of ints is not bytes: both raise TypeError."""
    decoder = make(mode)
    decoder.feed(b"data: a\n")
    with pytest.raises(TypeError):
        decoder.feed(bad)  # type: ignore[arg-type]
    assert decoder.feed(b"\n") == [ServerSentEvent(data="a")]


# -- close ---------------------------------------------------------------------------------------


@ALL_MODES
def test_close_after_a_clean_end_returns_nothing_and_is_not_incomplete(mode: str) -> None:
    """A stream that ends after a blank line lost nothing."""
    decoder = make(mode)
    decoder.feed(b"data: a\n\n")
    assert decoder.close() == []
    assert not decoder.incomplete
    assert decoder.closed


@ALL_MODES
@pytest.mark.parametrize("tail", [b"data: b", b"data: b\n", b"data: b\r", b"event: x\n", b"id: 2\n", b"da"])
def test_r6_close_discards_the_unfinished_event_and_sets_incomplete(mode: str, tail: bytes) -> None:
    """An event without its blank line is not dispatched; incomplete says data was lost."""
    decoder = make(mode)
    decoder.feed(b"id: 1\ndata: a\n\n" + tail)
    assert decoder.close() == []
    assert decoder.incomplete
    assert decoder.last_event_id == "1"


@ALL_MODES
@pytest.mark.parametrize("tail", [b"", b": keep-al", b":\n", b"\n", b"\r"])
def test_close_after_only_comments_or_blank_lines_is_not_incomplete(mode: str, tail: bytes) -> None:
    """Comments and blank lines after the last event are not a lost event."""
    decoder = make(mode)
    decoder.feed(b"data: a\n\n" + tail)
    assert decoder.close() == []
    assert not decoder.incomplete


@ALL_MODES
@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (b"data: b", ServerSentEvent(data="b", id="1")),
        (b"data: b\n", ServerSentEvent(data="b", id="1")),
        (b"data: b\ndata: c", ServerSentEvent(data="b\nc", id="1")),
        (b"event: e\nid: 2\ndata: b", ServerSentEvent("e", "b", "2")),
        (b"retry: 5\ndata: b\r", ServerSentEvent(data="b", id="1", retry=5)),
    ],
)
def test_dispatch_incomplete_returns_the_unfinished_event_at_close(mode: str, tail: bytes, expected: ServerSentEvent) -> None:
    """With dispatch_incomplete=True close() dispatches what a final blank line would have."""
    decoder = make(mode, dispatch_incomplete=True)
    assert decoder.feed(b"id: 1\ndata: a\n\n" + tail) == [ServerSentEvent(data="a", id="1")]
    assert decoder.close() == [expected]
    assert decoder.incomplete
    assert decoder.last_event_id == expected.id


@ALL_MODES
def test_dispatch_incomplete_of_a_data_less_block_commits_its_id_only(mode: str) -> None:
    """An unfinished id-only block dispatches nothing but commits the id, like a blank line would."""
    decoder = make(mode, dispatch_incomplete=True)
    decoder.feed(b"id: 9\n")
    assert decoder.close() == []
    assert decoder.last_event_id == "9"


@ALL_MODES
def test_dispatch_incomplete_with_a_partial_bom_only(mode: str) -> None:
    """Two bytes of a BOM at end of stream are an unfinished line of U+FFFD, not an event."""
    decoder = make(mode, dispatch_incomplete=True)
    decoder.feed(b"\xef\xbb")
    assert decoder.close() == []
    assert decoder.incomplete


@ALL_MODES
def test_feed_after_close_raises_decoder_closed_error(mode: str) -> None:
    """A closed decoder refuses input with an SSEError that is also a RuntimeError."""
    decoder = make(mode)
    decoder.feed(b"data: a\n\n")
    decoder.close()
    with pytest.raises(DecoderClosedError) as info:
        decoder.feed(b"data: b\n\n")
    assert isinstance(info.value, SSEError)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(DecoderClosedError):
        decoder.feed(b"")


@ALL_MODES
def test_close_twice_raises_decoder_closed_error(mode: str) -> None:
    """close() is not idempotent: a second call is a bug in the caller."""
    decoder = make(mode)
    decoder.close()
    with pytest.raises(DecoderClosedError):
        decoder.close()


# -- reset ---------------------------------------------------------------------------------------


@ALL_MODES
def test_reset_forgets_buffered_input_but_keeps_connection_state(mode: str) -> None:
    """After reset() the half-read event is gone; last_event_id and retry survive."""
    decoder = make(mode)
    decoder.feed(b"id: 5\nretry: 300\ndata: a\n\ndata: half")
    decoder.reset()
    assert decoder.last_event_id == "5"
    assert decoder.retry == 300
    assert decoder.feed(b"\n\ndata: b\n\n") == [ServerSentEvent(data="b", id="5")]


@ALL_MODES
def test_reset_reopens_a_closed_decoder_and_strips_a_new_bom(mode: str) -> None:
    """A new stream after close() starts at byte 0 again (R2), keeping the options."""
    decoder = make(mode)
    decoder.feed(b"data: a\n\n")
    decoder.close()
    decoder.reset(last_event_id="9")
    assert not decoder.closed
    assert decoder.feed(b"\xef\xbb\xbfdata: b\n\n") == [ServerSentEvent(data="b", id="9")]


def test_reset_keeps_diagnostics_option_and_clears_incomplete() -> None:
    """Options survive a reset; the per-stream incomplete flag does not."""
    decoder = SSEDecoder(diagnostics=True)
    decoder.feed(b"data: a")
    decoder.close()
    flags = [decoder.incomplete]
    decoder.reset()
    flags.append(decoder.incomplete)
    assert flags == [True, False]
    decoder.feed(b"foo\n\n")
    assert [d.kind for d in decoder.diagnostics] == ["unknown-field"]


# -- parse ---------------------------------------------------------------------------------------


def test_parse_decodes_a_whole_stream_and_passes_options() -> None:
    """parse() is feed + close, with the decoder's keyword options."""
    assert parse(b"data: a\n\ndata: b") == [ServerSentEvent(data="a")]
    assert parse(b"data: a\n\ndata: b", dispatch_incomplete=True) == [ServerSentEvent(data="a"), ServerSentEvent(data="b")]
    assert parse(memoryview(b"data: a\n\n"), last_event_id="3") == [ServerSentEvent(data="a", id="3")]


def test_event_survives_pickling() -> None:
    """Events are plain values that pickle (e.g. across processes)."""
    event = ServerSentEvent("e", "d", "1", 5)
    assert pickle.loads(pickle.dumps(event)) == event
