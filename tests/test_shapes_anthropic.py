"""Chunk shapes for Anthropic Messages: text, thinking and input JSON deltas read by their string alone.

As for OpenAI Chat (tests/test_shapes.py, which also runs every capture both ways): the shape path
changes nothing but the speed. The same result and the same updates with and without it, on every
corpus stream and on generated hostile streams (per event, in batches, and as bytes under any
chunking), and the path is really taken (parses and feeds counted).
"""

from __future__ import annotations

import contextlib
import json
import random
from typing import TYPE_CHECKING, Any

import pytest
from decoder_harness import random_split
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import CASES
from test_shapes import FeedCounter, ParseCounter

import sseparse
from sseparse.accumulators.anthropic import AnthropicAccumulator

if TYPE_CHECKING:
    from collections.abc import Iterator

FORMAT = "anthropic-messages"
DELTA_KEYS = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "partial_json"}
BLOCK_TYPES = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "tool_use"}


@contextlib.contextmanager
def no_shapes() -> Iterator[None]:
    """Turn the shape path off: every event is parsed in full (the reference)."""
    learn = AnthropicAccumulator._learn
    AnthropicAccumulator._learn = lambda self, block, kind: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        AnthropicAccumulator._learn = learn  # type: ignore[method-assign]


def _updates(events: list[sseparse.ServerSentEvent]) -> tuple[list[Any], Any]:
    accumulator = AnthropicAccumulator()
    updates = [update for event in events for update in accumulator.feed(event)]
    updates += accumulator.close()
    return updates, accumulator.result()


def _both_ways(events: list[sseparse.ServerSentEvent]) -> tuple[Any, Any]:
    """(per-event updates and result, batch result) with shapes, and the same without."""
    shaped = (_updates(events), sseparse.accumulate(events, FORMAT))
    with no_shapes():
        parsed = (_updates(events), sseparse.accumulate(events, FORMAT))
    return shaped, parsed


def _event(payload: Any, name: str | None = None) -> sseparse.ServerSentEvent:
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return sseparse.ServerSentEvent(data=data, event=name or (payload["type"] if isinstance(payload, dict) else "message"))


def _frame(events: list[sseparse.ServerSentEvent]) -> bytes:
    return b"".join(
        f"event: {e.event}\n".encode() + b"data: " + e.data.encode("utf-8", "surrogatepass") + b"\n\n" for e in events
    )


def _message(delta_type: str, parts: list[str]) -> list[sseparse.ServerSentEvent]:
    block: dict[str, Any] = {"type": BLOCK_TYPES[delta_type]}
    if delta_type == "input_json_delta":
        block.update(id="toolu_1", name="lookup", input={})
    elif delta_type == "thinking_delta":
        block.update(thinking="", signature="")
    else:
        block["text"] = ""
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [], "usage": {}}
    return [
        _event({"type": "message_start", "message": message}),
        _event({"type": "content_block_start", "index": 0, "content_block": block}),
        *(
            _event({"type": "content_block_delta", "index": 0, "delta": {"type": delta_type, DELTA_KEYS[delta_type]: part}})
            for part in parts
        ),
        _event({"type": "content_block_stop", "index": 0}),
        _event({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}}),
        _event({"type": "message_stop"}),
    ]


@pytest.mark.parametrize("case", [c for c in CASES if c.format == FORMAT], ids=lambda c: c.name)
def test_every_corpus_case_gives_the_same_result_and_updates(case: Any) -> None:
    events = sseparse.parse(case.body)
    shaped, parsed = _both_ways(events)
    assert shaped == parsed
    for chunks in ([case.body], random_split(case.body, random.Random(case.name), max_cuts=40)):
        result = sseparse.accumulate(chunks, FORMAT)
        assert result == parsed[1]


@pytest.mark.parametrize("delta_type", list(DELTA_KEYS))
def test_a_long_message_is_parsed_only_where_its_shape_changes(delta_type: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 deltas of one block cost a handful of JSON parses, per event (updates) and in batches, under any chunking."""
    parses = ParseCounter(monkeypatch)
    parts = ['{"q": "' if delta_type == "input_json_delta" else "", *(f"w{i} " for i in range(1000))]
    if delta_type == "input_json_delta":
        parts.append('"}')
    events = _message(delta_type, parts)
    body = _frame(events)
    expected = "".join(parts)
    for chunks in ([body], [body[i : i + 1] for i in range(len(body))], random_split(body, random.Random(5), max_cuts=300)):
        parses.count = 0
        result = sseparse.accumulate(chunks, FORMAT)
        assert result.end == "complete"
        if delta_type == "input_json_delta":
            assert result.tool_calls[0].arguments == expected
        else:
            assert (result.text if delta_type == "text_delta" else result.reasoning) == expected
        assert parses.count <= 8  # start, block start, the first delta, block stop, message delta and stop: 6
    parses.count = 0
    updates, result = _updates(events)
    assert parses.count <= 8
    assert [type(u).__name__ for u in updates].count(
        {"text_delta": "TextDelta", "thinking_delta": "ReasoningDelta", "input_json_delta": "ToolCallArgumentsDelta"}[delta_type]
    ) == len([p for p in parts if p])
    assert result == sseparse.accumulate(events, FORMAT)


def test_a_batch_takes_a_run_of_shaped_deltas_in_one_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """accumulate() over one read hands a run of 1,000 shaped deltas to match_run, not to the per-event feed."""
    feeds = FeedCounter(monkeypatch, AnthropicAccumulator)
    events = _message("text_delta", [f"w{i} " for i in range(1000)])
    result = sseparse.accumulate(_frame(events), FORMAT)
    assert result.text == "".join(f"w{i} " for i in range(1000))
    assert feeds.count <= 7  # the five other events, the first delta and the one that ends the run


@pytest.mark.parametrize(
    "other",
    [
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!", "x": "s"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}, "extra": 1},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "!"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "!"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": {"url": "u"}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": "again "}},
        {"type": "message_start", "message": {"id": "msg_2", "content": []}},
        {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}},
    ],
    ids=["delta-extra", "top-extra", "other-index", "other-type", "citation", "block-restart", "message-restart", "error"],
)
def test_an_event_that_differs_beside_the_string_is_parsed_in_full(other: dict[str, Any]) -> None:
    """Text deltas, then one event like them but for a field beside the text, then more: nothing is lost."""
    events = _message("text_delta", ["a", "b", "c"])
    delta = events[2]
    events[4:4] = [_event(other), _event(json.loads(delta.data)), _event(json.loads(events[3].data))]
    shaped, parsed = _both_ways(events)
    assert shaped == parsed


def test_a_delta_named_error_is_parsed_in_full() -> None:
    events = _message("text_delta", ["a", "b", "c", "d"])
    events[4] = sseparse.ServerSentEvent(data=events[4].data, event="error")
    shaped, parsed = _both_ways(events)
    assert shaped == parsed


def test_a_subclass_that_merges_events_its_own_way_sees_every_delta() -> None:
    """A subclass with its own _handle, or its own handler tables, gets no shapes."""
    seen: list[str] = []

    def record(self: AnthropicAccumulator, block: Any, delta: dict[str, Any], out: Any) -> None:
        seen.append(delta["text"])
        AnthropicAccumulator._text_delta(self, block, delta, out)

    class OwnHandle(AnthropicAccumulator):
        def _handle(self, payload: dict[str, Any], event_type: str, out: Any) -> None:
            if payload.get("type") == "content_block_delta":
                seen.append(payload["delta"]["text"])
            super()._handle(payload, event_type, out)

    class OwnTable(AnthropicAccumulator):
        _DELTAS = {**AnthropicAccumulator._DELTAS, "text_delta": record}  # noqa: RUF012

    for cls in (OwnHandle, OwnTable):
        seen.clear()
        accumulator = cls()
        for event in _message("text_delta", [f"w{i}" for i in range(5)]):
            accumulator.feed(event)
        assert seen == [f"w{i}" for i in range(5)]
        assert accumulator.result().text == "w0w1w2w3w4"


# -- generated hostile streams ----------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=6) | st.sampled_from(
    ['"', "\\", "\n", "\x00", "\ud800", "\udc00x", "\U0001f600", "text", '"text":"', "\u2028", "", '{"a": ']
)
_DELTA_TYPES = [*DELTA_KEYS, "text_delta", "text_delta", "signature_delta", "mystery_delta"]


def _others(index: int) -> list[sseparse.ServerSentEvent]:
    """The events that are not deltas: pings, blocks (re)started and stopped, the message's own events, errors, non-JSON."""
    blocks = [
        {"type": "text", "text": ""},
        {"type": "thinking", "thinking": "", "signature": ""},
        {"type": "tool_use", "id": "toolu_x", "name": "f", "input": {}},
    ]
    return [
        _event({"type": "ping"}),
        *(_event({"type": "content_block_start", "index": index, "content_block": block}) for block in blocks),
        _event({"type": "content_block_stop", "index": index}),
        _event({"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 3}}),
        _event({"type": "message_stop"}),
        _event({"type": "message_start", "message": {"id": "msg_r", "content": [], "usage": {"input_tokens": 2}}}),
        _event({"type": "error", "error": {"type": "api_error", "message": "boom"}}),
        *(_event(raw, "message") for raw in ["[DONE]", "not json", "[1]", '{"type":"content_block_delta"}']),
    ]


_MANGLES = [None] * 6 + ["dup", "control", "glue", "escape-key", "extra-delta", "extra-top", "error-name"]


@st.composite
def _run(draw: st.DrawFn) -> list[sseparse.ServerSentEvent]:
    """Either one other event, or a run of deltas of one block written alike but for their strings (maybe mangled)."""
    if draw(st.integers(0, 3)) == 0:
        return [draw(st.sampled_from(_others(draw(st.integers(0, 2)))))]
    delta_type = draw(st.sampled_from(_DELTA_TYPES))
    key = DELTA_KEYS.get(delta_type, "signature" if delta_type == "signature_delta" else "text")
    index = draw(st.integers(0, 2))
    spaced, ascii_only = draw(st.sampled_from([False] * 4 + [True])), draw(st.sampled_from([True] * 4 + [False]))
    mangle = draw(st.sampled_from(_MANGLES))
    run = []
    for text in draw(st.lists(_TEXT, min_size=1, max_size=6)):
        payload: dict[str, Any] = {"type": "content_block_delta", "index": index, "delta": {"type": delta_type, key: text}}
        if mangle == "extra-delta":
            payload["delta"]["note"] = "n"
        elif mangle == "extra-top":
            payload["x"] = None
        data = json.dumps(payload, separators=None if spaced else (",", ":"), ensure_ascii=ascii_only)
        colon = '": "' if spaced else '":"'
        if mangle == "dup":
            data = data.replace(f'"{key}{colon}', f'"{key}{colon}dup{colon[1:-1]},"{key}{colon}', 1)
        elif mangle == "control":
            data = data.replace(f'"{key}{colon}', f'"{key}{colon}\x07', 1)
        elif mangle == "glue":
            data = data.replace(f'"{key}{colon}', f'"{key}{colon}x", "{key}{colon}', 1)
        elif mangle == "escape-key":
            data = data.replace(f'"{key}"', f'"{key[:-1]}\\u{ord(key[-1]):04x}"', 1)
        name = "error" if mangle == "error-name" and draw(st.booleans()) else "content_block_delta"
        run.append(sseparse.ServerSentEvent(data=data, event=name))
    return run


# The message and one block of each kind at indexes 0, 1 and 2, so that most deltas have a block.
_START = [
    _event({"type": "message_start", "message": {"id": "msg_g", "model": "claude", "content": [], "usage": {}}}),
    _event({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    _event({"type": "content_block_start", "index": 1, "content_block": {"type": "thinking", "thinking": ""}}),
    _event(
        {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}}
    ),
]
_STREAMS = st.lists(_run(), min_size=1, max_size=10).map(lambda runs: [*_START, *(e for run in runs for e in run)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_STREAMS)
def test_generated_event_streams_give_the_same_result_and_updates(events: list[sseparse.ServerSentEvent]) -> None:
    """Events fed directly (raw surrogates possible): per event and in a batch, with and without shapes."""
    shaped, parsed = _both_ways(events)
    assert shaped == parsed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_STREAMS, st.randoms(use_true_random=False))
def test_generated_byte_streams_give_the_same_result_under_any_chunking(
    events: list[sseparse.ServerSentEvent], rng: random.Random
) -> None:
    """The same streams as bytes: whole, one byte at a time and split at random, with and without shapes."""
    body = _frame(events)
    with no_shapes():
        expected = sseparse.accumulate(body, FORMAT)
    for chunks in ([body], [body[i : i + 1] for i in range(len(body))], random_split(body, rng, max_cuts=30)):
        assert sseparse.accumulate(chunks, FORMAT) == expected
