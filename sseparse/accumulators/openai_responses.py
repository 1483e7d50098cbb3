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

Built-in tools stream into their items: code interpreter ``code``, MCP ``arguments``, the latest
image-generation partial image as ``result``, each reported as an `ItemDelta`; so a stream cut
before ``.done`` keeps them in ``final``. The response's own audio (``response.audio.*``) is kept in
``details["audio"]``. Status events (``response.web_search_call.searching`` ...) set the item's
``status``. Event types this module does not know are counted in ``details["unknown_events"]``.

Message items with ``phase: "commentary"`` are kept apart from the answer: their text is
``result.commentary`` (and `CommentaryDelta` updates), never ``result.text``; ``final`` is unchanged.
Refusal parts are ``result.refusal`` and `RefusalDelta` updates.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._payloads import is_error_payload
from sseparse.accumulators._results import (
    AccumulatedResult,
    ToolCall,
)
from sseparse.accumulators._toolcalls import Fragments

if TYPE_CHECKING:
    from collections.abc import Callable
from sseparse.accumulators._updates import (
    CommentaryDelta,
    FinishUpdate,
    ItemDelta,
    ReasoningDelta,
    RefusalDelta,
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
# Built-in tools: the item field each delta extends, and the payload field of its .done.
_FIELD_DELTAS = {
    "response.code_interpreter_call_code.delta": "code",
    "response.mcp_call_arguments.delta": "arguments",
}
_FIELD_DONES = {
    "response.code_interpreter_call_code.done": "code",
    "response.mcp_call_arguments.done": "arguments",
}
_AUDIO = {
    "response.audio.delta": ("data", "delta"),
    "response.audio.transcript.delta": ("transcript", "delta"),
    "response.audio.done": ("data", None),
    "response.audio.transcript.done": ("transcript", "transcript"),
}
_STATUS_EVENT = re.compile(
    r"response\.(\w+_call|mcp_list_tools)\.(in_progress|searching|interpreting|generating|completed|failed)"
)
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
    __slots__ = ("args", "base", "content", "done", "fields", "index", "summary")

    def __init__(self, index: int, base: dict[str, Any]) -> None:
        self.index = index
        self.base = base
        self.content: dict[int, _Part] = {}
        self.summary: dict[int, _Part] = {}
        self.args = Fragments()
        self.fields: dict[str, Fragments] = {}  # built-in tools' streamed fields (code, arguments)
        key = _call_key(base)
        if key is not None and isinstance(base.get(key), str):
            self.args.append(base[key])
        self.done: dict[str, Any] | None = None

    @property
    def type(self) -> str:
        kind = self.base.get("type")
        return kind if isinstance(kind, str) else ""

    def field(self, name: str) -> Fragments:
        fragments = self.fields.get(name)
        if fragments is None:
            fragments = self.fields[name] = Fragments()
            value = self.base.get(name)
            if isinstance(value, str):
                fragments.append(value)
        return fragments

    def final(self) -> dict[str, Any]:
        if self.done is not None:
            return self.done
        item = dict(self.base)
        key = _call_key(item)
        if key is not None:
            item[key] = self.args.value()
        for name, fragments in self.fields.items():
            item[name] = fragments.value()
        if self.content:
            item["content"] = [self.content[i].final() for i in sorted(self.content)]
        if self.summary:
            item["summary"] = [self.summary[i].final() for i in sorted(self.summary)]
        return item


class OpenAIResponsesAccumulator(BaseAccumulator):
    """Accumulates Responses streams; `result` gives the ``response`` object as ``final``."""

    format = "openai-responses"
    terminal_events = frozenset({"response.completed", "response.incomplete"})
    chunk_model = "sseparse.models.openai_responses:ResponseStreamEvent"
    final_model = "sseparse.models.openai_responses:Response"

    def __init__(self) -> None:
        super().__init__()
        self._response: dict[str, Any] = {}
        self._terminal: dict[str, Any] | None = None
        self._items: dict[int, _Item] = {}
        self._by_id: dict[str, _Item] = {}
        self._last_seq: int | None = None
        self._gaps: list[tuple[int, int]] = []
        self._calls: dict[int, int] = {}  # output_index -> tool-call position
        self._audio: dict[str, Fragments] = {}
        self._unknown: dict[str, int] = {}

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        seq = payload.get("sequence_number")
        if seq.__class__ is int:
            last = self._last_seq
            if last is not None and seq != last + 1:
                self._gaps.append((last + 1, seq))
            self._last_seq = seq
        kind = payload.get("type")
        if kind.__class__ is not str:
            kind = event_type
        handler = self._HANDLERS.get(kind)
        if handler is not None:
            handler(self, payload, kind, out)
        elif is_error_payload(payload, event_type):
            self._fail(self._error_from(payload), out)
        else:
            self._other(payload, kind)

    # -- event handlers (dispatched by event type through _HANDLERS) ---------------------------------------

    def _started(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        response = payload.get("response")
        if isinstance(response, dict):
            self._response = response

    def _text_delta(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:
        delta = payload.get("delta")
        item = self._item(payload)
        if item is None or not isinstance(delta, str):
            return
        part = self._part(item, payload, *_TEXT_EVENTS[kind])
        part.fragments.append(delta)
        logprobs = payload.get("logprobs")
        if isinstance(logprobs, list) and logprobs:
            existing = part.base.get("logprobs")
            part.base["logprobs"] = [*existing, *logprobs] if isinstance(existing, list) else list(logprobs)
        if delta and out is not None:
            out.append(_text_update(kind, item, delta))

    def _part_done(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        where, key, field = _DONE_EVENTS[kind]
        item = self._item(payload)
        value = payload.get(field)
        if item is not None and isinstance(value, str):
            part = self._part(item, payload, where, key)
            if part.fragments.value() != value:
                self._note(NOTE_DONE_DIFFERS)
                part.fragments.set(value)

    def _call_delta(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        delta = payload.get("delta")
        item = self._item(payload)
        if item is not None and isinstance(delta, str):
            item.args.append(delta)
            position = self._calls.get(item.index)
            if delta and out is not None and position is not None:
                out.append(ToolCallArgumentsDelta(position, delta))

    def _call_done(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        item = self._item(payload)
        value = payload.get("arguments", payload.get("input"))
        if item is not None and isinstance(value, str) and item.args.value() != value:
            self._note(NOTE_DONE_DIFFERS)
            item.args.set(value)

    def _field_delta(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:
        delta = payload.get("delta")
        item = self._item(payload)
        if item is not None and isinstance(delta, str):
            name = _FIELD_DELTAS[kind]
            item.field(name).append(delta)
            if delta and out is not None:
                out.append(ItemDelta(item.index, item.type, name, delta))

    def _field_done(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        name = _FIELD_DONES[kind]
        item = self._item(payload)
        value = payload.get(name)
        if item is not None and isinstance(value, str):
            fragments = item.field(name)
            if fragments.value() != value:
                self._note(NOTE_DONE_DIFFERS)
                fragments.set(value)

    def _partial_image(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        image = payload.get("partial_image_b64")
        item = self._item(payload)
        if item is not None and isinstance(image, str):
            item.field("result").set(image)
            if out is not None:
                out.append(ItemDelta(item.index, item.type, "result", image))

    def _audio_event(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:
        name, source = _AUDIO[kind]
        fragments = self._audio.get(name)
        if fragments is None:
            fragments = self._audio[name] = Fragments()
        value = payload.get(source) if source is not None else None
        if not isinstance(value, str):
            return
        if kind.endswith(".done"):
            fragments.set(value)
            return
        fragments.append(value)
        if value and out is not None:
            out.append(ItemDelta(None, "audio", name, value))

    def _add_item(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        index = payload.get("output_index")
        base = payload.get("item")
        if not isinstance(index, int) or not isinstance(base, dict):
            return
        item = self._items[index] = _Item(index, dict(base))
        if isinstance(base.get("id"), str):
            self._by_id[base["id"]] = item
        if _call_key(base) is not None:
            position = self._calls[index] = len(self._calls)
            if out is not None:
                out.append(ToolCallStarted(position, base.get("call_id"), base.get("name") or ""))

    def _done_item(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
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

    def _content_part(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        self._part_event(payload, "content", "content_index")

    def _summary_part(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        self._part_event(payload, "summary", "summary_index")

    def _annotation(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        item = self._item(payload)
        if item is not None:
            part = self._part(item, payload, "content", "text")
            annotations = part.base.get("annotations")
            if not isinstance(annotations, list):
                annotations = part.base["annotations"] = []
            annotations.append(payload.get("annotation"))

    def _completed(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        self._terminate(payload, out)
        self._complete()

    def _failed(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        self._terminate(payload, out)
        response = self._terminal or {}
        error = response.get("error")
        self._fail(self._error_from({"error": error} if isinstance(error, dict) else payload), out)

    def _error_event(self, payload: dict[str, Any], kind: str, out: list[Update] | None) -> None:  # noqa: ARG002
        self._fail(self._error_from(payload), out)

    def _other(self, payload: dict[str, Any], kind: str) -> None:
        """Set the item's status from a status event (``response.web_search_call.searching`` ...); count the others."""
        match = _STATUS_EVENT.fullmatch(kind)
        item = self._item(payload) if match is not None else None
        if item is not None and match is not None:
            item.base["status"] = match.group(2)
            return
        self._unknown[kind] = self._unknown.get(kind, 0) + 1

    _HANDLERS: ClassVar[dict[str, Callable[..., None]]] = {
        "response.created": _started,
        "response.in_progress": _started,
        "response.queued": _started,
        **dict.fromkeys(_TEXT_EVENTS, _text_delta),
        **dict.fromkeys(_DONE_EVENTS, _part_done),
        "response.function_call_arguments.delta": _call_delta,
        "response.custom_tool_call_input.delta": _call_delta,
        "response.function_call_arguments.done": _call_done,
        "response.custom_tool_call_input.done": _call_done,
        **dict.fromkeys(_FIELD_DELTAS, _field_delta),
        **dict.fromkeys(_FIELD_DONES, _field_done),
        "response.image_generation_call.partial_image": _partial_image,
        **dict.fromkeys(_AUDIO, _audio_event),
        "response.output_item.added": _add_item,
        "response.output_item.done": _done_item,
        "response.content_part.added": _content_part,
        "response.content_part.done": _content_part,
        "response.reasoning_summary_part.added": _summary_part,
        "response.reasoning_summary_part.done": _summary_part,
        "response.output_text.annotation.added": _annotation,
        "response.completed": _completed,
        "response.incomplete": _completed,
        "response.failed": _failed,
        "error": _error_event,
    }

    # -- helpers --------------------------------------------------------------------------------------------

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
        view = _OutputView(_dicts(final.get("output")), done=terminal is not None)
        usage = final.get("usage") if isinstance(final.get("usage"), dict) else None
        details = self._base_details()
        details["last_sequence_number"] = self._last_seq
        details["sequence_gaps"] = list(self._gaps)
        if self._audio:
            details["audio"] = {name: fragments.value() for name, fragments in self._audio.items()}
        if self._unknown:
            details["unknown_events"] = dict(self._unknown)
        finish_reason = _finish_reason(terminal) if terminal is not None else None
        return self._single_choice_result(
            role="assistant",
            text="".join(view.text),
            has_text=bool(view.text),
            reasoning="\n\n".join(r for r in view.reasoning if r),
            tool_calls=view.calls,
            finish_reason=finish_reason,
            usage=usage,
            final=final,
            details=details,
            refusal="".join(view.refusal) if view.refusal else None,
            commentary="\n\n".join(c for c in view.commentary if c),
        )


class _OutputView:
    """What the result shows of ``output``: answer text, commentary, refusal, reasoning, tool calls."""

    __slots__ = ("calls", "commentary", "reasoning", "refusal", "text")

    def __init__(self, output: list[dict[str, Any]], *, done: bool) -> None:
        self.text: list[str] = []
        self.commentary: list[str] = []
        self.refusal: list[str] = []
        self.reasoning: list[str] = []
        self.calls: list[ToolCall] = []
        for item in output:
            kind = item.get("type")
            if kind == "message":
                self._message(item)
            elif kind == "reasoning":
                summary = [_text(p) for p in _dicts(item.get("summary"))]
                content = [_text(p) for p in _dicts(item.get("content"))]
                self.reasoning.append("\n\n".join(s for s in (*summary, *content) if s))
            elif (key := _call_key(item)) is not None:
                finished = item.get("status") == "completed" or done
                self.calls.append(_call(len(self.calls), item, key, done=finished))

    def _message(self, item: dict[str, Any]) -> None:
        parts = _dicts(item.get("content"))
        texts = [_text(p) for p in parts if p.get("type") == "output_text"]
        if item.get("phase") == "commentary":
            self.commentary.append("".join(texts))
        else:
            self.text.extend(texts)
        for part in parts:
            if part.get("type") == "refusal":
                refusal = part.get("refusal")
                self.refusal.append(refusal if isinstance(refusal, str) else "")


def _text_update(kind: str, item: _Item, delta: str) -> Update:
    """Return the update a text delta gives: answer text, commentary, refusal or reasoning."""
    if kind == "response.output_text.delta":
        return CommentaryDelta(delta) if item.base.get("phase") == "commentary" else TextDelta(delta)
    if kind == "response.refusal.delta":
        return RefusalDelta(delta)
    return ReasoningDelta(delta)


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
