"""The public base class of a wire format: `FormatAccumulator` (standard library only).

A format is a class. It declares what the stream machinery needs to know about its wire:

=================== ===============================================================================
``format``          its registered name (``"cohere-v2"``).
``terminal_events`` the event kinds after which the stream is complete (``{"message-end"}``).
``skip_events``     event kinds that carry nothing (keep-alive pings): not handled, counted in
                    ``details["skipped_events"]``; `sseparse.Stream` does not yield an event whose
                    SSE ``event`` field names one (it does not parse JSON to find a ``type``).
``read_to_eof``     True when the format has no terminal marker and the server may send more after
                    the accumulator calls the stream complete (Gemini): `Stream` reads to the end.
``chunk_model``     ``"package.module:Class"``, the pydantic model of one event, so that
                    ``Stream(source, format=...)`` yields typed chunks; imported on first use.
``final_model``     likewise for ``result.final`` (`sseparse.models.parse_final`).
``stop_reasons``    each raw finish reason mapped to a `sseparse.Stop`.
``detect``          a classmethod: does this event belong to the format? (automatic detection).
=================== ===============================================================================

and implements two hooks: ``handle(payload, kind, out)`` for each JSON event (``out`` is the list of
updates to append to, or None when nobody listens) and ``snapshot()`` for the result. The base class
does the rest: JSON decoding, the in-stream error shapes (``{"error": ...}``, ``{"type": "error"}``,
``event: error``, ``object: "error"``, Bedrock's exception keys: `sseparse.is_error_payload`),
skipped and terminal events, events after the end, ``close()``, a ``result()`` that never raises,
`sseparse.Tokens` and `sseparse.Stop`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._payloads import error_from_payload, is_error_payload
from sseparse.accumulators._results import AccumulatedResult, Choice, StreamErrorInfo

if TYPE_CHECKING:
    from sseparse._events import ServerSentEvent
    from sseparse.accumulators._results import ToolCall
    from sseparse.accumulators._updates import Update

__all__ = ["FormatAccumulator", "emit"]


def emit(out: list[Update] | None, update: Update) -> None:
    """Append ``update`` to ``out`` unless nobody listens (``out`` is None)."""
    if out is not None:
        out.append(update)


class FormatAccumulator(BaseAccumulator):
    """Base class of a format plugin: declare the wire's traits, implement `handle` and `snapshot`.

    See the module docstring for the declarations, and ``docs/accumulators.md`` for a walk-through
    (the built-in Cohere v2 format is written against this class only).
    """

    # The declarations (terminal_events, skip_events, read_to_eof, chunk_model, final_model,
    # stop_reasons) are class attributes of `BaseAccumulator`, shared with the built-in formats.

    def __init__(self) -> None:
        super().__init__()
        self._skipped = 0

    @classmethod
    def detect(cls, event: ServerSentEvent, payload: Any) -> bool:  # noqa: ANN401, ARG003
        """Return True when ``event`` (``payload`` is its data parsed as JSON, or None) belongs to the format."""
        return False

    # -- the hooks a format implements ------------------------------------------------------------

    def handle(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:
        """Take one JSON event; ``kind`` is its `event_kind`. Append updates to ``out`` with `emit`."""
        raise NotImplementedError

    def snapshot(self) -> AccumulatedResult:
        """Return the result so far (build it with `build_result` or `build_choices_result`)."""
        raise NotImplementedError

    def handle_text(self, event: ServerSentEvent, out: list[Update] | None) -> bool:
        """Take an event whose data is not JSON; return True when it was understood.

        By default a ``[DONE]`` is ignored (and noted); anything else ends the stream with an
        ``invalid_json`` error.
        """
        return super()._non_json(event, out)

    def event_kind(self, payload: dict[str, Any], event_type: str) -> str:
        """Return the kind of an event: its payload's ``type`` string, else the SSE ``event`` field."""
        kind = payload.get("type")
        return kind if isinstance(kind, str) else event_type

    # -- helpers --------------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """True once a terminal event or an error arrived (later events are ignored)."""
        return self._finished

    def complete(self) -> None:
        """Mark the stream complete (the format's terminal marker arrived)."""
        self._complete()

    def fail(self, error: StreamErrorInfo, out: list[Update] | None) -> None:
        """End the stream with ``error`` (an `ErrorUpdate` goes to ``out``)."""
        self._fail(error, out)

    def note(self, note: str) -> None:
        """Record a non-standard repair in ``merge_notes`` (once per distinct note)."""
        self._note(note)

    def base_details(self) -> dict[str, Any]:
        """Return the ``details`` every format reports (events after the end, skipped events)."""
        details = self._base_details()
        if self._skipped:
            details["skipped_events"] = self._skipped
        return details

    def build_result(  # noqa: PLR0913
        self,
        *,
        text: str,
        has_text: bool,
        reasoning: str = "",
        reasoning_fields: dict[str, str] | None = None,
        refusal: str | None = None,
        tool_calls: list[ToolCall] | None = None,
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
        final: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> AccumulatedResult:
        """Build the result of a format with one answer (its `Choice` 0 repeats these fields).

        ``has_text``: text content was sent at all (``choice.content`` is None otherwise); ``refusal``
        the refusal text when the model declined (an answer that is only a refusal stops as `Stop.REFUSAL`).
        ``format``, ``end``, ``error`` and ``merge_notes`` are the accumulator's own.
        """
        calls = tool_calls if tool_calls is not None else []
        choice = Choice(
            0,
            role="assistant",
            content=text if has_text else None,
            reasoning=reasoning,
            reasoning_fields=reasoning_fields,
            refusal=refusal,
            tool_calls=calls,
            finish_reason=finish_reason,
        )
        return self.build_choices_result([choice], usage=usage, final=final, details=details)

    def build_choices_result(
        self,
        choices: list[Choice],
        *,
        usage: dict[str, Any] | None = None,
        final: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> AccumulatedResult:
        """Build the result of a format with several answers: the top-level fields are those of choice 0."""
        return self._choices_result(
            choices,
            usage=usage,
            final=final if final is not None else {},
            details=details if details is not None else self.base_details(),
        )

    # -- the wiring to `BaseAccumulator` ----------------------------------------------------------

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        kind = self.event_kind(payload, event_type)
        if kind in self.skip_events:
            self._skipped += 1
            return
        if is_error_payload(payload, event_type):
            self.fail(error_from_payload(payload), out)
            return
        self.handle(payload, kind, out)
        if kind in self.terminal_events and not self._finished:
            self._complete()

    def _non_json(self, event: ServerSentEvent, out: list[Update] | None) -> bool:
        return self.handle_text(event, out)

    def _result(self) -> AccumulatedResult:
        return self.snapshot()
