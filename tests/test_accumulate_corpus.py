"""The generated corpus (tests/llm_corpus.py): every rule, fed whole, byte by byte, at random splits and as events."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest
from llm_corpus import CASES, Case, by_name

import sseparse

if TYPE_CHECKING:
    from collections.abc import Iterable


def _check(case: Case, result: sseparse.AccumulatedResult) -> None:
    assert result.format == case.format
    assert result.end == case.end, result.error
    assert result.text == case.text
    assert result.reasoning == case.reasoning
    assert [(c.id, c.name, c.arguments) for c in result.tool_calls] == list(case.tool_calls)
    assert [c.index for c in result.tool_calls] == list(range(len(case.tool_calls)))
    assert result.finish_reason == case.finish_reason
    assert result.usage == case.usage
    assert sorted(result.merge_notes) == sorted(case.notes)
    if case.error_type is None:
        assert result.error is None
    else:
        assert result.error is not None
        assert result.error.type == case.error_type


def _splits(body: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    chunks = []
    position = 0
    while position < len(body):
        size = rng.randint(1, 40)
        chunks.append(body[position : position + size])
        position += size
    return chunks


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case_whole(case: Case) -> None:
    """Each case, fed as one bytes object, gives exactly what the case expects."""
    _check(case, sseparse.accumulate(case.body))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_case_any_chunking(case: Case) -> None:
    """One byte at a time, random splits, bytearray/memoryview chunks, pre-decoded events, explicit format: same result."""
    expected = sseparse.accumulate(case.body)
    one_byte = [case.body[i : i + 1] for i in range(len(case.body))]
    variants: list[Iterable[Any]] = [
        one_byte,
        _splits(case.body, 1),
        [bytearray(c) for c in _splits(case.body, 2)],
        [memoryview(c) for c in _splits(case.body, 3)],
        sseparse.parse(case.body),
    ]
    for source in variants:
        _check(case, sseparse.accumulate(source))
    _check(case, sseparse.accumulate(case.body, format=case.format))
    assert sseparse.accumulate(one_byte).final == expected.final


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_updates_rebuild_the_result(case: Case) -> None:
    """The live updates add up to the snapshot: text and reasoning deltas, started calls, finish and usage."""
    accumulator = sseparse.make_accumulator()
    updates: list[sseparse.Update] = []
    for event in sseparse.parse(case.body):
        updates.extend(accumulator.feed(event))
        snapshot = accumulator.result()  # a snapshot at any moment never raises
        assert snapshot.end != "complete" or accumulator.end == "complete"
    updates.extend(accumulator.close())
    result = accumulator.result()
    _check(case, result)
    first = min((c.index for c in result.choices), default=0)
    resets = [i for i, u in enumerate(updates) if isinstance(u, sseparse.ResetUpdate)]
    if resets:  # a spliced stream started over: only what follows the last reset counts
        updates = updates[resets[-1] + 1 :]
    text = "".join(u.text for u in updates if isinstance(u, sseparse.TextDelta) and u.choice == first)
    assert text == result.text
    started = [u for u in updates if isinstance(u, sseparse.ToolCallStarted) and u.choice == first]
    assert [u.index for u in started][: len(result.tool_calls)] == [c.index for c in result.tool_calls]
    if not case.notes and case.format in {"openai-chat", "anthropic-messages", "openai-responses"}:
        for call in result.tool_calls:
            deltas = [
                u.delta
                for u in updates
                if isinstance(u, sseparse.ToolCallArgumentsDelta) and u.index == call.index and u.choice == first
            ]
            assert "".join(deltas) == call.arguments
    if case.end == "error":
        assert any(isinstance(u, sseparse.ErrorUpdate) for u in updates)
    if case.usage is not None:
        assert [u.usage for u in updates if isinstance(u, sseparse.UsageUpdate)][-1] == case.usage
    if case.finish_reason is not None:
        assert any(isinstance(u, sseparse.FinishUpdate) and u.finish_reason == case.finish_reason for u in updates)


# Mistral's API returns Magistral's content as a list of thinking and text parts, and final keeps it
# (it is what goes back to Mistral as the next turn); OpenAI's ChatCompletion only takes a string.
NOT_OPENAI_SHAPED = {"chat-magistral-content-list"}


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.end == "complete" and c.name not in NOT_OPENAI_SHAPED], ids=lambda c: c.name
)
def test_final_validates_with_the_providers_own_models(case: Case) -> None:
    """result.final is accepted by openai's ChatCompletion / Response and anthropic's Message."""
    openai_types = pytest.importorskip("openai.types")
    anthropic_types = pytest.importorskip("anthropic.types")
    final = sseparse.accumulate(case.body).final
    if case.format == "openai-chat":
        completion = openai_types.chat.ChatCompletion.model_validate(final)
        assert completion.choices[0].message.content == (case.text or None) or case.text == ""
    elif case.format == "openai-responses":
        response = openai_types.responses.Response.model_validate(final)
        assert response.output_text == case.text
    elif case.format == "anthropic-messages":
        message = anthropic_types.Message.model_validate(final)
        assert message.stop_reason == case.finish_reason


def test_final_of_chat_completion_has_every_field() -> None:
    """chat.completion: id, object, created, model, system_fingerprint, choices[].message{role, content, refusal, tool_calls}, usage."""
    final = sseparse.accumulate(by_name("chat-parallel-tools").body).final
    assert final["object"] == "chat.completion"
    assert final["id"] == "chatcmpl-CORPUS"
    assert final["created"] == 1767225600
    assert final["model"] == "gpt-4o-corpus"
    assert final["system_fingerprint"] == "fp_corpus"
    message = final["choices"][0]["message"]
    assert message["role"] == "assistant"
    assert message["content"] is None
    assert message["refusal"] is None
    assert message["tool_calls"][1] == {
        "id": "call_B",
        "type": "function",
        "function": {"name": "get_stock", "arguments": '{"ticker": "AAPL"}'},
    }
    assert final["choices"][0]["finish_reason"] == "tool_calls"
    assert "obfuscation" not in str(final)


def test_n2_choices_keyed_by_index() -> None:
    """n>1: one Choice per index, each with its own text and finish, in index order."""
    case = by_name("chat-n2-out-of-order")
    result = sseparse.accumulate(case.body)
    assert {c.index: (c.text, c.finish_reason) for c in result.choices} == case.extra["choices"]
    assert [c["index"] for c in result.final["choices"]] == [0, 1]


def test_azure_filters_are_collected_apart_from_the_text() -> None:
    """Azure: prompt_filter_results and async annotations are kept in details/extra, never in the text."""
    result = sseparse.accumulate(by_name("chat-azure-filters").body)
    assert result.details["prompt_filter_results"][0]["prompt_index"] == 0
    assert result.details["any_filtered"] is True
    extra = result.choices[0].extra
    assert len(extra["content_filter_annotations"]) == 1
    assert extra["content_filter_annotations"][0]["content_filter_offsets"]["end_offset"] == 7
    assert result.final["id"] == "chatcmpl-CORPUS"  # the filter chunk's id "" is not taken
    assert result.final["prompt_filter_results"]


def test_reasoning_fields_keep_the_wire_key() -> None:
    """reasoning_content and reasoning are kept per key and copied to the final message."""
    result = sseparse.accumulate(by_name("chat-reasoning-content").body)
    assert result.choices[0].reasoning_fields == {"reasoning_content": "Thinking..."}
    assert result.final["choices"][0]["message"]["reasoning_content"] == "Thinking..."
    result = sseparse.accumulate(by_name("chat-vllm-quirks").body)
    assert result.choices[0].reasoning_fields == {"reasoning": "Open it."}
    assert result.final["system_fingerprint"] == "fp_vllm"
    both = sseparse.accumulate(by_name("chat-both-reasoning-keys").body)
    assert both.choices[0].reasoning_fields == {"reasoning": "Hmm", "reasoning_content": "Hmm"}


def test_refusal_and_legacy_function_call() -> None:
    """Refusal fragments concatenate; the legacy function_call becomes message.function_call."""
    result = sseparse.accumulate(by_name("chat-refusal-logprobs").body)
    assert result.choices[0].refusal == "I cannot help."
    assert result.final["choices"][0]["message"]["refusal"] == "I cannot help."
    legacy = sseparse.accumulate(by_name("chat-legacy-function-call").body)
    assert legacy.final["choices"][0]["message"]["function_call"] == {"name": "lookup", "arguments": '{"q": "x"}'}
    assert legacy.tool_calls[0].json() == {"q": "x"}


def test_logprobs_are_extended() -> None:
    """Logprob token lists of every chunk are joined in order."""
    token = {"token": "a", "logprob": -0.1, "bytes": [97], "top_logprobs": []}
    body = (
        b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"a"},'
        b'"logprobs":{"content":['
        + __import__("json").dumps(token).encode()
        + b'],"refusal":null},"finish_reason":null}]}\n\n'
        + b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},'
        + b'"logprobs":{"content":['
        + __import__("json").dumps(token).encode()
        + b'],"refusal":null},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    result = sseparse.accumulate(body)
    assert result.final["choices"][0]["logprobs"]["content"] == [token, token]


def test_responses_details() -> None:
    """Responses: last sequence number and gaps are reported; .done items are authoritative."""
    result = sseparse.accumulate(by_name("responses-sequence-gap").body)
    assert result.details["sequence_gaps"] == [(4, 5)]
    clean = sseparse.accumulate(by_name("responses-text").body)
    assert clean.details["sequence_gaps"] == []
    assert clean.details["last_sequence_number"] == 11
    assert clean.final["status"] == "completed"
    call = sseparse.accumulate(by_name("responses-reasoning-function").body).tool_calls[0]
    assert call.json() == {"a": 12, "b": 7}
    assert call.type == "function_call"
    assert call.done


def test_responses_done_payload_wins() -> None:
    """.done payloads that differ from their deltas replace them, and the repair is noted."""
    body = by_name("responses-text").body.replace(b'"text": "The answer is 42."', b'"text": "The answer is 43."')
    result = sseparse.accumulate(body)
    assert result.text == "The answer is 43."
    assert "a .done payload differed from its deltas: took the .done value" in result.merge_notes
    partial = sseparse.accumulate(body[: body.index(b"event: response.completed")])
    assert partial.text == "The answer is 43."
    assert partial.end == "truncated"
    assert partial.final["status"] == "in_progress"


def test_anthropic_blocks_signature_and_inputs() -> None:
    """Anthropic: thinking signature byte-exact, tool inputs parsed once, pings counted, usage replaced."""
    case = by_name("anthropic-thinking-text-tools")
    result = sseparse.accumulate(case.body)
    content = result.final["content"]
    assert content[0] == {"type": "thinking", "thinking": "The user wants the weather.", "signature": case.extra["signature"]}
    assert [block.get("input") for block in content[2:]] == case.extra["inputs"]
    assert [call.json() for call in result.tool_calls] == case.extra["inputs"]
    assert result.details["pings"] == 1
    assert result.final["usage"]["output_tokens"] == 77
    assert result.final["usage"]["input_tokens"] == 40


def test_anthropic_server_tools_and_citations() -> None:
    """Server tool use is not a client tool call; its input is parsed; citations are appended."""
    result = sseparse.accumulate(by_name("anthropic-server-tool-citations").body)
    assert result.tool_calls == []
    kinds = [block["type"] for block in result.final["content"]]
    assert kinds == ["redacted_thinking", "server_tool_use", "web_search_tool_result", "text"]
    assert result.final["content"][1]["input"] == {"query": "capital"}
    assert len(result.final["content"][3]["citations"]) == 1


def test_gemini_parts_and_signatures() -> None:
    """Gemini: adjacent text parts joined, thoughts apart, the signature stays on its part."""
    result = sseparse.accumulate(by_name("gemini-thoughts-text").body)
    parts = result.final["candidates"][0]["content"]["parts"]
    assert parts == [
        {"text": "Thinking about it.", "thought": True},
        {"text": "The answer is 42.", "thoughtSignature": "c2lnbmF0dXJl"},
    ]
    assert result.final["modelVersion"] == "gemini-corpus"
    calls = sseparse.accumulate(by_name("gemini-parallel-calls").body)
    parts = calls.final["candidates"][0]["content"]["parts"]
    assert parts[1] == {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "c2ln"}
    assert [c.json() for c in calls.tool_calls] == [{"city": "Paris"}, {"city": "Tokyo"}]


def test_gemini_partial_args_build_the_object() -> None:
    """partialArgs assignments by JSON path build the args object; the final part carries it."""
    result = sseparse.accumulate(by_name("gemini-partial-args").body)
    expected = {"city": "San Francisco", "nights": 2, "opts": {"late": True}, "tags": ["x"]}
    assert result.tool_calls[0].json() == expected
    assert result.final["candidates"][0]["content"]["parts"][0] == {"functionCall": {"name": "book", "args": expected}}
    assert result.tool_calls[0].done


def test_chat_audio_is_concatenated() -> None:
    """Audio data and transcript fragments are joined; the final message carries the audio object."""
    case = by_name("chat-audio")
    result = sseparse.accumulate(case.body)
    assert result.final["choices"][0]["message"]["audio"] == case.extra["audio"]
    assert result.choices[0].extra["audio"] == case.extra["audio"]


def test_responses_annotations_and_custom_tool_calls() -> None:
    """Annotations land on their part; custom tool calls are tool calls; raw reasoning_text is reasoning."""
    case = by_name("responses-annotations-custom-tool")
    result = sseparse.accumulate(case.body)
    message = result.final["output"][1]
    assert message["content"][0]["annotations"] == case.extra["annotations"]
    assert result.final["output"][0]["content"] == [{"type": "reasoning_text", "text": "Think hard."}]
    assert result.tool_calls[0].type == "custom_tool_call"
    assert result.final["status"] == "in_progress"


def test_gemini_blocked_prompt_and_unterminated_calls() -> None:
    """A blocked prompt is a complete empty response; calls without the empty terminator still close."""
    blocked = sseparse.accumulate(by_name("gemini-blocked-prompt").body)
    assert blocked.final["promptFeedback"] == {"blockReason": "SAFETY"}
    assert blocked.final["candidates"] == []
    case = by_name("gemini-partial-args-unterminated")
    result = sseparse.accumulate(case.body)
    assert all(call.done for call in result.tool_calls)
    candidate = result.final["candidates"][0]
    assert candidate["safetyRatings"] == case.extra["safety"]
    assert candidate["content"]["parts"][0] == {"inlineData": {"mimeType": "image/png", "data": "iVBO"}}
