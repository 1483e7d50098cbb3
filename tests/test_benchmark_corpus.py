"""The benchmark inputs are the pinned ones, and sseparse decodes them to the expected events.

Benchmarks only compare decoders fairly if every run feeds the same bytes, and a fast decoder is only
worth measuring if it is right on those bytes (eventsource-parser's ``benchmark-fixtures.test.ts``).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from decoder_harness import feed_and_close

from benchmarks import _corpus
from sseparse import ServerSentEvent, SSEDecoder, parse


def _decode(chunks: tuple[bytes, ...]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = feed_and_close(decoder, chunks)
    assert not decoder.incomplete
    return events


def test_corpus_is_pinned_by_its_checksum() -> None:
    """The generated corpus is byte for byte the one the checksum pins (20,001 events, about 4.8 MB)."""
    data = _corpus.corpus()
    assert hashlib.sha256(data).hexdigest() == _corpus.CORPUS_SHA256
    assert 4_700_000 < len(data) < 4_900_000
    assert data.endswith(b"\n\ndata: [DONE]\n\n")


@pytest.mark.parametrize("pattern", _corpus.PATTERNS)
def test_read_pattern_is_pinned_and_covers_the_corpus(pattern: str) -> None:
    """Each read pattern cuts the corpus where its checksum says, within its size range, losing nothing."""
    chunks = _corpus.reads(pattern)
    assert b"".join(chunks) == _corpus.corpus()
    assert _corpus.reads_digest(chunks) == _corpus.READS_SHA256[pattern]
    sizes = {len(chunk) for chunk in chunks[:-1]}  # the last read is whatever is left
    if pattern == "network":
        assert min(sizes) >= 1
        assert max(sizes) <= 8192
    elif pattern == "tiny":
        assert sizes == set(range(1, 17))
    else:
        assert len(chunks) == _corpus.CORPUS_EVENTS


def test_check_pins_accepts_the_generated_inputs() -> None:
    """The check the measuring run makes before it starts passes."""
    _corpus.check_pins()


def test_corpus_is_openai_chat_completion_chunks_then_done() -> None:
    """Every event but the last is a chat.completion.chunk of one stream; the last is [DONE]."""
    data = _corpus.expected_data()
    assert len(data) == 20_001
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 19_997
    assert any(not d.isascii() for d in data)  # decoding UTF-8 is part of the work


@pytest.mark.parametrize("pattern", _corpus.PATTERNS)
def test_sseparse_decodes_the_corpus_in_every_read_pattern(pattern: str) -> None:
    """20,001 "message" events with exactly the generated data, however the corpus is read."""
    events = _decode(_corpus.reads(pattern))
    assert len(events) == _corpus.CORPUS_EVENTS
    assert {e.event for e in events} == {"message"}
    assert {e.id for e in events} == {""}
    assert {e.retry for e in events} == {None}
    assert [e.data for e in events] == _corpus.expected_data()


def test_sseparse_decodes_the_corpus_whole() -> None:
    """Fed in one piece, the corpus gives the same events as in any read pattern."""
    assert [e.data for e in parse(_corpus.corpus())] == _corpus.expected_data()


def test_smoke_slice_is_a_prefix_of_the_corpus() -> None:
    """The smoke run's input is the first chunks of the corpus plus [DONE]."""
    size = _corpus.SMOKE_EVENTS
    assert [e.data for e in parse(_corpus.corpus(size))] == _corpus.expected_data(size)
    assert _corpus.expected_data(size)[:-1] == _corpus.expected_data()[: size - 1]


@pytest.mark.parametrize("read", [256, 1])
def test_long_line_is_one_event_in_any_reads(read: int) -> None:
    """The long line decodes to one event with the whole value (a small size here; linearity is tested elsewhere)."""
    size = 100_000
    chunks = _corpus.long_line_reads(size, read) if read > 1 else tuple(_corpus.long_line_byte_reads(size))
    [event] = _decode(chunks)
    assert event.data.encode() == _corpus.long_line(size)[6:-2]
    assert len(event.data) == size
