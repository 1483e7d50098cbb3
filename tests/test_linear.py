"""Linear time: the work done for one long line grows with its size, never with the number of reads.

The splitter counts every held byte it reads back (`LineSplitter.scanned`); a decoder that searched or
copied its whole buffer on each read would count about size * reads / 2. Counted, never timed.
"""

from __future__ import annotations

import collections
import itertools

import pytest

from sseparse import SSEDecoder

SIZE = 16 * 1024 * 1024  # 16 MiB of data in one line
BOUND = 2  # at most this many held-byte reads per input byte


def feed_long_line(decoder: SSEDecoder, chunk_size: int) -> list[str]:
    """Feed 'data: ' + SIZE x 'a' + a blank line in chunks of ``chunk_size``; return the data lengths."""
    events = decoder.feed(b"data: ")
    chunk = b"a" * chunk_size
    feed = decoder.feed
    collections.deque(map(feed, itertools.repeat(chunk, SIZE // chunk_size)), maxlen=0)
    events += decoder.feed(b"\n\n")
    return [e.data for e in events]


@pytest.mark.parametrize(
    "options", [{}, {"diagnostics": True}, {"max_event_size": 1 << 40}], ids=["plain", "diagnostics", "limit"]
)
def test_16_mib_line_in_256_byte_reads_is_linear(options: dict[str, object]) -> None:
    """65,536 reads of 256 bytes re-read each held byte at most a constant number of times."""
    decoder = SSEDecoder(**options)  # type: ignore[arg-type]
    data = feed_long_line(decoder, 256)
    assert [len(d) for d in data] == [SIZE]
    assert SIZE // 2 <= decoder._splitter.scanned <= BOUND * SIZE


@pytest.mark.slow
def test_16_mib_line_in_1_byte_reads_is_linear() -> None:
    """16,777,216 one-byte reads: the counted work is still O(size)."""
    decoder = SSEDecoder()
    data = feed_long_line(decoder, 1)
    assert [len(d) for d in data] == [SIZE]
    assert SIZE // 2 <= decoder._splitter.scanned <= BOUND * SIZE


def test_many_short_lines_in_tiny_reads_are_linear() -> None:
    """100,000 short events fed 3 bytes at a time: held bytes are read back once per line."""
    stream = b"data: 0123456789\n\n" * 100_000
    decoder = SSEDecoder()
    count = 0
    for i in range(0, len(stream), 3):
        count += len(decoder.feed(stream[i : i + 3]))
    assert count == 100_000
    assert decoder._splitter.scanned <= BOUND * len(stream)
