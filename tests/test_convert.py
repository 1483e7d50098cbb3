"""result.to_openai() and result.to_anthropic(): any format, validated with the SDKs' own pydantic models.

Checked on the generated corpus (every format, every rule), on every prefix of each of its streams
(an unfinished answer converts too), on the docs' and examples' captures, and on the shared captures
when ../shared is present.
"""

from __future__ import annotations

import itertools
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


# -- an OpenAI Chat result keeps its own fields -------------------------------------------------------

_CITATION = {
    "type": "url_citation",
    "url_citation": {"start_index": 0, "end_index": 5, "title": "Zürich", "url": "https://example.com/z"},
}
OWN_FIELDS_BODY = sse(
    [
        chunk(
            choice({"role": "assistant", "content": "Hello", "audio": {"id": "audio_1", "transcript": "Hel"}}),
            service_tier="default",
        ),
        chunk(choice({"content": " there", "annotations": [_CITATION], "audio": {"data": "UklG", "transcript": "lo"}})),
        chunk(choice({"audio": {"data": "RiQA", "expires_at": 1767229200}}, native_finish_reason="end_turn")),
        chunk(choice({"reasoning_details": [{"type": "reasoning.summary", "summary": "none"}]}, finish="stop")),
        chunk(
            usage={
                "prompt_tokens": 12,
                "completion_tokens": 7,
                "total_tokens": 19,
                "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 3, "accepted_prediction_tokens": 1},
                "cost": 0.00042,
            },
            provider="openrouter-like",
        ),
    ],
    done=True,
)


def _own_fields_converted(result: sseparse.AccumulatedResult) -> dict[str, Any]:
    converted = result.to_openai()
    completion = chat_types.ChatCompletion.model_validate(converted)
    message = completion.choices[0].message
    assert message.annotations is not None
    assert message.annotations[0].url_citation.url == "https://example.com/z"
    assert message.audio is not None
    assert (message.audio.id, message.audio.data, message.audio.transcript, message.audio.expires_at) == (
        "audio_1",
        "UklGRiQA",
        "Hello",
        1767229200,
    )
    assert completion.service_tier == "default"
    assert completion.usage is not None
    assert completion.usage.completion_tokens_details is not None
    assert completion.usage.completion_tokens_details.accepted_prediction_tokens == 1
    assert completion.usage.completion_tokens_details.audio_tokens == 3
    assert completion.usage.prompt_tokens_details is not None
    assert completion.usage.prompt_tokens_details.cached_tokens == 4
    return converted


def test_an_openai_result_keeps_every_field_of_its_own() -> None:
    """to_openai of an OpenAI Chat stream carries annotations, audio, service_tier, usage details and unknown keys."""
    result = sseparse.accumulate(OWN_FIELDS_BODY)
    converted = _own_fields_converted(result)
    final = result.final
    for key in final:
        assert key in converted, key
    assert converted["provider"] == "openrouter-like"
    assert converted["usage"]["cost"] == 0.00042
    own_choice, choice0 = final["choices"][0], converted["choices"][0]
    assert set(own_choice) <= set(choice0)
    assert choice0["native_finish_reason"] == "end_turn"
    assert set(own_choice["message"]) <= set(choice0["message"])
    assert choice0["message"]["reasoning_details"] == own_choice["message"]["reasoning_details"]
    converted["choices"][0]["message"]["annotations"].clear()  # a copy: the result is untouched
    assert result.final["choices"][0]["message"]["annotations"] == [_CITATION]


@settings(max_examples=25, deadline=None, database=None)
@given(cuts=st.lists(st.integers(0, len(OWN_FIELDS_BODY)), max_size=12))
def test_own_fields_under_any_chunking(cuts: list[int]) -> None:
    """Whole, one byte at a time and at random cuts: the same converted dict."""
    whole = sseparse.accumulate(OWN_FIELDS_BODY).to_openai()
    points = [0, *sorted(cuts), len(OWN_FIELDS_BODY)]
    pieces = [OWN_FIELDS_BODY[a:b] for a, b in itertools.pairwise(points)]
    assert _own_fields_converted(sseparse.accumulate(pieces)) == whole
    one_byte = [OWN_FIELDS_BODY[i : i + 1] for i in range(len(OWN_FIELDS_BODY))]
    assert _own_fields_converted(sseparse.accumulate(one_byte)) == whole


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("top", "service_tier", "warp-speed"),
        ("top", "service_tier", 3),
        ("top", "service_tier", ["default"]),  # unhashable: the check must not raise
        ("top", "service_tier", {"tier": "default"}),
        ("top", "metadata", {"a": 1}),
        ("top", "moderation", {"input": "?"}),
        ("message", "annotations", [{"type": "file_citation", "file_id": "f"}]),
        ("message", "annotations", [1, _CITATION]),
        ("top", "system_fingerprint", ["fp"]),
        ("message", "audio", {"id": "audio_1", "data": "UklG"}),
    ],
)
def test_own_fields_the_schema_types_are_carried_only_when_they_fit(where: str, key: str, value: Any) -> None:
    """A typed field whose value the schema refuses stays in final, out of the dict, which still validates."""
    delta: dict[str, Any] = {"role": "assistant", "content": "Hi"}
    top: dict[str, Any] = {}
    if where == "top":
        top[key] = value
    else:
        delta[key] = value
    result = sseparse.accumulate(sse([chunk(choice(delta, finish="stop"), **top)], done=True))
    own = result.final if where == "top" else result.final["choices"][0]["message"]
    assert key in own
    converted = result.to_openai()
    chat_types.ChatCompletion.model_validate(converted)
    assert key not in (converted if where == "top" else converted["choices"][0]["message"])


OPENAI_CAPTURES = [p for p in (*PROJECT_CAPTURES, *SHARED_CAPTURES) if b'"chat.completion.chunk"' in p.read_bytes()]


@pytest.mark.parametrize("path", OPENAI_CAPTURES, ids=lambda p: p.name)
def test_openai_captures_lose_no_field_in_conversion(path: Path) -> None:
    """Every OpenAI Chat capture: each key of final, of its choices and of their messages is in to_openai()."""
    result = sseparse.accumulate(path.read_bytes())
    assert result.format == "openai-chat"
    assert result.final
    converted = result.to_openai()
    chat_types.ChatCompletion.model_validate(converted)
    assert set(result.final) - {"usage"} <= set(converted)
    choices = {c["index"]: c for c in converted["choices"]}
    for own in result.final["choices"]:
        assert set(own) <= set(choices[own["index"]])
        assert set(own["message"]) <= set(choices[own["index"]]["message"])


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_OWN_KEYS = {
    "top": ["service_tier", "metadata", "moderation", "system_fingerprint", "x_provider"],
    "choice": ["content_filter_results", "native_finish_reason", "x_choice"],
    "delta": ["annotations", "audio", "reasoning_details", "x_delta"],
}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(where=st.sampled_from(list(_OWN_KEYS)), data=st.data())
def test_any_json_in_an_own_field_still_converts(where: str, data: st.DataObject) -> None:
    """Any JSON value (unhashable, NaN, huge, nested) in a typed or unknown own field: a dict the SDK validates."""
    key = data.draw(st.sampled_from(_OWN_KEYS[where]))
    values = data.draw(st.lists(_JSON, min_size=1, max_size=3))
    chunks = []
    for value in values:
        delta: dict[str, Any] = {"content": "x"}
        extra_choice: dict[str, Any] = {}
        top: dict[str, Any] = {}
        {"top": top, "choice": extra_choice, "delta": delta}[where][key] = value
        chunks.append(chunk(choice(delta, **extra_choice), **top))
    chunks.append(chunk(choice({}, finish="stop")))
    result = sseparse.accumulate(sse(chunks, done=True))
    converted = result.to_openai()
    json.dumps(converted)
    chat_types.ChatCompletion.model_validate(converted)


_ANTHROPIC_MESSAGE_KEYS = ["type", "role", "stop_sequence", "container", "diagnostics", "stop_details", "x_provider"]
_ANTHROPIC_USAGE_KEYS = [
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "inference_geo",
    "service_tier",
    "speed",
    "cache_creation",
    "server_tool_use",
    "output_tokens_details",
    "x_usage",
]


def _anthropic_body(message_fields: dict[str, Any], usage_fields: dict[str, Any]) -> bytes:
    usage = {"input_tokens": 10, "output_tokens": 1, **usage_fields}
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [], **message_fields}
    message["usage"] = usage
    return sse(
        [
            {"type": "message_start", "message": message},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}},
            {"type": "message_stop"},
        ],
        events=True,
    )


def test_an_anthropic_message_with_a_broken_type_still_converts() -> None:
    """The case Hypothesis found: message.type replaced by another string; final keeps it, the dict says "message"."""
    result = sseparse.accumulate(_anthropic_body({"type": "\ufffd", "role": ["x"]}, {}))
    assert result.final["type"] == "\ufffd"
    message = result.to_anthropic()
    assert (message["type"], message["role"]) == ("message", "assistant")
    anthropic_types.Message.model_validate(message)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(where=st.sampled_from(["message", "usage"]), data=st.data())
def test_any_json_in_an_anthropic_field_still_converts(where: str, data: st.DataObject) -> None:
    """Any JSON value in a typed or unknown field of an Anthropic message or its usage: a dict the SDK validates."""
    key = data.draw(st.sampled_from(_ANTHROPIC_MESSAGE_KEYS if where == "message" else _ANTHROPIC_USAGE_KEYS))
    fields = {key: data.draw(_JSON)}
    result = sseparse.accumulate(_anthropic_body(fields if where == "message" else {}, fields if where == "usage" else {}))
    converted = result.to_anthropic()
    json.dumps(converted)
    anthropic_types.Message.model_validate(converted)
    assert result.text == "Hi"


def test_anthropic_blocks_the_schema_refuses_are_left_out_or_trimmed() -> None:
    """Cases a stress run found: a web search result with garbage content is left out; a text block keeps its text without bad citations."""
    result_block = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": {"\ufffd": "\ufffd"}}
    good_citation = {
        "type": "web_search_result_location",
        "cited_text": "Paris",
        "encrypted_index": "e",
        "url": "u",
        "title": None,
    }
    body = sse(
        [
            {
                "type": "message_start",
                "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "c", "content": []},
            },
            {"type": "content_block_start", "index": 0, "content_block": result_block},
            {"type": "content_block_stop", "index": 0},
            {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
            {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Paris"}},
            {"type": "content_block_delta", "index": 1, "delta": {"type": "citations_delta", "citation": good_citation}},
            {"type": "content_block_delta", "index": 1, "delta": {"type": "citations_delta", "citation": {"type": "x"}}},
            {"type": "content_block_stop", "index": 1},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}},
            {"type": "message_stop"},
        ],
        events=True,
    )
    result = sseparse.accumulate(body)
    message = result.to_anthropic()
    anthropic_types.Message.model_validate(message)
    assert message["content"] == [{"type": "text", "text": "Paris", "citations": None}]
    assert [block["type"] for block in result.final["content"]] == ["web_search_tool_result", "text"]
    assert len(result.final["content"][1]["citations"]) == 2
    # with the good citation alone, the converted block keeps it
    good_only = sseparse.accumulate(
        sse(
            [
                {
                    "type": "message_start",
                    "message": {"id": "m", "type": "message", "role": "assistant", "model": "c", "content": []},
                },
                {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": "Paris"}},
                {"type": "content_block_delta", "index": 0, "delta": {"type": "citations_delta", "citation": good_citation}},
                {"type": "content_block_stop", "index": 0},
                {"type": "message_stop"},
            ],
            events=True,
        )
    ).to_anthropic()
    anthropic_types.Message.model_validate(good_only)
    assert good_only["content"][0]["citations"] == [good_citation]
