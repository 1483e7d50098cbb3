"""Live HTTP streams that tell the truth, against a real server on 127.0.0.1 (tests/live_server.py).

Every scenario runs through the four clients: httpx (sync and async), aiohttp and requests, with the
response object itself given to the stream. HTTP errors are `StreamHTTPError` before any chunk, with
the provider's message; a cut is `IncompleteStreamError`; a dropped connection is
`IncompleteStreamError` caused by the client's error; a stall is `StreamTimeoutError`; a close from
another thread or task ends the reader cleanly. The response is closed every time.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from live_server import ERROR_BODIES, ERROR_FIELDS, WORDS, App, serve

import sseparse
from sseparse import (
    AsyncStream,
    IncompleteStreamError,
    Stream,
    StreamAPIError,
    StreamHTTPError,
    StreamTimeoutError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

httpx = pytest.importorskip("httpx")
aiohttp = pytest.importorskip("aiohttp")
requests = pytest.importorskip("requests")
pytest.importorskip("uvicorn")

TIMEOUT = 10.0  # every client call: a hung test fails instead of hanging
SHORT = 0.3  # a read or idle timeout that a stall exceeds
CLIENTS = ["httpx", "httpx-async", "aiohttp", "requests"]
FORMATS = {"openai": "openai-chat", "anthropic": "anthropic-messages", "responses": "openai-responses"}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, App]]:
    with serve() as running:
        yield running


@dataclass
class Outcome:
    """What one read through one client gave."""

    items: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    closed: bool = False
    stream: Any = None
    response: Any = None


def _texts(items: list[Any]) -> str:
    """The text of raw openai-chat items."""
    return "".join(item["choices"][0]["delta"].get("content") or "" for item in items if item.get("choices"))


def _sync(stream: Stream[Any], outcome: Outcome, on_item: Any = None) -> None:
    try:
        for item in stream:
            outcome.items.append(item)
            if on_item is not None:
                on_item(len(outcome.items))
    except Exception as exc:  # noqa: BLE001 - the outcome records it
        outcome.error = exc


async def _async(stream: AsyncStream[Any], outcome: Outcome, on_item: Any = None) -> None:
    try:
        async for item in stream:
            outcome.items.append(item)
            if on_item is not None:
                on_item(len(outcome.items))
    except Exception as exc:  # noqa: BLE001
        outcome.error = exc


def read(client: str, url: str, fmt: str | None = "openai-chat", *, read_timeout: float = TIMEOUT, **options: Any) -> Outcome:
    """Read ``url`` through ``client`` with the response object as the stream's source."""
    outcome = Outcome()
    options.setdefault("raw", fmt is not None)
    if client == "httpx":
        with httpx.Client(timeout=httpx.Timeout(TIMEOUT, read=read_timeout)) as http:
            response = http.send(http.build_request("GET", url), stream=True)
            outcome.stream, outcome.response = Stream(response, fmt, **options), response
            _sync(outcome.stream, outcome)
            outcome.closed = response.is_closed
    elif client == "requests":
        with requests.Session() as session:
            response = session.get(url, stream=True, timeout=(TIMEOUT, read_timeout))
            outcome.stream, outcome.response = Stream(response, fmt, **options), response
            _sync(outcome.stream, outcome)
            outcome.closed = response.raw.closed
    else:
        asyncio.run(_read_async(client, url, fmt, outcome, read_timeout, options))
    return outcome


async def _read_async(client: str, url: str, fmt: str | None, outcome: Outcome, read_timeout: float, options: Any) -> None:
    if client == "httpx-async":
        async with httpx.AsyncClient(timeout=httpx.Timeout(TIMEOUT, read=read_timeout)) as http:
            response = await http.send(http.build_request("GET", url), stream=True)
            outcome.stream, outcome.response = AsyncStream(response, fmt, **options), response
            await _async(outcome.stream, outcome)
            outcome.closed = response.is_closed
    else:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT, sock_read=read_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            response = await session.get(url)
            outcome.stream, outcome.response = AsyncStream(response, fmt, **options), response
            await _async(outcome.stream, outcome)
            outcome.closed = response.closed


# -- whole streams ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("kind", ["openai", "anthropic", "responses"])
def test_the_response_object_is_the_source(server: tuple[str, App], client: str, kind: str) -> None:
    """Stream(response) / AsyncStream(response): every chunk, the result, stream.response, the response closed."""
    base, _ = server
    outcome = read(client, f"{base}/stream/{kind}", FORMATS[kind])
    assert outcome.error is None
    assert outcome.stream.result().text == "".join(WORDS)
    assert outcome.stream.result().end == "complete"
    assert outcome.stream.response is outcome.response
    assert outcome.closed


def test_the_wrong_stream_class_for_a_response_is_a_clear_error(server: tuple[str, App]) -> None:
    """A requests response in AsyncStream, an aiohttp response in Stream: TypeError naming the right class."""
    base, _ = server
    with requests.Session() as session, session.get(f"{base}/stream/openai", stream=True, timeout=TIMEOUT) as response:
        stream = AsyncStream(response, "openai-chat")
        with pytest.raises(TypeError, match="use Stream"):
            asyncio.run(anext(aiter(stream)))  # type: ignore[arg-type]
        assert response.raw.closed

    async def main() -> None:
        async with aiohttp.ClientSession() as session, session.get(f"{base}/stream/openai") as response:
            with pytest.raises(TypeError, match="use AsyncStream"):
                list(Stream(response, "openai-chat"))
            assert response.closed

    asyncio.run(main())


# -- HTTP errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("provider", sorted(ERROR_BODIES))
@pytest.mark.parametrize("status", [401, 429, 500])
def test_an_http_error_is_raised_before_any_chunk_with_the_providers_message(
    server: tuple[str, App], client: str, provider: str, status: int
) -> None:
    """401/429/500 with each provider's error body: StreamHTTPError with status, message, code, type, body, retry_after."""
    base, _ = server
    outcome = read(client, f"{base}/error/{provider}/{status}")
    error = outcome.error
    assert isinstance(error, StreamHTTPError)
    assert outcome.items == []
    assert error.status == status
    assert error.message == f"{provider} says {status}"
    assert (error.code, error.type) == ERROR_FIELDS[provider](status)
    assert json.loads(error.body) == ERROR_BODIES[provider](status)
    assert error.headers["content-type"] == "application/json"
    assert error.retry_after == (7.0 if status == 429 else None)
    assert error.response is outcome.response
    assert f"HTTP {status}" in str(error)
    assert f"{provider} says {status}" in str(error)
    assert outcome.closed


@pytest.mark.parametrize("client", CLIENTS)
def test_a_wrong_content_type_is_an_http_error(server: tuple[str, App], client: str) -> None:
    """A 200 text/html page is not a stream: StreamHTTPError naming the content type, with the page's text."""
    base, _ = server
    outcome = read(client, f"{base}/html")
    assert isinstance(outcome.error, StreamHTTPError)
    assert outcome.error.status == 200
    assert "text/html" in str(outcome.error)
    assert outcome.error.message == "<html><body>Please log in to the network</body></html>"
    assert outcome.error.code is None
    assert outcome.closed


@pytest.mark.parametrize(("query", "expected"), [("ms=1", 1.5), ("", 7.0)])
def test_retry_after_in_milliseconds_wins(server: tuple[str, App], query: str, expected: float) -> None:
    """retry-after-ms (OpenAI) is preferred over Retry-After."""
    base, _ = server
    outcome = read("httpx", f"{base}/error/openai/429?{query}")
    assert isinstance(outcome.error, StreamHTTPError)
    assert outcome.error.retry_after == expected


def test_retry_after_as_an_http_date(server: tuple[str, App]) -> None:
    """Retry-After as an HTTP date: the seconds from now until then."""
    base, _ = server
    outcome = read("httpx", f"{base}/error/anthropic/503?date=1")
    assert isinstance(outcome.error, StreamHTTPError)
    assert outcome.error.retry_after is not None
    assert outcome.error.retry_after > 365 * 24 * 3600  # 2099


@pytest.mark.parametrize("provider", sorted(ERROR_BODIES))
@pytest.mark.parametrize("fmt", ["openai-chat", None])
def test_a_json_error_document_without_a_response_object_is_an_api_error(
    server: tuple[str, App], provider: str, fmt: str | None
) -> None:
    """Only the bytes (no response object): a body that is a JSON error document is StreamAPIError, not a truncation."""
    base, _ = server
    with httpx.Client(timeout=TIMEOUT) as http, http.stream("GET", f"{base}/json/{provider}") as response:
        stream = Stream(response.iter_bytes(), fmt)
        with pytest.raises(StreamAPIError) as info:
            list(stream)
    assert info.value.message == f"{provider} says 400"
    assert info.value.body == ERROR_BODIES[provider](400)
    assert (info.value.code, info.value.type) == ERROR_FIELDS[provider](400)


# -- cuts, drops, stalls ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_a_body_cut_mid_event_is_a_truncation(server: tuple[str, App], client: str) -> None:
    """The body ends in the middle of an event: IncompleteStreamError, every whole event kept."""
    base, _ = server
    outcome = read(client, f"{base}/cut/openai?at=12")
    assert isinstance(outcome.error, IncompleteStreamError)
    assert outcome.error.__cause__ is None
    assert _texts(outcome.items) == "".join(WORDS[:11])
    assert outcome.error.partial.text == "".join(WORDS[:11])
    assert outcome.closed


DROPS = {
    "httpx": "httpx.RemoteProtocolError",
    "httpx-async": "httpx.RemoteProtocolError",
    "aiohttp": "aiohttp.client_exceptions.ClientPayloadError",
    "requests": "requests.exceptions.ChunkedEncodingError",
}


@pytest.mark.parametrize("client", CLIENTS)
def test_a_dropped_connection_is_a_truncation_caused_by_the_clients_error(server: tuple[str, App], client: str) -> None:
    """The server drops the connection mid-body: IncompleteStreamError, the client's exception as its cause."""
    base, _ = server
    outcome = read(client, f"{base}/abort/openai?at=12")
    error = outcome.error
    assert isinstance(error, IncompleteStreamError)
    cause = error.__cause__
    assert cause is not None
    assert f"{type(cause).__module__}.{type(cause).__name__}" == DROPS[client]
    assert error.partial.text == "".join(WORDS[:11])
    assert outcome.closed


@pytest.mark.parametrize("client", CLIENTS)
def test_the_clients_read_timeout_is_a_stream_timeout(server: tuple[str, App], client: str) -> None:
    """A stall past the HTTP client's read timeout: StreamTimeoutError with the partial, the client's timeout its cause."""
    base, _ = server
    key = f"read-timeout-{client}"
    outcome = read(client, f"{base}/stall/openai?at=6&key={key}", read_timeout=SHORT)
    error = outcome.error
    assert isinstance(error, StreamTimeoutError)
    assert error.__cause__ is not None
    assert error.partial.text == "".join(WORDS[:5])
    assert outcome.closed


@pytest.mark.parametrize("client", CLIENTS)
def test_idle_timeout_of_the_stream(server: tuple[str, App], client: str) -> None:
    """idle_timeout (sync too, with a response object): StreamTimeoutError with the partial; the connection is closed."""
    base, app = server
    key = f"idle-{client}"
    outcome = read(client, f"{base}/stall/openai?at=6&key={key}", idle_timeout=SHORT)
    error = outcome.error
    assert isinstance(error, StreamTimeoutError)
    assert error.timeout == SHORT
    assert error.partial.text == "".join(WORDS[:5])
    assert outcome.closed
    _wait_for(app, key)
    assert app.stalls[key] == "disconnected"  # before the server's own stall ended


def _wait_for(app: App, key: str) -> None:
    for _ in range(1000):
        if key in app.stalls:
            return
        threading.Event().wait(0.01)


def test_a_sync_idle_timeout_needs_a_response_object() -> None:
    """A plain iterator cannot be interrupted from the watchdog thread: a clear TypeError."""
    stream = Stream(iter([b"data: x\n\n"]), idle_timeout=1)
    with pytest.raises(TypeError, match="response object"):
        list(stream)


# -- closing from elsewhere ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["httpx", "requests"])
def test_close_from_another_thread_ends_a_blocked_reader_cleanly(server: tuple[str, App], client: str) -> None:
    """close() from another thread while the reader waits for bytes: the reader's loop ends, no error, all closed."""
    base, app = server
    key = f"thread-{client}"
    url = f"{base}/stall/openai?at=6&key={key}"
    outcome = Outcome()
    got = threading.Event()
    errors: list[BaseException] = []

    def closer() -> None:
        got.wait(TIMEOUT)
        threading.Event().wait(0.1)  # let the reader block in its read
        try:
            outcome.stream.close()
        except BaseException as exc:  # noqa: BLE001 - the test checks there was none
            errors.append(exc)

    with httpx.Client(timeout=TIMEOUT) as http, requests.Session() as session:
        if client == "httpx":
            response = http.send(http.build_request("GET", url), stream=True)
        else:
            response = session.get(url, stream=True, timeout=TIMEOUT)
        outcome.stream = Stream(response, "openai-chat", raw=True)
        thread = threading.Thread(target=closer)
        thread.start()
        _sync(outcome.stream, outcome, on_item=lambda n: got.set() if n == 6 else None)
        thread.join(TIMEOUT)
        closed = response.is_closed if client == "httpx" else response.raw.closed
    assert errors == []
    assert outcome.error is None
    assert len(outcome.items) == 6
    assert outcome.stream.closed
    assert closed
    _wait_for(app, key)
    assert app.stalls[key] == "disconnected"


@pytest.mark.parametrize("client", ["httpx-async", "aiohttp"])
def test_aclose_from_another_task_ends_a_blocked_reader_cleanly(server: tuple[str, App], client: str) -> None:
    """aclose() from another task while the reader awaits bytes: no "already running", the reader ends cleanly."""
    base, app = server
    key = f"task-{client}"
    url = f"{base}/stall/openai?at=6&key={key}"
    outcome = Outcome()

    async def main() -> None:
        got = asyncio.Event()
        async with httpx.AsyncClient(timeout=TIMEOUT) as http, aiohttp.ClientSession() as session:
            if client == "httpx-async":
                response = await http.send(http.build_request("GET", url), stream=True)
            else:
                response = await session.get(url)
            outcome.stream = AsyncStream(response, "openai-chat", raw=True)
            reader = asyncio.create_task(_async(outcome.stream, outcome, on_item=lambda n: got.set() if n == 6 else None))
            await asyncio.wait_for(got.wait(), TIMEOUT)
            await asyncio.sleep(0.05)  # let the reader block in its read
            await outcome.stream.aclose()
            await asyncio.wait_for(reader, TIMEOUT)
            outcome.closed = response.is_closed if client == "httpx-async" else response.closed

    asyncio.run(main())
    assert outcome.error is None
    assert len(outcome.items) == 6
    assert outcome.stream.closed
    assert outcome.closed
    _wait_for(app, key)
    assert app.stalls[key] == "disconnected"


# -- ResourceWarning ------------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error::ResourceWarning")
def test_an_unclosed_async_stream_left_after_break_warns(server: tuple[str, App]) -> None:
    """``break`` out of ``async for`` without ``async with``/``aclose()``: a ResourceWarning when the stream is collected."""
    base, _ = server

    async def main() -> None:
        async with aiohttp.ClientSession() as session:
            response = await session.get(f"{base}/stream/openai")
            stream = AsyncStream(response, "openai-chat")
            async for _ in stream:
                break
            with pytest.warns(ResourceWarning, match="unclosed AsyncStream"):
                stream.__del__()  # what the garbage collector runs
            await stream.aclose()
            assert response.closed

    asyncio.run(main())


@pytest.mark.filterwarnings("error::ResourceWarning")
def test_closed_or_finished_streams_do_not_warn(server: tuple[str, App]) -> None:
    """``async with``, ``aclose()``, a stream read to its end, a source with nothing to close: no warning."""
    base, _ = server

    async def main() -> None:
        async with aiohttp.ClientSession() as session:
            async with AsyncStream(await session.get(f"{base}/stream/openai"), "openai-chat") as stream:
                async for _ in stream:
                    break
            stream.__del__()
            finished = AsyncStream(await session.get(f"{base}/stream/openai"), "openai-chat")
            async for _ in finished:
                pass
            finished.__del__()

    asyncio.run(main())
    listed = Stream([b"data: x\n\n"])
    next(listed)
    listed.__del__()
    assert sseparse.StreamHTTPError.__mro__[1] is sseparse.StreamError


# -- reconnecting --------------------------------------------------------------------------------------------------------


def reconnect_read(client: str, url: str, **options: Any) -> tuple[Outcome, list[Any]]:
    """Read ``url`` with reconnecting / areconnecting through ``client``; ``connect`` returns the response object."""
    outcome, responses = Outcome(), []
    options.setdefault("raw", True)
    if client in ("httpx", "requests"):
        with httpx.Client(timeout=TIMEOUT) as http, requests.Session() as session:

            def connect(state: sseparse.ResumeState) -> Any:
                if client == "httpx":
                    response = http.send(http.build_request("GET", url, headers=state.headers), stream=True)
                else:
                    response = session.get(url, headers=state.headers, stream=True, timeout=TIMEOUT)
                responses.append(response)
                return response

            outcome.stream = sseparse.reconnecting(connect, "openai-chat", **options)
            _sync(outcome.stream, outcome)
            closed = [r.is_closed if client == "httpx" else r.raw.closed for r in responses]
    else:

        async def main() -> list[bool]:
            async with httpx.AsyncClient(timeout=TIMEOUT) as http, aiohttp.ClientSession() as session:

                async def connect(state: sseparse.ResumeState) -> Any:
                    if client == "httpx-async":
                        response = await http.send(http.build_request("GET", url, headers=state.headers), stream=True)
                    else:
                        response = await session.get(url, headers=state.headers)
                    responses.append(response)
                    return response

                outcome.stream = sseparse.areconnecting(connect, "openai-chat", **options)
                await _async(outcome.stream, outcome)
                return [r.is_closed if client == "httpx-async" else r.closed for r in responses]

        closed = asyncio.run(main())
    outcome.closed = all(closed)
    return outcome, responses


@pytest.mark.parametrize("client", CLIENTS)
def test_reconnect_restarts_a_stream_without_ids_without_duplicating_text(server: tuple[str, App], client: str) -> None:
    """An LLM server (no ids) drops the first connection: the request starts over; the result has each word once."""
    base, app = server
    key = f"restart-{client}"
    restarts: list[sseparse.ResumeState] = []
    outcome, responses = reconnect_read(
        client, f"{base}/flaky/openai?key={key}", sleep=lambda _: None, on_restart=restarts.append
    )
    assert outcome.error is None
    assert outcome.stream.result().text == "".join(WORDS)
    assert outcome.stream.result().end == "complete"
    assert app.last_event_ids[key] == ["", ""]  # no Last-Event-ID: a restart
    assert [state.attempt for state in restarts] == [2]
    assert outcome.closed
    assert len(responses) == 2


@pytest.mark.parametrize("client", CLIENTS)
def test_reconnect_resumes_a_stream_with_ids_exactly_once(server: tuple[str, App], client: str) -> None:
    """A server with ids drops twice: each reconnect sends Last-Event-ID; every word arrives once."""
    base, app = server
    key = f"resume-{client}"
    outcome, _ = reconnect_read(client, f"{base}/flaky/openai?key={key}&ids=1&fail=2", sleep=lambda _: None)
    assert outcome.error is None
    assert _texts(outcome.items) == "".join(WORDS)
    assert outcome.stream.result().text == "".join(WORDS)
    assert app.last_event_ids[key] == ["", "10", "20"]
    assert outcome.closed


@pytest.mark.parametrize("client", CLIENTS)
def test_reconnect_waits_what_retry_after_asks(server: tuple[str, App], client: str) -> None:
    """429 with Retry-After: 7: the wait is 7 s (here: recorded, not slept), then the stream."""
    base, app = server
    key = f"retry-after-{client}"
    waits: list[float] = []
    outcome, _ = reconnect_read(client, f"{base}/limited/openai?key={key}&status=429&provider=anthropic", sleep=waits.append)
    assert outcome.error is None
    assert waits == [7.0]
    assert app.connections[key] == 2
    assert outcome.stream.result().text == "".join(WORDS)
    assert outcome.closed


@pytest.mark.parametrize("client", CLIENTS)
def test_reconnect_does_not_retry_a_401(server: tuple[str, App], client: str) -> None:
    """401: one request only (a wrong key stays wrong), StreamHTTPError with the provider's message."""
    base, app = server
    key = f"unauthorized-{client}"
    outcome, _ = reconnect_read(client, f"{base}/limited/openai?key={key}&status=401&provider=gemini", sleep=lambda _: None)
    assert isinstance(outcome.error, StreamHTTPError)
    assert outcome.error.message == "gemini says 401"
    assert app.connections[key] == 1
    assert outcome.closed


@pytest.mark.parametrize("client", ["httpx", "requests"])
def test_a_slow_consumer_is_not_an_idle_server(server: tuple[str, App], client: str) -> None:
    """Sync idle_timeout counts only the time spent waiting for bytes: a caller slower than the limit still gets everything."""
    base, _ = server
    url = f"{base}/stream/openai"
    outcome = Outcome()
    with httpx.Client(timeout=TIMEOUT) as http, requests.Session() as session:
        response = http.send(http.build_request("GET", url), stream=True) if client == "httpx" else session.get(url, stream=True)
        outcome.stream = Stream(response, "openai-chat", raw=True, idle_timeout=SHORT)
        _sync(outcome.stream, outcome, on_item=lambda n: threading.Event().wait(2 * SHORT) if n == 2 else None)
    assert outcome.error is None
    assert outcome.stream.result().text == "".join(WORDS)


def test_the_standard_librarys_urlopen_response_is_a_source(server: tuple[str, App]) -> None:
    """urllib.request.urlopen: a file-like response with a status; read, checked and closed like the others."""
    import urllib.request  # noqa: PLC0415

    base, _ = server
    with urllib.request.urlopen(f"{base}/stream/openai", timeout=TIMEOUT) as response:
        stream = Stream(response, "openai-chat")
        list(stream)
        assert stream.response is response
        assert response.closed
    assert stream.result().text == "".join(WORDS)
    with urllib.request.urlopen(f"{base}/html", timeout=TIMEOUT) as page:
        with pytest.raises(StreamHTTPError, match="text/html"):
            list(Stream(page, "openai-chat"))
        assert page.closed
    dropped = urllib.request.urlopen(f"{base}/abort/openai?at=12", timeout=TIMEOUT)
    with pytest.raises(IncompleteStreamError) as info:
        list(Stream(dropped, "openai-chat"))
    assert dropped.closed
    assert info.value.__cause__ is not None
    assert info.value.partial.text == "".join(WORDS[:11])
