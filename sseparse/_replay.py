"""Replay an SSE body to a real HTTP client, with faults: `ReplayServer` and `replay_transport`.

Both serve the same script. For each connection (request), the script gives a status, headers and
the body's writes, after the faults were applied in this order:

1. ``error_event`` replaces the rest of the body from an event boundary (the last one at or before
   ``cut_at``, or the start of the body's last event), and the response ends after it;
2. otherwise ``cut_at`` ends the response cleanly after that many bytes (a server or proxy that
   stopped in the middle: the client sees a short body, no transport error);
3. ``drop_at`` sends that many bytes and then drops the connection without ending the body (the
   client's transport reports an incomplete body);
   ``stall_after`` sends that many bytes and then nothing more, keeping the connection open until
   the client gives up (its read timeout) or the server closes;
4. ``chunks`` splits what is sent into writes, ``delay`` waits between them.

`ReplayServer` is a threaded HTTP/1.1 server of the standard library on 127.0.0.1 that writes each
piece as one HTTP chunk (``Transfer-Encoding: chunked``, ``Connection: close``), so every client
(httpx, aiohttp, requests, the openai and anthropic SDKs through ``base_url``) reads it over a real
socket. `replay_transport` gives httpx (or httpx2) transports that answer in-process, much faster,
honouring the request's read timeout on a stall.

Rule: closing never leaks. `ReplayServer.close` wakes every delay and stall, shuts the open
connections down and joins every thread it started; the transports' stalls end with the read
timeout or when the transports are closed.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import re
import select
import socket
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self, TypedDict, Unpack, cast

from sseparse._decoder import SSEDecoder
from sseparse._keepalive import running_under_trio

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Sequence
    from types import TracebackType

__all__ = ["ReplayRequest", "ReplayServer", "ReplayTransports", "replay_transport"]

MAX_REQUEST_BODY = 64 * 2**20
"""The largest request body the server reads (a larger one gets 413)."""

_EXHAUSTED_STATUS = 410
_DROPPED = "peer closed connection without sending complete message body (the replay dropped it)"


# -- what was asked -----------------------------------------------------------------------------------


class Headers(Mapping[str, str]):
    """Request headers: a read-only mapping with case-insensitive names; ``items()`` keeps them as sent."""

    __slots__ = ("_by_name", "_pairs")

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._pairs = list(pairs)
        self._by_name: dict[str, str] = {}
        for name, value in self._pairs:
            self._by_name.setdefault(name.lower(), value)

    def __getitem__(self, name: str) -> str:
        return self._by_name[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for name, _ in self._pairs:  # each name once, spelled as first sent
            if name.lower() not in seen:
                seen.add(name.lower())
                yield name

    def __len__(self) -> int:
        return len(self._by_name)

    def get_all(self, name: str) -> list[str]:
        """Return every value sent under ``name`` (case-insensitive), in order."""
        lowered = name.lower()
        return [value for key, value in self._pairs if key.lower() == lowered]

    def __repr__(self) -> str:
        return f"Headers({self._pairs!r})"


@dataclass(frozen=True, slots=True)
class ReplayRequest:
    """One request the replay answered: ``method``, ``path`` (with the query), ``headers``, ``body``.

    ``index`` is its position among the requests (0 for the first connection); ``last_event_id``
    is its ``Last-Event-ID`` header, or None.
    """

    index: int
    method: str
    path: str
    headers: Headers
    body: bytes = field(repr=False)

    @property
    def last_event_id(self) -> str | None:
        """The ``Last-Event-ID`` header the client sent, or None."""
        return self.headers.get("last-event-id")

    def json(self) -> Any:  # noqa: ANN401 - JSON
        """Return the request body parsed as JSON (what an SDK sent: model, messages...)."""
        return json.loads(self.body)


# -- the script ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: list[tuple[str, str]]
    writes: list[bytes]
    delay: float
    stall: bool
    drop: bool = False


def _as_body(item: object) -> tuple[bytes, str | None]:
    """Return (bytes, captured content type) for a bytes-like or a capture's `Response`."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return bytes(item), None
    if hasattr(item, "capture_format") and isinstance(getattr(item, "body", None), bytes):
        header = getattr(item, "header", None)
        return item.body, header("content-type") if callable(header) else None  # type: ignore[attr-defined]
    msg = f"a replay body is bytes or a capture's Response (sseparse.captures.read), not {type(item).__name__}"
    if isinstance(item, str):
        msg += ": encode the text as UTF-8"
    raise TypeError(msg)


def _bodies(body: object) -> tuple[list[tuple[bytes, str | None]], bool]:
    """Return the bodies to serve and whether the last one repeats (a single body serves every connection)."""
    if isinstance(body, (list, tuple)):
        if not body:
            msg = "an empty list of bodies: give at least one"
            raise ValueError(msg)
        return [_as_body(item) for item in body], False
    return [_as_body(body)], True


def _offset(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{name} must be a byte offset (an int >= 0) or None, not {value!r}"
        raise ValueError(msg)
    return value


def _sizes(chunks: object, bodies: list[tuple[bytes, str | None]]) -> int | list[int] | None:
    """Check ``chunks`` and return it as a write size, a list of write sizes, or None."""
    if chunks is None:
        return None
    if isinstance(chunks, int) and not isinstance(chunks, bool):
        if chunks < 1:
            msg = f"chunks as an int is the size of each write, at least 1, not {chunks}"
            raise ValueError(msg)
        return chunks
    if isinstance(chunks, (list, tuple)):
        if all(isinstance(c, (bytes, bytearray, memoryview)) for c in chunks):
            joined = b"".join(chunks)
            if any(joined != data for data, _ in bodies):
                msg = "chunks given as bytes must join to the body (they are the body, split)"
                raise ValueError(msg)
            return [len(c) for c in chunks]
        if all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in chunks):
            return list(chunks)
    msg = f"chunks must be None, a write size (int), a list of sizes (ints >= 0) or a list of bytes, not {chunks!r}"
    raise ValueError(msg)


def _event_starts(body: bytes) -> list[int]:
    """Return the offsets where an event block starts: 0 and after each blank line."""
    starts = [0]
    previous_end = -1
    for match in re.finditer(rb"\r\n|\r|\n", body):
        if match.start() == previous_end or match.start() == 0:
            starts.append(match.end())
        previous_end = match.end()
    return sorted(set(starts))


def _split(data: bytes, sizes: int | list[int] | None) -> list[bytes]:
    if sizes is None:
        return [data]
    if isinstance(sizes, int):
        return [data[i : i + sizes] for i in range(0, len(data), sizes)] or [b""]
    out, position = [], 0
    for size in sizes:
        out.append(data[position : position + size])
        position += size
        if position >= len(data):
            return out
    return [*out, data[position:]]


class _ReplayOptions(TypedDict, total=False):
    """The fault options of `ReplayServer`, `replay_transport` and ``serve`` (each described on `ReplayServer`)."""

    chunks: int | Sequence[int] | Sequence[bytes] | None
    delay: float
    cut_at: int | None
    status: int
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None
    stall_after: int | None
    error_event: bytes | str | None
    drop_at: int | None


class _Script:
    """The options of a replay, checked once; `reply` applies them to one connection."""

    def __init__(  # noqa: PLR0913
        self,
        body: object,
        *,
        chunks: object = None,
        delay: float = 0.0,
        cut_at: int | None = None,
        status: int = 200,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        stall_after: int | None = None,
        error_event: bytes | str | None = None,
        drop_at: int | None = None,
    ) -> None:
        self.bodies, self.repeat = _bodies(body)
        self.sizes = _sizes(chunks, self.bodies)
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not (delay >= 0 and math.isfinite(delay)):
            msg = f"delay must be a number of seconds >= 0, not {delay!r}"
            raise ValueError(msg)
        self.delay = float(delay)
        self.cut_at = _offset("cut_at", cut_at)
        self.stall_after = _offset("stall_after", stall_after)
        self.drop_at = _offset("drop_at", drop_at)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            msg = f"status must be an HTTP status code (100-599), not {status!r}"
            raise ValueError(msg)
        self.status = status
        self.headers = list(headers.items() if isinstance(headers, Mapping) else headers or ())
        for name, value in self.headers:
            if not isinstance(name, str) or not isinstance(value, str) or set(name + value) & {"\r", "\n"}:
                msg = f"headers must be str names and values without CR or LF, not {(name, value)!r}"
                raise ValueError(msg)
        self.error_event = _error_block(error_event)

    def reply(self, index: int) -> _Reply:
        """Return what connection number ``index`` gets."""
        if index >= len(self.bodies) and not self.repeat:
            message = f"ReplayServer: no body left for request {index + 1} ({len(self.bodies)} bodies were given)"
            text = json.dumps({"error": {"message": message, "type": "replay_exhausted"}})
            return _Reply(_EXHAUSTED_STATUS, [("content-type", "application/json")], [text.encode()], 0.0, stall=False)
        data, captured_type = self.bodies[min(index, len(self.bodies) - 1)]
        data = self._faulted(data)
        stall = self.stall_after is not None
        if self.stall_after is not None:
            data = data[: self.stall_after]
        drop = self.drop_at is not None and not stall
        if self.drop_at is not None:
            data = data[: self.drop_at]
        headers = self._headers(data, captured_type)
        return _Reply(self.status, headers, _split(data, self.sizes), self.delay, stall, drop)

    def _faulted(self, data: bytes) -> bytes:
        if self.error_event is not None:
            starts = _event_starts(data)
            if self.cut_at is not None:
                boundary = max(start for start in starts if start <= min(self.cut_at, len(data)))
            else:
                boundary = max((start for start in starts if start < len(data.rstrip(b"\r\n"))), default=0)
            return data[:boundary] + self.error_event
        if self.cut_at is not None:
            return data[: self.cut_at]
        return data

    def _headers(self, data: bytes, captured_type: str | None) -> list[tuple[str, str]]:
        if captured_type is not None:
            content_type = captured_type
        elif 200 <= self.status < 300:
            content_type = "text/event-stream; charset=utf-8"
        else:
            content_type = "application/json" if _is_json(data) else "text/plain; charset=utf-8"
        given = {name.lower() for name, _ in self.headers}
        defaults = [("content-type", content_type), ("cache-control", "no-cache")]
        return [pair for pair in defaults if pair[0] not in given] + self.headers


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _error_block(error_event: bytes | str | None) -> bytes | None:
    if error_event is None:
        return None
    if isinstance(error_event, str):
        error_event = error_event.encode("utf-8")
    if not isinstance(cast("object", error_event), (bytes, bytearray)):
        msg = f"error_event must be an SSE block (bytes or str, e.g. from sseparse.encode), not {type(error_event).__name__}"
        raise TypeError(msg)
    decoder = SSEDecoder()
    if not decoder.feed(bytes(error_event)):
        msg = f"error_event must be a complete SSE event ending with a blank line, not {bytes(error_event)!r:.100}"
        raise ValueError(msg)
    return bytes(error_event)


# -- shared state ------------------------------------------------------------------------------------


class _Replay:
    """What the server and the transports share: the script, the requests, the closing flag."""

    def __init__(self, body: object, **options: Unpack[_ReplayOptions]) -> None:
        self._script = _Script(body, **options)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.requests: list[ReplayRequest] = []
        """Every request answered so far, in arrival order (a `ReplayRequest` each)."""

    def serve(self, body: object, **options: Unpack[_ReplayOptions]) -> None:
        """Serve ``body`` with these options from the next request on (same options as the constructor).

        The request count starts again, so a list of bodies is served from its first; ``requests``
        is kept. Use it to reuse one server across the examples of a property test.
        """
        script = _Script(body, **options)
        with self._lock:
            self._script = script
            self._base = len(self.requests)

    _base = 0

    def _answer(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> _Reply:
        with self._lock:
            index = len(self.requests)
            self.requests.append(ReplayRequest(index, method, path, Headers(headers), body))
            script, number = self._script, index - self._base
        return script.reply(number)


# -- the server --------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread: nothing outlives close()
    block_on_close = True
    replay: ReplayServer

    def __init__(self, replay: ReplayServer) -> None:
        self.replay = replay
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ANN401
        """Say nothing: a client that goes away mid-response is normal here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # a connection that never sends its request does not hold close() for long
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each write its own packet
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002, ANN401
        """Log nothing: tests read `ReplayServer.requests` instead."""

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline(100).split(b";")[0].strip() or b"0", 16)
                total += size
                if total > MAX_REQUEST_BODY:
                    return None
                if size == 0:
                    self.rfile.readline(100)
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(100)
        length = int(self.headers.get("content-length") or 0)
        if not 0 <= length <= MAX_REQUEST_BODY:
            return None
        return self.rfile.read(length)

    def _serve(self) -> None:
        self.close_connection = True
        try:
            body = self._read_body()
        except OSError:
            return
        except ValueError:  # a Content-Length or chunk size that is not a number
            self.send_error(400)
            return
        if body is None:
            self.send_error(413)
            return
        reply = self.server.replay._answer(self.command, self.path, list(self.headers.items()), body)  # noqa: SLF001
        with contextlib.suppress(OSError):  # the client went away: nothing more to do
            self._send(reply)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve  # noqa: N815 - http.server's names

    def _send(self, reply: _Reply) -> None:
        closing = self.server.replay._closing  # noqa: SLF001
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for number, write in enumerate(reply.writes):
            if number and reply.delay and closing.wait(reply.delay):
                return
            if write:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(write), write))
        if reply.stall:
            self._stall(closing)
            return
        if reply.drop:
            self.connection.shutdown(socket.SHUT_RDWR)  # no last chunk: the body is incomplete
            return
        self.wfile.write(b"0\r\n\r\n")

    def _stall(self, closing: threading.Event) -> None:
        """Send nothing more until the client disconnects or the server closes."""
        while not closing.wait(0.02):
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                return  # the client closed its end


class ReplayServer(_Replay):
    """A real HTTP server on 127.0.0.1 that replays an SSE body, with faults, in a background thread.

    ``body``         bytes, a capture's `Response` (`sseparse.captures.read`), or a list of those:
                     a list serves one body per request, in order (for reconnect tests), and a
                     request after the last gets status 410 with a JSON error; a single body serves
                     every request.
    ``chunks``       how the body is written: None (one write), a size (an int: writes of that
                     many bytes), a list of sizes (the rest in one last write), or a list of bytes
                     that join to the body (from `sseparse.strategies.chunkings`).
    ``delay``        seconds to wait between writes.
    ``cut_at``       end the response cleanly after this many bytes (a short body).
    ``status``       the HTTP status (200 by default); with an error status the body is the error
                     document (sent as ``application/json`` when it parses as JSON).
    ``headers``      extra response headers (a mapping or pairs); they replace the defaults
                     (``content-type: text/event-stream; charset=utf-8``, ``cache-control: no-cache``;
                     a capture's own content type is kept).
    ``stall_after``  send this many bytes, then nothing, keeping the connection open.
    ``drop_at``      send this many bytes, then drop the connection in the middle of the body (a
                     transport error in the client, where ``cut_at`` is a clean short body).
    ``error_event``  an SSE block (e.g. ``encode({...}, event="error")``) that replaces the rest
                     of the body from an event boundary: the last one at or before ``cut_at``, or
                     the start of the body's last event (the terminal marker, usually).

    Offsets past the end of a body mean its end. Use it as a context manager (or call `start` and
    `close`); ``url`` is the base URL to give a client (``base_url=server.url`` for the SDKs), any
    path is answered (GET, POST, PUT, PATCH, DELETE, OPTIONS), and ``requests`` lists what was asked,
    headers included.
    """

    def __init__(self, body: object, **options: Unpack[_ReplayOptions]) -> None:
        super().__init__(body, **options)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's base URL, ``http://127.0.0.1:PORT``."""
        if self._server is None:
            msg = "the ReplayServer is not running: use it as a context manager, or call start()"
            raise RuntimeError(msg)
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Start serving in a background thread (idempotent); returns the server."""
        if self._server is None:
            if self._closing.is_set():
                msg = "a closed ReplayServer cannot be started again: make a new one"
                raise RuntimeError(msg)
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sseparse-replay", daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving: wake delays and stalls, shut open connections, join every thread (idempotent)."""
        self._closing.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        with server.connections_lock:
            for connection in server.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins the handler threads
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not running"
        return f"<ReplayServer {where}, {len(self.requests)} requests>"


# -- httpx transports ------------------------------------------------------------------------------------


def _library(request: object) -> Any:  # noqa: ANN401 - the httpx module (httpx or httpx2)
    """Return the module of the client that sent ``request`` (httpx or httpx2), by the request's type."""
    return sys.modules[type(request).__module__.partition(".")[0]]


def _read_timeout(request: Any) -> float | None:  # noqa: ANN401
    timeout = (getattr(request, "extensions", None) or {}).get("timeout") or {}
    value = timeout.get("read")
    return float(value) if isinstance(value, (int, float)) else None


async def _sleep(seconds: float | None) -> None:
    """Sleep under asyncio or trio (forever with None: until cancelled)."""
    if running_under_trio():
        trio = sys.modules["trio"]
        await (trio.sleep_forever() if seconds is None else trio.sleep(seconds))
        return
    import asyncio  # noqa: PLC0415 - only when a transport waits under asyncio

    if seconds is None:
        await asyncio.Event().wait()
    await asyncio.sleep(seconds or 0)


def _answer_request(replay: _Replay, request: Any, body: bytes) -> _Reply:  # noqa: ANN401
    path = request.url.raw_path.decode("ascii", "replace")
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
    return replay._answer(request.method, path, headers, body)  # noqa: SLF001


def _sync_writes(replay: _Replay, reply: _Reply, request: Any) -> Iterator[bytes]:  # noqa: ANN401
    for number, write in enumerate(reply.writes):
        if number and reply.delay and replay._closing.wait(reply.delay):  # noqa: SLF001
            return
        yield write
    if reply.stall:
        timeout = _read_timeout(request)
        if not replay._closing.wait(timeout):  # noqa: SLF001
            raise _library(request).ReadTimeout("the replay stalled: no bytes within the read timeout", request=request)
    if reply.drop:
        raise _library(request).RemoteProtocolError(_DROPPED, request=request)


async def _async_writes(reply: _Reply, request: Any) -> AsyncIterator[bytes]:  # noqa: ANN401
    for number, write in enumerate(reply.writes):
        if number and reply.delay:
            await _sleep(reply.delay)
        yield write
    if reply.stall:
        await _sleep(_read_timeout(request))
        raise _library(request).ReadTimeout("the replay stalled: no bytes within the read timeout", request=request)
    if reply.drop:
        raise _library(request).RemoteProtocolError(_DROPPED, request=request)


def _body_classes(module: Any) -> tuple[type, type]:  # noqa: ANN401 - httpx or httpx2
    """Return the sync and async byte-stream classes on that library's bases."""

    class SyncBody(module.SyncByteStream):  # type: ignore[misc]
        def __init__(self, writes: Iterator[bytes]) -> None:
            self._writes = writes

        def __iter__(self) -> Iterator[bytes]:
            return self._writes

        def close(self) -> None:
            close = getattr(self._writes, "close", None)
            if close is not None:
                close()

    class AsyncBody(module.AsyncByteStream):  # type: ignore[misc]
        def __init__(self, writes: AsyncIterator[bytes]) -> None:
            self._writes = writes

        def __aiter__(self) -> AsyncIterator[bytes]:
            return self._writes

        async def aclose(self) -> None:
            await self._writes.aclose()  # type: ignore[attr-defined]

    return SyncBody, AsyncBody


_CLASSES: dict[str, tuple[type, type]] = {}


def _classes(library: str) -> tuple[type, type]:
    """Build (once per library) the sync and async transport classes on that library's bases."""
    if library in _CLASSES:
        return _CLASSES[library]
    module = importlib.import_module(library)
    sync_body, async_body = _body_classes(module)

    class Transport(module.BaseTransport):  # type: ignore[name-defined,misc]
        def __init__(self, replay: _Replay) -> None:
            self.replay = replay

        def handle_request(self, request: Any) -> Any:  # noqa: ANN401
            reply = _answer_request(self.replay, request, request.read())
            writes = _sync_writes(self.replay, reply, request)
            return _library(request).Response(reply.status, headers=reply.headers, stream=sync_body(writes), request=request)

    class AsyncTransport(module.AsyncBaseTransport):  # type: ignore[name-defined,misc]
        def __init__(self, replay: _Replay) -> None:
            self.replay = replay

        async def handle_async_request(self, request: Any) -> Any:  # noqa: ANN401
            reply = _answer_request(self.replay, request, await request.aread())
            writes = _async_writes(reply, request)
            return _library(request).Response(reply.status, headers=reply.headers, stream=async_body(writes), request=request)

    _CLASSES[library] = (Transport, AsyncTransport)
    return _CLASSES[library]


class ReplayTransports(_Replay):
    """The sync and async transports of `replay_transport`, and the requests they answered.

    ``transport`` is for ``httpx.Client(transport=...)``, ``async_transport`` for
    ``httpx.AsyncClient(transport=...)``; the pair also unpacks: ``transport, async_transport =
    replay_transport(body)``. Both serve the same script and record into the same ``requests``.
    """

    def __init__(self, body: object, *, library: str = "httpx", **options: Unpack[_ReplayOptions]) -> None:
        if library not in {"httpx", "httpx2"}:
            msg = f"library must be 'httpx' or 'httpx2' (the anthropic SDK's client), not {library!r}"
            raise ValueError(msg)
        super().__init__(body, **options)
        transport, async_transport = _classes(library)
        self.transport: Any = transport(self)
        self.async_transport: Any = async_transport(self)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.transport, self.async_transport))

    def close(self) -> None:
        """End the stalls in progress (a sync stall returns as if the body ended)."""
        self._closing.set()


def replay_transport(body: object, *, library: str = "httpx", **options: Unpack[_ReplayOptions]) -> ReplayTransports:
    r"""Return httpx transports (sync and async) that replay ``body`` with faults, without a socket.

    The options are those of `ReplayServer`. Each piece of ``chunks`` is one read of the response
    (httpx skips empty ones), ``delay`` waits between them (under asyncio or trio for the async
    transport), a stall waits for the request's read timeout and raises the client's own
    ``ReadTimeout``, as a real connection does, and a drop raises its ``RemoteProtocolError``.
    ``library="httpx2"`` builds the transports on httpx2, the fork of httpx the anthropic SDK takes
    as ``http_client``; either way, a response is built with the classes of the client that sent
    the request. httpx is imported here, not before.

        >>> import httpx
        >>> replay = replay_transport(b"data: hi\n\n", chunks=3)
        >>> with httpx.Client(transport=replay.transport) as client:
        ...     client.get("https://api.example/stream").text
        'data: hi\n\n'
        >>> replay.requests[0].path
        '/stream'
    """
    return ReplayTransports(body, library=library, **options)
