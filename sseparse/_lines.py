"""Bytes in any chunking -> complete lines (standard library only).

Rule R4: a line ends at CRLF, at LF, or at a CR not followed by LF; nothing else ends a line
(U+2028, U+0085, VT, FF are data, so `str.splitlines` must never be used).
Rule R5: a CR at the end of a chunk ends its line at once; if the next byte, even in the next chunk,
is LF, that LF belongs to the same CRLF and is swallowed.

Complexity goal: O(n) in the bytes fed, whatever the chunking. Each chunk is searched once, in C
(``bytes.splitlines``); the unfinished tail is kept in a ``bytearray`` that only grows by appends
(amortised O(1) per byte) and is read back exactly once, when its line ends. Re-reading held bytes is
what makes naive decoders quadratic (``buffer += chunk`` then searching the whole buffer again), so
`scanned` counts every held byte read back; tests prove the bound by counting instead of timing.
"""

from __future__ import annotations

__all__ = ["CR", "CRLF", "LF", "LineSplitter", "interesting_cuts"]

# Terminator kinds reported by `LineSplitter.feed_positions`.
LF = 0
CRLF = 1
CR = 2

_KIND = {b"\n": LF, b"\r\n": CRLF, b"\r": CR}


class LineSplitter:
    """Incremental line splitter. Lines are returned as ``bytes`` without their terminator."""

    __slots__ = ("_base", "_dropping", "_line_start", "_pending", "_skip_lf", "scanned")

    def __init__(self, offset: int = 0) -> None:
        """Start splitting a stream whose next byte is at ``offset`` (e.g. 3 after a stripped BOM)."""
        self._base = offset  # stream offset of the next chunk's first byte (feed_positions only)
        self._line_start = offset  # stream offset where the unfinished line starts (feed_positions only)
        self._pending = bytearray()  # bytes of the unfinished line
        self._skip_lf = False  # the last chunk ended with CR: swallow one LF at the next chunk's start (R5)
        self._dropping = False  # the unfinished line was dropped (limit): ignore bytes up to its end
        self.scanned = 0  # held bytes read back so far (for complexity tests)

    @property
    def pending_size(self) -> int:
        """Bytes held for the unfinished line."""
        return len(self._pending)

    def feed(self, data: bytes) -> list[bytes]:
        """Return the lines completed by ``data``; keep the unfinished tail.

        ``bytes.splitlines`` splits on exactly the three SSE terminators (LF, CRLF, CR; unlike
        ``str.splitlines`` it ignores VT, FF, U+0085, U+2028...), in one pass, in C. It does not say
        whether the last line was terminated, so the last byte decides. `SSEDecoder.feed` inlines this
        method (adding a `bytes.split` shortcut for long LF-only chunks); keep the two in step.
        """
        if not data:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if data[:1] == b"\n":
                data = data[1:]
        lines = data.splitlines()
        if not lines:
            return lines
        if lines[0] is data:  # no line end at all: CPython hands back the same object
            self._pending += data
            return []
        pending = self._pending
        if pending:
            self.scanned += len(pending)
            pending += lines[0]
            lines[0] = bytes(pending)
            pending.clear()
        last = data[-1]
        if last == 13:  # CR: the line has ended, and an LF at the next chunk's start is part of it (R5)
            self._skip_lf = True
        elif last != 10:  # the last line is unfinished
            pending += lines.pop()
        return lines

    def feed_positions(self, data: bytes) -> tuple[bool, list[tuple[bytes | None, int, int]]]:
        """Like `feed`, but also report each line's terminator kind and where the line starts.

        Returns ``(swallowed, lines)`` with ``lines`` as ``(line, kind, offset)``: ``kind`` is LF,
        CRLF or CR and ``offset`` the stream offset of the line's first byte. ``swallowed`` is true
        when the chunk began with the LF of a CRLF whose CR ended the previous chunk (that line was
        reported with kind CR). A line whose start was dropped by `drop_pending` comes as ``None``.
        """
        if not data:
            return False, []
        swallowed = False
        if self._skip_lf:
            self._skip_lf = False
            if data[:1] == b"\n":
                data = data[1:]
                swallowed = True
                self._base += 1
                self._line_start = self._base  # the next line starts after the swallowed LF
        import re  # noqa: PLC0415 - only diagnostics and limits need positions; `re` is cached after

        out: list[tuple[bytes | None, int, int]] = []
        pending = self._pending
        base = self._base
        start = 0
        for m in re.finditer(rb"\r\n?|\n", data):  # `re` caches the compiled pattern
            line: bytes | None = data[start : m.start()]
            if self._dropping:
                self._dropping = False
                line = None
            elif pending:
                self.scanned += len(pending)
                pending += data[start : m.start()]
                line = bytes(pending)
                pending.clear()
            out.append((line, _KIND[m.group()], self._line_start))
            start = m.end()
            self._line_start = base + start
        if data[-1:] == b"\r":
            self._skip_lf = True
        if not self._dropping:
            pending += data[start:]
        self._base = base + len(data)
        return swallowed, out

    @property
    def pending_is_comment(self) -> bool:
        """True when the unfinished line starts with a colon: a comment (R8)."""
        return self._pending[:1] == b":"

    @property
    def pending_offset(self) -> int:
        """Stream offset where the unfinished line starts (tracked by `feed_positions` only)."""
        return self._line_start

    @property
    def cr_pending(self) -> bool:
        """True when the last chunk ended with CR, so the next LF belongs to that CRLF."""
        return self._skip_lf

    def advance(self, n: int) -> None:
        """Count ``n`` bytes the caller consumed before the splitter saw them (a BOM)."""
        self._base += n
        self._line_start += n

    def drop_pending(self) -> None:
        """Forget the unfinished line and ignore further bytes until it ends (memory stays bounded)."""
        self._pending.clear()
        self._dropping = True

    def close(self) -> bytes | None:
        """End of stream: return the unterminated tail (``None`` when the input ended on a line end)."""
        tail = bytes(self._pending) if self._pending or self._dropping else None
        self._pending.clear()
        self._dropping = False
        self._skip_lf = False
        return tail


def interesting_cuts(data: bytes) -> list[int]:
    """Return the places where splitting ``data`` into two reads is most likely to break a parser.

    Each cut ``c`` (``0 < c < len(data)``) means the reads ``data[:c]`` and ``data[c:]``: on both
    sides of every CR and LF (a CRLF split in two, R5), of every non-ASCII byte (a multibyte UTF-8
    sequence split in two, R3), and after each of the first three bytes (a BOM split in two, or
    complete and then content, R2). The one definition of "interesting" for `sseparse.testing`'s
    chunkings and `sseparse.strategies.chunkings`.
    """
    cuts = {1, 2, 3}
    for i, byte in enumerate(data):
        if byte in (10, 13) or byte >= 0x80:  # LF, CR, non-ASCII
            cuts.update((i, i + 1))
    return sorted(cut for cut in cuts if 0 < cut < len(data))
