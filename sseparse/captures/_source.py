"""`Source`: a path, bytes or binary file read incrementally, with its first bytes kept for sniffing.

A path is reopened for each pass, so a `Response` backed by a file can be read more than once and
no handle stays open between passes. A file object (stdin, a socket file) is read once, with
``read1`` when it has one, so bytes are handed on as soon as they arrive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sseparse.captures._model import CaptureError, display_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["READ_SIZE", "Source"]

READ_SIZE = 64 * 1024


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes | None: ...


class Source:
    """One input. ``head`` holds the bytes read so far from its start (grown on demand)."""

    def __init__(self, obj: str | Path | bytes | bytearray | memoryview | _Readable, name: str | None = None) -> None:
        self.name = name or display_name(obj)
        self.path: Path | None = None
        self._data: bytes | None = None
        self._read: Callable[[int], bytes | None] | None = None
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
            self._data = bytes(obj)
            self.head = self._data
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
            with self.path.open("rb") as file:
                file.seek(len(self.head))
                chunk = file.read(max(size, len(self.head)))
        else:
            assert self._read is not None
            chunk = self._read(size)
            while chunk is None:  # a non-blocking file with nothing yet
                chunk = self._read(size)
        if isinstance(chunk, str):
            raise CaptureError("opened in text mode: pass a binary file (open(path, 'rb'), sys.stdin.buffer)", self.name)
        if not chunk:
            self._eof = True
            return False
        self.head += chunk
        return True

    def peek(self, size: int) -> bytes:
        """The first ``size`` bytes (fewer at end of input)."""
        while len(self.head) < size and self._more(size - len(self.head)):
            pass
        return self.head[:size]

    def find(self, needle: bytes, start: int = 0, limit: int = 1 << 20) -> int:
        """The offset of ``needle`` in the input at or after ``start``, reading on up to ``limit`` bytes; -1 if absent."""
        while True:
            found = self.head.find(needle, start)
            if found >= 0 or len(self.head) >= limit or not self._more():
                return found

    def at_eof(self, offset: int) -> bool:
        """True when nothing follows ``offset``."""
        return len(self.peek(offset + 1)) <= offset

    def read_all(self) -> bytes:
        """Everything (a HAR or VCR document is parsed whole anyway)."""
        if self.path is not None:
            with self.path.open("rb") as file:
                return file.read()
        while self._more():
            pass
        return self.head

    def stream(self, offset: int = 0) -> Iterator[bytes]:
        """Yield the input from ``offset`` on, in chunks as they are read."""
        if self.path is not None:
            with self.path.open("rb") as file:
                file.seek(offset)
                while chunk := file.read(READ_SIZE):
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
            chunk = self._read(READ_SIZE)
            if chunk is None:
                continue
            if not chunk:
                return
            if skip:
                size = len(chunk)
                chunk = chunk[skip:]
                skip = max(0, skip - size)
            if chunk:
                yield chunk
