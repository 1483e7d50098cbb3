"""Bytes in any chunking -> complete lines (standard library only).

Rule R4: a line ends at CRLF, at LF, or at a CR not followed by LF; nothing else ends a line
(U+2028, U+0085, VT, FF are data, so `str.splitlines` must never be used).
Rule R5: a CR at the end of a chunk ends its line at once; if the next byte, even in the next chunk,
is LF, that LF belongs to the same CRLF and is swallowed.

Complexity goal: O(n) in the bytes fed, whatever the chunking. Each chunk is searched once, in C
(``bytes.splitlines``, or ``bytes.split`` for long LF-only chunks); the unfinished tail is kept in
a ``bytearray`` that only grows by appends (amortised O(1) per byte) and is read back exactly once,
when its line ends. Re-reading held bytes is what makes naive decoders quadratic (``buffer +=
chunk`` then searching the whole buffer again), so `scanned` counts every held byte read back;
tests prove the bound by counting instead of timing.
"""

from __future__ import annotations

__all__ = ["CR", "CRLF", "LF", "LONG_CHUNK", "LineSplitter", "interesting_cuts"]

# Terminator kinds reported by `LineSplitter.feed_positions`.
LF = 0
CRLF = 1
CR = 2

_KIND = {b"\n": LF, b"\r\n": CRLF, b"\r": CR}

# Above this many bytes, a chunk without CR is split with `bytes.split` (one comparison per byte)
# rather than `bytes.splitlines` (a line-break test per byte). Measured crossover on CPython 3.11:
# a few hundred bytes.
LONG_CHUNK = 512


class LineSplitter:
    """Incremental line splitter. Lines are returned as ``bytes`` without their terminator."""

    __slots__ = ("_base", "_dropping", "_line_start", "cr_pending", "pending", "scanned")

    def __init__(self, offset: int = 0) -> None:
        """Start splitting a stream whose next byte is at ``offset`` (e.g. 3 after a stripped BOM)."""
        self._base = offset  # stream offset of the next chunk's first byte (feed_positions only)
        self._line_start = offset  # stream offset where the unfinished line starts (feed_positions only)
        #: The bytes of the unfinished line. Read them freely. A caller may append bytes that hold no
        #: line end (neither CR nor LF) while `cr_pending` is false: that is exactly what `feed` does
        #: with them, minus a call, which matters per tiny read. Nothing else may change them.
        self.pending = bytearray()
        #: True when the last chunk ended with CR: an LF at the next chunk's start belongs to the same
        #: CRLF and is swallowed (R5). Read it freely; only the splitter sets it.
        self.cr_pending = False
        self._dropping = False  # the unfinished line was dropped (limit): ignore bytes up to its end
        self.scanned = 0  # held bytes read back so far (for complexity tests)

    @property
    def pending_size(self) -> int:
        """Bytes held for the unfinished line."""
        return len(self.pending)

    def feed(self, data: bytes) -> list[bytes]:
        """Return the lines completed by ``data``; keep the unfinished tail.

        ``bytes.splitlines`` splits on exactly the three SSE terminators (LF, CRLF, CR; unlike
        ``str.splitlines`` it ignores VT, FF, U+0085, U+2028...), in one pass, in C. It does not say
        whether the last line was terminated, so the last byte decides. A long chunk without CR is
        split on LF with ``bytes.split`` instead, which compares each byte with LF only: much faster
        once a chunk holds many lines. A chunk with no line end at all (tiny reads, long lines) is
        only appended to the pending bytes, after two ``in`` tests (memchr).
        """
        if self.cr_pending and data:  # an empty chunk does not tell whether the CR's LF follows
            self.cr_pending = False
            if data[0] == 10:
                data = data[1:]
        # `10 in data` (an int needle) is a bare memchr: far cheaper than `b"\n" in data` or find().
        if 10 not in data and 13 not in data:  # no line end at all (an empty chunk included): hold the bytes
            self.pending += data
            return []
        if len(data) > LONG_CHUNK and 13 not in data:
            lines = data.split(b"\n")
            tail = lines.pop()  # after the last LF: the start of an unfinished line, or b""
        else:
            lines = data.splitlines()
            last = data[-1]
            if last == 10:
                tail = b""
            elif last == 13:  # CR: the line has ended, and an LF at the next chunk's start is part of it (R5)
                tail = b""
                self.cr_pending = True
            else:
                tail = lines.pop()
        pending = self.pending
        if pending:
            self.scanned += len(pending)
            pending += lines[0]
            lines[0] = bytes(pending)
            pending.clear()
        if tail:
            pending += tail
        return lines

    def take_pending(self) -> bytes:
        """Return the held bytes of the unfinished line and forget them (the caller completes the line)."""
        held = bytes(self.pending)
        self.scanned += len(held)
        self.pending.clear()
        return held

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
        if self.cr_pending:
            self.cr_pending = False
            if data[:1] == b"\n":
                data = data[1:]
                swallowed = True
                self._base += 1
                self._line_start = self._base  # the next line starts after the swallowed LF
        import re  # noqa: PLC0415 - only diagnostics and limits need positions; `re` is cached after

        out: list[tuple[bytes | None, int, int]] = []
        pending = self.pending
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
            self.cr_pending = True
        if not self._dropping:
            pending += data[start:]
        self._base = base + len(data)
        return swallowed, out

    @property
    def pending_is_comment(self) -> bool:
        """True when the unfinished line starts with a colon: a comment (R8)."""
        return self.pending[:1] == b":"

    @property
    def pending_offset(self) -> int:
        """Stream offset where the unfinished line starts (tracked by `feed_positions` only)."""
        return self._line_start

    def advance(self, n: int) -> None:
        """Count ``n`` bytes the caller consumed before the splitter saw them (a BOM)."""
        self._base += n
        self._line_start += n

    def drop_pending(self) -> None:
        """Forget the unfinished line and ignore further bytes until it ends (memory stays bounded)."""
        self.pending.clear()
        self._dropping = True

    def close(self) -> bytes | None:
        """End of stream: return the unterminated tail (``None`` when the input ended on a line end)."""
        tail = bytes(self.pending) if self.pending or self._dropping else None
        self.pending.clear()
        self._dropping = False
        self.cr_pending = False
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
