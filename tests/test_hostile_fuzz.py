"""A hostile-input fuzzer: LLM-shaped streams with one value made hostile, through every reading path.

Random bytes rarely reach the code that interprets payloads; these inputs do. Each example takes a
stream of the LLM corpus (all four formats), picks events and replaces a value at a random position
(or the whole payload, or adds a key the format reads) with something hostile: a wrong type, nesting
up to 10^5 deep, an integer of 10^4 digits, a huge index, NaN / Infinity, a lone surrogate, a
megabyte string. The stream then goes through `accumulate` (its format and detection), `Stream`
(typed and raw, whole and in random chunks), `make_accumulator` updates and the capture readers.

The only exceptions allowed are the documented ones: `StreamError` subclasses from `Stream` and
`CaptureError` / `MissingDependencyError` from `captures.read`. Every result must be usable: its text
encodes as UTF-8 and its snapshot can be taken at any time.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import CASES

import sseparse
from sseparse import captures
from sseparse.accumulators import make_accumulator
from sseparse.strategies import chunkings

FORMATS = ("openai-chat", "openai-responses", "anthropic-messages", "gemini")
# SSEPARSE_HOSTILE_EXAMPLES=2000 for a longer hunt; CI runs 40 per test (a few seconds each).
HOSTILE_FUZZ = settings(
    max_examples=int(os.environ.get("SSEPARSE_HOSTILE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

# Raw JSON texts that json.dumps cannot produce (or would refuse): spliced in as text.
_RAW_HOSTILE = (
    "[" * 129 + "]" * 129,
    "[" * 1_000 + "]" * 1_000,
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 5_000 + "1" + "}" * 5_000,
    '{"filtered":true,"x":' * 300 + "{}" + "}" * 300,
    "9" * 10_000,
    "-" + "1" * 4_301,
    "1" * 641,
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-Infinity",
    '"\\ud800"',
    '"a\\udfffb"',
    '{"\\ud800": "\\udc00"}',
    '["\\ud83d"]',
)
_VALUE_HOSTILE: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**63,
    10**18,
    -(10**18),
    10**600,
    "",
    "x",
    "[DONE]",
    [],
    [None],
    [[[]]],
    {},
    {"index": []},
    {"type": {}},
    "x" * 1_000_000,
)
# Keys the accumulators and detection read, added with a hostile value when absent.
_KEYS = (
    "object",
    "type",
    "choices",
    "candidates",
    "index",
    "delta",
    "content",
    "tool_calls",
    "function",
    "arguments",
    "finish_reason",
    "usage",
    "error",
    "output_index",
    "content_index",
    "summary_index",
    "item",
    "part",
    "content_block",
    "message",
    "partialArgs",
    "jsonPath",
    "functionCall",
    "parts",
    "usageMetadata",
    "promptFeedback",
    "finishReason",
    "content_filter_results",
    "logprobs",
    "response",
    "sequence_number",
)
_MARK = "\x00HOSTILE\x00"


def _events_of(body: bytes) -> list[tuple[str, str]]:
    return [(event.event, event.data) for event in sseparse.parse(body)]


def _frame(events: list[tuple[str, str]]) -> bytes:
    out: list[str] = []
    for name, data in events:
        if name != "message":
            out.append(f"event: {name}\n")
        out.extend(f"data: {line}\n" for line in data.split("\n"))
        out.append("\n")
    return "".join(out).encode("utf-8", "surrogatepass")


@st.composite
def _hostile_value(draw: st.DrawFn) -> tuple[Any, str | None]:
    """A value for json.dumps, or the mark plus the raw text that replaces it."""
    if draw(st.booleans()):
        return _MARK, draw(st.sampled_from(_RAW_HOSTILE))
    return draw(st.sampled_from(_VALUE_HOSTILE)), None


def _positions(payload: dict[str, Any] | list[Any]) -> list[tuple[Any, Any]]:
    """Every (container, key) position in ``payload``, outermost first (at most 500)."""
    positions: list[tuple[Any, Any]] = []
    queue: list[Any] = [payload]
    while queue and len(positions) < 500:
        node = queue.pop(0)
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        for key in keys:
            positions.append((node, key))
            if isinstance(node[key], (dict, list)):
                queue.append(node[key])
    return positions


@st.composite
def _mutate(draw: st.DrawFn, payload: Any) -> str:
    """Return ``payload`` as JSON text with one position (or the whole) made hostile."""
    value, raw = draw(_hostile_value())
    how = draw(st.sampled_from(("replace", "replace", "add", "whole")))
    if how == "whole" or not isinstance(payload, (dict, list)) or not payload:
        payload = value
    elif how == "add" and isinstance(payload, dict):
        payload = dict(payload)
        payload[draw(st.sampled_from(_KEYS))] = value
    else:
        payload = json.loads(json.dumps(payload))  # a copy to change in place
        node, key = draw(st.sampled_from(_positions(payload)))
        node[key] = value
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.replace(json.dumps(_MARK), raw) if raw is not None else text


@st.composite
def hostile_streams(draw: st.DrawFn, fmt: str) -> bytes:
    """A corpus stream of ``fmt`` with one to three events made hostile."""
    case = draw(st.sampled_from([case for case in CASES if case.format == fmt]))
    events = _events_of(case.body)
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(events) - 1))
        name, data = events[position]
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):  # an event made hostile before: mutate it as a string
            payload = data
        events[position] = (name, draw(_mutate(payload)))
    return _frame(events)


def _check_result(result: sseparse.AccumulatedResult) -> None:
    """A result is usable: an end, text that encodes as UTF-8, and every part readable."""
    assert result.end in ("complete", "error", "truncated")
    if result.error is not None:  # the handlers' and the snapshot's last lines of defence are never needed
        assert not result.error.message.startswith(("could not build the result", "could not interpret an event")), result.error
    result.text.encode()
    result.reasoning.encode()
    for call in result.tool_calls:
        call.arguments.encode()
        with contextlib.suppress(sseparse.ToolCallArgumentsError):
            call.json()
    repr(result)
    result.to_openai()
    result.to_anthropic()


def _accumulate_all_ways(body: bytes, fmt: str) -> None:
    for wire_format in (fmt, None):
        _check_result(sseparse.accumulate(body, format=wire_format))
    accumulator = make_accumulator(fmt)
    for event in sseparse.parse(body):
        accumulator.feed(event)
        accumulator.result()
    accumulator.close()
    _check_result(accumulator.result())


def _stream_all_ways(chunks: list[bytes], fmt: str) -> None:
    for raw in (True, False):
        stream = sseparse.Stream(chunks, format=fmt, raw=raw)
        try:
            for _ in stream:
                pass
        except sseparse.StreamError as exc:
            if exc.partial is not None:
                _check_result(exc.partial)
        _check_result(stream.result())


def _har(body: bytes) -> bytes:
    entry = {
        "request": {"method": "POST", "url": "https://api.example.com/v1/chat/completions", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "content-type", "value": "text/event-stream"}],
            "content": {"mimeType": "text/event-stream", "encoding": "base64", "text": base64.b64encode(body).decode()},
        },
    }
    return json.dumps({"log": {"version": "1.2", "entries": [entry]}}).encode()


def _vcr(body: bytes) -> bytes:
    interaction = {
        "request": {"method": "POST", "uri": "https://api.example.com/v1/chat/completions", "body": None, "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["text/event-stream"]},
            "body": {"string": body.decode("utf-8", "replace")},
        },
    }
    return yaml.safe_dump({"interactions": [interaction], "version": 1}).encode()


def _captures(body: bytes) -> None:
    """The capture readers (raw, HAR, VCR) and every CLI command's processing: documented outcomes only."""
    wrapped = (body, _har(body), _vcr(body)) if len(body) < 50_000 else (body, _har(body))  # PyYAML is slow on megabytes
    for capture in wrapped:
        try:
            responses = captures.read(capture)
        except (captures.CaptureError, captures.MissingDependencyError):
            continue
        for response in responses:
            captures.analyse(response, check=True)
    for command in captures.COMMANDS:
        outcome = captures.process_capture(io.BytesIO(body), command, as_json=True)
        assert outcome.code in (0, 1, 2)
        for line in outcome.lines:
            line.encode()
            if command != "text":  # JSON Lines: strict JSON (no NaN / Infinity)
                json.loads(line, parse_constant=_refuse)


def _refuse(constant: str) -> Any:
    msg = f"{constant} is not JSON"
    raise AssertionError(msg)


@pytest.mark.parametrize("fmt", FORMATS)
@HOSTILE_FUZZ
@given(data=st.data())
def test_hostile_streams_raise_only_documented_errors(fmt: str, data: st.DataObject) -> None:
    """Accumulate, Stream (typed, raw; whole and chunked), make_accumulator and captures: documented outcomes only."""
    body = data.draw(hostile_streams(fmt))
    _accumulate_all_ways(body, fmt)
    _stream_all_ways([body], fmt)
    # No empty reads: before the first event, Stream takes a read that starts with a field name
    # followed by an empty read for iter_lines() output and raises TypeError (its documented choice).
    _stream_all_ways(data.draw(chunkings(body, max_chunks=12, empty_chunks=False)), fmt)
    _captures(body)


@HOSTILE_FUZZ
@given(
    st.lists(st.sampled_from(FORMATS), min_size=2, max_size=3).flatmap(
        lambda fmts: st.tuples(*(hostile_streams(f) for f in fmts))
    )
)
def test_hostile_mixed_streams_through_detection(bodies: tuple[bytes, ...]) -> None:
    """Streams of several formats spliced together, hostile values included: detection never raises."""
    body = b"".join(bodies)
    _check_result(sseparse.accumulate(body))
    _captures(body)
