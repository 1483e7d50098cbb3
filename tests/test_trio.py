"""The async helpers need no asyncio: `aiter_events` and `AsyncStream` run under trio.

`import sseparse` imports no asyncio, and only `AsyncStream(idle_timeout=...)` (and the default sleep
of `areconnecting`) use it. These tests run the rest under trio's event loop, with trio's own
checkpoints between chunks, so a hidden asyncio call would fail here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

import sseparse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

trio = pytest.importorskip("trio")

CHUNKS = [json.dumps({"choices": [{"index": 0, "delta": {"content": word}}]}).encode() for word in ("Hel", "lo")]
BODY = b"".join(b"data: " + chunk + b"\n\n" for chunk in CHUNKS) + b"data: [DONE]\n\n"


async def _trickle(data: bytes, size: int) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        await trio.lowlevel.checkpoint()
        yield data[i : i + size]


@pytest.mark.parametrize("size", [1, 7, len(BODY)])
def test_aiter_events_runs_under_trio(size: int) -> None:
    """aiter_events decodes the same events under trio, in any chunking."""

    async def main() -> list[str]:
        return [event.data async for event in sseparse.aiter_events(_trickle(BODY, size))]

    assert trio.run(main) == [chunk.decode() for chunk in CHUNKS] + ["[DONE]"]


@pytest.mark.parametrize("size", [1, 7, len(BODY)])
def test_async_stream_runs_under_trio(size: int) -> None:
    """AsyncStream yields typed chunks, stops at [DONE] and accumulates the text under trio."""

    async def main() -> tuple[list[str], str, str]:
        texts: list[str] = []
        async with sseparse.AsyncStream(_trickle(BODY, size), format="openai-chat", raw=True) as stream:
            async for chunk in stream:
                texts.append(chunk["choices"][0]["delta"]["content"])
            result = stream.result()
        return texts, result.text, str(result.end)

    texts, text, end = trio.run(main)
    assert texts == ["Hel", "lo"]
    assert text == "Hello"
    assert end == "complete"
