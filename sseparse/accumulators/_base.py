"""The accumulator protocol, its typed updates and the result types (standard library only).

Rule 1: an accumulator never raises on stream content. Whatever arrives -- JSON or not, known or
not, cut anywhere -- ends up in the result: ``end`` says how the stream ended and ``error`` says why
it failed. Only misuse raises (feeding after `Accumulator.close`).

Rule 2: cost is linear. Text and arguments are kept as lists of fragments and joined when a snapshot
is taken; tool-call JSON is parsed once per finished call; partial JSON only on demand.

How to write an accumulator for your own format: implement `Accumulator` (``feed`` / ``close`` /
``result``) and register a factory with `sseparse.register_format`. Subclassing `BaseAccumulator`
gives you the JSON decoding, the in-stream error shapes and the ``end`` bookkeeping for free.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sseparse._errors import SSEError

if TYPE_CHECKING:
    from sseparse._events import ServerSentEvent

__all__ = [
    "AccumulatedResult",
    "Accumulator",
    "AccumulatorClosedError",
    "BaseAccumulator",
    "Choice",
    "End",
    "ErrorUpdate",
    "FinishUpdate",
    "ReasoningDelta",
    "ResetUpdate",
    "StreamErrorInfo",
    "TextDelta",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallArgumentsError",
    "ToolCallFinished",
    "ToolCallStarted",
    "Update",
    "UsageUpdate",
    "error_from_payload",
]


_scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner behind json.loads


def loads(text: str) -> Any:  # noqa: ANN401 - JSON is Any by nature
    """Parse JSON exactly as `json.loads` does, minus its per-call overhead on the common case.

    `json.loads` goes through two Python frames and two whitespace regex matches before and after
    the C scanner; for ~200-byte chunks that is a third of the parse. The scanner is called
    directly when the text starts with a value and ends with it; anything else (leading or trailing
    whitespace, errors) takes `json.loads` itself, so results and errors are the same.
    """
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the usual JSONDecodeError (or parses after leading whitespace)
    if end != len(text):
        return json.loads(text)
    return value


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
NOTE_FOREIGN_DONE = "a [DONE] marker, not part of this format, was ignored"


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
                    self._value = json.loads(self.arguments)
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
        "details",
        "end",
        "error",
        "final",
        "finish_reason",
        "format",
        "merge_notes",
        "reasoning",
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
    ) -> None:
        self.format = format
        self.end = end
        self.text = text
        self.reasoning = reasoning
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
        if self.tool_calls:
            parts.append(f"tool_calls={self.tool_calls!r}")
        parts.append(f"finish_reason={self.finish_reason!r}")
        if self.error is not None:
            parts.append(f"error={self.error!r}")
        return f"AccumulatedResult({', '.join(parts)})"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- updates: what `Accumulator.feed` returns, for live rendering ----------------------------------------


class Update:
    """Base class of the updates `Accumulator.feed` returns. ``choice`` is the choice/candidate index."""

    __slots__ = ("choice",)

    def __init__(self, choice: int = 0) -> None:
        self.choice = choice

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for cls in type(self).__mro__ for name in getattr(cls, "__slots__", ()))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Update)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = [name for cls in reversed(type(self).__mro__) for name in getattr(cls, "__slots__", ())]
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"


class TextDelta(Update):
    """More answer text."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class ReasoningDelta(Update):
    """More reasoning / thinking text."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class ToolCallStarted(Update):
    """A new tool call: its position ``index`` in the message, ``id`` (or None) and ``name``."""

    __slots__ = ("id", "index", "name")

    def __init__(self, index: int, id: str | None, name: str, choice: int = 0) -> None:  # noqa: A002
        self.choice = choice
        self.index = index
        self.id = id
        self.name = name


class ToolCallArgumentsDelta(Update):
    """More argument JSON text for the call at ``index``."""

    __slots__ = ("delta", "index")

    def __init__(self, index: int, delta: str, choice: int = 0) -> None:
        self.choice = choice
        self.index = index
        self.delta = delta


class ToolCallFinished(Update):
    """The call is complete; ``call`` is its final `ToolCall`."""

    __slots__ = ("call",)

    def __init__(self, call: ToolCall, choice: int = 0) -> None:
        self.choice = choice
        self.call = call


class FinishUpdate(Update):
    """A finish reason arrived for a choice (``"stop"``, ``"tool_use"``, ``"STOP"`` ...)."""

    __slots__ = ("finish_reason",)

    def __init__(self, finish_reason: str, choice: int = 0) -> None:
        self.choice = choice
        self.finish_reason = finish_reason


class UsageUpdate(Update):
    """New usage figures (they replace earlier ones: usage is never summed)."""

    __slots__ = ("usage",)

    def __init__(self, usage: dict[str, Any], choice: int = 0) -> None:
        self.choice = choice
        self.usage = usage


class ResetUpdate(Update):
    """The stream started over (a proxy spliced a second message in): discard what was rendered."""

    __slots__ = ()


class ErrorUpdate(Update):
    """The stream reported an error (or could not be read); the result now ends with ``error``."""

    __slots__ = ("error",)

    def __init__(self, error: StreamErrorInfo, choice: int = 0) -> None:
        self.choice = choice
        self.error = error


# -- the protocol -------------------------------------------------------------------------------------


@runtime_checkable
class Accumulator(Protocol):
    """Rebuilds one message from the events of one stream, incrementally.

    ``format``     the format's registered name (``"openai-chat"`` ...).
    ``feed(event)`` take the next `ServerSentEvent`; returns the `Update` objects it caused (text
                   delta, reasoning delta, tool call started / arguments delta / finished, finish,
                   usage, error), so a UI can render live. Never raises on event content.
    ``close()``    end of stream: decides ``complete`` vs ``truncated`` (no terminal marker seen) and
                   returns any last updates. Feeding after ``close()`` raises `AccumulatorClosedError`.
    ``result()``   a consistent snapshot (`AccumulatedResult`) at any moment; before ``close()`` a
                   stream without its terminal marker yet reports ``end="truncated"``. It costs time
                   linear in what was accumulated: take it when needed, render from the updates.
    ``end``        the `End` so far (``truncated`` until a terminal marker or an error).
    """

    @property
    def format(self) -> str: ...

    def feed(self, event: ServerSentEvent) -> list[Update]: ...

    def close(self) -> list[Update]: ...

    def result(self) -> AccumulatedResult: ...

    @property
    def end(self) -> End: ...


class BaseAccumulator:
    """Shared machinery: JSON decoding, the in-stream error shapes and ``end`` bookkeeping.

    Subclasses implement ``_handle(payload, event_type, out)`` (``out`` is the list of updates, or
    None when nobody listens, so the hot path can skip building them) and ``_result()`` (the
    snapshot; ``result()`` calls it and turns an unexpected exception into an ``error`` result).
    Events that arrive after the end (terminal marker or error) are ignored and counted in
    ``details["events_after_end"]``.
    """

    format: str = ""

    def __init__(self) -> None:
        self._end = End.TRUNCATED
        self._finished = False  # terminal marker or error seen
        self._closed = False
        self._error: StreamErrorInfo | None = None
        self._notes: list[str] = []
        self._after_end = 0

    @property
    def end(self) -> End:
        """The `End` so far."""
        return self._end

    @property
    def closed(self) -> bool:
        """True once `close` was called."""
        return self._closed

    def feed(self, event: ServerSentEvent) -> list[Update]:
        """Take the next event; return the updates it caused."""
        out: list[Update] = []
        self._feed(event, out)
        return out

    def _feed(self, event: ServerSentEvent, out: list[Update] | None) -> None:
        if self._closed:
            msg = "feed() called after close(): create a new accumulator for a new stream"
            raise AccumulatorClosedError(msg)
        if self._finished:
            self._after_end += 1
            return
        data = event.data
        try:
            payload = loads(data)
        except ValueError:
            if self._non_json(event, out):
                return
            if event.event == "error":
                self._fail(StreamErrorInfo(data, type="error", raw=data), out)
            else:
                self._fail(StreamErrorInfo(f"event data is not JSON: {_short(data)!r}", type="invalid_json", raw=data), out)
            return
        if payload.__class__ is not dict:
            self._fail(
                StreamErrorInfo(f"event data is JSON but not an object: {_short(data)!r}", type="invalid_json", raw=payload), out
            )
            return
        try:
            self._handle(payload, event.event, out)
        except Exception as exc:  # noqa: BLE001
            message = f"could not interpret an event ({type(exc).__name__}: {exc}): {_short(data)!r}"
            self._fail(StreamErrorInfo(message, type="unexpected_payload", raw=payload), out)

    def _non_json(self, event: ServerSentEvent, out: list[Update] | None) -> bool:  # noqa: ARG002
        """Handle data that is not JSON; return True when it was understood.

        By default a ``[DONE]`` is ignored (and noted): proxies and test helpers append it to
        Anthropic and Gemini streams too. It is not a terminal marker of those formats.
        """
        if event.data.strip() == "[DONE]":
            self._note(NOTE_FOREIGN_DONE)
            return True
        return False

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        raise NotImplementedError

    def close(self) -> list[Update]:
        """End of stream: ``complete`` if the terminal marker was seen, else ``truncated``."""
        if self._closed:
            msg = "close() was already called on this accumulator"
            raise AccumulatorClosedError(msg)
        self._closed = True
        return []

    def result(self) -> AccumulatedResult:
        """Return a snapshot of what was accumulated so far (subclasses build it in ``_result``)."""
        try:
            return self._result()
        except Exception as exc:  # noqa: BLE001 - Rule 1, last line of defence: a snapshot never raises
            error = StreamErrorInfo(f"could not build the result ({type(exc).__name__}: {exc})", type="unexpected_payload")
            return AccumulatedResult(format=self.format, end=End.ERROR, error=error, merge_notes=list(self._notes))

    def _result(self) -> AccumulatedResult:
        raise NotImplementedError

    # -- helpers for subclasses ---------------------------------------------------------------------

    def _complete(self) -> None:
        self._finished = True
        self._end = End.COMPLETE

    def _fail(self, error: StreamErrorInfo, out: list[Update] | None) -> None:
        self._finished = True
        self._end = End.ERROR
        self._error = error
        if out is not None:
            out.append(ErrorUpdate(error))

    @staticmethod
    def _error_from(payload: Any) -> StreamErrorInfo:  # noqa: ANN401
        """Build the `StreamErrorInfo` of an error payload (see `error_from_payload`)."""
        return error_from_payload(payload)

    def _note(self, note: str) -> None:
        if note not in self._notes:
            self._notes.append(note)

    def _base_details(self) -> dict[str, Any]:
        return {"events_after_end": self._after_end} if self._after_end else {}

    def _snapshot(  # noqa: PLR0913
        self,
        *,
        text: str,
        reasoning: str,
        tool_calls: list[ToolCall],
        finish_reason: str | None,
        usage: dict[str, Any] | None,
        choices: list[Choice],
        final: dict[str, Any],
        details: dict[str, Any],
    ) -> AccumulatedResult:
        """Build the result; ``format``, ``end``, ``error`` and the merge notes are the accumulator's own."""
        return AccumulatedResult(
            format=self.format,
            end=self.end,
            text=text,
            reasoning=reasoning,
            tool_calls=tool_calls,
            finish_reason=finish_reason,
            usage=usage,
            error=self._error,
            choices=choices,
            final=final,
            merge_notes=list(self._notes),
            details=details,
        )

    def _single_choice_result(  # noqa: PLR0913
        self,
        *,
        role: str | None,
        text: str,
        has_text: bool,
        reasoning: str,
        tool_calls: list[ToolCall],
        finish_reason: str | None,
        usage: dict[str, Any] | None,
        final: dict[str, Any],
        details: dict[str, Any],
    ) -> AccumulatedResult:
        """Build the result of a format with one answer: its `Choice` 0 repeats the top-level fields.

        ``has_text``: text content was sent at all (the choice's ``content`` is None otherwise).
        """
        choice = Choice(
            0,
            role=role,
            content=text if has_text else None,
            reasoning=reasoning,
            tool_calls=tool_calls,
            finish_reason=finish_reason,
        )
        return self._snapshot(
            text=text,
            reasoning=reasoning,
            tool_calls=tool_calls,
            finish_reason=finish_reason,
            usage=usage,
            choices=[choice],
            final=final,
            details=details,
        )

    def _choices_result(
        self, choices: list[Choice], *, usage: dict[str, Any] | None, final: dict[str, Any], details: dict[str, Any]
    ) -> AccumulatedResult:
        """Build the result of a format with several choices: the top-level fields are those of choice 0.

        Choice 0 only, never another one (none when choice 0 never arrived). A legacy
        ``function_call`` in its ``extra`` (OpenAI Chat) counts as its last tool call.
        """
        first = next((choice for choice in choices if choice.index == 0), None)
        tool_calls = list(first.tool_calls) if first is not None else []
        if first is not None and "function_call" in first.extra:
            tool_calls.append(first.extra["function_call"])
        return self._snapshot(
            text=first.text if first is not None else "",
            reasoning=first.reasoning if first is not None else "",
            tool_calls=tool_calls,
            finish_reason=first.finish_reason if first is not None else None,
            usage=usage,
            choices=choices,
            final=final,
            details=details,
        )


def error_from_payload(payload: Any) -> StreamErrorInfo:  # noqa: ANN401
    """Build a `StreamErrorInfo` from ``{"error": {...}}``, Responses ``{"type": "error", ...}`` or a bare string."""
    err = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(err, str):
        return StreamErrorInfo(err, raw=payload)
    body = err if isinstance(err, dict) else payload if isinstance(payload, dict) else {}
    message = body.get("message")
    kind = body.get("type")
    if kind == "error":  # Responses: the event type, not the error type
        kind = None
    code = body.get("code")
    if kind is None and isinstance(body.get("status"), str):  # Google: {"code": 429, "status": "RESOURCE_EXHAUSTED"}
        kind = body["status"]
    if kind is None and isinstance(code, str):
        kind = code
    text = message if isinstance(message, str) else json.dumps(payload, ensure_ascii=False)[:500]
    return StreamErrorInfo(text, code=code, type=kind if isinstance(kind, str) else None, raw=payload)
