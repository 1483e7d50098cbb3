"""curl output: ``curl -i`` (status line and headers, then the body), ``curl -v`` with stderr merged
into the same file (``< `` header lines, ``* `` and ``{ [n bytes data]`` noise between body lines)
and ``curl --trace`` (hex dump; HTTP/1.1 chunk-size lines still in the data).

``--raw`` bodies keep the chunked transfer coding; it is undone when the body starts with a
chunk-size line. The body is streamed from the input, never read whole.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sseparse.captures._chunked import ChunkedError, dechunk, looks_chunked
from sseparse.captures._model import CaptureError, Response, parse_json

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sseparse.captures._source import Source

__all__ = ["read_curl", "sniff_curl"]

_STATUS = re.compile(rb"HTTP/\d(?:\.\d)? (\d{3})")
_VERBOSE_NOISE = re.compile(rb"(?:\* |\*$|\{ \[|\} \[)")
_VERBOSE_START = (b"* ", b"*\t", b"> ", b"< ")
_TRACE_START = (b"== Info:", b"=> Send ", b"<= Recv ")
_TRACE_SECTION = re.compile(rb"(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes")
_TRACE_HEX = re.compile(rb"[0-9a-f]{4}: ((?:[0-9a-f]{2} ){1,16})")
HEADER_LIMIT = 1 << 20  # a header block longer than this is not a header block


def sniff_curl(head: bytes) -> bool:
    """True when ``head`` (the start of an input) looks like curl output."""
    return head.startswith(b"HTTP/") or head.startswith(_VERBOSE_START) or head.startswith(_TRACE_START)


def read_curl(src: Source) -> list[Response]:
    """Read curl output: one SSE (or other) response, its body streamed."""
    head = src.peek(64)
    if head.startswith(_TRACE_START):
        return [_read_trace(src)]
    if head.startswith(b"HTTP/"):
        return [_read_include(src)]
    if head.startswith(_VERBOSE_START):
        return [_read_verbose(src)]
    raise CaptureError("not curl output: expected an HTTP status line, curl -v or curl --trace output", src.name)


def _parse_headers(lines: list[bytes], response: Response) -> None:
    match = _STATUS.match(lines[0]) if lines else None
    if match is None:
        raise CaptureError(f"not an HTTP status line: {lines[0][:60]!r}" if lines else "no status line", response.source)
    response.status = int(match.group(1))
    response.headers = []
    for line in lines[1:]:
        name, colon, value = line.decode("utf-8", "replace").partition(":")
        if colon:
            response.headers.append((name.strip(), value.strip()))


def _body(response: Response, raw: Iterable[bytes], head: bytes) -> Iterator[bytes]:
    """The body, with the chunked coding undone when it is there."""
    chunked = (response.header("transfer-encoding") or "").lower() == "chunked" and looks_chunked(head)
    if not chunked:
        yield from raw
        return
    try:
        yield from dechunk(raw)
    except ChunkedError as exc:
        raise CaptureError(f"{response.where}: {exc}", response.source) from None


def _read_include(src: Source) -> Response:
    """``curl -i``: header blocks (interim 1xx, proxy CONNECT, redirects) then the last one's body."""
    start = 0
    lines: list[bytes] = []
    while True:
        end = src.find(b"\n\n", start, HEADER_LIMIT)
        end_crlf = src.find(b"\r\n\r\n", start, HEADER_LIMIT)
        if end_crlf >= 0 and (end < 0 or end_crlf < end):
            body_at = end_crlf + 4
            block = src.head[start:end_crlf]
        elif end >= 0:
            body_at = end + 2
            block = src.head[start:end]
        else:
            raise CaptureError("the HTTP headers never end (no blank line after them)", src.name)
        lines = [line.rstrip(b"\r") for line in block.split(b"\n")]
        following = src.peek(body_at + 5)[body_at:]
        if not following.startswith(b"HTTP/"):
            break
        start = body_at  # an interim response, a proxy's CONNECT answer or a redirect: the next block follows
    line_no = src.head.count(b"\n", 0, body_at) + 1
    response = Response(capture_format="curl", source=src.name, where=f"body at byte {body_at}, line {line_no}")
    _parse_headers(lines, response)
    head = src.peek(body_at + 32)[body_at:]
    chunked = looks_chunked(head) and (response.header("transfer-encoding") or "").lower() == "chunked"
    if chunked:
        response.notes.append("chunked transfer coding undone (curl --raw)")
    else:
        response.body_offset = body_at
        response.body_line = line_no
    response._open = lambda: _body(response, src.stream(body_at), head)  # noqa: SLF001
    return response


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Split a byte stream into lines that keep their LF (a partial last line is yielded too)."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        if b"\n" not in chunk:
            continue
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line + b"\n"
    if pending:
        yield pending


def _read_verbose(src: Source) -> Response:
    """``curl -v ... 2>&1``: ``> `` request and ``< `` response headers, noise lines among the body."""
    response = Response(capture_format="curl", source=src.name)
    response.notes.append("curl -v output: body lines taken between curl's own messages")
    request: list[bytes] = []
    headers: list[bytes] = []
    tls = False
    offset = 0
    line_no = 0
    in_headers = False
    for line in _lines(src.stream(0)) if src.reusable else _lines(_head_lines(src)):
        offset += len(line)
        line_no += 1
        text = line.rstrip(b"\r\n")
        if text.startswith(b"> "):
            request.append(text[2:])
        elif text.startswith(b"* ") and (b"SSL" in text or b"TLS" in text or b"ALPN" in text):
            tls = True
        elif text[:1] == b"<":
            value = text[2:]
            if value.startswith(b"HTTP/"):
                headers = [value]
                in_headers = True
            elif not value:  # "< " alone ends a header block
                status = _STATUS.match(headers[0]) if in_headers else None
                in_headers = False
                if status is not None and not status.group(1).startswith(b"1"):
                    break
            elif in_headers:
                headers.append(value)
        elif _VERBOSE_NOISE.match(text) or not text:
            continue
        else:
            raise CaptureError(f"line {line_no}: body data before the response headers ended", src.name)
    else:
        raise CaptureError("curl -v output without a complete response header block ('< ' lines)", src.name)
    _parse_headers(headers, response)
    response.where = f"body at line {line_no + 1}"
    if request:
        method, _, rest = request[0].decode("utf-8", "replace").partition(" ")
        path = rest.rsplit(" ", 1)[0]
        host = next((r[5:].strip().decode() for r in request[1:] if r.lower().startswith(b"host:")), None)
        response.method = method
        response.url = f"{'https' if tls else 'http'}://{host}{path}" if host else path
    body_at = offset

    def body() -> Iterator[bytes]:
        first = True
        for line in _lines(src.stream(body_at)):
            if _VERBOSE_NOISE.match(line):
                continue
            if first:
                first = False
                if looks_chunked(line + b"\n") and (response.header("transfer-encoding") or "").lower() == "chunked":
                    yield from _body(response, _chain([line], _lines(src.stream(body_at + len(line)))), line)
                    return
            yield line

    response._open = body  # noqa: SLF001
    return response


def _chain(first: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _head_lines(src: Source) -> Iterator[bytes]:
    """The lines of a stream's header part, read into ``src.head`` so that `Source.stream` can go on."""
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


def _read_trace(src: Source) -> Response:
    """``curl --trace FILE``: the hex dump is exact; ``--trace-ascii`` loses line ends, so it is refused."""
    response = Response(capture_format="curl", source=src.name, where="received data")
    response.notes.append("curl --trace output: body rebuilt from the hex dump of the received data")
    sections: list[tuple[bytes, bytes, bytearray]] = []
    tls = False
    for line in _lines(src.stream(0)):
        if line.startswith(b"== Info:") and (b"SSL" in line or b"TLS" in line or b"ALPN" in line):
            tls = True
        section = _TRACE_SECTION.match(line)
        if section is not None:
            sections.append((section.group(2), section.group(3), bytearray()))
            continue
        if line.startswith(b"== Info:") or not sections:
            continue
        dump = _TRACE_HEX.match(line)
        if dump is None:
            if line[:4].isalnum() and line[4:6] == b": ":
                raise CaptureError("curl --trace-ascii output loses line ends and bytes; capture with --trace instead", src.name)
            continue
        sections[-1][2].extend(bytes.fromhex(dump.group(1).decode()))
    sent = b"".join(bytes(data) for way, kind, data in sections if way == b"Send" and kind == b"header")
    received = [(kind, bytes(data)) for way, kind, data in sections if way == b"Recv" and kind != b"SSL data"]
    header_bytes = b"".join(data for kind, data in received if kind == b"header")
    blocks = [b for b in re.split(rb"\r?\n\r?\n", header_bytes) if b.strip()]
    if not blocks:
        raise CaptureError("curl --trace output without received headers", src.name)
    _parse_headers([line.rstrip(b"\r") for line in blocks[-1].split(b"\n")], response)
    if sent:
        request = sent.split(b"\r\n")
        method, _, rest = request[0].decode("utf-8", "replace").partition(" ")
        host = next((r[5:].strip().decode() for r in request[1:] if r.lower().startswith(b"host:")), None)
        response.method = method
        response.url = f"{'https' if tls else 'http'}://{host}{rest.rsplit(' ', 1)[0]}" if host else rest
    request_body = b"".join(bytes(data) for way, kind, data in sections if way == b"Send" and kind == b"data")
    response.request_json = parse_json(request_body)
    data = b"".join(data for kind, data in received if kind == b"data")
    response._body = b"".join(_body(response, [data], data[:32]))  # noqa: SLF001
    return response
