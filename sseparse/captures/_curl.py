"""curl output: ``curl -i``, ``curl -v`` (stderr merged into the file) and ``curl --trace``.

``curl -i`` writes the status line and headers, then the body. ``curl -v ... 2>&1`` puts ``< ``
header lines first and ``* `` and ``{ [n bytes data]`` noise between body lines. ``curl --trace``
and ``--trace-ascii`` dumps are read by `sseparse.captures._trace`.

``--raw`` bodies keep the chunked transfer coding; it is undone when the body starts with a
chunk-size line. The body is streamed from the input, never read whole.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sseparse.captures._chunked import ChunkedError, dechunk, looks_chunked
from sseparse.captures._http import STATUS, parse_request, parse_response_head
from sseparse.captures._model import CaptureError, Response
from sseparse.captures._trace import TRACE_START, read_trace

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sseparse.captures._source import Source

__all__ = ["read_curl", "sniff_curl"]

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_VERBOSE_NOISE = re.compile(rb"(?:\* |\*$|\{ \[|\} \[)")
_VERBOSE_START = (b"* ", b"*\t", b"> ", b"< ")
HEADER_LIMIT = 1 << 20  # a header block longer than this is not a header block
# The next response of `curl -i URL URL`: a status line right after the blank line that ends an
# event (or a chunked body). No SSE field is named like a status line, so no event is cut short.
_NEXT_RESPONSE = re.compile(rb"\n\r?\n(HTTP/[0-9](?:\.[0-9])? [0-9]{3}(?: [^\r\n]*)?\r?\n)")
_NEXT_RESPONSE_SPAN = 4096  # longer than any match of _NEXT_RESPONSE that matters


def sniff_curl(head: bytes) -> bool:
    """Tell whether ``head`` (the start of an input) looks like curl output."""
    return head.startswith((b"HTTP/", *_VERBOSE_START)) or TRACE_START.match(head) is not None


def read_curl(src: Source) -> list[Response]:
    """Read curl output: one SSE (or other) response, its body streamed."""
    head = src.sniff(64)
    if TRACE_START.match(head):
        return [read_trace(src, _body)]
    if head.startswith(b"HTTP/"):
        return _read_includes(src)
    if head.startswith(_VERBOSE_START):
        return [_read_verbose(src)]
    raise CaptureError("not curl output: expected an HTTP status line, curl -v or curl --trace output", src.name)


def _body(response: Response, raw: Iterable[bytes], head: bytes) -> Iterator[bytes]:
    """Yield the body, with the chunked coding undone when it is there."""
    chunked = (response.header("transfer-encoding") or "").lower() == "chunked" and looks_chunked(head)
    if not chunked:
        yield from raw
        return
    try:
        yield from dechunk(raw)
    except ChunkedError as exc:
        raise CaptureError(f"the chunked body is broken: {exc}", response.source) from None


def _read_includes(src: Source) -> list[Response]:
    """``curl -i`` of one or more URLs: one response per complete header-and-body, in order.

    A file (or bytes) is scanned for the status line that starts the next response, right after a
    blank line; a stream is read as it arrives, so its first response's body runs to the end.
    """
    response, body_at = _read_include(src, 0)
    responses = [response]
    while src.reusable:
        following = _next_status_line(src, body_at)
        if following is None:
            break
        try:
            next_response, next_body_at = _read_include(src, following)
        except CaptureError:  # a status line with no header block after it: data of this body
            break
        body = response._open  # noqa: SLF001
        assert body is not None
        response._open = lambda body=body, size=following - body_at: _limited(body(), size)  # noqa: SLF001
        response, body_at = next_response, next_body_at
        response.index = len(responses)
        responses.append(response)
    if len(responses) > 1:
        for response in responses:
            response.where = f"responses[{response.index}]"
    return responses


def _next_status_line(src: Source, body_at: int) -> int | None:
    """Return the offset of an HTTP status line after a blank line in the body from ``body_at``, or None."""
    tail = b""  # the end of the previous chunk, so a match across two chunks is found
    offset = body_at
    for chunk in src.stream(body_at):
        window = tail + chunk
        match = _NEXT_RESPONSE.search(window)
        if match is not None:
            return offset - len(tail) + match.start(1)
        tail = window[-_NEXT_RESPONSE_SPAN:]
        offset += len(chunk)
    return None


def _limited(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Yield the first ``size`` bytes of ``chunks``."""
    for chunk in chunks:
        if len(chunk) >= size:
            if size:
                yield chunk[:size]
            return
        size -= len(chunk)
        yield chunk


def _read_include(src: Source, start: int) -> tuple[Response, int]:
    """``curl -i``: header blocks (interim 1xx, proxy CONNECT, redirects) then the last one's body."""
    lines: list[bytes] = []
    while True:
        blank = src.search(_BLANK_LINE, start, start + HEADER_LIMIT)
        if blank is None:
            raise CaptureError("the HTTP headers never end (no blank line after them)", src.name)
        block = src.head[start : blank.start()]
        body_at = blank.end()
        lines = [line.rstrip(b"\r") for line in block.split(b"\n")]
        src.find(b"\n", body_at, body_at + 16)  # enough to see whether another status line follows
        following = src.head[body_at : body_at + 5]
        if not following.startswith(b"HTTP/"):
            break
        start = body_at  # an interim response, a proxy's CONNECT answer or a redirect: the next block follows
    line_no = src.head.count(b"\n", 0, body_at) + 1
    response = Response(capture_format="curl", source=src.name)
    parse_response_head(lines, response)
    src.find(b"\n", body_at, body_at + 32)  # the first body line tells whether it is chunked
    head = src.head[body_at : body_at + 32]
    chunked = looks_chunked(head) and (response.header("transfer-encoding") or "").lower() == "chunked"
    if chunked:
        response.notes.append("chunked transfer coding undone (curl --raw)")
    else:
        response.body_offset = body_at
        response.body_line = line_no
    response._open = lambda: _body(response, src.stream(body_at), head)  # noqa: SLF001
    return response, body_at


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Split a byte stream into lines that keep their LF (a partial last line is yielded too)."""
    pending: list[bytes] = []  # pieces of an unfinished line, joined once it ends
    for chunk in chunks:
        if b"\n" not in chunk:
            pending.append(chunk)
            continue
        first, *complete, rest = chunk.split(b"\n")
        pending.append(first)
        yield b"".join(pending) + b"\n"
        for line in complete:
            yield line + b"\n"
        pending = [rest] if rest else []
    if pending:
        yield b"".join(pending)


def _verbose_head(lines: Iterable[bytes], src: Source) -> tuple[list[bytes], list[bytes], bool, int, int]:  # noqa: C901
    """Read ``curl -v`` lines up to the end of the final response header block.

    Return the request lines, the response header lines, whether TLS was used, and the byte offset
    and line number where the body starts.
    """
    request: list[bytes] = []
    headers: list[bytes] = []
    tls = False
    offset = 0
    in_headers = False
    for line_no, line in enumerate(lines, 1):
        offset += len(line)
        text = line.rstrip(b"\r\n")
        if text.startswith(b"> "):
            request.append(text[2:])
        elif text[:1] == b"<":
            value = text[2:]
            if value.startswith(b"HTTP/"):
                headers = [value]
                in_headers = True
            elif value:
                if in_headers:
                    headers.append(value)
            elif in_headers:  # "< " alone ends a header block; a 1xx block is followed by another
                in_headers = False
                status = STATUS.match(headers[0])
                if status is not None and not status.group(1).startswith(b"1"):
                    return request, headers, tls, offset, line_no
        elif text.startswith(b"* "):
            tls = tls or any(word in text for word in (b"SSL", b"TLS", b"ALPN"))
        elif text and not _VERBOSE_NOISE.match(text):
            raise CaptureError(f"line {line_no}: body data before the response headers ended", src.name)
    raise CaptureError("curl -v output without a complete response header block ('< ' lines)", src.name)


def _read_verbose(src: Source) -> Response:
    """``curl -v ... 2>&1``: ``> `` request and ``< `` response headers, noise lines among the body."""
    response = Response(capture_format="curl", source=src.name)
    response.notes.append("curl -v output: body lines taken from between curl's own messages")
    lines = _lines(src.stream(0)) if src.reusable else _head_lines(src)
    try:
        request, headers, tls, body_at, _ = _verbose_head(lines, src)
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()
    parse_response_head(headers, response)
    parse_request(request, response, tls=tls)

    def body() -> Iterator[bytes]:
        kept = (line for line in _lines(src.stream(body_at)) if not _VERBOSE_NOISE.match(line))
        first = next(kept, b"")
        yield from _body(response, _chain([first], kept), first)

    response._open = body  # noqa: SLF001
    return response


def _chain(first: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _head_lines(src: Source) -> Iterator[bytes]:
    """Yield the lines of a stream, reading them into ``src.head`` so that `Source.stream` can go on."""
    offset = 0
    while True:
        end = src.find(b"\n", offset, HEADER_LIMIT)
        if end < 0:
            rest = src.head[offset:]
            if rest:
                yield rest
            return
        yield src.head[offset : end + 1]
        offset = end + 1
