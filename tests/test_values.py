"""Results are values: AccumulatedResult, Choice, ToolCall and ServerSentEvent compare by value and have as_dict()."""

from __future__ import annotations

import json

from llm_corpus import CASES, choice, chunk, sse

import sseparse


def test_the_same_stream_gives_equal_results_however_it_is_chunked() -> None:
    """Two accumulations of one stream are equal (==), choice by choice and call by call; as_dict is JSON-ready."""
    for case in CASES:
        whole = sseparse.accumulate(case.body)
        one_byte = sseparse.accumulate(case.body[i : i + 1] for i in range(len(case.body)))
        assert whole == one_byte, case.name
        assert whole.choices == one_byte.choices
        assert whole.tool_calls == one_byte.tool_calls
        assert json.loads(json.dumps(whole.as_dict())) == whole.as_dict()


def test_different_results_are_not_equal() -> None:
    """A different text, stop or token count makes the results differ; results are not hashable (mutable fields)."""
    first = sseparse.accumulate(sse([chunk(choice({"content": "a"}, finish="stop"))], done=True))
    second = sseparse.accumulate(sse([chunk(choice({"content": "b"}, finish="stop"))], done=True))
    third = sseparse.accumulate(sse([chunk(choice({"content": "a"}, finish="length"))], done=True))
    assert first != second
    assert first != third
    assert first.choices[0] != third.choices[0]
    assert first != "a"
    assert first.__hash__ is None


def test_result_as_dict_holds_the_one_view() -> None:
    """as_dict carries stop, tokens, choices (with their stop) and the provider's own objects."""
    body = sse(
        [
            chunk(choice({"content": "Hi"}, finish="stop")),
            chunk(usage={"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3}),
        ],
        done=True,
    )
    data = sseparse.accumulate(body).as_dict()
    assert data["stop"] == "stop"
    assert data["end"] == "complete"
    assert data["tokens"] == {"input": 2, "output": 1, "total": 3, "reasoning": None, "cache_read": None, "cache_write": None}
    assert data["choices"][0]["stop"] == "stop"
    assert data["choices"][0]["text"] == "Hi"
    assert data["usage"] == {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3}


def test_legacy_function_call_in_choice_extra_is_json_ready() -> None:
    """A ToolCall kept in Choice.extra (OpenAI's legacy function_call) becomes its dict in as_dict."""
    case = next(c for c in CASES if c.name == "chat-legacy-function-call")
    data = sseparse.accumulate(case.body).as_dict()
    assert data["choices"][0]["extra"]["function_call"]["name"] == "lookup"
    json.dumps(data)


def test_server_sent_event_as_dict_and_equality() -> None:
    """ServerSentEvent equals an event with the same fields and gives its four fields as a dict."""
    event = sseparse.ServerSentEvent(event="delta", data="x", id="7", retry=3000)
    assert event == sseparse.ServerSentEvent("delta", "x", "7", 3000)
    assert event != sseparse.ServerSentEvent("delta", "y", "7", 3000)
    assert event.as_dict() == {"event": "delta", "data": "x", "id": "7", "retry": 3000}
    assert sseparse.parse(b"data: a\n\n")[0].as_dict() == {"event": "message", "data": "a", "id": "", "retry": None}


def test_a_stream_result_equals_the_accumulated_one_timings_aside() -> None:
    """A live Stream's result carries timings; it still equals accumulate's result of the same bytes."""
    case = CASES[0]
    with sseparse.Stream([case.body], format=case.format) as stream:
        for _ in stream:
            pass
        live = stream.result()
    assert live.timings is not None
    assert live == sseparse.accumulate(case.body)
    assert json.loads(json.dumps(live.as_dict()))["timings"] == live.timings.as_dict()
