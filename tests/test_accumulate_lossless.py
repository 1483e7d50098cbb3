"""Lossless accumulation: every field a provider sends reaches ``final``, every error shape is an error.

One test per case of issue 13's "Why": unknown keys (OpenRouter, Gemini via OpenAI, xAI), the error
and content shapes (vLLM/Mistral ``object: error``, Magistral content lists), refusals, Responses
built-in tools cut before ``.done``, the Anthropic gaps (compaction, fallback, a cut ``tool_use``) and
inline reasoning tags. Each stream is also fed one byte at a time, which must give the same result.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import choice, chunk, sse, tc

import sseparse
from sseparse.accumulators._merge import MAX_DEPTH, Extras

if TYPE_CHECKING:
    from pathlib import Path


def _both(body: bytes, **kwargs: Any) -> sseparse.AccumulatedResult:
    """Accumulate whole and one byte at a time; the two results must be the same."""
    whole = sseparse.accumulate(body, **kwargs)
    one_byte = sseparse.accumulate([body[i : i + 1] for i in range(len(body))], **kwargs)
    assert json.dumps(one_byte.final, sort_keys=True) == json.dumps(whole.final, sort_keys=True)
    assert (one_byte.text, one_byte.reasoning, one_byte.end) == (whole.text, whole.reasoning, whole.end)
    return whole


def _updates(body: bytes, **kwargs: Any) -> list[sseparse.Update]:
    accumulator = sseparse.make_accumulator(**kwargs)
    updates: list[sseparse.Update] = []
    for event in sseparse.parse(body):
        updates.extend(accumulator.feed(event))
    updates.extend(accumulator.close())
    return updates


# -- unknown fields -------------------------------------------------------------------------------------


def test_openrouter_reasoning_details_and_native_finish_reason_are_kept() -> None:
    """OpenRouter's signed ``reasoning_details`` (merged by index) and ``native_finish_reason`` reach final."""
    detail = {"type": "reasoning.text", "index": 0, "format": "anthropic-claude-v1"}
    body = sse(
        [
            chunk(
                choice({"role": "assistant", "content": "", "reasoning": "Let", "reasoning_details": [{**detail, "text": "Let"}]})
            ),
            chunk(choice({"content": "", "reasoning": " me", "reasoning_details": [{**detail, "text": " me"}]})),
            chunk(choice({"content": "", "reasoning_details": [{"type": "reasoning.text", "index": 0, "signature": "sig=="}]})),
            chunk(choice({"content": "Hi"}, native_finish_reason=None)),
            chunk(choice({}, finish="stop", native_finish_reason="end_turn")),
        ],
        done=True,
    )
    result = _both(body)
    message = result.final["choices"][0]["message"]
    assert message["reasoning_details"] == [{**detail, "text": "Let me", "signature": "sig=="}]
    assert result.final["choices"][0]["native_finish_reason"] == "end_turn"
    assert result.reasoning == "Let me"
    assert result.text == "Hi"
    assert result.merge_notes == []


def test_gemini_openai_layer_thought_signature_is_kept_on_its_tool_call() -> None:
    """Gemini-via-OpenAI ``tool_calls[].extra_content.google.thought_signature`` stays on its call in final."""
    extra = {"google": {"thought_signature": "CiQB0e2Kb=="}}
    body = sse(
        [
            chunk(
                choice(
                    {
                        "role": "assistant",
                        "tool_calls": [tc(0, "call_1", "get_weather", '{"city": "Paris"}', extra_content=extra)],
                    }
                )
            ),
            chunk(choice({}, finish="tool_calls")),
        ],
        done=True,
    )
    result = _both(body)
    call = result.final["choices"][0]["message"]["tool_calls"][0]
    assert call["extra_content"] == extra
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert result.tool_calls[0].json() == {"city": "Paris"}


def test_xai_top_level_citations_are_kept() -> None:
    """xAI's top-level ``citations`` (sent with the last chunk) reach final; known chunk keys keep their handling."""
    urls = ["https://x.ai/a", "https://x.ai/b"]
    body = sse(
        [
            chunk(choice({"role": "assistant", "content": "Grok"})),
            chunk(choice({}, finish="stop"), citations=urls),
        ],
        done=True,
    )
    result = _both(body)
    assert result.final["citations"] == urls
    assert "obfuscation" not in result.final
    assert result.final["object"] == "chat.completion"


def test_unknown_fields_merge_rule() -> None:
    """Strings concatenate, identity keys are replaced, lists merge by index, dicts recursively, null keeps."""
    extras = Extras()
    extras.merge({"s": "a", "id": "x1", "n": 1, "l": [{"index": 0, "t": "a"}], "d": {"k": "a"}, "v": [1]})
    extras.merge({"s": "b", "id": "x1", "n": 2, "l": [{"index": 0, "t": "b"}, {"index": 1, "t": "c"}], "d": {"k": "b"}})
    extras.merge({"s": None, "v": [2], "call_id": "c", "type": "t"})
    extras.merge({"call_id": "c", "type": "t", "skip": "no"}, skip={"skip"})
    snapshot = extras.snapshot()
    assert snapshot == {
        "s": "ab",
        "id": "x1",
        "n": 2,
        "l": [{"index": 0, "t": "ab"}, {"index": 1, "t": "c"}],
        "d": {"k": "ab"},
        "v": [1, 2],
        "call_id": "c",
        "type": "t",
    }
    extras.merge({"s": "c"})
    assert snapshot["s"] == "ab"  # a snapshot is a copy: later merges do not change it


def test_unknown_list_entries_merge_by_index_in_any_order() -> None:
    """Entries find their ``index`` whatever their order and position; entries without one are appended."""
    extras = Extras()
    extras.merge({"l": [{"index": 5, "t": "a"}, {"index": 2, "t": "b"}, "plain"]})
    extras.merge({"l": [{"index": 2, "t": "c"}, {"index": 5, "t": "d"}, {"index": 7, "t": "e"}, {"t": "f"}]})
    assert extras.snapshot()["l"] == [
        {"index": 5, "t": "ad"},
        {"index": 2, "t": "bc"},
        "plain",
        {"index": 7, "t": "e"},
        {"t": "f"},
    ]
    many = Extras()
    count = 20_000
    many.merge({"l": [{"index": i, "t": "x"} for i in range(count)]})
    many.merge({"l": [{"index": i, "t": "y"} for i in reversed(range(count))]})
    merged = many.snapshot()["l"]
    assert len(merged) == count
    assert all(entry == {"index": i, "t": "xy"} for i, entry in enumerate(merged))


def test_unknown_fields_deeply_nested_are_kept_without_recursion() -> None:
    """Nesting far below MAX_DEPTH is kept whole (replaced, not merged), never a RecursionError."""
    deep: Any = "leaf"
    for _ in range(120):
        deep = {"k": deep}
    extras = Extras()
    extras.merge({"deep": deep})
    extras.merge({"deep": deep})
    value = extras.snapshot()["deep"]
    for _ in range(MAX_DEPTH - 1):
        value = value["k"]
    assert isinstance(value, dict)
    body = sse([chunk(choice({"content": "x", "vendor": deep})), chunk(choice({"vendor": deep}, finish="stop"))], done=True)
    assert sseparse.accumulate(body).final["choices"][0]["message"]["vendor"] == deep


# -- error and content shapes -----------------------------------------------------------------------------


def test_vllm_object_error_midstream_is_an_error() -> None:
    """vLLM/Mistral's top-level ``{"object": "error", ...}`` ends the result with error, text kept."""
    error = {"object": "error", "message": "CUDA out of memory", "type": "InternalServerError", "code": 500}
    body = sse([chunk(choice({"role": "assistant", "content": "Partial"})), error])
    result = _both(body)
    assert result.end == "error"
    assert result.error is not None
    assert (result.error.message, result.error.code, result.error.type) == ("CUDA out of memory", 500, "InternalServerError")
    assert result.text == "Partial"
    assert any(isinstance(u, sseparse.ErrorUpdate) for u in _updates(body))


def test_object_error_as_the_first_event_is_an_error_not_an_unknown_format() -> None:
    """A stream that starts with ``object: error`` is reported as that error (format detection stops there)."""
    body = sse([{"object": "error", "message": "model not found", "type": "NotFoundError", "code": 404}])
    result = sseparse.accumulate(body)
    assert result.end == "error"
    assert result.error is not None
    assert result.error.message == "model not found"


@pytest.mark.parametrize(
    ("payload", "message", "kind"),
    [
        ({"error": {"code": 500, "message": "boom", "type": "server_error"}}, "boom", "server_error"),
        ({"error": "plain text"}, "plain text", None),
        ({"object": "error", "message": "m", "type": "BadRequestError", "code": 400}, "m", "BadRequestError"),
        ({"modelStreamErrorException": {"message": "throttled"}}, "throttled", "modelStreamErrorException"),
        ({"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}, "quota", "RESOURCE_EXHAUSTED"),
    ],
)
def test_every_chat_error_shape_midstream(payload: dict[str, Any], message: str, kind: str | None) -> None:
    """Each mid-stream error shape after a chat chunk ends the stream with that error."""
    result = sseparse.accumulate(sse([chunk(choice({"content": "a"})), payload]))
    assert result.end == "error"
    assert result.error is not None
    assert (result.error.message, result.error.type) == (message, kind)
    assert result.text == "a"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            sse(
                [
                    {"type": "message_start", "message": {"id": "m"}},
                    ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
                ],
                events=True,
            ),
            "Overloaded",
        ),
        (
            sse(
                [
                    {"type": "response.created", "response": {}},
                    {"type": "error", "code": "rate", "message": "slow", "param": None},
                ],
                events=True,
            ),
            "slow",
        ),
        (
            sse(
                [
                    {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}, "index": 0}]},
                    {"object": "error", "message": "gone"},
                ]
            ),
            "gone",
        ),
        (
            sse(
                [{"candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}, "index": 0}]}, ("error", "plain text")]
            ),
            "plain text",
        ),
    ],
    ids=["anthropic-event-error", "responses-error", "gemini-object-error", "gemini-event-error"],
)
def test_error_shapes_in_other_formats(body: bytes, message: str) -> None:
    """Anthropic ``event: error``, Responses ``type: error`` and the shared shapes in Gemini end with that error."""
    result = _both(body)
    assert result.end == "error"
    assert result.error is not None
    assert result.error.message == message


def test_magistral_content_lists_give_text_and_reasoning() -> None:
    """Mistral Magistral's list content: ``thinking`` parts go to reasoning, ``text`` parts to text; final keeps the parts."""
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "Two plus "}]}
    body = sse(
        [
            chunk(choice({"role": "assistant", "content": [thinking]})),
            chunk(choice({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": "two."}]}]})),
            chunk(choice({"content": [{"type": "text", "text": "It is "}]})),
            chunk(choice({"content": "4."})),
            chunk(choice({}, finish="stop")),
        ],
        done=True,
    )
    result = _both(body)
    assert result.reasoning == "Two plus two."
    assert result.text == "It is 4."
    assert result.choices[0].content == "It is 4."
    assert result.final["choices"][0]["message"]["content"] == [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Two plus two."}]},
        {"type": "text", "text": "It is 4."},
    ]
    assert result.merge_notes == []
    kinds = [(type(u).__name__, getattr(u, "text", None)) for u in _updates(body) if hasattr(u, "text")]
    assert kinds == [
        ("ReasoningDelta", "Two plus "),
        ("ReasoningDelta", "two."),
        ("TextDelta", "It is "),
        ("TextDelta", "4."),
    ]


@pytest.mark.parametrize(
    "content",
    [
        [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}],
        {"type": "reference", "reference_ids": [1]},
        42,
        [{"type": "thinking", "thinking": 7}],
    ],
    ids=["unknown-part", "bare-part", "number", "bad-thinking"],
)
def test_unexpected_content_is_kept_with_a_note(content: Any) -> None:
    """Content of an unexpected type is never dropped silently: it stays in final and gets a merge note."""
    body = sse(
        [chunk(choice({"role": "assistant", "content": "A"})), chunk(choice({"content": content}, finish="stop"))], done=True
    )
    result = _both(body)
    assert result.text == "A"
    assert result.merge_notes == ["content of an unexpected type was kept as is in final (not counted as text)"]
    final_content = result.final["choices"][0]["message"]["content"]
    assert final_content[0] == {"type": "text", "text": "A"}
    assert final_content[1:] == (content if isinstance(content, list) else [content])


@pytest.mark.parametrize("name", ["magistral", "object-error"])
def test_check_reports_magistral_oddities_and_object_error(tmp_path: Path, name: str) -> None:
    """``sseparse check`` finds a problem in an unexpected-content stream and in an ``object: error`` stream."""
    if name == "magistral":
        body = sse([chunk(choice({"content": [{"type": "audio", "data": "AAA"}]})), chunk(choice({}, finish="stop"))], done=True)
        needle = "unexpected type"
    else:
        body = sse([chunk(choice({"content": "a"})), {"object": "error", "message": "overloaded", "code": 503}])
        needle = "overloaded"
    path = tmp_path / f"{name}.sse"
    path.write_bytes(body)
    run = subprocess.run([sys.executable, "-m", "sseparse", "check", str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert needle in run.stdout + run.stderr


# -- refusals ------------------------------------------------------------------------------------------------


def test_chat_refusal_updates_and_result() -> None:
    """A Chat refusal streams `RefusalDelta` updates and shows as ``result.refusal`` and ``Choice.refusal``."""
    body = sse(
        [
            chunk(choice({"role": "assistant", "content": None, "refusal": ""})),
            chunk(choice({"refusal": "I can't "})),
            chunk(choice({"refusal": "help."})),
            chunk(choice({}, finish="stop")),
        ],
        done=True,
    )
    result = _both(body)
    assert result.refusal == "I can't help."
    assert result.choices[0].refusal == "I can't help."
    assert result.text == ""
    assert result.final["choices"][0]["message"]["refusal"] == "I can't help."
    refusals = [u for u in _updates(body) if isinstance(u, sseparse.RefusalDelta)]
    assert refusals == [sseparse.RefusalDelta("I can't "), sseparse.RefusalDelta("help.")]


def test_chat_empty_refusal_is_kept_as_empty_string() -> None:
    """``"refusal": ""`` stays ``""`` (as openai-python keeps it); ``null`` stays None."""
    kept = sseparse.accumulate(sse([chunk(choice({"content": "ok", "refusal": ""}, finish="stop"))], done=True))
    assert kept.refusal == ""
    assert kept.choices[0].refusal == ""
    assert kept.final["choices"][0]["message"]["refusal"] == ""
    absent = sseparse.accumulate(sse([chunk(choice({"content": "ok", "refusal": None}, finish="stop"))], done=True))
    assert absent.refusal is None
    assert absent.final["choices"][0]["message"]["refusal"] is None


# -- OpenAI Responses: refusals, built-in tools, commentary -------------------------------------------------


def _responses(events: list[dict[str, Any]], *, terminal: dict[str, Any] | None = None) -> bytes:
    """Number the events and frame them with ``event:`` lines; ``terminal`` is appended last when given."""
    start = {
        "type": "response.created",
        "response": {"id": "resp_1", "object": "response", "status": "in_progress", "output": []},
    }
    numbered = [{**event, "sequence_number": n} for n, event in enumerate([start, *events, *([terminal] if terminal else [])])]
    return sse(numbered, events=True)


def _completed(output: list[Any] | None) -> dict[str, Any]:
    response = {"id": "resp_1", "object": "response", "status": "completed", "output": output, "usage": None}
    return {"type": "response.completed", "response": response}


def test_responses_refusal_only_stream() -> None:
    """A refusal-only Responses stream: ``text`` is ``""``, the refusal is in ``result.refusal`` and ``Choice.refusal``."""
    item = {"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.content_part.added", **where, "part": {"type": "refusal", "refusal": ""}},
        {"type": "response.refusal.delta", **where, "delta": "I can't "},
        {"type": "response.refusal.delta", **where, "delta": "do that."},
    ]
    cut = _both(_responses(events))
    assert (cut.text, cut.refusal, cut.choices[0].refusal) == ("", "I can't do that.", "I can't do that.")
    assert cut.final["output"][0]["content"] == [{"type": "refusal", "refusal": "I can't do that."}]
    done_item = {**item, "status": "completed", "content": [{"type": "refusal", "refusal": "I can't do that."}]}
    events += [
        {"type": "response.refusal.done", **where, "refusal": "I can't do that."},
        {"type": "response.output_item.done", "output_index": 0, "item": done_item},
    ]
    body = _responses(events, terminal=_completed([done_item]))
    result = _both(body)
    assert (result.end, result.text, result.refusal) == ("complete", "", "I can't do that.")
    assert [u for u in _updates(body) if isinstance(u, sseparse.RefusalDelta)] == [
        sseparse.RefusalDelta("I can't "),
        sseparse.RefusalDelta("do that."),
    ]


def test_responses_empty_refusal_is_kept() -> None:
    """A refusal part with ``""`` gives ``result.refusal == ""``; no refusal part gives None."""
    item = {"id": "msg_1", "type": "message", "role": "assistant", "content": [{"type": "refusal", "refusal": ""}]}
    assert sseparse.accumulate(_responses([], terminal=_completed([item]))).refusal == ""
    text_item = {**item, "content": [{"type": "output_text", "text": "hi", "annotations": []}]}
    assert sseparse.accumulate(_responses([], terminal=_completed([text_item]))).refusal is None


def test_responses_built_in_tools_cut_before_done_keep_their_deltas() -> None:
    """Code interpreter code, MCP arguments, image partials and audio transcripts survive a cut, with updates."""
    events: list[dict[str, Any]] = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "ci_1", "type": "code_interpreter_call", "status": "in_progress", "code": ""},
        },
        {"type": "response.code_interpreter_call.interpreting", "output_index": 0, "item_id": "ci_1"},
        {"type": "response.code_interpreter_call_code.delta", "output_index": 0, "item_id": "ci_1", "delta": "print("},
        {"type": "response.code_interpreter_call_code.delta", "output_index": 0, "item_id": "ci_1", "delta": "1)"},
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {"id": "mcp_1", "type": "mcp_call", "name": "roll", "server_label": "dice", "arguments": ""},
        },
        {"type": "response.mcp_call_arguments.delta", "output_index": 1, "item_id": "mcp_1", "delta": '{"sides":'},
        {"type": "response.mcp_call_arguments.delta", "output_index": 1, "item_id": "mcp_1", "delta": " 6}"},
        {
            "type": "response.output_item.added",
            "output_index": 2,
            "item": {"id": "ig_1", "type": "image_generation_call", "status": "in_progress"},
        },
        {"type": "response.image_generation_call.generating", "output_index": 2, "item_id": "ig_1"},
        {
            "type": "response.image_generation_call.partial_image",
            "output_index": 2,
            "item_id": "ig_1",
            "partial_image_index": 0,
            "partial_image_b64": "AAA",
        },
        {
            "type": "response.image_generation_call.partial_image",
            "output_index": 2,
            "item_id": "ig_1",
            "partial_image_index": 1,
            "partial_image_b64": "AAABBB",
        },
        {"type": "response.audio.transcript.delta", "delta": "Hel"},
        {"type": "response.audio.transcript.delta", "delta": "lo"},
        {"type": "response.audio.delta", "delta": "UklG"},
    ]
    body = _responses(events)
    result = _both(body)
    assert result.end == "truncated"
    code, mcp, image = result.final["output"]
    assert (code["code"], code["status"]) == ("print(1)", "interpreting")
    assert (mcp["arguments"], mcp["server_label"]) == ('{"sides": 6}', "dice")
    assert (image["result"], image["status"]) == ("AAABBB", "generating")
    assert result.details["audio"] == {"transcript": "Hello", "data": "UklG"}
    assert result.tool_calls == []  # built-in tools run on the server: not calls for the application
    deltas = [(u.output_index, u.item_type, u.field, u.delta) for u in _updates(body) if isinstance(u, sseparse.ItemDelta)]
    assert deltas == [
        (0, "code_interpreter_call", "code", "print("),
        (0, "code_interpreter_call", "code", "1)"),
        (1, "mcp_call", "arguments", '{"sides":'),
        (1, "mcp_call", "arguments", " 6}"),
        (2, "image_generation_call", "result", "AAA"),
        (2, "image_generation_call", "result", "AAABBB"),
        (None, "audio", "transcript", "Hel"),
        (None, "audio", "transcript", "lo"),
        (None, "audio", "data", "UklG"),
    ]


def test_responses_built_in_tool_done_events_are_authoritative() -> None:
    """``.done`` payloads replace what the deltas built (with a merge note when they differ)."""
    events = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "ci_1", "type": "code_interpreter_call", "code": ""},
        },
        {"type": "response.code_interpreter_call_code.delta", "output_index": 0, "item_id": "ci_1", "delta": "x = "},
        {"type": "response.code_interpreter_call_code.done", "output_index": 0, "item_id": "ci_1", "code": "x = 1"},
    ]
    result = sseparse.accumulate(_responses(events))
    assert result.final["output"][0]["code"] == "x = 1"
    assert result.merge_notes == ["a .done payload differed from its deltas: took the .done value"]


def test_responses_unknown_events_are_counted() -> None:
    """An event type the accumulator does not know is counted in ``details["unknown_events"]``, never an error."""
    result = sseparse.accumulate(_responses([{"type": "response.future_thing.delta", "delta": "x"}], terminal=_completed([])))
    assert result.end == "complete"
    assert result.details["unknown_events"] == {"response.future_thing.delta": 1}


def test_responses_commentary_is_kept_apart_from_the_answer() -> None:
    """A ``phase: "commentary"`` message is ``result.commentary``, not ``result.text``; ``final`` is unchanged."""

    def message(item_id: str, index: int, phase: str, text: str) -> list[dict[str, Any]]:
        item = {"id": item_id, "type": "message", "role": "assistant", "phase": phase, "status": "in_progress", "content": []}
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        return [
            {"type": "response.output_item.added", "output_index": index, "item": item},
            {"type": "response.content_part.added", **where, "part": {"type": "output_text", "text": "", "annotations": []}},
            {"type": "response.output_text.delta", **where, "delta": text},
        ]

    events = [*message("msg_c", 0, "commentary", "Checking the forecast."), *message("msg_a", 1, "final_answer", "Sunny, 21°C.")]
    body = _responses(events)
    result = _both(body)
    assert result.text == "Sunny, 21°C."
    assert result.commentary == "Checking the forecast."
    assert [item["phase"] for item in result.final["output"]] == ["commentary", "final_answer"]
    assert result.final["output"][0]["content"][0]["text"] == "Checking the forecast."
    updates = [u for u in _updates(body) if isinstance(u, (sseparse.TextDelta, sseparse.CommentaryDelta))]
    assert updates == [sseparse.CommentaryDelta("Checking the forecast."), sseparse.TextDelta("Sunny, 21°C.")]


def test_responses_text_logprobs_streamed_with_deltas_are_kept_when_cut() -> None:
    """``logprobs`` carried by ``output_text.delta`` events accumulate on their part."""
    item = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.output_text.delta", **where, "delta": "Hi", "logprobs": [{"token": "Hi", "logprob": -0.1}]},
        {"type": "response.output_text.delta", **where, "delta": "!", "logprobs": [{"token": "!", "logprob": -0.2}]},
    ]
    part = sseparse.accumulate(_responses(events)).final["output"][0]["content"][0]
    assert part["text"] == "Hi!"
    assert part["logprobs"] == [{"token": "Hi", "logprob": -0.1}, {"token": "!", "logprob": -0.2}]


# -- Anthropic -------------------------------------------------------------------------------------------------


def _anthropic(*events: dict[str, Any], stop: bool = True) -> bytes:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "claude-opus-4-7",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    tail = [{"type": "message_stop"}] if stop else []
    return sse([{"type": "message_start", "message": message}, *events, *tail], events=True)


def _block(index: int, block: dict[str, Any], *deltas: dict[str, Any], stop: bool = True) -> list[dict[str, Any]]:
    events = [{"type": "content_block_start", "index": index, "content_block": block}]
    events += [{"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas]
    return events + ([{"type": "content_block_stop", "index": index}] if stop else [])


def test_anthropic_compaction_block_keeps_content_and_encrypted_content() -> None:
    """A ``compaction`` block's ``compaction_delta`` sets its ``content`` and ``encrypted_content``."""
    delta = {"type": "compaction_delta", "content": "Summary so far.", "encrypted_content": "EpwBCioIDx=="}
    body = _anthropic(
        *_block(0, {"type": "compaction", "content": None, "encrypted_content": None}, delta),
        *_block(1, {"type": "text", "text": ""}, {"type": "text_delta", "text": "Hi"}),
    )
    result = _both(body)
    assert result.final["content"][0] == {"type": "compaction", "content": "Summary so far.", "encrypted_content": "EpwBCioIDx=="}
    assert result.text == "Hi"
    assert result.merge_notes == []


def test_anthropic_fallback_block_relabels_model() -> None:
    """A ``fallback`` block names the model that served the answer: ``final["model"]`` is that one, as the beta SDK has it."""
    fallback = {"type": "fallback", "from": {"model": "claude-opus-4-7"}, "to": {"model": "claude-sonnet-4-5"}}
    body = _anthropic(*_block(0, fallback), *_block(1, {"type": "text", "text": ""}, {"type": "text_delta", "text": "Hi"}))
    result = _both(body)
    assert result.final["model"] == "claude-sonnet-4-5"
    assert result.final["content"][0] == fallback
    assert result.text == "Hi"
    plain = _both(_anthropic(*_block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "Hi"})))
    assert plain.final["model"] == "claude-opus-4-7"


def test_anthropic_tool_use_cut_by_max_tokens_gets_the_partial_input() -> None:
    """A ``tool_use`` block with no ``content_block_stop``: its input is parsed as far as it goes, the unterminated string dropped."""
    deltas = [
        {"type": "input_json_delta", "partial_json": ""},
        {"type": "input_json_delta", "partial_json": '{"filename": "taxes.txt", "lines": ["# Guide", ""'},
        {"type": "input_json_delta", "partial_json": ', "Filing ta'},
    ]
    body = _anthropic(
        *_block(0, {"type": "tool_use", "id": "toolu_1", "name": "make_file", "input": {}}, *deltas, stop=False),
        {"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": None}, "usage": {"output_tokens": 99}},
    )
    result = _both(body)
    assert result.final["content"][0]["input"] == {"filename": "taxes.txt", "lines": ["# Guide", ""]}
    assert result.final["stop_reason"] == "max_tokens"
    assert result.tool_calls[0].arguments == '{"filename": "taxes.txt", "lines": ["# Guide", "", "Filing ta'
    assert result.tool_calls[0].done is False


def test_anthropic_tool_use_that_stopped_keeps_the_full_input() -> None:
    """A stopped block's input is its complete JSON (the partial parse is only for blocks that never stopped)."""
    body = _anthropic(
        *_block(
            0,
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
            {"type": "input_json_delta", "partial_json": '{"a": "b"}'},
        )
    )
    assert _both(body).final["content"][0]["input"] == {"a": "b"}


def test_anthropic_unknown_delta_type_is_merged_with_a_note() -> None:
    """A delta type sseparse does not know is merged into its block by the generic rule, and noted."""
    body = _anthropic(
        *_block(
            0,
            {"type": "future_block", "payload": ""},
            {"type": "payload_delta", "payload": "ab"},
            {"type": "payload_delta", "payload": "cd"},
        )
    )
    result = _both(body)
    assert result.final["content"][0] == {"type": "future_block", "payload": "abcd"}
    assert result.merge_notes == ["a content block delta of an unknown type was merged into its block"]


def test_anthropic_message_delta_context_management_replaces() -> None:
    """``context_management`` on ``message_delta`` reaches final, as the SDK takes it."""
    applied = {"applied_edits": [{"type": "clear_tool_uses_20250919", "cleared_tool_uses": 2}]}
    body = _anthropic(
        *_block(0, {"type": "text", "text": ""}, {"type": "text_delta", "text": "ok"}),
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 3},
            "context_management": applied,
        },
    )
    assert _both(body).final["context_management"] == applied


# -- inline reasoning tags ----------------------------------------------------------------------------------------


def _reference_split(text: str, names: tuple[str, ...]) -> tuple[str, str]:
    """An independent whole-text reading of the tag rule (regex search), to check the streaming splitter against."""
    opening = re.compile("|".join(re.escape(f"<{name}>") for name in names))
    answer: list[str] = []
    reasoning: list[str] = []
    position, closing = 0, None
    while True:
        if closing is None:
            match = opening.search(text, position)
            if match is None:
                answer.append(text[position:])
                break
            answer.append(text[position : match.start()])
            closing, position = "</" + match.group()[1:], match.end()
        else:
            at = text.find(closing, position)
            if at < 0:
                reasoning.append(text[position:])
                break
            reasoning.append(text[position:at])
            position, closing = at + len(closing), None
    return "".join(answer), "".join(reasoning)


def _chat_text_stream(pieces: list[str]) -> bytes:
    chunks = [chunk(choice({"role": "assistant", "content": ""}))]
    chunks += [chunk(choice({"content": piece})) for piece in pieces]
    return sse([*chunks, chunk(choice({}, finish="stop"))], done=True)


def test_reasoning_tags_move_inline_thinking_to_reasoning() -> None:
    """``<think>`` and ``<reasoning>`` text goes to reasoning, tags split across chunks; final keeps the content as sent."""
    pieces = ["<th", "ink>Let me ", "think.</thi", "nk>The answer", " is <", "reasoning>sure</reasoning>", "4."]
    body = _chat_text_stream(pieces)
    result = _both(body, reasoning_tags=("think", "reasoning"))
    assert (result.text, result.reasoning) == ("The answer is 4.", "Let me think.sure")
    assert (result.choices[0].text, result.choices[0].content, result.choices[0].reasoning) == (
        "The answer is 4.",
        "The answer is 4.",
        "Let me think.sure",
    )
    assert result.final["choices"][0]["message"]["content"] == "".join(pieces)
    updates = _updates(body, reasoning_tags=True)
    assert "".join(u.text for u in updates if isinstance(u, sseparse.TextDelta)) == "The answer is 4."
    assert "".join(u.text for u in updates if isinstance(u, sseparse.ReasoningDelta)) == "Let me think.sure"
    assert not any("<" in u.text for u in updates if isinstance(u, (sseparse.TextDelta, sseparse.ReasoningDelta)))


def test_reasoning_tags_are_off_by_default() -> None:
    """Without the option, tags are answer text, as the server sent them."""
    result = sseparse.accumulate(_chat_text_stream(["<think>hm</think>", "Hi"]))
    assert (result.text, result.reasoning) == ("<think>hm</think>Hi", "")


def test_reasoning_tags_unclosed_tag_and_held_back_fragment() -> None:
    """A cut inside ``<think>`` leaves the rest as reasoning; a held-back ``<thi`` at the end is flushed as text."""
    cut = sseparse.accumulate(sse([chunk(choice({"content": "<think>still thinking"}))]), reasoning_tags=True)
    assert (cut.end, cut.text, cut.reasoning) == ("truncated", "", "still thinking")
    body = _chat_text_stream(["Hello <thi"])
    updates = _updates(body, reasoning_tags=True)
    assert "".join(u.text for u in updates if isinstance(u, sseparse.TextDelta)) == "Hello <thi"
    assert sseparse.accumulate(body, reasoning_tags=True).text == "Hello <thi"


def test_reasoning_tags_work_for_every_format() -> None:
    """The option wraps any accumulator: an Anthropic text block with inline tags is split the same way."""
    body = _anthropic(
        *_block(
            0,
            {"type": "text", "text": ""},
            {"type": "text_delta", "text": "<think>x</think>"},
            {"type": "text_delta", "text": "y"},
        )
    )
    result = _both(body, reasoning_tags=["think"])
    assert (result.text, result.reasoning, result.format) == ("y", "x", "anthropic-messages")
    accumulator = sseparse.make_accumulator("anthropic-messages", reasoning_tags="think")
    assert accumulator.format == "anthropic-messages"


@pytest.mark.parametrize("bad", ["", "<think>", ["think", 3], [], 5])
def test_reasoning_tags_bad_option_raises(bad: Any) -> None:
    """Anything but tag names is API misuse: a clear ValueError naming the option."""
    with pytest.raises(ValueError, match="reasoning_tags"):
        sseparse.make_accumulator(reasoning_tags=bad)
    with pytest.raises(ValueError, match="reasoning_tags"):
        sseparse.accumulate(b"", reasoning_tags=bad)


def test_stream_passes_reasoning_tags_through() -> None:
    """``Stream(..., reasoning_tags=...)``: its result and updates have the tagged text as reasoning."""
    body = _chat_text_stream(["<think>plan</think>", "Done"])
    with sseparse.Stream([body], "openai-chat", reasoning_tags=True) as stream:
        updates = list(stream.updates())
        result = stream.result()
    assert (result.text, result.reasoning) == ("Done", "plan")
    assert [u.text for u in updates if isinstance(u, sseparse.ReasoningDelta)] == ["plan"]


_TAG_TEXT = st.lists(
    st.sampled_from(
        ["<think>", "</think>", "<reasoning>", "</reasoning>", "<", "</", "<thi", "a", "b c", ">", "<th</think>", "é🙂"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TAG_TEXT, data=st.data())
def test_reasoning_tags_independent_of_split_points(text: str, data: st.DataObject) -> None:
    """Whatever the split points of the content (tags cut anywhere), updates and result match the whole-text rule."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    names = ("think", "reasoning")
    answer, reasoning = _reference_split(text, names)
    body = _chat_text_stream(pieces)
    result = sseparse.accumulate(body, reasoning_tags=names)
    assert (result.text, result.reasoning) == (answer, reasoning)
    updates = _updates(body, reasoning_tags=names)
    assert "".join(u.text for u in updates if isinstance(u, sseparse.TextDelta)) == answer
    assert "".join(u.text for u in updates if isinstance(u, sseparse.ReasoningDelta)) == reasoning
