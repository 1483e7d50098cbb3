"""What a capture reader returns: `Response`, one SSE response found in a capture."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from typing import TYPE_CHECKING, Any

from sseparse._iter import iter_events
from sseparse._json import loads
from sseparse.captures._analyse import analyse
from sseparse.captures._fields import fits

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators import AccumulatedResult

__all__ = ["CAPTURE_FORMATS", "Response", "parse_json"]

PIECE_SIZE = 64 * 1024  # a body held in memory is handed on in pieces of this size

#: The capture formats a reader exists for, with what each one is.
CAPTURE_FORMATS: dict[str, str] = {
    "raw": "a saved response body (curl -N -o x.sse, devtools 'copy response')",
    "curl": "curl -i / -v / --trace / --trace-ascii output: status line and headers before the body",
    "har": "HAR 1.2 (browser devtools, Playwright, Charles, mitmproxy hardump)",
    "vcr": "VCR.py / pytest-recording YAML cassette",
}


@dataclass(slots=True, kw_only=True, eq=False)
class Response:
    """One SSE response found in a capture, with what the capture knows about it.

    ``capture_format`` the reader that found it (a key of `CAPTURE_FORMATS`).
    ``source``    the input it came from: a path, ``"<stdin>"`` or ``"<bytes>"``.
    ``where``     where in that input: ``"entries[3]"`` (HAR), ``"interactions[0]"`` (VCR),
                  ``"responses[1]"`` (``curl -i`` of several URLs), ``""`` for a raw body or curl
                  output of one response (see ``body_offset``).
    ``index``     its position among the SSE responses of the input (0-based).
    ``method``, ``url``, ``status``, ``headers`` (name/value pairs as captured) and
    ``request_json`` (the request body parsed as JSON, or None) when the capture has them.
    ``body_offset`` byte offset of the body's first byte in the input, when the body is stored there
                  verbatim (raw and curl captures); ``body_line`` its 1-based line.
    ``notes``     how the body was recovered when that was not a plain copy (de-chunked, rebuilt
                  from Chrome's ``_eventSourceMessages``, ...) and what the capture lost.
    ``error``     set when this response's body could not be recovered (bad base64, ...); the body
                  is then empty.

    The body is given to the constructor as ``data`` (bytes already in memory) or ``stream`` (a
    function that yields it in chunks, called once per pass), and read with `iter_bytes` (streamed:
    a raw or curl capture is never read whole) or `body` (all of it, cached). A body that breaks
    while it is streamed (a damaged chunked coding or compression, a size cap) raises
    `CaptureError` from `iter_bytes`, after the chunks before the damage.
    """

    capture_format: str
    source: str
    where: str = ""
    index: int = 0
    method: str | None = None
    url: str | None = None
    request_json: Any = None
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_offset: int | None = None
    body_line: int | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    data: InitVar[bytes | None] = None
    stream: InitVar[Callable[[], Iterator[bytes]] | None] = None
    _body: bytes | None = field(default=None, init=False, repr=False)
    _open: Callable[[], Iterator[bytes]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self, data: bytes | None, stream: Callable[[], Iterator[bytes]] | None) -> None:
        if data is not None and stream is not None:
            msg = "give a Response its body as data or as stream, not both"
            raise TypeError(msg)
        self._body = b"" if data is None and stream is None and self.error is not None else data
        self._open = stream

    @property
    def name(self) -> str:
        """``source#where`` (or just ``source``): how the CLI names this response."""
        return f"{self.source}#{self.where}" if self.where else self.source

    def header(self, name: str) -> str | None:
        """Return the first header called ``name`` (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header, if the capture kept one."""
        return self.header("content-type")

    def iter_bytes(self) -> Iterator[bytes]:
        """Yield the body in chunks as it is read. A body backed by a pipe can be read only once."""
        body = self._body
        if body is not None:  # in pieces: a decoder fed one giant chunk holds it all at once
            for start in range(0, len(body), PIECE_SIZE):
                yield body[start : start + PIECE_SIZE]
            return
        if self._open is not None:
            yield from self._open()

    @property
    def body(self) -> bytes:
        """The whole body (read once and kept)."""
        if self._body is None:
            self._body = b"".join(self.iter_bytes())
            self._open = None
        return self._body

    def iter_events(self, *, strict: bool = False) -> Iterator[ServerSentEvent]:
        """Yield the body's events as they are decoded.

        The unfinished last event is dispatched, as captures often lose the final blank line;
        ``strict=True`` discards it instead, as a live stream must (R6).
        """
        return iter_events(self.iter_bytes(), dispatch_incomplete=not strict)

    def result(self, *, strict: bool = False, format: str | None = None) -> AccumulatedResult | None:  # noqa: A002
        """Accumulate the body into the final message (`sseparse.accumulate`, with the capture rules).

        A last event whose data is cut short (not valid JSON) makes the result ``truncated`` rather
        than an error. None when the body could not be recovered (see ``error``).
        """
        return analyse(self, strict=strict, wire_format=format).result if self.error is None else None

    def describe(self) -> dict[str, Any]:
        """Return what the capture knows about the request and response, as a JSON-ready dict."""
        out: dict[str, Any] = {"capture": self.name, "capture_format": self.capture_format}
        for key in ("method", "url", "status"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.request_json is not None:
            out["request"] = self.request_json
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def parse_json(body: str | bytes | None) -> Any:  # noqa: ANN401 - JSON
    """Parse a request body as JSON; None when there is none, it is not JSON or it is too large to keep."""
    if not body:
        return None
    try:
        value = loads(body)
    except ValueError:
        return None
    return value if fits(value) else None
