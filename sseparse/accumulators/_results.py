"""The values an accumulator returns: `AccumulatedResult`, `Choice`, `ToolCall`, `StreamErrorInfo`, `End`.

They are plain values (standard library only): a snapshot does not change after `Accumulator.result`
returned it. The two error classes are the ones these values raise (`ToolCall.json`) or the
accumulators raise on misuse.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sseparse._errors import SSEError
from sseparse._json import loads
from sseparse.accumulators._convert import to_anthropic, to_openai
from sseparse.accumulators._normalize import Stop, Tokens
from sseparse.accumulators._structured import ParseError, parse_json, parse_partial_json

if TYPE_CHECKING:
    from collections.abc import Callable

M = TypeVar("M")

if TYPE_CHECKING:
    from sseparse._timings import Timings

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

    def _source(self) -> str:
        return f"tool call {self.index} ({self.name or '?'}, id={self.id!r})"

    def parse(self, model: type[M]) -> M:
        """Validate the arguments as ``model`` (a pydantic model class); `ParseError` when they do not fit.

        ``""`` is ``{}`` (a call without arguments), as in `json`.
        """
        hint = "" if self.done else " (the call is unfinished: see parse_partial)"
        return parse_json(model, self.arguments if self.arguments.strip() else "{}", source=self._source(), hint=hint)

    def parse_partial(self, model: type[M]) -> M | None:
        """Build ``model`` from the arguments streamed so far; None while nothing can be built yet.

        Uses pydantic's partial JSON validation. A finished call (``done``) is parsed as `parse` does;
        an unfinished one raises `ParseError` only when its text cannot be JSON at all.
        """
        return parse_partial_json(model, self.arguments, source=self._source(), finished=self.done)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCall):
            return NotImplemented
        return self.as_dict() == other.as_dict() and self.done == other.done

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ToolCall(index={self.index}, id={self.id!r}, name={self.name!r}, arguments={self.arguments!r})"


def _parse_partial(text: str, *, trailing_strings: bool = True) -> Any:  # noqa: ANN401
    """Parse possibly incomplete JSON; None when nothing can be made of it; ImportError without a parser.

    ``trailing_strings``: keep an unterminated last string (``'{"a": "Zür'`` gives ``{"a": "Zür"}``);
    otherwise it is dropped (``{}``), as the anthropic SDK does for a tool input cut short.
    """
    if not text.strip():
        return {}
    mode: Any = "trailing-strings" if trailing_strings else True
    try:
        from pydantic_core import from_json  # noqa: PLC0415
    except ImportError:
        try:
            from jiter import from_json as jiter_from_json  # noqa: PLC0415
        except ImportError:
            msg = 'ToolCall.partial() needs pydantic-core (or jiter): pip install "sseparse[models]"'
            raise ImportError(msg) from None
        try:
            return jiter_from_json(text.encode(), partial_mode=mode)
        except ValueError:
            return None
    try:
        return from_json(text, allow_partial=mode)
    except ValueError:
        return None


class Choice:
    """One answer of a response: an OpenAI Chat choice, a Gemini candidate, or the single message.

    ``text`` is the answer text ("" when none) and ``content`` the same but None when no content was
    ever sent (OpenAI keeps the two apart). ``reasoning`` joins the reasoning text; ``reasoning_fields``
    keeps each wire key apart (``{"reasoning_content": ...}``). ``extra`` holds format specifics
    (logprobs, Azure ``content_filter_results`` and annotations, audio, legacy ``function_call`` ...).
    ``stop`` is this choice's `Stop` (None while unfinished). Choices compare equal by value.
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
        "stop",
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
        self.stop: Stop | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the choice as a JSON-ready dict (tool calls and ``extra`` values included)."""
        return {
            "index": self.index,
            "role": self.role,
            "content": self.content,
            "text": self.text,
            "refusal": self.refusal,
            "reasoning": self.reasoning,
            "reasoning_fields": dict(self.reasoning_fields),
            "tool_calls": [call.as_dict() for call in self.tool_calls],
            "finish_reason": self.finish_reason,
            "stop": None if self.stop is None else self.stop.value,
            "extra": _jsonable(self.extra),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Choice):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in Choice.__slots__)

    __hash__ = None  # type: ignore[assignment]

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
    ``timings``        `sseparse.Timings` when the result came from a live `Stream`, else None.
    ``stop``           `Stop`: why the model stopped, the same for every provider (choice 0's), or None
                       while unfinished.
    ``tokens``         `Tokens`: the usage the same for every provider (fields None when not reported).

    Results compare equal by value (``timings`` aside) and `as_dict` gives JSON-ready data; `to_openai`,
    `to_anthropic`, `parse` and `parse_partial` give the one view across providers.
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
        "stop",
        "text",
        "timings",
        "tokens",
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
        stop: Stop | None = None,
        tokens: Tokens | None = None,
    ) -> None:
        self.format = format
        self.end = end
        self.stop = stop if stop is not None or end is not End.ERROR else Stop.ERROR
        self.tokens = tokens if tokens is not None else Tokens()
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
        self.timings: Timings | None = None  # set by Stream: how the live stream went

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

    # -- one view across providers ------------------------------------------------------------------

    def to_openai(self) -> dict[str, Any]:
        """Return the result as an OpenAI ``chat.completion`` dict, whatever the format.

        It validates as openai's ``ChatCompletion``: text, tool calls (arguments as JSON text), the
        mapped finish reason and usage, and the reasoning as ``message["reasoning_content"]``. An
        OpenAI Chat result also keeps its own fields (annotations, audio, ``service_tier``, usage
        details, a provider's own keys) where the schema takes their values.
        """
        return to_openai(self)

    def to_anthropic(self) -> dict[str, Any]:
        """Return the result as an Anthropic ``message`` dict, whatever the format (validates as anthropic's ``Message``)."""
        return to_anthropic(self)

    def _target(self, tool: str | None) -> tuple[str, str, bool, str] | ToolCall:
        """Return what `parse` reads: the named tool call, or (text, source, finished, hint) of the answer text."""
        if tool is not None:
            call = next((call for call in self.tool_calls if call.name == tool), None)
            if call is None:
                names = ", ".join(repr(c.name) for c in self.tool_calls) or "none"
                msg = f"the result has no tool call named {tool!r} (calls: {names})"
                raise ParseError(msg, source=f"tool call {tool!r}", text="")
            return call
        hint = "" if self.end is End.COMPLETE else f" (the stream ended as {self.end.value})"
        if not self.text.strip() and self.tool_calls:
            hint += f"; the answer is a tool call: parse(Model, tool={self.tool_calls[0].name!r})"
        return self.text, "the answer text", self.end is End.COMPLETE, hint

    def parse(self, model: type[M], *, tool: str | None = None) -> M:
        """Validate the answer text as ``model`` (a pydantic model class), or the arguments of the tool call named ``tool``.

        With ``tool``: the first call of that name (`ToolCall.parse` reads each call of a parallel
        answer). Raises `ParseError` naming what did not fit.
        """
        target = self._target(tool)
        if isinstance(target, ToolCall):
            return target.parse(model)
        text, source, _, hint = target
        return parse_json(model, text, source=source, hint=hint)

    def parse_partial(self, model: type[M], *, tool: str | None = None) -> M | None:
        """Build ``model`` from the answer (or the named tool call) streamed so far; None while nothing can be built yet.

        Merely unfinished input is never an exception: while the stream is unfinished, `ParseError`
        comes only for text that cannot be JSON at all. Once complete, it is parsed as `parse` does.
        """
        if tool is not None and not any(call.name == tool for call in self.tool_calls) and self.end is End.TRUNCATED:
            return None  # the call may still come
        target = self._target(tool)
        if isinstance(target, ToolCall):
            return target.parse_partial(model)
        text, source, finished, hint = target
        return parse_partial_json(model, text, source=source, finished=finished, hint=hint)

    # -- values -----------------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict (``json.dumps`` takes it as it is)."""
        return {
            "format": self.format,
            "end": self.end.value,
            "stop": None if self.stop is None else self.stop.value,
            "text": self.text,
            "reasoning": self.reasoning,
            "refusal": self.refusal,
            "commentary": self.commentary,
            "tool_calls": [call.as_dict() for call in self.tool_calls],
            "finish_reason": self.finish_reason,
            "tokens": self.tokens.as_dict(),
            "usage": _jsonable(self.usage),
            "error": None if self.error is None else self.error.as_dict(),
            "choices": [choice.as_dict() for choice in self.choices],
            "final": _jsonable(self.final),
            "merge_notes": list(self.merge_notes),
            "details": _jsonable(self.details),
            "timings": None if self.timings is None else self.timings.as_dict(),
        }

    def __eq__(self, other: object) -> bool:
        """Equal when the message is: every field but ``timings`` (how a live stream went is not the message)."""
        if not isinstance(other, AccumulatedResult):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _VALUE_FIELDS)

    __hash__ = None  # type: ignore[assignment]


_VALUE_FIELDS = tuple(name for name in AccumulatedResult.__slots__ if name != "timings")


def _jsonable(value: Any) -> Any:  # noqa: ANN401
    """``value`` with every value object in it (`ToolCall`, enums ...) turned into JSON data."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    as_dict: Callable[[], Any] | None = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    return value


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
