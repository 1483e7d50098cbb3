"""Differential tests: the same bytes through openai's ChatCompletionStreamState and anthropic's accumulate_event.

On streams the SDKs handle correctly the results must agree; on the quirk streams we show the SDK's
documented failure next to our result (why the identity rules exist).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llm_corpus import CASES, by_name

import sseparse

chat_streaming = pytest.importorskip("openai.lib.streaming.chat")
chat_types = pytest.importorskip("openai.types.chat")
anthropic_streaming = pytest.importorskip("anthropic.lib.streaming._messages")
anthropic_types = pytest.importorskip("anthropic.types")

STREAMS = Path(__file__).resolve().parents[1].parent / "shared" / "streams"
STANDARD_CAPTURES = ["openai-chat-n3-choices", "openai-chat-parallel-tools", "openai-chat-text-usage-obfuscation"]


def _openai_snapshot(body: bytes) -> Any:
    state = chat_streaming.ChatCompletionStreamState()
    for event in sseparse.parse(body):
        if event.data.strip() == "[DONE]":
            break
        state.handle_chunk(chat_types.ChatCompletionChunk.model_validate(json.loads(event.data)))
    return state.current_completion_snapshot


def _summary_openai(snapshot: Any) -> list[dict[str, Any]]:
    return [
        {
            "index": choice.index,
            "content": choice.message.content,
            "refusal": choice.message.refusal,
            "finish_reason": choice.finish_reason,
            "tool_calls": [(t.id, t.function.name, t.function.arguments) for t in choice.message.tool_calls or []],
        }
        for choice in sorted(snapshot.choices, key=lambda c: c.index)
    ]


def _summary_ours(result: sseparse.AccumulatedResult) -> list[dict[str, Any]]:
    return [
        {
            "index": choice.index,
            "content": choice.content,
            "refusal": choice.refusal,
            "finish_reason": choice.finish_reason,
            "tool_calls": [(t.id, t.name, t.arguments) for t in choice.tool_calls],
        }
        for choice in result.choices
    ]


def _chat_bodies() -> list[tuple[str, bytes]]:
    bodies = [
        (c.name, c.body)
        for c in CASES
        if c.format == "openai-chat" and c.standard and c.end == "complete" and not c.name.startswith("chat-legacy")
    ]
    bodies += [
        (name, (STREAMS / f"{name}.sse").read_bytes()) for name in STANDARD_CAPTURES if (STREAMS / f"{name}.sse").is_file()
    ]
    return bodies


@pytest.mark.parametrize(("name", "body"), _chat_bodies(), ids=[n for n, _ in _chat_bodies()])
def test_chat_agrees_with_openai_stream_state(name: str, body: bytes) -> None:
    """Content, refusal, tool calls, finish reasons and usage agree with ChatCompletionStreamState."""
    snapshot = _openai_snapshot(body)
    ours = sseparse.accumulate(body)
    assert _summary_ours(ours) == _summary_openai(snapshot)
    theirs_usage = snapshot.usage.model_dump(exclude_unset=True) if snapshot.usage is not None else None
    assert ours.usage == theirs_usage
    assert ours.final["id"] == snapshot.id
    assert ours.final["model"] == snapshot.model
    # and our final object round-trips through the SDK's own model to the same values
    completion = chat_types.ChatCompletion.model_validate(ours.final)
    assert [c.message.content for c in completion.choices] == [c["content"] for c in _summary_openai(snapshot)]


def test_index0_quirk_is_glued_by_the_sdk_but_not_by_us() -> None:
    """Three parallel calls all at index 0: the SDK concatenates them into one call, we keep three."""
    body = by_name("chat-parallel-index0").body
    theirs = _summary_openai(_openai_snapshot(body))[0]["tool_calls"]
    assert len(theirs) == 1
    assert theirs[0][1] == "get_weatherget_weatherget_time"
    ours = sseparse.accumulate(body)
    assert [c.name for c in ours.tool_calls] == ["get_weather", "get_weather", "get_time"]


def test_repeated_ids_are_doubled_by_the_sdk_but_not_by_us() -> None:
    """id and name repeated on every delta: the SDK concatenates them, we set them once."""
    body = by_name("chat-repeated-id-name").body
    theirs = _summary_openai(_openai_snapshot(body))[0]["tool_calls"][0]
    assert theirs[0] == "call_q1" * 4
    ours = sseparse.accumulate(body).tool_calls[0]
    assert (ours.id, ours.name) == ("call_q1", "search_docs")


def test_choices_out_of_order_break_the_sdk_but_not_us() -> None:
    """n=2 with choice 1 arriving first: the SDK raises IndexError, we key choices by index."""
    body = by_name("chat-n2-out-of-order").body
    with pytest.raises(IndexError):
        _openai_snapshot(body)
    assert [c.text for c in sseparse.accumulate(body).choices] == ["A1 A2", "B1 B2"]


def _anthropic_snapshot(body: bytes) -> Any:
    snapshot = None
    buffers: dict[int, bytes] = {}
    for event in sseparse.parse(body):
        payload = json.loads(event.data)
        if payload["type"] == "ping":
            continue
        typed = _anthropic_adapter().validate_python(payload)
        snapshot = anthropic_streaming.accumulate_event(event=typed, current_snapshot=snapshot, json_bufs=buffers)
    return snapshot


def _anthropic_adapter() -> Any:
    import pydantic  # noqa: PLC0415

    return pydantic.TypeAdapter(anthropic_types.RawMessageStreamEvent)


def _anthropic_bodies() -> list[tuple[str, bytes]]:
    bodies = [(c.name, c.body) for c in CASES if c.format == "anthropic-messages" and c.standard]
    capture = STREAMS / "anthropic-thinking-text-tool-use.synth.sse"
    if capture.is_file():
        bodies.append((capture.stem, capture.read_bytes()))
    return bodies


@pytest.mark.parametrize(("name", "body"), _anthropic_bodies(), ids=[n for n, _ in _anthropic_bodies()])
def test_anthropic_agrees_with_accumulate_event(name: str, body: bytes) -> None:
    """Blocks, tool inputs, thinking signatures, stop reason and usage agree with the anthropic SDK."""
    theirs = _anthropic_snapshot(body)
    ours = sseparse.accumulate(body)
    message = anthropic_types.Message.model_validate(ours.final)
    assert message.stop_reason == theirs.stop_reason
    assert message.usage.output_tokens == theirs.usage.output_tokens
    assert message.usage.input_tokens == theirs.usage.input_tokens
    assert [b.type for b in message.content] == [b.type for b in theirs.content]
    for mine, sdk in zip(message.content, theirs.content, strict=True):
        if sdk.type == "text":
            assert mine.text == sdk.text
        elif sdk.type == "thinking":
            assert (mine.thinking, mine.signature) == (sdk.thinking, sdk.signature)
        elif sdk.type in {"tool_use", "server_tool_use"}:
            assert (mine.id, mine.name, mine.input) == (sdk.id, sdk.name, sdk.input)
