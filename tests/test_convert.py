"""result.to_openai() and result.to_anthropic(): any format, validated with the SDKs' own pydantic models.

Checked on the generated corpus (every format, every rule), on every prefix of each of its streams
(an unfinished answer converts too), on the docs' and examples' captures, and on the shared captures
when ../shared is present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import CASES, Case, choice, chunk, gchunk, sse, tc
from test_hostile_fuzz import FORMATS, hostile_streams

import sseparse

chat_types = pytest.importorskip("openai.types.chat")
anthropic_types = pytest.importorskip("anthropic.types")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "streams"
PROJECT_CAPTURES = sorted([*ROOT.joinpath("docs", "streams").glob("*.sse"), *ROOT.joinpath("examples").glob("*.sse")])
SHARED_CAPTURES = sorted(SHARED.glob("*.sse")) if SHARED.is_dir() else []


def validate(result: sseparse.AccumulatedResult) -> tuple[Any, Any]:
    """Both conversions, validated by the SDKs (and JSON-ready)."""
    openai_dict, anthropic_dict = result.to_openai(), result.to_anthropic()
    json.dumps(openai_dict)
    json.dumps(anthropic_dict)
    return chat_types.ChatCompletion.model_validate(openai_dict), anthropic_types.Message.model_validate(anthropic_dict)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_corpus_converts_to_both_sdk_shapes(case: Case) -> None:
    """Every corpus stream, of every format, gives a valid ChatCompletion and a valid Message with its text and calls."""
    result = sseparse.accumulate(case.body)
    completion, message = validate(result)
    first = completion.choices[0]
    assert (first.message.content or "") == result.text
    calls = [(c.function.name, c.function.arguments) for c in first.message.tool_calls or [] if c.type == "function"]
    legacy = first.message.function_call
    if legacy is not None:  # the pre-tools function_call of OpenAI Chat stays one
        calls.append((legacy.name, legacy.arguments))
    assert calls == [(c.name, c.arguments or "{}") for c in result.tool_calls if c.type != "custom_tool_call"]
    texts = [block.text for block in message.content if block.type == "text"]
    assert "".join(texts) == result.text
    assert [b.name for b in message.content if b.type == "tool_use"] == [c.name for c in result.tool_calls]


@pytest.mark.parametrize("case", [c for c in CASES if c.end == "complete"][::3], ids=lambda case: case.name)
def test_every_prefix_of_a_stream_converts(case: Case) -> None:
    """A live snapshot converts too: after each event, both dicts validate (unfinished answers included)."""
    accumulator = sseparse.make_accumulator(case.format)
    for event in sseparse.parse(case.body):
        accumulator.feed(event)
        validate(accumulator.result())


def test_openai_shape_of_a_gemini_answer() -> None:
    """Gemini: text, a call without id (call_<index>), arguments as JSON text, STOP with a call is tool_calls, thoughts as reasoning_content."""
    usage = {"promptTokenCount": 9, "candidatesTokenCount": 6, "thoughtsTokenCount": 4, "totalTokenCount": 19}
    parts: list[dict[str, Any]] = [
        {"text": "Thinking...", "thought": True},
        {"text": "Let me look."},
        {"functionCall": {"name": "get_weather", "args": {"city": "Zürich"}}},
    ]
    result = sseparse.accumulate(sse([gchunk(parts, finish="STOP", usage=usage)], eol="\r\n"))
    completion = result.to_openai()
    message = completion["choices"][0]["message"]
    assert message["content"] == "Let me look."
    assert message["reasoning_content"] == "Thinking..."
    assert message["tool_calls"] == [
        {"id": "call_0", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Zürich"}'}}
    ]
    assert completion["choices"][0]["finish_reason"] == "tool_calls"
    assert completion["usage"] == {
        "prompt_tokens": 9,
        "completion_tokens": 10,
        "total_tokens": 19,
        "completion_tokens_details": {"reasoning_tokens": 4},
    }
    assert completion["id"] == "resp-gemini-corpus"
    assert completion["model"] == "gemini-corpus"


def test_anthropic_shape_of_an_openai_answer() -> None:
    """OpenAI chat: reasoning becomes a thinking block, calls tool_use blocks with parsed input, usage splits out the cache."""
    usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_tokens_details": {"cached_tokens": 60}}
    body = sse(
        [
            chunk(choice({"role": "assistant", "reasoning_content": "Hmm.", "content": "Sure."})),
            chunk(choice({"tool_calls": [tc(0, "call_1", "lookup", '{"q": ')]})),
            chunk(choice({"tool_calls": [tc(0, args='"x"}')]})),
            chunk(choice({}, finish="tool_calls")),
            chunk(usage=usage),
        ],
        done=True,
    )
    message = sseparse.accumulate(body).to_anthropic()
    assert message["content"] == [
        {"type": "thinking", "thinking": "Hmm.", "signature": ""},
        {"type": "text", "text": "Sure.", "citations": None},
        {"type": "tool_use", "id": "call_1", "name": "lookup", "input": {"q": "x"}},
    ]
    assert message["stop_reason"] == "tool_use"
    assert message["usage"] == {
        "input_tokens": 40,
        "output_tokens": 20,
        "cache_read_input_tokens": 60,
        "cache_creation_input_tokens": None,
    }
    anthropic_types.Message.model_validate(message)


def test_an_anthropic_result_keeps_its_own_blocks() -> None:
    """to_anthropic of an Anthropic stream is its own message (a copy: changing it changes nothing in the result)."""
    case = next(c for c in CASES if c.format == "anthropic-messages" and c.tool_calls)
    result = sseparse.accumulate(case.body)
    message = result.to_anthropic()
    assert message == result.final
    message["content"].clear()
    assert result.final["content"]


def test_unfinished_and_failed_answers_are_not_reported_as_finished() -> None:
    """OpenAI's schema has no 'unfinished': a cut or failed answer says length there, never stop; Anthropic's says None."""
    cut = sseparse.accumulate(sse([chunk(choice({"role": "assistant", "content": "Half an ans"}))]))
    failed = sseparse.accumulate(sse([chunk(choice({"content": "Hi"})), {"error": {"message": "boom"}}]))
    for result in (cut, failed):
        assert result.to_openai()["choices"][0]["finish_reason"] == "length"
        assert result.to_anthropic()["stop_reason"] is None
        validate(result)
    assert cut.stop is None
    assert failed.stop == "error"


def test_openai_n_choices_all_convert() -> None:
    """n>1: every choice becomes a choice of the ChatCompletion, each with its own finish reason."""
    body = sse(
        [chunk(choice({"content": "a"}, index=0, finish="length"), choice({"content": "b"}, index=1, finish="stop"))], done=True
    )
    completion = sseparse.accumulate(body).to_openai()
    assert [(c["index"], c["message"]["content"], c["finish_reason"]) for c in completion["choices"]] == [
        (0, "a", "length"),
        (1, "b", "stop"),
    ]


def test_a_result_without_any_format_converts() -> None:
    """Even a stream nobody could read gives valid (empty) dicts."""
    result = sseparse.accumulate(b"data: not json\n\n")
    assert result.format is None
    completion, message = validate(result)
    assert completion.choices[0].finish_reason == "length"
    assert message.content == []


@pytest.mark.parametrize("path", PROJECT_CAPTURES, ids=lambda p: p.name)
def test_project_captures_convert(path: Path) -> None:
    """The docs' and examples' captures convert whole and fed one byte at a time, to the same dicts."""
    body = path.read_bytes()
    result = sseparse.accumulate(body)
    validate(result)
    one_byte = sseparse.accumulate(body[i : i + 1] for i in range(len(body)))
    assert one_byte.to_openai() == result.to_openai()
    assert one_byte.to_anthropic() == result.to_anthropic()


@pytest.mark.skipif(not SHARED_CAPTURES, reason="../shared/streams is not present")
@pytest.mark.parametrize("path", SHARED_CAPTURES, ids=lambda p: p.stem)
def test_shared_captures_convert(path: Path) -> None:
    """Every shared capture, of every format (Cohere included), converts to both SDK shapes with its text and calls."""
    result = sseparse.accumulate(path.read_bytes())
    completion, message = validate(result)
    calls = completion.choices[0].message.tool_calls or []
    assert [call.function.name for call in calls] == [call.name for call in result.tool_calls]
    assert [block.name for block in message.content if block.type == "tool_use"] == [call.name for call in result.tool_calls]
    if result.reasoning:
        assert completion.choices[0].message.model_extra["reasoning_content"] == result.choices[0].reasoning


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(fmt=st.sampled_from(FORMATS), data=st.data())
def test_hostile_streams_still_convert(fmt: str, data: st.DataObject) -> None:
    """Streams with wrong types, huge numbers, NaN and deep nesting still give dicts the SDKs validate."""
    result = sseparse.accumulate(data.draw(hostile_streams(fmt)))
    validate(result)
