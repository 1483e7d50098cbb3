"""Structured outputs: result.parse / parse_partial and ToolCall.parse / parse_partial with pydantic models."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import choice, chunk, sse, tc
from pydantic import BaseModel, Field

import sseparse
from sseparse import ParseError


class Weather(BaseModel):
    """A tool's arguments."""

    city: str
    unit: Literal["celsius", "fahrenheit"] = "celsius"


class Profile(BaseModel):
    """An answer in JSON mode."""

    name: str
    age: int | None = None
    tags: list[str] = Field(default_factory=list)


def answer(*pieces: str, finish: str | None = "stop", done: bool = True) -> bytes:
    payloads = [chunk(choice({"role": "assistant", "content": ""}))]
    payloads += [chunk(choice({"content": piece})) for piece in pieces]
    if finish is not None:
        payloads.append(chunk(choice({}, finish=finish)))
    return sse(payloads, done=done)


def calls(*pieces: tuple[int, str | None, str | None, str], done: bool = True) -> bytes:
    payloads = [
        chunk(choice({"role": "assistant", "tool_calls": [tc(i, call_id, name, args)]})) for i, call_id, name, args in pieces
    ]
    if done:
        payloads.append(chunk(choice({}, finish="tool_calls")))
    return sse(payloads, done=done)


def test_parse_validates_the_answer_text() -> None:
    """A JSON-mode answer becomes the model."""
    result = sseparse.accumulate(answer('{"name": "Ada", ', '"age": 36, "tags": ["math"]}'))
    assert result.parse(Profile) == Profile(name="Ada", age=36, tags=["math"])


def test_parse_of_a_tool_call_by_name() -> None:
    """parse(Model, tool=name) validates that call's arguments; ToolCall.parse does it for one call."""
    result = sseparse.accumulate(
        calls((0, "call_1", "get_weather", '{"city": "Oslo"}'), (1, "call_2", "get_time", '{"zone": "CET"}'))
    )
    assert result.parse(Weather, tool="get_weather") == Weather(city="Oslo")
    assert result.tool_calls[0].parse(Weather) == Weather(city="Oslo")


def test_parse_errors_are_clear_and_typed() -> None:
    """Invalid JSON, a value of the wrong type, a missing tool and an empty answer raise ParseError naming what failed."""
    bad = sseparse.accumulate(answer('{"name": "Ada", "age": "old"}'))
    with pytest.raises(ParseError, match=r"the answer text does not validate as Profile: age") as info:
        bad.parse(Profile)
    assert info.value.errors[0]["loc"] == ("age",)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, sseparse.SSEError)
    with pytest.raises(ParseError, match=r"does not validate as Profile: \(root\): Invalid JSON"):
        sseparse.accumulate(answer("Sure! Here you go.")).parse(Profile)
    tool = sseparse.accumulate(calls((0, "call_1", "get_weather", '{"city": "Oslo"}')))
    with pytest.raises(ParseError, match=r"no tool call named 'get_time' \(calls: 'get_weather'\)"):
        tool.parse(Weather, tool="get_time")
    with pytest.raises(ParseError, match=r"is empty.*parse\(Model, tool='get_weather'\)"):
        tool.parse(Weather)
    wrong = sseparse.accumulate(calls((0, "call_1", "get_weather", '{"city": "Oslo", "unit": "kelvin"}')))
    with pytest.raises(ParseError, match=r"tool call 0 \(get_weather, id='call_1'\) does not validate as Weather: unit"):
        wrong.tool_calls[0].parse(Weather)


def test_parse_of_a_truncated_answer_says_so() -> None:
    """A cut answer's ParseError says how the stream ended."""
    cut = sseparse.accumulate(answer('{"name": "Ad', finish=None, done=False))
    with pytest.raises(ParseError, match=r"\(the stream ended as truncated\)"):
        cut.parse(Profile)


def test_parse_needs_a_pydantic_model() -> None:
    """Anything but a pydantic model class is API misuse: TypeError."""
    result = sseparse.accumulate(answer("{}"))
    with pytest.raises(TypeError, match="pydantic model class"):
        result.parse(dict)


def test_a_call_without_arguments_parses_as_empty_object() -> None:
    """Arguments "" are {} (as ToolCall.json says)."""

    class NoArgs(BaseModel):
        pass

    result = sseparse.accumulate(calls((0, "call_1", "now", "")))
    assert result.tool_calls[0].parse(NoArgs) == NoArgs()


def test_parse_partial_fills_in_while_streaming() -> None:
    """After each event the partial model holds what arrived so far; unfinished strings are kept as far as they got."""
    body = answer('{"name": "Ad', 'a Lovelace", "ag', 'e": 36, "tags": ["ma', 'th"]}')
    accumulator = sseparse.make_accumulator("openai-chat")
    seen = []
    for event in sseparse.parse(body):
        accumulator.feed(event)
        seen.append(accumulator.result().parse_partial(Profile))
    states = [None if p is None else (p.name, p.age, p.tags) for p in seen]
    assert states == [
        None,  # role only: no text yet
        ("Ad", None, []),
        ("Ada Lovelace", None, []),
        ("Ada Lovelace", 36, ["ma"]),
        ("Ada Lovelace", 36, ["math"]),
        ("Ada Lovelace", 36, ["math"]),  # finish
        ("Ada Lovelace", 36, ["math"]),  # [DONE]: complete, parsed strictly
    ]


def test_parse_partial_of_a_tool_call() -> None:
    """ToolCall.parse_partial and parse_partial(Model, tool=...) while the call streams; None before it starts."""
    accumulator = sseparse.make_accumulator("openai-chat")
    assert accumulator.result().parse_partial(Weather, tool="get_weather") is None
    for event in sseparse.parse(calls((0, "call_1", "get_weather", '{"city": "Zü'), done=False)):
        accumulator.feed(event)
    snapshot = accumulator.result()
    assert snapshot.tool_calls[0].parse_partial(Weather) == Weather(city="Zü")
    assert snapshot.parse_partial(Weather, tool="get_weather") == Weather(city="Zü")


def test_an_unfinished_string_the_model_refuses_is_left_out() -> None:
    """'{"city": "Oslo", "unit": "cel' cannot be a unit yet: the partial model leaves it out (its default)."""
    accumulator = sseparse.make_accumulator("openai-chat")
    for event in sseparse.parse(calls((0, "call_1", "get_weather", '{"city": "Oslo", "unit": "cel'), done=False)):
        accumulator.feed(event)
    assert accumulator.result().tool_calls[0].parse_partial(Weather) == Weather(city="Oslo")


def test_parse_partial_raises_only_for_text_that_cannot_be_json() -> None:
    """Prose is not unfinished JSON: ParseError. Required fields still missing: None."""
    prose = sseparse.accumulate(answer("Sure, ", finish=None, done=False))
    with pytest.raises(ParseError, match="is not JSON"):
        prose.parse_partial(Profile)
    missing = sseparse.accumulate(answer('{"tags": ["a"', finish=None, done=False))
    assert missing.parse_partial(Profile) is None


def test_parse_partial_of_a_finished_answer_is_strict() -> None:
    """Once complete, parse_partial is parse: a wrong value raises."""
    result = sseparse.accumulate(answer('{"name": "Ada", "age": "old"}'))
    with pytest.raises(ParseError):
        result.parse_partial(Profile)


documents = st.fixed_dictionaries(
    {"name": st.text(max_size=12)},
    optional={"age": st.none() | st.integers(-(10**6), 10**6), "tags": st.lists(st.text(max_size=6), max_size=3)},
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents, indent=st.none() | st.just(1), ascii_only=st.booleans())
def test_no_prefix_of_valid_json_raises(document: dict[str, object], indent: int | None, ascii_only: bool) -> None:
    """Every prefix of a document that validates gives a model or None, never an exception; the whole gives the model."""
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    call = sseparse.ToolCall(0, "call_1", "profile", "", done=False)
    for end in range(len(text) + 1):
        call.arguments = text[:end]
        partial = call.parse_partial(Profile)
        assert partial is None or isinstance(partial, Profile)
    call.done = True
    assert call.parse_partial(Profile) == Profile.model_validate(document)


def test_a_number_still_streaming_is_left_out() -> None:
    """'"age": 3' may yet be 36: the partial model leaves it out until something follows it; digits in a string stay."""
    call = sseparse.ToolCall(0, "call_1", "profile", '{"name": "Route 6', done=False)
    assert call.parse_partial(Profile) == Profile(name="Route 6")
    call.arguments = '{"name": "Ada", "age": 3'
    assert call.parse_partial(Profile) == Profile(name="Ada")
    call.arguments = '{"name": "Ada", "age": 36,'
    assert call.parse_partial(Profile) == Profile(name="Ada", age=36)
    call.arguments = '{"name": "Ada", "tags": ["a"], "age": -'
    assert call.parse_partial(Profile) == Profile(name="Ada", tags=["a"])
