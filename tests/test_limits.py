"""max_event_size: oversized events are dropped with a typed error, nothing else is lost, memory stays bounded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from decoder_harness import chunkings, feed_and_close

from sseparse import EventTooLargeError, ServerSentEvent, SSEDecoder, SSEError

if TYPE_CHECKING:
    from sseparse._typing import Buffer


def data_of(events: list[ServerSentEvent]) -> list[str]:
    """The data of each event."""
    return [e.data for e in events]


def decode_with_limit(chunks: list[Buffer], limit: int) -> tuple[list[str], int, str]:
    """Feed with a limit, collecting events from errors too; return data, error count and last event ID."""
    decoder = SSEDecoder(max_event_size=limit)
    errors: list[EventTooLargeError] = []
    events = feed_and_close(decoder, chunks, errors=errors)
    return data_of(events), len(errors), decoder.last_event_id


def test_oversized_event_is_dropped_and_the_error_carries_the_events_before_and_after_it() -> None:
    """Events completed in the same feed() call, on both sides of the oversized one, are not lost."""
    decoder = SSEDecoder(max_event_size=50)
    with pytest.raises(EventTooLargeError) as info:
        decoder.feed(b"data: a\n\ndata: " + b"x" * 100 + b"\n\ndata: b\n\n")
    assert data_of(info.value.events) == ["a", "b"]
    assert info.value.limit == 50
    assert isinstance(info.value, SSEError)
    assert "50" in str(info.value)


def test_decoder_keeps_working_after_an_oversized_event() -> None:
    """The next feed() after the error decodes normally."""
    decoder = SSEDecoder(max_event_size=20)
    with pytest.raises(EventTooLargeError):
        decoder.feed(b"data: " + b"x" * 30 + b"\n\n")
    assert data_of(decoder.feed(b"data: c\n\n")) == ["c"]
    assert decoder.close() == []


def test_event_of_exactly_the_limit_passes_and_one_byte_more_is_dropped() -> None:
    """The size is the bytes of the event's lines without line ends: 'data: abcd' is 10."""
    assert data_of(SSEDecoder(max_event_size=10).feed(b"data: abcd\n\n")) == ["abcd"]
    with pytest.raises(EventTooLargeError) as info:
        SSEDecoder(max_event_size=9).feed(b"data: abcd\n\n")
    assert info.value.events == []


def test_all_lines_of_an_event_count_towards_the_limit() -> None:
    """Several small lines of one event add up; the next event starts from zero."""
    decoder = SSEDecoder(max_event_size=20)
    assert data_of(decoder.feed(b"id: 1\ndata: abcdefgh\n\n")) == ["abcdefgh"]  # 5 + 14 = 19
    with pytest.raises(EventTooLargeError):
        decoder.feed(b"id: 2\ndata: abcdefghij\n\n")  # 5 + 16 = 21
    assert data_of(decoder.feed(b"data: ok\n\n")) == ["ok"]


def test_oversized_event_fed_in_pieces_raises_once_and_skips_to_its_blank_line() -> None:
    """The error comes when the limit is crossed; the rest of that event is skipped silently."""
    decoder = SSEDecoder(max_event_size=64)
    assert decoder.feed(b"data: a\n\ndata: ") == [ServerSentEvent(data="a")]
    with pytest.raises(EventTooLargeError) as info:
        decoder.feed(b"y" * 100)
    assert info.value.events == []
    assert decoder.feed(b"y" * 100) == []
    assert decoder.feed(b"\ndata: more of the same event\n") == []
    assert data_of(decoder.feed(b"\ndata: b\n\n")) == ["b"]


def test_oversized_events_outcome_does_not_depend_on_chunking() -> None:
    """Which events survive a limit is the same whole, bytewise and at every split."""
    data = b"data: a\n\ndata: " + b"x" * 40 + b"\ndata: y\n\ndata: b\n\n"
    whole = decode_with_limit([data], 32)
    assert whole == (["a", "b"], 1, "")
    for label, chunks in chunkings(data):
        assert decode_with_limit(chunks, 32)[0] == whole[0], label


def test_comment_lines_do_not_count_towards_the_limit_whatever_the_chunking() -> None:
    """A keep-alive comment longer than the limit neither drops the event around it nor raises."""
    data = b"data: x\n:" + b"p" * 100 + b"\ndata: y\n\n"
    for label, chunks in chunkings(data):
        assert decode_with_limit(chunks, 32) == (["x\ny"], 0, ""), label


def test_comment_garbage_without_newline_does_not_grow_memory() -> None:
    """A never-ending comment line is not kept in memory beyond the limit."""
    limit = 1000
    decoder = SSEDecoder(max_event_size=limit)
    decoder.feed(b":")
    for _ in range(256):
        assert decoder.feed(b"z" * 4096) == []
        assert decoder._splitter.pending_size <= limit
    assert data_of(decoder.feed(b"\ndata: after\n\n")) == ["after"]
    assert decoder.close() == []
    assert not decoder.incomplete


def test_garbage_without_newline_does_not_grow_memory() -> None:
    """With a limit, 1 MiB without any line end keeps at most the limit buffered."""
    limit = 1000
    decoder = SSEDecoder(max_event_size=limit)
    errors = 0
    for _ in range(256):
        try:
            decoder.feed(b"x" * 4096)
        except EventTooLargeError:
            errors += 1
        assert decoder._splitter.pending_size <= limit
    assert errors == 1
    assert data_of(decoder.feed(b"\n\ndata: after\n\n")) == ["after"]


def test_without_a_limit_a_long_line_is_kept_whole() -> None:
    """The default is no limit: the splitter holds the whole unfinished line."""
    decoder = SSEDecoder()
    for _ in range(64):
        decoder.feed(b"x" * 4096)
    assert decoder._splitter.pending_size == 64 * 4096


def test_oversized_event_is_reported_as_a_diagnostic() -> None:
    """With diagnostics on, the dropped event is recorded where it started to overflow."""
    decoder = SSEDecoder(max_event_size=16, diagnostics=True)
    with pytest.raises(EventTooLargeError):
        decoder.feed(b"data: 0123456789abcdef\n\n")
    assert [(d.kind, d.offset, d.line) for d in decoder.diagnostics] == [("event-too-large", 0, 1)]


def test_dropped_event_at_end_of_stream_is_not_dispatched_by_dispatch_incomplete() -> None:
    """An event dropped for its size stays dropped when the stream ends inside it."""
    decoder = SSEDecoder(max_event_size=8, dispatch_incomplete=True)
    with pytest.raises(EventTooLargeError):
        decoder.feed(b"data: 0123456789\n")
    assert decoder.close() == []


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10"])
def test_max_event_size_must_be_a_positive_int_or_none(bad: object) -> None:
    """Nonsense limits are refused up front."""
    with pytest.raises(ValueError, match="max_event_size"):
        SSEDecoder(max_event_size=bad)  # type: ignore[arg-type]


def test_close_with_a_limit_discards_a_held_partial_bom_without_raising() -> None:
    """Bytes held as a possible BOM are an unfinished line at close(): discarded, never over the limit."""
    for head in (b"\xef", b"\xef\xbb"):
        decoder = SSEDecoder(max_event_size=1)
        assert decoder.feed(head) == []
        assert decoder.close() == []
        assert decoder.closed
        assert decoder.incomplete


@pytest.mark.parametrize("size", [0, -1, True, False, 1.5, "10"])
def test_max_event_size_must_be_a_positive_int(size: object) -> None:
    """0, negative numbers, bools, floats and strings are refused when the decoder is made."""
    with pytest.raises(ValueError, match="max_event_size must be a positive int or None"):
        SSEDecoder(max_event_size=size)  # type: ignore[arg-type]
