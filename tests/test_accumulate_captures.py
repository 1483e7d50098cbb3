"""The shared captures (../shared/streams/*.sse) against their *.expected.json, when the folder is present.

vercel-ui-message-stream is outside the accumulators' formats: it must give a clean ``end="error"``
result with ``format=None`` and an ``unknown_format`` error, without raising.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import sseparse

STREAMS = Path(__file__).resolve().parents[1].parent / "shared" / "streams"
CAPTURES = sorted(STREAMS.glob("*.sse")) if STREAMS.is_dir() else []
SUPPORTED = {"openai-chat", "openai-responses", "anthropic-messages", "gemini", "cohere-v2"}
TERMINATION = {
    "done": "complete",
    "message_stop": "complete",
    "response.completed": "complete",
    "finishReason": "complete",
    "message-end": "complete",
    "error": "error",
    "eof": "truncated",
}

pytestmark = pytest.mark.skipif(not CAPTURES, reason="../shared/streams is not present")


def _expected(path: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads(
        path.with_name(path.name[: -len(".sse")] + ".expected.json").read_text(encoding="utf-8")
    )
    return expected


def _ids(path: Path) -> str:
    return path.stem


def _supported() -> list[Path]:
    return [p for p in CAPTURES if _expected(p)["format"] in SUPPORTED]


def _check_openai_chat(result: sseparse.AccumulatedResult, expected: dict[str, Any]) -> None:
    assert result.final["id"] == expected["id"]
    assert result.final["model"] == expected["model"]
    assert len(result.choices) == len(expected["choices"])
    for choice, want in zip(result.choices, expected["choices"], strict=True):
        assert choice.index == want["index"]
        assert choice.role == want["role"]
        assert choice.content == want["content"]
        assert choice.refusal == want["refusal"]
        assert choice.reasoning_fields == want["reasoning"]
        assert choice.finish_reason == want["finish_reason"]
        calls = [
            {"index": c.index, "id": c.id, "type": c.type, "name": c.name, "arguments": c.arguments} for c in choice.tool_calls
        ]
        assert calls == want["tool_calls"]
        for call in choice.tool_calls:
            call.json()  # every capture's arguments are valid JSON after the repairs
    assert sorted(result.merge_notes) == sorted(expected.get("merge_notes", []))
    if expected.get("prompt_filter_results_seen"):
        assert result.details["prompt_filter_results"]


def _check_responses(result: sseparse.AccumulatedResult, expected: dict[str, Any]) -> None:
    assert result.final["id"] == expected["id"]
    assert result.final["status"] == expected["status"]
    output = result.final["output"]
    assert [item["type"] for item in output] == [item["type"] for item in expected["output"]]
    for item, want in zip(output, expected["output"], strict=True):
        assert item["id"] == want["id"]
        if want["type"] == "reasoning":
            assert [part["text"] for part in item["summary"]] == want["summary"]
            assert bool(item.get("encrypted_content")) == want["has_encrypted_content"]
        elif want["type"] == "function_call":
            assert (item["call_id"], item["name"], item["arguments"]) == (want["call_id"], want["name"], want["arguments"])
    assert result.details["last_sequence_number"] == expected["last_sequence_number"]
    assert len(result.details["sequence_gaps"]) == expected["sequence_gaps"]
    assert result.merge_notes == []  # every .done payload matched its deltas (the _cross_checks)


def _check_anthropic(result: sseparse.AccumulatedResult, expected: dict[str, Any]) -> None:
    final = result.final
    for key in ("id", "model", "role", "stop_reason", "stop_sequence"):
        assert final[key] == expected[key]
    assert len(final["content"]) == len(expected["content"])
    calls = iter(result.tool_calls)
    for block, want in zip(final["content"], expected["content"], strict=True):
        want_block = {k: v for k, v in want.items() if k not in {"index", "stopped", "input_json"}}
        got = {k: v for k, v in block.items() if k in want_block}
        assert got == want_block
        if want["type"] == "tool_use":
            assert next(calls).arguments == want["input_json"]
    assert result.details["pings"] == expected["pings"]


def _check_gemini(result: sseparse.AccumulatedResult, expected: dict[str, Any]) -> None:
    final = result.final
    assert final["modelVersion"] == expected["modelVersion"]
    assert final["responseId"] == expected["responseId"]
    assert final["usageMetadata"] == expected["usageMetadata"]
    for candidate, want in zip(final["candidates"], expected["candidates"], strict=True):
        assert candidate["index"] == want["index"]
        assert candidate["finishReason"] == want["finishReason"]
        parts = candidate["content"]["parts"]
        assert len(parts) == len(want["parts"])
        for part, want_part in zip(parts, want["parts"], strict=True):
            if "text" in want_part:
                assert part["text"] == want_part["text"]
                assert part.get("thought", False) == want_part.get("thought", False)
            else:
                call = want_part["functionCall"]
                assert part["functionCall"]["name"] == call["name"]
                assert part["functionCall"]["args"] == call["args"]
            signature = want_part.get("thoughtSignature")
            if signature is None:
                assert "thoughtSignature" not in part
            else:  # the expected file abbreviates long signatures: "<first 16 chars>...(N chars)"
                head, _, size = signature.partition("...(")
                assert part["thoughtSignature"].startswith(head)
                if size:
                    assert len(part["thoughtSignature"]) == int(size.split()[0])
    calls = [c for c in expected["candidates"][0]["parts"] if "functionCall" in c]
    assert [c.arguments for c in result.tool_calls] == [c["functionCall"]["arguments_json"] for c in calls]


def _check_cohere(result: sseparse.AccumulatedResult, expected: dict[str, Any]) -> None:
    final = result.final
    assert final["id"] == expected["id"]
    assert final["finish_reason"] == result.finish_reason == expected["finish_reason"]
    message = final["message"]
    for key in ("content", "tool_plan", "citations"):
        assert message[key] == expected[key]
    calls = [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in result.tool_calls]
    assert calls == expected["tool_calls"]
    assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in message["tool_calls"]] == [
        (c["id"], c["name"], c["arguments"]) for c in expected["tool_calls"]
    ]
    assert result.reasoning == expected["tool_plan"]  # the plan is the reasoning the model showed
    assert result.text == ""


CHECKS = {
    "openai-chat": _check_openai_chat,
    "openai-responses": _check_responses,
    "anthropic-messages": _check_anthropic,
    "gemini": _check_gemini,
    "cohere-v2": _check_cohere,
}


@pytest.mark.parametrize("path", _supported(), ids=_ids)
def test_capture_matches_expected(path: Path) -> None:
    """Each capture of a supported format rebuilds exactly the expected message, whole and byte by byte."""
    expected = _expected(path)
    body = path.read_bytes()
    result = sseparse.accumulate(body)
    assert result.format == expected["format"]
    assert result.end == TERMINATION[expected["termination"]]
    usage = expected.get("usage", expected.get("usageMetadata"))
    assert result.usage == usage
    if expected["termination"] == "error":
        assert result.error is not None
        assert result.error.as_dict() == expected["error"]
    else:
        assert result.error is None
    CHECKS[expected["format"]](result, expected)
    one_byte = sseparse.accumulate(body[i : i + 1] for i in range(len(body)))
    assert one_byte.final == result.final
    assert one_byte.end == result.end


@pytest.mark.parametrize(
    "path", [p for p in _supported() if _expected(p)["format"] in {"openai-chat", "anthropic-messages"}], ids=_ids
)
def test_capture_final_validates(path: Path) -> None:
    """result.final of the chat and anthropic captures validates with the provider SDK's own model."""
    chat = pytest.importorskip("openai.types.chat")
    anthropic_types = pytest.importorskip("anthropic.types")
    result = sseparse.accumulate(path.read_bytes())
    if result.end != "complete":
        pytest.skip("an unfinished message is not a valid final object (finish_reason is null)")
    if result.format == "openai-chat":
        chat.ChatCompletion.model_validate(result.final)
    elif result.format == "anthropic-messages":
        anthropic_types.Message.model_validate(result.final)
    # (The Responses capture predates usage.input_tokens_details.cache_write_tokens, which the
    # current SDK requires; the generated corpus in test_accumulate_corpus validates Response objects.)


@pytest.mark.parametrize("path", [p for p in CAPTURES if _expected(p)["format"] not in SUPPORTED], ids=_ids)
def test_unsupported_capture_is_a_clean_error(path: Path) -> None:
    """Formats outside the accumulators (Vercel's UI message stream) give format None and end error, no exception."""
    result = sseparse.accumulate(path.read_bytes())
    assert result.format is None
    assert result.end == "error"
    assert result.error is not None
    assert result.error.type == "unknown_format"
    assert "register_format" in result.error.message
