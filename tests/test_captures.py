"""sseparse.captures: finding the SSE responses in raw bodies, curl output, HAR files and VCR cassettes.

The captures are built here from our own corpus (examples/make_captures.py), fed whole, one byte at
a time and at random splits through a file object, and damaged on purpose.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from examples.make_captures import (
    CHAT_REQUEST,
    CHAT_URL,
    anthropic_tool_body,
    build,
    curl_include,
    event_source_messages,
    gemini_body,
    har,
    har_entry,
    openai_chat_body,
    vcr_cassette,
    vcr_interaction,
)
from sseparse import ServerSentEvent, SSEDecoder, parse
from sseparse.captures import (
    CaptureError,
    MissingDependencyError,
    Response,
    analyse,
    detect_format,
    process_capture,
    read,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED_STREAMS = ROOT.parent / "shared" / "streams"
CHAT = openai_chat_body()
CHAT_TEXT = "Server-Sent Events keep one HTTP response open and write `data:` lines to it, one blank line after each event."


class Trickle(io.RawIOBase):
    """A binary file that hands out its bytes in the given pieces, as a pipe does (``read1``)."""

    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = list(pieces)

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        if not self._pieces:
            return b""
        piece = self._pieces.pop(0)
        if 0 <= size < len(piece):
            self._pieces.insert(0, piece[size:])
            piece = piece[:size]
        return piece

    def read(self, size: int = -1) -> bytes:
        return self.read1(size)


def chunkings(data: bytes, seed: int = 7) -> list[list[bytes]]:
    """Whole, one byte at a time, and three random splits."""
    rng = random.Random(seed)
    ways = [[data], [data[i : i + 1] for i in range(len(data))]]
    for _ in range(3):
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 12)))) if len(data) > 1 else []
        ways.append([data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)])
    return ways


def summary(response: Response) -> dict[str, Any]:
    """What analysing a response gives, as plain values (to compare across chunkings and formats)."""
    events: list[tuple[str, str, str, int | None]] = []
    text: list[str] = []
    analysis = analyse(
        response, check=True, on_event=lambda e: events.append((e.event, e.data, e.id, e.retry)), on_text=text.append
    )
    result = analysis.result
    assert result is not None
    return {
        "events": events,
        "streamed_text": "".join(text),
        "text": result.text,
        "end": analysis.end,
        "format": result.format,
        "tool_calls": [c.as_dict() for c in result.tool_calls],
        "problems": [(p.kind, p.offset if p.position == "body" else None) for p in analysis.problems],
    }


# -- format detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"data: x\n\n", "raw"),
        (b"\xef\xbb\xbfevent: a\ndata: x\n\n", "raw"),
        (b": keep-alive\n\n", "raw"),
        (b"\n\ndata: x\n\n", "raw"),
        (b"retry: 10\n", "raw"),
        (b"HTTP/1.1 200 OK\r\n", "curl"),
        (b"HTTP/2 200\r\n", "curl"),
        (b"*   Trying 127.0.0.1:8000...\n", "curl"),
        (b"> POST /v1/chat HTTP/1.1\r\n", "curl"),
        (b"== Info: Connected\n", "curl"),
        (b'{\n  "log": {}}', "har"),
        (b"interactions:\n- request:\n", "vcr"),
        (b"version: 1\ninteractions: []\n", "vcr"),
    ],
)
def test_detect_format_from_the_first_bytes(head: bytes, expected: str) -> None:
    """Each format is told from how its first bytes look."""
    assert detect_format(head) == expected


def test_detect_format_refuses_empty_input_and_binary_garbage() -> None:
    """Empty input and bytes that are no capture raise a CaptureError with a one-line reason."""
    with pytest.raises(CaptureError, match="empty input"):
        detect_format(b"", "x.sse")
    with pytest.raises(CaptureError, match=r"binary data \(starts with 89 50 4e 47"):
        detect_format(b"\x89PNG\r\n\x1a\n\x00\x00", "x.sse")
    with pytest.raises(CaptureError, match="'hello world' is not an SSE field") as info:
        detect_format(b"hello world\n")
    assert "\n" not in str(info.value)


def test_read_rejects_a_missing_file_a_directory_and_an_unknown_format(tmp_path: Path) -> None:
    """Unreadable inputs raise CaptureError naming the input; a bad format name is a ValueError."""
    with pytest.raises(CaptureError, match=r"nope\.sse: No such file"):
        read(tmp_path / "nope.sse")
    with pytest.raises(CaptureError, match="is a directory"):
        read(tmp_path)
    with pytest.raises(ValueError, match="unknown capture format 'pcap'"):
        read(b"data: x\n\n", format="pcap")


# -- raw bodies ----------------------------------------------------------------------------------------


def test_raw_body_from_a_path_is_streamed_in_chunks_not_read_whole(tmp_path: Path) -> None:
    """A large raw capture is read in 64 KiB pieces, and the Response does not keep the body."""
    body = CHAT * 100  # ~220 KB: several reads
    path = tmp_path / "big.sse"
    path.write_bytes(body)
    (response,) = read(path)
    chunks = list(response.iter_bytes())
    assert len(chunks) > 2
    assert max(len(c) for c in chunks) <= 64 * 1024
    assert b"".join(chunks) == body
    assert response._body is None  # nothing cached: a second pass reads the file again
    assert b"".join(response.iter_bytes()) == body


def test_raw_body_from_a_pipe_arrives_as_written() -> None:
    """From a file object the body is handed on piece by piece, as the pieces arrive."""
    pieces = [CHAT[i : i + 10] for i in range(0, len(CHAT), 10)]
    (response,) = read(Trickle(pieces))
    assert response.source == "<stream>"
    got = list(response.iter_bytes())
    assert b"".join(got) == CHAT
    assert len(got) > 10


class Live(Trickle):
    """A stream whose later bytes have not been sent yet: reading past ``available`` pieces fails."""

    def __init__(self, pieces: list[bytes], available: int) -> None:
        super().__init__(pieces)
        self._left = available

    def read1(self, size: int = -1) -> bytes:
        if self._left == 0:
            msg = "read past the bytes the server has sent so far"
            raise AssertionError(msg)
        self._left -= 1
        return super().read1(size)


@pytest.mark.parametrize("wrap", ["raw", "curl", "curl-crlf-body", "curl-raw"])
def test_a_live_capture_yields_its_first_event_before_the_rest_arrives(wrap: str) -> None:
    """Detection and headers need only the bytes sent so far: the first event comes out at once."""
    body = gemini_body() if wrap == "curl-crlf-body" else CHAT
    data = {
        "raw": body,
        "curl": curl_include(body),
        "curl-crlf-body": curl_include(body),
        "curl-raw": curl_include(body, chunked=True),
    }[wrap]
    blank = re.compile(rb"\r?\n\r?\n").search(data, data.index(b"data: "))
    assert blank is not None
    first = blank.end()
    (response,) = read(Live([data[:first], data[first:]], available=1))
    events: list[ServerSentEvent] = []
    decoder_input = response.iter_bytes()
    decoder = SSEDecoder()
    while not events:
        events = decoder.feed(next(decoder_input))
    assert events[0].data.startswith("{")


@pytest.mark.parametrize("body", [CHAT, anthropic_tool_body(), gemini_body()], ids=["openai", "anthropic", "gemini-crlf"])
def test_results_do_not_depend_on_how_the_bytes_arrive(body: bytes) -> None:
    """Whole, byte by byte and at random splits: the same events, text, end and problems."""
    expected = summary(read(body)[0])
    assert expected["end"] == "complete"
    assert expected["streamed_text"] == expected["text"]
    for pieces in chunkings(body):
        assert summary(read(Trickle(pieces))[0]) == expected


def test_an_unfinished_last_event_is_dispatched_and_reported() -> None:
    """Captures lose the final blank line: the last event still counts, and check says so."""
    body = anthropic_tool_body(final_blank_line=False)
    (response,) = read(body)
    analysis = analyse(response, check=True)
    assert analysis.end == "complete"
    assert analysis.incomplete_dispatched
    (problem,) = [p for p in analysis.problems if p.severity != "info"]
    assert problem.kind == "incomplete-event"
    assert problem.offset == body.rindex(b"event: message_stop")
    assert problem.line == body.count(b"\n", 0, problem.offset) + 1


def test_strict_applies_the_live_stream_rule() -> None:
    """With strict=True the unfinished last event is discarded (R6), so the stream is truncated."""
    (response,) = read(anthropic_tool_body(final_blank_line=False))
    analysis = analyse(response, strict=True, check=True)
    assert analysis.end == "truncated"
    assert not analysis.incomplete_dispatched
    kinds = {p.kind for p in analysis.problems}
    assert {"incomplete-event", "no-terminal-marker"} <= kinds


def test_cut_short_json_is_truncation_not_a_json_error() -> None:
    """A stream cut inside the last event's JSON is truncated; the events before it are kept."""
    cut = CHAT.index(b'"finish_reason":"stop"') + 5
    (response,) = read(CHAT[:cut])
    analysis = analyse(response, check=True)
    assert analysis.end == "truncated"
    assert analysis.cut_short
    assert analysis.result is not None
    assert analysis.result.text == CHAT_TEXT  # nothing decoded before the damage is lost
    assert analysis.result.error is None
    kinds = [p.kind for p in analysis.problems]
    assert "truncated" in kinds
    assert "invalid-json" not in kinds
    assert "stream-error" not in kinds


def test_check_finds_bad_json_gaps_bad_arguments_and_sse_oddities() -> None:
    """Data that is not JSON mid-stream, sequence gaps, tool arguments that are not JSON, odd fields."""
    responses = (
        b'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"r1","status":"in_progress","output":[]}}\n\n'
        b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":3,"item_id":"m","output_index":0,"content_index":0,"delta":"hi"}\n\n'
    )
    analysis = analyse(read(responses)[0], check=True)
    gap = next(p for p in analysis.problems if p.kind == "sequence-gap")
    assert (gap.line, gap.message) == (4, "sequence_number jumps from 0 to 3")

    odd = b'retry: soon\nid: a\x00b\nfoo: bar\ndata: {"choices":[]}\r\n\r\ndata: not json\n\ndata: [DONE]\n\n'
    kinds = [p.kind for p in analyse(read(odd)[0], check=True).problems]
    assert kinds[:4] == ["invalid-retry", "id-contains-nul", "unknown-field", "mixed-line-endings"]
    assert "invalid-json" in kinds

    call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1'}}
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": "tool_calls"}],
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
    bad = next(p for p in analyse(read(body)[0], check=True).problems if p.kind == "invalid-tool-arguments")
    assert "invalid JSON arguments" in bad.message


# -- curl ------------------------------------------------------------------------------------------------


def test_curl_include_headers_then_body_with_file_positions() -> None:
    """``curl -i``: status and headers parsed; problems are placed in the file, not the body."""
    data = curl_include(anthropic_tool_body(final_blank_line=False))
    (response,) = read(data)
    assert (response.capture_format, response.status, response.content_type) == ("curl", 200, "text/event-stream; charset=utf-8")
    assert response.body == anthropic_tool_body(final_blank_line=False)
    assert response.body_offset == data.index(b"event: message_start")
    problem = next(p for p in analyse(response, check=True).problems if p.kind == "incomplete-event")
    assert problem.position == "file"
    assert problem.offset == data.rindex(b"event: message_stop")
    assert problem.line == data.count(b"\n", 0, problem.offset) + 1


def test_curl_http_error_and_non_stream_responses(tmp_path: Path) -> None:
    """An HTTP error in a capture is an error quoting the body; a JSON answer is not an event stream."""
    denied = curl_include(
        b'{"error": {"message": "Incorrect API key"}}\n', status="401 Unauthorized", content_type="application/json"
    )
    analysis = analyse(read(denied)[0], check=True)
    assert analysis.end == "error"
    assert analysis.http_error == 'HTTP 401: {"error": {"message": "Incorrect API key"}}'
    assert [p.kind for p in analysis.problems] == ["http-error", "not-event-stream"]
    path = tmp_path / "denied.txt"
    path.write_bytes(denied)
    outcome = process_capture(str(path), "result")
    assert outcome.code == 1
    assert json.loads(outcome.lines[0])["error"] == {"code": 401, "message": analysis.http_error, "type": "http_error"}
    assert outcome.messages == [f"{path}: {analysis.http_error}"]
    path.write_bytes(curl_include(b'{"id": "chatcmpl-1", "choices": []}', content_type="application/json"))
    outcome = process_capture(str(path), "text")
    assert (outcome.code, outcome.messages) == (1, [f"{path}: truncated: not an event stream (Content-Type: application/json)"])


def test_curl_raw_chunked_body_is_dechunked_under_any_chunking() -> None:
    """``curl -i --raw`` keeps the chunk-size lines; they are removed however the bytes arrive."""
    data = curl_include(CHAT, chunked=True)
    assert b"\r\n61\r\n" in data
    for pieces in chunkings(data):
        (response,) = read(Trickle(pieces))
        assert b"".join(response.iter_bytes()) == CHAT
        assert any("chunked" in note for note in response.notes)


def test_curl_include_skips_interim_responses() -> None:
    """A ``100 Continue`` or a proxy's ``200 Connection established`` block comes before the real one."""
    data = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 Connection established\r\n\r\n" + curl_include(CHAT, status="201 Created")
    (response,) = read(data)
    assert response.status == 201
    assert response.body == CHAT


def test_curl_include_of_several_urls_gives_one_response_each(tmp_path: Path) -> None:
    """``curl -i URL URL``: each status line after a blank line starts the next response, from a file or bytes."""
    tool = anthropic_tool_body()
    parts = [curl_include(CHAT), curl_include(tool, status="201 Created", chunked=True), curl_include(CHAT)]
    data = b"".join(parts)
    path = tmp_path / "three.txt"
    path.write_bytes(data)
    for source in (data, path):
        responses = read(source)
        assert [(r.index, r.status, r.where) for r in responses] == [
            (0, 200, "responses[0]"),
            (1, 201, "responses[1]"),
            (2, 200, "responses[2]"),
        ]
        assert [r.body for r in responses] == [CHAT, tool, CHAT]
        third = len(parts[0]) + len(parts[1])
        assert responses[2].body_offset == third + parts[2].index(b"\r\n\r\n") + 4
        assert responses[2].body_line == data.count(b"\n", 0, responses[2].body_offset) + 1
    outcome = process_capture(str(path), "text")
    assert outcome.code == 0
    assert outcome.lines[0] == f"==> {path}#responses[0] <=="


def test_curl_include_does_not_split_on_a_status_line_inside_an_event() -> None:
    """Only a status line after a blank line and followed by a header block starts a response."""
    for body in (
        b"data: HTTP/1.1 200 OK\n\ndata: x\nHTTP/1.1 200 OK\n\n",  # inside data, or inside an event
        b"data: x\n\nHTTP/1.1 200 OK\ndata: y",  # no blank line ends its "headers"
    ):
        (response,) = read(curl_include(body))
        assert response.body == body


def test_curl_include_on_a_stream_is_one_response() -> None:
    """A stream is read as it arrives, so it is not scanned ahead: the first response's body runs to the end."""
    data = curl_include(CHAT) + curl_include(CHAT)
    (response,) = read(Trickle([data]))
    assert response.where == ""
    assert b"".join(response.iter_bytes()) == data[data.index(b"\r\n\r\n") + 4 :]


def test_curl_include_with_a_decoded_body_and_a_chunked_header() -> None:
    """Plain ``curl -i`` decodes the chunks but still prints the header: the body is left alone."""
    data = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/event-stream\r\n\r\n" + CHAT
    assert read(data)[0].body == CHAT


def test_curl_verbose_output_with_noise_among_the_body() -> None:
    """``curl -v ... 2>&1``: request line and host give the URL; curl's own lines are dropped."""
    lines = CHAT.split(b"\n\n")
    noisy = (
        b"\n\n".join(lines[:3])
        + b"\n\n{ [512 bytes data]\n* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):\n"
        + b"\n\n".join(lines[3:])
    )
    data = (
        b"*   Trying 10.0.0.1:443...\n* Connected to api.openai.com (10.0.0.1) port 443\n* ALPN: server accepted http/1.1\n"
        b"> POST /v1/chat/completions HTTP/1.1\r\n> Host: api.openai.com\r\n> Content-Type: application/json\r\n> \r\n"
        b"} [120 bytes data]\n< HTTP/1.1 200 OK\r\n< Content-Type: text/event-stream\r\n< \r\n"
        + noisy
        + b"* Connection #0 to host api.openai.com left intact\n"
    )
    for pieces in chunkings(data)[:3]:
        (response,) = read(Trickle(pieces))
        assert (response.method, response.url, response.status) == ("POST", CHAT_URL, 200)
        assert response.body == CHAT
    with pytest.raises(CaptureError, match="without a complete response header block"):
        read(b"* Trying\n> GET / HTTP/1.1\r\n")


def dump_hex(kind: str, data: bytes) -> bytes:
    """A ``curl --trace`` section: 16 bytes a line, in hex and then as text."""
    out = [f"{kind}, {len(data)} bytes (0x{len(data):x})\n".encode()]
    for i in range(0, len(data), 16):
        row = data[i : i + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        out.append(f"{i:04x}: {' '.join(f'{b:02x}' for b in row)} {'   ' * (16 - len(row))}{text}\n".encode())
    return b"".join(out)


def dump_ascii(kind: str, data: bytes) -> bytes:
    """A ``curl --trace-ascii`` section, as curl's dump() writes it: 64 bytes a line, a new line at each CRLF."""
    out = [f"{kind}, {len(data)} bytes (0x{len(data):x})\n".encode()]
    i = 0
    while i < len(data):
        text = ""
        following = i + 64
        for c in range(64):
            if i + c >= len(data):
                break
            if i + c + 1 < len(data) and data[i + c : i + c + 2] == b"\r\n":
                following = i + c + 2
                break
            text += chr(data[i + c]) if 32 <= data[i + c] < 127 else "."
            if i + c + 2 < len(data) and data[i + c + 1 : i + c + 3] == b"\r\n":
                following = i + c + 3
                break
        out.append(f"{i:04x}: {text}\n".encode())
        i = following
    return b"".join(out)


def trace(body: bytes, dump: Any, *, prefix: str = "") -> bytes:
    """A whole curl trace of a POST whose chunked SSE response carries ``body``."""
    send = b"POST /v1/chat/completions HTTP/1.1\r\nHost: api.openai.com\r\ncontent-type: application/json\r\n\r\n"
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    raw = curl_include(body, chunked=True)
    chunked = raw[raw.index(b"\r\n\r\n") + 4 :]
    return b"".join(
        prefix.encode() + part if not part.startswith(b"0") else part
        for part in b"".join(
            [
                b"== Info: Connected to api.openai.com (10.0.0.1) port 443\n== Info: SSL connection using TLSv1.3\n",
                dump("=> Send header", send),
                dump("=> Send data", json.dumps(CHAT_REQUEST).encode()),
                dump("<= Recv header", head),
                dump("<= Recv data", chunked[:300]),
                dump("<= Recv data", chunked[300:]),
                b"== Info: Connection #0 left intact\n",
            ]
        ).splitlines(keepends=True)
    )


@pytest.mark.parametrize("prefix", ["", "12:00:01.123456 "], ids=["plain", "trace-time"])
def test_curl_trace_hex_dump_with_chunk_size_lines(prefix: str) -> None:
    """``curl --trace``: the received data is rebuilt exactly from the hex dump and de-chunked."""
    (response,) = read(trace(CHAT, dump_hex, prefix=prefix))
    assert (response.method, response.url, response.request_json, response.status) == ("POST", CHAT_URL, CHAT_REQUEST, 200)
    assert response.body == CHAT


def test_curl_trace_ascii_rebuilds_line_ends() -> None:
    """``curl --trace-ascii``: CRLF from the layout, the dots that end lines from where they stand."""
    (response,) = read(trace(CHAT, dump_ascii))
    assert response.body == CHAT
    assert "non-ASCII bytes lost" in response.notes[0]
    (tool,) = read(trace(anthropic_tool_body(), dump_ascii))
    assert summary(tool)["text"] == "Let me look up the weather in Z..rich."  # non-ASCII is gone in this format
    (gemini,) = read(trace(gemini_body(), dump_ascii))
    assert gemini.body == gemini_body()


# -- HAR ---------------------------------------------------------------------------------------------------


def devtools_har() -> bytes:
    """A HAR with a JSON entry, a text SSE body, a base64 SSE body and an EventSource with messages only."""
    return har(
        [
            har_entry("https://example.com/session", b'{"ok": true}', mime="application/json", request={"user": "x"}),
            har_entry(CHAT_URL, CHAT, request=CHAT_REQUEST),
            har_entry("https://example.com/msg", anthropic_tool_body(), base64_body=True),
            har_entry(CHAT_URL, b"", event_source_messages=event_source_messages(CHAT)),
        ]
    )


def test_har_keeps_only_sse_entries_with_text_base64_and_event_source_bodies() -> None:
    """Only text/event-stream entries; base64 decoded; an empty text rebuilt from _eventSourceMessages."""
    responses = read(devtools_har())
    assert [r.where for r in responses] == ["entries[1]", "entries[2]", "entries[3]"]
    chat, tool, rebuilt = responses
    assert (chat.method, chat.url, chat.request_json, chat.status) == ("POST", CHAT_URL, CHAT_REQUEST, 200)
    assert chat.body == CHAT
    assert tool.body == anthropic_tool_body()
    assert parse(rebuilt.body) == parse(CHAT)
    assert "_eventSourceMessages" in rebuilt.notes[0]
    assert [summary(r)["text"] for r in responses] == [CHAT_TEXT, "Let me look up the weather in Zürich.", CHAT_TEXT]


def test_response_events_and_result_follow_the_capture_rules() -> None:
    """Response.iter_events dispatches the unfinished last event unless strict; result() accumulates."""
    chat, tool, _ = read(
        har(
            [
                har_entry(CHAT_URL, CHAT),
                har_entry(CHAT_URL, anthropic_tool_body(final_blank_line=False)),
                har_entry(CHAT_URL, CHAT[:-40]),
            ]
        )
    )
    assert list(chat.iter_events()) == parse(CHAT)
    assert [e.event for e in tool.iter_events()][-1] == "message_stop"
    assert [e.event for e in tool.iter_events(strict=True)][-1] == "message_delta"
    result = tool.result()
    assert result is not None
    assert (result.text, str(result.end)) == ("Let me look up the weather in Zürich.", "complete")
    strict = tool.result(strict=True)
    assert strict is not None
    assert str(strict.end) == "truncated"


def test_har_bad_base64_spoils_only_its_entry() -> None:
    """An entry whose base64 is broken has ``error`` set; the other entries are read."""
    document = json.loads(devtools_har())
    document["log"]["entries"][2]["response"]["content"]["text"] = "ZGF0YTog$$$notbase64"
    responses = read(json.dumps(document).encode())
    assert responses[1].error is not None
    assert "not valid base64" in responses[1].error
    assert responses[1].body == b""
    assert summary(responses[0])["text"] == CHAT_TEXT
    assert analyse(responses[1], check=True).problems[0].kind == "unreadable-body"


def test_har_cut_short_keeps_the_complete_entries() -> None:
    """A HAR file cut in its third entry still gives the complete SSE entries before the cut."""
    data = devtools_har()
    cut = data.index(b"https://example.com/msg") + 10
    responses = read(data[:cut])
    assert [r.where for r in responses] == ["entries[1]", "entries[2]"]
    assert responses[0].body == CHAT
    assert responses[1].error is not None
    assert "not valid JSON from line" in responses[1].error


def test_har_damage_that_leaves_nothing_is_a_capture_error() -> None:
    """Broken JSON, JSON that is not HAR, and a HAR without SSE entries are refused in one line."""
    with pytest.raises(CaptureError, match="broken HAR file"):
        read(b'{"log": {"entr')
    with pytest.raises(CaptureError, match="not a HAR file"):
        read(b'{"hello": 1}')
    with pytest.raises(CaptureError, match="no SSE response among the 1 entries"):
        read(har([har_entry("https://x", b"{}", mime="application/json")]))


def test_har_entry_whose_stream_was_still_open() -> None:
    """An SSE entry exported while open has no body: read, flagged, and truncated."""
    (response,) = read(har([har_entry(CHAT_URL, None)]))
    assert response.body == b""
    analysis = analyse(response, check=True)
    assert analysis.end == "truncated"
    assert {"empty-body", "capture-note"} <= {p.kind for p in analysis.problems}


# -- VCR ---------------------------------------------------------------------------------------------------


def cassette() -> bytes:
    """A cassette with a JSON interaction, a text SSE body and a binary (CRLF, non-UTF-8) SSE body."""
    binary = gemini_body().replace(b"Captures", b"Caf\xe9 captures")  # Latin-1: not UTF-8, stored as !!binary
    return vcr_cassette(
        [
            vcr_interaction("https://x/models", b"{}", content_type="application/json"),
            vcr_interaction(CHAT_URL, CHAT, request=CHAT_REQUEST),
            vcr_interaction("https://x/gemini", binary),
        ]
    )


def test_vcr_string_and_binary_bodies() -> None:
    """SSE interactions only; ``string`` bodies as text, ``!!binary`` bodies base64-decoded."""
    data = cassette()
    assert b"!!binary" in data
    chat, gemini = read(data)
    assert (chat.where, chat.method, chat.url, chat.request_json) == ("interactions[1]", "POST", CHAT_URL, CHAT_REQUEST)
    assert chat.body == CHAT
    assert gemini.body.startswith(b"data: ")
    assert b"Caf\xe9" in gemini.body
    assert summary(gemini)["problems"][0][0] == "invalid-utf8"


def test_vcr_bad_base64_spoils_only_its_interaction() -> None:
    """A ``!!binary`` body that is not base64 marks its interaction; the others are read."""
    data = cassette()
    start = data.index(b"!!binary |\n") + len(b"!!binary |\n")
    data = data[:start] + b"        @@@ not base64 @@@\n" + data[data.index(b"\n    headers:", start) :]
    chat, gemini = read(data)
    assert chat.body == CHAT
    assert gemini.error is not None
    assert "not valid base64" in gemini.error


def test_vcr_gzip_body_and_broken_yaml() -> None:
    """A gzip body (decode_compressed_response off) is decompressed; broken YAML is one line."""
    body = gzip.compress(CHAT, mtime=0)
    text = vcr_interaction(CHAT_URL, body).replace(
        "      content-type:\n      - text/event-stream",
        "      Content-Encoding:\n      - gzip\n      content-type:\n      - text/event-stream",
    )
    (response,) = read(vcr_cassette([text]))
    assert response.body == CHAT
    assert response.notes == ["gzip body decompressed"]
    with pytest.raises(CaptureError, match=r"broken YAML cassette at line 3 column 1"):
        read(b"interactions:\n- request: [unclosed\n")
    with pytest.raises(CaptureError, match="no SSE response among the 1 interactions"):
        read(vcr_cassette([vcr_interaction("https://x", b"{}", content_type="application/json")]))


def test_vcr_without_pyyaml_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML, reading a cassette says which extra to install."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "sseparse\[captures\]"'):
        read(cassette())


def test_import_sseparse_does_not_import_captures_cli_or_yaml() -> None:
    """``import sseparse`` stays light: captures, the CLI and PyYAML load only when asked for."""
    code = "import sys, sseparse; print(sorted(m for m in sys.modules if m.startswith(('sseparse.captures', 'sseparse.cli', 'yaml'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_broken_chunked_coding_keeps_what_came_before(tmp_path: Path) -> None:
    """A chunk-size line damaged mid-body ends the body there: what was decoded is kept, exit 2."""
    data = curl_include(CHAT, chunked=True)
    at = data.index(b"\r\n61\r\n", len(data) // 2) + 2
    damaged = data[:at] + b"zz\r\n" + data[at + 4 :]
    text: list[str] = []
    analysis = analyse(read(damaged)[0], check=True, on_text=text.append)
    assert analysis.problems[0].kind == "unreadable-body"
    assert "chunked body is broken" in analysis.problems[0].message
    assert "".join(text)
    assert CHAT_TEXT.startswith("".join(text))
    path = tmp_path / "damaged.curl"
    path.write_bytes(damaged)
    outcome = process_capture(str(path), "text")
    assert outcome.code == 2
    assert outcome.lines == ["".join(text)]
    assert outcome.messages == [
        f"{path}: unreadable: the chunked body is broken: bad chunk-size line b'zz\\r\\n"
        + outcome.messages[0].split("zz\\r\\n", 1)[1]
    ]


# -- one capture, every container ---------------------------------------------------------------------------


def wrapped(body: bytes) -> dict[str, bytes]:
    """The same body as a raw capture, curl -i, curl -i --raw, HAR (text and base64) and VCR."""
    return {
        "raw": body,
        "curl": curl_include(body),
        "curl-raw": curl_include(body, chunked=True),
        "har": har([har_entry(CHAT_URL, body)]),
        "har-base64": har([har_entry(CHAT_URL, body, base64_body=True)]),
        "vcr": vcr_cassette([vcr_interaction(CHAT_URL, body)]),
    }


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in record.items() if k not in {"capture", "capture_format", "method", "url", "status", "request", "notes"}
    }


def _shared_bodies() -> list[Path]:
    return sorted(SHARED_STREAMS.glob("*.sse")) if SHARED_STREAMS.is_dir() else []


@pytest.mark.parametrize("name", ["openai", "anthropic-no-final-blank-line", "gemini-crlf"])
def test_every_container_gives_the_same_result(name: str, tmp_path: Path) -> None:
    """The capture format is transparent: the same body gives the same result record in each."""
    body = {
        "openai": CHAT,
        "anthropic-no-final-blank-line": anthropic_tool_body(final_blank_line=False),
        "gemini-crlf": gemini_body(),
    }[name]
    records = {}
    for kind, data in wrapped(body).items():
        if kind.startswith("har") and b"\r" in body:
            continue  # JSON keeps CR, but keep the HAR cases to LF bodies as browsers store them
        path = tmp_path / f"{kind}.capture"
        path.write_bytes(data)
        outcome = process_capture(str(path), "result")
        assert outcome.code == 0, outcome.messages
        (line,) = outcome.lines
        records[kind] = _comparable(json.loads(line))
    assert len({json.dumps(r, sort_keys=True) for r in records.values()}) == 1, records


@pytest.mark.parametrize("kind", list(wrapped(CHAT)))
def test_every_container_reads_from_a_pipe_at_any_split(kind: str) -> None:
    """HAR, VCR, curl and raw captures read from a file object give the same body however it is split."""
    data = wrapped(CHAT)[kind]
    for pieces in chunkings(data):
        (response,) = read(Trickle(pieces))
        assert response.body == CHAT


@pytest.mark.skipif(not _shared_bodies(), reason="../shared/streams is not present")
@pytest.mark.parametrize("path", _shared_bodies(), ids=lambda p: p.stem)
def test_shared_captures_read_the_same_in_every_container(path: Path, tmp_path: Path) -> None:
    """Each reference capture gives the same result raw, as curl -i output, in a HAR and in a VCR cassette."""
    body = path.read_bytes()
    expected = None
    for kind, data in wrapped(body).items():
        target = tmp_path / f"{kind}.capture"
        target.write_bytes(data)
        outcome = process_capture(str(target), "result")
        (line,) = outcome.lines
        record = _comparable(json.loads(line))
        if expected is None:
            expected = record
            reference = json.loads(path.with_name(path.name.removesuffix(".sse") + ".expected.json").read_text())
            if reference.get("termination") == "error":
                assert record["end"] == "error"
        assert record == expected, kind


def test_examples_match_their_generator() -> None:
    """The committed example captures are exactly what examples/make_captures.py writes."""
    for name, data in build().items():
        assert (ROOT / "examples" / name).read_bytes() == data, f"examples/{name} is stale: run python examples/make_captures.py"
    assert (
        base64.b64decode(json.loads(build()["devtools.har"])["log"]["entries"][2]["response"]["content"]["text"])
        == anthropic_tool_body()
    )
