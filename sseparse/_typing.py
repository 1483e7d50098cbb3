"""Typing helpers shared by the package (standard library only)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Buffer"]


@runtime_checkable
class Buffer(Protocol):
    """Any object that exposes the buffer protocol: bytes, bytearray, memoryview, mmap, array...

    `collections.abc.Buffer` only exists from Python 3.12 on, so this is the PEP 688 shape spelled
    out for 3.11. Type checkers that understand PEP 688 treat every buffer type as having
    ``__buffer__``.
    """

    def __buffer__(self, flags: int, /) -> memoryview: ...
