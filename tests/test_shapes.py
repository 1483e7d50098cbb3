"""Chunk shapes (`sseparse.accumulators._shapes`): chunks that repeat the last one but for their strings.

The OpenAI Chat accumulator reads such a chunk by scanning its strings only, and so does the
Anthropic one (tests/test_shapes_anthropic.py; every capture here runs with both turned off as the
reference). Everything here checks that this changes nothing but the speed: the same result and the
same updates as parsing every chunk (the shape path turned off), on every captured stream and on
generated hostile streams under any chunking, and that the shape path is really taken (parses
counted).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from decoder_harness import random_split
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import CASES

import sseparse
from sseparse.accumulators import _base
from sseparse.accumulators._shapes import learn, match, match_run
from sseparse.accumulators.anthropic import AnthropicAccumulator
from sseparse.accumulators.openai_chat import OpenAIChatAccumulator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

HEAD = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"'
TAIL = '"},"logprobs":null,"finish_reason":null}]}'
OBFUSCATED_TAIL = '"},"logprobs":null,"finish_reason":null}],"obfuscation":"'


def chunk(text: str) -> str:
    return HEAD + text + TAIL


# -- learn and match --------------------------------------------------------------------------------


def test_learn_cuts_the_text_around_the_kept_string() -> None:
    shape = learn(chunk("Hello"), "content")
    assert shape == (HEAD, None, TAIL[1:], True)  # the tail starts after the closing quote
    assert match(shape, chunk(" world")) == " world"
    assert match(shape, chunk("")) == ""


def test_match_decodes_escapes_as_the_full_parse_does() -> None:
    shape = learn(chunk("a"), "content")
    assert shape is not None
    for literal in ('\\"quoted\\"', "line\\nbreak", "\\u00e9t\\u00e9", "back\\\\slash", "\\ud83d\\ude00", "caf\u00e9 \U0001f600"):
        data = chunk(literal)
        assert match(shape, data) == json.loads(data)["choices"][0]["delta"]["content"]


@pytest.mark.parametrize(
    "data",
    [
        chunk('x","role":"user'),  # the string ends early: more JSON follows it
        chunk('x"},"finish_reason":"stop"}]} '),  # another chunk glued inside
        chunk("raw\x01control"),  # not JSON: the full parse refuses it
        chunk("tab\tinside"),
        chunk("lone \\ud800 surrogate"),  # the full parse puts U+FFFD in its place
        chunk("raw \ud800 surrogate"),
        chunk("unterminated \\"),
        chunk("x") + " ",  # other text after it
        chunk("x").replace('"model":"m"', '"model":"n"'),
        HEAD + "x",  # cut short
    ],
)
def test_match_declines_what_it_cannot_prove(data: str) -> None:
    shape = learn(chunk("a"), "content")
    assert shape is not None
    assert match(shape, data) is None


@pytest.mark.parametrize(
    "data",
    [
        chunk("a").replace('"model":"m"', '"model":"content"'),  # the key's text appears twice
        chunk("a").replace('{"content":"', '{"content":"x","content":"'),  # a duplicate key: the last one wins
        chunk("a").replace('"model":"m"', '"model":"m\\u0041"'),  # a backslash around the string
        chunk("a").replace('"content":"', '"content":1,"x":"'),  # the key's value is not a string
    ],
)
def test_learn_refuses_a_text_it_cannot_cut_safely(data: str) -> None:
    assert learn(data, "content") is None


def test_learn_takes_whitespace_around_the_colon() -> None:
    """Python's json.dumps writes '"key": "': the shape keeps those spaces, and other spacing is another shape."""
    spaced = json.dumps(json.loads(chunk("a")))
    shape = learn(spaced, "content")
    assert shape is not None
    assert shape[0].endswith('"content": "')
    assert match(shape, spaced.replace('"content": "a"', '"content": "b c"')) == "b c"
    assert match(shape, chunk("b")) is None  # the compact text is not this shape
    assert learn(chunk("a").replace('"content":"', '"content" :\t\n "'), "content") is not None


def test_two_strings_the_second_one_ignored() -> None:
    data = chunk("a")[: -len(TAIL)] + OBFUSCATED_TAIL + 'Qx1"}'
    shape = learn(data, "content", "obfuscation")
    assert shape is not None
    assert shape[3] is True  # the kept string comes first
    other = chunk("next")[: -len(TAIL)] + OBFUSCATED_TAIL + 'zz9_"}'
    assert match(shape, other) == "next"
    assert match(shape, other.replace('"obfuscation":"', '"obfuscation":"\x02')) is None


def test_match_run_stops_at_the_first_other_event() -> None:
    shape = learn(chunk("a"), "content")
    assert shape is not None
    events = iter(
        [
            sseparse.ServerSentEvent(data=chunk("b")),
            sseparse.ServerSentEvent(data=chunk("")),
            sseparse.ServerSentEvent(data=chunk("c"), event="error"),
            sseparse.ServerSentEvent(data=chunk("d")),
        ]
    )
    got: list[str] = []
    taken, stopped = match_run(shape, events, got.append)
    assert (taken, got) == (2, ["b"])
    assert stopped is not None
    assert stopped.event == "error"
    assert next(events).data == chunk("d")


# -- the accumulator: identical with and without shapes ---------------------------------------------


def _without_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OpenAIChatAccumulator, "_learn", lambda self, payload: None)
    monkeypatch.setattr(AnthropicAccumulator, "_learn", lambda self, block, kind: None)


def _both(source: Any, monkeypatch: pytest.MonkeyPatch, fmt: str | None = None) -> tuple[Any, Any]:
    shaped = sseparse.accumulate(source, fmt)
    with monkeypatch.context() as patch:
        _without_shapes(patch)
        parsed = sseparse.accumulate(source, fmt)
    return shaped, parsed


def _updates(events: list[sseparse.ServerSentEvent]) -> tuple[list[Any], Any]:
    accumulator = OpenAIChatAccumulator()
    updates = [update for event in events for update in accumulator.feed(event)]
    updates += accumulator.close()
    return updates, accumulator.result()


def _captures() -> list[Path]:
    found = sorted((ROOT / "examples").glob("*.sse")) + sorted((ROOT / "docs").rglob("*.sse"))
    if SHARED.is_dir():
        found += sorted((SHARED / "streams").glob("*.sse")) + sorted((SHARED / "sdk-streams").rglob("*.sse"))
    return found


@pytest.mark.parametrize("path", _captures(), ids=lambda p: p.name)
def test_every_capture_gives_the_same_result_with_and_without_shapes(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = path.read_bytes()
    shaped, parsed = _both(body, monkeypatch)
    assert shaped == parsed
    split = random_split(body, random.Random(path.name), max_cuts=40)
    assert _both(split, monkeypatch) == (parsed, parsed)


@pytest.mark.parametrize("case", [c for c in CASES if c.format == "openai-chat"], ids=lambda c: c.name)
def test_every_corpus_case_gives_the_same_result_and_updates(case: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shaped_result, parsed_result = _both(case.body, monkeypatch, "openai-chat")
    assert shaped_result == parsed_result
    events = sseparse.parse(case.body)
    shaped = _updates(events)
    with monkeypatch.context() as patch:
        _without_shapes(patch)
        assert _updates(events) == shaped


class ParseCounter:
    """Counts the accumulators' JSON parses in ``count`` (set it to 0 between runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = _base.loads

        def counting(data: Any) -> Any:
            self.count += 1
            return real(data)

        monkeypatch.setattr(_base, "loads", counting)


class FeedCounter:
    """Counts the events an accumulator class takes one at a time (its ``_feed``) in ``count``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type[Any]) -> None:
        self.count = 0
        real = cls._feed

        def counting(accumulator: Any, event: Any, out: Any) -> None:
            self.count += 1
            real(accumulator, event, out)

        monkeypatch.setattr(cls, "_feed", counting)


def test_a_long_stream_is_parsed_only_where_its_shape_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape path is really taken: 1,000 text chunks cost a handful of JSON parses, not 1,000."""
    parses = ParseCounter(monkeypatch)
    first = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    role = {**first, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    texts = [{**first, "choices": [{"index": 0, "delta": {"content": f"w{i} "}, "finish_reason": None}]} for i in range(1000)]
    stop = {**first, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    body = b"".join(b"data: " + json.dumps(p, separators=(",", ":")).encode() + b"\n\n" for p in [role, *texts, stop])
    body += b"data: [DONE]\n\n"
    for chunks in ([body], random_split(body, random.Random(3), max_cuts=200)):
        parses.count = 0
        result = sseparse.accumulate(chunks)
        assert result.text == "".join(f"w{i} " for i in range(1000))
        assert result.end == "complete"
        assert parses.count <= 5  # role, the first text chunk, stop, [DONE]
    parses.count = 0
    _updates(sseparse.parse(body))  # the per-event path (Stream, updates) too
    assert parses.count <= 5


@pytest.mark.parametrize("key", ["content", "reasoning_content", "reasoning", "refusal"])
def test_a_batch_takes_each_run_of_shaped_chunks_in_one_loop(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """accumulate() hands a run of 1,000 shaped chunks of any shape key to match_run, not to the per-event feed."""
    feeds = FeedCounter(monkeypatch, OpenAIChatAccumulator)
    first = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    parts = [f"w{i} " for i in range(1000)]
    chunks = [{**first, "choices": [{"index": 0, "delta": {key: part}, "finish_reason": None}]} for part in parts]
    stop = {**first, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    body = b"".join(b"data: " + json.dumps(p, separators=(",", ":")).encode() + b"\n\n" for p in [*chunks, stop])
    body += b"data: [DONE]\n\n"
    text = "".join(parts)
    whole = None
    for chunking in ([body], [body[i : i + 1] for i in range(len(body))], random_split(body, random.Random(7), max_cuts=300)):
        feeds.count = 0
        result = sseparse.accumulate(chunking, "openai-chat")
        if len(chunking) == 1:
            # one read, one batch; smaller reads hand over smaller batches, each starting with a feed
            assert feeds.count <= 4  # the first chunk, the one after the run (stop), [DONE]
        assert result.end == "complete"
        got = {
            "content": result.text,
            "refusal": result.refusal,
            "reasoning_content": result.reasoning,
            "reasoning": result.reasoning,
        }
        assert got[key] == text
        if key.startswith("reasoning"):
            assert result.final["choices"][0]["message"][key] == text
        assert result == (whole := whole or result)  # every chunking: the same result


_TEXT_CHUNK = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}


def _text_chunk(text: str, **choice: Any) -> dict[str, Any]:
    return {**_TEXT_CHUNK, "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None, **choice}]}


@pytest.mark.parametrize(
    "last",
    [
        _text_chunk("!", finish_reason="stop"),
        _text_chunk("!", logprobs={"content": [{"token": "!", "logprob": -1.0}]}),
        _text_chunk("!", token_ids=[5]),
        _text_chunk("!", extra="s"),
        {**_text_chunk("!"), "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}},
        {**_text_chunk("!"), "system_fingerprint": "fp_new"},
        {**_text_chunk("!"), "x_groq": {"usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}},
        {**_TEXT_CHUNK, "choices": [{"index": 0, "delta": {"content": "!", "role": "assistant"}, "finish_reason": None}]},
        {**_TEXT_CHUNK, "choices": [{"index": 1, "delta": {"content": "!"}, "finish_reason": None}]},
    ],
    ids=["finish", "logprobs", "choice-extra", "choice-extra-str", "usage", "fingerprint", "x_groq", "role", "index"],
)
def test_a_chunk_that_differs_after_the_text_is_parsed_in_full(last: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Text chunks, then one like them but for a field after (or beside) the text: nothing of it is lost."""
    payloads = [_text_chunk(f"w{i}") for i in range(4)] + [last, _text_chunk("end")]
    body = b"".join(b"data: " + json.dumps(p, separators=(",", ":")).encode() + b"\n\n" for p in payloads)
    shaped, parsed = _both(body, monkeypatch)
    assert shaped == parsed
    assert shaped.text == "w0w1w2w3!end" or shaped.choices[1].content == "!"
    events = sseparse.parse(body)
    with monkeypatch.context() as patch:
        _without_shapes(patch)
        expected = _updates(events)
    assert _updates(events) == expected


def test_a_subclass_that_merges_chunks_its_own_way_sees_every_chunk() -> None:
    seen: list[str] = []

    class Counting(OpenAIChatAccumulator):
        def _handle(self, payload: dict[str, Any], event_type: str, out: Any) -> None:
            seen.append(payload["choices"][0]["delta"].get("content", ""))
            super()._handle(payload, event_type, out)

    accumulator = Counting()
    for i in range(5):
        accumulator.feed(sseparse.ServerSentEvent(data=chunk(f"w{i}")))
    assert seen == [f"w{i}" for i in range(5)]
    assert accumulator.result().text == "w0w1w2w3w4"


# -- generated hostile streams ----------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=6) | st.sampled_from(
    ['"', "\\", "\n", "\x00", "\ud800", "\udc00x", "\U0001f600", "content", '"content":"', "\u2028", ""]
)
_BASE = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "gpt"}


_KINDS = ["text"] * 6 + [
    "other-key", "role", "finish", "usage", "fingerprint", "extra", "index", "logprobs", "tool", "parts", "groq", "raw",
]  # fmt: skip


@st.composite
def _payload(draw: st.DrawFn) -> tuple[Any, str]:
    """A chunk (or non-JSON data) and its delta key whose string the run varies."""
    kind = draw(st.sampled_from(_KINDS))
    key = draw(st.sampled_from(["content"] * 8 + ["reasoning_content", "reasoning", "refusal"]))
    top: dict[str, Any] = dict(_BASE)
    if draw(st.sampled_from([True] * 5 + [False])):
        top["system_fingerprint"] = draw(st.sampled_from(["fp_1", "fp_2"])) if kind == "fingerprint" else "fp_1"
    choice: dict[str, Any] = {"index": 1 if kind == "index" else 0, "delta": {key: ""}, "logprobs": None, "finish_reason": None}
    if kind == "other-key":
        choice["delta"]["role"] = "assistant"
    elif kind == "role":
        choice["delta"] = {"role": "assistant", key: ""}
    elif kind == "finish":
        choice["finish_reason"] = draw(st.sampled_from(["stop", "length"]))
    elif kind == "extra":
        target = draw(st.sampled_from([top, choice, choice["delta"]]))
        target[draw(st.sampled_from(["x_extra", "token_ids"]))] = draw(st.sampled_from([None, "s", 1, [1], {"a": "b"}]))
    elif kind == "logprobs":
        choice["logprobs"] = {"content": [{"token": "t", "logprob": -0.5}]}
    elif kind == "tool":
        choice["delta"]["tool_calls"] = [{"index": 0, "function": {"arguments": "{}"}}]
    elif kind == "parts":
        choice["delta"] = {"content": [{"type": "text", "text": "part"}]}
        key = "none"
    top["choices"] = [choice]
    if kind == "usage":
        top["usage"] = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    elif kind == "groq":
        top["x_groq"] = {"usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}
    if draw(st.booleans()):
        top["obfuscation"] = ""
    if kind == "raw":
        return draw(st.sampled_from(["[DONE]", "not json", '{"error":{"message":"boom"}}', "[1]", '{"choices":[1]}'])), key
    return top, key


_MANGLES = [None] * 6 + ["dup", "control", "glue", "escape-key"]


@st.composite
def _run(draw: st.DrawFn) -> list[tuple[str, str]]:
    """A run of ``(event type, data)``: one chunk repeated with other strings, written alike (maybe mangled)."""
    payload, key = draw(_payload())
    if isinstance(payload, str):
        return [("message", payload)]
    # Mostly written alike, so that one run's shape meets the next run's chunks.
    compact, ascii_only = draw(st.sampled_from([True] * 5 + [False])), draw(st.sampled_from([True] * 5 + [False]))
    mangle = draw(st.sampled_from(_MANGLES))
    run = []
    for text in draw(st.lists(_TEXT, min_size=1, max_size=6)):
        delta = payload["choices"][0]["delta"]
        if key in delta:
            delta[key] = text
        if "obfuscation" in payload:
            payload["obfuscation"] = draw(_TEXT)
        data = json.dumps(payload, separators=(",", ":") if compact else None, ensure_ascii=ascii_only)
        if mangle == "dup":
            data = data.replace('"delta":{', '"delta":{"content":"dup",', 1)
        elif mangle == "control":
            data = data.replace('"content":"', '"content":"\x07', 1)
        elif mangle == "glue":
            data = data.replace('"content":"', '"content":"x","content":"', 1)
        elif mangle == "escape-key":
            data = data.replace('"content":', '"cont\\u0065nt":', 1)
        run.append(("error" if draw(st.integers(0, 30)) == 0 else "message", data))
    return run


_STREAMS = st.lists(_run(), min_size=1, max_size=8).map(lambda runs: [item for run in runs for item in run])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_STREAMS, st.booleans())
def test_generated_event_streams_give_the_same_result_and_updates(stream: list[tuple[str, str]], done: bool) -> None:
    """Events fed directly (raw surrogates possible): the per-event path and the batch path, with and without shapes."""
    events = [sseparse.ServerSentEvent(data=data, event=event) for event, data in stream]
    if done:
        events.append(sseparse.ServerSentEvent(data="[DONE]"))
    shaped = (_updates(events), sseparse.accumulate(events, "openai-chat"))
    learn_ = OpenAIChatAccumulator._learn
    OpenAIChatAccumulator._learn = lambda self, payload: None  # type: ignore[method-assign]
    try:
        parsed = (_updates(events), sseparse.accumulate(events, "openai-chat"))
    finally:
        OpenAIChatAccumulator._learn = learn_  # type: ignore[method-assign]
    assert shaped == parsed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_STREAMS, st.randoms(use_true_random=False))
def test_generated_byte_streams_give_the_same_result_under_any_chunking(
    stream: list[tuple[str, str]], rng: random.Random
) -> None:
    """The same streams as bytes: whole, one byte at a time and split at random, with and without shapes."""
    body = b"".join(
        (b"" if event == "message" else b"event: error\n") + b"data: " + data.encode("utf-8", "surrogatepass") + b"\n\n"
        for event, data in stream
    )
    body += b"data: [DONE]\n\n"
    learn_ = OpenAIChatAccumulator._learn
    OpenAIChatAccumulator._learn = lambda self, payload: None  # type: ignore[method-assign]
    try:
        expected = sseparse.accumulate(body, "openai-chat")
    finally:
        OpenAIChatAccumulator._learn = learn_  # type: ignore[method-assign]
    for chunks in ([body], [body[i : i + 1] for i in range(len(body))], random_split(body, rng, max_cuts=30)):
        assert sseparse.accumulate(chunks, "openai-chat") == expected
