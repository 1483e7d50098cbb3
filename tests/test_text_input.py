"""Text is refused everywhere, with an error naming the function called and the byte source to use instead.

One rule for ``str`` across `parse`, `iter_events`, `aiter_events`, `accumulate`, `Stream` and
`AsyncStream`: Server-Sent Events are UTF-8 bytes; text has been decoded by someone else (maybe with
another charset) and is often split into lines without their line ends (``iter_lines()``), which
loses where events end. So text raises TypeError, never a confusing "cut off" or zero events.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import requests
import requests.adapters
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_helpers import openai_chat_blocks

import sseparse
from sseparse import AsyncStream, Stream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

BODY = b"".join(openai_chat_blocks())
SOURCES = re.compile(r"iter_bytes\(\).*iter_content\(None\).*content\.iter_any\(\)", re.DOTALL)


def _refused(call: Any, name: str) -> None:
    with pytest.raises(TypeError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{name} takes bytes, not "), message
    assert SOURCES.search(message), message
    assert "SSEDecoder.feed" not in message


def _text_chunks() -> Iterator[str]:
    yield BODY.decode()


async def _async_text_chunks() -> AsyncIterator[str]:
    yield BODY.decode()


def test_parse_refuses_str_naming_parse() -> None:
    """parse("data: x\\n\\n") names parse(), not the decoder method it calls."""
    _refused(lambda: sseparse.parse("data: x\n\n"), "parse()")  # type: ignore[arg-type]


def test_iter_events_refuses_str_and_str_chunks() -> None:
    """A str, or an iterable of str chunks: iter_events() is named."""
    _refused(lambda: sseparse.iter_events("data: x\n\n"), "iter_events()")  # type: ignore[arg-type]
    _refused(lambda: list(sseparse.iter_events(_text_chunks())), "iter_events()")  # type: ignore[arg-type]


def test_aiter_events_refuses_str_chunks() -> None:
    """aiter_events() names itself."""

    async def main() -> None:
        async for _ in sseparse.aiter_events(_async_text_chunks()):  # type: ignore[arg-type]
            pass

    _refused(lambda: asyncio.run(main()), "aiter_events()")


def test_accumulate_refuses_str_and_str_chunks() -> None:
    """accumulate() no longer encodes a str silently: the same rule as everywhere else."""
    _refused(lambda: sseparse.accumulate(BODY.decode()), "accumulate()")  # type: ignore[arg-type]
    _refused(lambda: sseparse.accumulate(_text_chunks()), "accumulate()")  # type: ignore[arg-type]
    assert sseparse.accumulate(BODY.decode().encode()).end == "complete"


def test_stream_refuses_str_chunks() -> None:
    """Stream and AsyncStream over str chunks name themselves and the byte iterators to use."""
    _refused(lambda: list(Stream(_text_chunks(), "openai-chat")), "Stream")

    async def main() -> None:
        async for _ in AsyncStream(_async_text_chunks(), "openai-chat"):
            pass

    _refused(lambda: asyncio.run(main()), "AsyncStream")


@contextlib.contextmanager
def _httpx_response() -> Iterator[httpx.Response]:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=BODY, headers={"content-type": "text/event-stream"})
    )
    with (
        httpx.Client(transport=transport) as client,
        client.stream("POST", "https://api.openai.com/v1/chat/completions") as response,
    ):
        yield response


@pytest.mark.parametrize("method", ["iter_lines", "iter_text"])
def test_httpx_text_iterators_are_refused_with_the_bytes_iterator_named(method: str) -> None:
    """httpx iter_lines() / iter_text() give str: the error names iter_bytes(), not "encode it"."""
    with _httpx_response() as response:
        _refused(lambda: list(Stream(getattr(response, method)(), "openai-chat")), "Stream")


def test_httpx_lines_encoded_back_are_refused() -> None:
    """iter_lines() encoded back to bytes still has no line ends: refused, not zero events."""
    with _httpx_response() as response:
        lines = (line.encode() for line in response.iter_lines())
        _refused(lambda: list(Stream(lines, "openai-chat")), "Stream")


class _Adapter(requests.adapters.BaseAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response.headers["content-type"] = "text/event-stream"
        response.raw = io.BytesIO(BODY)
        response.request, response.url = request, request.url or ""
        return response

    def close(self) -> None:
        pass


def _requests_response() -> requests.Response:
    session = requests.Session()
    session.mount("https://", _Adapter())
    return session.post("https://api.openai.com/v1/chat/completions", stream=True)


def test_requests_iter_lines_is_refused_not_reported_as_cut_off() -> None:
    """requests iter_lines() (bytes lines without their ends): a TypeError naming iter_content(None)."""
    with contextlib.closing(_requests_response()) as response:
        _refused(lambda: list(Stream(response.iter_lines(), "openai-chat")), "Stream")
    with contextlib.closing(_requests_response()) as response:
        _refused(lambda: list(Stream(response.iter_lines(decode_unicode=True), "openai-chat")), "Stream")


def test_the_byte_iterators_work() -> None:
    """The iterators the messages name read the same stream to its end."""
    with contextlib.closing(_requests_response()) as response:
        stream = Stream(response.iter_content(None), "openai-chat")
        assert [chunk.id for chunk in stream]
        assert stream.result().end == "complete"
    with _httpx_response() as response:
        assert list(sseparse.iter_events(response.iter_bytes()))


def test_lines_with_their_ends_are_a_byte_stream() -> None:
    """Lines that keep their line ends (aiohttp's ``async for line in response.content``) are fine."""
    lines = [line + b"\n" for line in BODY.split(b"\n")[:-1]]
    stream = Stream(lines, "openai-chat")
    assert len(list(stream)) == len(openai_chat_blocks()) - 1
    assert stream.result().end == "complete"


def test_a_single_field_line_per_read_is_not_mistaken_for_stripped_lines() -> None:
    """A byte stream cut right before each line end (reads of one line, then the line ends) is a stream."""
    pieces: list[bytes] = []
    for block in openai_chat_blocks():
        line = block.rstrip(b"\n")
        pieces += [line, b"\n\n"]
    stream = Stream(pieces, "openai-chat")
    assert list(stream)
    assert stream.result().end == "complete"


def test_a_cut_before_field_like_text_inside_a_line_is_not_refused() -> None:
    """Text that looks like a field inside a data line, cut right before it and before the line end: a stream."""
    block = b'data: {"choices": [{"index": 0, "delta": {"content": "see data: x"}}]}'
    cut = block.index(b"data: x")
    stream = Stream([block[:cut], block[cut:], b"\n\n", b"data: [DONE]\n\n"], "openai-chat")
    assert [chunk.choices[0].delta.content for chunk in stream] == ["see data: x"]
    assert stream.result().end == "complete"


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.integers(min_value=1, max_value=len(BODY) - 1), max_size=40))
def test_no_cut_of_a_byte_stream_is_mistaken_for_text(points: list[int]) -> None:
    """Random cuts (Hypothesis) of a real byte stream never trip the iter_lines() check."""
    edges = [0, *sorted(set(points)), len(BODY)]
    stream = Stream([BODY[a:b] for a, b in itertools.pairwise(edges)], "openai-chat")
    assert len(list(stream)) == len(openai_chat_blocks()) - 1


def test_empty_chunks_in_a_byte_stream_are_not_mistaken_for_blank_lines() -> None:
    """A byte source that yields b"" right after a cut before a line end (the hostile fuzzer does): a stream."""
    block = openai_chat_blocks()[1]
    line = block.rstrip(b"\n")
    pieces = [b"data:", b"", line[5:], b"", b"\n\n", *openai_chat_blocks()[2:]]
    stream = Stream(pieces, "openai-chat")
    assert len(list(stream)) == len(openai_chat_blocks()) - 2
    assert stream.result().end == "complete"
