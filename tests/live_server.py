"""A real HTTP server on 127.0.0.1 for the live-stream tests: uvicorn in a thread, an ASGI app that misbehaves on demand.

Paths (``KIND`` is ``openai``, ``anthropic`` or ``responses``):

- ``/stream/KIND``: the whole stream. ``?ids=1`` numbers the events.
- ``/cut/KIND?at=N``: N whole events, then half of the next, then a clean end of the body.
- ``/abort/KIND?at=N``: the same, then the connection is dropped (the client sees a transport error).
- ``/stall/KIND?at=N&key=K``: N whole events, then silence until the client goes away (at most
  `STALL` seconds, then the rest). ``app.stalls[K]`` records which came first: ``"disconnected"``
  or ``"timed out"``.
- ``/error/PROVIDER/STATUS``: that status with the provider's JSON error body; a 429 and a 503 carry
  ``Retry-After: 7`` (``?ms=1`` adds ``retry-after-ms: 1500``, ``?date=1`` sends an HTTP date instead).
- ``/html``: a 200 ``text/html`` page (a captive portal, a proxy's login page).
- ``/json/PROVIDER``: a 200 whose body is the provider's JSON error document, as ``text/event-stream``.
- ``/flaky/KIND?key=K&fail=N&ids=0|1``: the first N connections of key K send part of the stream
  and drop; with ids the server resumes after ``Last-Event-ID``, without ids every connection starts over.
- ``/limited/KIND?key=K&status=S&fail=N``: the first N connections of key K answer S (with the
  provider's error body and ``Retry-After: 7``), then the stream.

- ``/sdk/ACTION/KIND/AT/...``: ``/ACTION/KIND?at=AT`` for an SDK client, whose base URL this is (the
  SDK appends its own path, ignored).

``app.connections[K]`` counts connections per key, ``app.last_event_ids[K]`` lists what each sent.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from stream_helpers import anthropic_blocks, openai_chat_blocks, responses_blocks

WORDS = [f" w{i}" for i in range(40)]
STALL = 4.0  # seconds a stalled response waits for the client to go away

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

ERROR_BODIES: dict[str, Callable[[int], dict[str, Any]]] = {
    "openai": lambda status: {
        "error": {
            "message": f"openai says {status}",
            "type": {401: "invalid_request_error", 429: "requests"}.get(status, "server_error"),
            "param": None,
            "code": {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status),
        }
    },
    "anthropic": lambda status: {
        "type": "error",
        "error": {
            "type": {401: "authentication_error", 429: "rate_limit_error"}.get(status, "api_error"),
            "message": f"anthropic says {status}",
        },
        "request_id": "req_test",
    },
    "gemini": lambda status: {
        "error": {
            "code": status,
            "message": f"gemini says {status}",
            "status": {401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED"}.get(status, "INTERNAL"),
        }
    },
    "compatible": lambda status: {
        "object": "error",
        "message": f"compatible says {status}",
        "type": {401: "AuthenticationError", 429: "RateLimitError"}.get(status, "InternalServerError"),
        "param": None,
        "code": status,
    },
}
# what each body gives as (code, type)
ERROR_FIELDS: dict[str, Callable[[int], tuple[Any, Any]]] = {
    "openai": lambda s: (ERROR_BODIES["openai"](s)["error"]["code"], ERROR_BODIES["openai"](s)["error"]["type"]),
    "anthropic": lambda s: (None, ERROR_BODIES["anthropic"](s)["error"]["type"]),
    "gemini": lambda s: (s, ERROR_BODIES["gemini"](s)["error"]["status"]),
    "compatible": lambda s: (s, ERROR_BODIES["compatible"](s)["type"]),
}


def blocks(kind: str, *, ids: bool = False) -> list[bytes]:
    if kind == "openai":
        return openai_chat_blocks(WORDS, ids=ids)
    if kind == "anthropic":
        return anthropic_blocks(WORDS, ids=ids)
    if kind == "responses":
        return responses_blocks(WORDS)
    msg = f"unknown stream kind {kind!r}"
    raise ValueError(msg)


class DroppedError(Exception):
    """Raised by the app to make uvicorn drop the connection mid-body."""


class App:
    """The ASGI app (see the module docstring)."""

    def __init__(self) -> None:
        self.connections: dict[str, int] = {}
        self.last_event_ids: dict[str, list[str]] = {}
        self.stalls: dict[str, str] = {}
        self.lock = threading.Lock()

    def count(self, key: str, last_event_id: str) -> int:
        with self.lock:
            number = self.connections[key] = self.connections.get(key, 0) + 1
            self.last_event_ids.setdefault(key, []).append(last_event_id)
        return number

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        parts = scope["path"].strip("/").split("/")
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        handler = getattr(self, "do_" + parts[0])
        await handler(parts[1:], query, headers, receive, send)

    # -- helpers --------------------------------------------------------------------------------------------

    @staticmethod
    async def start(send: Send, status: int = 200, content_type: bytes = b"text/event-stream", extra: Any = ()) -> None:
        headers = [(b"content-type", content_type), *extra]
        await send({"type": "http.response.start", "status": status, "headers": headers})

    @staticmethod
    async def body(send: Send, data: bytes, *, more: bool = False) -> None:
        for i in range(0, len(data), 97):  # in several writes
            await send({"type": "http.response.body", "body": data[i : i + 97], "more_body": True})
            await asyncio.sleep(0)
        if not more:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    def cut(parts: list[bytes], at: int) -> bytes:
        return b"".join(parts[:at]) + parts[at][: len(parts[at]) // 2]

    async def error(self, send: Send, provider: str, status: int, query: dict[str, str]) -> None:
        extra: list[tuple[bytes, bytes]] = []
        if status in (429, 503):
            extra.append((b"retry-after", b"Wed, 21 Oct 2099 07:28:00 GMT" if query.get("date") else b"7"))
            if query.get("ms"):
                extra.append((b"retry-after-ms", b"1500"))
        await self.start(send, status, b"application/json", extra)
        await self.body(send, json.dumps(ERROR_BODIES[provider](status)).encode())

    # -- paths ----------------------------------------------------------------------------------------------

    async def do_stream(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.start(send)
        await self.body(send, b"".join(blocks(args[0], ids=query.get("ids") == "1")))

    async def do_cut(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.start(send)
        await self.body(send, self.cut(blocks(args[0]), int(query["at"])))

    async def do_abort(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.start(send)
        await self.body(send, self.cut(blocks(args[0]), int(query["at"])), more=True)
        raise DroppedError

    async def do_stall(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        parts, at = blocks(args[0]), int(query["at"])
        await self.start(send)
        await self.body(send, b"".join(parts[:at]), more=True)
        try:
            async with asyncio.timeout(STALL):
                while (await receive())["type"] != "http.disconnect":
                    pass
            self.stalls[query["key"]] = "disconnected"
        except TimeoutError:
            self.stalls[query["key"]] = "timed out"
            await self.body(send, b"".join(parts[at:]))

    async def do_error(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.error(send, args[0], int(args[1]), query)

    async def do_html(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.start(send, 200, b"text/html; charset=utf-8")
        await self.body(send, b"<html><body>Please log in to the network</body></html>")

    async def do_json(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        await self.start(send)
        await self.body(send, json.dumps(ERROR_BODIES[args[0]](400)).encode())

    async def do_flaky(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        ids = query.get("ids") == "1"
        last = headers.get("last-event-id", "")
        number = self.count(query["key"], last)
        rest = blocks(args[0], ids=ids)[int(last or 0) if ids else 0 :]
        await self.start(send)
        if number <= int(query.get("fail", "1")):
            await self.body(send, self.cut(rest, 10), more=True)
            raise DroppedError
        await self.body(send, b"".join(rest))

    async def do_sdk(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        action, kind, at = args[:3]
        handler = getattr(self, "do_" + action)
        await handler([kind], {**query, "at": at}, headers, receive, send)

    async def do_limited(self, args: list[str], query: dict[str, str], headers: Any, receive: Receive, send: Send) -> None:
        number = self.count(query["key"], headers.get("last-event-id", ""))
        if number <= int(query.get("fail", "1")):
            await self.error(send, query.get("provider", "openai"), int(query["status"]), query)
            return
        await self.do_stream(args, query, headers, receive, send)


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on 127.0.0.1, a free port, in a thread; yield its base URL."""
    import uvicorn  # noqa: PLC0415

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off", ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serve() -> Iterator[tuple[str, App]]:
    """Run the app under uvicorn on 127.0.0.1, a free port, in a thread; yield (base URL, app)."""
    app = App()
    with serve_asgi(app) as base:
        yield base, app
