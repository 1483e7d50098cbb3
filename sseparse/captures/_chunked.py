"""Undo HTTP/1.1 chunked transfer coding in a byte stream (``curl --raw`` bodies, ``curl --trace`` data).

``curl -i`` normally decodes the chunked coding and still prints ``Transfer-Encoding: chunked``, so
the coding is undone only when the body really starts with a chunk-size line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sseparse.captures._errors import CaptureError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["body", "dechunk", "looks_chunked"]

_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")


def looks_chunked(head: bytes) -> bool:
    """Tell whether ``head`` starts with a chunk-size line (``1a`` CR LF), which no SSE body does."""
    return _SIZE_LINE.match(head) is not None


class ChunkedError(ValueError):
    """The chunked coding is broken (a size line that is not hex)."""


def dechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the payload of a chunked body as it arrives; stop at the last (size 0) chunk.

    A body cut short ends the payload where the bytes end (a capture of an interrupted stream).
    """
    buf = b""
    remaining = 0  # payload bytes still due in the current chunk
    crlf = False  # the CRLF after a chunk's payload is due
    for data in chunks:
        buf += data
        while buf:
            if remaining:
                part = buf[:remaining]
                buf = buf[len(part) :]
                remaining -= len(part)
                crlf = remaining == 0
                yield part
                continue
            if crlf:
                if buf == b"\r":
                    break  # the LF of the CRLF is still to come
                buf = buf[2:] if buf[:2] == b"\r\n" else buf[1:] if buf[:1] == b"\n" else buf
                crlf = False
                continue
            match = _SIZE_LINE.match(buf)
            if match is None:
                if b"\n" in buf or len(buf) > 256:
                    msg = f"bad chunk-size line {buf[:20]!r}"
                    raise ChunkedError(msg)
                break  # the size line is not complete yet
            buf = buf[match.end() :]
            remaining = int(match.group(1), 16)
            if remaining == 0:
                return


def body(raw: Iterable[bytes], head: bytes, transfer_encoding: str | None, source: str) -> Iterator[bytes]:
    """Yield a body, with the chunked coding undone when the headers say so and ``head`` (its start) shows it.

    A broken chunked coding raises `CaptureError` after the payload before the damage.
    """
    if (transfer_encoding or "").lower() != "chunked" or not looks_chunked(head):
        yield from raw
        return
    try:
        yield from dechunk(raw)
    except ChunkedError as exc:
        raise CaptureError(f"the chunked body is broken: {exc}", source) from None
