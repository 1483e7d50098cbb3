"""The values an accumulator returns: `AccumulatedResult`, `Choice`, `ToolCall`, `StreamErrorInfo`, `End`.

They are plain values (standard library only): a snapshot does not change after `Accumulator.result`
returned it. The two error classes are the ones these values raise (`ToolCall.json`) or the
accumulators raise on misuse.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sseparse._errors import SSEError
from sseparse._json import loads

__all__ = [
    "AccumulatedResult",
    "AccumulatorClosedError",
    "Choice",
    "End",
    "StreamErrorInfo",
    "ToolCall",
    "ToolCallArgumentsError",
]


class End(StrEnum):
    """How a stream ended.

    ``COMPLETE``   the format's terminal marker was seen: ``[DONE]``, ``message_stop``,
                   ``response.completed`` / ``response.incomplete``, Gemini's final ``finishReason``.
    ``ERROR``      an in-stream error (or data that is not JSON / not a known format).
    ``TRUNCATED``  the stream ended without a terminal marker (so far, for a live snapshot).
    """

    COMPLETE = "complete"
    ERROR = "error"
    TRUNCATED = "truncated"


class AccumulatorClosedError(SSEError, RuntimeError):
    """`Accumulator.feed` or `Accumulator.close` was called after `Accumulator.close`."""


class ToolCallArgumentsError(SSEError, ValueError):
    """`ToolCall.json` found arguments that are not valid JSON; the message names the call."""


# -- the result types ---------------------------------------------------------------------------------


class StreamErrorInfo:
    """An error the stream itself reported (or the reason it could not be read).

    ``code``     the provider's code (``500``, ``"overloaded_error"``, ``"rate_limit_exceeded"``) or None.
    ``message``  the human-readable message.
    ``type``     the provider's error type (``"server_error"``, ``"overloaded_error"``, Gemini's
                 ``status``), or sseparse's own: ``"invalid_json"``, ``"unknown_format"``.
    ``raw``      the whole payload as received (a dict, or the text when it was not JSON).
    """

    __slots__ = ("code", "message", "raw", "type")

    def __init__(self, message: str, *, code: Any = None, type: str | None = None, raw: Any = None) -> None:  # noqa: A002, ANN401
        self.code = code
        self.message = message
        self.type = type
        self.raw = raw

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "message", "type"}``, as the expected files of the captures write it."""
        return {"code": self.code, "message": self.message, "type": self.type}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StreamErrorInfo):
            return NotImplemented
        return (self.code, self.message, self.type, self.raw) == (other.code, other.message, other.type, other.raw)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StreamErrorInfo({self.message!r}, code={self.code!r}, type={self.type!r})"


_MISSING: Any = object()


class ToolCall:
    """One tool call as accumulated so far (a value: it does not change after the snapshot).

    ``index``      position of the call in its message (0, 1, ...), whatever index the wire used.
    ``id``         the provider's call id (``call_...``, ``toolu_...``), or None when it sent none.
    ``name``       the function name ("" until known).
    ``arguments``  the JSON text of the arguments, exactly as streamed (after the documented repairs).
    ``type``       ``"function"`` (Chat), ``"function_call"`` (Responses), ``"tool_use"`` (Anthropic),
                   ``"functionCall"`` (Gemini) ...
    ``done``       True when the format said the call is finished.
    """

    __slots__ = ("_partial", "_value", "arguments", "done", "id", "index", "name", "type")

    def __init__(  # noqa: PLR0913
        self,
        index: int,
        id: str | None,  # noqa: A002
        name: str,
        arguments: str,
        *,
        type: str = "function",  # noqa: A002
        done: bool = False,
        value: Any = _MISSING,  # noqa: ANN401
    ) -> None:
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
        self.type = type
        self.done = done
        self._value = value
        self._partial: Any = _MISSING

    def json(self) -> Any:  # noqa: ANN401
        """Return the parsed arguments (``""`` parses as ``{}``); `ToolCallArgumentsError` names the call if invalid."""
        if self._value is _MISSING:
            if not self.arguments.strip():
                self._value = {}
            else:
                try:
                    self._value = loads(self.arguments)
                except ValueError as exc:
                    state = "finished" if self.done else "unfinished"
                    msg = (
                        f"tool call {self.index} ({self.name or '?'}, id={self.id!r}, {state}) has invalid JSON arguments: {exc}"
                    )
                    raise ToolCallArgumentsError(msg) from exc
        return self._value

    def partial(self) -> Any:  # noqa: ANN401
        """Best-effort value of possibly incomplete arguments, for live previews (computed once, cached).

        Unfinished strings are kept (``'{"city": "Zür'`` gives ``{"city": "Zür"}``); ``""`` gives ``{}``;
        None when nothing can be made of the text. Needs pydantic-core (``pip install "sseparse[models]"``)
        or jiter.
        """
        if self._partial is _MISSING:
            self._partial = _parse_partial(self.arguments)
        return self._partial

    def as_dict(self) -> dict[str, Any]:
        """``{"index", "id", "type", "name", "arguments"}``."""
        return {"index": self.index, "id": self.id, "type": self.type, "name": self.name, "arguments": self.arguments}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCall):
            return NotImplemented
        return self.as_dict() == other.as_dict() and self.done == other.done

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ToolCall(index={self.index}, id={self.id!r}, name={self.name!r}, arguments={self.arguments!r})"


def _parse_partial(text: str) -> Any:  # noqa: ANN401
    if not text.strip():
        return {}
    try:
        from pydantic_core import from_json  # noqa: PLC0415
    except ImportError:
        try:
            from jiter import from_json as jiter_from_json  # noqa: PLC0415
        except ImportError:
            msg = 'ToolCall.partial() needs pydantic-core (or jiter): pip install "sseparse[models]"'
            raise ImportError(msg) from None
        try:
            return jiter_from_json(text.encode(), partial_mode="trailing-strings")
        except ValueError:
            return None
    try:
        return from_json(text, allow_partial="trailing-strings")
    except ValueError:
        return None


class Choice:
    """One answer of a response: an OpenAI Chat choice, a Gemini candidate, or the single message.

    ``text`` is the answer text ("" when none) and ``content`` the same but None when no content was
    ever sent (OpenAI keeps the two apart). ``reasoning`` joins the reasoning text; ``reasoning_fields``
    keeps each wire key apart (``{"reasoning_content": ...}``). ``extra`` holds format specifics
    (logprobs, Azure ``content_filter_results`` and annotations, audio, legacy ``function_call`` ...).
    """

    __slots__ = (
        "content",
        "extra",
        "finish_reason",
        "index",
        "reasoning",
        "reasoning_fields",
        "refusal",
        "role",
        "text",
        "tool_calls",
    )

    def __init__(  # noqa: PLR0913
        self,
        index: int,
        *,
        role: str | None = None,
        content: str | None = None,
        refusal: str | None = None,
        reasoning: str = "",
        reasoning_fields: dict[str, str] | None = None,
        tool_calls: list[ToolCall] | None = None,
        finish_reason: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.index = index
        self.role = role
        self.content = content
        self.text = content or ""
        self.refusal = refusal
        self.reasoning = reasoning
        self.reasoning_fields = reasoning_fields or {}
        self.tool_calls = tool_calls or []
        self.finish_reason = finish_reason
        self.extra = extra or {}

    def __repr__(self) -> str:
        return f"Choice(index={self.index}, text={self.text!r}, tool_calls={self.tool_calls!r}, finish_reason={self.finish_reason!r})"  # noqa: E501


class AccumulatedResult:
    """The message rebuilt from a stream: a consistent snapshot (later events do not change it).

    ``format``         ``"openai-chat"``, ``"openai-responses"``, ``"anthropic-messages"``, ``"gemini"``,
                       a registered format's name, or None when it could not be told.
    ``text``           the answer text ("" when none); ``reasoning`` the reasoning/thinking text.
    ``refusal``        the refusal text when the model declined (OpenAI Chat and Responses), else None;
                       an empty refusal the provider sent stays ``""``.
    ``commentary``     text the model addressed to the user before its final answer (Responses message
                       items with ``phase: "commentary"``), kept apart from ``text``; "" when none.
    ``tool_calls``     the calls of the (first) answer, in order.
    ``finish_reason``  as the provider sent it (``"stop"``, ``"tool_calls"``, ``"end_turn"``, ``"STOP"``) or None.
    ``usage``          the last usage the stream reported (never summed) or None.
    ``end``            `End`: complete, error or truncated; ``error`` the `StreamErrorInfo` or None.
    ``choices``        one `Choice` per choice / candidate index.
    ``final``          the provider's own final object, as its non-streaming API returns it.
    ``merge_notes``    every non-standard repair applied (e.g. a tool-call index reused by a new id).
    ``details``        format specifics: Responses ``sequence_gaps``, Anthropic ``pings``, Azure
                       ``prompt_filter_results``, ...
    """

    __slots__ = (
        "choices",
        "commentary",
        "details",
        "end",
        "error",
        "final",
        "finish_reason",
        "format",
        "merge_notes",
        "reasoning",
        "refusal",
        "text",
        "tool_calls",
        "usage",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        format: str | None,  # noqa: A002
        end: End,
        text: str = "",
        reasoning: str = "",
        tool_calls: list[ToolCall] | None = None,
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
        error: StreamErrorInfo | None = None,
        choices: list[Choice] | None = None,
        final: dict[str, Any] | None = None,
        merge_notes: list[str] | None = None,
        details: dict[str, Any] | None = None,
        refusal: str | None = None,
        commentary: str = "",
    ) -> None:
        self.format = format
        self.end = end
        self.text = text
        self.reasoning = reasoning
        self.refusal = refusal
        self.commentary = commentary
        self.tool_calls = tool_calls if tool_calls is not None else []
        self.finish_reason = finish_reason
        self.usage = usage
        self.error = error
        self.choices = choices if choices is not None else []
        self.final = final if final is not None else {}
        self.merge_notes = merge_notes if merge_notes is not None else []
        self.details = details if details is not None else {}

    def __repr__(self) -> str:
        parts = [f"format={self.format!r}", f"end={self.end.value!r}", f"text={_short(self.text)!r}"]
        if self.reasoning:
            parts.append(f"reasoning={_short(self.reasoning)!r}")
        if self.refusal is not None:
            parts.append(f"refusal={_short(self.refusal)!r}")
        if self.tool_calls:
            parts.append(f"tool_calls={self.tool_calls!r}")
        parts.append(f"finish_reason={self.finish_reason!r}")
        if self.error is not None:
            parts.append(f"error={self.error!r}")
        return f"AccumulatedResult({', '.join(parts)})"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
