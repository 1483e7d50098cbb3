"""One view across providers: token counts (`Tokens`) and stop reasons (`Stop`) (standard library only).

Rule 1: the provider's own values stay where they were (``result.usage``, ``result.finish_reason``);
this module only reads them. Rule 2: nothing read from the wire is trusted. A count is an ``int``
(not a ``bool``) between 0 and `MAX_TOKENS`, anything else is None; a finish reason nobody documented
is `Stop.OTHER`, never an exception.

Token fields mean the same thing for every provider:

- ``input`` counts every input token, cached or not. OpenAI, Gemini and Cohere report it that way;
  Anthropic's ``input_tokens`` leaves out the cache, so its two cache fields are added to it.
- ``output`` counts every generated token, reasoning included. OpenAI, Anthropic and Cohere report it
  that way; Gemini's ``candidatesTokenCount`` leaves out ``thoughtsTokenCount``, so it is added.
- ``total`` is the provider's total, else ``input + output`` when both are known.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sseparse.accumulators._results import AccumulatedResult, Choice

__all__ = ["MAX_TOKENS", "STOP_REASONS", "Stop", "Tokens", "count", "map_stop", "normalize", "read_tokens"]

# A bound on any count read from the wire: 2**53 is the largest integer every JSON parser keeps
# exactly (I-JSON, RFC 7493 section 2.2); a bigger "token count" is not a count.
MAX_TOKENS = 2**53


class Stop(StrEnum):
    """Why the model stopped, the same way for every provider (``result.stop``).

    ``STOP``            it finished its answer (or reached a stop sequence).
    ``LENGTH``          it ran out of room: the output token limit or the context window.
    ``TOOL_CALLS``      it stopped to let the caller run the tool calls it made.
    ``CONTENT_FILTER``  a safety or content filter stopped it (or blocked the prompt).
    ``REFUSAL``         the model refused to answer.
    ``PAUSE``           it paused a long turn, to be continued (Anthropic ``pause_turn``).
    ``ERROR``           the stream or the generation failed.
    ``OTHER``           a reason that fits none of the above, or one sseparse does not know.
    """

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"
    REFUSAL = "refusal"
    PAUSE = "pause"
    ERROR = "error"
    OTHER = "other"


_CONTENT_FILTER = Stop.CONTENT_FILTER

#: Every documented finish/stop reason (and Responses status) of the built-in formats.
STOP_REASONS: dict[str, dict[str, Stop]] = {
    "openai-chat": {
        "stop": Stop.STOP,
        "length": Stop.LENGTH,
        "tool_calls": Stop.TOOL_CALLS,
        "function_call": Stop.TOOL_CALLS,
        "content_filter": _CONTENT_FILTER,
        # compatible servers: vLLM ("abort"), llama.cpp / TGI ("eos_token"), Ollama ("load"), LM Studio ("error")
        "eos_token": Stop.STOP,
        "eos": Stop.STOP,
        "stop_sequence": Stop.STOP,
        "max_tokens": Stop.LENGTH,
        "abort": Stop.ERROR,
        "error": Stop.ERROR,
    },
    "openai-responses": {
        "completed": Stop.STOP,
        "max_output_tokens": Stop.LENGTH,
        "max_messages": Stop.LENGTH,
        "content_filter": _CONTENT_FILTER,
        "steered": Stop.OTHER,
        "incomplete": Stop.OTHER,
        "failed": Stop.ERROR,
        "cancelled": Stop.OTHER,
    },
    "anthropic-messages": {
        "end_turn": Stop.STOP,
        "stop_sequence": Stop.STOP,
        "max_tokens": Stop.LENGTH,
        "model_context_window_exceeded": Stop.LENGTH,
        "tool_use": Stop.TOOL_CALLS,
        "pause_turn": Stop.PAUSE,
        "refusal": Stop.REFUSAL,
    },
    "gemini": {
        "STOP": Stop.STOP,
        "MAX_TOKENS": Stop.LENGTH,
        "SAFETY": _CONTENT_FILTER,
        "RECITATION": _CONTENT_FILTER,
        "BLOCKLIST": _CONTENT_FILTER,
        "PROHIBITED_CONTENT": _CONTENT_FILTER,
        "SPII": _CONTENT_FILTER,
        "IMAGE_SAFETY": _CONTENT_FILTER,
        "IMAGE_PROHIBITED_CONTENT": _CONTENT_FILTER,
        "IMAGE_RECITATION": _CONTENT_FILTER,
        "LANGUAGE": Stop.OTHER,
        "OTHER": Stop.OTHER,
        "IMAGE_OTHER": Stop.OTHER,
        "NO_IMAGE": Stop.OTHER,
        "FINISH_REASON_UNSPECIFIED": Stop.OTHER,
        "MALFORMED_FUNCTION_CALL": Stop.ERROR,
        "UNEXPECTED_TOOL_CALL": Stop.ERROR,
        "TOO_MANY_TOOL_CALLS": Stop.ERROR,
        "MISSING_THOUGHT_SIGNATURE": Stop.ERROR,
        "MALFORMED_RESPONSE": Stop.ERROR,
    },
}


def map_stop(  # noqa: PLR0913
    reason: object,
    reasons: Mapping[str, Stop],
    *,
    complete: bool,
    error: bool = False,
    tool_calls: bool = False,
    refused: bool = False,
) -> Stop | None:
    """Map one raw finish reason to a `Stop`.

    ``complete``: the stream reached its terminal marker; ``error``: it ended with an error (`Stop.ERROR`
    whatever the reason). A finished answer (`Stop.STOP`, or no reason on a complete stream) that made
    tool calls is `Stop.TOOL_CALLS` (Gemini, Responses and vLLM's named tools say ``STOP`` /
    ``completed`` / ``stop`` then), and one that is only a refusal is `Stop.REFUSAL`. None while the
    answer is unfinished.
    """
    if error:
        return Stop.ERROR
    if isinstance(reason, str) and reason:
        stop = reasons.get(reason, Stop.OTHER)
    elif complete:
        stop = Stop.STOP
    else:
        return None
    if stop is Stop.STOP:
        if tool_calls:
            return Stop.TOOL_CALLS
        if refused:
            return Stop.REFUSAL
    return stop


@dataclass(frozen=True, slots=True, kw_only=True)
class Tokens:
    """Token counts, the same way for every provider (``result.tokens``); None where the provider did not say.

    ``input``        every input token, cached or not.
    ``output``       every generated token, reasoning included.
    ``total``        all tokens (the provider's figure, else ``input + output``).
    ``reasoning``    reasoning / thinking tokens (part of ``output``).
    ``cache_read``   input tokens read from the prompt cache (part of ``input``).
    ``cache_write``  input tokens written to the prompt cache (part of ``input``).
    """

    input: int | None = None
    output: int | None = None
    total: int | None = None
    reasoning: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None

    @classmethod
    def from_wire(  # noqa: PLR0913
        cls,
        *,
        input: object = None,  # noqa: A002
        output: object = None,
        total: object = None,
        reasoning: object = None,
        cache_read: object = None,
        cache_write: object = None,
    ) -> Tokens:
        """Build `Tokens` from values read off the wire: anything but a count (see `count`) becomes None.

        ``total`` defaults to ``input + output`` when both are known.
        """
        return _tokens(
            input=count(input),
            output=count(output),
            total=count(total),
            reasoning=count(reasoning),
            cache_read=count(cache_read),
            cache_write=count(cache_write),
        )

    def as_dict(self) -> dict[str, int | None]:
        """Return the six fields as a JSON-ready dict."""
        return asdict(self)


def count(value: object) -> int | None:
    """Return ``value`` when it is a token count (an ``int``, not a ``bool``, in 0..MAX_TOKENS), else None."""
    if isinstance(value, int) and value.__class__ is not bool and 0 <= value <= MAX_TOKENS:
        return value
    return None


def _get(mapping: Any, *path: str) -> int | None:  # noqa: ANN401
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return count(mapping)


def _first(*values: int | None) -> int | None:
    return next((value for value in values if value is not None), None)


def _sum(*values: int | None) -> int | None:
    """Sum the known values (None when none is known)."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _tokens(  # noqa: PLR0913
    *,
    input: int | None,  # noqa: A002
    output: int | None,
    total: int | None = None,
    reasoning: int | None = None,
    cache_read: int | None = None,
    cache_write: int | None = None,
) -> Tokens:
    if total is None and input is not None and output is not None:
        total = input + output
    return Tokens(input=input, output=output, total=total, reasoning=reasoning, cache_read=cache_read, cache_write=cache_write)


def _openai(usage: dict[str, Any], prompt: str, completion: str, cache_hit: int | None = None) -> Tokens:
    """Read an OpenAI usage object whose counts are ``{prompt}_tokens`` and ``{completion}_tokens``.

    Chat says ``prompt``/``completion``, Responses ``input``/``output``; the details objects are
    ``{prompt}_tokens_details`` and ``{completion}_tokens_details`` in both. ``cache_hit``: a
    provider's own count of cached prompt tokens, used when the details give none.
    """
    return _tokens(
        input=_get(usage, f"{prompt}_tokens"),
        output=_get(usage, f"{completion}_tokens"),
        total=_get(usage, "total_tokens"),
        reasoning=_get(usage, f"{completion}_tokens_details", "reasoning_tokens"),
        cache_read=_first(_get(usage, f"{prompt}_tokens_details", "cached_tokens"), cache_hit),
        cache_write=_get(usage, f"{prompt}_tokens_details", "cache_write_tokens"),  # OpenRouter
    )


def _openai_chat(usage: dict[str, Any]) -> Tokens:
    # prompt_tokens already counts cached_tokens; DeepSeek splits it into prompt_cache_hit/miss_tokens.
    return _openai(usage, "prompt", "completion", cache_hit=_get(usage, "prompt_cache_hit_tokens"))


def _openai_responses(usage: dict[str, Any]) -> Tokens:
    return _openai(usage, "input", "output")


def _anthropic(usage: dict[str, Any]) -> Tokens:
    uncached = _get(usage, "input_tokens")
    read = _get(usage, "cache_read_input_tokens")
    write = _get(usage, "cache_creation_input_tokens")
    return _tokens(
        input=None if uncached is None else uncached + (read or 0) + (write or 0),
        output=_get(usage, "output_tokens"),
        cache_read=read,
        cache_write=write,
    )


def _gemini(usage: dict[str, Any]) -> Tokens:
    prompt = _get(usage, "promptTokenCount")
    candidates = _get(usage, "candidatesTokenCount")
    thoughts = _get(usage, "thoughtsTokenCount")
    tool_prompt = _get(usage, "toolUsePromptTokenCount")
    return _tokens(
        input=None if prompt is None else prompt + (tool_prompt or 0),
        output=None if candidates is None and thoughts is None else _sum(candidates, thoughts),
        total=_get(usage, "totalTokenCount"),
        reasoning=thoughts,
        cache_read=_get(usage, "cachedContentTokenCount"),
    )


_READERS: dict[str, Callable[[dict[str, Any]], Tokens]] = {
    "openai-chat": _openai_chat,
    "openai-responses": _openai_responses,
    "anthropic-messages": _anthropic,
    "gemini": _gemini,
}


def _guess(usage: dict[str, Any]) -> Callable[[dict[str, Any]], Tokens]:
    """Return the reader of a usage object of an unknown format, told by its keys."""
    if "prompt_tokens" in usage or "completion_tokens" in usage:
        return _openai_chat
    if "promptTokenCount" in usage or "candidatesTokenCount" in usage:
        return _gemini
    if "cache_creation_input_tokens" in usage or "cache_read_input_tokens" in usage:
        return _anthropic
    return _openai_responses


def read_tokens(format: str | None, usage: object) -> Tokens:  # noqa: A002
    """Return the `Tokens` of a usage object of ``format`` (any other format: told by its keys)."""
    if not isinstance(usage, dict):
        return Tokens()
    reader = _READERS.get(format or "") or _guess(usage)
    return reader(usage)


def _choice_stop(choice: Choice, reasons: Mapping[str, Stop], *, complete: bool, error: bool) -> Stop | None:
    return map_stop(
        choice.finish_reason,
        reasons,
        complete=complete,
        error=error,
        tool_calls=bool(choice.tool_calls) or "function_call" in choice.extra,
        refused=bool(choice.refusal) and not choice.text,
    )


def normalize(result: AccumulatedResult, reasons: Mapping[str, Stop], tokens: Tokens) -> AccumulatedResult:
    """Fill in ``result.tokens``, ``result.stop`` and each choice's ``stop``; return ``result``."""
    complete, error = result.end == "complete", result.end == "error"
    result.tokens = tokens
    first = None
    for choice in result.choices:
        choice.stop = _choice_stop(choice, reasons, complete=complete, error=error)
        if choice.index == 0:
            first = choice
    if first is not None:
        result.stop = first.stop
    elif error:
        result.stop = Stop.ERROR
    elif _prompt_blocked(result.final):
        result.stop = Stop.CONTENT_FILTER
    else:
        result.stop = map_stop(result.finish_reason, reasons, complete=complete, tool_calls=bool(result.tool_calls))
    return result


def _prompt_blocked(final: dict[str, Any]) -> bool:
    """Gemini blocked the prompt: no candidate, ``promptFeedback.blockReason``."""
    feedback = final.get("promptFeedback")
    return isinstance(feedback, dict) and bool(feedback.get("blockReason"))
