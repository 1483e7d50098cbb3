"""What `Stream` and `AsyncStream` know about HTTP, without importing any HTTP library.

Response objects are recognised by shape: an httpx (or httpx2) ``Response`` has ``status_code`` and
``iter_bytes``/``aiter_bytes``, a requests ``Response`` has ``status_code`` and ``iter_content``, an
aiohttp ``ClientResponse`` has ``status`` and ``content.iter_any``, and a file-like response (the
standard library's ``http.client.HTTPResponse`` from ``urllib.request.urlopen``, urllib3's) has
``status`` and ``read``. From them we take the body's bytes,
check the status and content type before the first chunk (`StreamHTTPError`, with the provider's
error message parsed from the body), and find the socket to shut down when a blocked read must be
interrupted from another thread.

Transport failures are recognised the same way, by the names in the exception's class hierarchy:
httpx ``TransportError``, aiohttp ``ClientPayloadError``/``ClientConnectionError``, requests
``ChunkedEncodingError``/``ConnectionError``, urllib3 and httpcore errors, and any `OSError`.

Every number read from the wire (a status, a ``Retry-After``) is checked before use, and every body
read here is bounded (`HEAD_LIMIT`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sseparse._errors import SSEError, StreamAPIError, StreamHTTPError
from sseparse._json import NotJSONError, loads

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

__all__ = [
    "HEAD_LIMIT",
    "aread_head",
    "async_body",
    "error_document",
    "http_error",
    "interrupt",
    "is_response",
    "read_head",
    "response_problem",
    "sync_body",
    "transport_failure",
]

HEAD_LIMIT = 64 * 1024
"""How many bytes of an error body are read (and kept on `StreamHTTPError.body`)."""

# -- response objects, by shape ------------------------------------------------------------------------


def _status(obj: object) -> int | None:
    """Return the HTTP status of a response object (``status_code`` or aiohttp's ``status``), or None."""
    for name in ("status_code", "status"):
        value = getattr(obj, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _is_aiohttp(obj: object) -> bool:
    # httpx and requests have ``status_code`` and a ``content`` property that reads the whole body: never touch it
    if hasattr(obj, "status_code") or not isinstance(getattr(obj, "status", None), int):
        return False
    try:
        return callable(getattr(getattr(obj, "content", None), "iter_any", None))
    except Exception:  # noqa: BLE001 - a property that raises: not an aiohttp response
        return False


def is_response(obj: object) -> bool:
    """Return True for an HTTP response object that `Stream` or `AsyncStream` reads itself."""
    if _status(obj) is None or not hasattr(obj, "headers"):
        return False
    readers = ("iter_bytes", "aiter_bytes", "iter_content", "read")
    return any(callable(getattr(obj, name, None)) for name in readers) or _is_aiohttp(obj)


def sync_body(response: Any) -> Iterator[bytes]:  # noqa: ANN401
    """Return the body of a response object as an iterator of byte chunks, as they arrive (sync)."""
    if callable(getattr(response, "iter_bytes", None)):  # httpx, httpx2
        return response.iter_bytes()  # type: ignore[no-any-return]
    if callable(getattr(response, "iter_content", None)):  # requests: None = whatever has arrived
        return response.iter_content(None)  # type: ignore[no-any-return]
    if callable(getattr(response, "read", None)) and not _is_aiohttp(response):  # http.client, urllib3: a file
        return response  # type: ignore[no-any-return]
    msg = f"{type(response).__name__} is an async response: use AsyncStream (async for) to read it"
    raise TypeError(msg)


def async_body(response: Any) -> AsyncIterator[bytes]:  # noqa: ANN401
    """Return the body of a response object as an async iterator of byte chunks."""
    if _is_aiohttp(response):
        return response.content.iter_any()  # type: ignore[no-any-return]
    if callable(getattr(response, "aiter_bytes", None)):  # httpx, httpx2
        return response.aiter_bytes()  # type: ignore[no-any-return]
    msg = f"{type(response).__name__} is a sync response: use Stream (for) to read it"
    raise TypeError(msg)


# -- status and content type -------------------------------------------------------------------------


def _header(headers: Any, name: str) -> str | None:  # noqa: ANN401
    """Return a header's value from any headers mapping (case-insensitive ones first), or None."""
    getter = getattr(headers, "get", None)
    if not callable(getter):
        return None
    try:
        value = getter(name)
        if value is None and isinstance(headers, dict):  # a plain dict: look without case
            value = next((v for k, v in headers.items() if isinstance(k, str) and k.lower() == name), None)
    except Exception:  # noqa: BLE001 - a strange headers object means: no such header
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else None


def _media_type(headers: Any) -> str | None:  # noqa: ANN401
    value = _header(headers, "content-type")
    return None if value is None else value.partition(";")[0].strip().lower()


def response_problem(response: object) -> int | None:
    """Return the response's status when it is not an event stream (>= 400, or the wrong content type), else None.

    A response without an integer status (an object passed as ``response=`` only to be closed) is
    not checked. A 2xx response without a content type is taken as a stream: the body decides.
    """
    status = _status(response)
    if status is None:
        return None
    media = _media_type(getattr(response, "headers", None))
    if status >= 400 or status == 204:  # 204: no stream, and "do not reconnect" (WHATWG)
        return status
    if media is None:
        return None if 200 <= status < 300 else status
    return None if media == "text/event-stream" else status


def read_head(chunks: Iterator[Any], limit: int = HEAD_LIMIT) -> bytes:
    """Read up to ``limit`` bytes from a chunk iterator (an error body); a read error ends it quietly."""
    head = bytearray()
    try:
        for chunk in chunks:
            head += chunk
            if len(head) >= limit:
                break
    except Exception:  # noqa: BLE001, S110 - the body is a courtesy: the status is the error
        pass
    return bytes(head[:limit])


async def aread_head(chunks: AsyncIterator[Any], limit: int = HEAD_LIMIT) -> bytes:
    """`read_head` for an async chunk iterator."""
    head = bytearray()
    try:
        async for chunk in chunks:
            head += chunk
            if len(head) >= limit:
                break
    except Exception:  # noqa: BLE001, S110
        pass
    return bytes(head[:limit])


# -- error bodies ---------------------------------------------------------------------------------------


def _parse_json(body: bytes) -> object:
    if body.strip()[:1] not in (b"{", b"["):
        return None
    try:
        return loads(body)
    except NotJSONError:
        return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _code(value: object) -> str | int | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, (str, int)) else None


def _error_fields(doc: object) -> tuple[str, str | int | None, str | None] | None:
    """``(message, code, type)`` from a JSON error document, or None when it is not one.

    - OpenAI and compatible servers: ``{"error": {"message", "type", "code"}}``.
    - Anthropic: ``{"type": "error", "error": {"type", "message"}}``.
    - Gemini: ``{"error": {"code": 429, "message", "status": "RESOURCE_EXHAUSTED"}}``, sometimes in a list.
    - vLLM and other OpenAI-compatible servers: ``{"object": "error", "message", "type", "code"}``.
    - Ollama and proxies: ``{"error": "message"}``; FastAPI: ``{"detail": "message"}``.
    """
    if isinstance(doc, list) and doc:
        doc = doc[0]
    if not isinstance(doc, dict):
        return None
    error = doc.get("error")
    if isinstance(error, dict):
        message = _text(error.get("message")) or _text(error.get("type")) or _text(error.get("status")) or "error"
        return message, _code(error.get("code")), _text(error.get("type")) or _text(error.get("status"))
    if _text(error):
        return str(error), _code(doc.get("code")), _text(doc.get("type"))
    if doc.get("object") == "error" or doc.get("type") == "error":
        return _text(doc.get("message")) or "error", _code(doc.get("code")), _text(doc.get("type"))
    if _text(doc.get("detail")):
        return str(doc["detail"]), None, None
    return None


def error_document(head: bytes) -> tuple[str, str | int | None, str | None, object] | None:
    """``(message, code, type, parsed body)`` when ``head`` is a whole JSON error document, else None."""
    doc = _parse_json(head)
    fields = _error_fields(doc)
    return None if fields is None else (*fields, doc)


def _excerpt(body: bytes) -> str | None:
    text = body[:600].decode("utf-8", "replace").strip()
    if not text:
        return None
    return " ".join(text.split())[:300]


# -- Retry-After ------------------------------------------------------------------------------------------


def _seconds(text: str) -> float | None:
    """Return a non-negative, finite number of seconds from a short decimal string, else None."""
    text = text.strip()
    if not 0 < len(text) <= 24 or not text.replace(".", "", 1).isdigit() or not text.isascii():
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _http_date(text: str) -> float | None:
    import email.utils  # noqa: PLC0415 - only for a Retry-After date
    from datetime import UTC, datetime  # noqa: PLC0415

    if len(text) > 64:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def retry_after(headers: Any) -> float | None:  # noqa: ANN401
    """Seconds to wait before retrying: ``retry-after-ms``, else ``Retry-After`` (seconds or HTTP date), else None."""
    millis = _header(headers, "retry-after-ms")
    if millis is not None and (value := _seconds(millis)) is not None:
        return value / 1000
    text = _header(headers, "retry-after")
    if text is None:
        return None
    value = _seconds(text)
    return value if value is not None else _http_date(text)


def http_error(response: Any, body: bytes, partial: Any = None) -> StreamHTTPError:  # noqa: ANN401
    """Return the `StreamHTTPError` for a response that `response_problem` refused, given its body's head."""
    status = _status(response) or 0
    headers = getattr(response, "headers", None)
    reason = _text(getattr(response, "reason_phrase", None)) or _text(getattr(response, "reason", None))
    found = error_document(body)
    code = type_ = None
    if found is not None:
        message, code, type_, _ = found
    else:
        message = _excerpt(body) or reason or f"HTTP {status}"
    summary = f"HTTP {status}" + (f" {reason}" if reason else "")
    media = _media_type(headers)
    if status == 204:
        summary += ": the server has no stream for this request (and asks clients not to reconnect)"
    elif status < 400:
        summary += f": expected a text/event-stream response, got {media or 'no content type'}"
    summary += f": {message}" if message not in (reason, f"HTTP {status}") else ""
    return StreamHTTPError(
        message,
        status=status,
        headers=headers,
        body=body,
        code=code,
        type=type_,
        retry_after=retry_after(headers),
        response=response,
        summary=summary,
        partial=partial,
    )


def api_error(head: bytes, partial: Any = None) -> StreamAPIError | None:  # noqa: ANN401
    """Return a `StreamAPIError` when a body that gave no event is a JSON error document, else None."""
    found = error_document(head)
    if found is None:
        return None
    message, code, type_, doc = found
    return StreamAPIError(message, code=code, type=type_, body=doc, partial=partial)


# -- transport failures -----------------------------------------------------------------------------------

# (top-level package, class name) anywhere in the exception's class hierarchy
_TRANSPORT = frozenset(
    {
        ("httpx", "TransportError"),
        ("httpx2", "TransportError"),
        ("httpcore", "NetworkError"),
        ("httpcore", "TimeoutException"),
        ("httpcore", "RemoteProtocolError"),
        ("httpcore2", "NetworkError"),
        ("httpcore2", "TimeoutException"),
        ("httpcore2", "RemoteProtocolError"),
        ("aiohttp", "ClientPayloadError"),
        ("aiohttp", "ClientConnectionError"),
        ("requests", "ChunkedEncodingError"),
        ("requests", "ConnectionError"),
        ("urllib3", "ProtocolError"),
        ("urllib3", "ReadTimeoutError"),
        ("http", "IncompleteRead"),  # http.client, under urllib.request
    }
)
_TIMEOUTS = frozenset(
    {"TimeoutError", "TimeoutException", "ReadTimeout", "ReadTimeoutError", "ServerTimeoutError", "SocketTimeoutError"}
)


def _names(exc: BaseException) -> list[tuple[str, str]]:
    return [(cls.__module__.partition(".")[0], cls.__name__) for cls in type(exc).__mro__]


def _is_timeout(exc: BaseException) -> bool:
    if any(name in _TIMEOUTS for _, name in _names(exc)):
        return True
    inner = exc.args[0] if exc.args else None  # requests wraps urllib3's ReadTimeoutError in ConnectionError
    return isinstance(inner, BaseException) and any(name in _TIMEOUTS for _, name in _names(inner))


def transport_failure(exc: BaseException) -> str | None:
    """``"timeout"`` or ``"transport"`` when ``exc`` is a transport failure of an HTTP client or the OS, else None."""
    if isinstance(exc, (SSEError, BlockingIOError, ValueError)) or not isinstance(exc, Exception):
        return None  # ours, or misuse (a non-blocking file; io.UnsupportedOperation is a ValueError too)
    if not isinstance(exc, OSError) and _TRANSPORT.isdisjoint(_names(exc)):
        return None
    return "timeout" if _is_timeout(exc) else "transport"


# -- interrupting a blocked read ----------------------------------------------------------------------------


def _socket(response: object) -> Any:  # noqa: ANN401
    """Return the socket under a response when the library exposes it (httpx ``network_stream``, urllib3)."""
    if str(getattr(response, "http_version", "HTTP/1.1")).upper().startswith("HTTP/2"):
        return None  # one socket carries many requests: shutting it down would end the others too
    extensions = getattr(response, "extensions", None)
    stream = extensions.get("network_stream") if isinstance(extensions, dict) else None
    if stream is not None and callable(getattr(stream, "get_extra_info", None)):
        return stream.get_extra_info("socket")
    raw = getattr(response, "raw", None)  # requests -> urllib3
    connection = getattr(raw, "connection", None) or getattr(raw, "_connection", None)
    return getattr(connection, "sock", None)


def interrupt(response: object) -> None:
    """Wake a read blocked on ``response`` in another thread: shut its socket down (closing alone does not).

    Best effort: a response whose socket cannot be found (or an HTTP/2 one, whose socket other
    requests share) is left to ``close()``.
    """
    try:
        sock = _socket(response)
        if sock is not None:
            sock.shutdown(2)  # socket.SHUT_RDWR
    except Exception:  # noqa: BLE001, S110 - already closed, or not a socket: close() follows anyway
        pass
