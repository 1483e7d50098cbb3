"""The accumulate() contract: sources, never raising, detection, the registry, ToolCall, snapshots, laziness."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from typing import Any

import pytest
from llm_corpus import by_name, choice, chunk, sse, tc

import sseparse
from sseparse.accumulators import (
    AnthropicAccumulator,
    AutoAccumulator,
    BaseAccumulator,
    GeminiAccumulator,
    OpenAIChatAccumulator,
    OpenAIResponsesAccumulator,
    formats,
    unregister_format,
)


def test_import_sseparse_does_not_import_pydantic() -> None:
    """`import sseparse` (accumulators included) loads neither pydantic nor pydantic-core nor the SDKs."""
    code = "import sys, sseparse; sseparse.accumulate(b'data: [DONE]\\n\\n'); print(sorted(m for m in ('pydantic', 'pydantic_core', 'openai', 'anthropic', 'jiter') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_models_import_pydantic_lazily_and_parse_finals() -> None:
    """sseparse.models holds lenient typed models; parse_final gives the format's final model."""
    from sseparse import models  # noqa: PLC0415 - imported here: the test above checks it is not imported eagerly

    result = sseparse.accumulate(by_name("chat-parallel-tools").body)
    completion = models.parse_final(result)
    assert isinstance(completion, models.openai_chat.ChatCompletion)
    assert completion.choices[0].message.tool_calls is not None
    assert completion.choices[0].message.tool_calls[1].function.name == "get_stock"
    gemini = models.parse_final(sseparse.accumulate(by_name("gemini-thoughts-text").body))
    assert isinstance(gemini, models.gemini.GenerateContentResponse)
    assert gemini.candidates[0].content is not None
    assert gemini.candidates[0].content.parts[1].thought_signature == "c2lnbmF0dXJl"
    anthropic = models.parse_final(sseparse.accumulate(by_name("anthropic-thinking-text-tools").body))
    assert isinstance(anthropic, models.anthropic.Message)
    assert models.parse_final(sseparse.accumulate(by_name("responses-text").body)).status == "completed"  # type: ignore[attr-defined]
    chunk_model = models.chunk_model("openai-chat")
    parsed = chunk_model.model_validate({"id": "x", "choices": [], "obfuscation": "kept", "x_groq": {"id": "r"}})
    assert parsed.model_extra == {"obfuscation": "kept", "x_groq": {"id": "r"}}  # lenient: extras kept
    with pytest.raises(ValueError, match="no final model for format 'vercel-ui'"):
        models.final_model("vercel-ui")
    cohere = models.parse_final(sseparse.accumulate(b'event: message-end\ndata: {"type": "message-end", "delta": {}}\n\n'))
    assert isinstance(cohere, models.cohere.ChatResponse)  # the format's own declaration: final_model
    with pytest.raises(ValueError, match="no format"):
        models.parse_final(sseparse.accumulate(b""))


@pytest.mark.parametrize(
    "access",
    [
        "sseparse.models.chunk_model('openai-chat')",
        "sseparse.models.Model",
        "sseparse.models.gemini",
        "sseparse.models.parse_final(sseparse.accumulate(b'data: [DONE]\\n\\n'))",
    ],
)
def test_models_without_pydantic_name_the_extra(access: str) -> None:
    """Without pydantic, the first model asked for raises an ImportError naming sseparse[models]."""
    code = f"import sys; sys.modules['pydantic'] = None\nimport sseparse, sseparse.models\ntry:\n    {access}\nexcept ImportError as exc:\n    print(exc)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'sseparse.models needs pydantic: pip install "sseparse[models]"'


def test_asking_whether_a_format_has_models_never_imports_pydantic() -> None:
    """has_models() and the ValueError for a format without models load no pydantic."""
    code = (
        "import sys, sseparse.models as m\nassert m.has_models('gemini') and not m.has_models('x')\n"
        "try:\n    m.chunk_model('x')\nexcept ValueError:\n    pass\nprint('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("data", [b"", b"\n\n", b": just a comment\n\n", b'data: {"choices": []}'])
def test_empty_or_cut_input_is_truncated(data: bytes) -> None:
    """No complete event (or no terminal marker) gives end='truncated' and no error."""
    result = sseparse.accumulate(data)
    assert result.end == "truncated"
    assert result.error is None
    assert result.text == ""
    assert result.tool_calls == []


def test_non_json_data_is_an_error_with_a_description() -> None:
    """Data that is not JSON gives end='error' with type invalid_json and the data quoted."""
    result = sseparse.accumulate(b"data: hello world\n\n")
    assert result.format is None
    assert result.end == "error"
    assert result.error is not None
    assert result.error.type == "invalid_json"
    assert "hello world" in result.error.message
    detected = sseparse.accumulate(sse([chunk(choice({"content": "Hi"})), "not json"], done=True))
    assert detected.format == "openai-chat"
    assert detected.end == "error"
    assert detected.text == "Hi"
    assert detected.error is not None
    assert detected.error.type == "invalid_json"


def test_unknown_format_is_an_error_naming_the_known_ones() -> None:
    """JSON no format claims gives end='error', type unknown_format, and says how to register one."""
    result = sseparse.accumulate(sse([{"hello": 1}, {"hello": 2}], done=True))
    assert result.end == "error"
    assert result.error is not None
    assert result.error.type == "unknown_format"
    assert "openai-chat" in result.error.message
    assert "register_format" in result.error.message


def test_error_before_any_chunk() -> None:
    """A stream that is only an error payload ends with that error (format unknown)."""
    result = sseparse.accumulate(b'data: {"error": {"message": "Rate limited", "type": "rate_limit", "code": 429}}\n\n')
    assert result.format is None
    assert result.end == "error"
    assert result.error is not None
    assert result.error.as_dict() == {"code": 429, "message": "Rate limited", "type": "rate_limit"}
    anthropic = sseparse.accumulate(
        b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'
    )
    assert anthropic.error is not None
    assert anthropic.error.type == "overloaded_error"
    plain = sseparse.accumulate(b"event: error\ndata: upstream went away\n\n")
    assert plain.end == "error"
    assert plain.error is not None
    assert plain.error.message == "upstream went away"


def test_sources_bytes_file_chunks_and_events() -> None:
    """bytes, bytearray, memoryview, a binary file, an iterable of chunks and of events all work (str is refused: test_text_input)."""
    body = by_name("chat-text-usage").body
    expected = sseparse.accumulate(body).final
    sources: list[Any] = [
        bytearray(body),
        memoryview(body),
        io.BytesIO(body),
        iter([body[:100], body[100:]]),
        (e for e in sseparse.parse(body)),
    ]
    for source in sources:
        assert sseparse.accumulate(source).final == expected
    assert sseparse.accumulate([]).end == "truncated"


def test_explicit_format_skips_detection_and_unknown_names_raise() -> None:
    """format= picks the accumulator; an unknown name is misuse (ValueError)."""
    result = sseparse.accumulate(by_name("gemini-parallel-calls").body, format="gemini")
    assert result.format == "gemini"
    with pytest.raises(ValueError, match="unknown format"):
        sseparse.accumulate(b"", format="nope")
    wrong = sseparse.accumulate(by_name("chat-text-usage").body, format="anthropic-messages")
    assert wrong.end == "truncated"  # chunks it does not know are skipped; no message_stop
    assert wrong.error is None
    assert wrong.text == ""
    assert wrong.merge_notes == ["a [DONE] marker, not part of this format, was ignored"]


def test_a_done_marker_appended_to_other_formats_is_ignored() -> None:
    """Proxies append data: [DONE] to Anthropic streams: after message_stop it changes nothing, alone it is not an end."""
    body = by_name("anthropic-thinking-text-tools").body
    after = sseparse.accumulate(body + b"data: [DONE]\n\n")
    assert after.end == "complete"
    assert after.details["events_after_end"] == 1
    cut = body[: body.index(b"event: message_delta")] + b"data: [DONE]\n\n"
    result = sseparse.accumulate(cut)
    assert result.end == "truncated"
    assert result.error is None
    assert result.tool_calls[1].name == "get_time"
    assert set(formats()) >= {"openai-chat", "openai-responses", "anthropic-messages", "gemini"}


def test_events_after_the_end_are_ignored_and_counted() -> None:
    """Events after [DONE] do not change the result; details says how many there were."""
    body = by_name("chat-text-usage").body + sse([chunk(choice({"content": "late"}))])
    result = sseparse.accumulate(body)
    assert result.text == by_name("chat-text-usage").text
    assert result.details["events_after_end"] == 1


class _Lines(BaseAccumulator):
    """A toy format: {"say": text} events, {"bye": true} ends the stream."""

    format = "toy-lines"

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[sseparse.Update] | None) -> None:
        if payload.get("bye"):
            self._complete()
        elif isinstance(payload.get("say"), str):
            self.parts.append(payload["say"])
            if out is not None:
                out.append(sseparse.TextDelta(payload["say"]))

    def result(self) -> sseparse.AccumulatedResult:
        return sseparse.AccumulatedResult(format=self.format, end=self._end, text="".join(self.parts), error=self._error)


def test_register_a_user_format_with_a_detector() -> None:
    """register_format adds a format; its detector is asked before the built-in rules."""
    sseparse.register_format("toy-lines", _Lines, detect=lambda event, payload: isinstance(payload, dict) and "say" in payload)
    try:
        result = sseparse.accumulate(sse([{"say": "Hello"}, {"say": ", you"}, {"bye": True}]))
        assert (result.format, result.text, result.end) == ("toy-lines", "Hello, you", "complete")
        with pytest.raises(ValueError, match="already registered"):
            sseparse.register_format("toy-lines", _Lines)
        accumulator = sseparse.make_accumulator("toy-lines")
        assert accumulator.feed(sseparse.ServerSentEvent(data='{"say": "x"}')) == [sseparse.TextDelta("x")]
    finally:
        unregister_format("toy-lines")
    assert "toy-lines" not in formats()
    assert sseparse.accumulate(sse([{"say": "Hello"}])).end == "error"


def test_a_broken_user_detector_is_skipped() -> None:
    """A detector that raises does not break accumulation."""

    def boom(event: sseparse.ServerSentEvent, payload: Any) -> bool:
        raise RuntimeError(event.data)

    sseparse.register_format("boom", _Lines, detect=boom)
    try:
        assert sseparse.accumulate(by_name("chat-text-usage").body).format == "openai-chat"
    finally:
        unregister_format("boom")


def test_accumulator_protocol_and_closed_errors() -> None:
    """Every accumulator satisfies the protocol; feeding or closing after close() raises AccumulatorClosedError."""
    for factory in (OpenAIChatAccumulator, OpenAIResponsesAccumulator, AnthropicAccumulator, GeminiAccumulator, AutoAccumulator):
        accumulator = factory()
        assert isinstance(accumulator, sseparse.Accumulator)
        accumulator.close()
        with pytest.raises(sseparse.AccumulatorClosedError):
            accumulator.feed(sseparse.ServerSentEvent(data="{}"))
        with pytest.raises(sseparse.AccumulatorClosedError):
            accumulator.close()


def test_snapshots_do_not_change_afterwards() -> None:
    """result() is a consistent snapshot: later events do not change an earlier one."""
    accumulator = sseparse.make_accumulator()
    events = sseparse.parse(by_name("chat-parallel-tools").body)
    for event in events[:4]:
        accumulator.feed(event)
    early = accumulator.result()
    early_final = json.dumps(early.final)
    early_args = early.tool_calls[0].arguments
    for event in events[4:]:
        accumulator.feed(event)
    accumulator.close()
    assert json.dumps(early.final) == early_final
    assert early.tool_calls[0].arguments == early_args
    assert early.end == "truncated"
    assert accumulator.result().end == "complete"
    assert accumulator.result().tool_calls[0].arguments != early_args


def test_tool_call_json_names_the_call_when_invalid() -> None:
    """ToolCall.json() raises ToolCallArgumentsError naming the call; '' parses as {}."""
    body = sse([chunk(choice({"tool_calls": [tc(0, "call_x", "get_weather", '{"city": "Par')]}))])
    call = sseparse.accumulate(body).tool_calls[0]
    with pytest.raises(sseparse.ToolCallArgumentsError, match=r"tool call 0 \(get_weather, id='call_x', unfinished\)"):
        call.json()
    assert not call.done
    assert sseparse.ToolCall(0, None, "f", "").json() == {}


def test_tool_call_partial_is_best_effort_and_cached() -> None:
    """partial() gives the value of incomplete arguments (unfinished strings kept) and caches it."""
    call = sseparse.ToolCall(0, "c", "f", '{"city": "Zür", "days": [1, 2')
    value = call.partial()
    assert value == {"city": "Zür", "days": [1, 2]}
    assert call.partial() is value
    assert sseparse.ToolCall(0, "c", "f", "").partial() == {}
    assert sseparse.ToolCall(0, "c", "f", "}}{{").partial() is None


def test_partial_without_pydantic_core_or_jiter_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pydantic-core and jiter, partial() raises an ImportError naming sseparse[models]."""
    monkeypatch.setitem(sys.modules, "pydantic_core", None)
    monkeypatch.setitem(sys.modules, "jiter", None)
    with pytest.raises(ImportError, match=r"sseparse\[models\]"):
        sseparse.ToolCall(0, "c", "f", '{"a": 1').partial()


def test_partial_falls_back_to_jiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """With only jiter installed, partial() uses it."""
    pytest.importorskip("jiter")
    monkeypatch.setitem(sys.modules, "pydantic_core", None)
    assert sseparse.ToolCall(0, "c", "f", '{"a": "b').partial() == {"a": "b"}
    assert sseparse.ToolCall(0, "c", "f", "}}").partial() is None


def test_end_is_a_str_enum_and_reprs_are_readable() -> None:
    """End compares equal to its string; results, calls, errors and updates have helpful reprs."""
    result = sseparse.accumulate(by_name("chat-error-midstream").body)
    assert result.end == "error"
    assert result.end is sseparse.End.ERROR
    assert "end='error'" in repr(result)
    assert "server_error" in repr(result.error)
    assert repr(sseparse.TextDelta("a")) == "TextDelta(choice=0, text='a')"
    assert sseparse.TextDelta("a") != sseparse.ReasoningDelta("a")
    assert "ToolCall(index=0" in repr(sseparse.ToolCall(0, None, "f", "{}"))
    assert "Choice(index=0" in repr(result.choices[0])


def _fragments_time(fragments: int) -> float:
    piece = chunk(choice({"tool_calls": [tc(0, args="ab")]}))
    body = sse(
        [
            chunk(choice({"tool_calls": [tc(0, "call_1", "f", '{"v": "')]})),
            *([piece] * fragments),
            chunk(choice({"tool_calls": [tc(0, args='"}')]})),
        ],
        done=True,
    )
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = sseparse.accumulate(body)
        best = min(best, time.perf_counter() - start)
    assert len(result.tool_calls[0].json()["v"]) == 2 * fragments
    return best


def test_tool_call_fragments_cost_is_linear() -> None:
    """Ten times the argument fragments cost about ten times as much (far from a hundred times)."""
    ratio = _fragments_time(20_000) / _fragments_time(2_000)
    assert ratio < 40, ratio  # linear gives ~10x, quadratic ~100x; generous for loaded machines


def _gemini_partial_time(pieces: int) -> float:
    from llm_corpus import gchunk  # noqa: PLC0415

    piece = gchunk(
        [
            {
                "functionCall": {
                    "partialArgs": [{"jsonPath": "$.text", "stringValue": "ab", "willContinue": True}],
                    "willContinue": True,
                }
            }
        ]
    )
    body = sse(
        [
            gchunk([{"functionCall": {"name": "write", "willContinue": True}}]),
            *([piece] * pieces),
            gchunk([{"functionCall": {}}]),
            gchunk([{"text": ""}], finish="STOP"),
        ],
        eol="\r\n",
    )
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = sseparse.accumulate(body)
        best = min(best, time.perf_counter() - start)
    assert len(result.tool_calls[0].json()["text"]) == 2 * pieces
    return best


def test_gemini_partial_args_strings_are_linear() -> None:
    """A string argument streamed in many partialArgs pieces is joined once (linear), not re-built per piece."""
    ratio = _gemini_partial_time(20_000) / _gemini_partial_time(2_000)
    assert ratio < 40, ratio


def test_gemini_partial_args_snapshot_shows_the_unfinished_string() -> None:
    """Mid-call, the snapshot's arguments hold the string as streamed so far; later pieces do not change it."""
    events = sseparse.parse(by_name("gemini-partial-args").body)
    accumulator = sseparse.make_accumulator()
    for event in events[:2]:
        accumulator.feed(event)
    early = accumulator.result()
    assert early.tool_calls[0].json() == {"city": "San "}
    assert early.final["candidates"][0]["content"]["parts"][0]["functionCall"]["args"] == {"city": "San "}
    assert not early.tool_calls[0].done
    for event in events[2:]:
        accumulator.feed(event)
    assert early.tool_calls[0].json() == {"city": "San "}
    assert accumulator.result().tool_calls[0].json()["city"] == "San Francisco"
