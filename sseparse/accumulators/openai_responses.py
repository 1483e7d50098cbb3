"""OpenAI Responses API streams (``response.*`` events), also served by Azure, xAI, LM Studio, DeepSeek.

Wire: ``event: <type>`` + ``data: {"type": "<type>", "sequence_number": n, ...}``; no ``[DONE]``: the
stream ends after ``response.completed`` / ``response.incomplete`` (``complete``), ``response.failed``
or ``error`` (``error``).

Rules: output items are keyed by ``output_index`` (or ``item_id``), content parts by
``content_index``, summary parts by ``summary_index`` -- never by arrival order. Deltas append;
``.done`` payloads and ``response.output_item.done`` are authoritative and replace what the deltas
built (a difference is reported in ``merge_notes``); so is the ``response`` of ``response.completed``,
except that an ``output`` of ``null`` or ``[]`` there (third-party backends) keeps the accumulated items.
``sequence_number`` gaps are reported in ``details["sequence_gaps"]`` as ``(expected, got)`` pairs.
"""

from __future__ import annotations

from typing import Any

from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._results import (
    AccumulatedResult,
    ToolCall,
)
from sseparse.accumulators._toolcalls import Fragments
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

__all__ = ["OpenAIResponsesAccumulator"]

NOTE_DONE_DIFFERS = "a .done payload differed from its deltas: took the .done value"
NOTE_OUTPUT_KEPT = "the final response had no output: kept the accumulated items"

_TEXT_EVENTS = {
    "response.output_text.delta": ("content", "text"),
    "response.refusal.delta": ("content", "refusal"),
    "response.reasoning_text.delta": ("content", "text"),
    "response.reasoning_summary_text.delta": ("summary", "text"),
}
_DONE_EVENTS = {
    "response.output_text.done": ("content", "text", "text"),
    "response.refusal.done": ("content", "refusal", "refusal"),
    "response.reasoning_text.done": ("content", "text", "text"),
    "response.reasoning_summary_text.done": ("summary", "text", "text"),
}
_CALL_TYPES = {"function_call": "arguments", "custom_tool_call": "input"}
_TERMINAL = frozenset({"response.completed", "response.incomplete"})


class _Part:
    __slots__ = ("base", "fragments", "key")

    def __init__(self, base: dict[str, Any], key: str) -> None:
        self.base = base
        self.key = key
        self.fragments = Fragments()
        value = base.get(key)
        if isinstance(value, str):
            self.fragments.append(value)

    def final(self) -> dict[str, Any]:
        part = dict(self.base)
        part[self.key] = self.fragments.value()
        return part


class _Item:
    __slots__ = ("args", "base", "content", "done", "index", "summary")

    def __init__(self, index: int, base: dict[str, Any]) -> None:
        self.index = index
        self.base = base
        self.content: dict[int, _Part] = {}
        self.summary: dict[int, _Part] = {}
        self.args = Fragments()
        key = _call_key(base)
        if key is not None and isinstance(base.get(key), str):
            self.args.append(base[key])
        self.done: dict[str, Any] | None = None

    def final(self) -> dict[str, Any]:
        if self.done is not None:
            return self.done
        item = dict(self.base)
        key = _call_key(item)
        if key is not None:
            item[key] = self.args.value()
        if self.content:
            item["content"] = [self.content[i].final() for i in sorted(self.content)]
        if self.summary:
            item["summary"] = [self.summary[i].final() for i in sorted(self.summary)]
        return item


class OpenAIResponsesAccumulator(BaseAccumulator):
    """Accumulates Responses streams; `result` gives the ``response`` object as ``final``."""

    format = "openai-responses"

    def __init__(self) -> None:
        super().__init__()
        self._response: dict[str, Any] = {}
        self._terminal: dict[str, Any] | None = None
        self._items: dict[int, _Item] = {}
        self._by_id: dict[str, _Item] = {}
        self._last_seq: int | None = None
        self._gaps: list[tuple[int, int]] = []
        self._calls: dict[int, int] = {}  # output_index -> tool-call position

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:  # noqa: C901, PLR0912, PLR0915
        seq = payload.get("sequence_number")
        if seq.__class__ is int:
            last = self._last_seq
            if last is not None and seq != last + 1:
                self._gaps.append((last + 1, seq))
            self._last_seq = seq
        kind = payload.get("type")
        if kind.__class__ is not str:
            kind = event_type
        text_target = _TEXT_EVENTS.get(kind)
        if text_target is not None:
            delta = payload.get("delta")
            item = self._item(payload)
            if item is not None and isinstance(delta, str):
                self._part(item, payload, *text_target).fragments.append(delta)
                if delta and out is not None:
                    if kind == "response.output_text.delta":
                        out.append(TextDelta(delta))
                    elif kind != "response.refusal.delta":
                        out.append(ReasoningDelta(delta))
        elif kind == "response.function_call_arguments.delta" or kind == "response.custom_tool_call_input.delta":  # noqa: PLR1714
            delta = payload.get("delta")
            item = self._item(payload)
            if item is not None and isinstance(delta, str):
                item.args.append(delta)
                position = self._calls.get(item.index)
                if delta and out is not None and position is not None:
                    out.append(ToolCallArgumentsDelta(position, delta))
        elif kind in _DONE_EVENTS:
            where, key, field = _DONE_EVENTS[kind]
            item = self._item(payload)
            value = payload.get(field)
            if item is not None and isinstance(value, str):
                part = self._part(item, payload, where, key)
                if part.fragments.value() != value:
                    self._note(NOTE_DONE_DIFFERS)
                    part.fragments.set(value)
        elif kind == "response.function_call_arguments.done" or kind == "response.custom_tool_call_input.done":  # noqa: PLR1714
            item = self._item(payload)
            value = payload.get("arguments", payload.get("input"))
            if item is not None and isinstance(value, str) and item.args.value() != value:
                self._note(NOTE_DONE_DIFFERS)
                item.args.set(value)
        elif kind == "response.output_item.added":
            self._add_item(payload, out)
        elif kind == "response.output_item.done":
            self._done_item(payload, out)
        elif kind in {"response.content_part.added", "response.content_part.done"}:
            self._part_event(payload, "content", "content_index")
        elif kind in {"response.reasoning_summary_part.added", "response.reasoning_summary_part.done"}:
            self._part_event(payload, "summary", "summary_index")
        elif kind == "response.output_text.annotation.added":
            item = self._item(payload)
            if item is not None:
                part = self._part(item, payload, "content", "text")
                annotations = part.base.get("annotations")
                if not isinstance(annotations, list):
                    annotations = part.base["annotations"] = []
                annotations.append(payload.get("annotation"))
        elif kind in {"response.created", "response.in_progress", "response.queued"}:
            response = payload.get("response")
            if isinstance(response, dict):
                self._response = response
        elif kind in _TERMINAL:
            self._terminate(payload, out)
            self._complete()
        elif kind == "response.failed":
            self._terminate(payload, out)
            response = self._terminal or {}
            error = response.get("error")
            self._fail(self._error_from({"error": error} if isinstance(error, dict) else payload), out)
        elif kind == "error" or event_type == "error" or payload.get("error") is not None:
            self._fail(self._error_from(payload), out)

    def _item(self, payload: dict[str, Any]) -> _Item | None:
        index = payload.get("output_index")
        item = self._items.get(index) if index.__class__ is int else None
        if item is None:
            item_id = payload.get("item_id")
            if isinstance(item_id, str):
                item = self._by_id.get(item_id)
        return item

    @staticmethod
    def _part(item: _Item, payload: dict[str, Any], where: str, key: str) -> _Part:
        parts = item.content if where == "content" else item.summary
        index = payload.get("content_index" if where == "content" else "summary_index", 0)
        if index.__class__ is not int:
            index = 0
        part = parts.get(index)
        if part is None:
            if where == "summary":
                base: dict[str, Any] = {"type": "summary_text", "text": ""}
            elif item.base.get("type") == "reasoning":
                base = {"type": "reasoning_text", "text": ""}
            elif key == "refusal":
                base = {"type": "refusal", "refusal": ""}
            else:
                base = {"type": "output_text", "text": "", "annotations": []}
            part = parts[index] = _Part(base, key)
        return part

    def _part_event(self, payload: dict[str, Any], where: str, index_key: str) -> None:
        item = self._item(payload)
        base = payload.get("part")
        index = payload.get(index_key)
        if item is None or not isinstance(base, dict) or not isinstance(index, int):
            return
        parts = item.content if where == "content" else item.summary
        key = "refusal" if base.get("type") == "refusal" else "text"
        existing = parts.get(index)
        if existing is None or str(payload.get("type")).endswith(".added"):
            if existing is None:
                parts[index] = _Part(dict(base), key)
            return
        # .done: authoritative
        value = base.get(key)
        existing.base = dict(base)
        if isinstance(value, str) and existing.fragments.value() != value:
            self._note(NOTE_DONE_DIFFERS)
            existing.fragments.set(value)

    def _add_item(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        index = payload.get("output_index")
        base = payload.get("item")
        if not isinstance(index, int) or not isinstance(base, dict):
            return
        item = self._items[index] = _Item(index, dict(base))
        if isinstance(base.get("id"), str):
            self._by_id[base["id"]] = item
        if base.get("type") in _CALL_TYPES:
            position = self._calls[index] = len(self._calls)
            if out is not None:
                out.append(ToolCallStarted(position, base.get("call_id"), base.get("name") or ""))

    def _done_item(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        index = payload.get("output_index")
        done = payload.get("item")
        if not isinstance(done, dict):
            return
        item = self._item(payload)
        if item is None:
            if not isinstance(index, int):
                return
            item = self._items[index] = _Item(index, dict(done))
        item.done = done
        key = _call_key(done)
        if key is not None:
            position = self._calls.get(item.index)
            if position is None:
                position = self._calls[item.index] = len(self._calls)
            if out is not None:
                out.append(ToolCallFinished(_call(position, done, key, done=True)))

    def _terminate(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        response = payload.get("response")
        if not isinstance(response, dict):
            return
        self._terminal = response
        usage = response.get("usage")
        if isinstance(usage, dict) and out is not None:
            out.append(UsageUpdate(usage))
        reason = _finish_reason(response)
        if reason is not None and out is not None:
            out.append(FinishUpdate(reason))

    # -- snapshot -----------------------------------------------------------------------------------

    def _result(self) -> AccumulatedResult:
        """Return the ``response`` so far."""
        items = [self._items[index].final() for index in sorted(self._items)]
        terminal = self._terminal
        if terminal is not None:
            final = dict(terminal)
            if not final.get("output") and items:
                self._note(NOTE_OUTPUT_KEPT)
                final["output"] = items
        else:
            final = dict(self._response)
            final["output"] = items
        output = _dicts(final.get("output"))
        text_parts: list[str] = []
        reasoning_parts: list[str] = []
        calls: list[ToolCall] = []
        for item in output:
            kind = item.get("type")
            if kind == "message":
                text_parts.extend(_text(p) for p in _dicts(item.get("content")) if p.get("type") == "output_text")
            elif kind == "reasoning":
                summary = [_text(p) for p in _dicts(item.get("summary"))]
                content = [_text(p) for p in _dicts(item.get("content"))]
                reasoning_parts.append("\n\n".join(s for s in (*summary, *content) if s))
            elif (key := _call_key(item)) is not None:
                done = item.get("status") == "completed" or terminal is not None
                calls.append(_call(len(calls), item, key, done=done))
        usage = final.get("usage") if isinstance(final.get("usage"), dict) else None
        details = self._base_details()
        details["last_sequence_number"] = self._last_seq
        details["sequence_gaps"] = list(self._gaps)
        text = "".join(text_parts)
        reasoning = "\n\n".join(r for r in reasoning_parts if r)
        finish_reason = _finish_reason(terminal) if terminal is not None else None
        return self._single_choice_result(
            role="assistant",
            text=text,
            has_text=bool(text_parts),
            reasoning=reasoning,
            tool_calls=calls,
            finish_reason=finish_reason,
            usage=usage,
            final=final,
            details=details,
        )


def _call_key(item: dict[str, Any]) -> str | None:
    """Return the field holding a call item's arguments (``arguments`` / ``input``), None for other items."""
    kind = item.get("type")
    return _CALL_TYPES.get(kind) if isinstance(kind, str) else None


def _dicts(value: Any) -> list[dict[str, Any]]:  # noqa: ANN401
    """Return the dicts of a list (anything else in it, or a value that is not a list, is skipped)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(part: dict[str, Any]) -> str:
    text = part.get("text")
    return text if isinstance(text, str) else ""


def _call(position: int, item: dict[str, Any], key: str, *, done: bool) -> ToolCall:
    arguments, call_id, name = item.get(key), item.get("call_id"), item.get("name")
    return ToolCall(
        position,
        call_id if isinstance(call_id, str) else None,
        name if isinstance(name, str) else "",
        arguments if isinstance(arguments, str) else "",
        type=str(item.get("type")),
        done=done,
    )


def _finish_reason(response: dict[str, Any]) -> str | None:
    """``incomplete_details.reason`` for an incomplete response (``"max_output_tokens"``), else ``status``."""
    details = response.get("incomplete_details")
    if isinstance(details, dict) and isinstance(details.get("reason"), str):
        return str(details["reason"])
    status = response.get("status")
    return status if isinstance(status, str) else None
