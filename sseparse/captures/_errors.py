"""The errors the capture readers raise: `CaptureError` and `MissingDependencyError`."""

from __future__ import annotations

from sseparse._errors import SSEError

__all__ = ["CaptureError", "MissingDependencyError"]


class CaptureError(SSEError, ValueError):
    """The input is not a capture sseparse can read: empty, not a known format, or damaged beyond use.

    ``source`` names the input (a path, ``"<stdin>"`` or ``"<bytes>"``); the message is one line.
    """

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(f"{source}: {message}" if source else message)
        self.source = source
        self.reason = message


class MissingDependencyError(SSEError, ImportError):
    """An optional dependency a reader needs (PyYAML for VCR cassettes) is not installed."""
