"""Stream views and snapshots: ``text_stream``, ``updates()``, ``result()`` while iterating, ``timings``.

Every view is checked whole, one byte per read and at random cuts (Hypothesis): what the caller sees
and what ``result()`` says at each step must not depend on how the network cut the bytes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_helpers import (
    WORDS,
    AsyncSource,
    Source,
    anthropic_blocks,
    chat_chunk,
    openai_chat_blocks,
    responses_blocks,
    split_every,
)

from sseparse import (
    AsyncStream,
    ErrorUpdate,
    FinishUpdate,
    IncompleteStreamError,
    ResetUpdate,
    Stream,
    StreamAPIError,
    StreamError,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
    reconnecting,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

TEXT = "".join(WORDS)
DONE = b"data: [DONE]\n\n"


def block(payload: Any) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def ck(text: str, finish: str | None = None) -> bytes:
    return block(chat_chunk({"content": text}, finish=finish))


def cuts(data: bytes, points: Iterable[int]) -> list[bytes]:
    """``data`` cut at ``points``."""
    edges = [0, *sorted({p for p in points if 0 < p < len(data)}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def chunkings(data: bytes) -> list[list[bytes]]:
    """Whole, one byte per read, and a few fixed sizes."""
    return [[data], split_every(data, 1), split_every(data, 7), split_every(data, 64)]


# -- the snapshot rule ------------------------------------------------------------------------------


def test_result_does_not_run_ahead_of_the_chunk_in_hand() -> None:
    """Several chunks in one read: while the loop holds "one ", result() has "one " and is not complete."""
    stream = Stream([ck("one ") + ck("two", "stop") + DONE], "openai-chat")
    seen = [(chunk.choices[0].delta.content, stream.result().text, stream.result().end) for chunk in stream]
    assert seen == [("one ", "one ", "truncated"), ("two", "one two", "truncated")]
    assert (stream.result().text, stream.result().end) == ("one two", "complete")


def _snapshots(chunks: list[bytes], fmt: str | None = "openai-chat") -> list[tuple[Any, ...]]:
    """(item, result text, tool-call arguments, end) at each item, then the final (text, end)."""
    stream = Stream(chunks, fmt, raw=fmt is not None) if fmt else Stream(chunks)
    seen: list[tuple[Any, ...]] = []
    for item in stream:
        result = stream.result()
        seen.append((item, result.text, [call.arguments for call in result.tool_calls], result.end))
    seen.append((stream.result().text, stream.result().end))
    return seen


def test_result_reflects_the_chunks_handed_out_under_every_chunking() -> None:
    """Whole, byte by byte, fixed sizes: the same result at each chunk, growing chunk by chunk."""
    data = b"".join(openai_chat_blocks(tool=True))
    expected = _snapshots([data])
    assert [text for _, text, _, _ in expected[:-1]][1 : len(WORDS) + 1] == ["".join(WORDS[: n + 1]) for n in range(len(WORDS))]
    for chunks in chunkings(data):
        assert _snapshots(chunks) == expected


@settings(max_examples=40, deadline=None)
@given(points=st.lists(st.integers(min_value=1, max_value=2000), max_size=12))
def test_result_reflects_the_chunks_handed_out_at_random_cuts(points: list[int]) -> None:
    """Random cuts (Hypothesis): items and snapshots identical to the whole body's."""
    data = b"".join(openai_chat_blocks(tool=True))
    assert _snapshots(cuts(data, points)) == _snapshots([data])


def test_result_without_a_format_follows_the_events_handed_out() -> None:
    """format=None: the detected result also grows event by event, whatever the reads."""
    data = b"".join(anthropic_blocks())
    expected = _snapshots([data], None)
    assert expected[-1] == (TEXT, "complete")
    for chunks in chunkings(data):
        assert _snapshots(chunks, None) == expected


def test_close_mid_read_keeps_exactly_the_chunks_taken() -> None:
    """close() after the second chunk of a one-read body: the result has those two chunks only."""
    stream = Stream([b"".join(openai_chat_blocks())], "openai-chat")
    next(stream)
    next(stream)
    stream.close()
    assert stream.result().text == WORDS[0]
    assert stream.result().end == "truncated"


# -- text_stream ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "blocks"),
    [
        ("openai-chat", openai_chat_blocks(tool=True)),
        ("anthropic-messages", anthropic_blocks()),
        ("openai-responses", responses_blocks()),
        (None, openai_chat_blocks()),
    ],
)
def test_text_stream_gives_the_answer_text_and_closes(fmt: str | None, blocks: list[bytes]) -> None:
    """The text deltas of the answer, nothing else; joined they make result().text; the source is closed."""
    for chunks in chunkings(b"".join(blocks)):
        source = Source(chunks)
        stream = Stream(source, fmt) if fmt else Stream(source)
        texts = list(stream.text_stream)
        assert texts == [word for word in WORDS if word]
        assert "".join(texts) == stream.result().text == TEXT
        assert source.closed == 1


def test_text_stream_skips_reasoning_refusal_and_other_choices() -> None:
    """Reasoning, refusals and the text of choice 1 are not answer text of choice 0."""
    chunks = [
        block(chat_chunk({"reasoning_content": "thinking"})),
        block(chat_chunk({"content": "A"})),
        block({**chat_chunk({"content": "B"}), "choices": [{"index": 1, "delta": {"content": "B"}}]}),
        block(chat_chunk({"refusal": "no"})),
        ck("C", "stop"),
        DONE,
    ]
    assert list(Stream(chunks, "openai-chat").text_stream) == ["A", "C"]


def test_text_stream_raises_the_stream_error_after_the_text_before_it() -> None:
    """An in-stream error: the text before it, then StreamAPIError with the partial result."""
    error = block({"error": {"message": "overloaded", "type": "server_error", "code": 503}})
    stream = Stream([ck("Hel") + ck("lo") + error], "openai-chat")
    texts: list[str] = []
    with pytest.raises(StreamAPIError, match="overloaded") as info:
        texts.extend(stream.text_stream)
    assert texts == ["Hel", "lo"]
    assert info.value.partial.text == "Hello"
    assert stream.closed


def test_text_stream_raises_on_truncation() -> None:
    """A cut stream: the text received, then IncompleteStreamError (allow_truncated: a quiet end)."""
    with pytest.raises(IncompleteStreamError):
        list(Stream([ck("Hel")], "openai-chat").text_stream)
    assert list(Stream([ck("Hel")], "openai-chat", allow_truncated=True).text_stream) == ["Hel"]


def test_break_then_close_closes_the_source() -> None:
    """break out of text_stream, then close(): the source is closed once, result() has what was given."""
    source = Source(openai_chat_blocks())
    with Stream(source, "openai-chat") as stream:
        for text in stream.text_stream:
            if text == ",":
                break
    assert source.closed == 1
    assert stream.result().text == "Hello,"


def test_views_share_one_position() -> None:
    """next(stream), then text_stream, then chunks again: each event is handed out once, in one view."""
    stream = Stream(openai_chat_blocks(), "openai-chat")
    first = next(stream)  # the role chunk
    assert first.choices[0].delta.role == "assistant"
    texts = stream.text_stream
    assert [next(texts), next(texts)] == ["Hello", ","]
    rest = [chunk.choices[0].delta.content for chunk in stream if chunk.choices]
    assert rest[: len(WORDS) - 2] == WORDS[2:]
    assert stream.result().text == TEXT


# -- text_stream and restarts: text is never given twice ---------------------------------------------------


def _restarting(attempts: list[list[bytes]]) -> Stream[Any]:
    """A restart-mode stream whose connections give ``attempts`` in turn (each but the last cut off)."""
    pending = list(attempts)
    return reconnecting(lambda state: pending.pop(0), "openai-chat", mode="restart", sleep=lambda _: None)


def test_a_restart_that_repeats_the_text_gives_only_the_new_text() -> None:
    """The second connection regenerates the same text: text_stream goes on where it was."""
    stream = _restarting([[ck("Hel")], [ck("Hel"), ck("lo", "stop"), DONE]])
    assert list(stream.text_stream) == ["Hel", "lo"]
    assert stream.attempts == 2
    assert stream.result().text == "Hello"


def test_a_restart_with_different_text_is_an_error_not_a_duplicate() -> None:
    """Text already given cannot be taken back: StreamError naming updates(), no text given twice."""
    stream = _restarting([[ck("Hel")], [ck("Goodbye", "stop"), DONE]])
    texts: list[str] = []
    with pytest.raises(StreamError, match="updates"):
        texts.extend(stream.text_stream)
    assert texts == ["Hel"]


def test_updates_after_a_restart_start_with_a_reset() -> None:
    """updates(): the restart is a ResetUpdate, then the new attempt's updates."""
    stream = _restarting([[ck("Hel")], [ck("Hi", "stop"), DONE]])
    updates = list(stream.updates())
    assert updates[:2] == [TextDelta("Hel"), ResetUpdate()]
    assert TextDelta("Hi") in updates
    assert stream.result().text == "Hi"


# -- updates() ------------------------------------------------------------------------------------------------


def test_updates_give_the_accumulators_typed_updates() -> None:
    """Text, tool call started / arguments / finished, finish, usage: in stream order, the source closed."""
    source = Source(openai_chat_blocks(tool=True))
    with Stream(source, "openai-chat") as stream:
        updates = list(stream.updates())
    kinds = [type(update) for update in updates]
    assert [u.text for u in updates if isinstance(u, TextDelta)] == WORDS
    assert kinds.index(ToolCallStarted) < kinds.index(ToolCallArgumentsDelta) < kinds.index(ToolCallFinished)
    assert FinishUpdate in kinds
    assert kinds[-1] is UsageUpdate or UsageUpdate in kinds
    finished = next(u for u in updates if isinstance(u, ToolCallFinished))
    assert finished.call.json() == {"city": "Zürich"}
    assert source.closed == 1


def test_updates_are_the_same_under_every_chunking() -> None:
    """Byte by byte, fixed sizes, whole: the same updates."""
    data = b"".join(anthropic_blocks())
    expected = list(Stream([data], "anthropic-messages").updates())
    assert expected
    for chunks in chunkings(data):
        assert list(Stream(chunks, "anthropic-messages").updates()) == expected


def test_updates_end_with_the_error_update_then_raise() -> None:
    """An in-stream error: its ErrorUpdate is handed out, then StreamAPIError is raised."""
    error = block({"error": {"message": "overloaded", "type": "server_error"}})
    got: list[Update] = []
    with pytest.raises(StreamAPIError):
        got.extend(Stream([ck("Hi") + error], "openai-chat").updates())
    assert got[0] == TextDelta("Hi")
    assert isinstance(got[-1], ErrorUpdate)


def test_result_follows_the_update_in_hand() -> None:
    """While holding the TextDelta of a chunk, result() has that chunk and none of the later ones, in every chunking."""
    data = b"".join(openai_chat_blocks(tool=True))
    for chunks in chunkings(data):
        stream = Stream(chunks, "openai-chat")
        seen = []
        for update in stream.updates():
            result = stream.result()
            seen.append((update, result.text, [call.arguments for call in result.tool_calls], result.end))
            if isinstance(update, TextDelta):
                assert result.text.endswith(update.text)
        texts = [text for update, text, _, _ in seen if isinstance(update, TextDelta)]
        assert texts == ["".join(WORDS[: n + 1]) for n in range(len(WORDS))]
        assert {end for *_, end in seen[:-1]} == {"truncated"}
        args = [calls[0] for update, _, calls, _ in seen if isinstance(update, ToolCallArgumentsDelta)]
        assert args == ['{"city"', '{"city": "Zür', '{"city": "Zürich"}']


# -- async twins, under asyncio and trio ------------------------------------------------------------------


async def _async_views(source: AsyncIterator[bytes] | AsyncSource) -> tuple[list[str], list[Update], str]:
    async with AsyncStream(source, "openai-chat") as stream:
        texts = [text async for text in stream.text_stream]
    again = AsyncStream(AsyncSource(openai_chat_blocks(tool=True)), "openai-chat")
    updates = [update async for update in again.updates()]
    return texts, updates, stream.result().text


def test_async_text_stream_and_updates_under_asyncio() -> None:
    """AsyncStream.text_stream and updates() match the sync ones; the source is closed."""
    source = AsyncSource(openai_chat_blocks(tool=True))
    texts, updates, text = asyncio.run(_async_views(source))
    assert texts == WORDS
    assert text == TEXT
    assert updates == list(Stream(openai_chat_blocks(tool=True), "openai-chat").updates())
    assert source.closed == 1


def test_async_text_stream_and_updates_under_trio() -> None:
    """The same under trio (no asyncio involved)."""
    trio = pytest.importorskip("trio")

    async def trickle() -> AsyncIterator[bytes]:
        for piece in split_every(b"".join(openai_chat_blocks(tool=True)), 5):
            await trio.lowlevel.checkpoint()
            yield piece

    texts, updates, text = trio.run(_async_views, trickle())
    assert texts == WORDS
    assert text == TEXT
    assert any(isinstance(update, ToolCallFinished) for update in updates)


def test_async_snapshot_rule() -> None:
    """AsyncStream: several chunks in one read, result() follows the chunk in hand."""

    async def main() -> list[tuple[str | None, str, str]]:
        stream = AsyncStream(AsyncSource([ck("one ") + ck("two", "stop") + DONE]), "openai-chat")
        return [(chunk.choices[0].delta.content, stream.result().text, stream.result().end) async for chunk in stream]

    assert asyncio.run(main()) == [("one ", "one ", "truncated"), ("two", "one two", "truncated")]


# -- timings ------------------------------------------------------------------------------------------------


class FakeClock:
    """A clock the test moves by hand: never wall time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _timed_source(clock: FakeClock, reads: list[tuple[float, bytes]]) -> Iterable[bytes]:
    for at, data in reads:
        clock.now = at
        yield data


def test_timings_with_an_injected_clock() -> None:
    """First byte, first chunk, first delta, total, chunks/s and output tokens/s, from the clock given."""
    clock = FakeClock()
    role = block(chat_chunk({"role": "assistant", "content": ""}))
    usage = block(chat_chunk(usage={"prompt_tokens": 5, "completion_tokens": 40, "total_tokens": 45}))
    reads = [(0.5, b": keep-alive\n\n"), (1.0, role), (1.5, ck("Hi")), (2.5, ck(" there", "stop")), (3.0, usage + DONE)]
    stream = Stream(_timed_source(clock, reads), "openai-chat", clock=clock)
    assert stream.timings is not None
    assert stream.timings.first_byte is None
    chunks = list(stream)
    clock.now = 4.0  # time passes after the end: total does not move
    timings = stream.timings
    assert timings is not None
    assert (timings.first_byte, timings.first_chunk, timings.first_delta) == (0.5, 1.0, 1.5)
    assert timings.total == 3.0
    assert timings.ended
    assert timings.chunks == len(chunks) == 4
    assert timings.chunks_per_second == 3 / 2.0  # 3 intervals between the 4 chunks, over 1.0 .. 3.0 s
    assert timings.output_tokens == 40
    assert timings.output_tokens_per_second == 40 / 1.5  # from the first delta (1.5 s) to the last chunk (3.0 s)
    assert stream.result().timings == timings


def test_timings_while_streaming_and_before_usage() -> None:
    """Mid-stream: total is the time so far, no token rate until the usage arrives."""
    clock = FakeClock()
    stream = Stream(
        _timed_source(clock, [(0.2, ck("a")), (0.4, ck("b")), (0.6, ck("c", "stop") + DONE)]), "openai-chat", clock=clock
    )
    with stream:
        next(stream)
        clock.now = 0.3
        timings = stream.timings
    assert timings is not None
    assert (timings.first_delta, timings.total, timings.ended, timings.output_tokens_per_second) == (0.2, 0.3, False, None)


def test_tool_call_deltas_count_as_the_first_delta() -> None:
    """A response that starts with a tool call: first_delta is the call's arrival."""
    clock = FakeClock()
    blocks = openai_chat_blocks([], tool=True)
    reads = [(float(n + 1), piece) for n, piece in enumerate(blocks)]
    stream = Stream(_timed_source(clock, reads), "openai-chat", clock=clock)
    list(stream)
    assert stream.timings is not None
    assert stream.timings.first_delta == 2.0  # the role chunk came at 1.0, the call at 2.0


def _gemini(text: str, usage: dict[str, int] | None = None, finish: str | None = None) -> bytes:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    return block({"candidates": [candidate], **({"usageMetadata": usage} if usage else {})})


@pytest.mark.parametrize(
    ("fmt", "blocks", "tokens"),
    [
        ("anthropic-messages", anthropic_blocks(), 9),  # message_delta: output_tokens
        ("gemini", [_gemini("Hi"), _gemini("!", {"candidatesTokenCount": 7, "thoughtsTokenCount": 5}, "STOP")], 12),
    ],
)
def test_output_tokens_per_format(fmt: str, blocks: list[bytes], tokens: int) -> None:
    """Each format's usage names the generated tokens its own way (Gemini counts thoughts apart)."""
    clock = FakeClock()
    stream = Stream(_timed_source(clock, [(float(n + 1), piece) for n, piece in enumerate(blocks)]), fmt, clock=clock)
    list(stream)
    timings = stream.timings
    assert timings is not None
    assert timings.output_tokens == tokens
    assert timings.output_tokens_per_second is not None
    assert timings.output_tokens_per_second > 0


def test_no_clock_no_timings() -> None:
    """clock=None: nothing is measured, timings is None, on the stream and on result()."""
    stream = Stream(openai_chat_blocks(), "openai-chat", clock=None)
    list(stream)
    assert stream.timings is None
    assert stream.result().timings is None


def test_async_timings_with_an_injected_clock() -> None:
    """AsyncStream measures the same way."""
    clock = FakeClock()

    async def source() -> AsyncIterator[bytes]:
        for at, data in [(0.25, ck("a")), (0.75, ck("b", "stop") + DONE)]:
            clock.now = at
            yield data

    async def main() -> Any:
        stream = AsyncStream(source(), "openai-chat", clock=clock)
        async for _ in stream:
            pass
        return stream.timings

    timings = asyncio.run(main())
    assert (timings.first_byte, timings.first_delta, timings.total, timings.chunks) == (0.25, 0.25, 0.75, 2)


def test_text_stream_and_updates_across_a_resumed_connection() -> None:
    """mode="resume": the second connection goes on after Last-Event-ID; text and updates come once."""
    blocks = openai_chat_blocks(ids=True)

    def connect(state: Any) -> list[bytes]:
        start = int(state.last_event_id or 0)
        return blocks[start:4] if start == 0 else blocks[start:]

    texts = list(reconnecting(connect, "openai-chat", mode="resume", sleep=lambda _: None).text_stream)
    assert texts == WORDS
    stream = reconnecting(connect, "openai-chat", mode="resume", sleep=lambda _: None)
    updates = list(stream.updates())
    assert [u.text for u in updates if isinstance(u, TextDelta)] == WORDS
    assert not any(isinstance(u, ResetUpdate) for u in updates)
    assert stream.attempts == 2
    assert stream.result().text == TEXT


def test_timings_across_a_reconnect_use_the_clock_given_to_reconnecting() -> None:
    """reconnecting(clock=...): the deadline's clock also times the stream; first byte stays the first ever."""
    clock = FakeClock()
    blocks = openai_chat_blocks(ids=True)

    def connect(state: Any) -> Iterable[bytes]:
        if not state.last_event_id:
            return _timed_source(clock, [(1.0, blocks[0]), (2.0, blocks[1])])  # then cut off
        return _timed_source(clock, [(5.0, b"".join(blocks[int(state.last_event_id) :]))])

    stream = reconnecting(connect, "openai-chat", mode="resume", sleep=lambda _: None, clock=clock)
    assert "".join(stream.text_stream) == TEXT
    timings = stream.timings
    assert timings is not None
    assert (timings.first_byte, timings.first_delta, timings.total, timings.ended) == (1.0, 2.0, 5.0, True)
    assert timings.output_tokens == len(WORDS)
