"""Any result in the shape of another provider: `to_openai` and `to_anthropic` (standard library only).

Rule: the dicts validate with the SDKs' own models (openai's ``ChatCompletion``, anthropic's
``Message``) for a result of any format, finished or not, so code written against one SDK can read a
stream of any provider. Where a schema requires a value the stream never gave, the nearest honest one
is used and documented here:

- a call without an id (Gemini) gets ``call_<index>`` / ``toolu_<index>``;
- OpenAI's ``finish_reason`` has no "unfinished" or "error": both become ``"length"``, the one value
  that tells a reader the answer is incomplete (``result.end`` and ``result.stop`` keep the truth);
- Anthropic's ``input`` must be an object: arguments that are not (yet) a JSON object become the best
  partial object, or ``{}``;
- token counts the provider did not report are 0 where the schema requires a number;
- an Anthropic stream gives its own message, less any content block too broken for the schema and
  any typed field whose value does not fit it (``result.final`` keeps them), with ``type`` and
  ``role`` set to the schema's only values;
- an OpenAI Chat stream keeps every field of its own ``chat.completion`` (annotations, audio,
  ``service_tier``, the usage details, any provider's own keys) beside the fields rebuilt above. A
  field the schema types is carried only when its value has that type (``result.final`` keeps it
  either way); a field the schema does not know is carried as it came, since the SDKs' models take
  extra keys.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sseparse.accumulators._normalize import Stop, count

if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse.accumulators._normalize import Tokens
    from sseparse.accumulators._results import AccumulatedResult, Choice, ToolCall

__all__ = ["to_anthropic", "to_openai"]

_OPENAI_FINISH: dict[Stop | None, str] = {
    Stop.STOP: "stop",
    Stop.LENGTH: "length",
    Stop.TOOL_CALLS: "tool_calls",
    Stop.CONTENT_FILTER: "content_filter",
    Stop.REFUSAL: "stop",
    Stop.PAUSE: "stop",
    Stop.OTHER: "stop",
    Stop.ERROR: "length",
    None: "length",
}
_ANTHROPIC_STOP: dict[Stop | None, str | None] = {
    Stop.STOP: "end_turn",
    Stop.LENGTH: "max_tokens",
    Stop.TOOL_CALLS: "tool_use",
    Stop.CONTENT_FILTER: "refusal",
    Stop.REFUSAL: "refusal",
    Stop.PAUSE: "pause_turn",
    Stop.OTHER: "end_turn",
    Stop.ERROR: None,
    None: None,
}
_ANTHROPIC_REASONS = frozenset(
    {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded"}
)


def _str(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _identity(result: AccumulatedResult) -> tuple[str, str]:
    """Return the response id and model name, whatever the format calls them."""
    final = result.final
    response_id = _str(final.get("id")) or _str(final.get("responseId"))
    model = _str(final.get("model")) or _str(final.get("modelVersion"))
    return response_id, model


# -- OpenAI Chat Completions --------------------------------------------------------------------------


def to_openai(result: AccumulatedResult) -> dict[str, Any]:
    """Return ``result`` as an OpenAI ``chat.completion`` dict (see the module docstring)."""
    response_id, model = _identity(result)
    final = result.final
    created = count(final.get("created")) or count(final.get("created_at")) or 0
    choices = result.choices or [_lone_choice(result)]
    out: dict[str, Any] = {
        "id": response_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [_openai_choice(choice, result.format) for choice in choices],
    }
    fingerprint = final.get("system_fingerprint")
    if result.format == "openai-chat" and isinstance(fingerprint, str):
        out["system_fingerprint"] = fingerprint
    usage = _openai_usage(result.tokens)
    if usage is not None:
        out["usage"] = usage
    if result.format == "openai-chat" and result.final:
        _carry_own(out, json.loads(json.dumps(result.final)))  # a deep copy the caller may change
    return out


def _lone_choice(result: AccumulatedResult) -> Choice:
    """Make a choice of the result's own fields (for a result whose stream sent no choice yet)."""
    from sseparse.accumulators._results import Choice  # noqa: PLC0415 - the result types import this module

    choice = Choice(0, tool_calls=list(result.tool_calls), finish_reason=result.finish_reason, reasoning=result.reasoning)
    choice.stop = result.stop
    return choice


def _openai_choice(choice: Choice, format: str | None) -> dict[str, Any]:  # noqa: A002
    message: dict[str, Any] = {"role": "assistant", "content": choice.content, "refusal": choice.refusal}
    calls = [_openai_call(call) for call in choice.tool_calls]
    if calls:
        message["tool_calls"] = calls
    legacy = choice.extra.get("function_call")
    if legacy is not None:
        message["function_call"] = {"name": legacy.name, "arguments": legacy.arguments}
    if choice.reasoning:
        message["reasoning_content"] = choice.reasoning
    finish = _OPENAI_FINISH[choice.stop]
    if format == "openai-chat" and choice.finish_reason == "function_call":
        finish = "function_call"
    logprobs = choice.extra.get("logprobs") if format == "openai-chat" else None
    return {"index": choice.index, "message": message, "logprobs": logprobs, "finish_reason": finish}


def _openai_call(call: ToolCall) -> dict[str, Any]:
    call_id = call.id or f"call_{call.index}"
    if call.type == "custom_tool_call":  # Responses custom tools: free text input, not JSON
        return {"id": call_id, "type": "custom", "custom": {"name": call.name, "input": call.arguments}}
    return {"id": call_id, "type": "function", "function": {"name": call.name, "arguments": call.arguments or "{}"}}


def _openai_usage(tokens: Tokens) -> dict[str, Any] | None:
    if tokens.input is None and tokens.output is None:
        return None
    prompt, completion = tokens.input or 0, tokens.output or 0
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": tokens.total if tokens.total is not None else prompt + completion,
    }
    if tokens.cache_read is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": tokens.cache_read}
    if tokens.reasoning is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": tokens.reasoning}
    return usage


# -- checks of values against the SDKs' schemas (a check takes any JSON value and says if it fits) ---------

_Checks = dict[str, "Callable[[object], bool]"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and value.__class__ is not bool


def _is_count(value: object) -> bool:
    return count(value) is not None


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def _is_time(value: object) -> bool:
    """Return True for an ISO 8601 date and time as a string (what pydantic reads as a datetime)."""
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unchecked(value: object) -> bool:  # noqa: ARG001 - a typed field whose shape this module does not check
    return False


def _one_of(*choices: str) -> Callable[[object], bool]:
    return lambda value: isinstance(value, str) and value in choices


def _object(required: _Checks, optional: _Checks) -> Callable[[object], bool]:
    """Return a check for an object with the ``required`` fields and, when present and not None, the ``optional`` ones."""

    def fits(value: object) -> bool:
        if not isinstance(value, dict):
            return False
        if not all(check(value.get(key)) for key, check in required.items()):
            return False
        return all(value.get(key) is None or check(value[key]) for key, check in optional.items())

    return fits


def _drop_unfit(mapping: dict[str, Any], typed: _Checks) -> None:
    """Remove from ``mapping`` each typed field whose value (other than None) does not fit its type."""
    for key, check in typed.items():
        value = mapping.get(key)
        if value is not None and not check(value):
            del mapping[key]


# The fields of ``ChatCompletion`` (and its choice and message) that the schema types, with a check
# that a value fits; what these keys hold is rebuilt above or checked here, every other key is carried.
_URL_CITATION = _object(
    {
        "type": _one_of("url_citation"),
        "url_citation": _object({"start_index": _is_int, "end_index": _is_int, "title": _is_str, "url": _is_str}, {}),
    },
    {},
)


def _annotations(value: object) -> bool:
    return isinstance(value, list) and all(_URL_CITATION(item) for item in value)


def _metadata(value: object) -> bool:
    return isinstance(value, dict) and all(_is_str(item) for item in value.values())


_TOP_FIELDS: _Checks = {
    "service_tier": _one_of("auto", "default", "flex", "scale", "priority"),
    "metadata": _metadata,
    "moderation": _unchecked,
    "system_fingerprint": _is_str,
}
_MESSAGE_FIELDS: _Checks = {
    "annotations": _annotations,
    "audio": _object({"id": _is_str, "data": _is_str, "transcript": _is_str, "expires_at": _is_int}, {}),
}
_REBUILT_TOP = frozenset({"id", "object", "created", "model", "choices", "usage"})
_REBUILT_CHOICE = frozenset({"index", "message", "logprobs", "finish_reason"})
_REBUILT_MESSAGE = frozenset({"role", "content", "refusal", "tool_calls", "function_call"})
_USAGE_DETAILS = ("prompt_tokens_details", "completion_tokens_details")


def _carry(out: dict[str, Any], own: dict[str, Any], rebuilt: frozenset[str], typed: _Checks) -> None:
    """Add ``own``'s fields (a copy) to ``out``: not the rebuilt ones, a typed one only when its value fits."""
    _drop_unfit(own, typed)
    out.update((key, value) for key, value in own.items() if key not in rebuilt)


def _carry_own(out: dict[str, Any], final: dict[str, Any]) -> None:
    """Carry an OpenAI Chat result's own fields (``final``, a copy) into its rebuilt ``chat.completion``."""
    _carry(out, final, _REBUILT_TOP, _TOP_FIELDS)
    usage, own_usage = out.get("usage"), final.get("usage")
    if usage is not None and isinstance(own_usage, dict):
        for key, value in own_usage.items():
            if key in _USAGE_DETAILS:  # counts only (a count the schema does not know yet too)
                if isinstance(value, dict):
                    details = usage.setdefault(key, {})
                    details.update({k: v for k, v in value.items() if (v is None or _is_count(v)) and k not in details})
            elif key not in usage:  # a provider's own usage keys (OpenRouter's cost, say)
                usage[key] = value
    own_choices = final.get("choices")
    if not isinstance(own_choices, list):
        return
    by_index = {choice["index"]: choice for choice in own_choices if isinstance(choice, dict) and _is_int(choice.get("index"))}
    for choice in out["choices"]:
        own = by_index.get(choice["index"])
        if own is None:
            continue
        _carry(choice, own, _REBUILT_CHOICE, {})
        message = own.get("message")
        if isinstance(message, dict):
            _carry(choice["message"], message, _REBUILT_MESSAGE, _MESSAGE_FIELDS)


# -- Anthropic Messages ----------------------------------------------------------------------------------


def to_anthropic(result: AccumulatedResult) -> dict[str, Any]:
    """Return ``result`` as an Anthropic ``message`` dict (see the module docstring); choice 0 only."""
    if result.format == "anthropic-messages" and result.final:
        return _anthropic_own(result)
    response_id, model = _identity(result)
    content: list[dict[str, Any]] = []
    if result.reasoning:
        content.append({"type": "thinking", "thinking": result.reasoning, "signature": ""})
    if result.text:
        content.append({"type": "text", "text": result.text, "citations": None})
    content.extend(
        {"type": "tool_use", "id": call.id or f"toolu_{call.index}", "name": call.name, "input": _input(call)}
        for call in result.tool_calls
    )
    return {
        "id": response_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": _ANTHROPIC_STOP[result.stop],
        "stop_sequence": None,
        "usage": _anthropic_usage(result.tokens),
    }


def _anthropic_own(result: AccumulatedResult) -> dict[str, Any]:
    """Return an Anthropic result's own message, with any blank a snapshot may have filled in."""
    message: dict[str, Any] = json.loads(json.dumps(result.final))  # a deep copy the caller may change
    content = message.get("content")
    message["content"] = [block for block in content if _block_ok(block)] if isinstance(content, list) else []
    reason = message.get("stop_reason")
    if not isinstance(reason, str) or reason not in _ANTHROPIC_REASONS:  # a wire value may be unhashable
        message["stop_reason"] = _ANTHROPIC_STOP[result.stop]
    usage = message.get("usage")
    counted = isinstance(usage, dict) and None not in (count(usage.get("input_tokens")), count(usage.get("output_tokens")))
    if not counted:
        message["usage"] = _anthropic_usage(result.tokens)
    else:
        _drop_unfit(message["usage"], _ANTHROPIC_USAGE_FIELDS)
    for key in ("id", "model"):
        message[key] = _str(message.get(key))
    message["type"], message["role"] = "message", "assistant"  # the only values the schema has
    _drop_unfit(message, _ANTHROPIC_FIELDS)
    return message


# The typed fields of anthropic's ``Message`` and ``Usage`` besides those set above, with a check that a
# value fits; a value that does not fit stays in ``final`` only.
_ANTHROPIC_FIELDS: _Checks = {
    "stop_sequence": _is_str,
    "container": _object({"id": _is_str, "expires_at": _is_time}, {"skills": lambda value: isinstance(value, list)}),
    "diagnostics": _object({}, {"cache_miss_reason": _unchecked}),  # a union this module does not check
    "stop_details": _object(
        {"type": _one_of("refusal")},
        {"category": _one_of("cyber", "bio", "frontier_llm", "reasoning_extraction", "general_harms"), "explanation": _is_str},
    ),
}
_ANTHROPIC_USAGE_FIELDS: _Checks = {
    "cache_creation_input_tokens": _is_count,
    "cache_read_input_tokens": _is_count,
    "inference_geo": _is_str,
    "service_tier": _one_of("standard", "priority", "batch"),
    "speed": _one_of("standard", "fast"),
    "cache_creation": _object({"ephemeral_1h_input_tokens": _is_count, "ephemeral_5m_input_tokens": _is_count}, {}),
    "server_tool_use": _object({"web_fetch_requests": _is_count, "web_search_requests": _is_count}, {}),
    "output_tokens_details": _object({"thinking_tokens": _is_count}, {}),
}


# The block types anthropic's ``Message`` takes (its content is a closed union: any other type fails
# validation), with the fields each must have and a check of their values.
# A tool result whose content this module checks only to be an object or a list (its union is not replicated).
_TOOL_RESULTS = (("tool_use_id", _is_str), ("content", lambda value: isinstance(value, (dict, list))))
_SERVER_TOOLS = frozenset(
    {
        "web_search",
        "web_fetch",
        "code_execution",
        "bash_code_execution",
        "text_editor_code_execution",
        "tool_search_tool_regex",
        "tool_search_tool_bm25",
    }
)
_INDEX: _Checks = {"document_index": _is_count}
_DOCUMENT: _Checks = {"document_title": _is_str, "file_id": _is_str}
_CITATIONS: _Checks = {
    "char_location": _object({**_INDEX, "start_char_index": _is_count, "end_char_index": _is_count}, _DOCUMENT),
    "page_location": _object({**_INDEX, "start_page_number": _is_count, "end_page_number": _is_count}, _DOCUMENT),
    "content_block_location": _object({**_INDEX, "start_block_index": _is_count, "end_block_index": _is_count}, _DOCUMENT),
    "web_search_result_location": _object({"encrypted_index": _is_str, "url": _is_str}, {"title": _is_str}),
    "search_result_location": _object(
        {"search_result_index": _is_count, "source": _is_str, "start_block_index": _is_count, "end_block_index": _is_count},
        {"title": _is_str},
    ),
}


def _citation(value: object) -> bool:
    """Return True for a citation of a kind the schema knows, with its fields (and its ``cited_text``)."""
    if not isinstance(value, dict) or not isinstance(value.get("cited_text"), str):
        return False
    kind = value.get("type")
    check = _CITATIONS.get(kind) if isinstance(kind, str) else None
    return check is not None and check(value)


_WEB_SEARCH_RESULT = _object(
    {"type": _one_of("web_search_result"), "encrypted_content": _is_str, "title": _is_str, "url": _is_str}, {"page_age": _is_str}
)
_WEB_SEARCH_ERROR = _object(
    {
        "type": _one_of("web_search_tool_result_error"),
        "error_code": _one_of(
            "invalid_tool_input", "unavailable", "max_uses_exceeded", "too_many_requests", "query_too_long", "request_too_large"
        ),
    },
    {},
)


def _web_search_content(value: object) -> bool:
    if isinstance(value, list):
        return all(_WEB_SEARCH_RESULT(item) for item in value)
    return _WEB_SEARCH_ERROR(value)


_BLOCK_FIELDS: dict[str, tuple[tuple[str, Callable[[object], bool]], ...]] = {
    "text": (("text", _is_str),),
    "thinking": (("thinking", _is_str), ("signature", _is_str)),
    "redacted_thinking": (("data", _is_str),),
    "tool_use": (("id", _is_str), ("name", _is_str), ("input", _is_dict)),
    "server_tool_use": (
        ("id", _is_str),
        ("name", _one_of(*_SERVER_TOOLS)),
        ("input", _is_dict),
    ),
    "web_search_tool_result": (("tool_use_id", _is_str), ("content", _web_search_content)),
    "web_fetch_tool_result": _TOOL_RESULTS,
    "code_execution_tool_result": _TOOL_RESULTS,
    "bash_code_execution_tool_result": _TOOL_RESULTS,
    "text_editor_code_execution_tool_result": _TOOL_RESULTS,
    "tool_search_tool_result": _TOOL_RESULTS,
    "container_upload": (("file_id", _is_str),),
}


def _block_ok(block: object) -> bool:
    """Return True for a content block the schema takes: a dict of a type it knows, with that type's fields.

    Optional parts the schema would refuse are taken off the block (a copy): citations that are not
    all citations it knows, and a ``caller`` (a union this module does not check).
    """
    if not isinstance(block, dict):
        return False
    kind = block.get("type")
    fields = _BLOCK_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None or not all(check(block.get(key)) for key, check in fields):
        return False
    citations = block.get("citations")
    if citations is not None and not (isinstance(citations, list) and all(_citation(c) for c in citations)):
        block["citations"] = None
    block.pop("caller", None)
    return True


def _input(call: ToolCall) -> dict[str, Any]:
    try:
        value = call.json()
    except ValueError:
        try:
            value = call.partial()
        except ImportError:
            value = None
    return value if isinstance(value, dict) else {}


def _anthropic_usage(tokens: Tokens) -> dict[str, Any]:
    read, write = tokens.cache_read, tokens.cache_write
    uncached = max(0, (tokens.input or 0) - (read or 0) - (write or 0))
    return {
        "input_tokens": uncached,
        "output_tokens": tokens.output or 0,
        "cache_read_input_tokens": read,
        "cache_creation_input_tokens": write,
    }
