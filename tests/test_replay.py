"""ReplayServer and replay_transport: every fault, through every client, observable as its own error.

The first part checks the script itself (what each option does to the bytes a client reads) through
the in-process transport. The second runs each fault through real clients: httpx (sync and async),
aiohttp and requests read a real `ReplayServer` socket through `sseparse.Stream`; the openai and
anthropic SDKs read it through ``base_url`` and through ``http_client`` with `replay_transport`.
Warnings are errors, so an unclosed socket or a leaked thread fails the test that caused it.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import (
    AsyncStream,
    IncompleteStreamError,
    Stream,
    StreamAPIError,
    StreamError,
    StreamHTTPError,
    StreamTimeoutError,
    encode,
    reconnecting,
)
from sseparse.testing import ReplayServer, replay_transport

if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse import ResumeState

httpx = pytest.importorskip("httpx")

STALL_TIMEOUT = 1.0  # the clients' read timeout in stall tests: how long a stall takes to be noticed
SLOW_MACHINE_TIMEOUT = 30.0  # elsewhere: a loaded machine must not look like a stall


def timeout_for(fault: str) -> float:
    return STALL_TIMEOUT if fault == "stall" else SLOW_MACHINE_TIMEOUT


def chat_chunk(text: str) -> bytes:
    choice = {"index": 0, "delta": {"content": text}, "finish_reason": None}
    return encode(
        {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [choice]}, id=text
    )


WORDS = ["Hel", "lo", " wor", "ld"]
OPENAI = b"".join(chat_chunk(word) for word in WORDS) + b"data: [DONE]\n\n"
OPENAI_ERROR = {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded", "param": None}}
ANTHROPIC_ERROR = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def anthropic_body() -> bytes:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [],
        "stop_reason": None,
    }
    message |= {"stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}
    blocks = [encode({"type": "message_start", "message": message}, event="message_start")]
    start = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    blocks.append(encode(start, event="content_block_start"))
    for word in WORDS:
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}}
        blocks.append(encode(delta, event="content_block_delta"))
    blocks.append(encode({"type": "content_block_stop", "index": 0}, event="content_block_stop"))
    stop = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 4}}
    blocks.append(encode(stop, event="message_delta"))
    blocks.append(encode({"type": "message_stop"}, event="message_stop"))
    return b"".join(blocks)


ANTHROPIC = anthropic_body()


def get_text(transport: Any, url: str = "https://replay.invalid/stream", **headers: str) -> bytes:
    with httpx.Client(transport=transport) as client:
        content: bytes = client.get(url, headers=headers).content
        return content


# -- the script ------------------------------------------------------------------------------------------


def test_a_body_is_served_whole_to_every_request_and_each_request_is_recorded() -> None:
    replay = replay_transport(OPENAI)
    with httpx.Client(transport=replay.transport) as client:
        first = client.post("https://api.invalid/v1/chat/completions?x=1", json={"model": "m"}, headers={"Last-Event-ID": "lo"})
        second = client.get("https://api.invalid/again")
    assert first.content == second.content == OPENAI
    assert first.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert [(r.index, r.method, r.path) for r in replay.requests] == [
        (0, "POST", "/v1/chat/completions?x=1"),
        (1, "GET", "/again"),
    ]
    assert replay.requests[0].last_event_id == "lo"
    assert replay.requests[0].headers["LAST-EVENT-ID"] == "lo"  # names are case-insensitive
    assert replay.requests[1].last_event_id is None
    assert replay.requests[0].json() == {"model": "m"}


@pytest.mark.parametrize(
    ("chunks", "reads"),
    [
        (None, [OPENAI]),
        (7, [OPENAI[i : i + 7] for i in range(0, len(OPENAI), 7)]),
        ([1, 0, 2], [OPENAI[:1], OPENAI[1:3], OPENAI[3:]]),  # sizes, the rest in one last read (httpx skips b"")
        ([OPENAI[:5], OPENAI[5:]], [OPENAI[:5], OPENAI[5:]]),  # the body, split
    ],
)
def test_chunks_are_the_reads_the_client_gets(chunks: Any, reads: list[bytes]) -> None:
    """Through the transport, each piece is one read of the response."""
    replay = replay_transport(OPENAI, chunks=chunks)
    with httpx.Client(transport=replay.transport) as client, client.stream("GET", "https://replay.invalid/") as response:
        assert list(response.iter_raw()) == reads


@pytest.mark.parametrize("cut_at", [0, 1, 50, len(OPENAI) - 1, len(OPENAI), len(OPENAI) + 10])
def test_cut_at_serves_a_short_body_that_ends_cleanly(cut_at: int) -> None:
    assert get_text(replay_transport(OPENAI, cut_at=cut_at, chunks=3).transport) == OPENAI[:cut_at]


def test_error_event_replaces_the_rest_from_the_last_event_boundary_before_the_cut() -> None:
    error = encode(OPENAI_ERROR)
    first_two = chat_chunk("Hel") + chat_chunk("lo")
    cut_inside_the_third = len(first_two) + 10
    assert get_text(replay_transport(OPENAI, cut_at=cut_inside_the_third, error_event=error).transport) == first_two + error
    assert get_text(replay_transport(OPENAI, cut_at=len(first_two), error_event=error).transport) == first_two + error
    assert get_text(replay_transport(OPENAI, cut_at=0, error_event=error).transport) == error


def test_error_event_without_a_cut_replaces_the_last_event() -> None:
    """The terminal marker ([DONE] here) gives way to the error: the stream fails just before its end."""
    error = encode(OPENAI_ERROR)
    assert get_text(replay_transport(OPENAI, error_event=error).transport) == OPENAI.removesuffix(b"data: [DONE]\n\n") + error
    crlf = OPENAI.replace(b"\n", b"\r\n")
    assert get_text(replay_transport(crlf, error_event=error).transport) == crlf.removesuffix(b"data: [DONE]\r\n\r\n") + error


def test_an_error_status_sends_the_error_document_as_json() -> None:
    replay = replay_transport(json.dumps(OPENAI_ERROR).encode(), status=429, headers={"retry-after": "7"})
    with httpx.Client(transport=replay.transport) as client:
        response = client.get("https://replay.invalid/")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/json"
    assert response.headers["retry-after"] == "7"
    assert response.json() == OPENAI_ERROR
    with httpx.Client(transport=replay_transport(b"<html>bad gateway</html>", status=502).transport) as client:
        assert client.get("https://replay.invalid/").headers["content-type"] == "text/plain; charset=utf-8"


def test_headers_replace_the_defaults() -> None:
    with httpx.Client(transport=replay_transport(OPENAI, headers=[("Content-Type", "text/plain")]).transport) as client:
        assert client.get("https://replay.invalid/").headers.get_list("content-type") == ["text/plain"]


def test_a_list_of_bodies_serves_one_per_request_then_410() -> None:
    replay = replay_transport([b"data: 1\n\n", b"data: 2\n\n"])
    with httpx.Client(transport=replay.transport) as client:
        assert [client.get("https://replay.invalid/").content for _ in range(2)] == [b"data: 1\n\n", b"data: 2\n\n"]
        third = client.get("https://replay.invalid/")
    assert third.status_code == 410
    assert "no body left for request 3" in third.json()["error"]["message"]


def test_serve_replaces_what_is_served_from_the_next_request() -> None:
    replay = replay_transport(b"data: a\n\n")
    assert get_text(replay.transport) == b"data: a\n\n"
    replay.serve([b"data: b\n\n"], cut_at=4)
    assert get_text(replay.transport) == b"data"
    assert len(replay.requests) == 2


def test_a_capture_is_served_with_its_own_content_type(tmp_path: Any) -> None:
    captures = pytest.importorskip("sseparse.captures")
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + OPENAI
    (tmp_path / "capture.txt").write_bytes(raw)
    responses = captures.read(tmp_path / "capture.txt")
    replay = replay_transport(responses)
    with httpx.Client(transport=replay.transport) as client:
        response = client.get("https://replay.invalid/")
    assert response.content == OPENAI
    assert response.headers["content-type"] == "text/event-stream"
    assert get_text(replay_transport(responses[0]).transport) == OPENAI


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"body": "data: x\n\n"}, TypeError, "encode the text"),
        ({"body": 3}, TypeError, "bytes or a capture"),
        ({"body": []}, ValueError, "empty list"),
        ({"chunks": 0}, ValueError, "at least 1"),
        ({"chunks": [1, -1]}, ValueError, "chunks must be"),
        ({"chunks": [b"data"]}, ValueError, "must join to the body"),
        ({"cut_at": -1}, ValueError, "cut_at must be"),
        ({"stall_after": 1.5}, ValueError, "stall_after must be"),
        ({"delay": -1}, ValueError, "delay must be"),
        ({"delay": float("nan")}, ValueError, "delay must be"),
        ({"status": 99}, ValueError, "status must be"),
        ({"status": True}, ValueError, "status must be"),
        ({"headers": {"x": "a\nb"}}, ValueError, "without CR or LF"),
        ({"error_event": b"data: x\n"}, ValueError, "complete SSE event"),
        ({"error_event": {"error": "x"}}, TypeError, "SSE block"),
        ({"library": "requests"}, ValueError, "httpx2"),
    ],
)
def test_bad_options_raise_a_clear_error(options: dict[str, Any], error: type[Exception], match: str) -> None:
    body = options.pop("body", OPENAI)
    with pytest.raises(error, match=match):
        replay_transport(body, **options)
    if "library" not in options:
        with pytest.raises(error, match=match):
            ReplayServer(body, **options)


def test_replay_server_url_before_start_is_an_error() -> None:
    server = ReplayServer(OPENAI)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    server.close()
    with pytest.raises(RuntimeError, match="cannot be started again"):
        server.start()


# -- the server over a real socket --------------------------------------------------------------------


def test_the_server_writes_each_piece_as_it_goes_and_records_headers() -> None:
    with ReplayServer(OPENAI, chunks=[10, 20]) as server, httpx.Client() as client:
        response = client.post(server.url + "/v1/chat", json={"stream": True}, headers={"Last-Event-ID": "lo"})
    assert response.content == OPENAI
    assert response.headers["transfer-encoding"] == "chunked"
    assert server.requests[0].last_event_id == "lo"
    assert server.requests[0].json() == {"stream": True}
    assert server.requests[0].path == "/v1/chat"


def test_closing_a_stalled_server_releases_the_client_and_leaves_no_thread() -> None:
    before = set(threading.enumerate())
    server = ReplayServer(OPENAI, stall_after=20).start()
    received: list[bytes] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            with httpx.Client(timeout=30) as client, client.stream("GET", server.url) as response:
                received.extend(response.iter_bytes())
        except httpx.HTTPError as exc:  # the chunked body never ended: a protocol error
            failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    while not server.requests:
        threading.Event().wait(0.01)
    server.close()  # wakes the stall and shuts the connection
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert b"".join(received) == OPENAI[:20] or failures
    assert set(threading.enumerate()) <= before


def test_a_client_that_leaves_a_stall_ends_the_handler() -> None:
    with ReplayServer(OPENAI, stall_after=5) as server:
        with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        while any(t.name.startswith("Thread-") and "process_request" in repr(t) for t in threading.enumerate()):
            threading.Event().wait(0.01)  # pragma: no cover - depends on scheduling
    assert not [t for t in threading.enumerate() if "process_request" in repr(t)]


# -- each fault through each client --------------------------------------------------------------------

FAULTS: dict[str, dict[str, Any]] = {
    "none": {},
    "chunks": {"chunks": 3, "delay": 0.001},
    "cut": {"cut_at": len(chat_chunk("Hel")) + 5},
    "stall": {"stall_after": len(chat_chunk("Hel")) + 5},
    "drop": {"drop_at": len(chat_chunk("Hel")) + 5},
    "status": {"status": 429, "body": json.dumps(OPENAI_ERROR).encode()},
    "error-event": {"error_event": encode(OPENAI_ERROR)},
}
EXPECTED: dict[str, type[Exception] | None] = {
    "none": None,
    "chunks": None,
    "cut": IncompleteStreamError,
    "stall": StreamTimeoutError,
    "drop": IncompleteStreamError,  # the HTTP client's transport error, as __cause__
    "status": StreamHTTPError,
    "error-event": StreamAPIError,
}


def _options(fault: str) -> tuple[bytes, dict[str, Any]]:
    options = dict(FAULTS[fault])
    return options.pop("body", OPENAI), options


def _outcome(read: Callable[[], list[Any]], fault: str) -> None:
    """Run a read through a Stream; a fault must raise its own error, with what came before kept."""
    expected = EXPECTED[fault]
    if expected is None:
        chunks = read()
        assert "".join(chunk["choices"][0]["delta"]["content"] for chunk in chunks) == "Hello world"
        return
    with pytest.raises(StreamError) as info:
        read()
    assert type(info.value) is expected
    if fault in {"cut", "stall", "drop", "error-event"}:
        assert info.value.partial.text.startswith("Hel")  # everything received before the fault is kept
    if fault == "status":
        assert info.value.status == 429  # type: ignore[attr-defined]
        assert info.value.message == "Rate limit reached"  # type: ignore[attr-defined]


@pytest.mark.parametrize("fault", FAULTS)
def test_httpx_sync_over_the_server(fault: str) -> None:
    body, options = _options(fault)
    with ReplayServer(body, **options) as server:

        def read() -> list[Any]:
            with httpx.Client(timeout=timeout_for(fault)) as client, client.stream("GET", server.url) as response:
                return list(Stream(response, "openai-chat", raw=True))

        _outcome(read, fault)


@pytest.mark.parametrize("fault", FAULTS)
def test_httpx_async_over_the_server(fault: str) -> None:
    body, options = _options(fault)
    with ReplayServer(body, **options) as server:

        def read() -> list[Any]:
            async def main() -> list[Any]:
                async with httpx.AsyncClient(timeout=timeout_for(fault)) as client, client.stream("GET", server.url) as response:
                    return [chunk async for chunk in AsyncStream(response, "openai-chat", raw=True)]

            return asyncio.run(main())

        _outcome(read, fault)


@pytest.mark.parametrize("fault", FAULTS)
def test_aiohttp_over_the_server(fault: str) -> None:
    aiohttp = pytest.importorskip("aiohttp")
    body, options = _options(fault)
    with ReplayServer(body, **options) as server:

        def read() -> list[Any]:
            async def main() -> list[Any]:
                timeout = aiohttp.ClientTimeout(sock_read=timeout_for(fault))
                async with (
                    aiohttp.ClientSession(timeout=timeout) as session,
                    session.get(server.url) as response,
                    AsyncStream(response, "openai-chat", raw=True) as stream,
                ):
                    return [chunk async for chunk in stream]

            return asyncio.run(main())

        _outcome(read, fault)


@pytest.mark.parametrize("fault", FAULTS)
def test_requests_over_the_server(fault: str) -> None:
    requests = pytest.importorskip("requests")
    body, options = _options(fault)
    with ReplayServer(body, **options) as server:

        def read() -> list[Any]:
            with (
                requests.get(server.url, stream=True, timeout=timeout_for(fault)) as response,
                Stream(response, "openai-chat", raw=True) as stream,
            ):
                return list(stream)

        _outcome(read, fault)


@pytest.mark.parametrize("fault", FAULTS)
def test_httpx_sync_through_the_transport(fault: str) -> None:
    body, options = _options(fault)
    replay = replay_transport(body, **options)

    def read() -> list[Any]:
        with (
            httpx.Client(transport=replay.transport, timeout=timeout_for(fault)) as client,
            client.stream("GET", "https://api.invalid/") as response,
        ):
            return list(Stream(response, "openai-chat", raw=True))

    _outcome(read, fault)


@pytest.mark.parametrize("fault", FAULTS)
def test_httpx_async_through_the_transport(fault: str) -> None:
    body, options = _options(fault)
    _, async_transport = replay_transport(body, **options)

    def read() -> list[Any]:
        async def main() -> list[Any]:
            async with (
                httpx.AsyncClient(transport=async_transport, timeout=timeout_for(fault)) as client,
                client.stream("GET", "https://api.invalid/") as response,
            ):
                return [chunk async for chunk in AsyncStream(response, "openai-chat", raw=True)]

        return asyncio.run(main())

    _outcome(read, fault)


def test_the_async_transport_runs_under_trio() -> None:
    """Delays and stalls sleep with trio's clock under trio: no asyncio needed."""
    trio = pytest.importorskip("trio")
    replay = replay_transport(OPENAI, chunks=40, delay=0.001, stall_after=100)

    received: list[bytes] = []

    async def read() -> None:
        async with (
            httpx.AsyncClient(transport=replay.async_transport, timeout=0.05) as client,
            client.stream("GET", "https://api.invalid/") as response,
        ):
            async for piece in response.aiter_bytes():
                received.append(piece)

    async def main() -> None:
        with pytest.raises(httpx.ReadTimeout):
            await read()

    trio.run(main)
    assert b"".join(received) == OPENAI[:100]  # everything before the stall arrived


def test_a_reconnecting_stream_resumes_with_last_event_id() -> None:
    """A list of bodies: the first connection is cut, the second serves the rest; the server sees the id."""
    cut = chat_chunk("Hel") + chat_chunk("lo") + chat_chunk(" wor")[:20]
    rest = chat_chunk(" wor") + chat_chunk("ld") + b"data: [DONE]\n\n"
    with ReplayServer([cut, rest], chunks=7) as server, httpx.Client(timeout=5) as client:

        def connect(state: ResumeState) -> Any:
            response = client.send(client.build_request("GET", server.url, headers=state.headers), stream=True)
            return response.iter_bytes(), response

        stream = reconnecting(connect, "openai-chat", raw=True, sleep=lambda _: None)
        text = "".join(chunk["choices"][0]["delta"]["content"] for chunk in stream)
    assert text == "Hello world"
    assert [request.last_event_id for request in server.requests] == [None, "lo"]


# -- the SDKs ----------------------------------------------------------------------------------------------

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")

OPENAI_RAISES: dict[str, type[Exception] | tuple[type[Exception], ...] | None] = {
    "none": None,
    "chunks": None,
    "cut": None,  # the SDK takes a cut stream for a complete one: the text is just shorter
    "stall": openai.APITimeoutError,
    "drop": (openai.APIConnectionError, httpx.TransportError),  # the SDK lets httpx's error through while streaming
    "status": openai.RateLimitError,
    "error-event": openai.APIError,
}


def _openai_text(client: Any) -> str:
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "Hi"}], stream=True)
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


def _check_openai(fault: str, text: Callable[[], str]) -> None:
    expected = OPENAI_RAISES[fault]
    if expected is None:
        assert text() == ("Hel" if fault == "cut" else "Hello world")
    else:
        with pytest.raises(expected):
            text()


@pytest.mark.parametrize("fault", FAULTS)
def test_openai_over_the_server(fault: str) -> None:
    body, options = _options(fault)
    with (
        ReplayServer(body, **options) as server,
        openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0, timeout=timeout_for(fault)) as client,
    ):
        _check_openai(fault, lambda: _openai_text(client))
        assert server.requests[0].path == "/chat/completions"
        assert server.requests[0].json()["stream"] is True


@pytest.mark.parametrize("fault", FAULTS)
def test_openai_through_the_transport(fault: str) -> None:
    body, options = _options(fault)
    replay = replay_transport(body, **options)
    http_client = httpx.Client(transport=replay.transport, timeout=timeout_for(fault))
    with openai.OpenAI(api_key="sk-test", max_retries=0, http_client=http_client) as client:
        _check_openai(fault, lambda: _openai_text(client))


@pytest.mark.parametrize("fault", FAULTS)
def test_async_openai_through_the_transport(fault: str) -> None:
    body, options = _options(fault)
    replay = replay_transport(body, **options)

    async def main() -> str:
        http_client = httpx.AsyncClient(transport=replay.async_transport, timeout=timeout_for(fault))
        async with openai.AsyncOpenAI(api_key="sk-test", max_retries=0, http_client=http_client) as client:
            stream = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "Hi"}], stream=True)
            return "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])

    _check_openai(fault, lambda: asyncio.run(main()))


ANTHROPIC_FAULTS: dict[str, dict[str, Any]] = {
    "none": {},
    "chunks": {"chunks": 5},
    "cut": {"cut_at": ANTHROPIC.index(b'" wor"') + 3},  # inside the third text delta
    "stall": {"stall_after": len(ANTHROPIC) // 2},
    "drop": {"drop_at": len(ANTHROPIC) // 2},
    "status": {"status": 529, "body": json.dumps(ANTHROPIC_ERROR).encode()},
    "error-event": {"error_event": encode(ANTHROPIC_ERROR, event="error")},
}


def _anthropic_raises(fault: str) -> tuple[type[BaseException], ...] | None:
    return {
        "none": None,
        "chunks": None,
        "cut": None,  # the SDK takes a cut stream for a complete one: the text is just shorter
        # the SDK lets its HTTP client's timeout through while a stream is read
        "stall": (anthropic.APITimeoutError, httpx.ReadTimeout, *_httpx2_errors("ReadTimeout")),
        "drop": (anthropic.APIConnectionError, httpx.TransportError, *_httpx2_errors("TransportError")),
        "status": (anthropic.InternalServerError, anthropic.APIStatusError),
        "error-event": (anthropic.APIStatusError,),
    }[fault]


def _httpx2_errors(name: str) -> tuple[type[BaseException], ...]:
    try:
        import httpx2  # noqa: PLC0415 - the anthropic SDK's HTTP client, when it uses that fork
    except ImportError:  # pragma: no cover - an SDK on plain httpx
        return ()
    return (getattr(httpx2, name),)


def _anthropic_text(client: Any) -> str:
    with client.messages.stream(model="m", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]) as stream:
        return str(stream.get_final_text())


def _check_anthropic(fault: str, text: Callable[[], str]) -> None:
    expected = _anthropic_raises(fault)
    if expected is None:
        assert text() == ("Hello" if fault == "cut" else "Hello world")
    else:
        with pytest.raises(expected):
            text()


def _anthropic_http_client(replay: Any, fault: str) -> Any:
    """The http_client the installed anthropic SDK accepts (httpx2.Client in recent versions, else httpx)."""
    base = vars(anthropic._base_client)
    module = base.get("httpx2") or base["httpx"]
    library = module.__name__
    transports = replay_transport(replay["body"], library=library, **replay["options"])
    return module.Client(transport=transports.transport, timeout=timeout_for(fault))


@pytest.mark.parametrize("fault", ANTHROPIC_FAULTS)
def test_anthropic_over_the_server(fault: str) -> None:
    options = dict(ANTHROPIC_FAULTS[fault])
    body = options.pop("body", ANTHROPIC)
    with (
        ReplayServer(body, **options) as server,
        anthropic.Anthropic(base_url=server.url, api_key="sk-ant", max_retries=0, timeout=timeout_for(fault)) as client,
    ):
        _check_anthropic(fault, lambda: _anthropic_text(client))
        assert server.requests[0].path == "/v1/messages"
        assert "sk-ant" in (server.requests[0].headers.get("x-api-key") or server.requests[0].headers.get("authorization", ""))


@pytest.mark.parametrize("fault", ANTHROPIC_FAULTS)
def test_anthropic_through_the_transport(fault: str) -> None:
    options = dict(ANTHROPIC_FAULTS[fault])
    body = options.pop("body", ANTHROPIC)
    http_client = _anthropic_http_client({"body": body, "options": options}, fault)
    with anthropic.Anthropic(api_key="sk-ant", max_retries=0, http_client=http_client) as client:
        _check_anthropic(fault, lambda: _anthropic_text(client))


@pytest.mark.parametrize("fault", ["cut", "error-event"])
def test_sseparse_stream_over_anthropic_faults(fault: str) -> None:
    """The same faults of an Anthropic stream are told apart by sseparse.Stream."""
    options = dict(ANTHROPIC_FAULTS[fault])
    with ReplayServer(ANTHROPIC, **options) as server, httpx.Client(timeout=timeout_for(fault)) as client:
        with client.stream("POST", server.url + "/v1/messages") as response:
            stream = Stream(response, "anthropic-messages", raw=True)
            with pytest.raises(IncompleteStreamError if fault == "cut" else StreamAPIError) as info:
                list(stream)
        assert info.value.partial.text.startswith("Hel")


# -- sdk.install(strict=True) makes a cut observable inside the SDKs ------------------------------------------


@pytest.mark.parametrize("via", ["server", "transport"])
def test_a_cut_raises_incomplete_stream_error_in_the_openai_sdk_with_strict_install(via: str) -> None:
    """The SDK alone ends a cut stream quietly (above); installed strictly, it raises with the partial text."""
    sdk = pytest.importorskip("sseparse.sdk")
    body, options = _options("cut")
    with ReplayServer(body, **options) as server:
        if via == "server":
            client = openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0, timeout=SLOW_MACHINE_TIMEOUT)
        else:
            http_client = httpx.Client(transport=replay_transport(body, **options).transport)
            client = openai.OpenAI(api_key="sk-test", max_retries=0, http_client=http_client)
        with sdk.install(client, strict=True), pytest.raises(IncompleteStreamError):
            _openai_text(client)
        with openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0) as quiet:
            assert _openai_text(quiet) == "Hel"  # the same body without strict: a silently short answer


@pytest.mark.parametrize("via", ["server", "transport"])
def test_a_cut_raises_incomplete_stream_error_in_the_anthropic_sdk_with_strict_install(via: str) -> None:
    sdk = pytest.importorskip("sseparse.sdk")
    options = dict(ANTHROPIC_FAULTS["cut"])
    with ReplayServer(ANTHROPIC, **options) as server:
        if via == "server":
            client = anthropic.Anthropic(base_url=server.url, api_key="sk-ant", max_retries=0, timeout=SLOW_MACHINE_TIMEOUT)
        else:
            client = anthropic.Anthropic(
                api_key="sk-ant",
                max_retries=0,
                http_client=_anthropic_http_client({"body": ANTHROPIC, "options": options}, "cut"),
            )
        with sdk.install(client, strict=True), pytest.raises(IncompleteStreamError):
            _anthropic_text(client)


@pytest.mark.parametrize("fault", FAULTS)
def test_async_openai_over_the_server(fault: str) -> None:
    body, options = _options(fault)
    with ReplayServer(body, **options) as server:

        async def main() -> str:
            async with openai.AsyncOpenAI(
                base_url=server.url, api_key="sk-test", max_retries=0, timeout=timeout_for(fault)
            ) as client:
                stream = await client.chat.completions.create(
                    model="m", messages=[{"role": "user", "content": "Hi"}], stream=True
                )
                return "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])

        _check_openai(fault, lambda: asyncio.run(main()))


@pytest.mark.parametrize("fault", ANTHROPIC_FAULTS)
@pytest.mark.parametrize("via", ["server", "transport"])
def test_async_anthropic(fault: str, via: str) -> None:
    options = dict(ANTHROPIC_FAULTS[fault])
    body = options.pop("body", ANTHROPIC)
    base = vars(anthropic._base_client)
    module = base.get("httpx2") or base["httpx"]  # the httpx the SDK takes as http_client
    replay = replay_transport(body, library=module.__name__, **options)

    async def main(server: ReplayServer) -> str:
        if via == "server":
            client = anthropic.AsyncAnthropic(base_url=server.url, api_key="sk-ant", max_retries=0, timeout=timeout_for(fault))
        else:
            http_client = module.AsyncClient(transport=replay.async_transport, timeout=timeout_for(fault))
            client = anthropic.AsyncAnthropic(api_key="sk-ant", max_retries=0, http_client=http_client)
        messages = [{"role": "user", "content": "Hi"}]
        async with client, client.messages.stream(model="m", max_tokens=64, messages=messages) as stream:
            return str(await stream.get_final_text())

    with ReplayServer(body, **options) as server:
        _check_anthropic(fault, lambda: asyncio.run(main(server)))


def test_request_headers_are_a_case_insensitive_mapping_that_keeps_repeats() -> None:
    replay = replay_transport(b"data: x\n\n")
    with httpx.Client(transport=replay.transport) as client:
        client.get("https://replay.invalid/", headers=[("X-Tag", "a"), ("x-tag", "b")])
    headers = replay.requests[0].headers
    assert headers["x-TAG"] == "a"
    assert headers.get_all("X-Tag") == ["a", "b"]
    assert list(headers).count("X-Tag") + list(headers).count("x-tag") == 1
    assert len(headers) == len({name.lower() for name in headers})


def test_a_request_with_a_bad_content_length_gets_400() -> None:
    with ReplayServer(OPENAI) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 400")
        assert server.requests == []
