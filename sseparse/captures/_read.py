"""Find the format of an input and hand it to its reader."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sseparse.captures._curl import read_curl, sniff_curl
from sseparse.captures._errors import CaptureError
from sseparse.captures._har import read_har
from sseparse.captures._model import CAPTURE_FORMATS, Response
from sseparse.captures._source import Source
from sseparse.captures._vcr import read_vcr

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sseparse.captures._source import _Readable

__all__ = ["detect_format", "read"]

SNIFF_SIZE = 512
_BOM = b"\xef\xbb\xbf"
# The first line of an SSE body: a field the spec defines (with or without a value) or a comment.
_SSE_START = re.compile(rb"(?:data|event|id|retry)(?::|\r|\n|$)|:")
_YAML_START = (b"interactions:", b"version:", b"---", b"%YAML", b"#", b"request:")


def _read_raw(src: Source) -> list[Response]:
    return [Response(capture_format="raw", source=src.name, body_offset=0, body_line=1, stream=src.stream)]


_READERS: dict[str, Callable[[Source], list[Response]]] = {"raw": _read_raw, "curl": read_curl, "har": read_har, "vcr": read_vcr}


def _describe_start(head: bytes) -> str:
    first = head.split(b"\n", 1)[0][:40]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary data (starts with {head[:8].hex(' ')})"
    if any(ord(c) < 32 and c not in "\t\r" for c in text):
        return f"binary data (starts with {head[:8].hex(' ')})"
    return f"the first line {text.rstrip()!r} is not an SSE field, an HTTP status line, HAR JSON or a VCR cassette"


def detect_format(head: bytes, name: str = "") -> str:
    """Return the capture format of an input that starts with ``head`` (a key of `CAPTURE_FORMATS`).

    Raises `CaptureError` for an empty input or one that is none of them.
    """
    if not head:
        raise CaptureError("empty input: no SSE response", name)
    start = head.removeprefix(_BOM)
    stripped = start.lstrip(b" \t\r\n")
    if stripped.startswith(b"{"):
        return "har"  # an SSE body never starts with "{": that would be an unknown field
    if sniff_curl(start):
        return "curl"
    if stripped.startswith(_YAML_START):
        return "vcr"
    if _SSE_START.match(stripped) or (not stripped and start):
        return "raw"
    if name.endswith(".har"):
        return "har"
    if name.endswith((".yaml", ".yml")):
        return "vcr"
    raise CaptureError(f"not a capture: {_describe_start(stripped)} (use --format raw to decode it anyway)", name)


def read(
    source: str | Path | bytes | bytearray | memoryview | _Readable,
    *,
    format: str | None = None,  # noqa: A002 - the word users know
    name: str | None = None,
) -> list[Response]:
    """Read a capture and return the SSE responses found in it.

    ``source`` is a path, the capture's bytes, or a binary file object (``sys.stdin.buffer``: it is
    read incrementally, and a raw or curl body is streamed from it as it arrives). ``format`` is one
    of `CAPTURE_FORMATS` (``raw``, ``curl``, ``har``, ``vcr``), or None to detect it. ``name``
    overrides how the input is named in `Response.source` and messages.

    Raises `CaptureError` when the input is missing, empty, not a capture or damaged beyond use,
    and `MissingDependencyError` for a VCR cassette without PyYAML. A response whose own body is
    damaged (bad base64, say) comes back with ``error`` set, and the others are kept.
    """
    if format is not None and format not in _READERS:
        msg = f"unknown capture format {format!r}: choose one of {', '.join(CAPTURE_FORMATS)}"
        raise ValueError(msg)
    src = Source(source, name)
    head = src.sniff(SNIFF_SIZE)
    if format is None:
        format = detect_format(head, src.name)  # noqa: A001
    elif not head and format != "raw":
        raise CaptureError("empty input: no SSE response", src.name)
    return _READERS[format](src)
