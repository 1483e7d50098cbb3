"""encode(): exact bytes of the blocks it writes (round trips are in test_properties.py)."""

from __future__ import annotations

import enum

import pytest

from sseparse import ServerSentEvent, SSEDecoder, encode, parse
from sseparse._events import MAX_RETRY


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


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"delta": "Hi", "n": [1, 2.5, None, True]}, b'data: {"delta":"Hi","n":[1,2.5,null,true]}'),
        ({"text": "caf\u00e9 \u2028"}, 'data: {"text":"caf\u00e9 \u2028"}'.encode()),  # kept as is, not \\u-escaped
        ({"text": "a\nb\rc"}, b'data: {"text":"a\\nb\\rc"}'),  # JSON escapes line breaks: one data line
        ([1, "x"], b'data: [1,"x"]'),
        (0, b"data: 0"),
        (False, b"data: false"),
    ],
)
def test_encode_sends_objects_as_compact_json(data: object, line: bytes) -> None:
    """Anything JSON-serialisable goes out as compact JSON on one data line and parses back equal."""
    block = encode(data)
    assert block == line + b"\n\n"
    assert parse(block)[0].json() == data


def test_encode_sends_a_pydantic_model_as_its_json() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Delta(pydantic.BaseModel):  # type: ignore[name-defined,misc]
        text: str
        index: int = 0

    assert encode(Delta(text="Hi")) == b'data: {"text":"Hi","index":0}\n\n'


@pytest.mark.parametrize(("value", "text"), [(7, b"7"), (0, b"0"), (-3, b"-3"), (2**70, str(2**70).encode())])
def test_encode_accepts_int_ids(value: int, text: bytes) -> None:
    assert encode("x", id=value) == b"id: " + text + b"\ndata: x\n\n"
    assert parse(encode("x", id=value))[0].id == text.decode()


def test_an_int_enum_id_is_sent_as_its_number() -> None:
    class Step(enum.IntEnum):
        FIRST = 1

    assert encode("x", id=Step.FIRST) == b"id: 1\ndata: x\n\n"


@pytest.mark.parametrize("value", [True, 1.5, b"7", None.__class__])
def test_encode_refuses_other_id_types(value: object) -> None:
    with pytest.raises(TypeError, match="id must be a str or an int"):
        encode("x", id=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"raw", bytearray(b"raw"), memoryview(b"raw")])
def test_encode_refuses_bytes_data_naming_the_fix(data: object) -> None:
    with pytest.raises(TypeError, match="decode it first"):
        encode(data)


def test_encode_refuses_data_that_is_not_json() -> None:
    with pytest.raises(TypeError, match="JSON-serialisable"):
        encode({"when": object()})
    with pytest.raises(ValueError, match="as JSON"):
        encode({"x": float("nan")})
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="as JSON"):
        encode(loop)


@pytest.mark.parametrize("retry", [-1, MAX_RETRY + 1, 10**40, True, 1.5, "1000"])
def test_encode_refuses_a_retry_no_decoder_keeps(retry: object) -> None:
    """retry is an int from 0 to 2**64 - 1: a larger one would be ignored by the decoder (and Chromium)."""
    with pytest.raises(ValueError, match=r"retry must be an int of milliseconds from 0 to 2\*\*64 - 1"):
        encode("x", retry=retry)  # type: ignore[arg-type]


@pytest.mark.parametrize("retry", [0, 1, MAX_RETRY])
def test_the_retry_bounds_round_trip(retry: int) -> None:
    """The smallest and largest retry encode, and the decoder keeps them."""
    decoder = SSEDecoder()
    (event,) = decoder.feed(encode("x", retry=retry))
    assert event.retry == retry
    assert decoder.retry == retry
