"""Properties: chunking never changes the result; a cut stream is never complete and its text is a prefix.

Plus fuzzing of the "never raises" rule: random bytes, random JSON payloads in every format, and
corpus streams with one value replaced by random JSON.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import CASES, Case

import sseparse

FORMATS = ["openai-chat", "openai-responses", "anthropic-messages", "gemini"]


def _fingerprint(result: sseparse.AccumulatedResult) -> tuple[Any, ...]:
    return (
        result.format,
        result.end,
        result.text,
        result.reasoning,
        [(c.index, c.id, c.name, c.arguments, c.done) for c in result.tool_calls],
        result.finish_reason,
        result.usage,
        result.merge_notes,
        json.dumps(result.final, sort_keys=True, default=repr),
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_cut_is_unfinished_and_a_prefix(case: Case) -> None:
    """Cutting the stream at every byte offset: end is not complete (unless only bytes after the last event are lost) and text is a prefix."""
    full = sseparse.accumulate(case.body)
    full_events = sseparse.parse(case.body)
    args = [c.arguments for c in full.tool_calls]
    check_args = case.format != "gemini" and not case.notes
    restarts = full.details.get("restarts")  # a spliced stream starts over: its text is not a prefix
    for offset in range(len(case.body)):
        cut = sseparse.accumulate(case.body[:offset])
        if not restarts:
            assert full.text.startswith(cut.text), offset
            assert full.reasoning.startswith(cut.reasoning), offset
        if cut.end == "complete":
            assert sseparse.parse(case.body[:offset]) == full_events, offset  # e.g. only the LF of a final CRLF was cut
        if check_args:
            for position, call in enumerate(cut.tool_calls):
                assert args[position].startswith(call.arguments), offset
        if offset and case.end != "error":
            assert cut.end != "error", (offset, cut.error)


_cases = st.sampled_from(CASES)


@st.composite
def _chunked(draw: st.DrawFn) -> tuple[Case, list[bytes]]:
    case = draw(_cases)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(case.body)), max_size=40))))
    bounds = [0, *cuts, len(case.body)]
    return case, [case.body[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_chunked())
def test_chunking_never_changes_the_result(sample: tuple[Case, list[bytes]]) -> None:
    """Any split of the bytes (empty chunks included) gives the same result as the whole body."""
    case, chunks = sample
    assert _fingerprint(sseparse.accumulate(chunks)) == _fingerprint(sseparse.accumulate(case.body))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    """Arbitrary bytes give a result (truncated or error), never an exception."""
    result = sseparse.accumulate(data)
    assert result.end in {"truncated", "error", "complete"}
    assert isinstance(result.text, str)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                _KEYS := [
                    "choices",
                    "delta",
                    "index",
                    "id",
                    "type",
                    "content",
                    "tool_calls",
                    "function",
                    "name",
                    "arguments",
                    "finish_reason",
                    "usage",
                    "error",
                    "message",
                    "content_block",
                    "partial_json",
                    "text",
                    "candidates",
                    "parts",
                    "functionCall",
                    "args",
                    "partialArgs",
                    "jsonPath",
                    "output_index",
                    "content_index",
                    "item",
                    "response",
                    "output",
                    "delta",
                    "role",
                    "thought",
                    "thoughtSignature",
                    "reasoning",
                    "reasoning_content",
                    "refusal",
                    "logprobs",
                    "audio",
                    "summary_index",
                    "part",
                    "sequence_number",
                    "x_groq",
                    "prompt_filter_results",
                    "content_filter_results",
                    "willContinue",
                    "stringValue",
                ]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _snapshot_all(accumulator: sseparse.Accumulator) -> None:
    result = accumulator.result()
    # result() has a last line of defence against odd payloads; it must not be needed.
    assert result.error is None or not result.error.message.startswith("could not build the result"), result.error
    for call in result.tool_calls:
        with contextlib.suppress(sseparse.ToolCallArgumentsError):
            call.json()
        call.partial()
    assert isinstance(result.final, dict)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(FORMATS),
    st.lists(st.tuples(st.sampled_from(["message", "error", "ping", "response.completed"]), _json), max_size=8),
)
def test_random_payloads_never_raise(fmt: str, payloads: list[tuple[str, Any]]) -> None:
    """Random JSON payloads fed to each format's accumulator never raise, and every snapshot works."""
    accumulator = sseparse.make_accumulator(fmt)
    for name, payload in payloads:
        accumulator.feed(sseparse.ServerSentEvent(name, json.dumps(payload)))
        _snapshot_all(accumulator)
    accumulator.close()
    _snapshot_all(accumulator)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            found.extend(_paths(item, (*prefix, position)))
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corpus_with_one_value_replaced_never_raises(data: st.DataObject) -> None:
    """A corpus stream with one value anywhere replaced by random JSON still gives a result."""
    case = data.draw(_cases)
    events = sseparse.parse(case.body)
    position = data.draw(st.integers(0, len(events) - 1))
    try:
        payload = json.loads(events[position].data)
    except ValueError:
        return
    paths = _paths(payload)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    node = payload
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(_json)
    events[position] = sseparse.ServerSentEvent(events[position].event, json.dumps(payload), events[position].id)
    accumulator = sseparse.make_accumulator()
    for event in events:
        accumulator.feed(event)
        _snapshot_all(accumulator)
    accumulator.close()
    _snapshot_all(accumulator)
    assert sseparse.accumulate(events).end == accumulator.end
