"""Regression tests for hostile input: each numbered case of the hardening issue, and its family.

The promise: no input makes sseparse raise an undocumented exception, hang, or use memory out of
proportion to the input, and nothing completed before a problem is lost.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from script_loader import load_file

import sseparse
from sseparse._events import MAX_RETRY
from sseparse._reconnect import MAX_WAIT
from sseparse.accumulators import make_accumulator
from sseparse.sdk import SDKDecoder

CHUNK_DONE = b'data: {"choices":[]}\n\n'  # an OpenAI chunk without [DONE]: the stream is truncated, so it reconnects


# -- 1. retry values of any size ---------------------------------------------------------------------


@pytest.mark.parametrize("digits", [21, 400, 4301, 100_000])
def test_issue_1_huge_retry_is_ignored_never_raises(digits: int) -> None:
    """A retry beyond 2**64 - 1 ms is ignored (Chromium's choice), whatever its length; the event still arrives."""
    events = sseparse.parse(b"retry: " + b"1" * digits + b"\n\ndata: x\n\n")
    assert [(event.data, event.retry) for event in events] == [("x", None)]
    decoder = sseparse.SSEDecoder()
    decoder.feed(b"retry: 5\n\nretry: " + b"9" * digits + b"\ndata: y\n\n")
    assert decoder.retry == 5


def test_issue_1_huge_retry_is_reported_as_a_diagnostic_with_every_chunking() -> None:
    """The general (diagnostics) path and 1-byte feeds ignore it too, and say why."""
    body = b"retry: " + b"1" * 5000 + b"\ndata: x\n\n"
    decoder = sseparse.SSEDecoder(diagnostics=True)
    events = [event for i in range(len(body)) for event in decoder.feed(body[i : i + 1])]
    assert [(event.data, event.retry) for event in events] == [("x", None)]
    (diagnostic,) = decoder.diagnostics
    assert diagnostic.kind == "invalid-retry"
    assert "larger than" in diagnostic.message
    assert len(diagnostic.message) < 200


def test_issue_1_retry_at_the_bound_and_with_leading_zeros_is_kept() -> None:
    """2**64 - 1 is kept; leading zeros (any number of them) do not count."""
    assert sseparse.parse(b"retry: %d\ndata: x\n\n" % MAX_RETRY)[0].retry == MAX_RETRY
    assert sseparse.parse(b"retry: " + b"0" * 10_000 + b"1500\ndata: x\n\n")[0].retry == 1500


# -- 8, 9. reconnect waits of any size ---------------------------------------------------------------


@pytest.mark.parametrize("max_server_wait", [None, 300.0, float("inf")])
def test_issue_8_server_retry_of_any_size_never_overflows(max_server_wait: float | None) -> None:
    """A huge server retry is bounded before any arithmetic: the wait is the cap (or MAX_WAIT), no OverflowError."""
    waits: list[float] = []
    body = b"retry: %d\n" % MAX_RETRY + CHUNK_DONE
    stream = sseparse.reconnecting(
        lambda _state: [body], format="openai-chat", raw=True, max_server_wait=max_server_wait, sleep=waits.append, max_attempts=3
    )
    with pytest.raises(sseparse.IncompleteStreamError):
        list(stream)
    expected = MAX_WAIT if max_server_wait in (None, float("inf")) else max_server_wait
    assert waits == [expected, expected]


def test_issue_9_many_attempts_never_overflow_the_backoff() -> None:
    """10,000 allowed attempts: 2**n is bounded, every wait stays within max_backoff."""
    waits: list[float] = []
    connects: list[Any] = []

    def connect(state: sseparse.ResumeState) -> list[bytes]:
        connects.append(state.attempt)
        return [CHUNK_DONE]

    stream = sseparse.reconnecting(
        connect, format="openai-chat", raw=True, sleep=waits.append, max_attempts=10_000, max_backoff=7.0
    )
    with pytest.raises(sseparse.IncompleteStreamError):
        list(stream)
    assert len(connects) == 10_000
    assert len(waits) == 9_999
    assert all(0 <= wait <= 7.0 for wait in waits)


# -- 2. max_event_size in iter_events / aiter_events / SDKDecoder --------------------------------------

OVERSIZED = [b"data: a\n\ndata: b\n\n", b"data: " + b"x" * 100 + b"\n\ndata: c\n\n", b"data: d\n\n"]


def _collect(events: Any) -> tuple[list[str], BaseException | None]:
    got: list[str] = []
    try:
        got.extend(event.data for event in events)
    except sseparse.EventTooLargeError as exc:
        return got, exc
    return got, None


def test_issue_2_iter_events_delivers_what_completed_then_reports_the_limit() -> None:
    """Events completed before the oversized one (and after it, in the same chunk) arrive; then the error."""
    got, error = _collect(sseparse.iter_events(OVERSIZED, max_event_size=50))
    assert got == ["a", "b", "c"]
    assert isinstance(error, sseparse.EventTooLargeError)
    assert error.limit == 50


def test_issue_2_iter_events_agrees_with_stream() -> None:
    """iter_events and Stream deliver the same events before the same error."""
    stream_got, stream_error = _collect(sseparse.Stream(OVERSIZED, max_event_size=50))
    iter_got, iter_error = _collect(sseparse.iter_events(OVERSIZED, max_event_size=50))
    assert iter_got == stream_got
    assert type(iter_error) is type(stream_error)


def test_issue_2_sdk_decoder_delivers_what_completed_then_reports_the_limit() -> None:
    """SDKDecoder.iter_bytes: the same."""
    got, error = _collect(SDKDecoder(max_event_size=50).iter_bytes(OVERSIZED))
    assert got == ["a", "b", "c"]
    assert isinstance(error, sseparse.EventTooLargeError)


async def _agen(chunks: list[bytes]) -> Any:
    for chunk in chunks:
        yield chunk


async def _acollect(events: Any) -> tuple[list[str], BaseException | None]:
    got: list[str] = []
    try:
        async for event in events:
            got.append(event.data)
    except sseparse.EventTooLargeError as exc:
        return got, exc
    return got, None


def test_issue_2_async_iterators_deliver_what_completed_then_report_the_limit() -> None:
    """aiter_events and SDKDecoder.aiter_bytes: the same."""
    for events in (
        sseparse.aiter_events(_agen(OVERSIZED), max_event_size=50),
        SDKDecoder(max_event_size=50).aiter_bytes(_agen(OVERSIZED)),
    ):
        got, error = asyncio.run(_acollect(events))
        assert got == ["a", "b", "c"]
        assert isinstance(error, sseparse.EventTooLargeError)


# -- 3. deep JSON: "not JSON", never RecursionError ------------------------------------------------------

HELLO = b'data: {"choices":[{"index":0,"delta":{"content":"hello"}}]}\n\n'


@pytest.mark.parametrize("depth", [129, 1_000, 100_000])
@pytest.mark.parametrize("fmt", [None, "openai-chat", "gemini", "anthropic-messages", "openai-responses"])
def test_issue_3_deep_json_is_not_json_and_keeps_what_came_before(depth: int, fmt: str | None) -> None:
    """Nesting of any depth ends the result with an invalid_json error naming the limit; earlier text stays."""
    deep = b"data: " + b"[" * depth + b"]" * depth + b"\n\n"
    result = (
        sseparse.accumulate(HELLO + deep, format=fmt) if fmt in (None, "openai-chat") else sseparse.accumulate(deep, format=fmt)
    )
    assert result.end == "error"
    assert result.error is not None
    assert result.error.type in ("invalid_json", "unknown_format")
    if fmt in (None, "openai-chat"):
        assert result.text == "hello"
        assert "deeper than" in result.error.message


@pytest.mark.parametrize("raw", [True, False])
def test_issue_3_deep_json_in_a_stream_is_a_decode_error_with_the_partial(raw: bool) -> None:
    """Stream (typed and raw): a StreamDecodeError whose partial keeps the text, never RecursionError."""
    deep = b"data: " + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"\n\n"
    stream = sseparse.Stream([HELLO, deep], format="openai-chat", raw=raw)
    with pytest.raises(sseparse.StreamDecodeError) as info:
        list(stream)
    assert info.value.partial is not None
    assert info.value.partial.text == "hello"


def test_issue_3_huge_integer_is_not_json_and_keeps_what_came_before() -> None:
    """An integer of 10,000 digits: the same outcome as deep nesting (the int-conversion limit never raises)."""
    huge = b'data: {"choices":[{"index":0,"delta":{"content":"!"}}],"created":' + b"9" * 10_000 + b"}\n\n"
    result = sseparse.accumulate(HELLO + huge)
    assert (result.end, result.text) == ("error", "hello")
    assert result.error is not None
    assert "digits" in result.error.message


def test_issue_3_deep_tool_call_arguments_raise_the_documented_error() -> None:
    """ToolCall.json() on deeply nested arguments raises ToolCallArgumentsError, never RecursionError."""
    call = sseparse.ToolCall(0, "call_1", "f", "[" * 5000 + "]" * 5000, done=True)
    with pytest.raises(sseparse.ToolCallArgumentsError):
        call.json()


# -- 4. wrong types in format detection ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["[]", "{}", '{"a": [1]}', "1", "null", "true", '"chat.completion.chunk "', "[[[]]]"])
@pytest.mark.parametrize("key", ["object", "type", "choices", "candidates", "error", "usageMetadata", "promptFeedback"])
def test_issue_4_detection_survives_any_type_at_any_key(key: str, value: str) -> None:
    """Every key detection reads may hold any JSON type: a result (never TypeError)."""
    body = b'data: {"%s": %s}\n\n' % (key.encode(), value.encode())
    result = sseparse.accumulate(body)
    assert result.end in ("error", "truncated")
    result = sseparse.accumulate(body + HELLO + b"data: [DONE]\n\n")
    assert result.end in ("error", "truncated", "complete")


def test_issue_4_object_list_is_an_unknown_format() -> None:
    """The issue's exact input: an unknown format, with its sample."""
    result = sseparse.accumulate(b'data: {"object": []}\n\n')
    assert result.end == "error"
    assert result.error is not None
    assert result.error.type == "unknown_format"


def _framed(*payloads: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(payload).encode() + b"\n\n" for payload in payloads)


_MESSAGE_START = {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "content": []}}
_TEXT_BLOCK = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
_TEXT_DELTA = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hello"}}


@pytest.mark.parametrize("value", [[None], {}, ["text_delta"]])
@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        (
            "anthropic-messages",
            lambda v: _framed(
                _MESSAGE_START, _TEXT_BLOCK, _TEXT_DELTA, {**_TEXT_BLOCK, "index": 1, "content_block": {"type": v}}
            ),
        ),
        (
            "anthropic-messages",
            lambda v: _framed(_MESSAGE_START, _TEXT_BLOCK, _TEXT_DELTA, {**_TEXT_DELTA, "delta": {"type": v, "text": "!"}}),
        ),
        (
            "anthropic-messages",
            lambda v: _framed(_MESSAGE_START, _TEXT_BLOCK, _TEXT_DELTA, {"type": "message_delta", "delta": {"stop_reason": v}}),
        ),
        (
            "openai-responses",
            lambda v: _framed(
                {"type": "response.output_item.added", "output_index": 0, "item": {"type": "message", "id": "m", "content": []}},
                {
                    "type": "response.content_part.added",
                    "output_index": 0,
                    "content_index": 0,
                    "part": {"type": "output_text", "text": ""},
                },
                {"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "hello"},
                {"type": "response.output_item.added", "output_index": 1, "item": {"type": v}},
            ),
        ),
        (None, lambda v: _framed({"type": v, "delta": "x"}, {"choices": [{"index": 0, "delta": {"content": "hello"}}]})),
    ],
)
def test_issue_4_a_type_key_of_the_wrong_type_is_ignored_not_fatal(fmt: str | None, body: Any, value: Any) -> None:
    """A list or object where a type name belongs (block, delta, item, stop reason, detection) is ignored: text kept, no error."""
    result = sseparse.accumulate(body(value), format=fmt)
    assert result.text == "hello"
    assert result.error is None or not result.error.message.startswith("could not interpret"), result.error
    result.to_openai()
    result.to_anthropic()


# -- 5. wire indices cost memory and time in proportion to the input -------------------------------------


def _gemini(parts: list[Any], **candidate: Any) -> bytes:
    return (
        b"data: " + json.dumps({"candidates": [{"content": {"parts": parts, "role": "model"}, **candidate}]}).encode() + b"\n\n"
    )


def _streamed_call(*entries: dict[str, Any]) -> bytes:
    return b"".join(
        [
            _gemini([{"functionCall": {"name": "f", "willContinue": True}}]),
            _gemini([{"functionCall": {"partialArgs": list(entries), "willContinue": True}}]),
            _gemini([{"functionCall": {}}], finishReason="STOP"),
        ]
    )


@pytest.mark.parametrize(
    "path",
    [
        "$.a[30000000]",
        "$.a[" + "9" * 5000 + "]",
        "$[1000000000000]",
        "$.a[0]" + "[65]",
        "$" + ".a" * 100_000,
        "$" + "[0]" * 100_000,
    ],
)
def test_issue_5_gemini_partial_args_paths_are_bounded(path: str) -> None:
    """A huge index, an index of 5000 digits or a path 10^5 deep is ignored and noted, in bounded memory."""
    tracemalloc.start()
    try:
        result = sseparse.accumulate(
            _streamed_call({"jsonPath": "$.ok", "stringValue": "yes"}, {"jsonPath": path, "numberValue": 1})
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(path) + 2_000_000
    assert result.end == "complete"
    assert result.tool_calls[0].json() == {"ok": "yes"}
    assert any("partialArgs entry was ignored" in note for note in result.merge_notes)


def test_issue_5_gemini_partial_args_small_gaps_are_filled() -> None:
    """An index a few places past the end of its array is kept; the gap is null, as before."""
    result = sseparse.accumulate(_streamed_call({"jsonPath": "$.a[2]", "numberValue": 7}, {"jsonPath": "$.b", "boolValue": True}))
    assert result.tool_calls[0].json() == {"a": [None, None, 7], "b": True}
    assert result.merge_notes == []


@pytest.mark.parametrize("entry", [{"numberValue": {"x": [1]}}, {"numberValue": "1"}, {"boolValue": []}, {"numberValue": True}])
def test_issue_5_gemini_partial_args_values_of_the_wrong_type_are_noted(entry: dict[str, Any]) -> None:
    """A numberValue / boolValue of the wrong type is not merged into the arguments, and the note says so."""
    result = sseparse.accumulate(_streamed_call({"jsonPath": "$.v", **entry}))
    assert result.tool_calls[0].json() == {}
    assert any("numberValue or boolValue" in note for note in result.merge_notes)


@pytest.mark.parametrize("index", [10**18, -(10**18), 2**63, 10**600])
@pytest.mark.parametrize("fmt", ["openai-chat", "gemini", "anthropic-messages", "openai-responses"])
def test_issue_5_huge_wire_indices_cost_nothing_in_any_format(fmt: str, index: int) -> None:
    """Choice, candidate, tool-call, block, output, content and summary indices of any size: no big allocation."""
    bodies: dict[str, list[dict[str, Any]]] = {
        "openai-chat": [
            {
                "choices": [
                    {"index": index, "delta": {"content": "a", "tool_calls": [{"index": index, "function": {"arguments": "{}"}}]}}
                ]
            }
        ],
        "gemini": [{"candidates": [{"index": index, "content": {"parts": [{"text": "a"}]}}]}],
        "anthropic-messages": [
            {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}},
            {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": "a"}},
        ],
        "openai-responses": [
            {"type": "response.output_item.added", "output_index": index, "item": {"type": "message", "content": []}},
            {
                "type": "response.content_part.added",
                "output_index": index,
                "content_index": index,
                "part": {"type": "output_text", "text": ""},
            },
            {"type": "response.output_text.delta", "output_index": index, "content_index": index, "delta": "a"},
            {"type": "response.reasoning_summary_part.added", "output_index": index, "summary_index": index, "part": {}},
        ],
    }
    body = b"".join(b"data: " + json.dumps(payload).encode() + b"\n\n" for payload in bodies[fmt])
    tracemalloc.start()
    try:
        result = sseparse.accumulate(body, format=fmt)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
    assert result.end in ("truncated", "error")


# -- 6. a failing part never discards the rest ----------------------------------------------------------


@pytest.mark.parametrize("depth", [60, 120])
def test_issue_6_deep_azure_filter_results_keep_the_text(depth: int) -> None:
    """content_filter_results nested deep (within the JSON limit): the text, the finish and any_filtered are right."""
    nested: Any = {"filtered": True}
    for _ in range(depth):
        nested = {"x": nested}
    chunks = [
        {"choices": [{"index": 0, "delta": {"content": "hello"}, "content_filter_results": nested}]},
        {"choices": [{"index": 0, "content_filter_results": nested}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    ]
    body = b"".join(b"data: " + json.dumps(chunk).encode() + b"\n\n" for chunk in chunks) + b"data: [DONE]\n\n"
    result = sseparse.accumulate(body)
    assert (result.end, result.text, result.finish_reason) == ("complete", "hello", "stop")
    assert result.choices[0].extra["any_filtered"] is True


def test_issue_6_filter_results_beyond_the_limit_end_the_stream_but_keep_the_text() -> None:
    """Nested ~330 deep (the issue's case): that event is not JSON; the text before it stays."""
    nested: Any = {"filtered": True}
    for _ in range(330):
        nested = {"x": nested}
    body = HELLO + b"data: " + json.dumps({"choices": [{"index": 0, "content_filter_results": nested}]}).encode() + b"\n\n"
    result = sseparse.accumulate(body)
    assert (result.end, result.text) == ("error", "hello")


SALVAGE_STREAMS = {
    "openai-chat": HELLO,
    "gemini": _gemini([{"text": "hel"}]) + _gemini([{"text": "lo"}]),
    "anthropic-messages": b"".join(
        b"data: " + json.dumps(payload).encode() + b"\n\n"
        for payload in [
            {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "content": []}},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hello"}},
        ]
    ),
}


@pytest.mark.parametrize("fmt", sorted(SALVAGE_STREAMS))
def test_issue_6_a_snapshot_that_fails_keeps_the_text(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """When building the full snapshot fails (a bug, a part of unexpected shape), the text is still there."""
    accumulator = make_accumulator(fmt)
    for event in sseparse.parse(SALVAGE_STREAMS[fmt]):
        accumulator.feed(event)

    def broken() -> Any:
        raise RuntimeError("one part could not be built")

    monkeypatch.setattr(accumulator, "_result", broken)
    result = accumulator.result()
    assert (result.end, result.text) == ("error", "hello")
    assert result.error is not None
    assert "one part could not be built" in result.error.message


# -- 7. Stream and accumulate agree on a foreign [DONE] ------------------------------------------------------

GEMINI_DONE = _gemini([{"text": "hi"}], finishReason="STOP") + b"data: [DONE]\n\n"
_ANTHROPIC: list[dict[str, Any]] = [
    {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "content": [], "model": "c"}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hi"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}},
]
ANTHROPIC_DONE = b"".join(b"event: %s\ndata: %s\n\n" % (p["type"].encode(), json.dumps(p).encode()) for p in _ANTHROPIC)


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("gemini", GEMINI_DONE),
        ("anthropic-messages", ANTHROPIC_DONE + b"data: [DONE]\n\n" + b'event: message_stop\ndata: {"type":"message_stop"}\n\n'),
        ("anthropic-messages", ANTHROPIC_DONE + b'event: message_stop\ndata: {"type":"message_stop"}\n\ndata: [DONE]\n\n'),
    ],
)
@pytest.mark.parametrize("raw", [True, False])
def test_issue_7_stream_and_accumulate_agree_on_a_foreign_done(fmt: str, body: bytes, raw: bool) -> None:
    """A proxy's [DONE] on a format with its own terminal marker: accumulate says complete, Stream yields no item for it."""
    expected = sseparse.accumulate(body, format=fmt)
    assert (expected.end, expected.text) == ("complete", "hi")
    for chunks in ([body], [body[i : i + 1] for i in range(len(body))]):
        stream = sseparse.Stream(chunks, format=fmt, raw=raw)
        items = list(stream)
        assert all(not isinstance(item, str) for item in items)
        result = stream.result()
        assert (result.end, result.text) == (expected.end, expected.text)


# -- scripts/fuzz.py reaches the big families ------------------------------------------------------------

FUZZ_SCRIPT = load_file(Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py", "fuzz_script")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(FUZZ_SCRIPT._hostile_events())
def test_fuzz_script_generates_inputs_far_beyond_4300_digits(body: bytes) -> None:
    """The long-run fuzzer's hostile events go through every target without failing."""
    for target in FUZZ_SCRIPT.TARGETS.values():
        target(body)


def test_fuzz_script_inputs_reach_100k_digits_and_depth() -> None:
    """An event with an integer of 100,000 digits and nesting 100,000 deep goes through every target; atheris may reach 1 MiB."""
    body = b"data: " + FUZZ_SCRIPT._PAYLOAD_SHAPES[0] % (b"9" * 100_000, b"[" * 100_000 + b"]" * 100_000) + b"\n\n"
    for target in FUZZ_SCRIPT.TARGETS.values():
        target(body)
    assert FUZZ_SCRIPT.MAX_LEN >= 1 << 20


# -- chunking: valid bytes are never refused as iter_lines() output ---------------------------------------

COLONS = b'data: {"choices":[{"index":0,"delta":{"content":"std::vector: a::b"}}]}\n\ndata: {"choices":[]}\n\ndata: [DONE]\n\n'


@pytest.mark.parametrize("size", [1, 2, 3, 7, 41])
def test_colons_at_read_boundaries_are_not_taken_for_stripped_lines(size: int) -> None:
    """Reads that start with ':' (inside JSON, or '::' in text) before the first event: the stream reads normally."""
    chunks = [COLONS[start : start + size] for start in range(0, len(COLONS), size)]
    stream = sseparse.Stream(chunks, format="openai-chat", raw=True)
    assert len(list(stream)) == 2
    assert (stream.result().end, stream.result().text) == ("complete", "std::vector: a::b")
