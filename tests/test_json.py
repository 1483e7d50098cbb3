"""The guarded JSON entry point: one documented outcome for every kind of hostile text, nothing else raised."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sseparse._json import MAX_DEPTH, MAX_INT_DIGITS, NotJSONError, loads, set_backend


def _reason(text: str | bytes) -> str:
    with pytest.raises(NotJSONError) as info:
        loads(text)
    assert isinstance(info.value, ValueError)
    return info.value.reason


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_nesting_deeper_than_the_limit_is_not_json(depth: int, opener: str) -> None:
    """Deep nesting is refused with reason "depth", never a RecursionError, at any depth."""
    closer = "]" if opener == "[" else "}"
    assert _reason(opener * depth + "1" * (opener != "[") + closer * depth) == "depth"


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_nesting_at_the_limit_parses(opener: str) -> None:
    """Exactly MAX_DEPTH levels parse like json.loads does."""
    closer = "]" if opener == "[" else "}"
    text = opener * MAX_DEPTH + "1" * (opener != "[") + closer * MAX_DEPTH
    assert loads(text) == json.loads(text)


def test_unclosed_deep_nesting_is_not_json() -> None:
    """Deep nesting that never closes (invalid anyway) is refused, whatever the reason given."""
    assert _reason("[" * 100_000) in ("depth", "syntax")
    assert _reason("[" * 200) == "syntax"


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """A string full of brackets (and escaped quotes) is not nesting."""
    text = json.dumps({"a": "[" * 10_000 + '\\"{' * 1000})
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize("digits", [MAX_INT_DIGITS + 1, 4_301, 10_000, 100_000])
@pytest.mark.parametrize("sign", ["", "-"])
def test_integers_longer_than_the_limit_are_not_json(digits: int, sign: str) -> None:
    """Huge integers get reason "integer", never the int-conversion ValueError, whatever the process limit."""
    assert _reason(sign + "7" * digits) == "integer"
    assert _reason('{"usage": [' + sign + "7" * digits + "]}") == "integer"


def test_integers_at_the_limit_parse_even_under_the_lowest_process_limit() -> None:
    """MAX_INT_DIGITS is the lowest int_max_str_digits Python accepts: the outcome never depends on the setting."""
    text = "-" + "9" * MAX_INT_DIGITS
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(MAX_INT_DIGITS)
    try:
        assert loads(text) == -int("9" * MAX_INT_DIGITS)
        assert loads("[" + text + "]" + " " * 1000) == [loads(text)]
    finally:
        sys.set_int_max_str_digits(before)


def test_long_floats_and_huge_exponents_are_floats() -> None:
    """Numbers with a fraction or exponent are floats, however long: overflow gives inf, as float() does."""
    assert loads("1" * 10_000 + ".5") == math.inf
    assert loads("[1e999, -1e999, 1e-999]") == [math.inf, -math.inf, 0.0]


def test_nan_and_infinity_are_floats() -> None:
    """NaN, Infinity and -Infinity read as the float values (Python-based servers write them)."""
    nan, inf, neg = loads('{"a": [NaN, Infinity, -Infinity]}')["a"]
    assert math.isnan(nan)
    assert (inf, neg) == (math.inf, -math.inf)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"a\\ud800b"', "a\ufffdb"),
        ('"\\udfff"', "\ufffd"),
        ('"\\ud83d\\ude00 \\uD83D"', "\U0001f600 \ufffd"),  # a valid pair is kept, a lone one replaced
        ('{"\\udc00": ["\\ud800", {"k": "\\udbff"}]}', {"\ufffd": ["\ufffd", {"k": "\ufffd"}]}),
        ('"\\\\ud800"', "\\ud800"),  # an escaped backslash: no surrogate at all
    ],
)
def test_lone_surrogates_become_replacement_characters(text: str, expected: Any) -> None:
    """Lone surrogate escapes (which UTF-8 cannot encode) become U+FFFD, in keys and values, short or long texts."""
    assert loads(text) == expected
    padded = text + " " * 1000
    assert loads(padded) == expected
    json.dumps(loads(padded), ensure_ascii=False).encode()


def test_bytes_are_decoded_with_replacement() -> None:
    """Bytes that are not UTF-8 get U+FFFD, like the decoder's malformed bytes."""
    assert loads(b'{"a": "\xff\xfe"}') == {"a": "\ufffd\ufffd"}
    assert loads(bytearray(b"[1]")) == [1]
    assert loads(memoryview(b'"x"' + b" " * 1000)) == "x"


@pytest.mark.parametrize("text", ["", " ", "[1] x", "{", "nul", '"a', "[1,]", "\ufeff[1]", "'a'", "[1]]"])
def test_syntax_errors_are_not_json(text: str) -> None:
    """Anything json.loads refuses is refused with reason "syntax"."""
    assert _reason(text) == "syntax"
    assert _reason(text + " " * (1000 if text else 0)) == "syntax"


def test_whitespace_around_and_any_top_level_value() -> None:
    """Whitespace around the value is allowed and every top-level type is returned as is."""
    assert loads(" \r\n\t[1] \n") == [1]
    for text in ("1", '"x"', "null", "true", "[]", "1.5"):
        assert loads(text) == json.loads(text)


def test_duplicate_keys_keep_the_last() -> None:
    """Duplicate keys: the last one wins."""
    assert loads('{"a": 1, "a": 2}') == {"a": 2}


def test_a_backend_that_refuses_falls_back_to_the_reference() -> None:
    """A backend's exception hands the text to the reference; its answers are guarded the same way."""

    def picky(text: str) -> Any:
        if "NaN" in text:
            raise ValueError(text)
        return json.loads(text)

    set_backend(picky)
    try:
        assert math.isnan(loads("[NaN]")[0])
        assert loads('"\\ud800"') == "\ufffd"
        assert _reason("[" * 1000 + "]" * 1000) == "depth"
        assert _reason("1" * 5000) == "integer"
        assert loads("[1]") == [1]
    finally:
        set_backend(None)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from(["", " ", "\n"]))
def test_ordinary_json_parses_exactly_like_json_loads(value: Any, space: str) -> None:
    """Within the limits, the result is json.loads's (ASCII-escaped or not, padded or not)."""
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False), space + json.dumps(value) + space * 300):
        assert loads(text) == json.loads(text)


@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_is_a_value_or_not_json(text: str) -> None:
    """Random text: a value or NotJSONError, nothing else."""
    with contextlib.suppress(NotJSONError):
        loads(text)
