"""``curl --trace`` and ``curl --trace-ascii`` output: what crossed the wire, as a dump.

Each transfer is a section (``<= Recv data, 116 bytes (0x74)``) followed by dump lines
(``0000: ...``). ``--trace`` dumps every byte in hex, so the bytes come back exactly. ``--trace-ascii``
prints printable ASCII as itself and every other byte as ``.``, and starts a new dump line at each
CRLF: CRLF comes back exactly (the offsets show where it was), but an LF, a lone CR and every byte of
a non-ASCII character all look like ``.``. For an SSE body the ``.`` that end lines are told from
where they stand (before a field name or at the end, after a JSON value); non-ASCII text is lost,
and the response says so in its notes. The data still carries the HTTP/1.1 chunk-size lines: they
are removed as for ``curl --raw``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sseparse.captures._chunked import body
from sseparse.captures._errors import CaptureError
from sseparse.captures._http import Head, parse_response_head, with_request
from sseparse.captures._model import Response, parse_json
from sseparse.captures._split import lines

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sseparse.captures._source import Source

__all__ = ["TRACE_START", "read_trace"]

ASCII_NOTE = "curl --trace-ascii output: line ends told from the layout, non-ASCII bytes lost ('.'); --trace keeps every byte"

# Optional --trace-time and --trace-ids prefixes, then the section or info marker.
_PREFIX = rb"(?:\d\d:\d\d:\d\d\.\d+ )?(?:\[\d+-[\dx]+\] )?"
TRACE_START = re.compile(_PREFIX + rb"(?:== Info:|=> Send |<= Recv )")
_SECTION = re.compile(_PREFIX + rb"(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes")
_FIRST = 32  # bytes of the received data that tell whether it is chunked
_PIECE = 64 * 1024  # received bytes handed on at a time
_SIZE_DIGITS = 18  # a section size with more digits than this is not one curl wrote: it is ignored
_INFO = re.compile(_PREFIX + rb"== Info:")
_HEX_LINE = re.compile(rb"([0-9a-f]{4,16}): ((?:[0-9a-f]{2} ){1,16})((?:   )*)(.*)")
_ASCII_LINE = re.compile(rb"([0-9a-f]{4,16}): (.*)")
# A run of "." that stands for line ends: before a field name or a comment, or at the very end.
_LINE_END_DOTS = re.compile(rb"\.+(?=data:|event:|id:|retry:|:|\Z)")


class _Section:
    __slots__ = ("ascii", "data", "keep", "kind", "lines", "size", "way")

    def __init__(self, way: bytes, kind: bytes, size: int | None, keep: int | None = None) -> None:
        self.way = way
        self.kind = kind
        self.size = size
        self.keep = keep  # bytes of a hex dump to keep (None: all); an ascii dump is always kept
        self.data = bytearray()  # hex dump: the bytes
        self.lines: list[tuple[int, bytes]] = []  # ascii dump: (offset, printed text)
        self.ascii = False

    def add(self, line: bytes) -> None:
        hex_line = _HEX_LINE.fullmatch(line)
        if hex_line is not None and len(hex_line.group(4)) == len(hex_line.group(2)) // 3:
            if self.keep is None or len(self.data) < self.keep:
                self.data.extend(bytes.fromhex(hex_line.group(2).decode()))
            return
        ascii_line = _ASCII_LINE.fullmatch(line)
        if ascii_line is not None:
            self.ascii = True
            self.lines.append((int(ascii_line.group(1), 16), ascii_line.group(2)))

    def bytes(self) -> bytes:
        if not self.ascii:
            return bytes(self.data)
        out = bytearray()
        for i, (offset, text) in enumerate(self.lines):
            out += text
            following = self.lines[i + 1][0] if i + 1 < len(self.lines) else self.size
            if following is None:  # the size was not readable: no CRLF can be told at the end
                following = offset + len(text)
            if following - offset - len(text) == 2:  # curl started a new dump line at a CRLF
                out += b"\r\n"
        return bytes(out)


def _section(line: bytes, keep_received: int | None) -> _Section | None:
    """Return the section a line starts (None when it starts none)."""
    section = _SECTION.match(line)
    if section is None:
        return None
    digits = section.group(4)
    size = int(digits) if len(digits) <= _SIZE_DIGITS else None
    way, kind = section.group(2), section.group(3)
    return _Section(way, kind, size, keep_received if (way, kind) == (b"Recv", b"data") else None)


def _line_ends(body: bytes) -> bytes:
    """Turn the ``.`` that stand for LF back into LF (``--trace-ascii`` only)."""

    def repl(match: re.Match[bytes]) -> bytes:
        run = len(match.group())
        before = body[match.start() - 1 : match.start()]
        if before in {b"}", b"]", b""} or run == 1:  # after a JSON value (or [DONE]) every dot is a line end
            return b"\n" * run
        return b"." * (run - 2) + b"\n\n"  # after text: keep the dots that are text, end the event

    return _LINE_END_DOTS.sub(repl, body)


def _sections(src: Source, keep_received: int | None = None) -> tuple[list[_Section], bool]:
    """Return the sections of the dump, and whether curl's own messages say TLS was used.

    ``keep_received`` bounds the bytes kept of each received-data hex dump (None: all of them).
    """
    sections: list[_Section] = []
    tls = False
    for raw in lines(src.stream(0)):
        line = raw.rstrip(b"\r\n")
        section = _section(line, keep_received)
        if section is not None:
            sections.append(section)
        elif _INFO.match(line):
            tls = tls or any(word in line for word in (b"SSL", b"TLS", b"ALPN"))
        elif sections:
            sections[-1].add(line)
    return sections, tls


def _received(src: Source) -> Iterator[bytes]:
    """Yield the received data of a hex dump, read again from the input, in pieces of about 64 KiB."""
    receiving = False
    out = bytearray()
    for raw in lines(src.stream(0)):
        line = raw.rstrip(b"\r\n")
        section = _section(line, None)
        if section is not None:
            receiving = (section.way, section.kind) == (b"Recv", b"data")
            continue
        hex_line = _HEX_LINE.fullmatch(line) if receiving else None
        if hex_line is not None and len(hex_line.group(4)) == len(hex_line.group(2)) // 3:
            out += bytes.fromhex(hex_line.group(2).decode())
            if len(out) >= _PIECE:
                yield bytes(out)
                out.clear()
    if out:
        yield bytes(out)


def read_trace(src: Source) -> Response:
    """Read ``curl --trace`` / ``--trace-ascii`` output: one response, its body rebuilt from the dump.

    A file's hex dump is streamed: the received data is read again from the file as the body is
    read, so memory does not grow with it. A ``--trace-ascii`` dump, and any dump from a pipe, is
    held whole (the line ends of an ASCII dump are told from the whole text).
    """
    streamed = src.reusable
    sections, tls = _sections(src, _FIRST if streamed else None)
    if streamed and any(s.ascii for s in sections):
        sections, tls = _sections(src)
        streamed = False

    def joined(way: bytes, kind: bytes) -> bytes:
        return b"".join(s.bytes() for s in sections if s.way == way and s.kind == kind)

    sent = joined(b"Send", b"header")
    blocks = [b for b in re.split(rb"\r?\n\r?\n", joined(b"Recv", b"header")) if b.strip()]
    if not blocks:
        raise CaptureError("curl --trace output without received headers", src.name)
    head = parse_response_head([line.rstrip(b"\r") for line in blocks[-1].split(b"\n")], src.name)
    head = with_request(head, sent.split(b"\r\n")[:-2] if sent else [], tls=tls)
    request = joined(b"Send", b"data")
    data = joined(b"Recv", b"data")
    encoding = head.header("transfer-encoding")
    if streamed:
        note = "curl --trace output: body rebuilt from the hex dump of the received data"
        return _response(src, head, request, [note], stream=lambda: body(_received(src), data[:_FIRST], encoding, src.name))
    try:
        payload = b"".join(body([data], data[:_FIRST], encoding, src.name))
    except CaptureError as exc:
        return _response(src, head, request, [], error=exc.reason)
    if any(s.ascii for s in sections):
        return _response(src, head, request, [ASCII_NOTE], data=_line_ends(payload))
    note = "curl --trace output: body rebuilt from the hex dump of the received data"
    return _response(src, head, request, [note], data=payload)


def _response(src: Source, head: Head, sent: bytes, notes: list[str], **body: Any) -> Response:  # noqa: ANN401
    return Response(
        capture_format="curl",
        source=src.name,
        method=head.method,
        url=head.url,
        request_json=parse_json(sent),
        status=head.status,
        headers=head.headers,
        notes=notes,
        **body,
    )
