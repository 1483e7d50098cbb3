"""sseparse.strategies: the generated expectations agree with the decoder, options narrow, arguments are checked.

The strategies compute expected events from the structure they generate, never from the decoder, so
agreement under generated chunkings cross-checks both.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
from decoder_harness import feed_and_close
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import sseparse.strategies
from sseparse import ServerSentEvent, SSEDecoder, accumulate, encode, parse
from sseparse.strategies import (
    LLM_FORMATS,
    ExpectedChoice,
    ExpectedResult,
    ExpectedToolCall,
    chunkings,
    events,
    llm_streams,
    sse_streams,
)

BOM = b"\xef\xbb\xbf"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode(chunks: list[bytes], **options: Any) -> list[ServerSentEvent]:
    return feed_and_close(SSEDecoder(**options), chunks)


# -- the cross-check ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_streams_decode_to_their_expected_events_in_any_chunking(data: st.DataObject) -> None:
    """The decoder (fast path) agrees with the expectations under generated chunkings."""
    wire, expected = data.draw(sse_streams(), label="stream")
    chunks = data.draw(chunkings(wire), label="chunks")
    assert b"".join(chunks) == wire
    assert decode(chunks) == expected


@FAST
@given(st.data())
def test_generated_streams_agree_with_the_general_path(data: st.DataObject) -> None:
    """The general path (diagnostics on) agrees too, and a seeded last event ID carries through."""
    wire, expected = data.draw(sse_streams(last_event_id="seed", max_events=4), label="stream")
    chunks = data.draw(chunkings(wire, empty_chunks=False), label="chunks")
    assert decode(chunks, diagnostics=True, last_event_id="seed") == expected


@FAST
@given(sse_streams(data=st.text(st.characters(codec="utf-8", exclude_characters="\r")), min_events=1, max_events=3))
def test_data_option_gives_exactly_those_strings(pair: tuple[bytes, list[ServerSentEvent]]) -> None:
    """With data=, every expected event carries a drawn string verbatim, and the decoder agrees."""
    wire, expected = pair
    assert 1 <= len(expected) <= 3
    assert parse(wire) == expected


@FAST
@given(
    sse_streams(
        line_endings=("\n",),
        bom=False,
        comments=False,
        unknown_fields=False,
        ids=False,
        retry=False,
        invalid_utf8=False,
        unfinished=False,
        min_events=2,
        max_events=2,
    )
)
def test_narrowest_streams_have_nothing_odd(pair: tuple[bytes, list[ServerSentEvent]]) -> None:
    """Every option off: LF only, valid UTF-8, no BOM, comments, unknown fields, ids or retries."""
    wire, expected = pair
    assert b"\r" not in wire
    assert not wire.startswith(BOM)
    wire.decode("utf-8")  # strict: no invalid bytes
    decoder = SSEDecoder(diagnostics=True)
    assert decoder.feed(wire) + decoder.close() == expected
    assert decoder.diagnostics == []
    assert not decoder.incomplete
    assert len(expected) == 2
    assert all(event.id == "" and event.retry is None for event in expected)


@FAST
@given(sse_streams(bom=True, line_endings=("\r",), ids=False, last_event_id="41", min_events=1))
def test_bom_line_endings_and_seed_options_are_honoured(pair: tuple[bytes, list[ServerSentEvent]]) -> None:
    """bom=True always starts with a BOM; CR-only streams have no LF; ids=False keeps the seed."""
    wire, expected = pair
    assert wire.startswith(BOM)
    assert b"\n" not in wire
    assert expected
    assert all(event.id == "41" for event in expected)


@FAST
@given(sse_streams(unfinished=False))
def test_without_unfinished_nothing_is_pending_at_the_end(pair: tuple[bytes, list[ServerSentEvent]]) -> None:
    """unfinished=False: dispatching the unfinished event at close changes nothing."""
    wire, expected = pair
    assert parse(wire, dispatch_incomplete=True) == expected


@FAST
@given(events())
def test_events_survive_encode_and_parse(event: ServerSentEvent) -> None:
    """Every generated event is one a decoder can dispatch: encode() then parse() gives it back."""
    wire = encode(event.data, event=event.event, id=event.id, retry=event.retry)
    assert parse(wire) == [event]


@FAST
@given(events(ids=False, retry=False, event_types=st.just("tick"), data=st.just("x")))
def test_events_options_narrow(event: ServerSentEvent) -> None:
    """events() options fix or remove fields."""
    assert event == ServerSentEvent("tick", "x", "", None)


@FAST
@given(st.binary(max_size=40), st.data())
def test_chunkings_concatenate_and_respect_their_limits(data: bytes, draws: st.DataObject) -> None:
    """Chunks join back to the data; max_chunks and empty_chunks are honoured."""
    chunks = draws.draw(chunkings(data, max_chunks=3, empty_chunks=False))
    assert b"".join(chunks) == data
    assert 1 <= len(chunks) <= 3
    assert all(chunks) or chunks == [b""]


# -- what each strategy shrinks toward ----------------------------------------------------------------


def test_shrink_targets_are_the_documented_ones() -> None:
    """sse_streams shrinks to the simplest events, chunkings to one chunk, events to data=''."""
    always = settings(database=None, max_examples=200)
    wire, expected = find(sse_streams(min_events=1, max_events=1), lambda _: True, settings=always)
    assert wire in {b"data\n\n", b"data:\n\n", b"data: \n\n"}
    assert expected == [ServerSentEvent(data="")]
    assert find(chunkings(b"data: x\r\n\r\n"), lambda _: True, settings=always) == [b"data: x\r\n\r\n"]
    assert find(events(), lambda _: True, settings=always) == ServerSentEvent(data="")


def _features(pair: tuple[bytes, list[ServerSentEvent]]) -> set[str]:
    wire, expected = pair
    decoder = SSEDecoder(diagnostics=True)
    decoder.feed(wire)
    decoder.close()
    seen = {d.kind for d in decoder.diagnostics}
    seen.update(name for name, present in (("bom", wire.startswith(BOM)), ("crlf", b"\r\n" in wire)) if present)
    seen.update(
        name for name, present in (("id", any(e.id for e in expected)), ("retry", any(e.retry for e in expected))) if present
    )
    return seen


TRICKY = ["bom", "crlf", "id", "retry", "comment", "unknown-field", "invalid-utf8", "invalid-retry", "incomplete-event"]
TRICKY += ["mixed-line-endings", "id-contains-nul", "misplaced-bom"]


@pytest.mark.parametrize("feature", TRICKY)
def test_the_generator_covers_the_tricky_features(feature: str) -> None:
    """The streams use every feature the strategy promises: a search finds each within a bounded budget."""
    budget = settings(
        max_examples=2000,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    find(sse_streams(), lambda pair: feature in _features(pair), settings=budget)


# -- arguments are checked when the strategy is made --------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"line_endings": ()},
        {"line_endings": "\n"},
        {"line_endings": ("\n", "\u2028")},
        {"bom": "yes"},
        {"comments": 1},
        {"unknown_fields": None},
        {"ids": "no"},
        {"retry": 0},
        {"event_types": None},
        {"invalid_utf8": []},
        {"unfinished": "x"},
        {"data": "abc"},
        {"min_events": -1},
        {"max_events": 1.5},
        {"min_events": True},
        {"min_events": 3, "max_events": 2},
        {"last_event_id": "a\0b"},
        {"last_event_id": 7},
    ],
)
def test_sse_streams_checks_arguments_eagerly(options: dict[str, Any]) -> None:
    """Bad options raise InvalidArgument when sse_streams() is called, before any draw."""
    with pytest.raises(InvalidArgument):
        sse_streams(**options)


@pytest.mark.parametrize(
    ("data", "options"),
    [("text", {}), (b"x", {"max_chunks": 0}), (b"x", {"max_chunks": "2"}), (b"x", {"empty_chunks": None})],
)
def test_chunkings_checks_arguments_eagerly(data: Any, options: dict[str, Any]) -> None:
    """chunkings() rejects non-bytes data and bad options at once."""
    with pytest.raises(InvalidArgument):
        chunkings(data, **options)


@pytest.mark.parametrize("options", [{"data": "x"}, {"event_types": ["a"]}, {"ids": 1}, {"retry": None}])
def test_events_checks_arguments_eagerly(options: dict[str, Any]) -> None:
    """events() rejects bad options at once."""
    with pytest.raises(InvalidArgument):
        events(**options)


def test_a_data_strategy_with_cr_is_rejected_when_drawn() -> None:
    """A data= strategy producing CR cannot be represented; that is reported as InvalidArgument."""
    with pytest.raises(InvalidArgument, match="without CR"):
        find(sse_streams(data=st.just("a\rb"), min_events=1), lambda _: True, settings=settings(database=None))


def test_chunkings_accepts_bytes_likes() -> None:
    """bytearray and memoryview data are accepted and give bytes chunks."""
    assert find(chunkings(bytearray(b"ab")), lambda _: True) == [b"ab"]
    assert find(chunkings(memoryview(b"ab"), max_chunks=1), lambda _: True) == [b"ab"]


# -- the module ---------------------------------------------------------------------------------------


def test_all_names_the_public_api() -> None:
    """__all__ is exactly the public names the package re-exports from its modules."""
    public = {name for name, value in vars(sseparse.strategies).items() if not name.startswith("_") and callable(value)}
    public = {
        name
        for name in public
        if getattr(vars(sseparse.strategies)[name], "__module__", "").startswith("sseparse.strategies._")  # defined behind it
    }
    assert set(sseparse.strategies.__all__) == public


def test_missing_hypothesis_gives_a_kind_import_error() -> None:
    """Without Hypothesis, importing sseparse.strategies names the extra to install."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        import sseparse  # the package itself never needs Hypothesis
        try:
            import sseparse.strategies
        except ImportError as exc:
            assert str(exc) == 'sseparse.strategies needs Hypothesis: pip install "sseparse[testing]"', exc
            assert exc.name == "hypothesis"
        else:
            raise SystemExit("no ImportError")
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- llm_streams ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("wire_format", LLM_FORMATS)
def test_llm_streams_accumulate_to_their_expected_result_in_any_chunking(wire_format: str) -> None:
    """accumulate() agrees with the generated expectation: text, reasoning, tool calls, finish, end."""

    @FAST
    @given(st.data())
    def check(data: st.DataObject) -> None:
        wire, expected = data.draw(llm_streams(wire_format), label="stream")
        chunks = data.draw(chunkings(wire, max_chunks=8), label="chunks")
        result = accumulate(chunks, format=wire_format)
        assert expected.mismatches(result) == []

    check()


def test_llm_streams_cover_the_quirks() -> None:
    """Parallel, index-less and index-0 tool calls, n>1, errors and truncation all occur."""
    seen: set[str] = set()

    @settings(max_examples=150, database=None, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(llm_streams("openai-chat"))
    def collect(pair: tuple[bytes, ExpectedResult]) -> None:
        wire, expected = pair
        seen.add(expected.end)
        seen.update({"n>1"} if len(expected.choices) > 1 else set())
        seen.update({"parallel"} if any(len(c.tool_calls) > 1 for c in expected.choices) else set())
        seen.update({"index-less"} if b'"tool_calls": [{"id"' in wire else set())
        seen.update({"index-0"} if b'"index": 0, "id": "call_0_1"' in wire else set())

    collect()
    assert {"complete", "error", "truncated", "n>1", "parallel", "index-less", "index-0"} <= seen


def test_llm_streams_shrink_to_one_empty_complete_answer() -> None:
    """The simplest stream: complete, one answer, nothing in it."""
    wire, expected = find(llm_streams("anthropic-messages"), lambda _: True, settings=settings(database=None))
    assert expected == ExpectedResult("anthropic-messages", "complete", (ExpectedChoice(0, "", "", (), "end_turn"),))
    assert expected.mismatches(accumulate(wire, format="anthropic-messages")) == []


def test_mismatches_name_what_differs() -> None:
    """An expectation compared with another stream's result lists the differences."""
    expected = ExpectedResult(
        "openai-chat", "complete", (ExpectedChoice(0, "hi", "", (ExpectedToolCall(0, "call_1", "f", "{}"),), "tool_calls"),)
    )
    wire = b'data: {"choices": [{"index": 0, "delta": {"content": "ho"}, "finish_reason": "stop"}]}\n\n'
    problems = expected.mismatches(accumulate(wire, format="openai-chat"))
    assert "choice 0 text: expected 'hi', got 'ho'" in problems
    assert "end: expected 'complete', got 'truncated'" in problems
    assert "choice 0 tool call count: expected 1, got 0" in problems
    assert expected.text == "hi"
    assert expected.tool_calls[0].name == "f"
    assert expected.finish_reason == "tool_calls"
    assert expected.reasoning == ""


@pytest.mark.parametrize(
    ("wire_format", "options"),
    [("openai", {}), ("openai-chat", {"max_choices": 0}), ("gemini", {"quirks": "yes"}), ("gemini", {"errors": None})],
)
def test_llm_streams_checks_arguments_eagerly(wire_format: str, options: dict[str, Any]) -> None:
    """An unknown format or a bad option raises InvalidArgument at once."""
    with pytest.raises(InvalidArgument):
        llm_streams(wire_format, **options)
