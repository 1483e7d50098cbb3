"""HTTP/1.1 message heads as curl prints them: the status line and headers, the request line and Host."""

from __future__ import annotations

import re
from typing import NamedTuple

from sseparse.captures._errors import CaptureError

__all__ = ["STATUS", "Head", "parse_response_head", "with_request"]

STATUS = re.compile(rb"HTTP/\d(?:\.\d)? (\d{3})")


class Head(NamedTuple):
    """What the message heads say: ``status`` and ``headers`` of the response, ``method`` and ``url`` of the request."""

    status: int
    headers: list[tuple[str, str]]
    method: str | None = None
    url: str | None = None

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


def parse_response_head(lines: list[bytes], source: str) -> Head:
    """Read a status line and header lines (no line ends)."""
    match = STATUS.match(lines[0]) if lines else None
    if match is None:
        raise CaptureError(f"not an HTTP status line: {lines[0][:60]!r}" if lines else "no status line", source)
    headers = []
    for line in lines[1:]:
        name, colon, value = line.decode("utf-8", "replace").partition(":")
        if colon:
            headers.append((name.strip(), value.strip()))
    return Head(int(match.group(1)), headers)


def with_request(head: Head, lines: list[bytes], *, tls: bool) -> Head:
    """Add the method and URL of a request line and its ``Host`` header to ``head``."""
    if not lines:
        return head
    method, _, rest = lines[0].decode("utf-8", "replace").partition(" ")
    target = rest.rsplit(" ", 1)[0]
    host = next((line[5:].strip().decode("utf-8", "replace") for line in lines[1:] if line.lower().startswith(b"host:")), None)
    return head._replace(method=method, url=f"{'https' if tls else 'http'}://{host}{target}" if host else target)
