"""Stream and AsyncStream over in-memory sources: items, terminal markers, every close path, errors."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from stream_helpers import (
    SHARED_STREAMS,
    WORDS,
    AsyncSource,
    Response,
    Source,
    anthropic_blocks,
    chat_chunk,
    openai_chat_blocks,
    responses_blocks,
    split_every,
)

import sseparse
from sseparse import (
    AsyncStream,
    IncompleteStreamError,
    ServerSentEvent,
    SSEError,
    Stream,
    StreamAPIError,
    StreamDecodeError,
    StreamError,
    StreamTimeoutError,
)
from sseparse.models import chunk_model

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

TEXT = "".join(WORDS)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def is_instance(obj: object, cls: type) -> bool:
    return isinstance(obj, cls)  # a function, so the type checker keeps obj as Any at the call site


async def collect(stream: AsyncStream[Any], into: list[Any]) -> None:
    async for item in stream:
        into.append(item)


# -- what is iterated ---------------------------------------------------------------------------------


def test_without_a_format_the_stream_yields_server_sent_events() -> None:
    """format=None: plain `ServerSentEvent` objects, nothing interpreted (not even [DONE])."""
    source = Source([b"event: a\nid: 1\ndata: x\n\n", b"data: [DONE]\n\n"])
    with Stream(source) as stream:
        events = list(stream)
    assert events == [ServerSentEvent("a", "x", "1"), ServerSentEvent("message", "[DONE]", "1")]
    assert source.closed == 1
    assert stream.closed


def test_typed_chunks_give_attribute_access_like_the_openai_sdk() -> None:
    """A format yields typed chunks: ``chunk.choices[0].delta.content`` as in the OpenAI guide."""
    text = ""
    with Stream(Source(openai_chat_blocks()), "openai-chat") as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content is not None:
                text += chunk.choices[0].delta.content
    assert text == TEXT
    assert stream.result().text == TEXT
    assert stream.result().end == "complete"


def test_typed_chunks_are_sseparse_models_and_keep_unknown_fields() -> None:
    """Chunks are `sseparse.models` instances; a field the model does not know is kept."""
    chunk = chat_chunk({"content": "hi", "x_new_delta": 1})
    chunk["x_vendor"] = {"latency": 3}
    item: Any  # extra fields are not known to the type checker
    (item,) = Stream([b"data: " + json.dumps(chunk).encode() + b"\n\n"], "openai-chat", allow_truncated=True)
    assert is_instance(item, chunk_model("openai-chat"))
    assert item.x_vendor == {"latency": 3}
    assert item.choices[0].delta.content == "hi"
    assert item.choices[0].delta.x_new_delta == 1


def test_a_field_of_an_unexpected_type_is_not_an_error() -> None:
    """Lenient: a known field with a surprising value is kept as sent instead of raising."""
    chunk = chat_chunk({"content": "hi"})
    chunk["created"] = "yesterday"
    item: Any  # not what the model declares
    (item,) = Stream([b"data: " + json.dumps(chunk).encode() + b"\n\n", b"data: [DONE]\n\n"], "openai-chat")
    assert item.created == "yesterday"
    assert item.choices[0]["delta"]["content"] == "hi"


def test_raw_yields_the_parsed_json_dicts() -> None:
    """raw=True yields dicts, [DONE] is not an item."""
    blocks = openai_chat_blocks()
    items = list(Stream(Source(blocks), "openai-chat", raw=True))
    assert items == [json.loads(block[len(b"data: ") :]) for block in blocks[:-1]]


def test_raw_without_a_format_is_refused() -> None:
    """raw=True needs a format to know the data is JSON."""
    with pytest.raises(ValueError, match="needs a format"):
        Stream([b""], raw=True)  # type: ignore[call-overload]  # type checkers refuse it too


def test_unknown_format_is_refused_up_front() -> None:
    """An unregistered format name fails at construction, naming the known ones."""
    with pytest.raises(ValueError, match="openai-chat"):
        Stream([b""], "no-such-format")


@pytest.mark.parametrize(
    ("fmt", "blocks"),
    [
        ("openai-chat", openai_chat_blocks()),
        ("anthropic-messages", anthropic_blocks()),
        ("openai-responses", responses_blocks()),
    ],
)
def test_without_a_format_result_detects_it_as_accumulate_does(fmt: str, blocks: list[bytes]) -> None:
    """format=None: events are handed out as they are, and result() detects the format like accumulate()."""
    with Stream(Source(blocks)) as stream:
        events = list(stream)
    assert all(isinstance(event, ServerSentEvent) for event in events)
    result, expected = stream.result(), sseparse.accumulate(b"".join(blocks))
    assert (result.format, result.text, result.end) == (fmt, TEXT, "complete")
    assert (result.format, result.text, result.end, result.usage) == (
        expected.format,
        expected.text,
        expected.end,
        expected.usage,
    )


def test_without_a_format_result_never_ends_or_fails_the_stream() -> None:
    """An error payload or a non-LLM stream: every event is still handed out; result() says what it found."""
    error = b'data: {"error": {"message": "boom", "type": "server_error"}}\n\n'
    with Stream([b"data: hello\n\n", error, b"data: after\n\n"]) as stream:
        assert [event.data for event in stream][-1] == "after"
    assert stream.result().format is None
    assert stream.result().end == "error"
    plain = Stream([b"data: tick 1\n\ndata: tick 2\n\n"])
    assert [event.data for event in plain] == ["tick 1", "tick 2"]
    assert plain.result().format is None


def test_a_single_bytes_object_is_not_a_source() -> None:
    """bytes would iterate as ints: refused with a clear message."""
    with pytest.raises(TypeError, match="iterable of byte chunks"):
        list(Stream(b"data: x\n\n"))


def test_anthropic_pings_are_skipped_but_counted_by_the_accumulator() -> None:
    """Pings carry nothing for the caller; the accumulator still sees them."""
    items = list(Stream(Source(anthropic_blocks()), "anthropic-messages", raw=True))
    assert "ping" not in [item["type"] for item in items]
    assert items[-1]["type"] == "message_stop"


class LinesAccumulator:
    """A user's own format: data lines of text, ``END`` is the terminal marker."""

    format = "test-lines"

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._end = sseparse.End.TRUNCATED

    def feed(self, event: ServerSentEvent) -> list[sseparse.Update]:
        if event.data == "END":
            self._end = sseparse.End.COMPLETE
        else:
            self.parts.append(event.data)
        return []

    def close(self) -> list[sseparse.Update]:
        return []

    def result(self) -> sseparse.AccumulatedResult:
        return sseparse.AccumulatedResult(format=self.format, end=self._end, text="".join(self.parts))

    @property
    def end(self) -> sseparse.End:
        return self._end


@pytest.fixture
def lines_format() -> Iterator[str]:
    sseparse.register_format("test-lines", LinesAccumulator)
    yield "test-lines"
    sseparse.accumulators.unregister_format("test-lines")


def test_a_registered_format_without_models_yields_its_events(lines_format: str) -> None:
    """A user's format: its accumulator decides the end; items are the events (no model exists)."""
    source = Source([b"data: a\n\ndata: b\n\ndata: END\n\ndata: never\n\n"])
    with Stream(source, lines_format) as stream:
        assert [event.data for event in stream] == ["a", "b"]
    assert stream.result().text == "ab"
    assert stream.result().end == "complete"
    with pytest.raises(StreamDecodeError, match="not JSON"):
        list(Stream([b"data: a\n\n"], lines_format, raw=True))


def _without_pydantic(code: str) -> str:
    """Run ``code`` in a fresh interpreter where ``import pydantic`` fails; return what it printed."""
    prelude = "import sys\nsys.modules['pydantic'] = None\nimport sseparse\n"
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("cls", ["Stream", "AsyncStream"])
def test_a_typed_stream_without_pydantic_names_the_extra_and_raw(cls: str) -> None:
    """No pydantic: a typed stream raises (at construction) an ImportError naming the extra and raw=True."""
    out = _without_pydantic(f"try:\n    sseparse.{cls}([], 'openai-chat')\nexcept ImportError as exc:\n    print(exc)")
    assert 'pip install "sseparse[models]"' in out
    assert "raw=True" in out
    raw = _without_pydantic(f"s = sseparse.{cls}([], 'openai-chat', raw=True); print(sys.modules['pydantic'])")
    assert raw.strip() == "None"


def _fresh(code: str) -> str:
    """Run ``code`` in a fresh interpreter (no model built yet); return what it printed."""
    return subprocess.run(
        [sys.executable, "-c", "import sys, sseparse\n" + code], capture_output=True, text=True, check=True
    ).stdout


def test_a_format_without_models_never_imports_pydantic() -> None:
    """A registered format that declares no chunk model: its stream yields events and pydantic stays unloaded."""
    code = (
        "from sseparse.accumulators import OpenAIChatAccumulator\n"
        "sseparse.register_format('mine', lambda: OpenAIChatAccumulator())\n"
        "items = list(sseparse.Stream([b'data: {\"choices\": []}\\n\\ndata: [DONE]\\n\\n'], 'mine'))\n"
        "print(type(items[0]).__name__, sys.modules.get('pydantic', 'never imported'))"
    )
    assert _fresh(code).strip() == "ServerSentEvent never imported"


def test_prepare_builds_the_chunk_model_so_the_first_stream_builds_nothing() -> None:
    """models.prepare builds the format's chunk model now; a typed stream afterwards uses that validator as is."""
    code = (
        "from sseparse import models\n"
        "chunk = models.chunk_model('openai-chat')\n"
        "print(chunk.__pydantic_complete__)\n"
        "models.prepare('openai-chat')\n"
        "validator = chunk.__pydantic_validator__\n"
        "print(chunk.__pydantic_complete__, type(validator).__name__)\n"
        'items = list(sseparse.Stream([b\'data: {"id": "c", "choices": []}\\n\\ndata: [DONE]\\n\\n\'], \'openai-chat\'))\n'
        "print(type(items[0]).__name__, chunk.__pydantic_validator__ is validator)\n"
        "print(models.final_model('openai-chat').__pydantic_complete__)\n"
    )
    assert _fresh(code).split("\n")[:4] == ["False", "True SchemaValidator", "ChatCompletionChunk True", "False"]


def test_prepare_with_final_builds_the_final_models_too_and_skips_formats_without_models() -> None:
    """final=True builds each format's final model; a registered format without models is skipped, pydantic unloaded."""
    code = (
        "from sseparse import models\n"
        "from sseparse.accumulators import OpenAIChatAccumulator\n"
        "sseparse.register_format('mine', lambda: OpenAIChatAccumulator())\n"
        "models.prepare('mine', final=True)\n"
        "print(sys.modules.get('pydantic', 'never imported'))\n"
        "models.prepare('gemini', 'anthropic-messages', final=True)\n"
        "print(all(models.chunk_model(f).__pydantic_complete__ and models.final_model(f).__pydantic_complete__"
        " for f in ('gemini', 'anthropic-messages')), models.chunk_model('openai-chat').__pydantic_complete__)\n"
    )
    assert _fresh(code).split("\n")[:2] == ["never imported", "True False"]


def test_prepare_refuses_an_unknown_format_and_names_the_extra_without_pydantic() -> None:
    """An unknown name is a ValueError naming it, before anything is built; no pydantic: the ImportError names the extra."""
    from sseparse import models  # noqa: PLC0415 - pydantic loads with the models

    with pytest.raises(ValueError, match="unknown format 'open-ai'; known formats: openai-chat"):
        models.prepare("openai-chat", "open-ai")
    out = _without_pydantic(
        "from sseparse import models\ntry:\n    models.prepare('openai-chat')\nexcept ImportError as exc:\n    print(exc)"
    )
    assert "sseparse[models]" in out


def test_every_chunking_gives_the_same_items_and_result() -> None:
    """One byte per read, three bytes, whole: same items, same result."""
    data = b"".join(openai_chat_blocks(tool=True))
    expected = list(Stream([data], "openai-chat", raw=True))
    for size in (1, 3, 17):
        with Stream(split_every(data, size), "openai-chat", raw=True) as stream:
            assert list(stream) == expected
        assert stream.result().tool_calls[0].json() == {"city": "Zürich"}


def test_a_binary_file_is_a_source_and_is_closed() -> None:
    """A file object is read with read1 and closed at the end."""
    file = io.BufferedReader(io.BytesIO(b"".join(openai_chat_blocks())))
    with Stream(file, "openai-chat") as stream:
        assert len(list(stream)) == len(WORDS) + 3
    assert file.closed


def test_a_non_blocking_file_without_data_raises_instead_of_spinning() -> None:
    """read() returning None (no data yet) is BlockingIOError, the file still closed."""

    class NonBlocking(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> None:
            return None

    file = NonBlocking()
    with pytest.raises(BlockingIOError):
        list(Stream(file))
    assert file.closed


# -- terminal markers ---------------------------------------------------------------------------------


def test_done_stops_the_stream_and_nothing_after_it_is_read() -> None:
    """After [DONE] the source is closed at once: the chunk after it is never requested."""
    source = Source([*openai_chat_blocks(), b"data: {not read}\n\n"])
    items = list(Stream(source, "openai-chat"))
    assert len(items) == len(WORDS) + 3
    assert source.reads == len(WORDS) + 4
    assert source.closed == 1
    assert source.finalised


def test_done_is_matched_exactly_not_by_prefix() -> None:
    """``[DONE]x`` is not the marker (openai-python matches by prefix): it is data that is not JSON."""
    with pytest.raises(StreamDecodeError, match="not JSON") as info:
        list(Stream([*openai_chat_blocks(done=False), b"data: [DONE]x\n\n"], "openai-chat"))
    assert info.value.event.data == "[DONE]x"
    assert isinstance(info.value, ValueError)
    assert info.value.partial.text == TEXT


@pytest.mark.parametrize(
    ("fmt", "blocks"),
    [("anthropic-messages", anthropic_blocks()), ("openai-responses", responses_blocks())],
)
def test_the_terminal_event_is_yielded_after_the_source_is_closed(fmt: str, blocks: list[bytes]) -> None:
    """message_stop / response.completed are items too, and the connection is released before them."""
    source = Source([*blocks, b"event: late\ndata: {}\n\n"])
    stream = Stream(source, fmt)
    items = []
    for item in stream:
        items.append(item)
        closed_when_seen = source.closed
    assert closed_when_seen == 1
    assert items[-1].type in {"message_stop", "response.completed"}
    assert source.reads == len(blocks)
    assert stream.result().text == TEXT
    assert stream.result().end == "complete"


def _gemini(text: str, finish: str | None = None) -> bytes:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    chunk = {"candidates": [candidate], "modelVersion": "gemini-test", "responseId": "r1"}
    return b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n"  # Gemini frames with CRLF


def test_gemini_has_no_terminal_marker_so_the_stream_reads_to_the_end() -> None:
    """Gemini: complete when the last chunk had a finishReason; a later chunk is still read."""
    usage = b'data: {"usageMetadata": {"totalTokenCount": 9}}\r\n\r\n'
    source = Source([_gemini("Hel"), _gemini("lo", "STOP"), usage])
    with Stream(source, "gemini") as stream:
        items = list(stream)
    assert [c.candidates[0].content.parts[0].text for c in items[:2]] == ["Hel", "lo"]
    assert len(items) == 3
    assert source.reads == 3
    assert stream.result().end == "complete"
    assert stream.result().text == "Hello"


def test_gemini_without_a_finish_reason_is_truncated() -> None:
    """Gemini cut before the finishReason chunk: IncompleteStreamError with the text so far."""
    with pytest.raises(IncompleteStreamError) as info:
        list(Stream([_gemini("Hel"), _gemini("lo")], "gemini"))
    assert info.value.partial.text == "Hello"


def test_a_sync_stream_refuses_an_async_iterable_with_a_hint() -> None:
    """Stream over an async iterable points to AsyncStream."""
    with pytest.raises(TypeError, match="use AsyncStream"):
        list(Stream(AsyncSource([])))


def test_repr_says_format_state_and_attempts() -> None:
    """repr shows what the stream is."""
    stream = Stream(Source(openai_chat_blocks()), "openai-chat")
    assert repr(stream) == "Stream(format='openai-chat', open, attempts=1)"
    list(stream)
    assert repr(stream) == "Stream(format='openai-chat', closed, attempts=1)"


# -- close paths ----------------------------------------------------------------------------------------


def test_break_then_close_closes_the_source_and_response() -> None:
    """The guide's "first 10 chunks only" pattern: close() releases source and response."""
    source, response = Source(openai_chat_blocks()), Response()
    stream = Stream(source, "openai-chat", response=response)
    for i, _ in enumerate(stream):
        if i == 2:
            break
    assert source.closed == 0
    stream.close()
    assert (source.closed, response.closed, source.finalised) == (1, 1, True)
    assert stream.result().end == "truncated"
    assert list(stream) == []


def test_with_exit_closes_on_break() -> None:
    """Leaving the with block closes the source."""
    source = Source(openai_chat_blocks())
    with Stream(source, "openai-chat") as stream:
        for _ in stream:
            break
    assert source.closed == 1
    assert source.finalised


def test_an_exception_in_the_loop_body_closes_the_source() -> None:
    """The caller's own error propagates, and the with block still closes."""
    source = Source(openai_chat_blocks())

    def consume() -> None:
        with Stream(source, "openai-chat") as stream:
            for _ in stream:
                raise KeyError

    with pytest.raises(KeyError):
        consume()
    assert source.closed == 1


def test_close_before_iterating_closes_the_source() -> None:
    """A stream that was never iterated still closes its source and response."""
    source, response = Source(openai_chat_blocks()), Response()
    stream = Stream(source, "openai-chat", response=response)
    stream.close()
    assert (source.closed, response.closed, source.reads) == (1, 1, 0)
    assert list(stream) == []


def test_close_is_idempotent() -> None:
    """close() twice, or after the end, closes each object exactly once."""
    source, response = Source(openai_chat_blocks()), Response()
    with Stream(source, "openai-chat", response=response) as stream:
        list(stream)
        stream.close()
    stream.close()
    assert (source.closed, response.closed) == (1, 1)


def test_a_generator_source_is_finalised() -> None:
    """A generator given as the source is closed (its finally runs) when the caller stops early."""
    state = {"finalised": False}

    def gen() -> Iterator[bytes]:
        try:
            yield from openai_chat_blocks()
        finally:
            state["finalised"] = True

    with Stream(gen(), "openai-chat") as stream:
        next(stream)
    assert state["finalised"]


def test_next_and_iter_share_one_position() -> None:
    """next(stream) then a for loop continue from the same place."""
    with Stream(Source(openai_chat_blocks()), "openai-chat", raw=True) as stream:
        first = next(stream)
        rest = list(stream)
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert len(rest) == len(WORDS) + 2


def test_a_close_error_does_not_stop_the_other_closes() -> None:
    """If the source's close raises, the response is still closed, then the error propagates."""

    class Broken(Source):
        def close(self) -> None:
            raise OSError("close failed")

    response = Response()
    stream = Stream(Broken(openai_chat_blocks()), "openai-chat", response=response)
    with pytest.raises(OSError, match="close failed"):
        stream.close()
    assert response.closed == 1


# -- errors -----------------------------------------------------------------------------------------------


def test_openai_error_payload_is_a_stream_api_error_after_the_items_before_it() -> None:
    """``data: {"error": {...}}`` (llama.cpp, vLLM): items of the same read come first, then the error."""
    error = {"error": {"code": 500, "message": "model crashed", "type": "server_error"}}
    data = b"".join(openai_chat_blocks(done=False)[:4]) + b"data: " + json.dumps(error).encode() + b"\n\n"
    source = Source([data])
    received: list[Any] = []
    with pytest.raises(StreamAPIError) as info, Stream(source, "openai-chat") as stream:
        received.extend(stream)
    exc = info.value
    assert len(received) == 4
    assert (exc.message, exc.code, exc.type) == ("model crashed", 500, "server_error")
    assert exc.body == error
    assert exc.partial.text == "".join(WORDS[:3])
    assert exc.partial.end == "error"
    assert stream.result().end == "error"
    assert source.closed == 1
    assert isinstance(exc, StreamError)
    assert isinstance(exc, SSEError)


def test_responses_error_event_is_a_stream_api_error() -> None:
    """OpenAI Responses ``type: "error"`` (no nested error object)."""
    blocks = responses_blocks()[:4]
    payload = {"type": "error", "code": "rate_limit_exceeded", "message": "slow down", "param": None, "sequence_number": 4}
    blocks.append(sseparse.encode(json.dumps(payload), event="error"))
    with pytest.raises(StreamAPIError) as info:
        list(Stream(blocks, "openai-responses"))
    assert (info.value.message, info.value.code) == ("slow down", "rate_limit_exceeded")
    assert info.value.partial.text == WORDS[0]


def test_anthropic_error_event_is_a_stream_api_error() -> None:
    """Anthropic ``event: error`` with ``{"type": "error", "error": {"type", "message"}}``."""
    blocks = anthropic_blocks(stop=False)[:5]
    payload = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    blocks.append(sseparse.encode(json.dumps(payload), event="error"))
    source = Source(blocks)
    with pytest.raises(StreamAPIError) as info:
        list(Stream(source, "anthropic-messages"))
    assert (info.value.message, info.value.type) == ("Overloaded", "overloaded_error")
    assert info.value.event is not None
    assert info.value.event.event == "error"
    assert info.value.partial.text == "".join(WORDS[:2])
    assert source.closed == 1


def test_truncation_is_an_incomplete_stream_error_with_everything_received() -> None:
    """A source that ends before [DONE]: IncompleteStreamError, partial keeps all the text."""
    blocks = openai_chat_blocks(ids=True, done=False)[:-2]
    cut = b"".join(blocks) + b'data: {"choi'
    received: list[Any] = []
    with pytest.raises(IncompleteStreamError) as info:
        received.extend(Stream(split_every(cut, 7), "openai-chat"))
    assert len(received) == len(WORDS) + 1
    assert info.value.partial.text == TEXT
    assert info.value.partial.end == "truncated"
    assert info.value.last_event_id == str(len(WORDS) + 1)
    assert "inside an event" in str(info.value)


def test_a_cut_at_any_byte_is_reported_and_loses_no_event() -> None:
    """Cut the stream at every byte offset: every whole event before the cut is delivered, then
    IncompleteStreamError, whose partial text is a prefix of the full text."""
    blocks = openai_chat_blocks(tool=True)
    data = b"".join(blocks)
    full = list(Stream([data], "openai-chat", raw=True))
    full_text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in full if chunk["choices"])
    ends = [sum(map(len, blocks[: i + 1])) for i in range(len(blocks) - 1)]  # [DONE] excluded
    for cut in range(len(data)):
        received: list[Any] = []
        with pytest.raises(IncompleteStreamError) as info:
            received.extend(Stream([data[:cut]], "openai-chat", raw=True))
        assert received == full[: sum(1 for end in ends if end <= cut)], cut
        assert full_text.startswith(info.value.partial.text)


def test_allow_truncated_makes_a_cut_a_plain_end() -> None:
    """allow_truncated=True: no exception, and result() still says truncated."""
    with Stream(openai_chat_blocks(done=False), "openai-chat", allow_truncated=True) as stream:
        assert len(list(stream)) == len(WORDS) + 3
    assert stream.result().end == "truncated"
    assert stream.result().text == TEXT


def test_truncation_without_a_format_means_ending_inside_an_event() -> None:
    """format=None: a clean end is an end; an end inside an event is a truncation."""
    assert len(list(Stream([b"data: a\n\n"]))) == 1
    with pytest.raises(IncompleteStreamError):
        list(Stream([b"data: a\n\ndata: b"]))


def test_a_transport_failure_of_the_source_is_a_truncation_with_its_cause() -> None:
    """An OSError while reading (a connection reset) is IncompleteStreamError, the OSError its cause; partial kept."""
    error = OSError("connection reset")
    source = Source(openai_chat_blocks()[:4], error=error)
    stream = Stream(source, "openai-chat")
    with pytest.raises(IncompleteStreamError, match="connection reset") as info:
        list(stream)
    assert info.value.__cause__ is error
    assert info.value.partial.text == "".join(WORDS[:3])
    assert stream.result().text == "".join(WORDS[:3])
    assert stream.result().end == "truncated"
    assert source.closed == 1


@pytest.mark.parametrize("error", [RuntimeError("a bug in the source"), KeyboardInterrupt()])
def test_other_source_exceptions_propagate_unchanged_and_result_keeps_the_partial(error: BaseException) -> None:
    """An error of the source that is not a transport failure is not wrapped; result() afterwards has the partial."""
    source = Source(openai_chat_blocks()[:4], error=error)
    stream = Stream(source, "openai-chat")
    with pytest.raises(type(error)) as info:
        list(stream)
    assert info.value is error
    assert stream.result().text == "".join(WORDS[:3])
    assert stream.result().end == "truncated"
    assert source.closed == 1


def test_an_event_over_max_event_size_ends_the_stream_after_the_events_before_it() -> None:
    """max_event_size: the events completed by the same read come first, then EventTooLargeError."""
    big = b"data: " + b"x" * 100 + b"\n\n"
    received: list[Any] = []
    source = Source([b"data: a\n\ndata: b\n\n" + big + b"data: c\n\n"])
    with pytest.raises(sseparse.EventTooLargeError):
        received.extend(Stream(source, max_event_size=50))
    assert [event.data for event in received] == ["a", "b", "c"]  # all that read completed
    assert source.closed == 1


def test_stream_error_classes() -> None:
    """The hierarchy: everything under StreamError, itself an SSEError."""
    for cls in (StreamAPIError, IncompleteStreamError, StreamDecodeError, StreamTimeoutError):
        assert issubclass(cls, StreamError)
    assert issubclass(StreamTimeoutError, TimeoutError)
    assert issubclass(StreamError, sseparse.SSEError)


# -- the captures in ../shared (when present) -------------------------------------------------------------

FORMATS = ("openai-chat", "openai-responses", "anthropic-messages", "gemini")


def _captures() -> list[Any]:
    if not SHARED_STREAMS.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/streams is not present"))]
    out = []
    for path in sorted(SHARED_STREAMS.glob("*.sse")):
        expected = json.loads(path.with_name(path.name[: -len(".sse")] + ".expected.json").read_text())
        if expected.get("format") in FORMATS:
            out.append(pytest.param(path, id=path.stem))
    return out


@pytest.mark.parametrize("path", _captures())
def test_captures_stream_to_the_same_result_as_accumulate(path: Any) -> None:
    """Each capture, read in 5-byte reads, gives accumulate()'s result; errors and cuts are raised."""
    data = path.read_bytes()
    expected = json.loads(path.with_name(path.name[: -len(".sse")] + ".expected.json").read_text())
    fmt = expected["format"]
    reference = sseparse.accumulate(data, fmt)
    stream = Stream(split_every(data, 5), fmt, raw=True)
    items: list[Any] = []
    error: StreamError | None = None
    try:
        items.extend(stream)
    except (StreamAPIError, IncompleteStreamError) as exc:
        error = exc
    if reference.end == "complete":
        assert error is None
        assert items
    else:
        assert isinstance(error, StreamAPIError if reference.end == "error" else IncompleteStreamError)
        assert error.partial.final == reference.final
    assert stream.result().final == reference.final
    assert stream.result().end == reference.end


# -- AsyncStream -----------------------------------------------------------------------------------------


def test_async_stream_yields_typed_chunks_and_closes() -> None:
    """async for over an async source; the source's aclose is called once."""

    async def main() -> tuple[str, AsyncSource]:
        source = AsyncSource(openai_chat_blocks())
        text = ""
        async with AsyncStream(source, "openai-chat") as stream:
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    text += chunk.choices[0].delta.content
        assert stream.result().end == "complete"
        return text, source

    text, source = run(main())
    assert text == TEXT
    assert (source.closed, source.finalised) == (1, True)


def test_async_stream_without_format_and_anext() -> None:
    """format=None yields events; __anext__ works directly."""

    async def main() -> list[ServerSentEvent]:
        stream = AsyncStream(AsyncSource([b"data: a\n\n", b"data: b\n\n"]))
        first = await stream.__anext__()
        rest = [event async for event in stream]
        await stream.aclose()
        return [first, *rest]

    assert [event.data for event in run(main())] == ["a", "b"]


def test_async_terminal_closes_before_the_last_item_and_stops_reading() -> None:
    """message_stop: the source is closed when the item is handed out; the next chunk is never read."""

    async def main() -> None:
        source = AsyncSource([*anthropic_blocks(), b"data: {}\n\n"])
        seen_closed = []
        async for event in AsyncStream(source, "anthropic-messages", raw=True):
            seen_closed.append((event["type"], source.closed))
        assert seen_closed[-1] == ("message_stop", 1)
        assert source.reads == len(anthropic_blocks())

    run(main())


def test_async_break_then_aclose_and_idempotent_close() -> None:
    """break + aclose() closes the source and response once, even when called again."""

    async def main() -> None:
        source, response = AsyncSource(openai_chat_blocks()), Response()
        stream = AsyncStream(source, "openai-chat", response=response)
        async for _ in stream:
            break
        await stream.aclose()
        await stream.aclose()
        assert (source.closed, response.closed, source.finalised) == (1, 1, True)
        assert [item async for item in stream] == []

    run(main())


def test_async_close_before_iterating_and_async_response_close() -> None:
    """An unstarted stream closes its source; a response with aclose() is awaited."""

    class AsyncResponse:
        closed = 0

        async def aclose(self) -> None:
            self.closed += 1

    async def main() -> None:
        source, response = AsyncSource(openai_chat_blocks()), AsyncResponse()
        async with AsyncStream(source, "openai-chat", response=response):
            pass
        assert (source.closed, response.closed) == (1, 1)

    run(main())


def test_async_errors_truncation_and_source_errors() -> None:
    """The same errors as Stream: API error, truncation, a transport failure with its cause, other errors unchanged."""

    async def main() -> None:
        error = b'data: {"error": {"message": "boom", "code": 500}}\n\n'
        with pytest.raises(StreamAPIError, match="boom"):
            async for _ in AsyncStream(AsyncSource([*openai_chat_blocks(done=False)[:3], error]), "openai-chat"):
                pass
        with pytest.raises(IncompleteStreamError) as info:
            async for _ in AsyncStream(AsyncSource(openai_chat_blocks(done=False)), "openai-chat"):
                pass
        assert info.value.partial.text == TEXT
        failure = ConnectionResetError("reset")
        source = AsyncSource(openai_chat_blocks()[:3], error=failure)
        stream = AsyncStream(source, "openai-chat")
        with pytest.raises(IncompleteStreamError) as caught:
            async for _ in stream:
                pass
        assert caught.value.__cause__ is failure
        bug = RuntimeError("a bug in the source")
        with pytest.raises(RuntimeError) as unchanged:
            async for _ in AsyncStream(AsyncSource(openai_chat_blocks()[:3], error=bug), "openai-chat"):
                pass
        assert unchanged.value is bug
        assert stream.result().text == WORDS[0] + WORDS[1]
        assert source.closed == 1

    run(main())


def test_async_cancellation_closes_the_source() -> None:
    """Cancelling the task that iterates a silent stream finalises and closes the source."""

    async def main() -> None:
        source = AsyncSource(openai_chat_blocks(done=False)[:2], hang=True)
        received: list[Any] = []
        started = asyncio.Event()

        async def consume() -> None:
            async with AsyncStream(source, "openai-chat") as stream:
                async for chunk in stream:
                    received.append(chunk)
                    started.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert source.finalised
        assert source.closed == 1
        assert len(received) == 2

    run(main())


def test_idle_timeout_raises_a_typed_error_with_the_partial() -> None:
    """No bytes for idle_timeout seconds: StreamTimeoutError (a TimeoutError) with partial; source closed."""

    async def main() -> None:
        source = AsyncSource(openai_chat_blocks(done=False)[:3], hang=True)
        stream = AsyncStream(source, "openai-chat", idle_timeout=0.05)
        received: list[Any] = []
        with pytest.raises(StreamTimeoutError) as info:
            await collect(stream, received)
        assert len(received) == 3
        assert info.value.timeout == 0.05
        assert info.value.partial.text == WORDS[0] + WORDS[1]
        assert isinstance(info.value, TimeoutError)
        assert source.finalised
        assert source.closed == 1

    run(main())


def test_idle_timeout_does_not_fire_while_bytes_arrive() -> None:
    """A slow but steady source stays under the idle limit."""

    async def slow() -> AsyncIterator[bytes]:
        for block in openai_chat_blocks():
            await asyncio.sleep(0.001)
            yield block

    async def main() -> None:
        async with AsyncStream(slow(), "openai-chat", idle_timeout=5) as stream:
            assert len([c async for c in stream]) == len(WORDS) + 3

    run(main())


def test_idle_timeout_must_be_positive() -> None:
    """idle_timeout=0 is refused."""
    with pytest.raises(ValueError, match="idle_timeout"):
        AsyncStream(AsyncSource([]), idle_timeout=0)


def test_async_stream_refuses_a_sync_iterable() -> None:
    """AsyncStream needs an async iterable."""

    async def main() -> None:
        with pytest.raises(TypeError, match="async iterable"):
            async for _ in AsyncStream([b"data: x\n\n"]):
                pass

    run(main())


def test_import_sseparse_does_not_import_asyncio() -> None:
    """``import sseparse`` leaves asyncio unloaded (AsyncStream imports it lazily)."""
    code = "import sys, sseparse; assert 'asyncio' not in sys.modules, 'asyncio imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
