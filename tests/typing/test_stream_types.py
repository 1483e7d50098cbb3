"""Typing: what Stream / AsyncStream / reconnecting yield (checked by mypy --strict, run by pytest)."""

from __future__ import annotations

import asyncio
from typing import Any, assert_type

from sseparse import AccumulatedResult, AsyncStream, ServerSentEvent, Stream, areconnecting, reconnecting
from sseparse.models.openai_chat import ChatCompletionChunk


def test_without_a_format_items_are_server_sent_events() -> None:
    """format=None: Stream[ServerSentEvent]; next() and iteration are typed."""
    stream = assert_type(Stream([b"data: a\n\n", bytearray(b"data: b\n\n")]), Stream[ServerSentEvent])
    assert_type(next(stream), ServerSentEvent)
    assert [event.data for event in stream] == ["b"]


def test_with_a_format_items_are_its_model_and_result_is_typed() -> None:
    """A format: the format's model; result() is an AccumulatedResult."""
    stream = assert_type(Stream([b"data: [DONE]\n\n"], "openai-chat"), Stream[ChatCompletionChunk])
    assert list(stream) == []
    assert_type(stream.result(), AccumulatedResult)
    assert_type(reconnecting(lambda state: [b"data: [DONE]\n\n"], "openai-chat"), Stream[Any])


def test_async_stream_types() -> None:
    """AsyncStream mirrors Stream."""

    async def source() -> Any:
        yield b"data: a\n\n"

    async def main() -> None:
        async with AsyncStream(source()) as stream:
            assert_type(stream, AsyncStream[ServerSentEvent])
            assert [event.data async for event in stream] == ["a"]
        assert_type(areconnecting(lambda state: source()), AsyncStream[Any])

    asyncio.run(main())
