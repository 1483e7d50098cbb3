"""`Source`: a path, bytes or binary file read incrementally, with its first bytes kept for sniffing.

A path is reopened for each pass, so a `Response` backed by a file can be read more than once and
no handle stays open between passes. A file object (stdin, a socket file) is read once, with
``read1`` when it has one, so bytes are handed on as soon as they arrive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from sseparse.captures._errors import CaptureError

if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterator

__all__ = ["READ_SIZE", "Source", "display_name"]

READ_SIZE = 64 * 1024


def display_name(source: object) -> str:
    """How an input is named in messages: its path, ``<stdin>``, ``<bytes>`` or the file's name."""
    if isinstance(source, (str, Path)):
        return str(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>"
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else "<stream>"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes | None: ...


class Source:
    """One input. ``head`` holds the bytes read so far from its start (grown on demand)."""

    def __init__(self, obj: str | Path | bytes | bytearray | memoryview | _Readable, name: str | None = None) -> None:
        self.name = name or display_name(obj)
        self.path: Path | None = None
        self._read: Callable[[int], object] | None = None
        self._eof = False
        self.head = b""
        self._consumed = False
        if isinstance(obj, (str, Path)):
            self.path = Path(obj)
            try:
                if self.path.is_dir():
                    raise CaptureError("is a directory", self.name)
                self.path.open("rb").close()
            except OSError as exc:
                raise CaptureError(exc.strerror or str(exc), self.name) from None
        elif isinstance(obj, (bytes, bytearray, memoryview)):
            self.head = bytes(obj)
            self._eof = True
        else:
            read = getattr(obj, "read1", None) or getattr(obj, "read", None)
            if read is None:
                msg = f"expected a path, bytes or a binary file object, not {type(obj).__name__}"
                raise TypeError(msg)
            self._read = read

    @property
    def reusable(self) -> bool:
        """True when the input can be read again from the start (a path or bytes)."""
        return self._read is None

    def _more(self, size: int = READ_SIZE) -> bool:
        """Grow ``head`` by one read; False at end of input."""
        if self._eof:
            return False
        if self.path is not None:
            with self._open() as file:
                file.seek(len(self.head))
                chunk = file.read(max(size, len(self.head)))
        else:
            chunk = self._read_some(size)
        if not chunk:
            self._eof = True
            return False
        self.head += chunk
        return True

    def peek(self, size: int) -> bytes:
        """Return the first ``size`` bytes (fewer at end of input)."""
        while len(self.head) < size and self._more(size - len(self.head)):
            pass
        return self.head[:size]

    def sniff(self, size: int) -> bytes:
        """Return up to ``size`` first bytes to tell the format by, without waiting for more than needed.

        A path or bytes give ``size`` bytes at once. A stream gives what has arrived once it holds a
        line end or 64 bytes (or ends): a slow stream is never waited on for bytes it has not sent.
        """
        if self._read is None:
            return self.peek(size)
        while len(self.head) < 64 and b"\n" not in self.head and self._more(size - len(self.head)):
            pass
        return self.head[:size]

    def find(self, needle: bytes, start: int = 0, limit: int = 1 << 20) -> int:
        """Return the offset of ``needle`` at or after ``start``, reading up to ``limit`` bytes; -1 if absent."""
        while True:
            found = self.head.find(needle, start)
            if found >= 0 or len(self.head) >= limit or not self._more():
                return found

    def search(self, pattern: re.Pattern[bytes], start: int = 0, limit: int = 1 << 20) -> re.Match[bytes] | None:
        """Return the first match of ``pattern`` at or after ``start``, reading up to ``limit`` bytes."""
        while True:
            match = pattern.search(self.head, start)
            if match is not None or len(self.head) >= limit or not self._more():
                return match

    def read_all(self) -> bytes:
        """Everything (a HAR or VCR document is parsed whole anyway)."""
        if self.path is not None:
            with self._open() as file:
                return self._read_file(file)
        if self._read is None:
            return self.head
        parts = [self.head]  # joined once: growing one bytes object per read would be quadratic
        while chunk := self._read_some(READ_SIZE):
            parts.append(chunk)
        self._eof = True
        self.head = b"".join(parts)
        return self.head

    def _open(self) -> BinaryIO:
        """Open the path again; a file that went away or cannot be read is a `CaptureError`."""
        assert self.path is not None
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise CaptureError(exc.strerror or str(exc), self.name) from None

    def _read_file(self, file: BinaryIO, size: int = -1) -> bytes:
        try:
            return file.read(size)
        except OSError as exc:  # an I/O error while reading (a failing disk, a network file system)
            raise CaptureError(f"read error: {exc.strerror or exc}", self.name) from None

    def _read_some(self, size: int) -> bytes:
        assert self._read is not None
        chunk = self._read(size)
        if chunk is None:  # a non-blocking file with nothing yet: waiting here would spin
            msg = f"{self.name}: no data yet on a non-blocking file; read captures from blocking files"
            raise BlockingIOError(msg)
        if isinstance(chunk, bytes):
            return chunk
        if isinstance(chunk, (bytearray, memoryview)):
            return bytes(chunk)
        raise CaptureError("not a binary file: pass open(path, 'rb') or sys.stdin.buffer", self.name)

    def stream(self, offset: int = 0) -> Iterator[bytes]:
        """Yield the input from ``offset`` on, in chunks as they are read."""
        if self.path is not None:
            with self._open() as file:
                file.seek(offset)
                while chunk := self._read_file(file, READ_SIZE):
                    yield chunk
            return
        if self._read is not None:
            if self._consumed:
                raise CaptureError("this input was already read: a stream can be read only once", self.name)
            self._consumed = True
        head = self.head
        if self._read is not None:
            self.head = b""  # a stream is read once: do not keep what was sniffed twice
        if offset < len(head):
            yield head[offset:]
        skip = max(0, offset - len(head))
        while self._read is not None:
            chunk = self._read_some(READ_SIZE)
            if not chunk:
                return
            if skip:
                chunk, skip = chunk[skip:], max(0, skip - len(chunk))
            if chunk:
                yield chunk
