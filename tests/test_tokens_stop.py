"""result.tokens (sseparse.Tokens) and result.stop (sseparse.Stop): one view of usage and stop reasons.

Streams are built here with the corpus helpers; the shared captures are checked too when present.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import choice, chunk, gchunk, sse

import sseparse
from sseparse import Stop, Tokens

SHARED = Path(__file__).resolve().parents[2] / "shared" / "streams"


# -- builders -------------------------------------------------------------------------------------------


def chat(finish: str | None, *, usage: Any = None, done: bool = True, groq: Any = None, **delta: Any) -> bytes:
    payloads: list[Any] = [chunk(choice({"role": "assistant", "content": "Hi", **delta}))]
    payloads.append(chunk(choice({}, finish=finish)))
    if usage is not None:
        payloads.append(chunk(usage=usage))
    if groq is not None:
        last = chunk(choice({}))
        last["x_groq"] = {"id": "req_1", "usage": groq}
        payloads.append(last)
    return sse(payloads, done=done)


def anthropic(stop_reason: str | None, *, usage: Any = None, start_usage: Any = None, stop: bool = True) -> bytes:
    message: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": []}
    message.update({"stop_reason": None, "stop_sequence": None, "usage": start_usage or {"input_tokens": 10, "output_tokens": 1}})
    payloads: list[Any] = [
        {"type": "message_start", "message": message},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": None},
            "usage": usage or {"output_tokens": 5},
        },
    ]
    if stop:
        payloads.append({"type": "message_stop"})
    return sse(payloads, events=True)


def responses(status: str, reason: str | None = None, *, usage: Any = None) -> bytes:
    response: dict[str, Any] = {"id": "resp_1", "object": "response", "status": status, "model": "gpt", "output": []}
    if reason is not None:
        response["incomplete_details"] = {"reason": reason}
    response["usage"] = usage
    kind = {"completed": "response.completed", "incomplete": "response.incomplete", "failed": "response.failed"}[status]
    created = {"type": "response.created", "sequence_number": 0, "response": {**response, "status": "in_progress"}}
    return sse([created, {"type": kind, "sequence_number": 1, "response": response}], events=True)


def gemini(finish: str | None, *, usage: Any = None, parts: Any = None) -> bytes:
    return sse([gchunk(parts if parts is not None else [{"text": "Hi"}], finish=finish, usage=usage)], eol="\r\n")


# -- Tokens -----------------------------------------------------------------------------------------------


def test_openai_chat_usage_becomes_tokens_with_cached_and_reasoning_counts() -> None:
    """prompt/completion/total tokens, cached_tokens and reasoning_tokens map to the six fields."""
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 40,
        "total_tokens": 140,
        "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 25},
    }
    result = sseparse.accumulate(chat("stop", usage=usage))
    assert result.tokens == Tokens(input=100, output=40, total=140, reasoning=25, cache_read=64)
    assert result.usage == usage  # the provider's own object is untouched


def test_groq_usage_inside_x_groq_is_read() -> None:
    """Groq's usage under x_groq.usage (no top-level usage) fills the tokens."""
    result = sseparse.accumulate(chat("stop", groq={"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}))
    assert result.tokens == Tokens(input=7, output=3, total=10)


def test_anthropic_input_counts_the_cache_and_keeps_both_cache_fields() -> None:
    """Anthropic's input_tokens leaves the cache out: input adds cache reads and writes back in."""
    start = {"input_tokens": 12, "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 300, "output_tokens": 1}
    result = sseparse.accumulate(anthropic("end_turn", start_usage=start, usage={"output_tokens": 80}))
    assert result.tokens == Tokens(input=2312, output=80, total=2392, cache_read=2000, cache_write=300)


def test_gemini_output_includes_thoughts_and_reasoning_is_thoughts_token_count() -> None:
    """candidatesTokenCount leaves out thoughtsTokenCount: output adds it, reasoning is it."""
    usage = {
        "promptTokenCount": 30,
        "candidatesTokenCount": 12,
        "thoughtsTokenCount": 50,
        "totalTokenCount": 92,
        "cachedContentTokenCount": 20,
    }
    result = sseparse.accumulate(gemini("STOP", usage=usage))
    assert result.tokens == Tokens(input=30, output=62, total=92, reasoning=50, cache_read=20)


def test_responses_usage_details_map_to_cache_read_and_reasoning() -> None:
    """input/output/total tokens plus input_tokens_details.cached_tokens and output_tokens_details.reasoning_tokens."""
    usage = {
        "input_tokens": 50,
        "input_tokens_details": {"cached_tokens": 10},
        "output_tokens": 20,
        "output_tokens_details": {"reasoning_tokens": 8},
        "total_tokens": 70,
    }
    assert sseparse.accumulate(responses("completed", usage=usage)).tokens == Tokens(
        input=50, output=20, total=70, reasoning=8, cache_read=10
    )


def test_no_usage_gives_empty_tokens() -> None:
    """A stream without usage: every field is None."""
    assert sseparse.accumulate(chat("stop")).tokens == Tokens()
    assert Tokens().as_dict() == dict.fromkeys(("input", "output", "total", "reasoning", "cache_read", "cache_write"))


BAD_COUNTS = [True, False, -1, 2**53 + 1, 10**30, 1.5, 3.0, "12", None, [1], {"n": 1}]


@pytest.mark.parametrize("bad", BAD_COUNTS, ids=repr)
def test_wire_values_that_are_not_counts_become_none(bad: object) -> None:
    """A bool, negative, oversized, float, string or structured count is None, never an exception."""
    usage = {"prompt_tokens": bad, "completion_tokens": 5, "completion_tokens_details": {"reasoning_tokens": bad}}
    tokens = sseparse.accumulate(chat("stop", usage=usage)).tokens
    assert tokens.input is None
    assert tokens.output == 5
    assert tokens.reasoning is None
    assert tokens.total is None  # not computable from one side


scalars = st.sampled_from(BAD_COUNTS) | st.integers(min_value=-(2**64), max_value=2**64)
json_values = scalars | st.dictionaries(st.sampled_from(["cached_tokens", "reasoning_tokens", "x"]), scalars, max_size=2)
usage_keys = st.sampled_from(
    [
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "prompt_tokens_details",
        "completion_tokens_details",
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "promptTokenCount",
        "candidatesTokenCount",
        "thoughtsTokenCount",
        "totalTokenCount",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    usage=st.dictionaries(usage_keys, json_values, max_size=6),
    fmt=st.sampled_from(["openai-chat", "anthropic-messages", "gemini"]),
)
def test_any_usage_object_gives_bounded_counts(usage: dict[str, Any], fmt: str) -> None:
    """Whatever a usage object holds, every field is None or an int in 0..2**53 (plus the sum for total)."""
    body = {
        "openai-chat": lambda: chat("stop", usage=usage or None),
        "anthropic-messages": lambda: anthropic("end_turn", start_usage=usage or None),
        "gemini": lambda: gemini("STOP", usage=usage),
    }[fmt]()
    tokens = sseparse.accumulate(body, format=fmt).tokens
    for value in tokens.as_dict().values():
        assert value is None or (type(value) is int and 0 <= value <= 3 * 2**53)


def test_tokens_from_wire_validates_each_value() -> None:
    """The plugin helper Tokens.from_wire drops what is not a count and derives the total."""
    assert Tokens.from_wire(input=3, output=4) == Tokens(input=3, output=4, total=7)
    assert Tokens.from_wire(input="3", output=True, total=-1, reasoning=2.0) == Tokens()


# -- Stop ---------------------------------------------------------------------------------------------------

CHAT_REASONS = [
    ("stop", Stop.STOP),
    ("length", Stop.LENGTH),
    ("tool_calls", Stop.TOOL_CALLS),
    ("function_call", Stop.TOOL_CALLS),
    ("content_filter", Stop.CONTENT_FILTER),
    ("abort", Stop.ERROR),
    ("something_new", Stop.OTHER),
]


@pytest.mark.parametrize(("reason", "stop"), CHAT_REASONS)
def test_openai_chat_finish_reasons(reason: str, stop: Stop) -> None:
    """Each OpenAI finish_reason (and the compatible servers' extras) maps; finish_reason stays raw."""
    result = sseparse.accumulate(chat(reason))
    assert result.stop is stop
    assert result.finish_reason == reason


ANTHROPIC_REASONS = [
    ("end_turn", Stop.STOP),
    ("stop_sequence", Stop.STOP),
    ("max_tokens", Stop.LENGTH),
    ("model_context_window_exceeded", Stop.LENGTH),
    ("tool_use", Stop.TOOL_CALLS),
    ("pause_turn", Stop.PAUSE),
    ("refusal", Stop.REFUSAL),
]


@pytest.mark.parametrize(("reason", "stop"), ANTHROPIC_REASONS)
def test_anthropic_stop_reasons(reason: str, stop: Stop) -> None:
    """Every Anthropic stop_reason maps, pause_turn / refusal / model_context_window_exceeded included."""
    assert sseparse.accumulate(anthropic(reason)).stop is stop


GEMINI_REASONS = [
    ("STOP", Stop.STOP),
    ("MAX_TOKENS", Stop.LENGTH),
    ("SAFETY", Stop.CONTENT_FILTER),
    ("RECITATION", Stop.CONTENT_FILTER),
    ("BLOCKLIST", Stop.CONTENT_FILTER),
    ("PROHIBITED_CONTENT", Stop.CONTENT_FILTER),
    ("SPII", Stop.CONTENT_FILTER),
    ("IMAGE_SAFETY", Stop.CONTENT_FILTER),
    ("LANGUAGE", Stop.OTHER),
    ("OTHER", Stop.OTHER),
    ("FINISH_REASON_UNSPECIFIED", Stop.OTHER),
    ("MALFORMED_FUNCTION_CALL", Stop.ERROR),
    ("UNEXPECTED_TOOL_CALL", Stop.ERROR),
    ("TOO_MANY_TOOL_CALLS", Stop.ERROR),
]


@pytest.mark.parametrize(("reason", "stop"), GEMINI_REASONS)
def test_gemini_finish_reasons(reason: str, stop: Stop) -> None:
    """Every documented Gemini finishReason maps (SAFETY, RECITATION, MALFORMED_FUNCTION_CALL ...)."""
    result = sseparse.accumulate(gemini(reason))
    assert result.stop is stop
    assert result.choices[0].stop is stop


@pytest.mark.parametrize(
    ("status", "reason", "stop"),
    [
        ("completed", None, Stop.STOP),
        ("incomplete", "max_output_tokens", Stop.LENGTH),
        ("incomplete", "content_filter", Stop.CONTENT_FILTER),
    ],
)
def test_responses_status_and_incomplete_reason(status: str, reason: str | None, stop: Stop) -> None:
    """Responses: completed, and incomplete with max_output_tokens / content_filter."""
    assert sseparse.accumulate(responses(status, reason)).stop is stop


def test_responses_failed_is_error() -> None:
    """response.failed ends the stream with an error: stop is ERROR."""
    body = responses("failed")
    assert sseparse.accumulate(body).stop is Stop.ERROR


def test_a_natural_stop_with_tool_calls_is_tool_calls() -> None:
    """Gemini says STOP when the answer is a call (and vLLM's named tools say stop): that is TOOL_CALLS."""
    call = {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}
    result = sseparse.accumulate(gemini("STOP", parts=[call]))
    assert result.finish_reason == "STOP"
    assert result.stop is Stop.TOOL_CALLS


def test_a_refusal_alone_is_refusal() -> None:
    """An OpenAI answer that is only a refusal (finish_reason stop) is REFUSAL."""
    body = sse(
        [chunk(choice({"role": "assistant", "refusal": "I can't help with that."})), chunk(choice({}, finish="stop"))], done=True
    )
    assert sseparse.accumulate(body).stop is Stop.REFUSAL


def test_gemini_blocked_prompt_is_content_filter() -> None:
    """A prompt blocked up front (promptFeedback.blockReason, no candidate) is CONTENT_FILTER."""
    body = sse([{"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5}}])
    result = sseparse.accumulate(body)
    assert result.end == "complete"
    assert result.stop is Stop.CONTENT_FILTER


def test_unfinished_stream_has_no_stop_and_an_error_is_error() -> None:
    """None while unfinished (cut before any finish reason); ERROR for an in-stream error."""
    cut = sseparse.accumulate(anthropic(None, stop=False))
    assert cut.end == "truncated"
    assert cut.stop is None
    failed = sseparse.accumulate(sse([chunk(choice({"content": "Hi"})), {"error": {"message": "boom", "type": "server_error"}}]))
    assert failed.end == "error"
    assert failed.stop is Stop.ERROR
    unknown = sseparse.accumulate(b"data: {}\n\n" * 40)
    assert unknown.format is None
    assert unknown.stop is Stop.ERROR


def test_a_complete_stream_without_a_finish_reason_is_stop() -> None:
    """Ollama's OpenAI layer may finish with finish_reason null and [DONE]: the answer is finished."""
    result = sseparse.accumulate(chat(None))
    assert result.end == "complete"
    assert result.stop is Stop.STOP


def test_each_choice_has_its_own_stop() -> None:
    """n>1: each choice maps its own finish reason; result.stop is choice 0's."""
    body = sse(
        [chunk(choice({"content": "a"}, index=0, finish="length"), choice({"content": "b"}, index=1, finish="stop"))], done=True
    )
    result = sseparse.accumulate(body)
    assert [c.stop for c in result.choices] == [Stop.LENGTH, Stop.STOP]
    assert result.stop is Stop.LENGTH


def test_stop_is_a_str_enum() -> None:
    """Stop compares with its string value and prints as it."""
    assert str(Stop.TOOL_CALLS) == "tool_calls"
    assert Stop("tool_calls") is Stop.TOOL_CALLS
    assert f"{Stop.PAUSE}" == "pause"
    assert [s.value for s in Stop] == ["stop", "length", "tool_calls", "content_filter", "refusal", "pause", "error", "other"]


def test_every_sdk_documented_reason_has_a_mapping() -> None:
    """The SDKs' own Literal types list the documented reasons: each one is in the table (a decision, not a default)."""
    chat_types = pytest.importorskip("openai.types.chat.chat_completion")
    anthropic_types = pytest.importorskip("anthropic.types")
    responses_types = pytest.importorskip("openai.types.responses.response")
    from sseparse.accumulators._normalize import STOP_REASONS  # noqa: PLC0415 - the table under test

    finish = set(typing.get_args(chat_types.Choice.model_fields["finish_reason"].annotation))
    assert finish
    assert finish <= set(STOP_REASONS["openai-chat"])
    assert set(typing.get_args(anthropic_types.StopReason)) <= set(STOP_REASONS["anthropic-messages"])
    responses: set[str] = set()
    for annotation in (
        responses_types.IncompleteDetails.model_fields["reason"].annotation,
        responses_types.Response.model_fields["status"].annotation,
    ):
        responses.update(arg for union in typing.get_args(annotation) for arg in typing.get_args(union))
    assert {"max_output_tokens", "content_filter", "completed", "failed"} <= responses
    assert responses - {"in_progress", "queued"} <= set(STOP_REASONS["openai-responses"])


# -- the shared captures -------------------------------------------------------------------------------------

CAPTURE_VIEWS: dict[str, tuple[Stop | None, Tokens]] = {
    "anthropic-thinking-text-tool-use.synth": (
        Stop.TOOL_CALLS,
        Tokens(input=412, output=118, total=530, cache_read=0, cache_write=0),
    ),
    "cohere-v2-tool-calls": (Stop.TOOL_CALLS, Tokens(input=1549, output=95, total=1644, cache_read=1504)),
    "gemini-thoughts-then-text": (Stop.STOP, Tokens(input=34, output=1256, total=1290, reasoning=787)),
    "groq-tool-call-x-groq-usage": (Stop.TOOL_CALLS, Tokens(input=210, output=15, total=225)),
    "llamacpp-error-midstream": (Stop.ERROR, Tokens()),
    "openai-compat-whole-args-empty-name": (Stop.TOOL_CALLS, Tokens(input=171, output=14, total=185, cache_read=128)),
    "openai-responses-reasoning-summary-function": (
        Stop.TOOL_CALLS,
        Tokens(input=134, output=28, total=162, reasoning=0, cache_read=0),
    ),
    "vllm-reasoning-named-tool": (Stop.TOOL_CALLS, Tokens(input=303, output=53, total=356, reasoning=25)),
}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/streams is not present")
@pytest.mark.parametrize("name", sorted(CAPTURE_VIEWS))
def test_shared_capture_tokens_and_stop(name: str) -> None:
    """Tokens and Stop of recorded streams of every format (Groq's x_groq usage, Anthropic's cache, Gemini's thoughts)."""
    path = SHARED / f"{name}.sse"
    if not path.exists():
        pytest.skip(f"{path.name} is not present")
    result = sseparse.accumulate(path.read_bytes())
    stop, tokens = CAPTURE_VIEWS[name]
    assert result.stop is stop
    assert result.tokens == tokens
