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

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from sseparse._json import NotJSONError
from sseparse.accumulators._normalize import STOP_REASONS, Tokens, normalize, read_tokens
from sseparse.accumulators._payloads import error_from_payload, loads
from sseparse.accumulators._results import (
    AccumulatedResult,
    AccumulatorClosedError,
    Choice,
    End,
    StreamErrorInfo,
    ToolCall,
    ToolCallArgumentsError,
    _short,
)
from sseparse.accumulators._updates import (
    ErrorUpdate,
    FinishUpdate,
    ReasoningDelta,
    ResetUpdate,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators._normalize import Stop

# The protocol and the base class live here; the names re-exported below lived here before the
# module was split by concern (results, updates, payloads) and stay importable from it.
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
    "loads",
]

NOTE_FOREIGN_DONE = "a [DONE] marker, not part of this format, was ignored"


def not_json_message(data: str, exc: ValueError) -> str:
    """Return the message of a "not JSON" error: the data, and why when it is a limit (depth, integer size)."""
    why = f" ({exc})" if isinstance(exc, NotJSONError) and exc.reason != "syntax" else ""
    return f"event data is not JSON{why}: {_short(data)!r}"


def is_foreign_done(data: str) -> bool:
    """Return True for a ``[DONE]`` marker, which formats with their own terminal marker ignore.

    Proxies and test helpers append it to Anthropic and Gemini streams too. `BaseAccumulator` and
    `Stream` (raw and typed) share this decision, so they agree on such a stream.
    """
    return data.strip() == "[DONE]"


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
    # What the format declares about its wire (`FormatTraits`; see `FormatAccumulator`).
    terminal_events: ClassVar[frozenset[str]] = frozenset()
    skip_events: ClassVar[frozenset[str]] = frozenset()
    read_to_eof: ClassVar[bool] = False
    chunk_model: ClassVar[str | None] = None
    final_model: ClassVar[str | None] = None
    #: Each raw finish reason mapped to a `Stop`; None: the built-in table of the format's name.
    stop_reasons: ClassVar[Mapping[str, Stop] | None] = None

    def __init__(self) -> None:
        self._end = End.TRUNCATED
        self._finished = False  # terminal marker or error seen
        self._closed = False
        self._error: StreamErrorInfo | None = None
        self._notes: list[str] = []
        self._after_end = 0
        self._unexpected = 0

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
        except ValueError as exc:
            if self._non_json(event, out):
                return
            if event.event == "error":
                self._fail(StreamErrorInfo(data, type="error", raw=data), out)
            else:
                self._fail(StreamErrorInfo(not_json_message(data, exc), type="invalid_json", raw=data), out)
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

    def _feed_all(self, events: Iterator[ServerSentEvent]) -> None:
        """Take every event of ``events`` with no updates (`accumulate`'s path; formats may do it faster)."""
        feed = self._feed
        for event in events:
            feed(event, None)

    def _non_json(self, event: ServerSentEvent, out: list[Update] | None) -> bool:  # noqa: ARG002
        """Handle data that is not JSON; return True when it was understood.

        By default a ``[DONE]`` is ignored (and noted): proxies and test helpers append it to
        Anthropic and Gemini streams too. It is not a terminal marker of those formats.
        """
        if is_foreign_done(event.data):
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
        """Return a snapshot of what was accumulated so far (subclasses build it in ``_result``).

        ``tokens`` and ``stop`` (and each choice's ``stop``) are filled in from the format's `tokens`
        and `stop_reasons`.
        """
        try:
            result = self._result()
            reasons = self.stop_reasons if self.stop_reasons is not None else STOP_REASONS.get(self.format, {})
            return normalize(result, reasons, self.tokens(result.usage))
        except Exception as exc:  # noqa: BLE001 - Rule 1, last line of defence: a snapshot never raises
            error = StreamErrorInfo(f"could not build the result ({type(exc).__name__}: {exc})", type="unexpected_payload")
            return AccumulatedResult(
                format=self.format, end=End.ERROR, error=error, merge_notes=list(self._notes), **self._salvaged()
            )

    def _salvage(self) -> dict[str, Callable[[], Any]]:
        """Return builders of the result's main parts, for when `_result` failed (subclasses).

        Keys are `AccumulatedResult` fields (``text``, ``reasoning``, ``usage`` ...). Each builder is
        called on its own, so a failure while building one part never discards the others.
        """
        return {}

    def _salvaged(self) -> dict[str, Any]:
        parts: dict[str, Any] = {}
        try:
            builders = self._salvage()
        except Exception:  # noqa: BLE001 - salvage is best effort
            return parts
        for name, build in builders.items():
            try:
                parts[name] = build()
            except Exception:  # noqa: BLE001, S112 - this part is lost, the others are kept
                continue
        return parts

    def tokens(self, usage: object) -> Tokens:
        """Return the `Tokens` of the format's ``usage`` (a format with its own usage shape overrides this)."""
        return read_tokens(self.format, usage)

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

    def _note_unexpected(self, note: str) -> None:
        """Note content of a shape the format does not define: kept in ``final``, counted in ``details``."""
        self._note(note)
        self._unexpected += 1

    def _base_details(self) -> dict[str, Any]:
        details: dict[str, Any] = {"events_after_end": self._after_end} if self._after_end else {}
        if self._unexpected:
            details["unexpected_content"] = self._unexpected
        return details

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
        refusal: str | None = None,
        commentary: str = "",
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
            refusal=refusal,
            commentary=commentary,
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
        refusal: str | None = None,
        commentary: str = "",
    ) -> AccumulatedResult:
        """Build the result of a format with one answer: its `Choice` 0 repeats the top-level fields.

        ``has_text``: text content was sent at all (the choice's ``content`` is None otherwise).
        """
        choice = Choice(
            0,
            role=role,
            content=text if has_text else None,
            refusal=refusal,
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
            refusal=refusal,
            commentary=commentary,
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
            refusal=first.refusal if first is not None else None,
        )
