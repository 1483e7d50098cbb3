"""Write the example captures in this folder: the same answers saved as a raw body, curl output, a HAR file
and a VCR cassette.

    python examples/make_captures.py          # rewrite the files
    sseparse text examples/openai-chat.sse    # then read them back

Everything here is made up for the examples (ids, timestamps, texts) and built with the standard library,
so the output is byte-for-byte the same on every run (tests/test_captures.py checks the committed files).
The writers (`curl_include`, `har`, `vcr_cassette`) are reused by the tests to build captures.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CREATED = 1764000000


def _sse(payload: dict[str, Any] | str, event: str | None = None, eol: str = "\n") -> str:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return (f"event: {event}{eol}" if event else "") + f"data: {data}{eol}{eol}"


def openai_chat_events(text_parts: list[str], chat_id: str = "chatcmpl-example1") -> list[dict[str, Any]]:
    """The chunks of an OpenAI Chat Completions stream answering with ``text_parts``, then usage."""
    base = {"id": chat_id, "object": "chat.completion.chunk", "created": CREATED, "model": "gpt-4o-mini-2024-07-18"}
    chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}]
    chunks += [{**base, "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}]} for part in text_parts]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks.append(
        {
            **base,
            "choices": [],
            "usage": {"prompt_tokens": 12, "completion_tokens": len(text_parts), "total_tokens": 12 + len(text_parts)},
        }
    )
    return chunks


OPENAI_TEXT = [
    "Server",
    "-Sent Events",
    " keep one HTTP response open",
    " and write",
    " `data:` lines",
    " to it,",
    " one blank line",
    " after each event.",
]


def openai_chat_body(text_parts: list[str] = OPENAI_TEXT, chat_id: str = "chatcmpl-example1") -> bytes:
    """A complete OpenAI chat stream body (LF line ends, ``data: [DONE]`` at the end)."""
    return ("".join(_sse(chunk) for chunk in openai_chat_events(text_parts, chat_id)) + _sse("[DONE]")).encode()


def anthropic_tool_body(*, final_blank_line: bool = True) -> bytes:
    """An Anthropic Messages stream: text, then a tool call whose JSON arguments arrive in pieces."""
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_example1",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-sonnet-4-5",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 40, "output_tokens": 1},
                },
            },
        ),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("ping", {"type": "ping"}),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Let me look up"}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " the weather in Zürich."}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "tool_use", "id": "toolu_example1", "name": "get_weather", "input": {}},
            },
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": ""}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '{"city": "Zü'}},
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": 'rich", "unit": "celsius"}'},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 1}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 38},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    body = "".join(_sse(payload, event) for event, payload in events)
    return body.encode() if final_blank_line else body.removesuffix("\n\n").encode()


def gemini_body() -> bytes:
    """A Gemini ``streamGenerateContent?alt=sse`` body: CRLF line ends, no terminal marker but a finishReason."""
    chunks = [
        {
            "candidates": [{"content": {"role": "model", "parts": [{"text": "Captures keep "}]}, "index": 0}],
            "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 3, "totalTokenCount": 12},
            "modelVersion": "gemini-2.5-flash",
        },
        {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": "the bytes as they were sent."}]},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 9, "totalTokenCount": 18},
            "modelVersion": "gemini-2.5-flash",
        },
    ]
    return "".join(_sse(chunk, eol="\r\n") for chunk in chunks).encode()


def curl_include(
    body: bytes, *, status: str = "200 OK", content_type: str = "text/event-stream; charset=utf-8", chunked: bool = False
) -> bytes:
    """What ``curl -i`` (``chunked=True``: ``curl -i --raw``) prints for a response with ``body``."""
    head = [f"HTTP/1.1 {status}", f"content-type: {content_type}", "cache-control: no-cache"]
    if chunked:
        head.append("transfer-encoding: chunked")
        pieces = [body[i : i + 97] for i in range(0, len(body), 97)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    else:
        head.append(f"content-length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def har_entry(  # noqa: PLR0913 - one keyword per HAR feature the tests need
    url: str,
    body: bytes | None,
    *,
    mime: str = "text/event-stream",
    request: dict[str, Any] | None = None,
    base64_body: bool = False,
    event_source_messages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One HAR 1.2 entry for a POST (or GET without ``request``) whose response body is ``body``."""
    content: dict[str, Any] = {"size": len(body or b""), "mimeType": mime}
    if body is not None:
        content["text"] = base64.b64encode(body).decode() if base64_body else body.decode("utf-8")
        if base64_body:
            content["encoding"] = "base64"
    entry: dict[str, Any] = {
        "startedDateTime": "2025-11-24T16:00:00.000Z",
        "time": 812.5,
        "request": {
            "method": "POST" if request is not None else "GET",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "content-type", "value": "application/json"}] if request is not None else [],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": -1,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "content-type", "value": mime}],
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 300, "receive": 512.5},
    }
    if request is not None:
        entry["request"]["postData"] = {"mimeType": "application/json", "text": json.dumps(request)}
    if event_source_messages is not None:
        entry["_eventSourceMessages"] = event_source_messages
    return entry


def har(entries: list[dict[str, Any]]) -> bytes:
    """A HAR 1.2 document holding ``entries``."""
    document = {
        "log": {"version": "1.2", "creator": {"name": "sseparse examples", "version": "1"}, "pages": [], "entries": entries}
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def vcr_interaction(
    uri: str, body: bytes, *, content_type: str = "text/event-stream; charset=utf-8", request: dict[str, Any] | None = None
) -> str:
    """One VCR.py interaction (YAML text); a body that is not UTF-8 is stored as ``!!binary``."""
    try:
        string = f"string: {_yaml_string(body.decode('utf-8'))}"
    except UnicodeDecodeError:
        encoded = base64.b64encode(body).decode()
        lines = "\n".join("        " + encoded[i : i + 76] for i in range(0, len(encoded), 76))
        string = f"string: !!binary |\n{lines}"
    request_body = _yaml_string(json.dumps(request)) if request is not None else "null"
    return (
        f"- request:\n"
        f"    body: {request_body}\n"
        f"    headers:\n      content-type:\n      - application/json\n"
        f"    method: {'POST' if request is not None else 'GET'}\n"
        f"    uri: {uri}\n"
        f"  response:\n"
        f"    body:\n      {string}\n"
        f"    headers:\n      content-type:\n      - {content_type}\n"
        f"    status:\n      code: 200\n      message: OK\n"
    )


def vcr_cassette(interactions: list[str]) -> bytes:
    """A VCR.py / pytest-recording cassette holding ``interactions``."""
    return ("interactions:\n" + "".join(interactions) + "version: 1\n").encode()


def event_source_messages(body: bytes) -> list[dict[str, Any]]:
    """What Chrome stores in ``_eventSourceMessages`` for an EventSource that received ``body``."""
    out = []
    for i, block in enumerate(body.decode().replace("\r\n", "\n").split("\n\n")):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            out.append(
                {
                    "type": "receive",
                    "time": 1764000000.25 + i,
                    "eventName": fields.get("event", "message"),
                    "eventId": "",
                    "data": fields["data"],
                }
            )
    return out


CHAT_URL = "https://api.openai.com/v1/chat/completions"
MESSAGES_URL = "https://api.anthropic.com/v1/messages"
GEMINI_URL = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
CHAT_REQUEST = {
    "model": "gpt-4o-mini",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "What is Server-Sent Events, in one sentence?"}],
}
MESSAGES_REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 512,
    "stream": True,
    "messages": [{"role": "user", "content": "What's the weather in Zürich?"}],
}


def build() -> dict[str, bytes]:
    """Every example capture, by file name."""
    chat = openai_chat_body()
    tool = anthropic_tool_body()
    ticker = b"".join(b'event: tick\nid: %d\ndata: {"n": %d}\n\n' % (i, i) for i in range(1, 4))
    return {
        "openai-chat.sse": chat,
        "anthropic-tool-use.sse": anthropic_tool_body(final_blank_line=False),
        "gemini-crlf.sse": gemini_body(),
        "openai-chat.curl.txt": curl_include(chat),
        "devtools.har": har(
            [
                har_entry(
                    "https://example.com/api/session", b'{"user": "demo"}', mime="application/json", request={"login": "demo"}
                ),
                har_entry(CHAT_URL, chat, request=CHAT_REQUEST),
                har_entry(MESSAGES_URL, tool, request=MESSAGES_REQUEST, base64_body=True),
                har_entry("https://example.com/ticker", b"", event_source_messages=event_source_messages(ticker)),
            ]
        ),
        "cassette.yaml": vcr_cassette(
            [
                vcr_interaction("https://api.openai.com/v1/models", b'{"data": []}', content_type="application/json"),
                vcr_interaction(CHAT_URL, chat, request=CHAT_REQUEST),
                vcr_interaction(
                    GEMINI_URL, gemini_body(), request={"contents": [{"parts": [{"text": "What do captures keep?"}]}]}
                ),
            ]
        ),
    }


def main() -> None:
    """Write the example captures next to this script."""
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"wrote examples/{name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
