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

from sseparse.captures._chunked import body, looks_chunked
from sseparse.captures._errors import CaptureError
from sseparse.captures._http import STATUS, Head, parse_response_head, with_request
from sseparse.captures._model import Response
from sseparse.captures._split import lines as split_lines
from sseparse.captures._split import pieces
from sseparse.captures._trace import TRACE_START, read_trace

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sseparse.captures._source import Source

__all__ = ["read_curl", "sniff_curl"]

_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_VERBOSE_NOISE = re.compile(rb"(?:\* |\*$|\{ \[|\} \[)")
_VERBOSE_START = (b"* ", b"*\t", b"> ", b"< ")
_NOISE_PREFIX = 3  # bytes that tell a curl -v message line from a body line (see _VERBOSE_NOISE)
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
        return [read_trace(src)]
    if head.startswith(b"HTTP/"):
        return _read_includes(src)
    if head.startswith(_VERBOSE_START):
        return [_read_verbose(src)]
    raise CaptureError("not curl output: expected an HTTP status line, curl -v or curl --trace output", src.name)


class _Include:
    """One response of ``curl -i`` output: its head, where its body starts and how it is read."""

    def __init__(self, src: Source, head: Head, body_at: int, line_no: int) -> None:
        self.src = src
        self.head = head
        self.body_at = body_at
        self.line_no = line_no
        src.find(b"\n", body_at, body_at + 32)  # the first body line tells whether it is chunked
        self.first = src.head[body_at : body_at + 32]
        self.chunked = looks_chunked(self.first) and (head.header("transfer-encoding") or "").lower() == "chunked"
        self.size: int | None = None  # the body's length when another response follows it

    def open(self) -> Iterator[bytes]:
        raw = self.src.stream(self.body_at)
        if self.size is not None:
            raw = _limited(raw, self.size)
        return body(raw, self.first, self.head.header("transfer-encoding"), self.src.name)

    def response(self, index: int, where: str) -> Response:
        return Response(
            capture_format="curl",
            source=self.src.name,
            where=where,
            index=index,
            status=self.head.status,
            headers=self.head.headers,
            body_offset=None if self.chunked else self.body_at,
            body_line=None if self.chunked else self.line_no,
            notes=["chunked transfer coding undone (curl --raw)"] if self.chunked else [],
            stream=self.open,
        )


def _read_includes(src: Source) -> list[Response]:
    """``curl -i`` of one or more URLs: one response per complete header-and-body, in order.

    A file (or bytes) is scanned for the status line that starts the next response, right after a
    blank line; a stream is read as it arrives, so its first response's body runs to the end.
    """
    includes = [_read_include(src, 0)]
    while src.reusable:
        following = _next_status_line(src, includes[-1].body_at)
        if following is None:
            break
        try:
            include = _read_include(src, following)
        except CaptureError:  # a status line with no header block after it: data of this body
            break
        includes[-1].size = following - includes[-1].body_at
        includes.append(include)
    several = len(includes) > 1
    return [include.response(i, f"responses[{i}]" if several else "") for i, include in enumerate(includes)]


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


def _read_include(src: Source, start: int) -> _Include:
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
    return _Include(src, parse_response_head(lines, src.name), body_at, line_no)


def _verbose_head(lines: Iterable[bytes], src: Source) -> tuple[list[bytes], list[bytes], bool, int, int]:
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
    lines = split_lines(src.stream(0)) if src.reusable else _head_lines(src)
    try:
        request, headers, tls, body_at, _ = _verbose_head(lines, src)
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()
    head = with_request(parse_response_head(headers, src.name), request, tls=tls)

    def read() -> Iterator[bytes]:
        kept = _without_noise(src.stream(body_at))
        first = next(kept, b"")
        return body(_chain([first], kept), first, head.header("transfer-encoding"), src.name)

    return Response(
        capture_format="curl",
        source=src.name,
        method=head.method,
        url=head.url,
        status=head.status,
        headers=head.headers,
        notes=["curl -v output: body lines taken from between curl's own messages"],
        stream=read,
    )


def _without_noise(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the body of ``curl -v`` output without curl's own lines; a body line is never gathered whole.

    The first bytes of a line (at most `_NOISE_PREFIX`) tell whether it is curl's; only they are held.
    """
    start = b""  # the first bytes of the current line, held until they tell
    deciding = False
    keep = True
    for piece in pieces(chunks, cr=False):
        data = piece.data
        if piece.starts:
            deciding, start = True, b""
        if deciding:
            start += data
            if len(start) < _NOISE_PREFIX and not piece.ends:
                continue
            keep = _VERBOSE_NOISE.match(start) is None
            deciding, data = False, start
        if keep:
            yield data
    if deciding and start and _VERBOSE_NOISE.match(start) is None:
        yield start


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
