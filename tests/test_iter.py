"""iter_events and aiter_events: the decoder over iterables, generators, files, pipes and async iterables."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import pytest

from sseparse import ServerSentEvent, aiter_events, iter_events

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

STREAM = b"\xef\xbb\xbfid: 1\ndata: a\n\n: ping\n\ndata: b\r\n\r\ndata: unfinished"
EXPECTED = [ServerSentEvent(data="a", id="1"), ServerSentEvent(data="b", id="1")]


def pieces(data: bytes, size: int) -> list[bytes]:
    """``data`` in chunks of ``size`` bytes."""
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_iter_events_over_a_list_of_chunks(size: int) -> None:
    """A list of byte chunks of any size gives the stream's events."""
    assert list(iter_events(pieces(STREAM, size))) == EXPECTED


def test_iter_events_over_a_generator_of_mixed_bytes_likes() -> None:
    """bytes, bytearray and memoryview chunks can be mixed."""

    def gen() -> Iterator[bytes | bytearray | memoryview]:
        for i, chunk in enumerate(pieces(STREAM, 5)):
            yield (bytes, bytearray, memoryview)[i % 3](chunk)

    assert list(iter_events(gen())) == EXPECTED


def test_iter_events_yields_each_event_before_reading_further() -> None:
    """An event is yielded as soon as its chunk is read, not at the end of the source."""
    read: list[int] = []

    def gen() -> Iterator[bytes]:
        for i, chunk in enumerate([b"data: a\n\n", b"data: b\n\n", b"data: c\n\n"]):
            read.append(i)
            yield chunk

    events = iter_events(gen())
    assert next(events).data == "a"
    assert read == [0]


def test_iter_events_over_a_binary_file() -> None:
    """io.BytesIO (read1) is read to the end."""
    assert list(iter_events(io.BytesIO(STREAM))) == EXPECTED


def test_iter_events_over_a_buffered_reader() -> None:
    """A BufferedReader, as open(path, 'rb') returns, works too."""
    assert list(iter_events(io.BufferedReader(io.BytesIO(STREAM)))) == EXPECTED


class Pipe:
    """A pipe-like object: read1 returns a few bytes at a time (None: a non-blocking pipe had nothing)."""

    def __init__(self, chunks: list[bytes | None]) -> None:
        self.chunks = chunks
        self.sizes: list[int] = []

    def read1(self, size: int = -1, /) -> bytes | None:
        """Return the next piece (b"" at end of file)."""
        self.sizes.append(size)
        return self.chunks.pop(0) if self.chunks else b""

    def read(self, size: int = -1, /) -> bytes | None:
        """Never used when read1 exists."""
        raise AssertionError


def test_iter_events_over_a_pipe_prefers_read1() -> None:
    """read1 is used, so a pipe yields events as they arrive instead of waiting for a full buffer."""
    pipe = Pipe(list(pieces(STREAM, 4)))
    assert list(iter_events(pipe)) == EXPECTED
    assert pipe.sizes
    assert all(size > 0 for size in pipe.sizes)


def test_iter_events_over_a_non_blocking_pipe_with_no_data_raises_blocking_io_error() -> None:
    """None from read1 ('no data yet') is reported instead of busy-waiting, after the events so far."""
    events = iter_events(Pipe([b"data: a\n\n", None, b"data: b\n\n"]))
    assert next(events) == ServerSentEvent(data="a")
    with pytest.raises(BlockingIOError):
        next(events)


class ReadOnly:
    """A file object with read() only."""

    def __init__(self, data: bytes) -> None:
        self.stream = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        """Return up to ``size`` bytes."""
        return self.stream.read(min(size, 3))


def test_iter_events_over_an_object_with_only_read() -> None:
    """Without read1, read() is used."""
    assert list(iter_events(ReadOnly(STREAM))) == EXPECTED


def test_iter_events_passes_decoder_options() -> None:
    """Keyword options reach the decoder (seed and dispatch_incomplete)."""
    got = list(iter_events([b"data: a\n\ndata: tail"], last_event_id="7", dispatch_incomplete=True))
    assert got == [ServerSentEvent(data="a", id="7"), ServerSentEvent(data="tail", id="7")]


@pytest.mark.parametrize("bad", [b"data: a\n\n", "data: a\n\n", bytearray(b"x"), memoryview(b"x")])
def test_iter_events_refuses_a_single_bytes_or_str(bad: object) -> None:
    """One bytes object would be iterated as ints: parse() is the right call, and the error says so."""
    with pytest.raises(TypeError, match="parse"):
        next(iter_events(bad))  # type: ignore[arg-type]


async def agen(chunks: list[bytes]) -> AsyncIterator[bytes]:
    """An async generator of chunks that yields control between them."""
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk


async def collect(source: AsyncIterator[bytes], **options: object) -> list[ServerSentEvent]:
    """All events of aiter_events."""
    return [event async for event in aiter_events(source, **options)]


@pytest.mark.parametrize("size", [1, 4, 1000])
def test_aiter_events_over_an_async_generator(size: int) -> None:
    """An async iterable of chunks gives the same events as the sync helper."""
    assert asyncio.run(collect(agen(pieces(STREAM, size)))) == EXPECTED


def test_aiter_events_passes_decoder_options() -> None:
    """Keyword options reach the decoder."""
    got = asyncio.run(collect(agen([b"data: a"]), dispatch_incomplete=True))
    assert got == [ServerSentEvent(data="a")]


def test_aiter_events_yields_each_event_before_reading_further() -> None:
    """The first event is available before the source is exhausted."""
    read: list[int] = []

    async def source() -> AsyncIterator[bytes]:
        for i, chunk in enumerate([b"data: a\n\n", b"data: b\n\n"]):
            read.append(i)
            yield chunk

    async def first() -> str:
        events = aiter_events(source())
        event = await anext(events)
        await events.aclose()  # type: ignore[attr-defined]
        return event.data

    assert asyncio.run(first()) == "a"
    assert read == [0]


def test_aiter_events_refuses_a_sync_iterable() -> None:
    """A list is not an async iterable: TypeError on first use, naming the type."""

    async def run() -> None:
        async for _ in aiter_events([b"data: a\n\n"]):  # type: ignore[arg-type]
            pass

    with pytest.raises(TypeError, match="list"):
        asyncio.run(run())


def test_iter_events_refuses_a_wrong_source_when_called_not_at_the_first_event() -> None:
    """The TypeError comes from the call itself, before anything is iterated."""
    with pytest.raises(TypeError, match="parse"):
        iter_events(b"data: a\n\n")  # type: ignore[arg-type]


def test_iter_events_and_stream_share_the_non_blocking_file_error() -> None:
    """A non-blocking file with no data gives BlockingIOError naming the API that read it."""

    class NoData:
        def read(self, size: int = -1, /) -> bytes | None:
            return None

    with pytest.raises(BlockingIOError, match="iter_events"):
        list(iter_events(NoData()))
