"""Fuzzing in CI: arbitrary bytes in arbitrary chunkings never raise anything undocumented.

The decoder raises only `EventTooLargeError` (when ``max_event_size`` is set); the accumulators
never raise on stream content; the capture readers raise only `CaptureError` (and
`MissingDependencyError` without PyYAML), and `analyse` raises nothing. A longer run of the same
targets is ``scripts/fuzz.py`` (docs/fuzzing.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from decoder_harness import feed_and_close
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse import DIAGNOSTIC_KINDS, EventTooLargeError, ServerSentEvent, SSEDecoder, accumulate
from sseparse.accumulators import formats
from sseparse.strategies import chunkings

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that make random bytes look like SSE often enough to reach every branch.
SSE_TOKENS = (
    b"data:",
    b"data: ",
    b"event:",
    b"id:",
    b"id: \x00",
    b"retry:",
    b"retry: 10",
    b":",
    b" ",
    b"\r",
    b"\n",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xef\xbb",
    b"\xff",
    b"\xf0\x9f\x98",
    b"\xe2\x80\xa8",
    b"0123",
    b"x",
)
sse_bytes = st.lists(st.one_of(st.sampled_from(SSE_TOKENS), st.binary(max_size=4)), max_size=40).map(b"".join)


def check_events(events: list[ServerSentEvent]) -> None:
    """What any dispatched event must look like, whatever the input."""
    for event in events:
        assert type(event.event) is str
        assert event.event
        assert type(event.data) is str
        assert "\r" not in event.data
        assert type(event.id) is str
        assert not set(event.id) & {"\0", "\r", "\n"}
        assert event.retry is None or (type(event.retry) is int and event.retry >= 0)


# -- the decoder ------------------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(sse_bytes, st.binary(max_size=200)).flatmap(lambda data: st.tuples(st.just(data), chunkings(data))))
def test_decoder_never_raises_and_ignores_chunking(case: tuple[bytes, list[bytes]]) -> None:
    """Any bytes in any chunking: no exception, the same events as in one chunk, on both paths."""
    data, chunks = case
    whole = feed_and_close(SSEDecoder(), [data])
    check_events(whole)
    assert feed_and_close(SSEDecoder(), chunks) == whole
    general = SSEDecoder(diagnostics=True)
    assert feed_and_close(general, chunks) == whole
    assert {d.kind for d in general.diagnostics} <= set(DIAGNOSTIC_KINDS)
    incomplete = feed_and_close(SSEDecoder(dispatch_incomplete=True), chunks)
    check_events(incomplete)
    assert incomplete[: len(whole)] == whole


@FUZZ
@given(sse_bytes.flatmap(lambda data: st.tuples(st.just(data), chunkings(data))), st.integers(1, 16))
def test_decoder_with_a_size_limit_raises_only_event_too_large(case: tuple[bytes, list[bytes]], limit: int) -> None:
    """With max_event_size the only exception is EventTooLargeError, and the decoder goes on."""
    _, chunks = case
    decoder = SSEDecoder(max_event_size=limit)
    errors: list[EventTooLargeError] = []
    events = feed_and_close(decoder, chunks, errors=errors)
    assert decoder.closed
    assert all(error.limit == limit for error in errors)
    check_events(events)
    assert all(len(event.data) <= limit for event in events)  # a character needs a byte of the event


# -- the accumulators -------------------------------------------------------------------------------------

KEYS = (
    "type", "id", "index", "choices", "delta", "content", "role", "tool_calls", "function", "name", "arguments",
    "finish_reason", "usage", "error", "message", "content_block", "text", "partial_json", "input", "candidates",
    "parts", "functionCall", "args", "thought", "item", "output_index", "item_id", "sequence_number", "response",
    "output", "stop_reason", "n", "code",
)  # fmt: skip
TYPES = (
    "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
    "message_stop", "ping", "error", "text_delta", "input_json_delta", "thinking_delta", "tool_use", "function",
    "response.created", "response.output_text.delta", "response.output_item.added", "response.completed",
    "response.function_call_arguments.delta", "response.failed", "function_call",
)  # fmt: skip
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.sampled_from(TYPES), st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def llm_like_streams(draw: st.DrawFn) -> bytes:
    """SSE streams whose events look like LLM chunks: plausible keys, wrong shapes, junk, [DONE]."""
    blocks = []
    for value in draw(st.lists(json_values, max_size=8)):
        kind = draw(st.sampled_from(("json", "typed", "done", "junk")))
        if kind == "json":
            blocks.append(b"data: " + json.dumps(value).encode() + b"\n\n")
        elif kind == "typed":
            event = draw(st.sampled_from(TYPES))
            payload = {"type": event, **value} if isinstance(value, dict) else value
            blocks.append(f"event: {event}\ndata: {json.dumps(payload)}\n\n".encode())
        elif kind == "done":
            blocks.append(b"data: [DONE]\n\n")
        else:
            blocks.append(draw(sse_bytes))
    return b"".join(blocks)


@FUZZ
@given(st.one_of(llm_like_streams(), sse_bytes), st.sampled_from((None, *formats())))
def test_accumulators_never_raise_on_stream_content(data: bytes, wire_format: str | None) -> None:
    """accumulate() turns any stream into a result, whatever the format asked for."""
    result = accumulate(data, format=wire_format)
    assert result.end is not None
    assert isinstance(result.text, str)
    for call in result.tool_calls:
        assert isinstance(call.arguments, str)


# -- the capture readers ---------------------------------------------------------------------------------

captures = pytest.importorskip("sseparse.captures")
CAPTURE_TOKENS = (
    b"HTTP/1.1 200 OK\r\n",
    b"content-type: text/event-stream\r\n",
    b"transfer-encoding: chunked\r\n",
    b"\r\n",
    b"< ",
    b"> ",
    b"* ",
    b"== Info: ",
    b"<= Recv data",
    b"0000: ",
    b"5\r\n",
    b"0\r\n\r\n",
    b'{"log": {"entries": [',
    b'{"response": {"content": {"text": "data: x\\n\\n", "mimeType": "text/event-stream"}}}',
    b'"encoding": "base64"',
    b"]}}",
    b"interactions:\n",
    b"- request:\n",
    b"  response:\n",
    b"    body: {string: 'data: x\n\n'}\n",
    b"    headers:\n",
    b"data: x\n\n",
)
capture_bytes = st.lists(
    st.one_of(st.sampled_from(CAPTURE_TOKENS), st.sampled_from(SSE_TOKENS), st.binary(max_size=4)), max_size=30
).map(b"".join)
ALLOWED = (captures.CaptureError, captures.MissingDependencyError)


def read_or_none(data: bytes, **options: Any) -> list[Any] | None:
    try:
        return list(captures.read(data, **options))
    except ALLOWED:
        return None


@FUZZ
@given(st.one_of(capture_bytes, st.binary(max_size=120)), st.sampled_from((None, *captures.CAPTURE_FORMATS)))
def test_capture_readers_raise_only_capture_errors(data: bytes, capture_format: str | None) -> None:
    """read() of any bytes gives responses or a CaptureError; analyse() of each raises nothing."""
    responses = read_or_none(data, format=capture_format)
    for response in responses or []:
        analysis = captures.analyse(response, check=True)
        assert analysis is not None
