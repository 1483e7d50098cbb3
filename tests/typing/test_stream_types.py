"""Typing: what Stream / AsyncStream / reconnecting yield (checked by mypy --strict, run by pytest)."""

from __future__ import annotations

import asyncio
from typing import Any, assert_type

from sseparse import AccumulatedResult, AsyncStream, ServerSentEvent, Stream, areconnecting, reconnecting
from sseparse.models.anthropic import MessageStreamEvent
from sseparse.models.openai_chat import ChatCompletionChunk
from sseparse.models.openai_responses import ResponseStreamEvent


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


def test_reconnecting_yields_what_stream_yields() -> None:
    """reconnecting / areconnecting are typed like Stream / AsyncStream for the same format and raw."""
    done = [b"data: [DONE]\n\n"]
    assert_type(reconnecting(lambda state: done, "openai-chat"), Stream[ChatCompletionChunk])
    assert_type(reconnecting(lambda state: done, "openai-chat", raw=True), Stream[dict[str, Any]])
    assert_type(reconnecting(lambda state: done, "anthropic-messages", max_attempts=2), Stream[MessageStreamEvent])
    assert_type(reconnecting(lambda state: done), Stream[ServerSentEvent])
    fmt: str = "gemini"
    assert_type(reconnecting(lambda state: done, fmt), Stream[Any])
    assert_type(areconnecting(lambda state: done, "openai-responses"), AsyncStream[ResponseStreamEvent])
    assert_type(areconnecting(lambda state: done, "cohere-v2", raw=True), AsyncStream[dict[str, Any]])


def test_async_stream_types() -> None:
    """AsyncStream mirrors Stream."""

    async def source() -> Any:
        yield b"data: a\n\n"

    async def main() -> None:
        async with AsyncStream(source()) as stream:
            assert_type(stream, AsyncStream[ServerSentEvent])
            assert [event.data async for event in stream] == ["a"]
        assert_type(areconnecting(lambda state: source()), AsyncStream[ServerSentEvent])

    asyncio.run(main())
