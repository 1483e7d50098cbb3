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
from typing import TYPE_CHECKING

from sseparse.captures._chunked import body
from sseparse.captures._errors import CaptureError
from sseparse.captures._http import Head, parse_response_head, with_request
from sseparse.captures._model import Response, parse_json
from sseparse.captures._split import lines

if TYPE_CHECKING:
    from sseparse.captures._source import Source

__all__ = ["TRACE_START", "read_trace"]

ASCII_NOTE = "curl --trace-ascii output: line ends told from the layout, non-ASCII bytes lost ('.'); --trace keeps every byte"

# Optional --trace-time and --trace-ids prefixes, then the section or info marker.
_PREFIX = rb"(?:\d\d:\d\d:\d\d\.\d+ )?(?:\[\d+-[\dx]+\] )?"
TRACE_START = re.compile(_PREFIX + rb"(?:== Info:|=> Send |<= Recv )")
_SECTION = re.compile(_PREFIX + rb"(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes")
_SIZE_DIGITS = 18  # a section size with more digits than this is not one curl wrote: it is ignored
_INFO = re.compile(_PREFIX + rb"== Info:")
_HEX_LINE = re.compile(rb"([0-9a-f]{4,16}): ((?:[0-9a-f]{2} ){1,16})((?:   )*)(.*)")
_ASCII_LINE = re.compile(rb"([0-9a-f]{4,16}): (.*)")
# A run of "." that stands for line ends: before a field name or a comment, or at the very end.
_LINE_END_DOTS = re.compile(rb"\.+(?=data:|event:|id:|retry:|:|\Z)")


class _Section:
    __slots__ = ("ascii", "data", "kind", "lines", "size", "way")

    def __init__(self, way: bytes, kind: bytes, size: int | None) -> None:
        self.way = way
        self.kind = kind
        self.size = size
        self.data = bytearray()  # hex dump: the bytes
        self.lines: list[tuple[int, bytes]] = []  # ascii dump: (offset, printed text)
        self.ascii = False

    def add(self, line: bytes) -> None:
        hex_line = _HEX_LINE.fullmatch(line)
        if hex_line is not None and len(hex_line.group(4)) == len(hex_line.group(2)) // 3:
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


def _line_ends(body: bytes) -> bytes:
    """Turn the ``.`` that stand for LF back into LF (``--trace-ascii`` only)."""

    def repl(match: re.Match[bytes]) -> bytes:
        run = len(match.group())
        before = body[match.start() - 1 : match.start()]
        if before in {b"}", b"]", b""} or run == 1:  # after a JSON value (or [DONE]) every dot is a line end
            return b"\n" * run
        return b"." * (run - 2) + b"\n\n"  # after text: keep the dots that are text, end the event

    return _LINE_END_DOTS.sub(repl, body)


def _sections(src: Source) -> tuple[list[_Section], bool]:
    """Return the sections of the dump, and whether curl's own messages say TLS was used."""
    sections: list[_Section] = []
    tls = False
    for raw in lines(src.stream(0)):
        line = raw.rstrip(b"\r\n")
        section = _SECTION.match(line)
        if section is not None:
            digits = section.group(4)
            size = int(digits) if len(digits) <= _SIZE_DIGITS else None
            sections.append(_Section(section.group(2), section.group(3), size))
        elif _INFO.match(line):
            tls = tls or any(word in line for word in (b"SSL", b"TLS", b"ALPN"))
        elif sections:
            sections[-1].add(line)
    return sections, tls


def read_trace(src: Source) -> Response:
    """Read ``curl --trace`` / ``--trace-ascii`` output: one response, its body rebuilt from the dump."""
    sections, tls = _sections(src)

    def joined(way: bytes, kind: bytes) -> bytes:
        return b"".join(s.bytes() for s in sections if s.way == way and s.kind == kind)

    ascii_dump = any(s.ascii for s in sections)
    sent = joined(b"Send", b"header")
    blocks = [b for b in re.split(rb"\r?\n\r?\n", joined(b"Recv", b"header")) if b.strip()]
    if not blocks:
        raise CaptureError("curl --trace output without received headers", src.name)
    head = parse_response_head([line.rstrip(b"\r") for line in blocks[-1].split(b"\n")], src.name)
    head = with_request(head, sent.split(b"\r\n")[:-2] if sent else [], tls=tls)
    data = joined(b"Recv", b"data")
    try:
        payload = b"".join(body([data], data[:32], head.header("transfer-encoding"), src.name))
    except CaptureError as exc:
        return _response(src, head, joined(b"Send", b"data"), b"", [], exc.reason)
    if ascii_dump:
        return _response(src, head, joined(b"Send", b"data"), _line_ends(payload), [ASCII_NOTE])
    note = "curl --trace output: body rebuilt from the hex dump of the received data"
    return _response(src, head, joined(b"Send", b"data"), payload, [note])


def _response(src: Source, head: Head, sent: bytes, payload: bytes, notes: list[str], error: str | None = None) -> Response:  # noqa: PLR0913
    return Response(
        capture_format="curl",
        source=src.name,
        method=head.method,
        url=head.url,
        request_json=parse_json(sent),
        status=head.status,
        headers=head.headers,
        notes=notes,
        error=error,
        data=None if error is not None else payload,
    )
