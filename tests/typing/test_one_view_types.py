"""Typing: the one view (checked by mypy --strict, run by pytest): parse gives the caller's model."""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

import sseparse
from sseparse import Stop, Tokens, ToolCall


class City(BaseModel):
    """A tool's arguments."""

    city: str


BODY = (
    b'data: {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "c", "type": "function",'
    b' "function": {"name": "f", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]}, "finish_reason": "tool_calls"}]}\n\n'
    b"data: [DONE]\n\n"
)


def test_parse_returns_the_model_type() -> None:
    """parse is the model, parse_partial the model or None; stop and tokens are typed."""
    result = sseparse.accumulate(BODY)
    assert assert_type(result.parse(City, tool="f"), City) == City(city="Oslo")
    assert assert_type(result.parse_partial(City, tool="f"), City | None) == City(city="Oslo")
    call = assert_type(result.tool_calls[0], ToolCall)
    assert assert_type(call.parse(City), City).city == "Oslo"
    assert_type(call.parse_partial(City), City | None)
    assert assert_type(result.stop, Stop | None) is Stop.TOOL_CALLS
    assert assert_type(result.tokens, Tokens) == Tokens()
    assert_type(result.to_openai(), dict[str, Any])
    assert_type(result.to_anthropic(), dict[str, Any])
