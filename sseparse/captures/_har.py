"""HAR 1.2 (devtools "Save all as HAR with content", Playwright ``recordHar``, Charles, mitmproxy).

The body of an entry is ``response.content.text``, base64-decoded first when ``encoding`` is
``"base64"``. Only entries whose MIME type is ``text/event-stream`` (or that carry Chrome's
``_eventSourceMessages``) are SSE responses; the others are skipped. When an SSE entry's text is
empty, Chrome's parsed ``_eventSourceMessages`` rebuild the body (losing comments, ``retry`` and the
original line ends). A HAR cut short keeps the entries that are complete.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from sseparse._encoder import encode
from sseparse.captures._model import CaptureError, Response, parse_json

if TYPE_CHECKING:
    from sseparse.captures._source import Source

__all__ = ["read_har", "response_from_entry"]

SSE_MIME = "text/event-stream"


def _is_sse(entry: dict[str, Any]) -> bool:
    response = entry.get("response") or {}
    mime = str((response.get("content") or {}).get("mimeType") or "")
    if not mime:
        headers = response.get("headers") or []
        mime = next((str(h.get("value", "")) for h in headers if str(h.get("name", "")).lower() == "content-type"), "")
    return mime.lower().startswith(SSE_MIME) or bool(entry.get("_eventSourceMessages"))


def _rebuild(messages: list[dict[str, Any]]) -> bytes:
    """Build an SSE body that dispatches the same events as Chrome's ``_eventSourceMessages``."""
    out: list[bytes] = []
    last_id = ""
    for message in messages:
        event = str(message.get("eventName") or "message")
        event_id = str(message.get("eventId") or "")
        out.append(
            encode(
                str(message.get("data") or ""),
                event=None if event == "message" else event,
                id=event_id if event_id != last_id else None,
            )
        )
        last_id = event_id
    return b"".join(out)


def response_from_entry(entry: dict[str, Any], source: str, where: str, index: int) -> Response:
    """One HAR entry as a `Response` (``error`` set when its body cannot be recovered)."""
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    content = response.get("content") or {}
    post = request.get("postData") or {}
    out = Response(
        capture_format="har",
        source=source,
        where=where,
        index=index,
        method=request.get("method"),
        url=request.get("url"),
        request_json=parse_json(post.get("text")),
        status=response.get("status") if isinstance(response.get("status"), int) else None,
        headers=[(str(h.get("name", "")), str(h.get("value", ""))) for h in response.get("headers") or [] if isinstance(h, dict)],
    )
    text = content.get("text")
    if text:
        if content.get("encoding") == "base64":
            try:
                out._body = base64.b64decode(text, validate=True)  # noqa: SLF001
            except (binascii.Error, ValueError) as exc:
                out._body = b""  # noqa: SLF001
                out.error = f"response.content.text is not valid base64 ({exc})"
                return out
        else:
            out._body = str(text).encode("utf-8", "surrogatepass")  # noqa: SLF001
        size = content.get("size")
        if isinstance(size, int) and size > len(out._body):  # noqa: SLF001
            out.notes.append(f"the body holds {len(out._body)} of {size} bytes: the exporter capped it")  # noqa: SLF001
        return out
    messages = entry.get("_eventSourceMessages")
    if messages:
        try:
            out._body = _rebuild(messages)  # noqa: SLF001
        except (ValueError, TypeError, AttributeError) as exc:
            out._body = b""  # noqa: SLF001
            out.error = f"_eventSourceMessages cannot be rebuilt into a body ({exc})"
            return out
        out.notes.append("body rebuilt from Chrome's _eventSourceMessages (comments, retry and line ends are lost)")
        return out
    out._body = b""  # noqa: SLF001
    out.notes.append("the body is empty: the stream was still open when the HAR was exported")
    return out


def _salvage(text: str) -> tuple[list[Any], int]:
    """Return the complete entries of a HAR cut short, and the character offset where the damage starts."""
    decoder = json.JSONDecoder()
    key = text.find('"entries"')
    start = text.find("[", key) + 1 if key >= 0 else -1
    entries: list[Any] = []
    if start <= 0:
        return entries, 0
    pos = start
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            entry, end = decoder.raw_decode(text, pos)
        except ValueError:
            return entries, pos
        entries.append(entry)
        pos = end


def read_har(src: Source) -> list[Response]:
    """Read a HAR file: one `Response` per SSE entry."""
    data = src.read_all()
    damage: str | None = None
    try:
        document = json.loads(data)
        entries = (document.get("log") or {}).get("entries") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise CaptureError("JSON, but not a HAR file (no log.entries list)", src.name)
    except ValueError as exc:
        if isinstance(exc, CaptureError):
            raise
        text = data.decode("utf-8", "replace")
        entries, _ = _salvage(text)
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "its start"
        damage = f"the HAR file is not valid JSON from {where} on ({exc.msg if isinstance(exc, json.JSONDecodeError) else exc})"
        if not entries:
            raise CaptureError(f"broken HAR file: {damage}", src.name) from None
    responses: list[Response] = []
    skipped = 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if not _is_sse(entry):
            skipped += 1
            continue
        responses.append(response_from_entry(entry, src.name, f"entries[{i}]", len(responses)))
    if damage is not None:
        lost = Response(capture_format="har", source=src.name, where=f"entries[{len(entries)}]", index=len(responses))
        lost._body = b""  # noqa: SLF001
        lost.error = f"{damage}: this entry and any after it are lost"
        responses.append(lost)
    if not responses:
        raise CaptureError(f"no SSE response among the {len(entries)} entries of this HAR file", src.name)
    return responses
