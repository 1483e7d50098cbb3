"""Typing: SSEDecoder.feed and parse accept every bytes-like (checked by mypy --strict, run by pytest)."""

from __future__ import annotations

import array
import mmap
from typing import assert_type

from sseparse import ServerSentEvent, SSEDecoder, parse


def test_feed_accepts_bytes_bytearray_memoryview_and_other_buffers() -> None:
    """mypy accepts these calls and infers list[ServerSentEvent]; at run time they decode."""
    dec = SSEDecoder()
    assert_type(dec.feed(b"data: a\n"), list[ServerSentEvent])
    assert_type(dec.feed(bytearray(b"")), list[ServerSentEvent])
    assert_type(dec.feed(memoryview(b"data: b\n")), list[ServerSentEvent])
    assert_type(dec.feed(array.array("B", b"")), list[ServerSentEvent])
    with mmap.mmap(-1, 1) as buffer:
        buffer.write(b"\n")
        events = assert_type(dec.feed(buffer), list[ServerSentEvent])
    assert events == [ServerSentEvent(data="a\nb")]
    assert_type(dec.close(), list[ServerSentEvent])


def test_parse_accepts_bytearray_and_memoryview() -> None:
    """parse takes the same bytes-likes as feed."""
    assert_type(parse(bytearray(b"data: a\n\n")), list[ServerSentEvent])
    assert parse(memoryview(b"data: a\n\n")) == [ServerSentEvent(data="a")]
