"""Cohere v2 chat streams (``POST /v2/chat`` with ``stream: true``): the built-in example of a format plugin.

This module uses the public plugin API only (every name it imports is in ``sseparse.__all__``), so it
reads as a template for a format of your own; ``docs/accumulators.md`` walks through it.

Wire: ``event: <type>`` + ``data: {"type": "<type>", ...}``; no ``[DONE]``; the stream ends after
``message-end``. Events: ``message-start`` (id), ``content-start`` / ``content-delta`` /
``content-end`` (text or thinking blocks keyed by ``index``), ``tool-plan-delta`` (the model's plan,
before its calls), ``tool-call-start`` / ``tool-call-delta`` / ``tool-call-end`` (calls keyed by
``index``; ``tool_calls`` is one object in a delta, not a list), ``citation-start`` / ``citation-end``,
``message-end`` (``finish_reason``, ``usage``, and ``error`` when the generation failed), ``debug``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sseparse.accumulators._format import FormatAccumulator, emit
from sseparse.accumulators._normalize import Stop, Tokens
from sseparse.accumulators._results import AccumulatedResult, StreamErrorInfo
from sseparse.accumulators._toolcalls import CallBuilder, Fragments, ToolCallTracker
from sseparse.accumulators._updates import (
    FinishUpdate,
    ReasoningDelta,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
)

__all__ = ["CohereAccumulator"]

_EVENTS = frozenset(
    {
        "message-start",
        "content-start",
        "content-delta",
        "content-end",
        "tool-plan-delta",
        "tool-call-start",
        "tool-call-delta",
        "tool-call-end",
        "citation-start",
        "citation-end",
        "message-end",
    }
)


def _message(payload: dict[str, Any]) -> dict[str, Any]:
    """``delta.message`` of an event, or ``{}``."""
    delta = payload.get("delta")
    message = delta.get("message") if isinstance(delta, dict) else None
    return message if isinstance(message, dict) else {}


def _field(mapping: object, key: str) -> dict[str, Any]:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def _text(mapping: dict[str, Any], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


class CohereAccumulator(FormatAccumulator):
    """Accumulates Cohere v2 chat streams; `result` gives the non-streaming ``ChatResponse`` as ``final``."""

    format = "cohere-v2"
    terminal_events = frozenset({"message-end"})
    skip_events = frozenset({"debug"})
    chunk_model = "sseparse.models.cohere:StreamedChatResponse"
    final_model = "sseparse.models.cohere:ChatResponse"
    stop_reasons: ClassVar[dict[str, Stop]] = {
        "COMPLETE": Stop.STOP,
        "STOP_SEQUENCE": Stop.STOP,
        "MAX_TOKENS": Stop.LENGTH,
        "TOOL_CALL": Stop.TOOL_CALLS,
        "ERROR": Stop.ERROR,
        "TIMEOUT": Stop.ERROR,
        "ERROR_TOXIC": Stop.CONTENT_FILTER,
        "ERROR_LIMIT": Stop.LENGTH,
        "USER_CANCEL": Stop.OTHER,
    }

    @classmethod
    def detect(cls, event: Any, payload: Any) -> bool:  # noqa: ANN401, ARG003
        """Return True for a payload whose ``type`` is one of the Cohere v2 event names."""
        kind = payload.get("type") if isinstance(payload, dict) else None
        return isinstance(kind, str) and kind in _EVENTS

    def tokens(self, usage: object) -> Tokens:
        """``tokens`` counts what the model read and wrote (cached input included); ``billed_units`` is the fallback."""
        counted, billed = _field(usage, "tokens"), _field(usage, "billed_units")
        return Tokens.from_wire(
            input=counted.get("input_tokens", billed.get("input_tokens")),
            output=counted.get("output_tokens", billed.get("output_tokens")),
            cache_read=usage.get("cached_tokens") if isinstance(usage, dict) else None,
        )

    def __init__(self) -> None:
        super().__init__()
        self._id: str | None = None
        self._role = "assistant"
        self._blocks: dict[int, tuple[str, Fragments]] = {}  # index -> (type, text)
        self._plan = Fragments()
        self._calls = ToolCallTracker(self.note)
        self._citations: list[Any] = []
        self._finish: str | None = None
        self._usage: dict[str, Any] | None = None
        self._handlers = {
            "message-start": self._message_start,
            "content-start": self._content,
            "content-delta": self._content,
            "tool-plan-delta": self._tool_plan,
            "tool-call-start": self._tool_call_start,
            "tool-call-delta": self._tool_call_delta,
            "tool-call-end": self._tool_call_end,
            "citation-start": self._citation,
            "message-end": self._message_end,
        }

    def handle(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:
        """Dispatch one event to its handler (``content-end`` and ``citation-end`` carry nothing to keep)."""
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(payload, out)

    def _message_start(self, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        if isinstance(payload.get("id"), str):
            self._id = payload["id"]
        role = _message(payload).get("role")
        if isinstance(role, str) and role:
            self._role = role

    def _content(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        index = payload.get("index")
        content = _field(_message(payload), "content")
        if not isinstance(index, int):
            return
        block = self._blocks.get(index)
        if block is None:
            kind = content.get("type")
            kind = kind if kind in ("text", "thinking") else ("thinking" if "thinking" in content else "text")
            block = self._blocks[index] = (kind, Fragments())
        kind, text = block
        piece = _text(content, kind)
        text.append(piece)
        if piece:
            emit(out, TextDelta(piece) if kind == "text" else ReasoningDelta(piece))

    def _tool_plan(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        piece = _text(_message(payload), "tool_plan")
        self._plan.append(piece)
        if piece:
            emit(out, ReasoningDelta(piece))

    def _tool_call_start(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        entry = _field(_message(payload), "tool_calls")
        function = _field(entry, "function")
        call, opened = self._calls.resolve(payload.get("index"), entry.get("id"))
        self._calls.set_identity(call, function.get("name"), entry.get("type"))
        if opened:
            emit(out, ToolCallStarted(call.index, call.id, call.name))
        self._add_arguments(call, function, out)

    def _tool_call_delta(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        function = _field(_field(_message(payload), "tool_calls"), "function")
        call, opened = self._calls.resolve(payload.get("index"), None)
        if opened:
            emit(out, ToolCallStarted(call.index, call.id, call.name))
        self._add_arguments(call, function, out)

    def _add_arguments(self, call: CallBuilder, function: dict[str, Any], out: list[Update] | None) -> None:
        added = call.add_arguments(_text(function, "arguments"), self.note)
        if added:
            emit(out, ToolCallArgumentsDelta(call.index, added))

    def _tool_call_end(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        index = payload.get("index")
        call = next((c for c in self._calls.calls if c.wire_index == index), None) if isinstance(index, int) else None
        if call is not None and not call.done:
            call.done = True
            emit(out, ToolCallFinished(call.snapshot()))

    def _citation(self, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        citation = _message(payload).get("citations")
        if isinstance(citation, dict):
            self._citations.append(citation)

    def _message_end(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        delta = _field(payload, "delta")
        usage = delta.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
            emit(out, UsageUpdate(usage))
        reason = delta.get("finish_reason")
        if isinstance(reason, str):
            self._finish = reason
            emit(out, FinishUpdate(reason))
        for call in self._calls.calls:
            if not call.done:
                call.done = True
                emit(out, ToolCallFinished(call.snapshot()))
        error = delta.get("error")
        if isinstance(error, str) and error:
            self.fail(StreamErrorInfo(error, type=reason, raw=payload), out)

    # -- snapshot -----------------------------------------------------------------------------------

    def snapshot(self) -> AccumulatedResult:
        """Return the ``ChatResponse`` so far."""
        blocks = [self._blocks[index] for index in sorted(self._blocks)]
        content = [{"type": kind, kind: text.value()} for kind, text in blocks]
        text = "".join(item["text"] for item in content if item["type"] == "text")
        thinking = "".join(item["thinking"] for item in content if item["type"] == "thinking")
        plan = self._plan.value()
        calls = [call.snapshot() for call in self._calls.calls]
        message = {
            "role": self._role,
            "content": content,
            "tool_plan": plan,
            "tool_calls": [
                {"id": call.id, "type": call.type, "function": {"name": call.name, "arguments": call.arguments}} for call in calls
            ],
            "citations": list(self._citations),
        }
        final = {"id": self._id or "", "finish_reason": self._finish, "message": message, "usage": self._usage}
        fields = {key: value for key, value in (("thinking", thinking), ("tool_plan", plan)) if value}
        return self.build_result(
            text=text,
            has_text=any(kind == "text" for kind, _ in blocks),
            reasoning="\n\n".join(fields.values()),
            reasoning_fields=fields,
            tool_calls=calls,
            finish_reason=self._finish,
            usage=self._usage,
            final=final,
        )
