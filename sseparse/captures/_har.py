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
from sseparse.captures._errors import CaptureError
from sseparse.captures._fields import boolean_free_int, load_document, mapping, sequence, text
from sseparse.captures._model import Response, parse_json

if TYPE_CHECKING:
    from sseparse.captures._source import Source

__all__ = ["read_har", "response_from_entry"]

SSE_MIME = "text/event-stream"
_NOT_BODY = "the body is empty: the stream was still open when the HAR was exported"


def _headers(response: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the name/value pairs of ``response.headers`` that are objects with string names and values."""
    out = []
    for header in sequence(response.get("headers")):
        header = mapping(header)
        name, value = text(header.get("name")), text(header.get("value"))
        if name is not None and value is not None:
            out.append((name, value))
    return out


def _is_sse(entry: dict[str, Any]) -> bool:
    response = mapping(entry.get("response"))
    mime = text(mapping(response.get("content")).get("mimeType")) or ""
    if not mime:
        mime = next((value for name, value in _headers(response) if name.lower() == "content-type"), "")
    return mime.lower().startswith(SSE_MIME) or bool(sequence(entry.get("_eventSourceMessages")))


def _rebuild(messages: list[Any]) -> bytes:
    """Build an SSE body that dispatches the same events as Chrome's ``_eventSourceMessages``.

    A message that is not an object, or a field that is not a string, is skipped (it holds no event).
    """
    out: list[bytes] = []
    last_id = ""
    for message in messages:
        message = mapping(message)
        data = text(message.get("data"))
        if data is None:
            continue
        event = text(message.get("eventName")) or "message"
        event_id = text(message.get("eventId")) or ""
        out.append(encode(data, event=None if event == "message" else event, id=event_id if event_id != last_id else None))
        last_id = event_id
    return b"".join(out)


def _body(entry: dict[str, Any]) -> tuple[bytes, list[str], str | None]:
    """Return the body of an entry, with notes on how it was recovered and the error that spoilt it (if any)."""
    content = mapping(mapping(entry.get("response")).get("content"))
    body = content.get("text")
    if body is not None and not isinstance(body, str):
        return b"", [], f"response.content.text is a {type(body).__name__}, not a string"
    if body:
        if content.get("encoding") == "base64":
            try:
                data = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError) as exc:
                return b"", [], f"response.content.text is not valid base64 ({exc})"
        else:
            data = body.encode("utf-8", "surrogatepass")
        size = boolean_free_int(content.get("size"), 0, 1 << 62)
        notes = (
            [f"the body holds {len(data)} of {size} bytes: the exporter capped it"]
            if size is not None and size > len(data)
            else []
        )
        return data, notes, None
    messages = sequence(entry.get("_eventSourceMessages"))
    if messages:
        notes = ["body rebuilt from Chrome's _eventSourceMessages (comments, retry and line ends are lost)"]
        try:
            return _rebuild(messages), notes, None
        except ValueError as exc:
            return b"", [], f"_eventSourceMessages cannot be rebuilt into a body ({exc})"
    return b"", [_NOT_BODY], None


def response_from_entry(entry: dict[str, Any], source: str, where: str, index: int) -> Response:
    """One HAR entry as a `Response` (``error`` set when its body cannot be recovered)."""
    request = mapping(entry.get("request"))
    response = mapping(entry.get("response"))
    body, notes, error = _body(entry)
    return Response(
        capture_format="har",
        source=source,
        where=where,
        index=index,
        method=text(request.get("method")),
        url=text(request.get("url")),
        request_json=parse_json(text(mapping(request.get("postData")).get("text"))),
        status=boolean_free_int(response.get("status"), 0, 999),
        headers=_headers(response),
        notes=notes,
        error=error,
        data=body,
    )


def _salvage(text: str) -> list[Any]:
    """Return the complete entries of a HAR cut short."""
    decoder = json.JSONDecoder()
    key = text.find('"entries"')
    start = text.find("[", key) + 1 if key >= 0 else -1
    entries: list[Any] = []
    if start <= 0:
        return entries
    pos = start
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            entry, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return entries
        entries.append(entry)


def _entries(data: bytes, name: str) -> tuple[list[Any], str | None]:
    """Return the entries of a HAR document, and what damage cut it short (None when it is whole)."""
    try:
        document = load_document(data)
    except json.JSONDecodeError as exc:
        damage = f"the HAR file is not valid JSON from line {exc.lineno} column {exc.colno} on ({exc.msg})"
        salvaged = _salvage(data.decode("utf-8", "replace"))
        if not salvaged:
            raise CaptureError(f"broken HAR file: {damage}", name) from None
        return salvaged, damage
    except ValueError as exc:  # nested too deep, an integer too long: not a HAR file sseparse can read
        raise CaptureError(f"broken HAR file: {exc}", name) from None
    entries = mapping(mapping(document).get("log")).get("entries")
    if not isinstance(entries, list):
        raise CaptureError("JSON, but not a HAR file (no log.entries list)", name)
    return entries, None


def read_har(src: Source) -> list[Response]:
    """Read a HAR file: one `Response` per SSE entry."""
    entries, damage = _entries(src.read_all(), src.name)
    responses: list[Response] = []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and _is_sse(entry):
            responses.append(response_from_entry(entry, src.name, f"entries[{i}]", len(responses)))
    if damage is not None:
        where = f"entries[{len(entries)}]"
        error = f"{damage}: this entry and any after it are lost"
        responses.append(Response(capture_format="har", source=src.name, where=where, index=len(responses), error=error))
    if not responses:
        raise CaptureError(f"no SSE response among the {len(entries)} entries of this HAR file", src.name)
    return responses
