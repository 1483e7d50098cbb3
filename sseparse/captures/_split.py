"""The one line splitter of the capture readers: pieces of lines, never joined, so memory stays bounded.

A line may be longer than any chunk (a 2 GB capture on one line), so the splitter never gathers a
line: it hands on each chunk cut at the line ends it holds, and says where each piece stands. The
readers that need whole lines (a ``curl -v`` or ``curl --trace`` line is short) use `lines`, which
joins pieces up to a length cap and cuts what is beyond it.

`sseparse._lines.LineSplitter` does not fit here: it gathers each line whole (bytes) and drops the
line ends, while these readers need the bytes as they are, with their places, and a bounded memory.

Line ends are those of the SSE rules (R4, R5): CRLF, LF, or a CR not followed by LF; a CRLF split
across two chunks is one line end, its LF reported as a piece of its own that continues the line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["LINE_LIMIT", "Piece", "lines", "pieces"]

_TERMINATOR = re.compile(rb"\r\n|\r|\n")
_LF_ONLY = re.compile(rb"\n")
#: `lines` cuts a line after this many bytes (the rest of it is skipped).
LINE_LIMIT = 1 << 20


class Piece(NamedTuple):
    """A part of the input: ``data`` with ``offset`` (of its first byte) and ``line`` (1-based).

    ``starts`` when the piece starts its line; ``ends`` when it ends with the line end; ``blank``
    when the whole line is this line end. A lone LF that completes a CRLF split across chunks comes
    with ``starts`` False and the CR's line number.
    """

    data: bytes
    offset: int
    line: int
    starts: bool
    ends: bool
    blank: bool


def pieces(chunks: Iterable[bytes], *, cr: bool = True) -> Iterator[Piece]:
    """Cut ``chunks`` at each line end; ``cr=False`` ends lines at LF only (a CR stays in the line)."""
    pattern = _TERMINATOR if cr else _LF_ONLY
    offset = 0
    line = 1
    at_start = True  # the next byte starts a line
    after_cr = False  # the last chunk ended with CR: an LF first in the next one is part of that CRLF
    for chunk in chunks:
        start = 0
        if after_cr and chunk[:1] == b"\n":
            yield Piece(b"\n", offset, line - 1, starts=False, ends=True, blank=False)
            offset += 1
            start = 1
        for match in pattern.finditer(chunk, start):
            end = match.end()
            yield Piece(chunk[start:end], offset, line, at_start, ends=True, blank=at_start and match.start() == start)
            offset += end - start
            line += 1
            at_start = True
            start = end
        if start < len(chunk):
            yield Piece(chunk[start:], offset, line, at_start, ends=False, blank=False)
            offset += len(chunk) - start
            at_start = False
            after_cr = False
        else:
            after_cr = cr and chunk[-1:] == b"\r"


def lines(chunks: Iterable[bytes], *, limit: int = LINE_LIMIT) -> Iterator[bytes]:
    """Yield the lines of ``chunks`` with their LF (the last one may have none), each cut at ``limit`` bytes.

    Lines end at LF only (a CR stays in its line). A line longer than ``limit`` keeps its first
    ``limit`` bytes and its LF; what lies between is skipped, so memory stays below ``limit``.
    """
    parts: list[bytes] = []
    room = limit
    for piece in pieces(chunks, cr=False):
        data = piece.data
        if len(data) > room:
            data = data[:room] + (b"\n" if piece.ends else b"")
        room -= len(data)
        if data:
            parts.append(data)
        if piece.ends:
            yield b"".join(parts)
            parts.clear()
            room = limit
    if parts:
        yield b"".join(parts)
