"""Stream and AsyncStream against a real HTTP server on 127.0.0.1, through httpx, aiohttp and requests.

The server is a small ASGI app under uvicorn, in a thread, on a free port. It serves streams built
with `sseparse.encode` in random write sizes; it can end the body cleanly in the middle of an event
(``/cut``), abort the connection (``/abort``), and resume after ``Last-Event-ID`` (``/resume``).
Every test checks that the HTTP response was closed by the stream; warnings are errors, so an unclosed
connection or session fails the test.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest
from live_server import serve_asgi
from stream_helpers import anthropic_blocks, openai_chat_blocks

from sseparse import AsyncStream, IncompleteStreamError, ResumeState, Stream, areconnecting, reconnecting

if TYPE_CHECKING:
    from collections.abc import Iterator

uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
aiohttp = pytest.importorskip("aiohttp")
requests = pytest.importorskip("requests")

TIMEOUT = 10  # seconds, on every client call: a hung test fails instead of hanging
LONG_WORDS = [f" w{i}" for i in range(300)]  # a longer stream, so the random writes matter

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def drain(stream: AsyncStream[Any]) -> None:
    async for _ in stream:
        pass


class AbortedError(Exception):
    """Raised by the app to make uvicorn drop the connection mid-body."""


def _blocks(kind: str) -> list[bytes]:
    if kind == "openai":
        return openai_chat_blocks(LONG_WORDS, ids=True)
    if kind == "anthropic":
        return anthropic_blocks(LONG_WORDS, ids=True)
    msg = f"unknown stream kind {kind!r}"
    raise ValueError(msg)


def _writes(data: bytes, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    i = 0
    while i < len(data):
        n = rng.randint(1, 300)
        yield data[i : i + n]
        i += n


class App:
    """The ASGI app. Paths: /stream/KIND, /cut/KIND, /abort/KIND, /resume/KIND; query seed=, at=."""

    def __init__(self) -> None:
        self.connections: dict[str, int] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        _, action, kind = scope["path"].split("/")
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        seed = int(query.get("seed", "0"))
        blocks = _blocks(kind)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        if action == "stream":
            body = b"".join(blocks)
        elif action in ("cut", "abort"):
            at = int(query["at"])
            body = b"".join(blocks[:at]) + blocks[at][: len(blocks[at]) // 2]
        elif action == "resume":
            # Events carry ids 1..n; resume after Last-Event-ID; the first two connections of a key
            # are cut in the middle of an event.
            start = int(headers.get("last-event-id", "0"))
            key = query["key"]
            with self.lock:
                number = self.connections[key] = self.connections.get(key, 0) + 1
            rest = blocks[start:]
            if number <= 2:
                n = 25 + 10 * number
                body = b"".join(rest[:n]) + rest[n][:10]
            else:
                body = b"".join(rest)
        else:
            msg = f"unknown action {action!r}"
            raise ValueError(msg)
        for i, write in enumerate(_writes(body, seed)):
            await send({"type": "http.response.body", "body": write, "more_body": True})
            if i % 8 == 0:
                await asyncio.sleep(0)  # let the writes go out separately
        if action == "abort":
            raise AbortedError
        await send({"type": "http.response.body", "body": b"", "more_body": False})


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, App]]:
    """Uvicorn on 127.0.0.1, a free port, in a thread; yields (base URL, app)."""
    app = App()
    with serve_asgi(app) as base:
        yield base, app


# -- whole streams, every client -----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fmt"), [("openai", "openai-chat"), ("anthropic", "anthropic-messages")])
def test_httpx_sync(server: tuple[str, App], kind: str, fmt: str) -> None:
    """httpx.Client.stream + iter_bytes: every item, the result, the response closed by the stream."""
    base, _ = server
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("GET", f"{base}/stream/{kind}?seed=1") as response:
        with Stream(response.iter_bytes(), fmt, response=response, raw=True) as stream:
            items = list(stream)
            assert response.is_closed
        assert stream.response is response
    assert stream.result().text == "".join(LONG_WORDS)
    assert stream.result().end == "complete"
    assert len(items) > len(LONG_WORDS)


def test_httpx_async(server: tuple[str, App]) -> None:
    """httpx.AsyncClient.stream + aiter_bytes."""
    base, _ = server

    async def main() -> None:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT) as client,
            client.stream("GET", f"{base}/stream/openai?seed=2") as response,
            AsyncStream(response.aiter_bytes(), "openai-chat", response=response, raw=True) as stream,
        ):
            items = [item async for item in stream]
            assert response.is_closed  # by the stream, before client.stream's exit
        assert len(items) == len(LONG_WORDS) + 3
        assert stream.result().text == "".join(LONG_WORDS)

    asyncio.run(main())


def test_aiohttp(server: tuple[str, App]) -> None:
    """aiohttp: content.iter_any(); the response is closed (released) by the stream."""
    base, _ = server

    async def main() -> None:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session,
            session.get(f"{base}/stream/anthropic?seed=3") as response,
            AsyncStream(response.content.iter_any(), "anthropic-messages", response=response) as stream,
        ):
            types = [event.type async for event in stream]
            assert response.closed
        assert types[0] == "message_start"
        assert types[-1] == "message_stop"
        assert stream.result().text == "".join(LONG_WORDS)

    asyncio.run(main())


def test_requests(server: tuple[str, App]) -> None:
    """requests: iter_content(None) with stream=True."""
    base, _ = server
    with requests.Session() as session:
        response = session.get(f"{base}/stream/openai?seed=4", stream=True, timeout=TIMEOUT)
        with Stream(response.iter_content(None), "openai-chat", response=response) as stream:
            count = sum(1 for _ in stream)
        assert response.raw.closed
    assert count == len(LONG_WORDS) + 3
    assert stream.result().text == "".join(LONG_WORDS)


def test_early_close_releases_the_connection(server: tuple[str, App]) -> None:
    """break + close() after a few chunks closes the httpx response (nothing is left half-read)."""
    base, _ = server
    with httpx.Client(timeout=TIMEOUT) as client:
        request = client.build_request("GET", f"{base}/stream/openai?seed=5")
        response = client.send(request, stream=True)
        stream = Stream(response.iter_bytes(), "openai-chat", response=response)
        for i, _ in enumerate(stream):
            if i == 3:
                break
        stream.close()
        assert response.is_closed
        assert stream.result().end == "truncated"


# -- a server that drops the connection --------------------------------------------------------------------


def test_body_ending_mid_event_is_reported_with_nothing_lost(server: tuple[str, App]) -> None:
    """The body ends cleanly in the middle of an event: IncompleteStreamError, every full event kept."""
    base, _ = server
    at = 40  # blocks 0..39 arrive whole: the role chunk and 39 words
    received: list[Any] = []
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("GET", f"{base}/cut/openai?at={at}&seed=6") as response:
        with pytest.raises(IncompleteStreamError) as info:
            received.extend(Stream(response.iter_bytes(), "openai-chat", response=response))
        assert response.is_closed
    assert len(received) == at
    assert info.value.partial.text == "".join(LONG_WORDS[: at - 1])
    assert info.value.last_event_id == str(at)


def test_aborted_connection_is_a_truncation_caused_by_the_clients_error(server: tuple[str, App]) -> None:
    """uvicorn drops the connection mid-body: IncompleteStreamError caused by httpx's error; result() has the partial."""
    base, _ = server
    at = 30
    with httpx.Client(timeout=TIMEOUT) as client, client.stream("GET", f"{base}/abort/openai?at={at}&seed=7") as response:
        stream = Stream(response.iter_bytes(), "openai-chat", response=response)
        with pytest.raises(IncompleteStreamError) as info:
            list(stream)
        assert isinstance(info.value.__cause__, httpx.TransportError)
        assert info.value.partial.text == "".join(LONG_WORDS[: at - 1])
        assert response.is_closed
    assert stream.result().text == "".join(LONG_WORDS[: at - 1])
    assert stream.result().end == "truncated"


def test_aborted_connection_through_aiohttp(server: tuple[str, App]) -> None:
    """Same with aiohttp: IncompleteStreamError caused by its ClientPayloadError."""
    base, _ = server

    async def main() -> None:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session,
            session.get(f"{base}/abort/openai?at=20&seed=8") as response,
        ):
            stream = AsyncStream(response.content.iter_any(), "openai-chat", response=response)
            with pytest.raises(IncompleteStreamError) as info:
                await drain(stream)
            assert isinstance(info.value.__cause__, aiohttp.ClientPayloadError)
            assert response.closed
        assert stream.result().text == "".join(LONG_WORDS[:19])

    asyncio.run(main())


# -- Last-Event-ID resume -----------------------------------------------------------------------------------


def test_reconnect_resumes_with_last_event_id_exactly_once(server: tuple[str, App]) -> None:
    """Two cuts mid-event, three connections: each event once, the accumulator complete."""
    base, app = server
    responses: list[Any] = []
    sleeps: list[float] = []
    with httpx.Client(timeout=TIMEOUT) as client:

        def connect(state: ResumeState) -> tuple[Iterator[bytes], Any]:
            request = client.build_request("GET", f"{base}/resume/openai?key=httpx&seed={state.attempt}", headers=state.headers)
            response = client.send(request, stream=True)
            responses.append(response)
            return response.iter_bytes(), response

        stream = reconnecting(connect, "openai-chat", raw=True, sleep=sleeps.append)
        items = list(stream)
    contents = [item["choices"][0]["delta"].get("content") for item in items if item["choices"]]
    assert contents[1:-1] == LONG_WORDS
    assert stream.result().text == "".join(LONG_WORDS)
    assert stream.result().end == "complete"
    assert app.connections["httpx"] == 3
    assert len(sleeps) == 2
    assert all(response.is_closed for response in responses)


def test_async_reconnect_through_aiohttp(server: tuple[str, App]) -> None:
    """areconnecting with an aiohttp session: same guarantees."""
    base, app = server

    async def main() -> None:
        responses: list[Any] = []
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session:

            async def connect(state: ResumeState) -> tuple[Any, Any]:
                response = await session.get(f"{base}/resume/anthropic?key=aiohttp&seed={state.attempt}", headers=state.headers)
                responses.append(response)
                return response.content.iter_any(), response

            stream = areconnecting(connect, "anthropic-messages", raw=True, sleep=lambda s: None)
            items = [item async for item in stream]
        deltas = [item["delta"]["text"] for item in items if item["type"] == "content_block_delta"]
        assert deltas == LONG_WORDS
        assert stream.result().end == "complete"
        assert all(response.closed for response in responses)

    asyncio.run(main())
    assert app.connections["aiohttp"] == 3
