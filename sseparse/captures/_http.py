"""HTTP/1.1 message heads as curl prints them: the status line and headers, the request line and Host."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sseparse.captures._model import CaptureError

if TYPE_CHECKING:
    from sseparse.captures._model import Response

__all__ = ["STATUS", "parse_request", "parse_response_head"]

STATUS = re.compile(rb"HTTP/\d(?:\.\d)? (\d{3})")


def parse_response_head(lines: list[bytes], response: Response) -> None:
    """Set ``response.status`` and ``headers`` from a status line and header lines (no line ends)."""
    match = STATUS.match(lines[0]) if lines else None
    if match is None:
        raise CaptureError(f"not an HTTP status line: {lines[0][:60]!r}" if lines else "no status line", response.source)
    response.status = int(match.group(1))
    response.headers = []
    for line in lines[1:]:
        name, colon, value = line.decode("utf-8", "replace").partition(":")
        if colon:
            response.headers.append((name.strip(), value.strip()))


def parse_request(lines: list[bytes], response: Response, *, tls: bool) -> None:
    """Set ``response.method`` and ``url`` from a request line and its ``Host`` header."""
    if not lines:
        return
    method, _, rest = lines[0].decode("utf-8", "replace").partition(" ")
    target = rest.rsplit(" ", 1)[0]
    host = next((line[5:].strip().decode("utf-8", "replace") for line in lines[1:] if line.lower().startswith(b"host:")), None)
    response.method = method
    response.url = f"{'https' if tls else 'http'}://{host}{target}" if host else target
