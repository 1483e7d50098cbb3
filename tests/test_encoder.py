"""encode(): exact bytes of the blocks it writes (round trips are in test_properties.py)."""

from __future__ import annotations

import pytest

from sseparse import ServerSentEvent, encode, parse


@pytest.mark.parametrize(
    ("kwargs", "raw"),
    [
        ({"data": "hello"}, b"data: hello\n\n"),
        ({"data": ""}, b"data:\n\n"),
        ({"data": "a\nb"}, b"data: a\ndata: b\n\n"),
        ({"data": "a\n"}, b"data: a\ndata:\n\n"),
        ({"data": " x"}, b"data:  x\n\n"),
        ({"data": "x", "event": "add", "id": "7", "retry": 1000}, b"event: add\nid: 7\nretry: 1000\ndata: x\n\n"),
        ({"id": ""}, b"id:\n\n"),
        ({"event": ""}, b"event:\n\n"),
        ({"comment": ""}, b":\n\n"),
        ({"comment": "a\nb", "data": "x"}, b": a\n: b\ndata: x\n\n"),
        ({"data": "\u00e9"}, b"data: \xc3\xa9\n\n"),
    ],
)
def test_encode_writes_the_expected_bytes(kwargs: dict[str, object], raw: bytes) -> None:
    """Fields come in a fixed order, one space after each colon, LF line ends, one blank line."""
    assert encode(**kwargs) == raw  # type: ignore[arg-type]


def test_encode_keep_alive_dispatches_nothing() -> None:
    """A comment-only block is a keep-alive: no event."""
    assert parse(encode(comment="ping")) == []


def test_encode_output_parses_back_for_the_docstring_example() -> None:
    """The example in encode's docstring round-trips."""
    assert parse(encode("hello\nworld", event="greeting", id="7")) == [ServerSentEvent("greeting", "hello\nworld", "7")]


@pytest.mark.parametrize("field", ["data", "event", "id", "comment"])
def test_a_lone_surrogate_raises_a_clear_value_error(field: str) -> None:
    """A lone surrogate has no UTF-8 form: ValueError naming it, not a UnicodeEncodeError traceback."""
    with pytest.raises(ValueError, match=r"lone surrogate") as info:
        encode(**{field: "a\udc80b"})  # type: ignore[arg-type]
    assert not isinstance(info.value, UnicodeEncodeError)
