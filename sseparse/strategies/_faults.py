"""faults(): what a network and a provider can do to a stream, for `sseparse.testing.ReplayServer`.

A `Fault` is one drawn misfortune -- none, a cut, a dropped connection, a stall, an HTTP error status with the provider's
error document, or an error event in place of the rest -- always with a drawn chunking. Its ``body``
and ``options`` go straight to `ReplayServer` / `replay_transport` (or their ``serve``), so a
property test of user code reads::

    @given(st.data())
    def test_my_app(data):
        wire, expected = data.draw(llm_streams("openai-chat", errors=False, truncated=False))
        fault = data.draw(faults(wire, "openai-chat"))
        replay.serve(fault.body, **fault.options)
        ...  # the app's answer is expected.text when fault.harmless, else it reports an error
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse.strategies._common import check_bool
from sseparse.strategies._llm import LLM_FORMATS, error_block
from sseparse.strategies._sse import chunkings

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = ["FAULT_KINDS", "Fault", "faults"]

#: The kinds of `Fault`, the harmless one first (it is what failures shrink toward).
FAULT_KINDS = ("none", "cut", "drop", "stall", "status", "error-event")

# The error statuses each provider sends, with the error ``type`` its document carries.
_OPENAI_STATUSES = {400: "invalid_request_error", 401: "invalid_api_key", 429: "rate_limit_exceeded", 500: "server_error"}
_OPENAI_STATUSES |= {503: "server_error"}
_ANTHROPIC_STATUSES = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error"}
_ANTHROPIC_STATUSES |= {500: "api_error", 529: "overloaded_error"}
_GEMINI_STATUSES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL"}
_GEMINI_STATUSES |= {503: "UNAVAILABLE"}
_MESSAGES = {400: "Invalid request", 401: "Invalid API key", 403: "Permission denied", 429: "Rate limit reached"}
_MESSAGES |= {500: "Internal server error", 503: "Service unavailable", 529: "Overloaded"}


def _openai_document(status: int) -> dict[str, Any]:
    code = _OPENAI_STATUSES[status]
    kind = "requests" if status == 429 else "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": _MESSAGES[status], "type": kind, "param": None, "code": code}}


def _anthropic_document(status: int) -> dict[str, Any]:
    return {"type": "error", "error": {"type": _ANTHROPIC_STATUSES[status], "message": _MESSAGES[status]}}


def _gemini_document(status: int) -> dict[str, Any]:
    return {"error": {"code": status, "message": _MESSAGES[status], "status": _GEMINI_STATUSES[status]}}


_DOCUMENTS = {
    "openai-chat": (_OPENAI_STATUSES, _openai_document),
    "openai-responses": (_OPENAI_STATUSES, _openai_document),
    "anthropic-messages": (_ANTHROPIC_STATUSES, _anthropic_document),
    "gemini": (_GEMINI_STATUSES, _gemini_document),
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault, ready for `sseparse.testing.ReplayServer` (``ReplayServer(fault.body, **fault.options)``).

    ``kind``          one of `FAULT_KINDS`: ``"none"`` (only the chunking), ``"cut"`` (a clean short
                      body), ``"drop"`` (the connection dropped mid-body: a transport error),
                      ``"stall"``, ``"status"`` or ``"error-event"``.
    ``body``          what to serve: the stream, or the provider's error document for ``"status"``.
    ``chunks``        the sizes of the writes (the rest in one last write), or None.
    ``cut_at``, ``drop_at``, ``stall_after``, ``status``, ``error_event``  the options of that kind
                      (else None).

    A cut, a drop or a stall always falls before the end of the stream's last event, so it loses that event
    (the terminal marker) and a client that checks how a stream ended can tell. A stall is only
    observable with a read timeout in the client.
    """

    kind: str
    body: bytes
    chunks: tuple[int, ...] | None = None
    cut_at: int | None = None
    stall_after: int | None = None
    status: int | None = None
    drop_at: int | None = None
    error_event: bytes | None = None

    @property
    def harmless(self) -> bool:
        """True when the stream arrives whole (only its chunking changes): the answer must be right."""
        return self.kind == "none"

    @property
    def options(self) -> dict[str, Any]:
        """The keyword options of `ReplayServer`, `replay_transport` and their ``serve``."""
        names = ("chunks", "cut_at", "drop_at", "stall_after", "status", "error_event")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


def faults(  # noqa: PLR0913
    body: bytes,
    format: str | None = None,  # noqa: A002 - the name accumulate() uses
    *,
    chunks: bool = True,
    cuts: bool = True,
    drops: bool = True,
    stalls: bool = True,
    statuses: bool = True,
    error_events: bool = True,
) -> SearchStrategy[Fault]:
    """Generate `Fault` values for serving ``body``: chunkings, cuts, stalls, error statuses, error events.

    ``body``          the stream (``wire`` from `llm_streams`, a capture's bytes...).
    ``format``        the provider, for its error documents and error events: ``"openai-chat"``,
                      ``"openai-responses"``, ``"anthropic-messages"`` or ``"gemini"`` (None: OpenAI's).
    ``chunks``        draw a chunking for every fault (else the body goes out in one write).
    ``cuts``          a clean end in the middle: anywhere before the last event's end, often exactly
                      at an event boundary (the cut that looks most like a normal end).
    ``drops``         the connection dropped after an offset, the body left incomplete (the HTTP
                      client raises its transport error, e.g. httpx's ``RemoteProtocolError``).
    ``stalls``        no more bytes after an offset, the connection kept open (needs a read timeout).
    ``statuses``      an HTTP error status (400, 401, 429, 500, 503, 529...) with the provider's
                      error document as the body.
    ``error_events``  the provider's in-stream error event in place of the rest, at an event boundary.

    Shrinks toward ``kind="none"`` and a single write.
    """
    if not isinstance(cast("object", body), (bytes, bytearray, memoryview)):
        msg = f"body must be bytes, not {type(body).__name__}"
        raise InvalidArgument(msg)
    if format is not None and format not in LLM_FORMATS:
        msg = f"format={format!r} must be None or one of {', '.join(LLM_FORMATS)}"
        raise InvalidArgument(msg)
    flags = {"cut": cuts, "drop": drops, "stall": stalls, "status": statuses, "error-event": error_events}
    for name, value in (("chunks", chunks), *((f"{kind.replace('-', '_')}s", flag) for kind, flag in flags.items())):
        check_bool(name, value)
    kinds = ("none", *(kind for kind in FAULT_KINDS[1:] if flags[kind]))
    data = bytes(body)
    sizes = chunkings(data).map(lambda pieces: tuple(len(piece) for piece in pieces)) if chunks else st.none()
    return _fault(data, format or "openai-chat", kinds, sizes)


def _boundaries(body: bytes, last: int) -> list[int]:
    """Return the event boundaries (after a blank line) at or before ``last``, 0 included."""
    out = [0]
    for terminator in (b"\n\n", b"\r\r", b"\r\n\r\n"):
        start = body.find(terminator)
        while start != -1:
            end = start + len(terminator)
            if end <= last:
                out.append(end)
            start = body.find(terminator, start + 1)
    return sorted(set(out))


def _last_offset(body: bytes) -> int:
    """Return the largest offset that still loses the last event (its data and one line-end byte in)."""
    return min(len(body.rstrip(b"\r\n")) + 1, max(len(body) - 1, 0))


def _offsets(body: bytes) -> SearchStrategy[int]:
    """Offsets that lose the last event, often exactly at an event boundary."""
    last = _last_offset(body)
    return st.one_of(st.sampled_from(_boundaries(body, last)), st.integers(0, last))


@st.composite
def _fault(draw: DrawFn, body: bytes, wire_format: str, kinds: tuple[str, ...], sizes: SearchStrategy[Any]) -> Fault:
    kind = draw(st.sampled_from(kinds))
    chunks = draw(sizes)
    if kind == "cut":
        return Fault(kind, body, chunks, cut_at=draw(_offsets(body)))
    if kind == "drop":
        return Fault(kind, body, chunks, drop_at=draw(_offsets(body)))
    if kind == "stall":
        return Fault(kind, body, chunks, stall_after=draw(_offsets(body)))
    if kind == "status":
        table, document = _DOCUMENTS[wire_format]
        status = draw(st.sampled_from(sorted(table)))
        return Fault(kind, json.dumps(document(status)).encode(), None, status=status)
    if kind == "error-event":
        at = draw(st.one_of(st.none(), st.sampled_from(_boundaries(body, _last_offset(body)))))
        block = error_block(wire_format, draw(st.sampled_from(("Overloaded", "Internal server error"))))
        return Fault(kind, body, chunks, cut_at=at, error_event=block)
    return Fault(kind, body, chunks)
