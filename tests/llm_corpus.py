"""A generated corpus of LLM streams, one or more per accumulation rule, with what each must give.

Every case is built by code from small payload helpers, so the bytes and the expectations sit side by
side. `CASES` holds them all; each `Case` says which rule it covers in ``rule``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CASES", "Case", "by_name", "sse"]

JSON = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One stream and what accumulating it must give."""

    name: str
    format: str
    rule: str
    body: bytes
    text: str = ""
    reasoning: str = ""
    tool_calls: tuple[tuple[str | None, str, str], ...] = ()  # (id, name, arguments)
    finish_reason: str | None = None
    end: str = "complete"
    usage: JSON | None = None
    notes: tuple[str, ...] = ()
    error_type: str | None = None
    extra: JSON = field(default_factory=dict)
    standard: bool = True  # a stream the provider's own SDK accumulates correctly (differential tests)


def sse(payloads: list[Any], *, events: bool = False, eol: str = "\n", done: bool = False) -> bytes:
    """Frame payloads as SSE: ``data: json`` (and ``event: type`` when ``events``), optional ``[DONE]``."""
    out: list[str] = []
    for payload in payloads:
        if isinstance(payload, tuple):  # (event name, payload)
            name, body = payload
            out.append(
                f"event: {name}{eol}data: {body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)}{eol}{eol}"
            )
            continue
        if events and isinstance(payload, dict):
            out.append(f"event: {payload['type']}{eol}")
        data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        out.append(f"data: {data}{eol}{eol}")
    if done:
        out.append(f"data: [DONE]{eol}{eol}")
    return "".join(out).encode()


# -- OpenAI Chat ---------------------------------------------------------------------------------------

CHAT_ID = "chatcmpl-CORPUS"


def chunk(*choices: JSON, usage: JSON | None = None, **extra: Any) -> JSON:
    """A ``chat.completion.chunk`` with the given choices."""
    payload: JSON = {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": 1767225600,
        "model": "gpt-4o-corpus",
        "system_fingerprint": "fp_corpus",
        "choices": list(choices),
        "obfuscation": "pAdDiNg",
    }
    if usage is not None:
        payload["usage"] = usage
    payload.update(extra)
    return payload


def choice(delta: JSON | None = None, *, index: int = 0, finish: str | None = None, **extra: Any) -> JSON:
    """One ``choices[]`` entry."""
    entry: JSON = {"index": index, "delta": delta if delta is not None else {}, "logprobs": None, "finish_reason": finish}
    entry.update(extra)
    return entry


def tc(index: int | None = None, id: str | None = None, name: str | None = None, args: str | None = None, **extra: Any) -> JSON:  # noqa: A002
    """One ``delta.tool_calls[]`` entry; None fields are left out."""
    entry: JSON = {}
    if index is not None:
        entry["index"] = index
    if id is not None:
        entry["id"] = id
        entry["type"] = "function"
    function: JSON = {}
    if name is not None:
        function["name"] = name
    if args is not None:
        function["arguments"] = args
    if function:
        entry["function"] = function
    entry.update(extra)
    return entry


USAGE = {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30}


def usage_chunk(usage: JSON = USAGE) -> JSON:
    """The usage-only chunk of ``stream_options.include_usage`` (``choices: []``)."""
    return chunk(usage=usage)


def _chat_cases() -> list[Case]:
    cases: list[Case] = []
    text_parts = ["Hel", "lo, ", "Zür", "ich! ", "🎉", " done."]
    cases.append(
        Case(
            "chat-text-usage",
            "openai-chat",
            "content concatenated; usage-only chunk with choices []; obfuscation ignored; [DONE] ends",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "", "refusal": None}), usage=None),
                    *[chunk(choice({"content": part})) for part in text_parts],
                    chunk(choice({}, finish="stop")),
                    usage_chunk(),
                ],
                done=True,
            ),
            text="".join(text_parts),
            finish_reason="stop",
            usage=USAGE,
        )
    )
    args_a = ['{"city": ', '"Edin', 'burgh", "units": ', '"c"}']
    args_b = ['{"ticker"', ': "AAPL"}']
    cases.append(
        Case(
            "chat-parallel-tools",
            "openai-chat",
            "two calls streamed one after the other; id/type/name only on the first delta of each",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None, "tool_calls": [tc(0, "call_A", "get_weather", "")]})),
                    *[chunk(choice({"tool_calls": [tc(0, args=part)]})) for part in args_a],
                    chunk(choice({"tool_calls": [tc(1, "call_B", "get_stock", "")]})),
                    *[chunk(choice({"tool_calls": [tc(1, args=part)]})) for part in args_b],
                    chunk(choice({}, finish="tool_calls")),
                    usage_chunk(),
                ],
                done=True,
            ),
            tool_calls=(("call_A", "get_weather", "".join(args_a)), ("call_B", "get_stock", "".join(args_b))),
            finish_reason="tool_calls",
            usage=USAGE,
        )
    )
    cases.append(
        Case(
            "chat-tools-interleaved",
            "openai-chat",
            "one chunk carries fragments for two indices; calls keyed by index",
            sse(
                [
                    chunk(choice({"role": "assistant", "tool_calls": [tc(0, "call_1", "f", ""), tc(1, "call_2", "g", "")]})),
                    chunk(choice({"tool_calls": [tc(0, args='{"a"'), tc(1, args='{"b"')]})),
                    chunk(choice({"tool_calls": [tc(1, args=": 2}"), tc(0, args=": 1}")]})),
                    chunk(choice({}, finish="tool_calls")),
                ],
                done=True,
            ),
            tool_calls=(("call_1", "f", '{"a": 1}'), ("call_2", "g", '{"b": 2}')),
            finish_reason="tool_calls",
        )
    )
    cases.append(
        Case(
            "chat-parallel-index0",
            "openai-chat",
            "a new non-empty id opens a new call even though its index (0) is taken (Groq, Ollama, SGLang)",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None})),
                    chunk(choice({"tool_calls": [tc(0, "call_a1", "get_weather", '{"location":"SF"}')]})),
                    chunk(choice({"tool_calls": [tc(0, "call_b2", "get_weather", '{"location":"Tokyo"}')]})),
                    chunk(choice({"tool_calls": [tc(0, "call_c3", "get_time", '{"tz":"Europe/Paris"}')]})),
                    chunk(choice({}, finish="tool_calls"), usage=USAGE),
                ],
                done=True,
            ),
            tool_calls=(
                ("call_a1", "get_weather", '{"location":"SF"}'),
                ("call_b2", "get_weather", '{"location":"Tokyo"}'),
                ("call_c3", "get_time", '{"tz":"Europe/Paris"}'),
            ),
            finish_reason="tool_calls",
            usage=USAGE,
            notes=("index reused by a different id: opened a new call",),
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-missing-index",
            "openai-chat",
            "no index: new id -> next position, id-less delta -> latest call; '{}' placeholder replaced; whole re-send ignored",
            sse(
                [
                    chunk(choice({"role": "assistant", "tool_calls": [tc(None, "call_g1", "get_stock", "{}")]})),
                    chunk(choice({"tool_calls": [tc(None, args='{"ticker":"MSFT"}')]})),
                    chunk(choice({"tool_calls": [tc(None, "call_g2", "get_stock", '{"ticker":"AAPL"}')]})),
                    chunk(choice({"tool_calls": [tc(None, "call_g2", "get_stock", '{"ticker":"AAPL"}')]})),
                    chunk(choice({}, finish="tool_calls")),
                ],
                done=True,
            ),
            tool_calls=(("call_g1", "get_stock", '{"ticker":"MSFT"}'), ("call_g2", "get_stock", '{"ticker":"AAPL"}')),
            finish_reason="tool_calls",
            notes=(
                "'{}' placeholder replaced by the real arguments",
                "missing index: assigned the next position",
                "tool-call delta without index: continued the latest call",
                "whole arguments re-sent: ignored the repeat",
            ),
            standard=False,
        )
    )
    fragments = ['{"query": ', '"SSE retry', ' field", ', '"limit": 3}']
    cases.append(
        Case(
            "chat-repeated-id-name",
            "openai-chat",
            "id, type and name repeated on every delta are set once, never concatenated",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "Let me look."})),
                    *[chunk(choice({"tool_calls": [tc(0, "call_q1", "search_docs", part)]})) for part in fragments],
                    chunk(choice({}, finish="tool_calls")),
                ],
                done=True,
            ),
            text="Let me look.",
            tool_calls=(("call_q1", "search_docs", "".join(fragments)),),
            finish_reason="tool_calls",
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-legacy-function-call",
            "openai-chat",
            "legacy function_call: name first, then argument fragments",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None, "function_call": {"name": "lookup", "arguments": ""}})),
                    chunk(choice({"function_call": {"arguments": '{"q": '}})),
                    chunk(choice({"function_call": {"arguments": '"x"}'}})),
                    chunk(choice({}, finish="function_call")),
                ],
                done=True,
            ),
            tool_calls=((None, "lookup", '{"q": "x"}'),),
            finish_reason="function_call",
        )
    )
    cases.append(
        Case(
            "chat-n2-out-of-order",
            "openai-chat",
            "n>1: choices keyed by choice.index in any arrival order, several in one chunk, each its own finish",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "B1"}, index=1)),
                    chunk(choice({"role": "assistant", "content": "A1"}, index=0), choice({"content": " B2"}, index=1)),
                    chunk(choice({"content": " A2"}, index=0)),
                    chunk(choice({}, index=1, finish="length")),
                    chunk(choice({}, index=0, finish="stop")),
                    usage_chunk(),
                ],
                done=True,
            ),
            text="A1 A2",
            finish_reason="stop",
            usage=USAGE,
            extra={"choices": {0: ("A1 A2", "stop"), 1: ("B1 B2", "length")}},
            standard=False,  # openai-python's ChatCompletionStreamState raises IndexError on choice 1 first
        )
    )
    prompt_filter = {
        "prompt_index": 0,
        "content_filter_results": {
            "hate": {"filtered": False, "severity": "safe"},
            "jailbreak": {"filtered": False, "detected": False},
        },
    }
    safe = {"hate": {"filtered": False, "severity": "safe"}, "violence": {"filtered": False, "severity": "safe"}}
    cases.append(
        Case(
            "chat-azure-filters",
            "openai-chat",
            "Azure: prompt-filter chunk (choices [], id ''), content_filter_results, async annotations apart from the text",
            sse(
                [
                    {"choices": [], "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": [prompt_filter]},
                    chunk(choice({"role": "assistant", "content": ""}, content_filter_results={})),
                    chunk(choice({"content": "Capital"}, content_filter_results=safe)),
                    {
                        **chunk(),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": None,
                                "content_filter_offsets": {"check_offset": 0, "start_offset": 0, "end_offset": 7},
                                "content_filter_results": {"violence": {"filtered": True, "severity": "medium"}},
                            }
                        ],
                    },
                    chunk(choice({"content": " city."}, content_filter_results=safe)),
                    chunk(choice({}, finish="stop", content_filter_results={})),
                    usage_chunk(),
                ],
                done=True,
            ),
            text="Capital city.",
            finish_reason="stop",
            usage=USAGE,
            extra={"any_filtered": True, "annotations": 1},
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-reasoning-content",
            "openai-chat",
            "reasoning_content (DeepSeek, llama.cpp) kept apart from the answer",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None, "reasoning_content": "Think"})),
                    chunk(choice({"reasoning_content": "ing..."})),
                    chunk(choice({"content": "Answer."})),
                    chunk(choice({}, finish="stop")),
                ],
                done=True,
            ),
            text="Answer.",
            reasoning="Thinking...",
            finish_reason="stop",
            standard=False,
        )
    )
    vllm: JSON = {"token_ids": None}
    cases.append(
        Case(
            "chat-vllm-quirks",
            "openai-chat",
            "vLLM: delta.reasoning, extra keys, first tool delta without arguments, name '' later, finish 'stop' for a tool call",
            sse(
                [
                    {**chunk(choice({"role": "assistant", "content": ""})), "system_fingerprint": None, "prompt_token_ids": None},
                    chunk(choice({"reasoning": "Open "}, **vllm), system_fingerprint=None),
                    chunk(choice({"reasoning": "it."}, **vllm), system_fingerprint=None),
                    chunk(
                        choice(
                            {
                                "tool_calls": [
                                    {"id": "chatcmpl-tool-1", "type": "function", "index": 0, "function": {"name": "open"}}
                                ]
                            },
                            **vllm,
                        )
                    ),
                    chunk(choice({"tool_calls": [{"index": 0, "function": {"name": "", "arguments": '{"n": 7}'}}]}, **vllm)),
                    chunk(choice({}, finish="stop", stop_reason=None, **vllm)),
                    chunk(usage=USAGE, system_fingerprint="fp_vllm"),
                ],
                done=True,
            ),
            reasoning="Open it.",
            tool_calls=(("chatcmpl-tool-1", "open", '{"n": 7}'),),
            finish_reason="stop",
            usage=USAGE,
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-both-reasoning-keys",
            "openai-chat",
            "mlx-vlm sends reasoning and reasoning_content with the same text: counted once",
            sse(
                [
                    chunk(choice({"role": "assistant", "reasoning": "Hmm", "reasoning_content": "Hmm"})),
                    chunk(choice({"content": "Yes."})),
                    chunk(choice({}, finish="stop")),
                ],
                done=True,
            ),
            text="Yes.",
            reasoning="Hmm",
            finish_reason="stop",
            standard=False,
        )
    )
    groq_usage = {"queue_time": 0.01, "prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    cases.append(
        Case(
            "chat-groq-x-groq-usage",
            "openai-chat",
            "Groq: usage only inside x_groq on the last chunk; whole arguments in one delta",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None}), x_groq={"id": "req_1"}),
                    chunk(choice({"tool_calls": [tc(0, "tk1", "weather", "{}")]})),
                    chunk(choice({}, finish="tool_calls"), x_groq={"id": "req_1", "usage": groq_usage}),
                ],
                done=True,
            ),
            tool_calls=(("tk1", "weather", "{}"),),
            finish_reason="tool_calls",
            usage=groq_usage,
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-same-index-twice",
            "openai-chat",
            "two entries with the same index in one chunk (speculative decoding): both fragments kept in order",
            sse(
                [
                    chunk(choice({"role": "assistant", "tool_calls": [tc(0, "call_s", "f", '{"x"')]})),
                    chunk(choice({"tool_calls": [tc(0, args=": "), tc(0, args="1}")]})),
                    chunk(choice({}, finish="tool_calls")),
                ],
                done=True,
            ),
            tool_calls=(("call_s", "f", '{"x": 1}'),),
            finish_reason="tool_calls",
        )
    )
    cases.append(
        Case(
            "chat-refusal-logprobs",
            "openai-chat",
            "refusal fragments concatenated apart from content; logprobs token lists extended",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": None, "refusal": "I can"})),
                    chunk(choice({"refusal": "not help."})),
                    chunk(choice({}, finish="stop")),
                ],
                done=True,
            ),
            finish_reason="stop",
            extra={"refusal": "I cannot help."},
        )
    )
    cases.append(
        Case(
            "chat-error-midstream",
            "openai-chat",
            "llama.cpp: {'error': {...}} after some deltas and no [DONE] -> end error, text kept",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "Partial"})),
                    chunk(choice({"content": " answer"})),
                    {"error": {"code": 500, "message": "model output did not parse", "type": "server_error"}},
                ]
            ),
            text="Partial answer",
            end="error",
            error_type="server_error",
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-event-error",
            "openai-chat",
            "LM Studio: event: error with a JSON body -> end error",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "Hi"})),
                    ("error", {"error": {"message": "context overflow", "type": "invalid_request"}}),
                ]
            ),
            text="Hi",
            end="error",
            error_type="invalid_request",
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-no-done",
            "openai-chat",
            "finish_reason but no [DONE]: the terminal marker is missing -> truncated",
            sse([chunk(choice({"role": "assistant", "content": "Hi"})), chunk(choice({}, finish="stop"))]),
            text="Hi",
            finish_reason="stop",
            end="truncated",
        )
    )
    cases.append(
        Case(
            "chat-audio",
            "openai-chat",
            "audio output: data and transcript fragments concatenated, id and expires_at kept",
            sse(
                [
                    chunk(
                        choice(
                            {"role": "assistant", "content": None, "audio": {"id": "audio_1", "transcript": "Hel", "data": "AAA"}}
                        )
                    ),
                    chunk(choice({"audio": {"transcript": "lo.", "data": "BBB", "expires_at": 1767229200}})),
                    chunk(choice({}, finish="stop")),
                ],
                done=True,
            ),
            finish_reason="stop",
            extra={"audio": {"id": "audio_1", "transcript": "Hello.", "data": "AAABBB", "expires_at": 1767229200}},
        )
    )
    cases.append(
        Case(
            "chat-object-error",
            "openai-chat",
            "vLLM / Mistral: a top-level {'object': 'error', ...} mid-stream -> end error, text kept",
            sse(
                [
                    chunk(choice({"role": "assistant", "content": "Partial"})),
                    {"object": "error", "message": "CUDA out of memory", "type": "InternalServerError", "code": 500},
                ]
            ),
            text="Partial",
            end="error",
            error_type="InternalServerError",
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-magistral-content-list",
            "openai-chat",
            "Mistral Magistral: list content, thinking parts to reasoning, text parts to text",
            sse(
                [
                    chunk(
                        choice(
                            {
                                "role": "assistant",
                                "content": [{"type": "thinking", "thinking": [{"type": "text", "text": "Hm, "}]}],
                            }
                        )
                    ),
                    chunk(choice({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": "four."}]}]})),
                    chunk(choice({"content": [{"type": "text", "text": "It is "}]})),
                    chunk(choice({"content": "4."}, finish="stop")),
                ],
                done=True,
            ),
            text="It is 4.",
            reasoning="Hm, four.",
            finish_reason="stop",
            standard=False,
        )
    )
    cases.append(
        Case(
            "chat-unknown-fields",
            "openai-chat",
            "OpenRouter reasoning_details / native_finish_reason, Gemini extra_content, xAI citations: kept in final",
            sse(
                [
                    chunk(
                        choice(
                            {
                                "role": "assistant",
                                "content": "",
                                "reasoning_details": [{"type": "reasoning.text", "index": 0, "text": "Th"}],
                            }
                        )
                    ),
                    chunk(choice({"reasoning_details": [{"type": "reasoning.text", "index": 0, "text": "ink"}]})),
                    chunk(
                        choice(
                            {"tool_calls": [tc(0, "call_1", "f", "{}", extra_content={"google": {"thought_signature": "c2ln"}})]}
                        )
                    ),
                    chunk(choice({}, finish="tool_calls", native_finish_reason="STOP"), citations=["https://example.com"]),
                ],
                done=True,
            ),
            tool_calls=(("call_1", "f", "{}"),),
            finish_reason="tool_calls",
            standard=True,
        )
    )
    return cases


# -- OpenAI Responses ----------------------------------------------------------------------------------

RESP_USAGE = {
    "input_tokens": 12,
    "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
    "output_tokens": 9,
    "output_tokens_details": {"reasoning_tokens": 3},
    "total_tokens": 21,
}


def response_object(status: str, output: list[Any] | None, usage: JSON | None = None, **extra: Any) -> JSON:
    """A ``response`` object as the Responses API sends it."""
    response: JSON = {
        "id": "resp_CORPUS",
        "object": "response",
        "created_at": 1767225600,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "model": "gpt-5-corpus",
        "output": output,
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "usage": usage,
    }
    response.update(extra)
    return response


def _responses(events: list[JSON], *, start: int = 0, skip: int | None = None) -> bytes:
    numbered = []
    seq = start
    for position, event in enumerate(events):
        if skip is not None and position == skip:
            seq += 1
        numbered.append({"type": event["type"], "sequence_number": seq, **{k: v for k, v in event.items() if k != "type"}})
        seq += 1
    return sse(numbered, events=True)


def _resp_message_events(text_parts: list[str], output_index: int = 0) -> list[JSON]:
    item = {"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    text = "".join(text_parts)
    done_part = {"type": "output_text", "text": text, "annotations": []}
    return [
        {"type": "response.output_item.added", "output_index": output_index, "item": item},
        {
            "type": "response.content_part.added",
            "item_id": "msg_1",
            "output_index": output_index,
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
        *[
            {
                "type": "response.output_text.delta",
                "item_id": "msg_1",
                "output_index": output_index,
                "content_index": 0,
                "delta": part,
                "logprobs": [],
                "obfuscation": "xx",
            }
            for part in text_parts
        ],
        {
            "type": "response.output_text.done",
            "item_id": "msg_1",
            "output_index": output_index,
            "content_index": 0,
            "text": text,
            "logprobs": [],
        },
        {
            "type": "response.content_part.done",
            "item_id": "msg_1",
            "output_index": output_index,
            "content_index": 0,
            "part": done_part,
        },
        {
            "type": "response.output_item.done",
            "output_index": output_index,
            "item": {**item, "status": "completed", "content": [done_part]},
        },
    ]


def _resp_message_item(text: str) -> JSON:
    return {
        "id": "msg_1",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def _resp_reasoning_call_events() -> tuple[list[JSON], list[JSON]]:
    summary = ["**Plan**", "\n\nAdd 12 and 7."]
    args = ['{"a":', "12,", '"b":7}']
    reasoning = {"id": "rs_1", "type": "reasoning", "summary": []}
    call = {"id": "fc_1", "type": "function_call", "status": "in_progress", "arguments": "", "call_id": "call_R1", "name": "add"}
    done_summary = {"type": "summary_text", "text": "".join(summary)}
    reasoning_done = {**reasoning, "summary": [done_summary]}
    call_done = {**call, "status": "completed", "arguments": "".join(args)}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": reasoning},
        {
            "type": "response.reasoning_summary_part.added",
            "item_id": "rs_1",
            "output_index": 0,
            "summary_index": 0,
            "part": {"type": "summary_text", "text": ""},
        },
        *[
            {
                "type": "response.reasoning_summary_text.delta",
                "item_id": "rs_1",
                "output_index": 0,
                "summary_index": 0,
                "delta": part,
            }
            for part in summary
        ],
        {
            "type": "response.reasoning_summary_text.done",
            "item_id": "rs_1",
            "output_index": 0,
            "summary_index": 0,
            "text": "".join(summary),
        },
        {
            "type": "response.reasoning_summary_part.done",
            "item_id": "rs_1",
            "output_index": 0,
            "summary_index": 0,
            "part": done_summary,
        },
        {"type": "response.output_item.done", "output_index": 0, "item": reasoning_done},
        {"type": "response.output_item.added", "output_index": 1, "item": call},
        *[
            {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": part}
            for part in args
        ],
        {"type": "response.function_call_arguments.done", "item_id": "fc_1", "output_index": 1, "arguments": "".join(args)},
        {"type": "response.output_item.done", "output_index": 1, "item": call_done},
    ]
    return events, [reasoning_done, call_done]


def _responses_cases() -> list[Case]:
    cases: list[Case] = []
    parts = ["The ", "answer ", "is 4", "2."]
    start = [
        {"type": "response.created", "response": response_object("in_progress", [])},
        {"type": "response.in_progress", "response": response_object("in_progress", [])},
    ]
    text = "".join(parts)
    cases.append(
        Case(
            "responses-text",
            "openai-responses",
            "items by output_index, parts by content_index; .done authoritative; response.completed ends",
            _responses(
                [
                    *start,
                    *_resp_message_events(parts),
                    {
                        "type": "response.completed",
                        "response": response_object("completed", [_resp_message_item(text)], RESP_USAGE),
                    },
                ]
            ),
            text=text,
            finish_reason="completed",
            usage=RESP_USAGE,
        )
    )
    events, items = _resp_reasoning_call_events()
    cases.append(
        Case(
            "responses-reasoning-function",
            "openai-responses",
            "reasoning summary parts by summary_index, then a function_call with argument deltas",
            _responses(
                [*start, *events, {"type": "response.completed", "response": response_object("completed", items, RESP_USAGE)}]
            ),
            reasoning="**Plan**\n\nAdd 12 and 7.",
            tool_calls=(("call_R1", "add", '{"a":12,"b":7}'),),
            finish_reason="completed",
            usage=RESP_USAGE,
        )
    )
    cases.append(
        Case(
            "responses-completed-output-null",
            "openai-responses",
            "response.completed with output null (third-party backends): the accumulated items are kept",
            _responses(
                [
                    *start,
                    *_resp_message_events(parts),
                    {"type": "response.completed", "response": response_object("completed", None, RESP_USAGE)},
                ]
            ),
            text=text,
            finish_reason="completed",
            usage=RESP_USAGE,
            notes=("the final response had no output: kept the accumulated items",),
            standard=False,
        )
    )
    cases.append(
        Case(
            "responses-sequence-gap",
            "openai-responses",
            "a sequence_number gap is reported in details",
            _responses(
                [
                    *start,
                    *_resp_message_events(parts),
                    {
                        "type": "response.completed",
                        "response": response_object("completed", [_resp_message_item(text)], RESP_USAGE),
                    },
                ],
                skip=4,
            ),
            text=text,
            finish_reason="completed",
            usage=RESP_USAGE,
            extra={"sequence_gaps": [(4, 5)]},
            standard=False,
        )
    )
    incomplete = response_object(
        "incomplete", [_resp_message_item("The ")], RESP_USAGE, incomplete_details={"reason": "max_output_tokens"}
    )
    cases.append(
        Case(
            "responses-incomplete",
            "openai-responses",
            "response.incomplete is terminal (complete) and its reason is the finish reason",
            _responses([*start, *_resp_message_events(["The "]), {"type": "response.incomplete", "response": incomplete}]),
            text="The ",
            finish_reason="max_output_tokens",
            usage=RESP_USAGE,
        )
    )
    failed = response_object("failed", [], None, error={"code": "server_error", "message": "The model failed."})
    cases.append(
        Case(
            "responses-failed",
            "openai-responses",
            "response.failed -> end error with the response's error",
            _responses([*start, *_resp_message_events(["Par", "tial"])[:4], {"type": "response.failed", "response": failed}]),
            text="Partial",
            finish_reason="failed",
            end="error",
            notes=("the final response had no output: kept the accumulated items",),
            error_type="server_error",
            standard=False,
        )
    )
    cases.append(
        Case(
            "responses-error-event",
            "openai-responses",
            "type: error (no nested error object) -> end error, text kept",
            _responses(
                [
                    *start,
                    *_resp_message_events(["Half"])[:3],
                    {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down.", "param": None},
                ]
            ),
            text="Half",
            end="error",
            error_type="rate_limit_exceeded",
            standard=False,
        )
    )
    annotation = {"type": "url_citation", "start_index": 0, "end_index": 4, "url": "https://example.com", "title": "Example"}
    reasoning_item = {"id": "rs_2", "type": "reasoning", "summary": []}
    custom = {
        "id": "ct_1",
        "type": "custom_tool_call",
        "status": "in_progress",
        "call_id": "call_C1",
        "name": "run_sql",
        "input": "",
    }
    message = {"id": "msg_2", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    events = [
        *start,
        {"type": "response.output_item.added", "output_index": 0, "item": reasoning_item},
        {"type": "response.reasoning_text.delta", "item_id": "rs_2", "output_index": 0, "content_index": 0, "delta": "Think "},
        {"type": "response.reasoning_text.delta", "item_id": "rs_2", "output_index": 0, "content_index": 0, "delta": "hard."},
        {"type": "response.reasoning_text.done", "item_id": "rs_2", "output_index": 0, "content_index": 0, "text": "Think hard."},
        {"type": "response.output_item.added", "output_index": 1, "item": message},
        {"type": "response.output_text.delta", "item_id": "msg_2", "output_index": 1, "content_index": 0, "delta": "See "},
        {
            "type": "response.output_text.annotation.added",
            "item_id": "msg_2",
            "output_index": 1,
            "content_index": 0,
            "annotation_index": 0,
            "annotation": annotation,
        },
        {"type": "response.output_text.delta", "item_id": "msg_2", "output_index": 1, "content_index": 0, "delta": "this."},
        {"type": "response.output_item.added", "output_index": 2, "item": custom},
        {"type": "response.custom_tool_call_input.delta", "item_id": "ct_1", "output_index": 2, "delta": "SELECT "},
        {"type": "response.custom_tool_call_input.delta", "item_id": "ct_1", "output_index": 2, "delta": "1"},
        {"type": "response.custom_tool_call_input.done", "item_id": "ct_1", "output_index": 2, "input": "SELECT 1"},
    ]
    cases.append(
        Case(
            "responses-annotations-custom-tool",
            "openai-responses",
            "raw reasoning_text, text deltas without content_part events, an annotation, a custom tool call (cut: no completed)",
            _responses(events),
            text="See this.",
            reasoning="Think hard.",
            tool_calls=(("call_C1", "run_sql", "SELECT 1"),),
            end="truncated",
            extra={"annotations": [annotation]},
        )
    )
    return cases


# -- Anthropic -----------------------------------------------------------------------------------------


def _message_start(usage: JSON | None = None) -> JSON:
    return {
        "type": "message_start",
        "message": {
            "id": "msg_CORPUS",
            "type": "message",
            "role": "assistant",
            "model": "claude-corpus",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": usage
            or {"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1},
        },
    }


def _block(index: int, block: JSON, deltas: list[JSON]) -> list[JSON]:
    return [
        {"type": "content_block_start", "index": index, "content_block": block},
        *[{"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas],
        {"type": "content_block_stop", "index": index},
    ]


def _anthropic_cases() -> list[Case]:
    cases: list[Case] = []
    thinking = ["The user wants", " the weather."]
    signature = "EqQBCkYIBxgCKkDS+/corpus=="
    text = ["I'll check ", "Zürich."]
    args = ["", '{"city": "Zü', 'rich", "units"', ': "c"}']
    final_usage = {"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 77}
    body: list[Any] = [
        _message_start(),
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
        {"type": "ping"},
        *[{"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": t}} for t in thinking],
        {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": signature}},
        {"type": "content_block_stop", "index": 0},
        *_block(1, {"type": "text", "text": ""}, [{"type": "text_delta", "text": t} for t in text]),
        *_block(
            2,
            {"type": "tool_use", "id": "toolu_W", "name": "get_weather", "input": {}},
            [{"type": "input_json_delta", "partial_json": a} for a in args],
        ),
        *_block(3, {"type": "tool_use", "id": "toolu_T", "name": "get_time", "input": {}}, []),
        {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None}, "usage": {"output_tokens": 77}},
        {"type": "message_stop"},
    ]
    cases.append(
        Case(
            "anthropic-thinking-text-tools",
            "anthropic-messages",
            "blocks by index; signature kept exactly; input_json_delta parsed at block stop ('' -> {}); usage replaced; ping ignored",
            sse(body, events=True),
            text="".join(text),
            reasoning="".join(thinking),
            tool_calls=(("toolu_W", "get_weather", "".join(args)), ("toolu_T", "get_time", "")),
            finish_reason="tool_use",
            usage=final_usage,
            extra={"signature": signature, "pings": 1, "inputs": [{"city": "Zürich", "units": "c"}, {}]},
        )
    )
    citation = {
        "type": "char_location",
        "cited_text": "Paris",
        "document_index": 0,
        "document_title": None,
        "start_char_index": 0,
        "end_char_index": 5,
    }
    body = [
        _message_start(),
        *_block(0, {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va=="}, []),
        *_block(
            1,
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
            [{"type": "input_json_delta", "partial_json": '{"query": "capital"}'}],
        ),
        *_block(
            2,
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            [],
        ),
        *_block(
            3,
            {"type": "text", "text": ""},
            [
                {"type": "text_delta", "text": "Paris"},
                {"type": "citations_delta", "citation": citation},
                {"type": "text_delta", "text": " it is."},
            ],
        ),
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 9}},
        {"type": "message_stop"},
    ]
    cases.append(
        Case(
            "anthropic-server-tool-citations",
            "anthropic-messages",
            "redacted_thinking, server_tool_use (not a client tool call), a result block, citations_delta",
            sse(body, events=True),
            text="Paris it is.",
            finish_reason="end_turn",
            usage={"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 9},
            extra={"citations": 1},
        )
    )
    body = [
        _message_start(),
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Before the "}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "error"}},
        ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
    ]
    cases.append(
        Case(
            "anthropic-error",
            "anthropic-messages",
            "event: error mid-stream -> end error, text kept",
            sse(body, events=True),
            text="Before the error",
            end="error",
            usage={"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 1},
            error_type="overloaded_error",
            standard=False,
        )
    )
    body = [
        _message_start(),
        *_block(0, {"type": "text", "text": ""}, [{"type": "text_delta", "text": "first generation"}]),
        _message_start(),
        *_block(0, {"type": "text", "text": ""}, [{"type": "text_delta", "text": "second"}]),
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 2}},
        {"type": "message_stop"},
    ]
    cases.append(
        Case(
            "anthropic-spliced",
            "anthropic-messages",
            "a second message_start (proxy splice): start over, don't merge",
            sse(body, events=True),
            text="second",
            finish_reason="end_turn",
            usage={"input_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 2},
            notes=("a second message_start: started over (a proxy spliced two generations)",),
            standard=False,
        )
    )
    return cases


# -- Gemini --------------------------------------------------------------------------------------------


def gchunk(parts: list[JSON], *, finish: str | None = None, usage: JSON | None = None, index: int = 0) -> JSON:
    """A ``GenerateContentResponse`` chunk with one candidate."""
    candidate: JSON = {"content": {"parts": parts, "role": "model"}, "index": index}
    if finish is not None:
        candidate["finishReason"] = finish
    payload: JSON = {"candidates": [candidate]}
    if usage is not None:
        payload["usageMetadata"] = usage
    payload["modelVersion"] = "gemini-corpus"
    payload["responseId"] = "resp-gemini-corpus"
    return payload


def _gusage(total: int) -> JSON:
    return {"promptTokenCount": 10, "candidatesTokenCount": total - 10, "totalTokenCount": total}


def _gemini_cases() -> list[Case]:
    cases: list[Case] = []
    cases.append(
        Case(
            "gemini-thoughts-text",
            "gemini",
            "CRLF framing; thought parts apart; thoughtSignature kept on its part; cumulative usageMetadata (last wins)",
            sse(
                [
                    gchunk([{"text": "Thinking about", "thought": True}], usage=_gusage(12)),
                    gchunk([{"text": " it.", "thought": True}], usage=_gusage(14)),
                    gchunk([{"text": "The answer", "thoughtSignature": "c2lnbmF0dXJl"}], usage=_gusage(16)),
                    gchunk([{"text": " is 42."}], usage=_gusage(18)),
                    gchunk([{"text": ""}], finish="STOP", usage=_gusage(20)),
                ],
                eol="\r\n",
            ),
            text="The answer is 42.",
            reasoning="Thinking about it.",
            finish_reason="STOP",
            usage=_gusage(20),
            extra={"parts": 2},
        )
    )
    cases.append(
        Case(
            "gemini-parallel-calls",
            "gemini",
            "two functionCall parts with the same name and no id are two calls",
            sse(
                [
                    gchunk([{"text": "Looking up."}]),
                    gchunk(
                        [
                            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "c2ln"},
                            {"functionCall": {"name": "get_weather", "args": {"city": "Tokyo"}}},
                        ]
                    ),
                    gchunk([{"text": ""}], finish="STOP", usage=_gusage(30)),
                ],
                eol="\r\n",
            ),
            text="Looking up.",
            tool_calls=((None, "get_weather", '{"city":"Paris"}'), (None, "get_weather", '{"city":"Tokyo"}')),
            finish_reason="STOP",
            usage=_gusage(30),
        )
    )
    cases.append(
        Case(
            "gemini-partial-args",
            "gemini",
            "streamFunctionCallArguments: willContinue, partialArgs by jsonPath, strings continued, empty functionCall ends",
            sse(
                [
                    gchunk([{"functionCall": {"name": "book", "willContinue": True}}]),
                    gchunk(
                        [
                            {
                                "functionCall": {
                                    "partialArgs": [{"jsonPath": "$.city", "stringValue": "San ", "willContinue": True}],
                                    "willContinue": True,
                                }
                            }
                        ]
                    ),
                    gchunk(
                        [
                            {
                                "functionCall": {
                                    "partialArgs": [{"jsonPath": "$.city", "stringValue": "Francisco"}],
                                    "willContinue": True,
                                }
                            }
                        ]
                    ),
                    gchunk(
                        [
                            {
                                "functionCall": {
                                    "partialArgs": [
                                        {"jsonPath": "$.nights", "numberValue": 2},
                                        {"jsonPath": "$.opts.late", "boolValue": True},
                                        {"jsonPath": "$.tags[0]", "stringValue": "x"},
                                    ],
                                    "willContinue": True,
                                }
                            }
                        ]
                    ),
                    gchunk([{"functionCall": {}}]),
                    gchunk([{"text": ""}], finish="STOP", usage=_gusage(40)),
                ],
                eol="\r\n",
            ),
            tool_calls=((None, "book", '{"city":"San Francisco","nights":2,"opts":{"late":true},"tags":["x"]}'),),
            finish_reason="STOP",
            usage=_gusage(40),
            standard=False,
        )
    )
    cases.append(
        Case(
            "gemini-error",
            "gemini",
            "{'error': {...}} (Google shape, status as type) mid-stream -> end error",
            sse(
                [
                    gchunk([{"text": "Some"}]),
                    {"error": {"code": 429, "message": "Resource exhausted", "status": "RESOURCE_EXHAUSTED"}},
                ],
                eol="\r\n",
            ),
            text="Some",
            end="error",
            error_type="RESOURCE_EXHAUSTED",
            standard=False,
        )
    )
    cases.append(
        Case(
            "gemini-no-finish",
            "gemini",
            "no finishReason at the end: truncated",
            sse([gchunk([{"text": "Cut "}]), gchunk([{"text": "off"}])], eol="\r\n"),
            text="Cut off",
            end="truncated",
        )
    )
    cases.append(
        Case(
            "gemini-blocked-prompt",
            "gemini",
            "promptFeedback.blockReason and no candidates: the response is complete (and empty)",
            sse(
                [{"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": _gusage(10), "modelVersion": "gemini-corpus"}],
                eol="\r\n",
            ),
            usage=_gusage(10),
        )
    )
    safety = [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
    first_open = {"functionCall": {"name": "first", "willContinue": True}}
    second_open = {"functionCall": {"name": "second", "willContinue": True}}
    cases.append(
        Case(
            "gemini-partial-args-unterminated",
            "gemini",
            "a streamed call closed by the next call's name, the last one by finishReason (no empty functionCall); other parts kept",
            sse(
                [
                    gchunk([{"inlineData": {"mimeType": "image/png", "data": "iVBO"}}]),
                    gchunk([first_open]),
                    gchunk(
                        [{"functionCall": {"partialArgs": [{"jsonPath": "$['q']", "stringValue": "a", "willContinue": True}]}}]
                    ),
                    gchunk([second_open]),
                    gchunk([{"functionCall": {"partialArgs": [{"jsonPath": "$.n", "nullValue": None}]}}]),
                    {
                        **gchunk([{"text": ""}], finish="STOP", usage=_gusage(50)),
                        "candidates": [{**gchunk([], finish="STOP")["candidates"][0], "safetyRatings": safety}],
                    },
                ],
                eol="\r\n",
            ),
            tool_calls=((None, "first", '{"q":"a"}'), (None, "second", '{"n":null}')),
            finish_reason="STOP",
            usage=_gusage(50),
            extra={"safety": safety},
            standard=False,
        )
    )
    return cases


CASES: list[Case] = [*_chat_cases(), *_responses_cases(), *_anthropic_cases(), *_gemini_cases()]


def by_name(name: str) -> Case:
    """The case called ``name``."""
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(name)
