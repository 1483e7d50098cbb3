"""sseparse.sdk inside the real openai and anthropic clients, served by httpx2.MockTransport.

Identical chunks on good input; no crash (or lost event) where the stock decoders fail: invalid
UTF-8 and a byte order mark.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import anthropic
import httpx2
import openai
import pytest
from stream_helpers import SHARED_STREAMS, anthropic_blocks, openai_chat_blocks, split_every

from sseparse.sdk import SDKDecoder, SDKEvent, install

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

BOM = b"\xef\xbb\xbf"


class _Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A response body delivered in the given reads, sync or async."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def _handler(body: bytes, read: int) -> Callable[[Any], Any]:
    def handle(request: Any) -> Any:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Body(split_every(body, read)))

    return handle


def openai_chunks(body: bytes, *, ours: bool, read: int = 7) -> list[dict[str, Any]]:
    http = httpx2.Client(transport=httpx2.MockTransport(_handler(body, read)))
    with openai.OpenAI(api_key="test", base_url="http://test.invalid/v1", http_client=http, max_retries=0) as client:
        if ours:
            install(client)
        stream = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True)
        with stream:
            return [chunk.model_dump() for chunk in stream]


def anthropic_events(body: bytes, *, ours: bool, read: int = 7) -> list[dict[str, Any]]:
    http = httpx2.Client(transport=httpx2.MockTransport(_handler(body, read)))
    with anthropic.Anthropic(api_key="test", base_url="http://test.invalid", http_client=http, max_retries=0) as client:
        if ours:
            install(client)
        stream = client.messages.create(
            model="claude-test", max_tokens=10, messages=[{"role": "user", "content": "hi"}], stream=True
        )
        with stream:
            return [event.model_dump() for event in stream]


OPENAI_BODY = b"".join(openai_chat_blocks(tool=True))
ANTHROPIC_BODY = b"".join(anthropic_blocks())


@pytest.mark.parametrize("read", [1, 7, 4096])
def test_openai_client_gives_identical_chunks(read: int) -> None:
    """The installed decoder yields the same chunks as the stock one, in any read size."""
    stock = openai_chunks(OPENAI_BODY, ours=False, read=read)
    assert openai_chunks(OPENAI_BODY, ours=True, read=read) == stock
    assert len(stock) == len(openai_chat_blocks(tool=True)) - 1


@pytest.mark.parametrize("read", [1, 7, 4096])
def test_anthropic_client_gives_identical_events(read: int) -> None:
    """Same for the anthropic client (pings skipped by the client in both cases)."""
    stock = anthropic_events(ANTHROPIC_BODY, ours=False, read=read)
    assert anthropic_events(ANTHROPIC_BODY, ours=True, read=read) == stock
    assert stock[0]["type"] == "message_start"


def _shared(name: str) -> bytes:
    path = SHARED_STREAMS / name
    if not path.is_file():
        pytest.skip("../shared/streams is not present")
    return path.read_bytes()


def test_captures_through_both_clients_are_identical() -> None:
    """Recorded/synthesised captures from ../shared give identical objects (skipped without them)."""
    for name in ("openai-chat-parallel-tools.sse", "openai-chat-text-usage-obfuscation.sse"):
        body = _shared(name)
        assert openai_chunks(body, ours=True) == openai_chunks(body, ours=False)
    body = _shared("anthropic-thinking-text-tool-use.synth.sse")
    assert anthropic_events(body, ours=True) == anthropic_events(body, ours=False)


def test_invalid_utf8_crashes_the_stock_decoders_but_not_ours() -> None:
    """A stray 0xFF byte: the stock decoders raise UnicodeDecodeError mid-stream; ours gives U+FFFD."""
    body = OPENAI_BODY.replace(b"caf\xc3\xa9", b"caf\xff", 1)
    with pytest.raises(UnicodeDecodeError):
        openai_chunks(body, ours=False)
    chunks = openai_chunks(body, ours=True)
    contents = [c["choices"][0]["delta"].get("content") for c in chunks if c["choices"]]
    assert "caf\ufffd" in contents
    body = ANTHROPIC_BODY.replace(b"caf\xc3\xa9", b"caf\xff", 1)
    with pytest.raises(UnicodeDecodeError):
        anthropic_events(body, ours=False)
    assert len(anthropic_events(body, ours=True)) == len(anthropic_events(ANTHROPIC_BODY, ours=True))


def test_a_bom_hides_the_first_event_from_the_stock_decoders_but_not_from_ours() -> None:
    """A leading BOM: the stock decoders lose the first chunk / message_start; ours strips it (R2)."""
    clean = openai_chunks(OPENAI_BODY, ours=True)
    assert openai_chunks(BOM + OPENAI_BODY, ours=True) == clean
    assert openai_chunks(BOM + OPENAI_BODY, ours=False) == clean[1:]
    clean_events = anthropic_events(ANTHROPIC_BODY, ours=True)
    assert anthropic_events(BOM + ANTHROPIC_BODY, ours=True) == clean_events
    assert anthropic_events(BOM + ANTHROPIC_BODY, ours=False) == clean_events[1:]


def test_async_clients_give_identical_chunks() -> None:
    """AsyncOpenAI and AsyncAnthropic use aiter_bytes: same objects as the stock decoder."""

    async def openai_async(ours: bool) -> list[dict[str, Any]]:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(_handler(OPENAI_BODY, 5)))
        async with openai.AsyncOpenAI(
            api_key="test", base_url="http://test.invalid/v1", http_client=http, max_retries=0
        ) as client:
            if ours:
                install(client)
            stream = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True)
            async with stream:
                return [chunk.model_dump() async for chunk in stream]

    async def anthropic_async(ours: bool) -> list[dict[str, Any]]:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(_handler(BOM + ANTHROPIC_BODY if ours else ANTHROPIC_BODY, 5)))
        async with anthropic.AsyncAnthropic(
            api_key="test", base_url="http://test.invalid", http_client=http, max_retries=0
        ) as client:
            if ours:
                install(client)
            stream = await client.messages.create(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}], stream=True
            )
            async with stream:
                return [event.model_dump() async for event in stream]

    async def main() -> None:
        assert await openai_async(ours=True) == await openai_async(ours=False)
        assert await anthropic_async(ours=True) == await anthropic_async(ours=False)

    asyncio.run(main())


def test_sdk_event_shape() -> None:
    """event is None for the default type, id None when unset; json() and raw work."""
    events = list(SDKDecoder().iter_bytes([b'data: {"a": 1}\n\n', b"event: x\nid: 7\nretry: 5\ndata: 2\n\n"]))
    assert (events[0].event, events[0].id, events[0].json()) == (None, None, {"a": 1})
    assert (events[1].event, events[1].id, events[1].retry, events[1].data) == ("x", "7", 5, "2")
    assert events[1].raw == ["event: x", "id: 7", "retry: 5", "data: 2"]
    assert "event='x'" in repr(events[1])
    assert isinstance(events[0], SDKEvent)
    assert json.loads(events[0].data) == {"a": 1}


def test_install_refuses_a_non_client_and_checks_options() -> None:
    """install() needs a _make_sse_decoder method; decoder options are checked at once."""
    with pytest.raises(TypeError, match="_make_sse_decoder"):
        install(object())
    with pytest.raises(ValueError, match="max_event_size"):
        SDKDecoder(max_event_size=0)


class SSEDecoder:
    """Named like the SDKs' SSE decoder."""


class AWSEventStreamDecoder:
    """Named like anthropic Bedrock's decoder of AWS event streams (a binary framing, not SSE)."""


class BedrockLike:
    """A client that decodes SSE for some requests and AWS event streams for the others, as AnthropicBedrock does."""

    def _make_sse_decoder(self, options: str | None = None) -> object:
        return SSEDecoder() if options == "control-plane" else AWSEventStreamDecoder()


def test_install_replaces_only_the_sse_decoder() -> None:
    """Bedrock's AWS event-stream decoder is kept; its SSE decoder (and that of derived clients) becomes SDKDecoder."""
    client = install(BedrockLike(), strict=True)
    assert isinstance(client, BedrockLike)
    assert isinstance(client._make_sse_decoder(), AWSEventStreamDecoder)
    decoder = client._make_sse_decoder("control-plane")
    assert isinstance(decoder, SDKDecoder)
    assert decoder.strict
