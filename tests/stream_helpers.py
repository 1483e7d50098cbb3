"""Streams and byte sources for the Stream / AsyncStream / reconnect / SDK tests.

The LLM streams are generated here with `sseparse.encode`, so the tests do not depend on
``../shared`` (the captures there are used in addition, when present). Each source records how it
was read and closed, so every close path can be checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sseparse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

SHARED_STREAMS = Path(__file__).resolve().parents[2] / "shared" / "streams"

WORDS = ["Hello", ",", " wor", "ld", " — ", "café", " 🙂", "!"]


def _block(payload: Any, *, event: str | None = None, id: str | None = None) -> bytes:  # noqa: A002
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return sseparse.encode(data, event=event, id=id)


def chat_chunk(
    delta: dict[str, Any] | None = None, *, finish: str | None = None, usage: dict[str, int] | None = None
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` payload (``choices: []`` when ``usage`` is given)."""
    chunk: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 1764028800,
        "model": "gpt-test",
        "system_fingerprint": None,
        "choices": [] if usage else [{"index": 0, "delta": delta or {}, "logprobs": None, "finish_reason": finish}],
    }
    if usage:
        chunk["usage"] = usage
    return chunk


def openai_chat_blocks(words: list[str] = WORDS, *, ids: bool = False, done: bool = True, tool: bool = False) -> list[bytes]:
    """An OpenAI chat stream, one SSE block per chunk (``id: 1``, ``id: 2``... with ``ids``)."""
    payloads: list[Any] = [chat_chunk({"role": "assistant", "content": "", "refusal": None})]
    payloads += [chat_chunk({"content": word}) for word in words]
    if tool:
        call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
        payloads.append(chat_chunk({"tool_calls": [call]}))
        for part in ('{"city"', ': "Zür', 'ich"}'):
            payloads.append(chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}))
    payloads.append(chat_chunk({}, finish="tool_calls" if tool else "stop"))
    payloads.append(chat_chunk(usage={"prompt_tokens": 5, "completion_tokens": len(words), "total_tokens": 5 + len(words)}))
    if done:
        payloads.append("[DONE]")
    return [_block(p, id=str(i + 1) if ids else None) for i, p in enumerate(payloads)]


def anthropic_blocks(words: list[str] = WORDS, *, ping: bool = True, stop: bool = True, ids: bool = False) -> list[bytes]:
    """An Anthropic Messages stream: message_start, one text block, message_delta, message_stop."""
    usage = {"input_tokens": 10, "output_tokens": 1}
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_test",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-test",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": usage,
                },
            },
        ),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    if ping:
        events.append(("ping", {"type": "ping"}))
    events += [
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}})
        for word in words
    ]
    events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    events.append(
        (
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 9}},
        )
    )
    if stop:
        events.append(("message_stop", {"type": "message_stop"}))
    return [_block(p, event=e, id=str(i + 1) if ids else None) for i, (e, p) in enumerate(events)]


def responses_blocks(words: list[str] = WORDS) -> list[bytes]:
    """An OpenAI Responses stream: created, text deltas, completed."""
    base = {"id": "resp_test", "object": "response", "created_at": 1764028800, "model": "gpt-test", "output": []}
    events: list[dict[str, Any]] = [{"type": "response.created", "response": {**base, "status": "in_progress"}}]
    item = {"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    events.append({"type": "response.output_item.added", "output_index": 0, "item": item})
    part = {"type": "output_text", "text": "", "annotations": []}
    events.append(
        {"type": "response.content_part.added", "item_id": "msg_1", "output_index": 0, "content_index": 0, "part": part}
    )
    events += [
        {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": word}
        for word in words
    ]
    text = "".join(words)
    done_item = {**item, "status": "completed", "content": [{**part, "text": text}]}
    events.append({"type": "response.output_item.done", "output_index": 0, "item": done_item})
    events.append({"type": "response.completed", "response": {**base, "status": "completed", "output": [done_item]}})
    for number, payload in enumerate(events):
        payload["sequence_number"] = number
    return [_block(p, event=p["type"]) for p in events]


class Source:
    """A sync byte source that records reads and closes; optionally raises after its chunks."""

    def __init__(self, chunks: list[bytes], *, error: BaseException | None = None) -> None:
        self.chunks = chunks
        self.error = error
        self.reads = 0
        self.closed = 0
        self.finalised = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self.chunks:
                self.reads += 1
                yield chunk
            if self.error is not None:
                raise self.error
        finally:
            self.finalised = True

    def close(self) -> None:
        self.closed += 1


class AsyncSource:
    """An async byte source that records reads and closes; may raise, or hang, after its chunks."""

    def __init__(self, chunks: list[bytes], *, error: BaseException | None = None, hang: bool = False) -> None:
        self.chunks = chunks
        self.error = error
        self.hang = hang
        self.reads = 0
        self.closed = 0
        self.finalised = False

    async def _gen(self) -> AsyncIterator[bytes]:
        import asyncio  # noqa: PLC0415

        try:
            for chunk in self.chunks:
                self.reads += 1
                yield chunk
            if self.error is not None:
                raise self.error
            if self.hang:
                await asyncio.Event().wait()  # never set: only a cancellation ends this
        finally:
            self.finalised = True

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._gen()

    async def aclose(self) -> None:
        self.closed += 1


class Response:
    """Stands in for an HTTP response: records ``close()``."""

    def __init__(self) -> None:
        self.closed = 0
        self.headers = {"content-type": "text/event-stream"}

    def close(self) -> None:
        self.closed += 1


def split_every(data: bytes, size: int) -> list[bytes]:
    """``data`` in reads of ``size`` bytes."""
    return [data[i : i + size] for i in range(0, len(data), size)]
