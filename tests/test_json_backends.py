"""JSON backends (orjson, jiter / pydantic-core, stdlib): the same result as the guarded reference, always.

Every backend is compared with the standard-library reference (`use_json_backend("stdlib")`) on the
data of every captured stream (../shared/streams, ../shared/sdk-streams, examples/, docs/streams/ and
the tests' LLM corpus), on hand-picked hostile texts and on generated ones (Hypothesis). The outcome
compared is the exact value (types, key order, -0.0, NaN and infinities told apart) or the
`NotJSONError` reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llm_corpus import CASES

import sseparse
from sseparse import _json
from sseparse._json import MAX_DEPTH, MAX_INT_DIGITS, NotJSONError, json_backend, loads, use_json_backend

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# (name, modules made unimportable): "jiter" without jiter is pydantic_core.from_json.
BACKENDS = [("orjson", ()), ("jiter", ()), ("jiter", ("jiter",)), ("stdlib", ())]
BACKEND_IDS = ["orjson", "jiter", "pydantic_core", "stdlib"]


@pytest.fixture(autouse=True)
def _restore_backend() -> Iterator[None]:
    saved = (_json._backend, _json._backend_name, _json._fast_len)
    yield
    _json._backend, _json._backend_name, _json._fast_len = saved


def _use(name: str, hidden: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    for module in hidden:
        monkeypatch.setitem(sys.modules, module, None)  # import raises ImportError
    assert use_json_backend(name) == name


def canonical(value: Any) -> Any:
    """The value with every type made explicit, so equal means identical (NaN and -0.0 included)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return (type(value).__name__, repr(value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, list):
        return ("list", [canonical(v) for v in value])
    assert type(value) is dict
    return ("dict", [(("key", k), canonical(v)) for k, v in value.items()])


def outcome(text: str | bytes | bytearray) -> Any:
    try:
        return ("value", canonical(loads(text)))
    except NotJSONError as exc:
        return ("error", exc.reason)


def reference(texts: list[str | bytes | bytearray]) -> list[Any]:
    previous = (_json._backend, _json._backend_name, _json._fast_len)
    use_json_backend("stdlib")
    try:
        return [outcome(t) for t in texts]
    finally:
        _json._backend, _json._backend_name, _json._fast_len = previous


# -- what every backend is compared on ------------------------------------------------------------------


def _captured_data() -> list[str]:
    files = [*sorted((ROOT / "examples").glob("*.sse")), *sorted((ROOT / "docs" / "streams").glob("*.sse"))]
    if SHARED.is_dir():
        files += sorted((SHARED / "streams").glob("*.sse")) + sorted((SHARED / "sdk-streams").glob("*/*.sse"))
    bodies = [f.read_bytes() for f in files] + [case.body for case in CASES]
    return sorted({event.data for body in bodies for event in sseparse.parse(body)})


CAPTURED = _captured_data()

HOSTILE: list[str | bytes | bytearray] = [
    "NaN",
    "-Infinity",
    "[Infinity, -Infinity, NaN]",
    '{"x": NaN}',
    "1e999",
    "-1e999",
    "1.7976931348623157e309",
    "1e-400",
    "-0",
    "-0.0",
    "0.1",
    "1E2",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
    "[1234567890123456789, 12345678901234567890]",
    '{"id": "1234567890123456789012345", "n": 1}',
    "1" * MAX_INT_DIGITS,
    "1" * (MAX_INT_DIGITS + 1),
    "-" + "9" * (MAX_INT_DIGITS + 1),
    "[" + "7" * 5000 + "]",
    '{"a": 1, "b": 2, "a": 3}',
    '{"a": {"x": 1}, "a": [2]}',
    '"\\ud800"',
    '"\\udc80x"',
    '{"\\ud800": "\\udfff"}',
    '"\\ud83d\\ude00"',
    '"\\u0000"',
    '"a\x00b"',
    '"tab\there"',
    '"\x7f\u2028\u2029"',
    "[" * MAX_DEPTH + "]" * MAX_DEPTH,
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    "[" * 250 + "]" * 250,
    '{"a":' * 300 + "1" + "}" * 300,
    " \t\r\n[1] \n",
    "\ufeff[1]",
    "\u00a0[1]",
    "[1,]",
    '{"a":1,}',
    "01",
    "1 2",
    "[1] x",
    "",
    " ",
    "tru",
    "nul",
    '"\\x"',
    '"unterminated',
    "[1.]",
    ".5",
    "+1",
    "0x10",
    "Infinity1",
    '"\ud800"',  # a str holding a lone surrogate itself
    b'{"text": "caf\xc3\xa9"}',
    b'{"text": "bad \xff byte"}',
    b'"\xed\xa0\x80"',  # a UTF-8-encoded surrogate: invalid UTF-8
    b"[1, 2]",
    bytearray(b'{"a": [1]}'),
]


@pytest.mark.parametrize(("name", "hidden"), BACKENDS, ids=BACKEND_IDS)
def test_every_backend_reads_every_captured_payload_like_the_reference(
    name: str, hidden: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data of every captured stream (shared captures, SDK recordings, examples, docs, corpus) parses identically."""
    texts: list[str | bytes | bytearray] = [*CAPTURED]
    texts += [t.encode() for t in CAPTURED[:200]]  # as bytes too
    expected = reference(texts)
    assert len(CAPTURED) > 100
    _use(name, hidden, monkeypatch)
    assert [outcome(t) for t in texts] == expected


@pytest.mark.parametrize(("name", "hidden"), BACKENDS, ids=BACKEND_IDS)
def test_every_backend_reads_hostile_texts_like_the_reference(
    name: str, hidden: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """NaN/Infinity, huge integers, duplicate keys, lone surrogates, deep nesting, invalid UTF-8: same outcome."""
    expected = reference(HOSTILE)
    _use(name, hidden, monkeypatch)
    for text, want in zip(HOSTILE, expected, strict=True):
        assert outcome(text) == want, repr(text)[:80]


# Generated texts: JSON with every kind of number and string, then texts near JSON (mutated).
_strings = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)  # lone surrogates included
_numbers = st.integers(-(10**30), 10**30) | st.floats() | st.integers().map(lambda n: n * 10**19)
_values = st.recursive(
    st.none() | st.booleans() | _numbers | _strings,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_strings, inner, max_size=4),
    max_leaves=16,
)
_near_json = st.text(alphabet='[]{}",:0123456789.eE+- \t\n\rtruefalsnNaIfiy\\ud8c0\x00', max_size=40)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        value = draw(_values)
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
        if draw(st.booleans()):  # a duplicate key, an edit, padding
            text = text.replace("}", ', "k": 1, "k": [2]}', 1) if text.startswith("{") else text
            text = draw(st.sampled_from(["", " ", "\n\t"])) + text + draw(st.sampled_from(["", " ", "x", ","]))
        return text
    return draw(_near_json)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_texts(), min_size=1, max_size=5))
def test_every_backend_agrees_with_the_reference_on_generated_texts(texts: list[str]) -> None:
    """Hypothesis: for any generated text, orjson, jiter and pydantic_core give the reference's outcome."""
    expected = reference(list(texts))
    for name, hidden in BACKENDS[:-1]:
        with pytest.MonkeyPatch.context() as monkeypatch:
            _use(name, hidden, monkeypatch)
            assert [outcome(t) for t in texts] == expected, name


# -- choosing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hidden", "chosen"),
    [((), "orjson"), (("orjson",), "jiter"), (("orjson", "jiter"), "jiter"), (("orjson", "jiter", "pydantic_core"), "stdlib")],
)
def test_the_automatic_choice_takes_the_first_importable_backend(
    hidden: tuple[str, ...], chosen: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """orjson, else jiter, else pydantic_core (named "jiter"), else the standard library."""
    for module in hidden:
        monkeypatch.setitem(sys.modules, module, None)
    assert use_json_backend(None) == chosen
    assert json_backend() == chosen
    assert loads('[1, NaN, "\\ud800"]')[2] == "\ufffd"


def test_the_choice_is_made_at_the_first_parse_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SSEPARSE_JSON forces a backend at first use; an unknown or missing one warns and the automatic choice stands."""
    monkeypatch.setattr(_json, "_backend", _json._first_use)
    monkeypatch.setenv("SSEPARSE_JSON", "jiter")
    assert loads("[1]") == [1]
    assert json_backend() == "jiter"

    monkeypatch.setattr(_json, "_backend", _json._first_use)
    monkeypatch.setenv("SSEPARSE_JSON", "STDLIB ")
    assert json_backend() == "stdlib"

    monkeypatch.setattr(_json, "_backend", _json._first_use)
    monkeypatch.setenv("SSEPARSE_JSON", "simdjson")
    with pytest.warns(RuntimeWarning, match="SSEPARSE_JSON='simdjson' ignored, orjson used"):
        assert json_backend() == "orjson"

    monkeypatch.setattr(_json, "_backend", _json._first_use)
    monkeypatch.setenv("SSEPARSE_JSON", "orjson")
    monkeypatch.setitem(sys.modules, "orjson", None)
    with pytest.warns(RuntimeWarning, match="not installed"):
        assert json_backend() == "jiter"


def test_forcing_an_unknown_or_missing_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """use_json_backend raises ValueError for a name it does not know and ImportError for a library not installed."""
    with pytest.raises(ValueError, match="unknown JSON backend 'ujson'"):
        use_json_backend("ujson")
    monkeypatch.setitem(sys.modules, "orjson", None)
    with pytest.raises(ImportError, match=r"sseparse\[fast\]"):
        use_json_backend("orjson")


def test_the_public_names_and_that_import_sseparse_loads_no_backend() -> None:
    """sseparse.json_backend / use_json_backend are public; no JSON library loads before the first parse."""
    assert sseparse.json_backend is json_backend
    assert sseparse.use_json_backend is use_json_backend
    code = (
        "import sys, sseparse\n"
        "assert not {'orjson', 'jiter', 'pydantic_core'} & set(sys.modules), sorted(sys.modules)\n"
        "sseparse.accumulate(b'data: {\"choices\": []}\\n\\n')\n"
        "assert 'orjson' in sys.modules\n"
        "print(sseparse.json_backend())\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "SSEPARSE_JSON"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "orjson"


@pytest.mark.parametrize(("name", "hidden"), BACKENDS, ids=BACKEND_IDS)
def test_accumulation_gives_the_same_result_with_every_backend(
    name: str, hidden: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The accumulators read through the backend in use: the final object is the same with each one."""
    bodies = [case.body for case in CASES[:40]]
    use_json_backend("stdlib")
    expected = [canonical(sseparse.accumulate(body).final) for body in bodies]
    _use(name, hidden, monkeypatch)
    assert [canonical(sseparse.accumulate(body).final) for body in bodies] == expected


def test_a_huge_integer_is_refused_the_same_way_by_every_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """jiter reads integers of any length; the integer guard still runs first, so the reason is the reference's."""
    text = '{"n": ' + "9" * (MAX_INT_DIGITS + 1) + "}"
    for name, hidden in BACKENDS:
        with pytest.MonkeyPatch.context() as patch:
            _use(name, hidden, patch)
            with pytest.raises(NotJSONError) as info:
                loads(text)
            assert info.value.reason == "integer"
