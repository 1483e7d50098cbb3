"""Response objects, HTTP errors, transport failures and closing, without a network (see test_stream_live for the real server).

Stand-in response objects have the shape of httpx / requests / aiohttp responses; bodies are fed
whole, one byte at a time and split at random points (Hypothesis), with the same outcome.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import subprocess
import sys
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stream_helpers import WORDS, Source, openai_chat_blocks, split_every

from sseparse import (
    AsyncStream,
    IncompleteStreamError,
    ResumeState,
    Stream,
    StreamAPIError,
    StreamHTTPError,
    StreamTimeoutError,
    reconnecting,
)
from sseparse._sources import retry_after, transport_failure

ERROR = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}}
ERROR_BODY = json.dumps(ERROR).encode()


def cuts(data: bytes, points: list[int]) -> list[bytes]:
    """``data`` split at ``points`` (offsets, any order, duplicates allowed)."""
    edges = sorted({0, len(data), *(p % (len(data) + 1) for p in points)})
    return [data[a:b] for a, b in itertools.pairwise(edges)]


class HttpxLike:
    """A stand-in httpx response: status_code, headers, iter_bytes, close."""

    def __init__(self, status: int, chunks: list[bytes], content_type: str | None = "application/json", **headers: str) -> None:
        self.status_code = status
        self.reason_phrase = "Unauthorized" if status == 401 else ""
        self.headers = {k.replace("_", "-"): v for k, v in headers.items()}
        if content_type is not None:
            self.headers["content-type"] = content_type
        self.chunks = chunks
        self.closed = 0

    def iter_bytes(self) -> Any:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed += 1


class AiohttpLike:
    """A stand-in aiohttp response: status, headers, content.iter_any(), close()."""

    class _Content:
        def __init__(self, chunks: list[bytes]) -> None:
            self.chunks = chunks

        async def _gen(self) -> Any:
            for chunk in self.chunks:
                yield chunk

        def iter_any(self) -> Any:
            return self._gen()

    def __init__(self, status: int, chunks: list[bytes], content_type: str = "text/event-stream") -> None:
        self.status = status
        self.reason = "OK"
        self.headers = {"Content-Type": content_type}
        self.content = self._Content(chunks)
        self.closed = False

    def close(self) -> None:
        self.closed = True


# -- HTTP errors and JSON error documents, in any chunking -----------------------------------------------------------


@pytest.mark.parametrize("size", [1, 7, len(ERROR_BODY)])
def test_an_http_error_reads_the_body_in_any_chunking(size: int) -> None:
    """The error body is gathered from any reads: same message, code and type; the response is closed."""
    response = HttpxLike(401, split_every(ERROR_BODY, size))
    with pytest.raises(StreamHTTPError) as info:
        list(Stream(response, "openai-chat"))
    assert (info.value.status, info.value.message, info.value.code, info.value.type) == (
        401,
        "Incorrect API key provided",
        "invalid_api_key",
        "invalid_request_error",
    )
    assert str(info.value) == "HTTP 401 Unauthorized: Incorrect API key provided"
    assert info.value.body == ERROR_BODY
    assert response.closed == 1


def test_the_body_kept_is_at_most_64_kib() -> None:
    """A huge error page: 64 KiB kept on .body, the rest never read."""
    page = [b"<p>" + b"x" * 1000 + b"</p>"] * 200
    response = HttpxLike(502, page, "text/html")
    with pytest.raises(StreamHTTPError) as info:
        list(Stream(response, "openai-chat"))
    assert len(info.value.body) == 64 * 1024
    assert info.value.message.startswith("<p>xxx")
    assert len(info.value.message) <= 300


@given(st.lists(st.integers(0, len(ERROR_BODY)), max_size=8), st.sampled_from(["openai-chat", "anthropic-messages", None]))
def test_a_json_error_document_as_the_body_is_an_api_error_in_any_chunking(points: list[int], fmt: str | None) -> None:
    """Bytes only: a body that is a JSON error document is StreamAPIError with its message, however it is cut."""
    with pytest.raises(StreamAPIError) as info:
        list(Stream(cuts(ERROR_BODY, points), fmt))
    assert info.value.message == "Incorrect API key provided"
    assert info.value.code == "invalid_api_key"


def test_json_that_is_not_an_error_document_stays_a_truncation() -> None:
    """A JSON body without an error is not invented into an API error: the stream was cut (no events)."""
    with pytest.raises(IncompleteStreamError):
        list(Stream([b'{"choices": []}'], "openai-chat"))


def test_a_2xx_without_a_content_type_is_read_as_a_stream() -> None:
    """No content type on a 200: the body decides (a stream here)."""
    response = HttpxLike(200, openai_chat_blocks(), content_type=None)
    with Stream(response, "openai-chat") as stream:
        list(stream)
    assert stream.result().text == "".join(WORDS)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": " 2.5 "}, 2.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "x", "retry-after": "3"}, 3.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past
        ({"retry-after": "1e400"}, None),
        ({"retry-after": "9" * 30}, None),
        ({"retry-after": "soon"}, None),
        ({"Retry-After": "4"}, 4.0),  # a plain dict: looked up without case
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    """Seconds, milliseconds, HTTP dates; every value checked before use; nonsense is None."""
    assert retry_after(headers) == expected


def test_an_aiohttp_like_response_is_an_async_source() -> None:
    """AsyncStream(response) with aiohttp's shape: read through content.iter_any(); wrong content type refused."""

    async def main() -> None:
        response = AiohttpLike(200, openai_chat_blocks())
        async with AsyncStream(response, "openai-chat") as stream:
            assert len([item async for item in stream]) == len(WORDS) + 3
        assert response.closed
        html = AiohttpLike(200, [b"<html></html>"], "text/html")
        with pytest.raises(StreamHTTPError, match="text/html"):
            async for _ in AsyncStream(html, "openai-chat"):
                pass
        assert html.closed

    asyncio.run(main())


# -- transport failures by class name --------------------------------------------------------------------------------


def _named(module: str, *names: str) -> type[Exception]:
    """A class hierarchy named like a library's, without the library."""
    cls: type[Exception] = Exception
    for name in names:
        cls = type(name, (cls,), {"__module__": module})
    return cls


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_named("httpx", "TransportError", "NetworkError", "ReadError")("reset"), "transport"),
        (_named("httpx", "TransportError", "TimeoutException", "ReadTimeout")("slow"), "timeout"),
        (_named("aiohttp.client_exceptions", "ClientError", "ClientPayloadError")("cut"), "transport"),
        (_named("aiohttp.client_exceptions", "ClientError", "ClientConnectionError", "ServerDisconnectedError")(), "transport"),
        (_named("requests.exceptions", "RequestException", "ChunkedEncodingError")("ended"), "transport"),
        (
            _named("requests.exceptions", "RequestException", "ConnectionError")(_named("urllib3", "ReadTimeoutError")()),
            "timeout",
        ),
        (ConnectionResetError("reset"), "transport"),
        (TimeoutError("slow"), "timeout"),
        (_named("mylib", "TransportError")("not httpx"), None),
        (RuntimeError("bug"), None),
        (BlockingIOError("misuse"), None),
        (StreamTimeoutError("ours", timeout=1), None),
    ],
)
def test_transport_failures_are_recognised_by_class_name(error: BaseException, kind: str | None) -> None:
    """httpx, aiohttp, requests, urllib3 and OSError by the names in the class hierarchy; nothing else."""
    assert transport_failure(error) == kind


def test_cancellation_propagates_unchanged() -> None:
    """A cancelled reader: CancelledError, not a truncation; the source is closed."""

    async def main() -> None:
        gate = asyncio.Event()

        async def source() -> Any:
            yield openai_chat_blocks()[0]
            await gate.wait()

        stream: AsyncStream[Any] = AsyncStream(source(), "openai-chat", raw=True)
        await anext(aiter(stream))
        second: asyncio.Task[Any] = asyncio.create_task(anext(aiter(stream)))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        assert stream.closed

    asyncio.run(main())


# -- closing from elsewhere ------------------------------------------------------------------------------------------


def test_close_from_another_thread_during_the_reconnect_wait_makes_no_new_connection() -> None:
    """close() while the stream sleeps before reconnecting: the reader ends cleanly, connect is not called again."""
    blocks = openai_chat_blocks()
    states: list[ResumeState] = []

    def connect(state: ResumeState) -> Source:
        states.append(state)
        return Source(blocks[:3])  # always cut

    def sleep(seconds: float) -> None:
        closer = threading.Thread(target=stream.close)
        closer.start()
        closer.join(10)

    stream = reconnecting(connect, "openai-chat", sleep=sleep, max_attempts=5)
    list(stream)
    assert len(states) == 1
    assert stream.closed


# -- ResourceWarning -------------------------------------------------------------------------------------------------


def test_an_unclosed_stream_warns_when_collected() -> None:
    """Dropped after a few chunks with its source open: ResourceWarning at garbage collection."""
    source = Source(openai_chat_blocks())
    held = [Stream(source, "openai-chat")]
    next(held[0])
    with pytest.warns(ResourceWarning, match=r"unclosed Stream\(format='openai-chat'"):
        _drop(held)
    assert source.closed == 1  # the generator's finaliser still closed it


def _drop(held: list[Any]) -> None:
    """Drop the last reference and collect (the stream and its generator reference each other)."""
    held.clear()
    gc.collect()


SCRIPT = """
import asyncio, gc, sseparse

async def body():
    for i in range(3):
        yield b'data: {"choices": [{"index": 0, "delta": {"content": "x"}}]}\\n\\n'
    yield b"data: [DONE]\\n\\n"

async def main(close):
    stream = sseparse.AsyncStream(body(), "openai-chat")
    if close:
        async with stream:
            async for _ in stream:
                break
    else:
        async for _ in stream:
            break
    del stream
    gc.collect()

asyncio.run(main(CLOSE))
print("done")
"""


@pytest.mark.parametrize("close", [True, False])
def test_break_without_aclose_under_w_error_resource_warning(close: bool) -> None:
    """python -W error::ResourceWarning: ``async with`` is silent; a bare ``break`` reports the unclosed stream."""
    result = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", SCRIPT.replace("CLOSE", str(close))],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "done"
    if close:
        assert "ResourceWarning" not in result.stderr
    else:
        assert "ResourceWarning: unclosed AsyncStream(format='openai-chat'" in result.stderr


class _Socket:
    def __init__(self) -> None:
        self.shutdowns: list[int] = []

    def shutdown(self, how: int) -> None:
        self.shutdowns.append(how)


class _NetworkStream:
    def __init__(self, sock: _Socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> Any:
        return self.sock if name == "socket" else None


@pytest.mark.parametrize(("version", "shut"), [("HTTP/1.1", True), ("HTTP/2", False)])
def test_interrupting_shuts_down_an_http1_socket_but_never_a_shared_http2_one(version: str, shut: bool) -> None:
    """A blocked HTTP/1.1 read is woken by shutting its socket down; an HTTP/2 socket carries other requests too."""
    from sseparse._sources import interrupt  # noqa: PLC0415

    sock = _Socket()
    response = HttpxLike(200, [])
    response.http_version = version  # type: ignore[attr-defined]
    response.extensions = {"network_stream": _NetworkStream(sock)}  # type: ignore[attr-defined]
    interrupt(response)
    assert sock.shutdowns == ([2] if shut else [])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (json.dumps(ERROR, indent=2), ("Incorrect API key provided", "invalid_api_key", "invalid_request_error")),  # pretty
        ('[{"error": {"code": 429, "message": "Quota", "status": "RESOURCE_EXHAUSTED"}}]', ("Quota", 429, "RESOURCE_EXHAUSTED")),
        (
            '{"object": "error", "message": "bad model", "type": "NotFoundError", "code": 404}',
            ("bad model", 404, "NotFoundError"),
        ),
        (
            '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}',
            ("Overloaded", None, "overloaded_error"),
        ),
        ('{"error": "model \\"x\\" not found"}', ('model "x" not found', None, None)),  # Ollama
        ('{"detail": "Not authenticated"}', ("Not authenticated", None, None)),  # FastAPI
        ('{"error": {"code": true, "message": 7}}', ("error", None, None)),  # wrong types: nothing invented
    ],
)
def test_provider_error_documents_without_a_response_object(body: str, expected: tuple[Any, Any, Any]) -> None:
    """Each provider's error document, as the whole body of a stream, becomes StreamAPIError with its fields."""
    for chunks in ([body.encode()], split_every(body.encode(), 1)):
        with pytest.raises(StreamAPIError) as info:
            list(Stream(chunks, "openai-chat"))
        assert (info.value.message, info.value.code, info.value.type) == expected


def test_a_204_is_an_http_error_that_reconnecting_does_not_retry() -> None:
    """204 No Content: no stream, and (WHATWG) no reconnect: StreamHTTPError at once, one connection."""
    responses: list[HttpxLike] = []

    def connect(state: ResumeState) -> HttpxLike:
        responses.append(HttpxLike(204, [], content_type=None))
        return responses[-1]

    with pytest.raises(StreamHTTPError) as info:
        list(reconnecting(connect, "openai-chat", sleep=lambda _: None))
    assert info.value.status == 204
    assert str(info.value) == "HTTP 204: the server has no stream for this request (and asks clients not to reconnect)"
    assert len(responses) == 1
    assert responses[0].closed == 1
